"""The dead-letter redrive's claims through every place it can stop, and the operations view, over in-memory fakes."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from chalicelib.logic import operations
from chalicelib.logic.clock import iso
from chalicelib.logic.ports import Services
from chalicelib.models.audit import Actor
from chalicelib.models.common import Principal
from chalicelib.models.errors import NotFound, ServiceUnavailable
from chalicelib.models.operations import QUEUE_NAMES, DeadLetter, QueueCounts, QueueName, RedriveIn
from chalicelib.store import keys
from tests.fakes import Clock, make_services
from tests.memory_table import MemoryTable

ADMIN = Actor(principal=Principal(sub="admin-1", role="admin"), source_ip="203.0.113.9", user_agent="test")


class Stopped(Exception):
    """The API function stopped mid-way (a timeout, the container killed): nothing after it ran."""


@dataclass
class FakeQueues:
    """The two work queues and their dead-letter queues in memory; a received letter is hidden until told otherwise."""

    dead: dict[str, list[DeadLetter]] = field(default_factory=lambda: {"intake": [], "notifications": [], "due": []})
    hidden: set[str] = field(default_factory=set)
    sent: dict[str, list[str]] = field(default_factory=lambda: {"intake": [], "notifications": [], "due": []})
    refuse: set[str] = field(default_factory=set)  # bodies SQS refuses (SendMessageBatch's Failed)
    stop_after_send: bool = False
    stop_before_delete: bool = False
    ages: dict[QueueName, int | None] = field(
        default_factory=lambda: {"intake": None, "notifications": None, "due": None}
    )

    def add(self, queue: str, body: str, sent_at: datetime | None = None) -> DeadLetter:
        n = sum(len(v) for v in self.dead.values()) + len(self.hidden)
        letter = DeadLetter(message_id=f"m-{n}", receipt_handle=f"r-{n}", body=body, sent_at=sent_at)
        self.dead[queue].append(letter)
        return letter

    def show_again(self) -> None:
        """The visibility timeout passed: every received letter not deleted is visible again."""
        self.hidden.clear()

    def names(self) -> tuple[QueueName, ...]:
        return tuple(name for name in QUEUE_NAMES if name in self.dead)

    def counts(self, queue: QueueName, *, dead_letters: bool) -> QueueCounts:
        if not dead_letters:
            return QueueCounts(visible=len(self.sent[queue]), in_flight=0, delayed=0)
        letters = self.dead[queue]
        shown = [x for x in letters if x.message_id not in self.hidden]
        return QueueCounts(visible=len(shown), in_flight=len(letters) - len(shown), delayed=0)

    def oldest_ages(self) -> dict[QueueName, int | None]:
        return dict(self.ages)

    def receive_dead_letters(self, queue: QueueName, most: int, hidden_seconds: int) -> list[DeadLetter]:
        shown = [x for x in self.dead[queue] if x.message_id not in self.hidden][: min(most, 10)]
        if hidden_seconds:
            self.hidden.update(x.message_id for x in shown)
        return shown

    def send_back(self, queue: QueueName, letters: Sequence[DeadLetter]) -> set[str]:
        taken = {x.message_id for x in letters if x.body not in self.refuse}
        self.sent[queue] += [x.body for x in letters if x.message_id in taken]
        if self.stop_after_send:
            raise Stopped()
        return taken

    def delete_dead_letters(self, queue: QueueName, letters: Sequence[DeadLetter]) -> None:
        if self.stop_before_delete:
            raise Stopped()
        gone = {x.message_id for x in letters}
        self.dead[queue] = [x for x in self.dead[queue] if x.message_id not in gone]
        self.hidden -= gone


def _services(queues: FakeQueues, clock: Clock | None = None) -> tuple[Services, MemoryTable, Clock]:
    table = MemoryTable()
    services, _, clock = make_services(table=table, clock=clock)
    return dataclasses.replace(services, queue_operations=queues), table, clock


def _claim(table: MemoryTable, queue: str, message_id: str) -> dict[str, object] | None:
    return table.get(keys.redrive_claim_key(queue, message_id))


def _audited(table: MemoryTable, queue: str) -> list[object]:
    import json

    page = table.query(keys.audit_object_pk("queue", queue), index="GSI2")
    return [json.loads(item["after"]) for item in page.items]


def test_each_dead_letter_is_claimed_sent_back_marked_sent_and_deleted() -> None:
    # Given three dead letters of the intake queue
    queues = FakeQueues()
    letters = [queues.add("intake", f'{{"case_id": "C-{n}"}}') for n in range(3)]
    services, table, _ = _services(queues)
    # When an admin redrives the queue
    out = operations.redrive(services, ADMIN, "intake", RedriveIn())
    # Then each went back once, left the dead-letter queue, and its claim says it was sent
    assert (out.moved, out.skipped_duplicates, out.remaining) == (3, 0, 0)
    assert queues.sent["intake"] == [x.body for x in letters] and queues.dead["intake"] == []
    claims = [_claim(table, "intake", x.message_id) for x in letters]
    assert all(c is not None and c["state"] == "sent" and c["expires_at"] for c in claims)
    # And one audit entry says what moved
    assert _audited(table, "intake") == [{"moved": 3, "skipped_duplicates": 0, "remaining": 0}]


def test_a_redrive_that_stopped_after_marking_is_finished_without_sending_again() -> None:
    queues = FakeQueues(stop_before_delete=True)
    letter = queues.add("intake", '{"case_id": "C-1"}')
    services, table, _ = _services(queues)
    with pytest.raises(Stopped):
        operations.redrive(services, ADMIN, "intake", RedriveIn())
    assert queues.sent["intake"] == [letter.body] and queues.dead["intake"] == [letter]
    assert (_claim(table, "intake", letter.message_id) or {}).get("state") == "sent"
    # When the letter shows again and another redrive runs
    queues.stop_before_delete = False
    queues.show_again()
    out = operations.redrive(services, ADMIN, "intake", RedriveIn())
    # Then it is deleted, never sent a second time
    assert (out.moved, out.skipped_duplicates, out.remaining) == (0, 1, 0)
    assert queues.sent["intake"] == [letter.body] and queues.dead["intake"] == []


def test_a_redrive_that_stopped_between_sending_and_marking_is_left_to_its_lease_then_sent_again() -> None:
    # The one window where a letter can reach its queue twice (docs/operations.md): the workers take it twice
    # without acting twice, where the other choice would lose a complaint's routing or a notice for good.
    queues = FakeQueues(stop_after_send=True)
    letter = queues.add("notifications", '{"id": "n-1"}')
    services, table, clock = _services(queues)
    with pytest.raises(Stopped):
        operations.redrive(services, ADMIN, "notifications", RedriveIn())
    claim = _claim(table, "notifications", letter.message_id)
    assert claim is not None and claim["state"] == "sending"
    queues.stop_after_send = False
    queues.show_again()
    # While the lease runs, another redrive leaves the letter to the one that claimed it
    within = operations.redrive(services, ADMIN, "notifications", RedriveIn())
    assert (within.moved, within.skipped_duplicates) == (0, 0) and queues.dead["notifications"] == [letter]
    assert len(queues.sent["notifications"]) == 1
    # Once it has run out, the letter is taken over and sent again
    queues.show_again()
    clock.advance(seconds=operations.LEASE.total_seconds() + 1)
    after = operations.redrive(services, ADMIN, "notifications", RedriveIn())
    assert (after.moved, after.skipped_duplicates, after.remaining) == (1, 0, 0)
    assert queues.sent["notifications"] == [letter.body, letter.body]
    claim = _claim(table, "notifications", letter.message_id)
    assert claim is not None and claim["state"] == "sent" and claim["version"] == 3


def test_a_letter_the_queue_refuses_keeps_no_claim_and_goes_with_the_next_redrive() -> None:
    queues = FakeQueues(refuse={"refused"})
    kept = queues.add("intake", "refused")
    moved = queues.add("intake", "taken")
    services, table, _ = _services(queues)
    out = operations.redrive(services, ADMIN, "intake", RedriveIn())
    assert (out.moved, out.remaining) == (1, 1) and queues.sent["intake"] == [moved.body]
    assert _claim(table, "intake", kept.message_id) is None
    queues.refuse.clear()
    queues.show_again()
    again = operations.redrive(services, ADMIN, "intake", RedriveIn())
    assert (again.moved, again.remaining) == (1, 0) and queues.sent["intake"] == ["taken", "refused"]


def test_a_redrive_moves_at_most_max_and_stops_when_its_time_is_up() -> None:
    queues = FakeQueues()
    for n in range(25):
        queues.add("intake", f"letter {n}")
    services, _, _ = _services(queues)
    out = operations.redrive(services, ADMIN, "intake", RedriveIn(max=12))
    assert (out.moved, out.remaining) == (12, 13)
    # A clock that says the time budget is spent after the first batch
    ticks = iter([0.0, 0.0, operations.TIME_BUDGET_SECONDS + 1])
    out = operations.redrive(services, ADMIN, "intake", RedriveIn(max=1000), elapsed=lambda: next(ticks))
    assert (out.moved, out.remaining) == (10, 3)


def test_a_queue_outage_is_a_503_and_what_moved_before_it_is_audited() -> None:
    queues = FakeQueues()
    for n in range(12):
        queues.add("intake", f"letter {n}")
    services, table, _ = _services(queues)
    calls = {"n": 0}
    receive = queues.receive_dead_letters

    def failing_second_time(queue: QueueName, most: int, hidden_seconds: int) -> list[DeadLetter]:
        calls["n"] += 1
        if calls["n"] > 1:
            raise ServiceUnavailable("sqs down")
        return receive(queue, most, hidden_seconds)

    queues.receive_dead_letters = failing_second_time  # type: ignore[method-assign]
    with pytest.raises(ServiceUnavailable):
        operations.redrive(services, ADMIN, "intake", RedriveIn())
    assert _audited(table, "intake") == [{"moved": 10, "skipped_duplicates": 0, "remaining": None, "interrupted": True}]


def test_without_dead_letter_queues_the_view_and_the_redrive_are_503_and_an_unknown_queue_is_404() -> None:
    services, _, _ = make_services()
    with pytest.raises(ServiceUnavailable):
        operations.queues_view(services)
    with pytest.raises(ServiceUnavailable):
        operations.redrive(services, ADMIN, "intake", RedriveIn())
    with pytest.raises(ServiceUnavailable):
        operations.queue_name(services, "notifications")
    # With them, the path names one of the stack's queues; any other is a 404
    services, _, _ = _services(FakeQueues())
    assert [operations.queue_name(services, n) for n in ("intake", "notifications", "due")] == list(QUEUE_NAMES)
    with pytest.raises(NotFound):
        operations.queue_name(services, "intake-dlq")
    # A stack deployed before the due queue existed has two: "due" is a 404 there, and the view shows two
    older, _, _ = _services(FakeQueues(dead={"intake": [], "notifications": []}))
    with pytest.raises(NotFound):
        operations.queue_name(older, "due")
    assert [q.name for q in operations.queues_view(older).queues] == ["intake", "notifications"]


def _open_case(table: MemoryTable, case_id: str, office_id: str, due: datetime, **extra: object) -> None:
    item: dict[str, object] = {"id": case_id, "office_id": office_id, **extra}
    item.update({"PK": keys.case_pk(case_id), "SK": keys.CASE_SK})
    item.update(keys.office_queue_gsi(office_id, iso(due), case_id))
    table.items[(keys.case_pk(case_id), keys.CASE_SK)] = item


def test_the_view_shows_depths_ages_dead_letters_and_overdue_cases_at_head_offices() -> None:
    # Given queues with work, a dead letter first sent two hours ago, a measured age for intake
    clock = Clock()
    queues = FakeQueues(ages={"intake": 42, "notifications": None})
    queues.sent["intake"] += ["waiting"]
    queues.add("notifications", "{}", sent_at=clock.now - timedelta(hours=2))
    queues.add("notifications", "{}", sent_at=clock.now - timedelta(minutes=5))
    services, table, _ = _services(queues, clock)
    # and at LESCO's head office two cases past their deadline, one paused, one not yet due;
    # one overdue below the head (the sweeper moves it up within a quarter hour)
    _open_case(table, "C-1", "lesco-hq", clock.now - timedelta(days=3))
    _open_case(table, "C-2", "lesco-hq", clock.now - timedelta(seconds=1))
    _open_case(table, "C-3", "lesco-hq", clock.now - timedelta(days=9), paused_at=iso(clock.now))
    _open_case(table, "C-4", "lesco-hq", clock.now + timedelta(days=1))
    _open_case(table, "C-5", "lesco-lahore", clock.now - timedelta(days=1))
    # When the view is read
    view = operations.queues_view(services)
    # Then
    intake, notifications, due = view.queues
    assert (due.name, due.depth, due.dlq.depth) == ("due", 0, 0)
    assert (intake.name, intake.depth, intake.oldest_age_seconds, intake.dlq.depth) == ("intake", 1, 42, 0)
    assert intake.dlq.oldest_age_seconds is None
    assert notifications.dlq.depth == 2 and notifications.dlq.oldest_age_seconds == 2 * 3600
    assert notifications.oldest_age_seconds is None
    assert [(o.organisation_id, o.overdue) for o in view.overdue] == [("lesco", 2)]
    assert view.overdue[0].name_ur and view.at == iso(clock.now)
    # And the peek left the dead letters where they were
    assert operations.queues_view(services).queues[1].dlq.depth == 2


def test_overdue_counts_stop_at_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(operations, "OVERDUE_CAP", 150)
    clock = Clock()
    services, table, _ = _services(FakeQueues(), clock)
    for n in range(230):
        _open_case(table, f"C-{n:03d}", "pmdu-hq", clock.now - timedelta(minutes=n + 1))
    table.calls.clear()
    view = operations.queues_view(services)
    assert [(o.organisation_id, o.overdue) for o in view.overdue] == [("pmdu", 150)]
    # PMDU's queue shards read until the cap (a page of 100 each, at most one more for the cap), and one
    # Query per shard of LESCO's head office: bounded, whatever the backlog
    assert table.calls.count("Query") <= (keys.QUEUE_SHARDS + 1) + keys.QUEUE_SHARDS


def test_the_work_queues_ages_are_the_newest_cloudwatch_maximum_of_each_queue_by_its_name() -> None:
    from typing import Any

    from chalicelib.integrations.queues import QueuePair, SqsQueueOperations

    asked: list[dict[str, Any]] = []

    class CloudWatch:
        def get_metric_data(self, **kwargs: Any) -> dict[str, Any]:
            asked.append(kwargs)
            return {
                "MetricDataResults": [
                    {"Id": "q0", "Values": [12.0, 300.0], "StatusCode": "Complete"},
                    {"Id": "q1", "Values": [], "StatusCode": "Complete"},
                ]
            }

    queues = {
        "intake": QueuePair("https://sqs.ap-south-1.amazonaws.com/1/awaaz-intake", "https://x/awaaz-intake-dlq"),
        "notifications": QueuePair("https://sqs.ap-south-1.amazonaws.com/1/awaaz-notifications", "https://x/n-dlq"),
    }
    ops = SqsQueueOperations(lambda: None, CloudWatch, queues)  # type: ignore[arg-type]
    assert ops.oldest_ages() == {"intake": 12, "notifications": None}
    (call,) = asked
    dimensions = [q["MetricStat"]["Metric"]["Dimensions"] for q in call["MetricDataQueries"]]
    assert dimensions == [
        [{"Name": "QueueName", "Value": "awaaz-intake"}],
        [{"Name": "QueueName", "Value": "awaaz-notifications"}],
    ]
    assert call["ScanBy"] == "TimestampDescending"
