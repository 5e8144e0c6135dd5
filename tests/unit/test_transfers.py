"""Transfers: the deadline runs from routing whatever office holds the case, and the reminder is given once."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.logic import actions, complaints, sweeper
from chalicelib.logic.clock import iso
from chalicelib.logic.notifications import list_mine
from chalicelib.logic.ports import Services
from chalicelib.models.actions import ReplyIn, RequestInfoIn, TransferIn
from chalicelib.models.complaints import Case
from chalicelib.store import cases as case_store
from tests.fakes import citizen, make_services, routed_complaint
from tests.fakes import officer as officer_principal

HEAD = officer_principal("lesco-hq")  # lesco-lahore and lesco-kasur are below it


def transfer(services: Services, case_id: str, office_id: str, by: str = "lesco-hq") -> None:
    body = TransferIn(action="transfer", office_id=office_id, note="That office handles this feeder.")
    actions.act(services, officer_principal(by), case_id, body, None)


def stored(services: Services, case_id: str) -> Case:
    case = case_store.get_case(services.table, case_id)
    assert case is not None
    return case


def inbox(services: Services, office_id: str) -> list[str]:
    return [n.type for n in list_mine(services, officer_principal(office_id), 50, None).items]


def test_bouncing_a_case_between_two_offices_buys_no_time_the_sweeper_escalates_it_at_its_first_deadline() -> None:
    # Given a case routed to LESCO Lahore, due in 20 days
    services, _, clock = make_services()
    routed_at = clock()
    case_id = routed_complaint(services)
    first_due = stored(services, case_id).due_at
    assert first_due == iso(routed_at + timedelta(days=20))
    # When it is transferred between Lahore and Kasur every two days
    for n in range(9):
        clock.advance(days=2)
        transfer(services, case_id, "lesco-kasur" if n % 2 == 0 else "lesco-lahore")
        sweeper.sweep(services, clock())
        assert stored(services, case_id).due_at == first_due
    # Then when its first deadline passes, the sweeper escalates it to the head office all the same
    clock.now = routed_at + timedelta(days=20)
    assert sweeper.sweep(services, clock()).escalated == 1
    seen = complaints.track(services, citizen(), case_id)
    assert seen.level == 1 and seen.office is not None and seen.office.id == "lesco-hq"
    assert seen.timeline[-1].type == "escalated" and seen.timeline[-1].at == first_due


def test_a_transfer_while_waiting_for_the_citizen_ends_the_wait_and_adds_it_to_the_deadline() -> None:
    # Given a case that has waited three days for the citizen since day 5
    services, _, clock = make_services()
    routed_at = clock()
    case_id = routed_complaint(services)
    clock.advance(days=5)
    actions.act(services, HEAD, case_id, RequestInfoIn(action="request_info", note="Your meter number?"), None)
    clock.advance(days=3)
    # When it is transferred to Kasur
    transfer(services, case_id, "lesco-kasur")
    # Then it is at work again at Kasur, due 20 days from routing plus the three days it waited
    case = stored(services, case_id)
    assert case.status == "routed" and case.office_id == "lesco-kasur" and case.paused_at is None
    assert case.due_at == iso(routed_at + timedelta(days=23))


def test_the_75_percent_reminder_given_before_a_transfer_is_not_given_again() -> None:
    # Given a case whose office was reminded on day 15
    services, _, clock = make_services()
    routed_at = clock()
    case_id = routed_complaint(services)
    clock.now = routed_at + timedelta(days=15)
    assert sweeper.sweep(services, clock()).reminded == 1
    # When it is transferred on day 16, even while it waited for the citizen in between
    clock.advance(hours=12)
    actions.act(services, HEAD, case_id, RequestInfoIn(action="request_info", note="Your meter number?"), None)
    clock.advance(hours=12)
    transfer(services, case_id, "lesco-kasur")
    # Then the sweeper's next look is the deadline (pushed back by the 12 hours' wait), not a second reminder
    case = stored(services, case_id)
    assert case.due_at == iso(routed_at + timedelta(days=20, hours=12))
    assert case.reminded_due_at == case.due_at and case.next_check_at == case.due_at
    clock.advance(days=3)
    assert sweeper.sweep(services, clock()).examined == 0
    assert "office_reminder" not in inbox(services, "lesco-kasur")


def test_a_reminder_not_yet_given_when_the_case_is_transferred_goes_to_the_new_office() -> None:
    # Given a case transferred to Kasur on day 10, before its reminder
    services, _, clock = make_services()
    routed_at = clock()
    case_id = routed_complaint(services)
    clock.advance(days=10)
    transfer(services, case_id, "lesco-kasur")
    # When day 15 comes
    clock.now = routed_at + timedelta(days=15)
    report = sweeper.sweep(services, clock())
    # Then Kasur is reminded, once, of the deadline the case had from the start
    assert report.reminded == 1
    assert inbox(services, "lesco-kasur").count("office_reminder") == 1
    assert "office_reminder" not in inbox(services, "lesco-lahore")
    assert stored(services, case_id).next_check_at == iso(routed_at + timedelta(days=20))


def test_the_citizens_reply_after_a_transfer_still_extends_the_deadline_by_the_wait() -> None:
    # Given a case transferred to Kasur, where the office asks the citizen for details for four days
    services, _, clock = make_services()
    routed_at = clock()
    case_id = routed_complaint(services)
    transfer(services, case_id, "lesco-kasur")
    clock.advance(days=2)
    kasur = officer_principal("lesco-kasur")
    actions.act(services, kasur, case_id, RequestInfoIn(action="request_info", note="Your meter number?"), None)
    clock.advance(days=4)
    # When the citizen replies
    answered = actions.reply(services, citizen(), case_id, ReplyIn(message="Meter 4471."), None)
    # Then the deadline is the first one plus the four days
    assert answered.due_at == iso(routed_at + timedelta(days=24))
