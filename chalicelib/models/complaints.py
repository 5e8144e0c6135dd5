"""Complaints: what a citizen sends, what is stored, what is shown."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.models.common import Language, Role, StrictInput

CaseStatus = Literal[
    "submitted",
    "routed",
    "in_progress",
    "awaiting_citizen",
    "resolved",
    "reopened",
    "closed",
    "rejected",
    "withdrawn",
]
EventType = Literal[
    "submitted",
    "routed",
    "acknowledged",
    "note",
    "info_requested",
    "citizen_replied",
    "transferred",
    "resolved",
    "rejected",
    "feedback",
    "reopened",
    "escalated",
    "reminded",
    "closed",
    "withdrawn",
]
OPEN_STATUSES: frozenset[str] = frozenset({"submitted", "routed", "in_progress", "awaiting_citizen", "reopened"})
# Statuses the sweeper still looks at (GSI3): open ones, and resolved ones until the feedback window ends.
DUE_INDEXED_STATUSES: frozenset[str] = OPEN_STATUSES | {"resolved"}
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]


class LocationIn(StrictInput):
    district: Id
    address: Annotated[str, Field(max_length=300)] | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None


class ComplaintIn(StrictInput):
    category_id: Id
    subject: Annotated[str, Field(min_length=3, max_length=150)]
    description: Annotated[str, Field(min_length=10, max_length=4000)]
    location: LocationIn
    attachments: Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=5)] = []
    public_name: bool = False


class Location(BaseModel):
    district: str
    address: str | None = None
    lat: float | None = None
    lon: float | None = None


class OfficeRef(BaseModel):
    id: str
    name: str
    name_ur: str = ""


class TimelineEvent(BaseModel):
    at: str
    type: EventType
    actor_role: Role | Literal["system"]
    note: str | None = None
    office_id: str | None = None
    level: int | None = None
    # A rejection's reason or a resolution's outcome, from their fixed lists.
    reason: str | None = None


class Resolution(BaseModel):
    """How an office resolved a case; the citizen's feedback answers it."""

    outcome: str
    note: str
    at: str
    office_id: str


class Verdict(BaseModel):
    """The citizen's answer to a resolution."""

    satisfied: bool
    rating: int
    comment: str | None = None
    at: str


class Case(BaseModel):
    """A complaint as stored (the `CASE` item); `version` guards every change."""

    model_config = ConfigDict(extra="ignore")

    id: str
    kind: Literal["complaint"] = "complaint"
    status: CaseStatus
    category_id: str
    subject: str
    description: str
    location: Location
    attachments: list[str] = []
    public_name: bool = False
    citizen_sub: str
    language: Language = "en"
    office_id: str | None = None
    organisation_id: str | None = None
    level: int = 0
    due_at: str | None = None
    version: int = 1
    event_seq: int = 1
    created_at: str
    updated_at: str
    routed_at: str | None = None
    # When the sweeper must next look at the case: a re-drive time while it
    # waits to be routed, its deadline afterwards. Drives the due index.
    next_check_at: str | None = None
    redrive_count: int = 0
    # Set while the case waits for the citizen (the SLA clock is paused since then).
    paused_at: str | None = None
    resolution: Resolution | None = None
    # The citizen's verdict on the latest resolution (None until they answer).
    feedback: Verdict | None = None
    # The deadline for which the office was reminded at 75 % (one reminder per deadline).
    reminded_due_at: str | None = None
    # How the case was closed: "satisfied" (the citizen said so) or "no_feedback" (window passed).
    closed_by: Literal["satisfied", "no_feedback"] | None = None
    closed_at: str | None = None


class CaseSummary(BaseModel):
    """One line of a list: enough to recognise a case and its state."""

    id: str
    status: CaseStatus
    category_id: str
    subject: str
    district: str
    office: OfficeRef | None = None
    level: int
    due_at: str | None = None
    created_at: str
    updated_at: str


class CaseOut(BaseModel):
    id: str
    status: CaseStatus
    category_id: str
    subject: str
    description: str
    location: Location
    attachments: list[str]
    office: OfficeRef | None = None
    level: int
    due_at: str | None = None
    version: int
    created_at: str
    updated_at: str
    resolution: dict[str, object] | None = None
    feedback: Verdict | None = None
    # Until when the citizen may still say they are not satisfied (null when they cannot).
    feedback_until: str | None = None
    timeline: list[TimelineEvent]
