"""Deadline facts a client shows: when a case becomes due soon, and how urgent it is, from the same rules the sweeper keeps."""

from __future__ import annotations

from chalicelib.logic import actions, complaints, officer, sweeper
from chalicelib.logic.routing import route_case
from chalicelib.models.actions import RequestInfoIn
from chalicelib.store import cases as case_store
from tests.fakes import citizen, make_services, routed_complaint
from tests.fakes import officer as officer_principal

LAHORE = officer_principal("lesco-lahore")


def test_a_complaint_is_on_time_then_due_soon_when_its_office_is_reminded_then_overdue() -> None:
    # Given a complaint routed on 27 Nov with 20 days to answer
    services, _, clock = make_services()
    case_id = routed_complaint(services)
    seen = complaints.track(services, citizen(), case_id)
    # Then it is due soon from day 15, when the sweeper reminds the office
    assert (seen.due_at, seen.remind_at, seen.urgency) == ("2026-12-17T09:00:00Z", "2026-12-12T09:00:00Z", "on_time")
    stored = case_store.get_case(services.table, case_id)
    assert stored is not None and stored.next_check_at == seen.remind_at
    clock.advance(days=15)
    assert sweeper.sweep(services, clock()).reminded == 1
    assert complaints.track(services, citizen(), case_id).urgency == "due_soon"
    # And the office's queue colours it the same way
    queued = officer.office_queue(services, LAHORE, limit=10, cursor=None).items
    assert [(c.id, c.urgency, c.remind_at) for c in queued] == [(case_id, "due_soon", seen.remind_at)]
    # When the deadline passes, it is overdue
    clock.advance(days=5)
    assert complaints.track(services, citizen(), case_id).urgency == "overdue"


def test_a_case_waiting_for_the_citizen_has_no_running_deadline() -> None:
    services, _, _ = make_services()
    case_id = routed_complaint(services, routed=False)
    assert complaints.track(services, citizen(), case_id).urgency is None  # not routed yet
    route_case(services, case_id)
    asked = actions.act(services, LAHORE, case_id, RequestInfoIn(action="request_info", note="Meter number?"), None)
    assert asked.status == "awaiting_citizen" and asked.urgency is None and asked.remind_at is None
