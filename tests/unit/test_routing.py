"""Routing rules, fallbacks, SLA due dates and the re-drive of stuck cases."""

from __future__ import annotations

from chalicelib.logic import complaints, officer, sweeper
from chalicelib.logic.ports import Services
from chalicelib.logic.routing import route_case
from chalicelib.models.complaints import ComplaintIn
from tests.fakes import citizen, make_services
from tests.fakes import officer as officer_principal
from tests.memory_table import MemoryTable


def file(
    services: Services, category: str = "electricity-overbilling", district: str = "lahore", sub: str = "citizen-1"
) -> str:
    body = ComplaintIn.model_validate(
        {
            "category_id": category,
            "subject": "Over-billing again",
            "description": "The meter reading on my bill is wrong.",
            "location": {"district": district},
        }
    )
    return str(complaints.submit(services, citizen(sub), body, None).case["id"])


def test_the_rule_for_category_and_district_picks_the_office_and_the_sla_sets_the_due_date() -> None:
    services, _, _clock = make_services()
    case_id = file(services)
    assert route_case(services, case_id) is True
    case = complaints.track(services, citizen(), case_id)
    assert case.status == "routed"
    assert case.office is not None and case.office.id == "lesco-lahore"
    assert case.level == 0
    assert case.due_at == "2026-12-17T09:00:00Z"  # 20 calendar days
    assert [e.type for e in case.timeline] == ["submitted", "routed"]


def test_without_a_district_rule_the_category_fallback_takes_it() -> None:
    services, _, _ = make_services()
    case_id = file(services, district="quetta")
    route_case(services, case_id)
    assert complaints.track(services, citizen(), case_id).office.id == "lesco-hq"  # type: ignore[union-attr]


def test_a_category_without_rule_or_fallback_goes_to_triage_not_nowhere() -> None:
    services, _, _ = make_services()
    case_id = file(services, category="electricity-fault")
    route_case(services, case_id)
    case = complaints.track(services, citizen(), case_id)
    assert case.office.id == "pmdu-hq"  # type: ignore[union-attr]
    assert case.due_at == "2026-11-30T09:00:00Z"  # the category's own 3-day policy


def test_a_repeated_delivery_routes_once() -> None:
    services, _, _ = make_services()
    case_id = file(services)
    assert route_case(services, case_id) is True
    assert route_case(services, case_id) is False
    assert [e.type for e in complaints.track(services, citizen(), case_id).timeline] == ["submitted", "routed"]


def test_routing_tells_the_citizen_in_app_in_their_language() -> None:
    from chalicelib.logic.notifications import list_mine

    services, _, _ = make_services()
    case_id = file(services)
    route_case(services, case_id)
    english = list_mine(services, citizen(), 10, None).items
    urdu = list_mine(services, citizen(language="ur"), 10, None).items
    assert english[0].case_id == case_id and "LESCO Lahore" in english[0].message
    assert "لیسکو لاہور" in urdu[0].message


def test_officer_queue_covers_the_office_and_offices_below_soonest_deadline_first() -> None:
    services, _, clock = make_services()
    kasur = file(services, district="kasur")
    route_case(services, kasur)
    clock.advance(hours=1)
    lahore = file(services, district="lahore")
    route_case(services, lahore)
    head = officer_principal("lesco-hq")
    assert [c.id for c in officer.office_queue(services, head, limit=10, cursor=None).items] == [
        kasur,
        lahore,
    ]
    lahore_only = officer_principal("lesco-lahore")
    assert [c.id for c in officer.office_queue(services, lahore_only, limit=10, cursor=None).items] == [lahore]


def test_officer_queue_pages_across_offices_without_repeats() -> None:
    services, _, clock = make_services()
    ids = []
    for n in range(7):
        case_id = file(services, district="kasur" if n % 2 else "lahore")
        route_case(services, case_id)
        ids.append(case_id)
        clock.advance(minutes=5)
    head = officer_principal("lesco-hq")
    seen: list[str] = []
    cursor = None
    while True:
        page = officer.office_queue(services, head, limit=3, cursor=cursor)
        seen.extend(c.id for c in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ids


def test_a_case_stuck_in_submitted_is_redriven_once_and_a_second_sweep_changes_nothing() -> None:
    table = MemoryTable()
    services, intake, clock = make_services(table)
    intake.broken = True
    case_id = file(services)
    intake.broken = False
    clock.advance(minutes=3)
    first = sweeper.sweep(services, clock())
    snapshot = dict(table.items)
    second = sweeper.sweep(services, clock())
    assert first.redriven == 1 and intake.sent == [case_id]
    assert second.redriven == 0 and table.items == snapshot
    route_case(services, case_id)
    assert complaints.track(services, citizen(), case_id).status == "routed"


def test_the_sweeper_does_not_touch_cases_that_are_not_due() -> None:
    table = MemoryTable()
    services, _intake, clock = make_services(table)
    for _ in range(3):
        route_case(services, file(services))
    table.calls.clear()
    report = sweeper.sweep(services, clock())
    assert report.examined == 0
    assert set(table.calls) == {"Query"}


def test_officer_queue_filters_overdue_by_key_and_refuses_unknown_filters() -> None:
    import pytest

    from chalicelib.models.errors import InvalidInput

    services, _, clock = make_services()
    first = file(services)
    route_case(services, first)
    clock.advance(days=15)
    second = file(services)
    route_case(services, second)
    head = officer_principal("lesco-hq")
    clock.advance(days=6)  # the first is 21 days old (overdue), the second 6
    overdue = officer.office_queue(services, head, limit=1, cursor=None, overdue=True)
    assert [c.id for c in overdue.items] == [first]
    if overdue.next_cursor:
        rest = officer.office_queue(services, head, limit=1, cursor=overdue.next_cursor, overdue=True)
        assert rest.items == [] and rest.next_cursor is None
    everything = officer.office_queue(services, head, limit=10, cursor=None)
    assert [c.id for c in everything.items] == [first, second]
    assert officer.office_queue(services, head, limit=10, cursor=None, kind="information").items == []
    with pytest.raises(InvalidInput) as raised:
        officer.office_queue(services, head, limit=10, cursor=None, status="closed", kind="parcel")
    assert {d.field for d in raised.value.details} == {"status", "kind"}
