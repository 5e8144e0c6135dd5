"""The government directory: levels, districts, organisations, offices, categories, rules, SLAs."""

from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.models.base import Model

CategoryKind = Literal["complaint", "information", "feedback"]
OrganisationKind = Literal["ministry", "department", "utility", "authority", "police", "municipal"]


class _Entry(Model):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Level(_Entry):
    id: str
    name: str
    name_ur: str


class District(_Entry):
    id: str
    name: str
    name_ur: str
    level_id: str
    lat: float | None = None
    lon: float | None = None


class Organisation(_Entry):
    id: str
    name: str
    name_ur: str
    level_id: str
    kind: OrganisationKind
    # The office of the organisation's designated official under the Right of Access to
    # Information Act 2017; unset, the organisation's head office answers requests.
    information_office_id: str | None = None
    # The body that hears appeals against the organisation's answers (the Pakistan
    # Information Commission for federal bodies); unset, the portal's default reviewer.
    appeal_office_id: str | None = None
    # Retired: kept because cases refer to it, but offered nowhere and routing nothing.
    retired: bool = False


class Office(_Entry):
    id: str
    organisation_id: str
    name: str
    name_ur: str
    district_id: str
    parent_id: str | None = None
    # The districts the office takes cases from (shown in the directory; routing goes by the rules).
    districts_served: list[str] = Field(default_factory=list)
    # The title of the head of the office ("Executive Engineer"), never a person's contact.
    head: str | None = None
    # Retired: kept because cases refer to it, but it routes nothing and takes no transfers.
    retired: bool = False


class AttributeValue(_Entry):
    key: str
    name: str
    name_ur: str = ""


class ServiceAttribute(_Entry):
    """An extra question a category asks (Open311 GeoReport v2 service definition)."""

    code: str
    datatype: Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
    required: bool = False
    description: str
    description_ur: str = ""
    datatype_description: str = ""
    datatype_description_ur: str = ""
    order: int = 1
    values: list[AttributeValue] = Field(default_factory=list)


class Category(_Entry):
    id: str
    name: str
    name_ur: str
    group: str
    group_ur: str = ""
    kind: CategoryKind
    organisation_ids: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    attributes: list[ServiceAttribute] = Field(default_factory=list)
    # Retired: kept because cases refer to it, but not offered and no new case may name it.
    retired: bool = False


class RoutingRule(_Entry):
    category_id: str
    district_id: str
    office_id: str


class Fallback(_Entry):
    category_id: str
    office_id: str


class SlaPolicy(_Entry):
    id: str
    category_id: str | None = None
    days_per_level: int = 20
    head_of_organisation_by_day: int = 41
    # The share of a level's time after which its office is reminded (and the case shows as due soon).
    reminder_share: float = 0.75
    feedback_window_days: int = 7
    reopen_window_days: int = 30


class DirectorySnapshot(Model):
    """The whole directory as seeded or loaded; small enough to hold in memory."""

    model_config = ConfigDict(extra="forbid")

    levels: list[Level]
    districts: list[District]
    organisations: list[Organisation]
    offices: list[Office]
    categories: list[Category]
    routing_rules: list[RoutingRule]
    fallbacks: list[Fallback]
    sla_policies: list[SlaPolicy]


# Public outputs ------------------------------------------------------------


class CategoryOut(Model):
    id: str
    name: str
    name_ur: str
    group: str
    group_ur: str
    kind: CategoryKind
    # The category's extra questions (its Open311 service definition), in both languages, in order.
    attributes: list[ServiceAttribute] = Field(default_factory=list)


class DistrictOut(Model):
    id: str
    name: str
    name_ur: str
    level_id: str


class OfficeNode(Model):
    id: str
    name: str
    name_ur: str
    district_id: str
    offices: list["OfficeNode"] = Field(default_factory=list)


class OrganisationNode(Model):
    id: str
    name: str
    name_ur: str
    kind: OrganisationKind
    offices: list[OfficeNode]


class LevelNode(Model):
    id: str
    name: str
    name_ur: str
    organisations: list[OrganisationNode]


class DistrictPlace(Model):
    """Where a point lies: the boundary's name (geoBoundaries), the served district, or several to choose from."""

    boundary: str
    district: DistrictOut | None
    candidates: list[DistrictOut]


class CategoryList(Model):
    items: list[CategoryOut]


class DistrictList(Model):
    items: list[DistrictOut]


class OrganisationTree(Model):
    """Levels → organisations → offices (each office with the offices below it)."""

    items: list[LevelNode]
