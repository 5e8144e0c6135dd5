"""Complaints: what a citizen sends, what is stored, what is shown."""

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from chalicelib.models.base import Model
from chalicelib.models.common import Language, Role, StrictInput
from chalicelib.models.uploads import AttachedFile, AttachmentOut

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
    # information requests
    "answered",
    "not_held",
    "refused",
    "appealed",
    # feedback: suggestions are reviewed; appreciation and ratings are received
    "under_review",
    "adopted",
    "not_adopted",
    "received",
]
CaseKind = Literal["complaint", "information", "feedback"]
FeedbackKind = Literal["appreciation", "suggestion", "rating"]
# How late an information request is: past its deadline, past twice its limit.
Delay = Literal["delayed", "long_overdue"]
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
    "extended",
    "answered",
    "refused",
    "not_held",
    "appealed",
    "appeal_decided",
    "reviewed",
    # publication: the citizen publishes or withdraws it; an office hides a published text
    "published",
    "unpublished",
    "hidden",
    # a transfer to another organisation's office waits for that organisation: asked, declined
    # (accepted, it is a `transferred` event)
    "transfer_requested",
    "transfer_declined",
    # duplicates (docs/insights.md): this case was merged into another; another was merged into this one
    "merged",
    "merged_in",
    # category suggestion and triage (docs/insights.md): a complaint filed "not sure" of its category
    # waits for a person to choose it (`triage`), or takes the model's confident suggestion; the
    # category is set (`categorised`: `reason` says by the model, "suggested", or by triage, "triage")
    "triage",
    "categorised",
    # moderation at filing: the text looked abusive (never published until cleared), and an officer cleared it
    "moderation_flagged",
    "moderation_cleared",
]
OPEN_STATUSES: frozenset[str] = frozenset(
    {"submitted", "routed", "in_progress", "awaiting_citizen", "reopened", "appealed", "under_review"}
)
# Statuses in which nothing more will be done (Open311 calls them closed).
FINISHED_STATUSES: frozenset[str] = frozenset({"closed", "rejected", "withdrawn"})
# Statuses the sweeper still looks at (GSI3): open ones; resolved ones until the feedback
# window ends; answered information requests until the appeal window ends; every status a case
# ends in, until it is archived a year on (logic/deadlines.py archive_at).
DUE_INDEXED_STATUSES: frozenset[str] = (
    OPEN_STATUSES
    | {"resolved", "answered", "not_held", "refused"}
    | {"closed", "rejected", "withdrawn", "adopted", "not_adopted", "received"}
)
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")]
# The `category_id` a citizen sends when they cannot tell which category their problem is: the route
# worker takes the model's suggestion when it is confident, else the case waits in the triage queue.
NOT_SURE = "not-sure"


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
    # Private unless the citizen publishes it (GET /v1/publication says what becomes public);
    # `public_name` shows their name beside a published complaint.
    publish: bool = False
    public_name: bool = False
    # Answers to the category's extra questions (its Open311 service definition), by attribute code.
    attributes: Annotated[dict[str, Annotated[str, Field(max_length=500)]], Field(max_length=20)] = {}


class Location(Model):
    district: str
    address: str | None = None
    lat: float | None = None
    lon: float | None = None


class OfficeRef(Model):
    id: str
    name: str
    name_ur: str = ""


class TimelineEvent(Model):
    at: str
    type: EventType
    actor_role: Role | Literal["system"]
    note: str | None = None
    office_id: str | None = None
    level: int | None = None
    # A rejection's reason or a resolution's outcome, from their fixed lists.
    reason: str | None = None
    # A transfer's event: which transfer of the case it is (1 for the first).
    transfer_number: int | None = None
    # The files that came with this step (a reply's photos, a resolution's evidence): ids of the case's `attachments`.
    attachments: list[str] | None = None
    # A `categorised` event: the category set, and the model's confidence when it was the model's suggestion.
    category_id: str | None = None
    confidence: float | None = None


class Resolution(Model):
    """How an office resolved a case; the citizen's feedback answers it."""

    outcome: str
    note: str
    at: str
    office_id: str


AnswerKind = Literal["answered", "partially_answered", "not_held", "refused"]


class Answer(Model):
    """How a designated official disposed of an information request."""

    kind: AnswerKind
    note: str
    at: str
    office_id: str
    exemption: str | None = None
    attachments: list[str] = []


class Moderation(Model):
    """An office hid a published complaint's text: why, and who."""

    reason: str
    note: str
    at: str
    office_id: str


class CategorySuggestion(Model):
    """One category the model suggests for a text, with its calibrated confidence (0–1)."""

    category_id: str
    confidence: float


class Triage(Model):
    """A complaint filed "not sure" of its category that the model could not place confidently.

    It waits in the triage queue (status `submitted`, no office) until an admin or a triage
    officer chooses its category; then it routes as any new complaint.
    """

    since: str
    suggestions: list[CategorySuggestion] = []
    categorised_at: str | None = None
    categorised_by: str | None = None  # the sub of who chose the category


class ModerationFlag(Model):
    """The text looked abusive when the case was first processed: it is never published until an officer clears it.

    `score` is the model's probability of abuse (None: the model could not be asked, so a person looks).
    """

    score: float | None = None
    flagged_at: str
    cleared_by: str | None = None  # the sub of the officer who cleared it
    cleared_at: str | None = None


class PublicNote(Model):
    """One step of a case as the public may read it (Open311 `notes`): when and what, never who or why."""

    at: str
    type: EventType


class TransferRequest(Model):
    """An office asks another organisation's office to take the case; the case stays where it is until it answers."""

    office_id: str  # the office asked to take it
    from_office_id: str  # the office that asked
    by: str  # the officer who asked (their sub)
    at: str
    note: str


class TransferRequestOut(Model):
    """A pending transfer request as a case's viewers see it: to which office, from which, when and why."""

    office: OfficeRef
    from_office: OfficeRef
    at: str
    note: str


class Verdict(Model):
    """The citizen's answer to a resolution."""

    satisfied: bool
    rating: int
    comment: str | None = None
    at: str


class Case(Model):
    """A complaint or an information request as stored (the `CASE` item); `version` guards every change.

    Both kinds share the lifecycle's machinery (offices, levels, deadlines, the timeline,
    the queues and the sweeper); an information request has no location, and its
    `description` is the question asked.
    """

    model_config = ConfigDict(extra="ignore")

    id: str
    kind: CaseKind = "complaint"
    status: CaseStatus
    category_id: str
    subject: str
    description: str
    location: Location | None = None
    attachments: list[str] = []
    # What each attachment is (name, type, where it lies), copied from its upload record when attached.
    files: list[AttachedFile] = []
    public_name: bool = False
    attributes: dict[str, str] = {}
    # Publication: when the citizen published it (None: private), the name they chose to show,
    # the texts as published (redacted when published), and an office's moderation.
    published_at: str | None = None
    display_name: str | None = None
    public_subject: str | None = None
    public_description: str | None = None
    hidden: Moderation | None = None
    # Moderation at filing: True from filing until the route worker has checked the text (it is not
    # published meanwhile); the flag when it looked abusive (not published until an officer clears it).
    moderation_pending: bool = False
    moderation_flag: ModerationFlag | None = None
    # Filed "not sure" of its category (`category_id` NOT_SURE until chosen): the triage it went through.
    triage: Triage | None = None
    # The public steps of the case, newest last (capped), so a public list needs no timeline reads.
    public_trail: list[PublicNote] = []
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
    # The office routing gave the case: where it counts as received, and as resolved when it
    # first is (public statistics count cases there, whatever office resolved them).
    routed_office_id: str | None = None
    # When the case's first resolution was counted (a case counts as resolved once, however
    # often it is reopened and resolved again).
    first_resolved_at: str | None = None
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
    closed_by: Literal["satisfied", "no_feedback", "no_appeal", "appeal_dismissed", "merged"] | None = None
    closed_at: str | None = None
    # Information requests: the one extension, how late it is, the answer's kind, and
    # until when the citizen may appeal.
    extended_at: str | None = None
    delay: Delay | None = None
    long_overdue_at: str | None = None
    answer: Answer | None = None
    appeal_until: str | None = None
    # Feedback: which kind, and the rating (1–5) of a service rating.
    feedback_kind: FeedbackKind | None = None
    rating: int | None = None
    # A transfer to another organisation's office, waiting for that organisation to accept or decline it.
    transfer_request: TransferRequest | None = None
    # How many times the case has been moved to another office by a transfer (an accepted request is one).
    transfers: int = 0
    # Duplicates ("me too", docs/insights.md): the citizens this problem affects (its citizen and those who
    # joined it, merged cases' included), the first followers who get its notices, and the case it was merged into.
    affected: int = 1
    followers: list[str] = []
    merged_into: str | None = None
    # When the finished case was archived (chalicelib/store/archive.py): its whole record lies in the archive
    # bucket, the table keeps a stub, and nothing may change it any more.
    archived_at: str | None = None


# How close a case is to its deadline (null when no deadline is running: paused, resolved, closed).
Urgency = Literal["on_time", "due_soon", "overdue"]


class CaseHeadline(Model):
    """What every view of a case shows: which case, where it is, and how its deadline stands."""

    id: str
    kind: CaseKind = "complaint"
    status: CaseStatus
    category_id: str
    subject: str
    office: OfficeRef | None = None
    level: int
    due_at: str | None = None
    # When the case becomes due soon (a complaint's office is reminded then), and how urgent it is now.
    remind_at: str | None = None
    urgency: Urgency | None = None
    # How late an information request is.
    delay: Delay | None = None
    # How many times the case has been transferred to another office.
    transfers: int = 0
    # How many citizens the problem affects (its citizen and those who said "me too").
    affected: int = 1
    # Its text looked abusive at filing and no officer has cleared it yet: it is not published.
    moderation_flagged: bool = False
    created_at: str
    updated_at: str


class CaseSummary(CaseHeadline):
    """One line of a list: enough to recognise a case and its state."""

    district: str | None = None


class HistoryEntry(CaseSummary):
    """A case an office let go, as it is now: the office that had it, how and when it left that office's hands."""

    handled_by: OfficeRef
    # resolved, rejected, withdrawn, closed, answered, not_held, refused, adopted, not_adopted (the status the
    # office closed it in), escalated, transferred, moved (it went to another office).
    outcome: str
    left_at: str


class CitizenContact(Model):
    """How the office can reach the citizen: shown to officers of the case's office only."""

    phone: str | None = None
    email: str | None = None
    language: str


class ChoiceOut(Model):
    value: str | bool
    label: str
    label_ur: str
    # Of a long list (the offices a case may be transferred to): the `groups` entry it belongs to.
    group: str | None = None


class ChoiceGroup(Model):
    """A group of a field's choices: for a transfer, an organisation, and whether its offices are only asked."""

    value: str
    label: str
    label_ur: str
    # Choosing an office of this group asks its organisation to take the case (it accepts or declines).
    request: bool = False


class ActionField(Model):
    """One field of an action's body, as a form asks for it."""

    name: str
    label: str
    label_ur: str
    # text: free text (max_length); choice: one of `choices`; boolean: yes/no (`choices` label
    # each answer); integer: minimum..maximum; uploads: ids from POST /v1/uploads (max_items).
    type: Literal["text", "choice", "boolean", "integer", "uploads"]
    required: bool
    choices: list[ChoiceOut] = []
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    max_items: int | None = None
    # Long lists of choices come grouped (a transfer's offices, by organisation); clients offer them searchable.
    groups: list[ChoiceGroup] = []


class AllowedAction(Model):
    """Something the caller may do to the case now: where to send it and what to send."""

    action: str
    label: str
    label_ur: str
    method: Literal["POST"] = "POST"
    path: str
    # Sent as they are, beside the fields (the officer's actions name themselves in the body).
    fixed: dict[str, str] = {}
    note_required: bool
    # Taking it ends the case for good (a withdrawal, a rejection): clients ask twice.
    final: bool = False
    fields: list[ActionField]
    # The last moment the action is possible, when a window closes on it (a verdict, an appeal).
    until: str | None = None


class CaseOut(CaseHeadline):
    """The whole case, as its citizen or its office sees it."""

    description: str
    location: Location | None = None
    # The citizen's answers to the category's extra questions, by attribute code.
    attributes: dict[str, str] = {}
    attachments: list[AttachmentOut]
    version: int
    resolution: dict[str, object] | None = None
    feedback: Verdict | None = None
    # Until when the citizen may still say they are not satisfied (null when they cannot).
    feedback_until: str | None = None
    # Information requests: the organisation asked, the question, the one extension, the
    # official's answer, and until when it may be appealed.
    organisation: OfficeRef | None = None
    question: str | None = None
    extended_at: str | None = None
    answer: Answer | None = None
    appeal_until: str | None = None
    feedback_kind: FeedbackKind | None = None
    rating: int | None = None
    # Publication: when it was published (null: private), the name shown with it, an office's moderation.
    published_at: str | None = None
    display_name: str | None = None
    hidden: Moderation | None = None
    # Moderation at filing (null: nothing flagged), and whether a published text is withheld from the public
    # meanwhile ("text withheld pending review").
    moderation_flag: ModerationFlag | None = None
    public_text_withheld: bool = False
    # Filed "not sure" of its category: the triage it waits in or went through (null: the citizen chose it).
    triage: Triage | None = None
    # A transfer to another organisation's office that waits for its answer (null when none does).
    transfer_request: TransferRequestOut | None = None
    # The case this one was merged into as a duplicate (null when it was not).
    merged_into: str | None = None
    # Officers' view only (GET /v1/officer/cases/{id}); never in the citizen's or the public's.
    citizen_contact: CitizenContact | None = None
    # What the caller may do now (the server is the only source of workflow rules).
    allowed_actions: list[AllowedAction] = []
    timeline: list[TimelineEvent]
