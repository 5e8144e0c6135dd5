"""What an officer or a citizen sends to move a case along: one model per action."""

from typing import Annotated, ClassVar, Literal

from pydantic import ConfigDict, Field, RootModel

from chalicelib.models.choices import (
    APPEAL_DECISIONS,
    EXEMPTIONS,
    MODERATION_REASONS,
    OUTCOMES,
    REJECT_REASONS,
    REVIEW_DECISIONS,
    OneOf,
)
from chalicelib.models.common import StrictInput
from chalicelib.models.complaints import Id

Note = Annotated[str, Field(min_length=1, max_length=2000)]
Attachments = Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=5)]


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
    """`note` is why the case belongs to the other office.

    Within the case's organisation the case moves at once; to another organisation's office
    an officer's transfer is a request that organisation accepts or declines (an admin's moves it).
    """

    action: Literal["transfer"]
    office_id: Id
    note: Note


class AcceptTransferIn(StrictInput):
    """The organisation asked to take a case takes it; `note`, if any, replaces the request's on the timeline."""

    action: Literal["accept_transfer"]
    note: Note | None = None


class DeclineTransferIn(StrictInput):
    """The organisation asked to take a case says no; `note` tells the office that asked why."""

    action: Literal["decline_transfer"]
    note: Note


class ResolveIn(StrictInput):
    action: Literal["resolve"]
    outcome: Annotated[str, OneOf(OUTCOMES)]
    note: Note
    attachments: Attachments = []


class RejectIn(StrictInput):
    action: Literal["reject"]
    reason: Annotated[str, OneOf(REJECT_REASONS)]
    note: Note


class ExtendIn(StrictInput):
    """Once per request: ten more working days; `note` is the reason the citizen reads."""

    action: Literal["extend"]
    note: Note


class AnswerIn(StrictInput):
    """`note` is the answer; `partial` when only part of what was asked is given."""

    action: Literal["answer"]
    note: Note
    partial: bool = False
    attachments: Attachments = []


class NotHeldIn(StrictInput):
    """The organisation does not hold the information; `note` says so and, where known, who does."""

    action: Literal["not_held"]
    note: Note


class RefuseIn(StrictInput):
    action: Literal["refuse"]
    # Refusing names an exemption of the Act or is refused itself.
    exemption: Annotated[str, OneOf(EXEMPTIONS)]
    note: Note


class DecideAppealIn(StrictInput):
    """The reviewer's decision on an appeal: allowed sends the request back to be answered."""

    action: Literal["decide_appeal"]
    decision: Annotated[str, OneOf(APPEAL_DECISIONS)]
    note: Note


class ReviewIn(StrictInput):
    """An organisation's review of a citizen's suggestion; `note` tells the citizen why."""

    action: Literal["review"]
    decision: Annotated[str, OneOf(REVIEW_DECISIONS)]
    note: Note


class HideIn(StrictInput):
    """An office hides a published complaint's text (moderation); `note` says why, on the timeline."""

    action: Literal["hide"]
    reason: Annotated[str, OneOf(MODERATION_REASONS)]
    note: Note


OfficerAction = (
    AcknowledgeIn
    | NoteIn
    | RequestInfoIn
    | TransferIn
    | AcceptTransferIn
    | DeclineTransferIn
    | ResolveIn
    | RejectIn
    | ExtendIn
    | AnswerIn
    | NotHeldIn
    | RefuseIn
    | DecideAppealIn
    | ReviewIn
    | HideIn
)


class OfficerActionIn(RootModel[Annotated[OfficerAction, Field(discriminator="action")]]):
    """The body of `POST /v1/officer/cases/{id}/actions`, chosen by its `action`."""

    model_config = ConfigDict(defer_build=True)  # as every model (models.base)
    tag_field: ClassVar[str] = "action"


class ReplyIn(StrictInput):
    """The citizen's answer to an officer's request for details."""

    message: Annotated[str, Field(min_length=1, max_length=4000)]
    attachments: Attachments = []


class PublishIn(StrictInput):
    """The citizen publishes their complaint (what becomes public: GET /v1/publication)."""

    public_name: bool = False


class UnpublishIn(StrictInput):
    """The citizen takes their complaint out of public view."""


class WithdrawIn(StrictInput):
    reason: Annotated[str, Field(min_length=1, max_length=2000)] | None = None


class FeedbackIn(StrictInput):
    """The citizen's verdict on a resolution: satisfied closes the case, not satisfied reopens it a level up."""

    satisfied: bool
    rating: Annotated[int, Field(ge=1, le=5)]
    comment: Annotated[str, Field(min_length=1, max_length=2000)] | None = None


class AppealIn(StrictInput):
    """The citizen's appeal against an information request's answer, refusal or delay."""

    grounds: Annotated[str, Field(min_length=1, max_length=4000)]


class InformationRequestIn(StrictInput):
    organisation_id: Id
    subject: Annotated[str, Field(min_length=3, max_length=150)]
    question: Annotated[str, Field(min_length=10, max_length=4000)]


class FeedbackChannelIn(StrictInput):
    """`POST /v1/feedback`: appreciation of an office, a suggestion, or a 1–5 rating of a service."""

    kind: Literal["appreciation", "suggestion", "rating"]
    organisation_id: Id
    office_id: Id | None = None
    message: Annotated[str, Field(min_length=1, max_length=2000)]
    rating: Annotated[int, Field(ge=1, le=5)] | None = None
