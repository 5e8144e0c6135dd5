"""The citizen's verdict: satisfied closes, not satisfied reopens one level up; notices follow every commit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.logic import actions, complaints
from chalicelib.logic.clock import iso
from chalicelib.logic.notifications import list_mine
from chalicelib.logic.ports import Services
from chalicelib.models.actions import AcknowledgeIn, FeedbackIn, ResolveIn
from chalicelib.models.common import Principal
from chalicelib.models.complaints import CaseOut
from chalicelib.models.errors import CaseNotFound, TransitionNotAllowed
from chalicelib.store import keys
from tests.fakes import FakeNotificationQueue, citizen, make_services
from tests.fakes import officer as officer_principal
from tests.unit.test_sweeper import routed_case

LAHORE = officer_principal("lesco-lahore")
HQ = officer_principal("lesco-hq", "officer-hq")


def resolve(services: Services, case_id: str, who: Principal = LAHORE) -> CaseOut:
    body = ResolveIn(action="resolve", outcome="partial_relief", note="Half of the excess refunded.")
    return actions.act(services, who, case_id, body, None)


def stat_total(services: Services, dimension: str, value: str, counter: str) -> int:
    day = iso(services.clock())[:10]
    total = 0
    for shard in range(keys.DAY_STAT_SHARDS):
        item = services.table.get({"PK": f"STAT#{dimension}#{value}#{shard}", "SK": f"DAY#{day}"})
        total += int(item.get(counter, 0)) if item else 0
    return total


def test_the_whole_journey_not_satisfied_reopens_above_and_the_office_above_closes_it() -> None:
    services, _, clock = make_services()
    case_id = routed_case(services)
    # The office resolves; the citizen is asked and the case waits for them
    resolved = resolve(services, case_id)
    assert resolved.status == "resolved" and resolved.feedback_until is not None
    # The citizen is not satisfied: the case reopens at the office above, one level up, reason on the timeline
    clock.advance(days=2)
    verdict = FeedbackIn(satisfied=False, rating=2, comment="Only half was refunded.")
    reopened = actions.give_feedback(services, citizen(), case_id, verdict, None)
    assert reopened.status == "reopened" and reopened.level == 1
    assert reopened.office is not None and reopened.office.id == "lesco-hq"
    assert [e.type for e in reopened.timeline][-2:] == ["feedback", "reopened"]
    assert reopened.timeline[-1].note == "Only half was refunded." and reopened.resolution is None
    assert reopened.due_at == iso(clock() + timedelta(days=20))
    # The office that resolved it is out of it now: the case sits above its subtree
    with pytest.raises(CaseNotFound):
        actions.act(services, LAHORE, case_id, AcknowledgeIn(action="acknowledge"), None)
    assert "office_reopened" in [n.type for n in list_mine(services, HQ, 10, None).items]
    # The office above takes it up and resolves it; the citizen is satisfied; the case is closed
    actions.act(services, HQ, case_id, AcknowledgeIn(action="acknowledge"), None)
    resolve(services, case_id, HQ)
    clock.advance(hours=3)
    closed = actions.give_feedback(services, citizen(), case_id, FeedbackIn(satisfied=True, rating=5), None)
    assert closed.status == "closed" and closed.feedback is not None and closed.feedback.satisfied
    assert closed.feedback_until is None
    assert [e.type for e in closed.timeline][-2:] == ["feedback", "closed"]
    assert list_mine(services, citizen(), 1, None).items[0].type == "closed"
    # Counted: one not satisfied and one reopened for Lahore, one satisfied and closed for HQ
    assert stat_total(services, "office", "lesco-lahore", "reopened") == 1
    assert stat_total(services, "office", "lesco-hq", "satisfied") == 1
    assert stat_total(services, "all", "all", "closed") == 1


def test_one_verdict_per_resolution_and_none_before_a_resolution() -> None:
    services, _, _ = make_services()
    case_id = routed_case(services)
    with pytest.raises(TransitionNotAllowed):
        actions.give_feedback(services, citizen(), case_id, FeedbackIn(satisfied=True, rating=4), None)
    resolve(services, case_id)
    actions.give_feedback(services, citizen(), case_id, FeedbackIn(satisfied=True, rating=4), None)
    with pytest.raises(TransitionNotAllowed):
        actions.give_feedback(services, citizen(), case_id, FeedbackIn(satisfied=False, rating=1), None)
    assert complaints.track(services, citizen(), case_id).status == "closed"


def test_only_the_citizen_who_filed_gives_the_verdict() -> None:
    services, _, _ = make_services()
    case_id = routed_case(services)
    resolve(services, case_id)
    with pytest.raises(CaseNotFound):
        actions.give_feedback(services, citizen("citizen-2"), case_id, FeedbackIn(satisfied=True, rating=5), None)
    assert complaints.track(services, citizen(), case_id).status == "resolved"


def test_notices_are_queued_after_the_commit_and_a_queue_outage_loses_only_sms_and_email() -> None:
    services, _, clock = make_services()
    queue = services.notifications
    assert isinstance(queue, FakeNotificationQueue)
    case_id = routed_case(services)
    # Routing told the citizen and the office
    assert [(n.template, n.sub, n.office_id) for n in queue.queued] == [
        ("case_routed", "citizen-1", None),
        ("office_new_case", None, "lesco-lahore"),
    ]
    # With the queue down, the resolution still goes through and its in-app notice is kept
    queue.broken = True
    clock.advance(hours=1)
    assert resolve(services, case_id).status == "resolved"
    assert list_mine(services, citizen(), 1, None).items[0].type == "resolved"
    assert len(queue.queued) == 2
