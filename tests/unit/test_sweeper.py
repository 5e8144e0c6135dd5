"""The deadlines sweeper: reminders, escalation up the chain, closing in silence, idempotence and cost."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.logic import actions, complaints, sweeper, workflow
from chalicelib.logic.clock import iso
from chalicelib.logic.notifications import list_mine
from chalicelib.logic.ports import Services
from chalicelib.logic.routing import route_case
from chalicelib.models.actions import FeedbackIn, ReplyIn, RequestInfoIn, ResolveIn
from chalicelib.models.complaints import Case, ComplaintIn, Resolution
from chalicelib.models.directory import DirectorySnapshot, Office, RoutingRule, SlaPolicy
from chalicelib.models.errors import TransitionNotAllowed
from chalicelib.store import cases as case_store
from chalicelib.store.table import TRIES
from tests.fakes import Clock, citizen, make_services, small_directory
from tests.fakes import officer as officer_principal
from tests.memory_table import MemoryTable


def deep_directory() -> DirectorySnapshot:
    """LESCO four levels deep: Model Town → Gulberg → Lahore → HQ (the head of the organisation)."""
    snapshot = small_directory()
    snapshot.offices += [
        Office(
            id="lesco-gulberg",
            organisation_id="lesco",
            name="LESCO Gulberg",
            name_ur="لیسکو گلبرگ",
            district_id="lahore",
            parent_id="lesco-lahore",
        ),
        Office(
            id="lesco-model-town",
            organisation_id="lesco",
            name="LESCO Model Town",
            name_ur="لیسکو ماڈل ٹاؤن",
            district_id="lahore",
            parent_id="lesco-gulberg",
        ),
    ]
    snapshot.routing_rules = [
        RoutingRule(category_id="electricity-overbilling", district_id="lahore", office_id="lesco-model-town"),
        *[r for r in snapshot.routing_rules if r.district_id != "lahore"],
    ]
    return snapshot


def routed_case(services: Services) -> str:
    body = ComplaintIn.model_validate(
        {
            "category_id": "electricity-overbilling",
            "subject": "Over-billing again",
            "description": "The meter reading on my bill is wrong.",
            "location": {"district": "lahore"},
        }
    )
    case_id = str(complaints.submit(services, citizen(), body, None).case["id"])
    assert route_case(services, case_id)
    return case_id


def stored(services: Services, case_id: str) -> Case:
    case = case_store.get_case(services.table, case_id)
    assert case is not None
    return case


def sweep_twice(services: Services, clock: Clock, table: MemoryTable) -> sweeper.SweepReport:
    """Sweep, then sweep again at the same moment and check the second run changed nothing."""
    first = sweeper.sweep(services, clock())
    snapshot = dict(table.items)
    again = sweeper.sweep(services, clock())
    assert table.items == snapshot and again.examined == 0, "a second run must change nothing"
    return first


def inbox_types(services: Services, office_id: str) -> list[str]:
    return [n.type for n in list_mine(services, officer_principal(office_id), 50, None).items]


@pytest.fixture
def deep() -> tuple[Services, Clock, MemoryTable]:
    table = MemoryTable()
    services, _, clock = make_services(table, deep_directory())
    return services, clock, table


def test_the_office_is_reminded_once_when_three_quarters_of_its_time_is_used(
    deep: tuple[Services, Clock, MemoryTable],
) -> None:
    services, clock, table = deep
    # Given a case routed today with 20 days to answer
    case_id = routed_case(services)
    # When 14 days pass, nothing is due yet
    clock.advance(days=14, hours=23)
    assert sweeper.sweep(services, clock()).examined == 0
    # When the 15th day comes (75 % of 20 days)
    clock.advance(hours=1)
    report = sweep_twice(services, clock, table)
    # Then the office, and only it, is reminded, once, and the timeline says so
    assert report.reminded == 1 and report.escalated == 0
    assert inbox_types(services, "lesco-model-town") == ["office_reminder", "office_new_case"]
    case = stored(services, case_id)
    assert case.reminded_due_at == case.due_at and case.next_check_at == case.due_at
    assert complaints.track(services, citizen(), case_id).timeline[-1].type == "reminded"


def test_an_untouched_case_climbs_one_level_per_deadline_and_reaches_the_head_by_day_41(
    deep: tuple[Services, Clock, MemoryTable],
) -> None:
    services, clock, table = deep
    routed_at = clock()
    case_id = routed_case(services)
    # When its first deadline (day 20) passes
    clock.now = routed_at + timedelta(days=20, minutes=15)
    report = sweep_twice(services, clock, table)
    # Then it is one level up, at the office above, with the next 20 days (to day 40) to answer
    assert report.escalated == 1
    first = complaints.track(services, citizen(), case_id)
    assert first.office is not None and first.office.id == "lesco-gulberg" and first.level == 1
    assert first.timeline[-1].type == "escalated" and first.timeline[-1].office_id == "lesco-gulberg"
    assert first.due_at == iso(routed_at + timedelta(days=40))
    assert "office_escalated_in" in inbox_types(services, "lesco-gulberg")
    assert "office_escalated_out" in inbox_types(services, "lesco-model-town")
    assert "escalated" in [n.type for n in list_mine(services, citizen(), 50, None).items]
    # When the second deadline passes too (day 40), the next deadline would fall after day 41
    clock.now = routed_at + timedelta(days=40, minutes=30)
    sweep_twice(services, clock, table)
    # Then it goes straight to the head of the organisation, skipping Lahore
    second = complaints.track(services, citizen(), case_id)
    assert second.office is not None and second.office.id == "lesco-hq" and second.level == 2
    assert [e.type for e in second.timeline].count("escalated") == 2
    # And when the head lets it lapse as well, there is nowhere higher: the head is told it is overdue
    clock.now = routed_at + timedelta(days=61)
    report = sweep_twice(services, clock, table)
    assert report.overdue_at_head == 1 and report.escalated == 0
    assert "office_overdue" in inbox_types(services, "lesco-hq")
    assert complaints.track(services, citizen(), case_id).level == 2


def test_a_sweeper_that_ran_late_keeps_the_policys_rhythm_and_gives_the_office_above_at_least_a_day() -> None:
    # Given a category whose offices have 2 days per level, the head by day 5
    snapshot = deep_directory()
    snapshot.sla_policies.append(
        SlaPolicy(id="fast", category_id="electricity-overbilling", days_per_level=2, head_of_organisation_by_day=5)
    )
    services, _, clock = make_services(MemoryTable(), snapshot)
    routed_at = clock()
    case_id = routed_case(services)
    # When the sweeper is out from before the reminder until day 3 (a day late)
    clock.now = routed_at + timedelta(days=3)
    assert sweeper.sweep(services, clock()).escalated == 1
    # Then the next deadline is the policy's day 4, not day 5
    late = complaints.track(services, citizen(), case_id)
    assert late.office is not None and late.office.id == "lesco-gulberg"
    assert late.due_at == iso(routed_at + timedelta(days=4))
    # When it is out again until day 6.5, day 6 would already have passed: the head gets at least a day
    clock.now = routed_at + timedelta(days=6, hours=12)
    sweeper.sweep(services, clock())
    later = complaints.track(services, citizen(), case_id)
    assert later.office is not None and later.office.id == "lesco-hq"
    assert later.due_at == iso(clock() + timedelta(days=1))


def test_a_case_waiting_for_the_citizen_never_escalates_and_the_reply_restarts_its_clock(
    deep: tuple[Services, Clock, MemoryTable],
) -> None:
    services, clock, _ = deep
    case_id = routed_case(services)
    actions.act(
        services,
        officer_principal("lesco-model-town"),
        case_id,
        RequestInfoIn(action="request_info", note="Meter?"),
        None,
    )
    clock.advance(days=45)
    assert sweeper.sweep(services, clock()).examined == 0
    answered = actions.reply(services, citizen(), case_id, ReplyIn(message="Meter 4471."), None)
    assert answered.due_at == iso(clock() + timedelta(days=20))
    assert "office_citizen_replied" in inbox_types(services, "lesco-model-town")


def test_a_resolution_met_with_silence_closes_after_the_window_and_can_still_be_reopened(
    deep: tuple[Services, Clock, MemoryTable],
) -> None:
    services, clock, table = deep
    case_id = routed_case(services)
    resolve = ResolveIn(action="resolve", outcome="relief_granted", note="Bill corrected.")
    actions.act(services, officer_principal("lesco-model-town"), case_id, resolve, None)
    resolved_at = clock()
    # Not before the 7-day window ends
    clock.now = resolved_at + timedelta(days=6, hours=23)
    assert sweeper.sweep(services, clock()).closed == 0
    clock.now = resolved_at + timedelta(days=7)
    assert sweep_twice(services, clock, table).closed == 1
    closed = complaints.track(services, citizen(), case_id)
    assert closed.status == "closed" and closed.timeline[-1].reason == "no_feedback"
    assert closed.feedback_until == iso(resolved_at + timedelta(days=30))
    assert list_mine(services, citizen(), 1, None).items[0].type == "closed_no_feedback"
    # The citizen still objects within 30 days of the resolution: reopened one level up
    clock.now = resolved_at + timedelta(days=12)
    verdict = FeedbackIn(satisfied=False, rating=1, comment="The bill was never corrected.")
    reopened = actions.give_feedback(services, citizen(), case_id, verdict, None)
    assert reopened.status == "reopened" and reopened.office is not None and reopened.office.id == "lesco-gulberg"
    assert reopened.level == 1 and reopened.timeline[-1].note == "The bill was never corrected."


def test_past_the_reopen_window_a_closed_case_takes_no_verdict(deep: tuple[Services, Clock, MemoryTable]) -> None:
    services, clock, _ = deep
    case_id = routed_case(services)
    resolve = ResolveIn(action="resolve", outcome="relief_not_possible", note="The tariff is set by law.")
    actions.act(services, officer_principal("lesco-model-town"), case_id, resolve, None)
    clock.advance(days=8)
    sweeper.sweep(services, clock())
    clock.advance(days=23)
    with pytest.raises(TransitionNotAllowed):
        actions.give_feedback(services, citizen(), case_id, FeedbackIn(satisfied=False, rating=1), None)
    assert complaints.track(services, citizen(), case_id).status == "closed"


@pytest.mark.parametrize("status", workflow.STATUSES)
def test_the_sweeper_moves_a_case_only_as_the_transition_table_allows(status: str) -> None:
    # Given a case in `status` whose every deadline (and feedback window) has long passed
    table = MemoryTable()
    services, intake, clock = make_services(table)
    case_id = routed_case(services)
    case = stored(services, case_id)
    expected = case.version
    case.status = status  # type: ignore[assignment]
    if status in ("resolved", "closed"):
        old = iso(clock() - timedelta(days=8))
        case.resolution = Resolution(outcome="relief_granted", note="Done.", at=old, office_id="lesco-lahore")
    case.next_check_at = iso(clock() - timedelta(days=1))
    case.due_at = iso(clock() - timedelta(days=1))
    case.paused_at = iso(clock()) if status == "awaiting_citizen" else None
    case.version += 1
    case_store.save_change(
        table, case_store.CaseChange(case=case, events=[]), expected_version=expected, actor_sub=None
    )
    before = stored(services, case_id)
    # When the sweeper runs
    sweeper.sweep(services, clock())
    after = stored(services, case_id)
    # Then it either left the case alone, or made a move the table lists for that status
    if after.version == before.version:
        return
    moves = {action: workflow.TRANSITIONS.get((status, action)) for action in workflow.SYSTEM_ACTIONS}
    if status == "submitted":
        assert after.status == "submitted" and intake.sent  # a re-drive is no transition
        return
    assert after.status in {to for to in moves.values() if to is not None}, (status, after.status)


def _not_due_cases(table: MemoryTable, count: int, services: Services) -> None:
    """`count` cases at work with deadlines weeks away, and as many closed ones, written directly."""
    template = stored(services, routed_case(services))
    far = iso(services.clock() + timedelta(days=19))
    items = []
    for n in range(count):
        open_case = template.model_copy(update={"id": f"C-OPEN-{n:05d}", "next_check_at": far, "due_at": far})
        closed_case = template.model_copy(update={"id": f"C-DONE-{n:05d}", "status": "closed", "next_check_at": None})
        items += [case_store.case_item(open_case), case_store.case_item(closed_case)]
    table.put_many(items)


@pytest.mark.parametrize("due", [0, 3])
def test_the_sweepers_cost_is_the_same_with_100_or_10000_cases_that_are_not_due(due: int) -> None:
    calls = {}
    for count in (100, 10_000):
        table = MemoryTable()
        services, _, clock = make_services(table)
        _not_due_cases(table, count, services)
        for _ in range(due):
            routed_case(services)
        clock.advance(days=16)  # the reminders of the `due` cases, nothing else
        table.calls.clear()
        report = sweeper.sweep(services, clock())
        assert report.reminded == due + 1  # the template case is due too
        calls[count] = list(table.calls)
    assert calls[100] == calls[10_000]


def test_an_escalation_that_meets_another_transaction_is_tried_again_and_lands_once(
    deep: tuple[Services, Clock, MemoryTable],
) -> None:
    services, clock, table = deep
    routed_at = clock()
    case_id = routed_case(services)
    clock.now = routed_at + timedelta(days=20, minutes=15)
    # Real DynamoDB cancels a transaction that overlaps another on one of its items (moto never does)
    table.contend(2)
    table.calls.clear()
    report = sweep_twice(services, clock, table)
    assert report.escalated == 1 and report.failed == 0 and table.contentions == 0
    assert table.calls.count("TransactWriteItems") == 3  # two refused, the third landed
    timeline = complaints.track(services, citizen(), case_id).timeline
    assert [e.type for e in timeline].count("escalated") == 1


def test_a_case_that_stays_contended_is_left_due_and_the_run_goes_on_to_the_next(
    deep: tuple[Services, Clock, MemoryTable],
) -> None:
    services, clock, table = deep
    routed_at = clock()
    first, second = routed_case(services), routed_case(services)
    clock.now = routed_at + timedelta(days=20, minutes=15)
    # Every try of the first case's escalation is refused; the second's lands
    table.contend(TRIES)
    report = sweeper.sweep(services, clock())
    assert report.failed == 1 and report.escalated == 1 and report.examined == 2
    levels = sorted(stored(services, c).level for c in (first, second))
    assert levels == [0, 1]
    # The next run escalates the one left behind, and nothing twice
    again = sweeper.sweep(services, clock())
    assert again.escalated == 1 and again.failed == 0
    assert [stored(services, c).level for c in (first, second)] == [1, 1]


def test_a_run_stops_in_time_and_the_next_takes_up_what_it_left(deep: tuple[Services, Clock, MemoryTable]) -> None:
    services, clock, _ = deep
    routed_at = clock()
    cases = [routed_case(services) for _ in range(3)]
    clock.now = routed_at + timedelta(days=20, minutes=15)
    # An invocation with time for one case only (the time left drops below the reserve after it)
    left = iter([60.0, sweeper.RESERVE_SECONDS - 0.1])
    report = sweeper.sweep(services, clock(), lambda: next(left))
    assert (report.examined, report.escalated, report.deferred) == (1, 1, 2)
    report = sweeper.sweep(services, clock(), lambda: 60.0)
    assert (report.examined, report.escalated, report.deferred) == (2, 2, 0)
    assert [stored(services, c).level for c in cases] == [1, 1, 1]
