"""Applying directory changes: the one function behind every write, the dry run and the CSV imports."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter

from chalicelib.logic import directory_csv
from chalicelib.logic.directory import Directory
from chalicelib.logic.directory_admin import Scope, apply_changes, levels_of, new_office_id, refusal
from chalicelib.models.directory import DirectorySnapshot
from chalicelib.models.directory_admin import Change
from chalicelib.models.errors import Conflict, Forbidden, InvalidInput, NotFound

CHANGE: TypeAdapter[Change] = TypeAdapter(Change)


def world() -> DirectorySnapshot:
    """Two organisations (a utility with a circle and two divisions, a ministry), two districts, two categories."""
    office = {"name_ur": "دفتر", "district_id": "lahore"}
    return DirectorySnapshot.model_validate(
        {
            "levels": [{"id": "punjab", "name": "Punjab", "name_ur": "پنجاب"}],
            "districts": [
                {"id": "lahore", "name": "Lahore", "name_ur": "لاہور", "level_id": "punjab"},
                {"id": "kasur", "name": "Kasur", "name_ur": "قصور", "level_id": "punjab"},
            ],
            "organisations": [
                {"id": "lesco", "name": "LESCO", "name_ur": "لیسکو", "level_id": "punjab", "kind": "utility"},
                {"id": "energy", "name": "Energy", "name_ur": "توانائی", "level_id": "punjab", "kind": "ministry"},
            ],
            "offices": [
                {"id": "lesco-hq", "organisation_id": "lesco", "name": "LESCO HQ", **office},
                {"id": "lesco-circle", "organisation_id": "lesco", "name": "Circle", "parent_id": "lesco-hq", **office},
                {"id": "lesco-a", "organisation_id": "lesco", "name": "A", "parent_id": "lesco-circle", **office},
                {"id": "lesco-b", "organisation_id": "lesco", "name": "B", "parent_id": "lesco-circle", **office},
                {"id": "energy-hq", "organisation_id": "energy", "name": "Energy HQ", **office},
            ],
            "categories": [
                {
                    "id": "overbilling",
                    "name": "Over-billing",
                    "name_ur": "زائد بل",
                    "group": "Electricity",
                    "kind": "complaint",
                    "organisation_ids": ["lesco", "energy"],
                },
                {
                    "id": "meter",
                    "name": "Meter",
                    "name_ur": "میٹر",
                    "group": "Electricity",
                    "kind": "complaint",
                    "organisation_ids": ["lesco"],
                },
            ],
            "routing_rules": [
                {"category_id": "overbilling", "district_id": "lahore", "office_id": "lesco-a"},
                {"category_id": "overbilling", "district_id": "kasur", "office_id": "lesco-b"},
                {"category_id": "meter", "district_id": "lahore", "office_id": "lesco-a"},
                {"category_id": "meter", "district_id": "kasur", "office_id": "lesco-b"},
            ],
            "fallbacks": [{"category_id": "overbilling", "office_id": "energy-hq"}],
            "sla_policies": [{"id": "default"}],
        }
    )


def change(**fields: Any) -> Change:
    return CHANGE.validate_python(fields)


def steps(*changes: Change) -> list[tuple[str, Change]]:
    return [(f"changes[{i}].", c) for i, c in enumerate(changes)]


def fields(report: Any) -> list[str]:
    return [p.field for p in report.problems]


OFFICE = {"op": "put_office", "organisation_id": "lesco", "name": "C", "name_ur": "سی", "district_id": "kasur"}


def test_a_rule_moved_to_a_new_office_reports_the_route_it_changes_and_nothing_else() -> None:
    # Given a new division under the circle, and the rule for meter in Kasur moved to it
    report = apply_changes(
        world(),
        steps(
            change(**OFFICE, id="lesco-c", parent_id="lesco-circle"),
            change(op="put_rule", category_id="meter", district_id="kasur", office_id="lesco-c"),
        ),
    )
    # Then the one route moves, nothing is left unroutable, and each change has its audit note
    assert report.problems == []
    assert [(r.category_id, r.district_id, r.from_office_id, r.to_office_id) for r in report.changed_routes] == [
        ("meter", "kasur", "lesco-b", "lesco-c")
    ]
    assert report.unroutable == []
    assert [(n.action, n.object_type, n.object_id) for n in report.notes] == [
        ("create", "office", "lesco-c"),
        ("put", "routing_rule", "meter/kasur"),
    ]
    assert Directory(report.snapshot).office_for("meter", "kasur").id == "lesco-c"  # type: ignore[union-attr]
    # And the snapshot it started from is untouched
    assert Directory(world()).office_for("meter", "kasur").id == "lesco-b"  # type: ignore[union-attr]


def test_an_office_tree_with_a_cycle_is_refused() -> None:
    # When the circle is put under one of its own divisions
    circle = {**OFFICE, "id": "lesco-circle", "name": "Circle", "district_id": "lahore", "parent_id": "lesco-a"}
    report = apply_changes(world(), steps(change(**circle)))
    # Then the parent is refused
    assert fields(report) == ["changes[0].parent_id"]
    assert "cycle" in report.problems[0].en
    assert isinstance(refusal(report.problems), InvalidInput)


def test_an_office_under_another_organisation_or_a_second_head_office_is_refused() -> None:
    report = apply_changes(
        world(),
        steps(
            change(**OFFICE, id="lesco-c", parent_id="energy-hq"),
            change(**OFFICE, id="lesco-d"),
            change(**OFFICE, id="lesco-e", parent_id="nowhere", districts_served=["kasur", "atlantis"]),
        ),
    )
    assert fields(report) == [
        "changes[2].districts_served[1]",
        "changes[0].parent_id",
        "changes[1].parent_id",
        "changes[2].parent_id",
    ]


def test_a_rule_pointing_at_a_retired_or_unknown_office_is_refused() -> None:
    report = apply_changes(
        world(),
        steps(
            change(**OFFICE, id="lesco-c", parent_id="lesco-circle"),
            change(op="retire_office", id="lesco-c"),
            change(op="put_rule", category_id="meter", district_id="kasur", office_id="lesco-c"),
            change(op="put_rule", category_id="meter", district_id="lahore", office_id="ghost"),
            change(op="put_fallback", category_id="nothing", office_id="lesco-a"),
        ),
    )
    # (and meter in Kasur, sent to a retired office, reaches none)
    assert fields(report) == ["changes[2].office_id", "changes[3].office_id", "changes[4].category_id", "routes"]
    assert report.problems[0].en == "this office is retired"


def test_retiring_an_office_still_needed_is_a_conflict_naming_what_needs_it() -> None:
    # lesco-a has two rules; the circle has offices below it; lesco-b has open cases
    report = apply_changes(
        world(),
        steps(change(op="retire_office", id="lesco-a"), change(op="retire_office", id="lesco-circle")),
        open_cases=lambda office_id: office_id == "lesco-circle",
    )
    assert [p.status for p in report.problems if p.field != "routes"] == [409, 409, 409]
    said = " | ".join(p.en for p in report.problems)
    assert "overbilling/lahore" in said and "meter/lahore" in said
    assert "lesco-a, lesco-b" in said or "lesco-b" in said  # the offices below the circle
    assert "open cases" in said
    assert isinstance(refusal(report.problems), Conflict)


def test_an_office_no_longer_needed_retires_and_routes_nothing() -> None:
    report = apply_changes(
        world(),
        steps(
            change(op="put_rule", category_id="overbilling", district_id="kasur", office_id="lesco-a"),
            change(op="put_rule", category_id="meter", district_id="kasur", office_id="lesco-a"),
            change(op="retire_office", id="lesco-b"),
        ),
    )
    assert report.problems == []
    directory = Directory(report.snapshot)
    assert directory.offices["lesco-b"].retired  # kept: cases refer to it
    assert directory.live_office("lesco-b") is None
    assert "lesco-b" not in {
        o.id
        for level in directory.organisation_tree()
        for org in level.organisations
        for head in org.offices
        for o in [head, *head.offices, *[g for c in head.offices for g in c.offices]]
    }


def test_deleting_a_rule_without_a_fallback_leaves_the_pair_unroutable_and_is_refused() -> None:
    report = apply_changes(world(), steps(change(op="delete_rule", category_id="meter", district_id="kasur")))
    assert [(p.category_id, p.district_id) for p in report.unroutable] == [("meter", "kasur")]
    assert fields(report) == ["routes"]
    assert [(r.from_office_id, r.to_office_id) for r in report.changed_routes] == [("lesco-b", None)]
    # With a fallback the category still reaches an office there
    fine = apply_changes(world(), steps(change(op="delete_rule", category_id="overbilling", district_id="kasur")))
    assert fine.problems == [] and fine.unroutable == []
    assert [(r.from_office_id, r.to_office_id) for r in fine.changed_routes] == [("lesco-b", "energy-hq")]


def test_a_new_district_or_complaint_category_must_be_routable_everywhere() -> None:
    district = {"op": "put_district", "id": "okara", "name": "Okara", "name_ur": "اوکاڑہ", "level_id": "punjab"}
    report = apply_changes(world(), steps(change(**district)))
    # meter has no fallback: Okara has no office for it; overbilling falls back to the ministry
    assert [(p.category_id, p.district_id) for p in report.unroutable] == [("meter", "okara")]
    category = {
        "op": "put_category",
        "id": "wires",
        "name": "Wires",
        "name_ur": "تاریں",
        "group": "Electricity",
        "kind": "complaint",
        "organisation_ids": ["lesco"],
    }
    assert len(apply_changes(world(), steps(change(**category))).unroutable) == 2
    # With its fallback given in the same change, it is routable
    routed = apply_changes(world(), steps(change(**category, fallback_office_id="lesco-hq")))
    assert routed.problems == [] and len(routed.changed_routes) == 2


def test_a_pair_unroutable_before_the_change_does_not_block_it() -> None:
    broken = apply_changes(world(), steps(change(op="delete_rule", category_id="meter", district_id="kasur")))
    report = apply_changes(
        broken.snapshot, steps(change(op="put_rule", category_id="meter", district_id="lahore", office_id="lesco-b"))
    )
    assert report.problems == [] and report.unroutable == []


def test_list_questions_need_choices_and_codes_are_unique() -> None:
    attributes = [
        {"code": "kind", "datatype": "singlevaluelist", "description": "Which?"},
        {"code": "kind", "datatype": "string", "description": "Again", "values": [{"key": "a", "name": "A"}]},
    ]
    category = {
        "op": "put_category",
        "id": "meter",
        "name": "Meter",
        "name_ur": "میٹر",
        "group": "Electricity",
        "kind": "complaint",
        "organisation_ids": ["lesco"],
        "attributes": attributes,
    }
    report = apply_changes(world(), steps(change(**category)))
    assert fields(report) == [
        "changes[0].attributes[0].values",
        "changes[0].attributes[1].code",
        "changes[0].attributes[1].values",
    ]


def test_an_sla_policy_keeps_the_heads_day_after_the_first_level_and_one_policy_per_category() -> None:
    policy = {
        "op": "put_sla_policy",
        "id": "sla-meter",
        "category_id": None,
        "days_per_level": 10,
        "head_of_organisation_by_day": 5,
        "reminder_share": 0.5,
    }
    report = apply_changes(world(), steps(change(**policy)))
    assert fields(report) == ["changes[0].head_of_organisation_by_day", "changes[0].category_id"]
    fine = apply_changes(
        world(), steps(change(**{**policy, "category_id": "meter", "head_of_organisation_by_day": 21}))
    )
    assert fine.problems == []
    assert Directory(fine.snapshot).sla_for("meter").reminder_share == 0.5


def test_an_organisation_admin_changes_only_its_own_subtree() -> None:
    lesco = Scope("lesco")
    # Its own offices and rules: fine
    ok = apply_changes(
        world(), steps(change(op="put_rule", category_id="meter", district_id="kasur", office_id="lesco-a")), lesco
    )
    assert ok.problems == []
    refused = [
        change(op="put_rule", category_id="overbilling", district_id="kasur", office_id="energy-hq"),
        change(op="put_fallback", category_id="overbilling", office_id="lesco-a"),  # the fallback is the ministry's
        change(**{**OFFICE, "organisation_id": "energy"}, id="energy-x", parent_id="energy-hq"),
        change(op="retire_office", id="energy-hq"),
        change(op="put_district", id="okara", name="Okara", name_ur="اوکاڑہ", level_id="punjab"),
        change(op="put_sla_policy", id="default"),
        change(op="retire_organisation", id="lesco"),
        change(op="retire_category", id="overbilling"),  # shared with the ministry
    ]
    for one in refused:
        with pytest.raises(Forbidden):
            apply_changes(world(), steps(one), lesco)


def test_a_change_naming_nothing_is_not_found() -> None:
    with pytest.raises(NotFound):
        apply_changes(world(), steps(change(op="retire_office", id="ghost")))
    with pytest.raises(NotFound):
        apply_changes(world(), steps(change(op="delete_rule", category_id="meter", district_id="okara")))


def test_retiring_an_organisation_retires_its_offices_unless_something_needs_them() -> None:
    report = apply_changes(world(), steps(change(op="retire_organisation", id="energy")))
    # energy-hq is overbilling's fallback
    assert [p.status for p in report.problems] == [409]
    report = apply_changes(
        world(),
        steps(
            change(op="put_fallback", category_id="overbilling", office_id="lesco-hq"),
            change(op="retire_organisation", id="energy"),
        ),
    )
    assert report.problems == []
    directory = Directory(report.snapshot)
    assert directory.organisations["energy"].retired and directory.offices["energy-hq"].retired
    assert directory.live_organisation("energy") is None


def test_levels_and_ids() -> None:
    assert levels_of(world().offices) == {"lesco-hq": 0, "lesco-circle": 1, "lesco-a": 2, "lesco-b": 2, "energy-hq": 0}
    assert new_office_id(world(), "lesco", "Circle") == "lesco-circle-2"
    assert new_office_id(world(), "lesco", "Gulberg Division (Lahore)") == "lesco-gulberg-division-lahore"


def test_a_retired_category_is_not_offered_and_not_routed() -> None:
    report = apply_changes(world(), steps(change(op="retire_category", id="meter")))
    assert report.problems == [] and report.unroutable == []
    directory = Directory(report.snapshot)
    assert [c.id for c in directory.category_listing()] == ["overbilling"]
    assert directory.live_category("meter") is None and directory.categories["meter"].retired


# --- CSV ---------------------------------------------------------------------------------------------


def parse(prefix: str, data: dict[str, Any]) -> Change:
    return CHANGE.validate_python(data)


def test_the_rules_exported_and_imported_unchanged_change_nothing() -> None:
    snapshot = world()
    text = directory_csv.export_rules(snapshot)
    assert text.splitlines()[0] == "category_id,district_id,office_id"
    rows = directory_csv.read_rows(text.encode(), directory_csv.RULE_COLUMNS)
    assert directory_csv.rule_steps(rows, snapshot, None, parse) == []
    offices = directory_csv.export_offices(snapshot)
    office_rows = directory_csv.read_rows(offices.encode(), directory_csv.OFFICE_COLUMNS)
    assert directory_csv.office_steps(office_rows, snapshot, None, parse) == []


def test_a_rules_file_is_the_whole_set_of_its_scope() -> None:
    snapshot = world()
    text = "category_id,district_id,office_id\nmeter,lahore,lesco-a\nmeter,kasur,lesco-a\noverbilling,lahore,lesco-a\n"
    rows = directory_csv.read_rows(text.encode(), directory_csv.RULE_COLUMNS)
    found = directory_csv.rule_steps(rows, snapshot, "lesco", parse)
    # meter/kasur changes; overbilling/kasur (lesco-b, in scope, not in the file) is deleted
    assert [(where, c.op) for where, c in found] == [("rows[2].", "put_rule"), ("", "delete_rule")]
    report = apply_changes(snapshot, found, Scope("lesco"))
    assert report.problems == []
    assert [(r.district_id, r.to_office_id) for r in report.changed_routes] == [
        ("kasur", "lesco-a"),
        ("kasur", "energy-hq"),
    ]


def test_a_bad_row_refuses_the_whole_file_naming_the_row() -> None:
    snapshot = world()
    text = (
        "category_id,district_id,office_id\nmeter,lahore,lesco-a\nmeter,lahore,lesco-b\nmeter,kasur,energy-hq\n,x,y\n"
    )
    rows = directory_csv.read_rows(text.encode(), directory_csv.RULE_COLUMNS)
    with pytest.raises(InvalidInput) as refused:
        directory_csv.rule_steps(rows, snapshot, "lesco", lambda p, d: _strict(p, d))
    assert [d.field for d in refused.value.details] == [
        "rows[2].district_id",
        "rows[3].office_id",
        "rows[4].category_id",
    ]
    with pytest.raises(InvalidInput):
        directory_csv.read_rows(b"office_id,category_id\n", directory_csv.RULE_COLUMNS)
    with pytest.raises(InvalidInput):
        directory_csv.read_rows(b"category_id,district_id,office_id\na,b\n", directory_csv.RULE_COLUMNS)


def _strict(prefix: str, data: dict[str, Any]) -> Change:
    from chalicelib.api.admin_directory import parse_change

    return parse_change(prefix, data)


def test_a_complaint_is_reminded_at_its_policys_share_of_the_levels_time() -> None:
    from chalicelib.logic.deadlines import remind_at
    from chalicelib.models.complaints import Case
    from chalicelib.models.directory import SlaPolicy

    case = Case.model_validate(
        {
            "id": "C-1",
            "kind": "complaint",
            "status": "routed",
            "category_id": "meter",
            "citizen_sub": "s",
            "subject": "Meter",
            "description": "The meter burnt out.",
            "created_at": "2026-12-01T00:00:00Z",
            "updated_at": "2026-12-01T00:00:00Z",
            "due_at": "2026-12-11T00:00:00Z",
        }
    )
    policy = SlaPolicy(id="p", days_per_level=10)
    assert remind_at(case, policy) == "2026-12-08T12:00:00Z"  # 75 % by default
    assert remind_at(case, policy.model_copy(update={"reminder_share": 0.5})) == "2026-12-06T00:00:00Z"


def test_another_container_sees_a_committed_change_at_its_next_head_check() -> None:
    from chalicelib.store.directory import DirectoryCache, replace_snapshot, write_snapshot
    from tests.memory_table import MemoryTable

    table = MemoryTable()
    write_snapshot(table, world())
    # Given a container that checks the head on every call (its 20 s have passed) and one that has just checked
    checking, fresh = DirectoryCache(check_seconds=0), DirectoryCache(check_seconds=3600)
    assert Directory(checking.get(table)).office_for("meter", "kasur").id == "lesco-b"  # type: ignore[union-attr]
    fresh.get(table)
    # When a change is committed from the version they hold
    moved = apply_changes(
        world(), steps(change(op="put_rule", category_id="meter", district_id="kasur", office_id="lesco-a"))
    )
    assert replace_snapshot(table, moved.snapshot, checking.version, "2026-12-03T00:00:00Z") == 2
    # Then the checking container routes by the new rule, the other until its next check by the old
    assert Directory(checking.get(table)).office_for("meter", "kasur").id == "lesco-a"  # type: ignore[union-attr]
    assert Directory(fresh.get(table)).office_for("meter", "kasur").id == "lesco-b"  # type: ignore[union-attr]
    fresh.forget()  # what this container's own write does (wiring.forget_directory)
    assert Directory(fresh.get(table)).office_for("meter", "kasur").id == "lesco-a"  # type: ignore[union-attr]


def test_the_head_of_an_office_is_a_title_never_a_contact() -> None:
    for head in ("SDO, 0300-1234567", "xen@lesco.gov.pk"):
        report = apply_changes(world(), steps(change(**OFFICE, id="lesco-c", parent_id="lesco-circle", head=head)))
        assert fields(report) == ["changes[0].head"], head
    fine = apply_changes(world(), steps(change(**OFFICE, id="lesco-c", parent_id="lesco-circle", head="XEN (Op) 2")))
    assert fine.problems == []


def test_an_office_cannot_take_an_id_a_route_of_its_own_answers() -> None:
    from chalicelib.logic.directory_admin import id_free

    with pytest.raises(InvalidInput) as refused:
        id_free("offices", "export", "office", "دفتر")(world())
    assert [p.field for p in refused.value.details] == ["id"]
    assert new_office_id(world(), "import", "") != "import"
