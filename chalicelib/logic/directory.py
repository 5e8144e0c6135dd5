"""Reading the directory: lookups, routing rules, SLA policies and office trees."""

from __future__ import annotations

from functools import cached_property

from chalicelib.models.directory import (
    Category,
    CategoryOut,
    DirectorySnapshot,
    District,
    DistrictOut,
    LevelNode,
    Office,
    OfficeNode,
    Organisation,
    OrganisationNode,
    SlaPolicy,
)

DEFAULT_SLA = SlaPolicy(id="default")
TRIAGE_ORGANISATION = "pmdu"


class Directory:
    """Indexes over one snapshot; built once per loaded snapshot."""

    def __init__(self, snapshot: DirectorySnapshot) -> None:
        self.snapshot = snapshot

    @cached_property
    def categories(self) -> dict[str, Category]:
        return {c.id: c for c in self.snapshot.categories}

    @cached_property
    def districts(self) -> dict[str, District]:
        return {d.id: d for d in self.snapshot.districts}

    @cached_property
    def organisations(self) -> dict[str, Organisation]:
        return {o.id: o for o in self.snapshot.organisations}

    @cached_property
    def offices(self) -> dict[str, Office]:
        return {o.id: o for o in self.snapshot.offices}

    @cached_property
    def _children(self) -> dict[str, list[Office]]:
        children: dict[str, list[Office]] = {}
        for office in self.snapshot.offices:
            if office.parent_id:
                children.setdefault(office.parent_id, []).append(office)
        return children

    @cached_property
    def _rules(self) -> dict[tuple[str, str], str]:
        return {(r.category_id, r.district_id): r.office_id for r in self.snapshot.routing_rules}

    @cached_property
    def _fallbacks(self) -> dict[str, str]:
        return {f.category_id: f.office_id for f in self.snapshot.fallbacks}

    @cached_property
    def _sla(self) -> dict[str | None, SlaPolicy]:
        return {p.category_id: p for p in self.snapshot.sla_policies}

    def office_for(self, category_id: str, district_id: str) -> Office | None:
        """The office a (category, district) goes to: its rule, else the category's fallback (retired offices never)."""
        for office_id in (self._rules.get((category_id, district_id)), self._fallbacks.get(category_id)):
            office = self.offices.get(office_id or "")
            if office is not None and not office.retired:
                return office
        return None

    def live_office(self, office_id: str) -> Office | None:
        """The office, unless it is unknown or retired (what routing and transfers may name)."""
        office = self.offices.get(office_id)
        return office if office is not None and not office.retired else None

    def live_category(self, category_id: str) -> Category | None:
        """The category, unless it is unknown or retired (what a new case may name)."""
        category = self.categories.get(category_id)
        return category if category is not None and not category.retired else None

    def live_organisation(self, organisation_id: str) -> Organisation | None:
        organisation = self.organisations.get(organisation_id)
        return organisation if organisation is not None and not organisation.retired else None

    def head_office(self, organisation_id: str) -> Office | None:
        """The organisation's head office (the root of its office tree)."""
        return self._heads.get(organisation_id)

    @cached_property
    def _heads(self) -> dict[str, Office]:
        heads: dict[str, Office] = {}
        for office in self.snapshot.offices:
            if not office.parent_id and not office.retired:
                heads.setdefault(office.organisation_id, office)
        return heads

    def triage_office(self) -> Office | None:
        """Where a case goes when the directory has no route for it (never left stuck)."""
        return self.head_office(TRIAGE_ORGANISATION)

    def sla_for(self, category_id: str) -> SlaPolicy:
        return self._sla.get(category_id) or self._sla.get(None) or DEFAULT_SLA

    def subtree(self, office_id: str) -> list[str]:
        """The office and every office below it."""
        found, stack = [], [office_id]
        while stack:
            current = stack.pop()
            if current in found:
                continue
            found.append(current)
            stack.extend(child.id for child in self._children.get(current, []))
        return found

    def chain(self, office_id: str) -> list[str]:
        """The office and its supervisors up to the head of the organisation."""
        found: list[str] = []
        current: str | None = office_id
        while current and current not in found and current in self.offices:
            found.append(current)
            current = self.offices[current].parent_id
        return found

    # Public listings ---------------------------------------------------------

    def category_listing(self) -> list[CategoryOut]:
        return [
            CategoryOut.model_validate({**c.model_dump(), "attributes": sorted(c.attributes, key=lambda a: a.order)})
            for c in self.snapshot.categories
            if not c.retired
        ]

    def district_listing(self) -> list[DistrictOut]:
        return [DistrictOut.model_validate(d.model_dump()) for d in self.snapshot.districts]

    def organisation_tree(self) -> list[LevelNode]:
        def node(office: Office) -> OfficeNode:
            return OfficeNode(
                id=office.id,
                name=office.name,
                name_ur=office.name_ur,
                district_id=office.district_id,
                offices=[node(child) for child in self._children.get(office.id, []) if not child.retired],
            )

        levels = []
        for level in self.snapshot.levels:
            organisations = []
            for org in self.snapshot.organisations:
                if org.level_id != level.id or org.retired:
                    continue
                heads = [
                    o
                    for o in self.snapshot.offices
                    if o.organisation_id == org.id and not o.parent_id and not o.retired
                ]
                organisations.append(
                    OrganisationNode(
                        id=org.id,
                        name=org.name,
                        name_ur=org.name_ur,
                        kind=org.kind,
                        offices=[node(h) for h in heads],
                    )
                )
            levels.append(LevelNode(id=level.id, name=level.name, name_ur=level.name_ur, organisations=organisations))
        return levels


_current: tuple[int, Directory] | None = None


def directory_of(snapshot: DirectorySnapshot) -> Directory:
    """The Directory for a snapshot, rebuilt only when the snapshot object changes."""
    global _current
    if _current is None or _current[0] != id(snapshot) or _current[1].snapshot is not snapshot:
        _current = (id(snapshot), Directory(snapshot))
    return _current[1]
