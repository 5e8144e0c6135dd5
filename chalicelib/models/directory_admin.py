"""Running the directory: what admins send to change it, and what they read back (issue 14).

A write names one object (`OrganisationIn`, `OfficeIn` …) or, for a dry run of several, a
list of changes each tagged by `op`. Every write answers a `ChangeReport`: the directory's
version after it, whether it was a dry run, the (category, district) routes it moves, the
pairs it would leave with no office, and the problems that refuse it, with the object
written spread beside them.
"""

from typing import Annotated, Any, Literal

from pydantic import Field

from chalicelib.models.base import Model
from chalicelib.models.common import StrictInput
from chalicelib.models.directory import (
    Category,
    CategoryKind,
    District,
    Fallback,
    Level,
    Office,
    Organisation,
    OrganisationKind,
    RoutingRule,
    SlaPolicy,
)

# A directory id: lower-case words of letters and digits joined by hyphens (as the seed's).
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG_MAX = 64
Slug = Annotated[str, Field(min_length=1, max_length=SLUG_MAX, pattern=SLUG_PATTERN)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=500)]


class OrganisationFields(StrictInput):
    name: Name
    name_ur: Name
    level_id: Slug
    kind: OrganisationKind
    information_office_id: Slug | None = None
    appeal_office_id: Slug | None = None


class OrganisationIn(OrganisationFields):
    id: Slug


class OfficeFields(StrictInput):
    organisation_id: Slug
    # Required unless the organisation has no head office yet (then this office is it).
    parent_id: Slug | None = None
    name: Name
    name_ur: Name
    district_id: Slug
    districts_served: Annotated[list[Slug], Field(max_length=200)] = Field(default_factory=list)
    # The title of the head of the office ("Executive Engineer (Operations)"): never a person's contact.
    head: Annotated[str, Field(min_length=1, max_length=120)] | None = None


class OfficeIn(OfficeFields):
    # Derived from the organisation and the name when absent ("lesco-gulberg-division").
    id: Slug | None = None


class AttributeValueIn(StrictInput):
    key: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
    name: Name
    name_ur: Annotated[str, Field(max_length=200)] = ""


class AttributeIn(StrictInput):
    """An extra question of a category (an Open311 attribute): list datatypes carry their choices in `values`."""

    code: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")]
    datatype: Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
    required: bool = False
    description: Annotated[str, Field(min_length=1, max_length=500)]
    description_ur: Text = ""
    datatype_description: Text = ""
    datatype_description_ur: Text = ""
    order: Annotated[int, Field(ge=1, le=100)] = 1
    values: Annotated[list[AttributeValueIn], Field(max_length=100)] = Field(default_factory=list)


class CategoryFields(StrictInput):
    name: Name
    name_ur: Name
    group: Name
    group_ur: Annotated[str, Field(max_length=200)] = ""
    kind: CategoryKind
    organisation_ids: Annotated[list[Slug], Field(max_length=50)] = Field(default_factory=list)
    keywords: Annotated[list[Annotated[str, Field(min_length=1, max_length=60)]], Field(max_length=50)] = Field(
        default_factory=list
    )
    attributes: Annotated[list[AttributeIn], Field(max_length=20)] = Field(default_factory=list)
    # Set the category's fallback office in the same change (a new complaint category needs one, or a rule
    # for every district, to be routable).
    fallback_office_id: Slug | None = None


class CategoryIn(CategoryFields):
    id: Slug


class DistrictIn(StrictInput):
    id: Slug
    name: Name
    name_ur: Name
    level_id: Slug
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None


class OfficeRef(StrictInput):
    office_id: Slug


class SlaPolicyFields(StrictInput):
    # None: the default policy, for every category without its own.
    category_id: Slug | None = None
    days_per_level: Annotated[int, Field(ge=1, le=365)] = 20
    head_of_organisation_by_day: Annotated[int, Field(ge=1, le=730)] = 41
    reminder_share: Annotated[float, Field(ge=0.1, le=0.95)] = 0.75
    feedback_window_days: Annotated[int, Field(ge=1, le=90)] = 7
    reopen_window_days: Annotated[int, Field(ge=1, le=365)] = 30


# --- changes, as the dry run of a batch names them (and as every write is applied) ---------------


class PutOrganisation(OrganisationIn):
    op: Literal["put_organisation"]


class RetireOrganisation(StrictInput):
    op: Literal["retire_organisation"]
    id: Slug


class PutOffice(OfficeFields):
    op: Literal["put_office"]
    id: Slug


class RetireOffice(StrictInput):
    op: Literal["retire_office"]
    id: Slug


class PutCategory(CategoryIn):
    op: Literal["put_category"]


class RetireCategory(StrictInput):
    op: Literal["retire_category"]
    id: Slug


class PutDistrict(DistrictIn):
    op: Literal["put_district"]


class PutRule(StrictInput):
    op: Literal["put_rule"]
    category_id: Slug
    district_id: Slug
    office_id: Slug


class DeleteRule(StrictInput):
    op: Literal["delete_rule"]
    category_id: Slug
    district_id: Slug


class PutFallback(StrictInput):
    op: Literal["put_fallback"]
    category_id: Slug
    office_id: Slug


class PutSlaPolicy(SlaPolicyFields):
    op: Literal["put_sla_policy"]
    id: Slug


Change = Annotated[
    PutOrganisation
    | RetireOrganisation
    | PutOffice
    | RetireOffice
    | PutCategory
    | RetireCategory
    | PutDistrict
    | PutRule
    | DeleteRule
    | PutFallback
    | PutSlaPolicy,
    Field(discriminator="op"),
]
OPS = (
    "put_organisation",
    "retire_organisation",
    "put_office",
    "retire_office",
    "put_category",
    "retire_category",
    "put_district",
    "put_rule",
    "delete_rule",
    "put_fallback",
    "put_sla_policy",
)
MAX_CHANGES = 500


class DryRunIn(StrictInput):
    """Changes to try together: each an object with `op` (one of OPS) and that change's fields."""

    changes: Annotated[
        list[dict[str, Any]],
        Field(min_length=1, max_length=MAX_CHANGES, json_schema_extra={"items": {"required": ["op"]}}),
    ]


# --- what is read and answered ---------------------------------------------------------------------


class AdminOffice(Office):
    # The depth in its organisation's tree: 0 for the head office.
    level: int = 0


class AdminDirectory(Model):
    """The whole directory as stored, retired entries included (cases refer to them), at `version`."""

    version: int
    updated_at: str
    levels: list[Level]
    districts: list[District]
    organisations: list[Organisation]
    offices: list[AdminOffice]
    categories: list[Category]
    routing_rules: list[RoutingRule]
    fallbacks: list[Fallback]
    sla_policies: list[SlaPolicy]


class Pair(Model):
    category_id: str
    district_id: str


class RouteChange(Model):
    """A (category, district) whose office a change moves (None: no office)."""

    category_id: str
    district_id: str
    from_office_id: str | None
    to_office_id: str | None


class ProblemOut(Model):
    field: str
    problem: str


class ChangeReport(Model):
    """What a change does (or, in a dry run, would do) to routing, and what refuses it."""

    version: int
    dry_run: bool
    changed_routes: list[RouteChange] = Field(default_factory=list)
    unroutable: list[Pair] = Field(default_factory=list)
    problems: list[ProblemOut] = Field(default_factory=list)


class OrganisationWritten(ChangeReport, Organisation):
    pass


class OfficeWritten(ChangeReport, AdminOffice):
    pass


class CategoryWritten(ChangeReport, Category):
    fallback_office_id: str | None = None


class DistrictWritten(ChangeReport, District):
    pass


class RuleWritten(ChangeReport):
    category_id: str
    district_id: str
    # None once the rule is deleted (the category's fallback then answers).
    office_id: str | None


class FallbackWritten(ChangeReport):
    category_id: str
    office_id: str


class SlaPolicyWritten(ChangeReport, SlaPolicy):
    pass


class ImportWritten(ChangeReport):
    """A CSV import: how many rows it read and what they add, change and remove."""

    rows: int
    added: int
    changed: int
    removed: int
