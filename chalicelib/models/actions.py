"""What an officer or a citizen sends to move a case along: one model per action."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, RootModel

from chalicelib.models.common import StrictInput
from chalicelib.models.complaints import Id

Note = Annotated[str, Field(min_length=1, max_length=2000)]
Attachments = Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=5)]
Outcome = Literal["relief_granted", "partial_relief", "relief_not_possible"]
RejectReason = Literal["duplicate", "sub_judice", "outside_jurisdiction", "insufficient_information", "abusive"]
OUTCOMES: tuple[str, ...] = ("relief_granted", "partial_relief", "relief_not_possible")
REJECT_REASONS: tuple[str, ...] = (
    "duplicate",
    "sub_judice",
    "outside_jurisdiction",
    "insufficient_information",
    "abusive",
)


class AcknowledgeIn(StrictInput):
    action: Literal["acknowledge"]
    note: Note | None = None


class NoteIn(StrictInput):
    action: Literal["note"]
    note: Note


class RequestInfoIn(StrictInput):
    """`note` is the question put to the citizen."""

    action: Literal["request_info"]
    note: Note


class TransferIn(StrictInput):
    """`note` is why the case belongs to the other office."""

    action: Literal["transfer"]
    office_id: Id
    note: Note


class ResolveIn(StrictInput):
    action: Literal["resolve"]
    outcome: Outcome
    note: Note
    attachments: Attachments = []


class RejectIn(StrictInput):
    action: Literal["reject"]
    reason: RejectReason
    note: Note


OfficerAction = AcknowledgeIn | NoteIn | RequestInfoIn | TransferIn | ResolveIn | RejectIn


class OfficerActionIn(RootModel[Annotated[OfficerAction, Field(discriminator="action")]]):
    """The body of `POST /v1/officer/cases/{id}/actions`, chosen by its `action`."""

    tag_field: ClassVar[str] = "action"


class ReplyIn(StrictInput):
    """The citizen's answer to an officer's request for details."""

    message: Annotated[str, Field(min_length=1, max_length=4000)]
    attachments: Attachments = []


class WithdrawIn(StrictInput):
    reason: Annotated[str, Field(min_length=1, max_length=2000)] | None = None


class FeedbackIn(StrictInput):
    """The citizen's verdict on a resolution: satisfied closes the case, not satisfied reopens it a level up."""

    satisfied: bool
    rating: Annotated[int, Field(ge=1, le=5)]
    comment: Annotated[str, Field(min_length=1, max_length=2000)] | None = None
