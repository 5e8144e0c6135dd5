"""The sweeper as deployed: the finder sends due case ids to the due queue, the worker acts on each, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.logic import complaints, sweeper
from chalicelib.logic.clock import parse_time
from chalicelib.logic.ports import Services
from chalicelib.models.limits import DailyLimits
from chalicelib.store.table import TRIES
from tests.fakes import Clock, FakeDueQueue, citizen, make_services
from tests.memory_table import MemoryTable
from tests.unit.test_sweeper import deep_directory, routed_case, stored


@pytest.fixture
def deep() -> tuple[Services, Clock, MemoryTable]:
    table = MemoryTable()
    services, _, clock = make_services(table, deep_directory(), daily_limits=DailyLimits(complaint=200))
    return services, clock, table


def due_queue(services: Services) -> FakeDueQueue:
    assert isinstance(services.due, FakeDueQueue)
    return services.due


def work_the_queue(services: Services) -> sweeper.SweepReport:
    """The worker, message by message, until the due queue is empty (as its event source would)."""
    report = sweeper.SweepReport()
    queue = due_queue(services)
    while (message := queue.take()) is not None:
        ids, found_at = message
        assert not sweeper.act_on_due(services, ids, parse_time(found_at), report)
    return report


def reminders_in_timeline(services: Services, case_id: str) -> int:
    return [e.type for e in complaints.track(services, citizen(), case_id).timeline].count("reminded")


def test_the_finder_only_finds_and_sends_ten_ids_a_message_and_the_worker_acts_on_each(
    deep: tuple[Services, Clock, MemoryTable],
) -> None:
    services, clock, table = deep
    # Given 23 cases routed today, their reminders due on day 15
    cases = [routed_case(services) for _ in range(23)]
    clock.advance(days=15)
    versions = {c: stored(services, c).version for c in cases}
    # When the finder ticks
    table.calls.clear()
    found = sweeper.fan_out(services, clock())
    # Then it read the due index only, changed no case, and sent every due id, ten to a message, in one call
    assert set(table.calls) == {"Query"}
    assert {c: stored(services, c).version for c in cases} == versions
    assert (found.found, found.enqueued, found.messages) == (23, 23, 3)
    queue = due_queue(services)
    assert [len(ids) for ids, _ in queue.messages] == [10, 10, 3] and queue.sends == 1
    assert sorted(c for ids, _ in queue.messages for c in ids) == sorted(cases)
    # When the worker takes the messages
    acted = work_the_queue(services)
    # Then each office is reminded once per case
    assert (acted.examined, acted.reminded, acted.failed) == (23, 23, 0)
    assert all(reminders_in_timeline(services, c) == 1 for c in cases)


def test_a_message_delivered_twice_reminds_once(deep: tuple[Services, Clock, MemoryTable]) -> None:
    services, clock, _table = deep
    case_id = routed_case(services)
    clock.advance(days=15)
    sweeper.fan_out(services, clock())
    queue = due_queue(services)
    # Given the one message delivered twice (SQS delivers at least once)
    queue.messages.append(queue.messages[0])
    # When the worker acts on both deliveries
    acted = work_the_queue(services)
    # Then the second found the case no longer due and changed nothing
    assert (acted.reminded, acted.not_due) == (1, 1)
    assert reminders_in_timeline(services, case_id) == 1


def test_two_finders_that_overlap_escalate_each_case_once(deep: tuple[Services, Clock, MemoryTable]) -> None:
    services, clock, _table = deep
    routed_at = clock()
    cases = [routed_case(services) for _ in range(3)]
    clock.now = routed_at + timedelta(days=20, minutes=15)
    # Given two finders that both read the index before either's messages reached the queue
    queue = due_queue(services)
    sweeper.fan_out(services, clock())
    first_tick = list(queue.messages)
    queue.messages.clear()
    sweeper.fan_out(services, clock())
    queue.messages[:0] = first_tick
    assert sorted(c for ids, _ in queue.messages for c in ids) == sorted(cases * 2)
    # When the worker works through both ticks' messages
    acted = work_the_queue(services)
    # Then every case climbed one level, once
    assert (acted.escalated, acted.not_due) == (3, 3)
    assert [stored(services, c).level for c in cases] == [1, 1, 1]
    for case_id in cases:
        timeline = complaints.track(services, citizen(), case_id).timeline
        assert [e.type for e in timeline].count("escalated") == 1


def test_while_the_due_queue_still_has_work_the_finder_sends_nothing_again(
    deep: tuple[Services, Clock, MemoryTable],
) -> None:
    services, clock, table = deep
    cases = [routed_case(services) for _ in range(2)]
    clock.advance(days=15)
    sweeper.fan_out(services, clock())
    # When the next tick comes while the first tick's messages still wait
    clock.advance(minutes=15)
    table.calls.clear()
    busy = sweeper.fan_out(services, clock())
    # Then it sends nothing and reads nothing: every due case is waiting in the queue already
    assert (busy.queue_busy, busy.found, busy.enqueued) == (1, 0, 0) and table.calls == []
    assert len(due_queue(services).messages) == 1
    # And once the queue is drained, the next tick finds nothing more to do for them
    work_the_queue(services)
    assert sweeper.fan_out(services, clock()).found == 0
    assert all(reminders_in_timeline(services, c) == 1 for c in cases)


def test_a_case_left_due_fails_only_itself_and_the_next_delivery_acts_on_it(
    deep: tuple[Services, Clock, MemoryTable],
) -> None:
    services, clock, table = deep
    routed_at = clock()
    routed_case(services), routed_case(services)
    clock.now = routed_at + timedelta(days=20, minutes=15)
    sweeper.fan_out(services, clock())
    ((ids, found_at),) = due_queue(services).messages
    first, second = ids  # in the order the worker takes them
    # Given every try of the first case's escalation is refused (real DynamoDB's TransactionConflict)
    table.contend(TRIES)
    report = sweeper.SweepReport()
    left = sweeper.act_on_due(services, ids, parse_time(found_at), report)
    # Then only it is left due, the other escalated
    assert left == [first] and (report.failed, report.escalated) == (1, 1)
    assert [stored(services, c).level for c in (first, second)] == [0, 1]
    # And the message delivered again escalates it, and the other not twice
    again = sweeper.SweepReport()
    assert sweeper.act_on_due(services, ids, parse_time(found_at), again) == []
    assert (again.escalated, again.not_due) == (1, 1)
    assert [stored(services, c).level for c in (first, second)] == [1, 1]


def test_the_worker_acts_as_of_the_later_of_the_finders_clock_and_its_own(
    deep: tuple[Services, Clock, MemoryTable],
) -> None:
    services, clock, _ = deep
    case_id = routed_case(services)
    clock.advance(days=15)
    sweeper.fan_out(services, clock())
    ((ids, found_at),) = due_queue(services).messages
    # Given the message is read an hour after the finder sent it
    clock.advance(hours=1)
    sweeper.act_on_due(services, ids, parse_time(found_at), sweeper.SweepReport())
    # Then the reminder is timestamped when it was made
    reminded = [e for e in complaints.track(services, citizen(), case_id).timeline if e.type == "reminded"]
    assert [parse_time(e.at) for e in reminded] == [clock()]


def test_a_finder_short_of_time_or_refused_by_the_queue_leaves_the_rest_due_for_the_next_tick(
    deep: tuple[Services, Clock, MemoryTable],
) -> None:
    services, clock, _ = deep
    cases = [routed_case(services) for _ in range(150)]
    clock.advance(days=15)
    # Given an invocation with time for one send (100 cases) only
    left = iter([60.0, sweeper.RESERVE_SECONDS - 0.1])
    report = sweeper.fan_out(services, clock(), lambda: next(left))
    assert (report.found, report.enqueued, report.deferred) == (150, 100, 50)
    work_the_queue(services)
    # When the next tick's sends are refused
    due_queue(services).broken = True
    refused = sweeper.fan_out(services, clock())
    assert (refused.found, refused.enqueued, refused.failed) == (50, 0, 50)
    # Then the tick after that sends them, and every case is reminded once
    due_queue(services).broken = False
    assert sweeper.fan_out(services, clock()).enqueued == 50
    work_the_queue(services)
    assert sweeper.fan_out(services, clock()).found == 0
    assert all(reminders_in_timeline(services, c) == 1 for c in cases)


def test_the_whole_run_and_the_fan_out_leave_the_same_cases_in_the_same_state() -> None:
    # Given the same cases in two tables, one swept in process, the other fanned out
    states: list[dict[str, tuple[str, int]]] = []
    for fan in (False, True):
        table = MemoryTable()
        services, _, clock = make_services(table, deep_directory(), Clock(datetime(2026, 3, 2, 5, 0, tzinfo=UTC)))
        routed_at = clock()
        cases = [routed_case(services) for _ in range(4)]
        for days in (15, 20, 41):
            clock.now = routed_at + timedelta(days=days, minutes=15)
            if fan:
                sweeper.fan_out(services, clock())
                work_the_queue(services)
            else:
                sweeper.sweep(services, clock())
        states.append({str(n): (stored(services, c).status, stored(services, c).level) for n, c in enumerate(cases)})
    assert states[0] == states[1]
