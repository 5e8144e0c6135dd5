"""Changing the directory: every write, single or in a batch, is a list of changes applied here.

`apply_changes` applies changes to a snapshot in memory and validates the result: it is the
one function behind each single write, the batch dry run and the CSV imports, so what a dry
run reports is what the write does. `commit` then stores the result conditionally on the
version the caller read (`If-Match`), with an audit entry per change in the same transaction.

Rules (docs/directory.md):
- ids must name what exists: an unknown id is a 400 naming the field;
- an office's parent is an office of the same organisation, live, and no office is its own
  ancestor; an organisation has one live head office (an office without a parent);
- rules and fallbacks point at live offices; retiring an office is refused (409) while a rule,
  a fallback, a live office below it, an organisation's information or appeal office, or an open
  case still needs it; retired things are never deleted (cases refer to them);
- every live complaint category must reach an office in every district of the directory (its
  rule, else its fallback): a change that leaves a pair with none is refused, and a dry run lists it.
  Only pairs the change makes unroutable count, so a directory that had some can still be repaired;
- an org_admin changes only their organisation's subtree: its offices, the rules and fallbacks
  whose office (old and new) is one of its offices, categories of that organisation alone, and the
  organisation's names; anything else is a 403 (the directory itself is public: nothing is hidden).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from chalicelib.logic import audit
from chalicelib.logic.clock import iso
from chalicelib.logic.ports import Services
from chalicelib.models.audit import Actor
from chalicelib.models.common import Principal
from chalicelib.models.directory import (
    Category,
    DirectorySnapshot,
    District,
    Fallback,
    Office,
    Organisation,
    RoutingRule,
    SlaPolicy,
)
from chalicelib.models.directory_admin import (
    AdminDirectory,
    AdminOffice,
    Change,
    DeleteRule,
    Pair,
    PutCategory,
    PutDistrict,
    PutFallback,
    PutOffice,
    PutOrganisation,
    PutRule,
    PutSlaPolicy,
    RetireCategory,
    RetireOffice,
    RetireOrganisation,
    RouteChange,
)
from chalicelib.models.errors import (
    Conflict,
    FieldProblem,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionRequired,
    ServiceUnavailable,
    VersionConflict,
)
from chalicelib.store import audit as audit_store
from chalicelib.store import cases as case_store
from chalicelib.store import directory as directory_store

# A contact in what should be a title: an e-mail address, or a run of seven digits or more (a phone number).
_CONTACT = re.compile(r"@|(?:\d[\s().-]*){7,}")
# How many (category, district) pairs or names a refusal spells out before it says "and N more".
NAMED = 10
# How many changed pairs an import's audit entry keeps (the counts are always whole).
AUDITED_PAIRS = 100


@dataclass(frozen=True)
class Problem:
    """A field of the change and what is wrong with it, in both languages; 409 when something still needs it."""

    field: str
    en: str
    ur: str
    status: int = 400

    def field_problem(self) -> FieldProblem:
        return FieldProblem(self.field, self.en, self.ur)


@dataclass(frozen=True)
class Note:
    """One applied change, for the audit trail."""

    action: str
    object_type: str
    object_id: str
    before: Any
    after: Any
    organisation_id: str | None


@dataclass
class Report:
    snapshot: DirectorySnapshot
    changed_routes: list[RouteChange] = field(default_factory=list)
    unroutable: list[Pair] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.notes)


@dataclass(frozen=True)
class Scope:
    """What the caller may change: every organisation (admin), or one (org_admin)."""

    organisation_id: str | None = None

    @property
    def everything(self) -> bool:
        return self.organisation_id is None


Step = tuple[str, Change]
OpenCases = Callable[[str], bool]


def _none(_: str) -> bool:
    return False


def _named(items: Sequence[str]) -> str:
    shown = ", ".join(items[:NAMED])
    return shown + (f" and {len(items) - NAMED} more" if len(items) > NAMED else "")


def _dump(model: BaseModel | None) -> Any:
    return model.model_dump(mode="json") if model is not None else None


class _State:
    """The directory being changed: dictionaries by id (insertion-ordered, so the snapshot keeps its order)."""

    def __init__(self, snapshot: DirectorySnapshot) -> None:
        self.levels = {x.id: x for x in snapshot.levels}
        self.districts = {x.id: x for x in snapshot.districts}
        self.organisations = {x.id: x for x in snapshot.organisations}
        self.offices = {x.id: x for x in snapshot.offices}
        self.categories = {x.id: x for x in snapshot.categories}
        self.rules = {(r.category_id, r.district_id): r.office_id for r in snapshot.routing_rules}
        self.fallbacks = {f.category_id: f.office_id for f in snapshot.fallbacks}
        self.sla = {p.id: p for p in snapshot.sla_policies}

    def snapshot(self) -> DirectorySnapshot:
        return DirectorySnapshot(
            levels=list(self.levels.values()),
            districts=list(self.districts.values()),
            organisations=list(self.organisations.values()),
            offices=list(self.offices.values()),
            categories=list(self.categories.values()),
            routing_rules=[RoutingRule(category_id=c, district_id=d, office_id=o) for (c, d), o in self.rules.items()],
            fallbacks=[Fallback(category_id=c, office_id=o) for c, o in self.fallbacks.items()],
            sla_policies=list(self.sla.values()),
        )

    def live(self, office_id: str | None) -> bool:
        office = self.offices.get(office_id or "")
        return office is not None and not office.retired

    def organisation_of(self, office_id: str | None) -> str | None:
        office = self.offices.get(office_id or "")
        return office.organisation_id if office else None

    def routes(self) -> dict[tuple[str, str], str | None]:
        """Where each live complaint category goes in each district: its rule, else its fallback (live offices only)."""
        found: dict[tuple[str, str], str | None] = {}
        for category in self.categories.values():
            if category.kind != "complaint" or category.retired:
                continue
            fallback = self.fallbacks.get(category.id)
            fallback = fallback if self.live(fallback) else None
            for district in self.districts:
                rule = self.rules.get((category.id, district))
                found[(category.id, district)] = rule if self.live(rule) else fallback
        return found


def levels_of(offices: Sequence[Office]) -> dict[str, int]:
    """Each office's depth in its tree (0: a head office); a broken chain stops where it breaks."""
    parent = {o.id: o.parent_id for o in offices}
    depth: dict[str, int] = {}
    for office in offices:
        seen, current, steps = set(), office.parent_id, 0
        while current and current in parent and current not in seen:
            seen.add(current)
            steps += 1
            current = parent[current]
        depth[office.id] = steps
    return depth


def admin_view(stored: directory_store.Stored) -> AdminDirectory:
    snapshot = stored.snapshot
    levels = levels_of(snapshot.offices)
    return AdminDirectory(
        version=stored.version,
        updated_at=stored.updated_at,
        levels=snapshot.levels,
        districts=snapshot.districts,
        organisations=snapshot.organisations,
        offices=[AdminOffice(**o.model_dump(), level=levels.get(o.id, 0)) for o in snapshot.offices],
        categories=snapshot.categories,
        routing_rules=snapshot.routing_rules,
        fallbacks=snapshot.fallbacks,
        sla_policies=snapshot.sla_policies,
    )


# --- applying changes -------------------------------------------------------------------------------


class _Applier:
    def __init__(self, snapshot: DirectorySnapshot, scope: Scope, open_cases: OpenCases) -> None:
        self.state = _State(snapshot)
        self.scope = scope
        self.open_cases = open_cases
        self.problems: list[Problem] = []
        self.notes: list[Note] = []
        # Offices put, their place in the tree checked once every change is applied (a parent may come later).
        self.placed: list[tuple[str, str]] = []

    # -- helpers --

    def problem(self, where: str, name: str, en: str, ur: str, status: int = 400) -> None:
        self.problems.append(Problem(f"{where}{name}", en, ur, status))

    def unknown(self, where: str, name: str, what: str, what_ur: str) -> None:
        self.problem(where, name, f"no {what} has this id", f"اس شناخت کا کوئی {what_ur} نہیں")

    def mine(self, organisation_id: str | None) -> bool:
        return self.scope.everything or organisation_id == self.scope.organisation_id

    def refuse_outside(self, what: str) -> None:
        raise Forbidden(f"an organisation's admin may change only its own {what}")

    def note(self, action: str, kind: str, object_id: str, before: Any, after: Any, org: str | None) -> None:
        self.notes.append(Note(action, kind, object_id, before, after, org))

    # -- the changes --

    def put_organisation(self, where: str, change: PutOrganisation) -> None:
        state, before = self.state, self.state.organisations.get(change.id)
        if not self.scope.everything:
            same_standing = before is not None and (before.level_id, before.kind) == (change.level_id, change.kind)
            if not (self.mine(change.id) and same_standing):
                self.refuse_outside("organisation's names and offices of record")
        if change.level_id not in state.levels:
            self.unknown(where, "level_id", "level", "درجہ")
        for name in ("information_office_id", "appeal_office_id"):
            office_id = getattr(change, name)
            if office_id is None:
                continue
            if not state.live(office_id):
                self.unknown(where, name, "live office", "فعال دفتر")
            elif name == "information_office_id" and state.organisation_of(office_id) != change.id:
                self.problem(where, name, "not an office of this organisation", "اس ادارے کا دفتر نہیں")
        retired = before.retired if before else False
        after = Organisation(**change.model_dump(exclude={"op"}), retired=retired)
        if after != before:
            state.organisations[change.id] = after
            self.note(
                "create" if before is None else "update",
                "organisation",
                change.id,
                _dump(before),
                _dump(after),
                change.id,
            )

    def retire_organisation(self, where: str, change: RetireOrganisation) -> None:
        state, before = self.state, self.state.organisations.get(change.id)
        if not self.scope.everything:
            self.refuse_outside("offices (only an admin retires an organisation)")
        if before is None:
            raise NotFound(f"no organisation has the id {change.id}")
        if before.retired:
            return
        offices = [o for o in state.offices.values() if o.organisation_id == change.id and not o.retired]
        ids = {o.id for o in offices}
        for office in offices:
            self._still_needed(where, office, ids, change.id)
        for office in offices:
            state.offices[office.id] = office.model_copy(update={"retired": True})
        after = before.model_copy(update={"retired": True})
        state.organisations[change.id] = after
        record = {**_dump(after), "offices_retired": sorted(ids)}
        self.note("retire", "organisation", change.id, _dump(before), record, change.id)

    def put_office(self, where: str, change: PutOffice) -> None:
        state, before = self.state, self.state.offices.get(change.id)
        if not (self.mine(change.organisation_id) and (before is None or self.mine(before.organisation_id))):
            self.refuse_outside("offices")
        if change.organisation_id not in state.organisations:
            self.unknown(where, "organisation_id", "organisation", "ادارہ")
        elif state.organisations[change.organisation_id].retired and not (before and before.retired):
            self.problem(where, "organisation_id", "this organisation is retired", "یہ ادارہ ختم کیا جا چکا ہے")
        if change.district_id not in state.districts:
            self.unknown(where, "district_id", "district", "ضلع")
        for i, served in enumerate(change.districts_served):
            if served not in state.districts:
                self.unknown(where, f"districts_served[{i}]", "district", "ضلع")
        if change.head is not None and _CONTACT.search(change.head):
            self.problem(
                where,
                "head",
                "the head's title only, without a phone number or e-mail address",
                "صرف سربراہ کا عہدہ لکھیں، فون نمبر یا ای میل کے بغیر",
            )
        retired = before.retired if before else False
        after = Office(**change.model_dump(exclude={"op"}), retired=retired)
        if before is not None and before.organisation_id != after.organisation_id:
            below = [o.id for o in state.offices.values() if o.parent_id == after.id and not o.retired]
            if below:
                self.problem(
                    where,
                    "organisation_id",
                    f"offices below this one belong to its organisation: {_named(below)}",
                    f"اس دفتر کے ماتحت دفاتر اسی ادارے کے ہیں: {_named(below)}",
                )
        state.offices[after.id] = after
        self.placed.append((where, after.id))
        if after != before:
            self.note(
                "create" if before is None else "update",
                "office",
                after.id,
                _dump(before),
                _dump(after),
                after.organisation_id,
            )

    def _check_parent(self, where: str, office: Office) -> None:
        state = self.state
        if office.parent_id is None:
            heads = [
                o.id
                for o in state.offices.values()
                if o.organisation_id == office.organisation_id
                and not o.parent_id
                and not o.retired
                and o.id != office.id
            ]
            if heads and not office.retired:
                self.problem(
                    where,
                    "parent_id",
                    f"the organisation has a head office already ({heads[0]}): name the office above this one",
                    f"ادارے کا صدر دفتر پہلے سے موجود ہے ({heads[0]}): اس دفتر کے اوپر والا دفتر بتائیں",
                )
            return
        parent = state.offices.get(office.parent_id)
        if parent is None:
            self.unknown(where, "parent_id", "office", "دفتر")
            return
        if parent.organisation_id != office.organisation_id:
            self.problem(where, "parent_id", "not an office of this organisation", "اس ادارے کا دفتر نہیں")
        if parent.retired and not office.retired:
            self.problem(where, "parent_id", "this office is retired", "یہ دفتر ختم کیا جا چکا ہے")
        seen: set[str] = {office.id}
        current: str | None = office.parent_id
        while current:
            if current in seen:
                self.problem(
                    where,
                    "parent_id",
                    "this would make the office its own superior (a cycle in the office tree)",
                    "اس سے دفتر خود اپنا افسرِ بالا بن جائے گا (دفاتر کے درخت میں چکر)",
                )
                return
            seen.add(current)
            above = state.offices.get(current)
            current = above.parent_id if above else None

    def retire_office(self, where: str, change: RetireOffice) -> None:
        state, before = self.state, self.state.offices.get(change.id)
        if before is None:
            raise NotFound(f"no office has the id {change.id}")
        if not self.mine(before.organisation_id):
            self.refuse_outside("offices")
        if before.retired:
            return
        self._still_needed(where, before, {before.id})
        after = before.model_copy(update={"retired": True})
        state.offices[before.id] = after
        self.note("retire", "office", before.id, _dump(before), _dump(after), before.organisation_id)

    def _still_needed(self, where: str, office: Office, retiring: set[str], retiring_org: str | None = None) -> None:
        """409 problems for what still points at an office about to retire (`retiring`: retired with it)."""
        state = self.state
        rules = [f"{c}/{d}" for (c, d), o in state.rules.items() if o == office.id]
        if rules:
            self.problem(
                where,
                "id",
                f"{office.id}: routing rules still send cases here: {_named(rules)}",
                f"{office.id}: روٹنگ کے اصول اب بھی شکایات یہاں بھیجتے ہیں: {_named(rules)}",
                409,
            )
        fallbacks = [c for c, o in state.fallbacks.items() if o == office.id]
        if fallbacks:
            self.problem(
                where,
                "id",
                f"{office.id}: the fallback office of {_named(fallbacks)}",
                f"{office.id}: ان زمروں کا متبادل دفتر: {_named(fallbacks)}",
                409,
            )
        below = [o.id for o in state.offices.values() if o.parent_id == office.id and not o.retired]
        below = [o for o in below if o not in retiring]
        if below:
            self.problem(
                where,
                "id",
                f"{office.id}: offices below it are still open: {_named(below)}",
                f"{office.id}: اس کے ماتحت دفاتر ابھی فعال ہیں: {_named(below)}",
                409,
            )
        of_record = [
            o.id
            for o in state.organisations.values()
            if office.id in (o.information_office_id, o.appeal_office_id) and not o.retired and o.id != retiring_org
        ]
        if of_record:
            self.problem(
                where,
                "id",
                f"{office.id}: the information or appeal office of {_named(of_record)}",
                f"{office.id}: ان اداروں کا معلومات یا اپیل کا دفتر: {_named(of_record)}",
                409,
            )
        if self.open_cases(office.id):
            self.problem(
                where,
                "id",
                f"{office.id}: it still has open cases; transfer them first",
                f"{office.id}: اس کے پاس ابھی کھلے کیس ہیں؛ پہلے انہیں منتقل کریں",
                409,
            )

    def put_category(self, where: str, change: PutCategory) -> None:
        state, before = self.state, self.state.categories.get(change.id)
        alone = [self.scope.organisation_id]
        if not self.scope.everything and not (
            change.organisation_ids == alone and (before is None or before.organisation_ids == alone)
        ):
            self.refuse_outside("categories (those of that organisation alone)")
        for i, organisation_id in enumerate(change.organisation_ids):
            if organisation_id not in state.organisations:
                self.unknown(where, f"organisation_ids[{i}]", "organisation", "ادارہ")
        self._check_attributes(where, change)
        retired = before.retired if before else False
        fields = change.model_dump(exclude={"op", "fallback_office_id"})
        after = Category(**fields, retired=retired)
        if after != before:
            state.categories[after.id] = after
            org = after.organisation_ids[0] if len(after.organisation_ids) == 1 else None
            self.note("create" if before is None else "update", "category", after.id, _dump(before), _dump(after), org)
        if change.fallback_office_id is not None:
            self.put_fallback(
                where, PutFallback(op="put_fallback", category_id=change.id, office_id=change.fallback_office_id)
            )

    def _check_attributes(self, where: str, change: PutCategory) -> None:
        codes: set[str] = set()
        for i, attribute in enumerate(change.attributes):
            at = f"attributes[{i}]."
            if attribute.code in codes:
                self.problem(where, at + "code", "two questions have this code", "دو سوالوں کا یہی کوڈ ہے")
            codes.add(attribute.code)
            listed = attribute.datatype in ("singlevaluelist", "multivaluelist")
            if listed and not attribute.values:
                self.problem(
                    where, at + "values", "a list question needs its choices", "فہرست والے سوال کے اختیارات دیں"
                )
            if not listed and attribute.values:
                self.problem(
                    where, at + "values", "only a list question has choices", "اختیارات صرف فہرست والے سوال کے ہوتے ہیں"
                )
            keys = [v.key for v in attribute.values]
            if len(set(keys)) != len(keys):
                self.problem(where, at + "values", "two choices have the same key", "دو اختیارات کی ایک ہی کلید ہے")

    def retire_category(self, where: str, change: RetireCategory) -> None:
        state, before = self.state, self.state.categories.get(change.id)
        if before is None:
            raise NotFound(f"no category has the id {change.id}")
        if not self.scope.everything and before.organisation_ids != [self.scope.organisation_id]:
            self.refuse_outside("categories (those of that organisation alone)")
        if before.retired:
            return
        after = before.model_copy(update={"retired": True})
        state.categories[before.id] = after
        org = before.organisation_ids[0] if len(before.organisation_ids) == 1 else None
        self.note("retire", "category", before.id, _dump(before), _dump(after), org)

    def put_district(self, where: str, change: PutDistrict) -> None:
        state, before = self.state, self.state.districts.get(change.id)
        if not self.scope.everything:
            self.refuse_outside("offices (only an admin adds districts)")
        if change.level_id not in state.levels:
            self.unknown(where, "level_id", "level", "درجہ")
        if (change.lat is None) != (change.lon is None):
            self.problem(where, "lat", "give lat and lon together", "عرض البلد اور طول البلد ایک ساتھ دیں")
        after = District(**change.model_dump(exclude={"op"}))
        if after != before:
            state.districts[after.id] = after
            self.note("create" if before is None else "update", "district", after.id, _dump(before), _dump(after), None)

    def _route_scope(self, old_office: str | None, new_office: str | None, category_id: str) -> None:
        if self.scope.everything:
            return
        category = self.state.categories.get(category_id)
        serves = category is not None and self.scope.organisation_id in category.organisation_ids
        old_ok = old_office is None or self.mine(self.state.organisation_of(old_office))
        new_ok = new_office is None or self.mine(self.state.organisation_of(new_office))
        if not (serves and old_ok and new_ok):
            self.refuse_outside("routing (rules whose old and new office are its own, for its categories)")

    def _target(self, where: str, office_id: str) -> None:
        if office_id not in self.state.offices:
            self.unknown(where, "office_id", "office", "دفتر")
        elif self.state.offices[office_id].retired:
            self.problem(where, "office_id", "this office is retired", "یہ دفتر ختم کیا جا چکا ہے")

    def _pair(self, where: str, category_id: str, district_id: str) -> None:
        if category_id not in self.state.categories:
            self.unknown(where, "category_id", "category", "زمرہ")
        if district_id not in self.state.districts:
            self.unknown(where, "district_id", "district", "ضلع")

    def put_rule(self, where: str, change: PutRule) -> None:
        state, pair = self.state, (change.category_id, change.district_id)
        before = state.rules.get(pair)
        self._route_scope(before, change.office_id, change.category_id)
        self._pair(where, *pair)
        self._target(where, change.office_id)
        if before != change.office_id:
            state.rules[pair] = change.office_id
            self._rule_note("put", pair, before, change.office_id)

    def delete_rule(self, where: str, change: DeleteRule) -> None:
        state, pair = self.state, (change.category_id, change.district_id)
        before = state.rules.get(pair)
        if before is None:
            raise NotFound(f"no routing rule for {change.category_id} in {change.district_id}")
        self._route_scope(before, None, change.category_id)
        del state.rules[pair]
        self._rule_note("delete", pair, before, None)

    def _rule_note(self, action: str, pair: tuple[str, str], before: str | None, after: str | None) -> None:
        def shown(office_id: str | None) -> Any:
            return (
                None if office_id is None else {"category_id": pair[0], "district_id": pair[1], "office_id": office_id}
            )

        org = self.state.organisation_of(after or before)
        self.note(action, "routing_rule", f"{pair[0]}/{pair[1]}", shown(before), shown(after), org)

    def put_fallback(self, where: str, change: PutFallback) -> None:
        state = self.state
        before = state.fallbacks.get(change.category_id)
        self._route_scope(before, change.office_id, change.category_id)
        if change.category_id not in state.categories:
            self.unknown(where, "category_id", "category", "زمرہ")
        self._target(where, change.office_id)
        if before != change.office_id:
            state.fallbacks[change.category_id] = change.office_id

            def shown(office_id: str | None) -> Any:
                return None if office_id is None else {"category_id": change.category_id, "office_id": office_id}

            org = state.organisation_of(change.office_id)
            self.note("put", "fallback", change.category_id, shown(before), shown(change.office_id), org)

    def put_sla_policy(self, where: str, change: PutSlaPolicy) -> None:
        state, before = self.state, self.state.sla.get(change.id)
        if not self.scope.everything:
            self.refuse_outside("offices (only an admin sets SLA policies)")
        if change.category_id is not None and change.category_id not in state.categories:
            self.unknown(where, "category_id", "category", "زمرہ")
        if change.head_of_organisation_by_day < change.days_per_level:
            self.problem(
                where,
                "head_of_organisation_by_day",
                "the head of the organisation's day comes after the first level's time",
                "ادارے کے سربراہ کا دن پہلے درجے کی مدت کے بعد آتا ہے",
            )
        same = [p.id for p in state.sla.values() if p.category_id == change.category_id and p.id != change.id]
        if same:
            self.problem(
                where,
                "category_id",
                f"the policy {same[0]} is this category's already",
                f"اس زمرے کی پالیسی {same[0]} پہلے سے موجود ہے",
            )
        after = SlaPolicy(**change.model_dump(exclude={"op"}))
        if after != before:
            state.sla[after.id] = after
            self.note(
                "create" if before is None else "update", "sla_policy", after.id, _dump(before), _dump(after), None
            )

    def apply(self, where: str, change: Change) -> None:
        handler: Callable[[str, Any], None] = getattr(self, change.op)
        handler(where, change)

    def finish(self) -> None:
        for where, office_id in self.placed:
            self._check_parent(where, self.state.offices[office_id])


def apply_changes(
    snapshot: DirectorySnapshot, steps: Sequence[Step], scope: Scope = Scope(), open_cases: OpenCases = _none
) -> Report:
    """Apply `steps` ((field prefix, change) each) in order to a copy of `snapshot`, then validate.

    Raises Forbidden (outside the caller's scope) or NotFound (a change naming nothing);
    every other problem is listed in the report, which also says what routing would become.
    """
    applier = _Applier(snapshot, scope, open_cases)
    before = applier.state.routes()
    for where, change in steps:
        applier.apply(where, change)
    applier.finish()
    after = applier.state.routes()
    changed = [
        RouteChange(category_id=c, district_id=d, from_office_id=before.get((c, d)), to_office_id=after.get((c, d)))
        for (c, d) in sorted(set(before) | set(after))
        if before.get((c, d)) != after.get((c, d))
    ]
    # Only the pairs this change leaves with no office (new pairs included), not those it found so.
    unroutable = [
        Pair(category_id=c, district_id=d)
        for (c, d), office in sorted(after.items())
        if office is None and ((c, d) not in before or before[(c, d)] is not None)
    ]
    problems = applier.problems
    if unroutable:
        named = [f"{p.category_id}/{p.district_id}" for p in unroutable]
        problems.append(
            Problem(
                "routes",
                f"{len(named)} (category, district) pairs would reach no office (no rule, no fallback): {_named(named)}",
                f"{len(named)} (زمرہ، ضلع) جوڑے کسی دفتر تک نہیں پہنچیں گے (نہ اصول، نہ متبادل): {_named(named)}",
            )
        )
    return Report(applier.state.snapshot(), changed, unroutable, problems, applier.notes)


# --- reading and committing -------------------------------------------------------------------------


def scope_of(principal: Principal, snapshot: DirectorySnapshot) -> Scope:
    if principal.role == "admin":
        return Scope()
    office = next((o for o in snapshot.offices if o.id == principal.office_id), None)
    if principal.role != "org_admin" or office is None:
        raise Forbidden("this is for the directory's admins only")
    return Scope(office.organisation_id)


def read(services: Services) -> directory_store.Stored:
    stored = directory_store.read_stored(services.table)
    if stored is None:
        raise ServiceUnavailable("the directory is not loaded yet")
    return stored


def checked_version(stored: directory_store.Stored, expect_version: int | None) -> None:
    if expect_version is None:
        raise PreconditionRequired(
            "send If-Match with the directory's version (its ETag) so a change cannot undo another's",
            [FieldProblem("If-Match", f'the directory\'s version: "{stored.version}"')],
        )
    if expect_version != stored.version:
        raise VersionConflict(
            "the directory changed since you read it; read it again",
            [
                FieldProblem(
                    "If-Match",
                    f"the directory is at version {stored.version}, not {expect_version}",
                    f"ڈائریکٹری کا ورژن {stored.version} ہے، {expect_version} نہیں؛ دوبارہ پڑھیں",
                )
            ],
        )


@dataclass
class Outcome:
    version: int
    dry_run: bool
    report: Report


def refusal(problems: Sequence[Problem]) -> InvalidInput | Conflict:
    details = [p.field_problem() for p in problems]
    if any(p.status == 409 for p in problems):
        return Conflict("something in the directory still needs this", details)
    return InvalidInput("the change needs correcting", details)


def commit(
    services: Services,
    actor: Actor,
    steps: Sequence[Step],
    expect_version: int | None,
    dry_run: bool,
    summary: Callable[[Report], Note] | None = None,
    precheck: Callable[[DirectorySnapshot], None] | None = None,
) -> Outcome:
    """Apply `steps` to the stored directory at `expect_version`; store the result unless a dry run.

    Each applied change appends its audit entry in the same transaction (or one `summary` entry
    for an import). A change that changes nothing stores nothing and keeps the version.
    `precheck` is asked about the directory as read (a creation's id still free, say).
    """
    table = services.table
    stored = read(services)
    checked_version(stored, expect_version)
    scope = scope_of(actor.principal, stored.snapshot)
    if precheck is not None:
        precheck(stored.snapshot)  # e.g. a creation's id is free (409), an update's object exists (404)
    report = apply_changes(
        stored.snapshot, steps, scope, lambda office_id: case_store.office_has_open_cases(table, office_id)
    )
    if dry_run:
        return Outcome(stored.version, True, report)
    if report.problems:
        raise refusal(report.problems)
    if not report.changed:
        return Outcome(stored.version, False, report)
    notes = [summary(report)] if summary is not None else report.notes
    entries = [
        audit.entry(
            services,
            actor,
            n.action,
            n.object_type,
            n.object_id,
            before=n.before,
            after=n.after,
            organisation_id=n.organisation_id,
        )
        for n in notes
    ]
    version = directory_store.replace_snapshot(
        table,
        report.snapshot,
        stored.version,
        iso(services.clock()),
        also=[audit_store.entry_put(e) for e in entries],
    )
    return Outcome(version, False, report)


# --- ids --------------------------------------------------------------------------------------------


def slug(text: str, limit: int = 64) -> str:
    """`text` as a directory id: ASCII letters and digits, lower case, hyphens between words."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words)[:limit].strip("-")


def new_office_id(snapshot: DirectorySnapshot, organisation_id: str, name: str) -> str:
    """An id for a new office: its organisation and name ("lesco-gulberg-division"), numbered if taken."""
    taken = {o.id for o in snapshot.offices}
    base = slug(f"{organisation_id} {name}", 60) or organisation_id
    if not base.startswith(organisation_id):
        base = slug(f"{organisation_id} office", 60)
    candidate, n = base, 2
    while candidate in taken or candidate in RESERVED_IDS:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


# Ids a path of its own already answers (`/v1/admin/offices/export`): an office by that id could not be addressed.
RESERVED_IDS = frozenset({"export", "import"})


def id_free(collection: str, object_id: str, what: str, what_ur: str) -> Callable[[DirectorySnapshot], None]:
    """A precheck: a creation's id is not taken yet (409 naming `id`), nor one a route answers (400)."""

    def check(snapshot: DirectorySnapshot) -> None:
        if object_id in RESERVED_IDS:
            raise InvalidInput(
                f"{object_id} cannot be an id",
                [
                    FieldProblem(
                        "id",
                        "this word is kept for the portal; choose another id",
                        "یہ لفظ پورٹل کے لیے مخصوص ہے؛ کوئی اور شناخت چنیں",
                    )
                ],
            )
        if any(x.id == object_id for x in getattr(snapshot, collection)):
            raise Conflict(
                f"{what} {object_id} exists already",
                [FieldProblem("id", f"a {what} has this id already", f"اس شناخت کا {what_ur} پہلے سے موجود ہے")],
            )

    return check


def exists(collection: str, object_id: str, what: str) -> Callable[[DirectorySnapshot], None]:
    """A precheck: an update's object exists (404 otherwise)."""

    def check(snapshot: DirectorySnapshot) -> None:
        if not any(x.id == object_id for x in getattr(snapshot, collection)):
            raise NotFound(f"no {what} has the id {object_id}")

    return check
