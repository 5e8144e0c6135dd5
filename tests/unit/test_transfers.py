"""Transfers: the deadline runs from routing whatever office holds the case, and the reminder is given once;
within the organisation a case moves at once, to another organisation it is a request that organisation answers;
transfers are counted. Last, a property: whatever is done to a case, it escalates at its first deadline plus
the time spent waiting for the citizen.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from chalicelib.logic import actions, complaints, officer, stats, sweeper
from chalicelib.logic.clock import iso, parse_time
from chalicelib.logic.notifications import list_mine
from chalicelib.logic.ports import Services
from chalicelib.models.actions import (
    AcceptTransferIn,
    AcknowledgeIn,
    DeclineTransferIn,
    NoteIn,
    OfficerAction,
    OfficerActionIn,
    RejectIn,
    ReplyIn,
    RequestInfoIn,
    ResolveIn,
    TransferIn,
    WithdrawIn,
)
from chalicelib.models.common import Principal
from chalicelib.models.complaints import Case
from chalicelib.models.directory import DirectorySnapshot, Office
from chalicelib.models.errors import CaseNotFound, InvalidInput, TransitionNotAllowed
from chalicelib.store import cases as case_store
from tests.fakes import Clock, citizen, make_services, routed_complaint, small_directory
from tests.fakes import officer as officer_principal

HEAD = officer_principal("lesco-hq")  # lesco-lahore and lesco-kasur are below it
LAHORE = officer_principal("lesco-lahore", "officer-lahore")
# Supervisors (the group `supervisor`): only they, or an admin, answer a request from another organisation.
PMDU_HEAD = officer_principal("pmdu-hq", "officer-pmdu-hq").model_copy(update={"supervisor": True})
PMDU_LAHORE = officer_principal("pmdu-lahore", "officer-pmdu-lahore").model_copy(update={"supervisor": True})
ADMIN = Principal(sub="admin-1", role="admin")


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
    assert stored(services, case_id).transfers == 9
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


# --- across organisations: a request the other organisation answers ----------------------------


def two_organisations() -> DirectorySnapshot:
    """LESCO as in small_directory, and PMDU with a Lahore office below its head office."""
    snapshot = small_directory()
    snapshot.offices.append(
        Office(
            id="pmdu-lahore",
            organisation_id="pmdu",
            name="PMDU Lahore",
            name_ur="پی ایم ڈی یو لاہور",
            district_id="lahore",
            parent_id="pmdu-hq",
        )
    )
    return snapshot


@pytest.fixture
def asked() -> tuple[Services, Clock, str]:
    """A complaint at LESCO Lahore, five days after routing, whose office has asked PMDU Lahore to take it."""
    services, _, clock = make_services(snapshot=two_organisations())
    case_id = routed_complaint(services)
    clock.advance(days=5)
    body = TransferIn(action="transfer", office_id="pmdu-lahore", note="The Prime Minister's cell handles this.")
    actions.act(services, LAHORE, case_id, body, None)
    return services, clock, case_id


def offered(services: Services, who: Principal, case_id: str) -> list[str]:
    return [a.action for a in officer.case_for_officer(services, who, case_id).allowed_actions]


def test_an_officers_transfer_to_another_organisation_is_a_request_that_leaves_the_case_where_it_is(
    asked: tuple[Services, Clock, str],
) -> None:
    services, clock, case_id = asked
    # Then the case is still at LESCO Lahore, as it was, its deadline running
    case = stored(services, case_id)
    assert (case.office_id, case.organisation_id, case.status, case.level) == ("lesco-lahore", "lesco", "routed", 0)
    assert case.due_at == iso(clock() + timedelta(days=15)) and case.next_check_at is not None
    # And the request is on it: to which office, who asked, when, and why
    request = case.transfer_request
    assert request is not None
    assert (request.office_id, request.from_office_id, request.by) == ("pmdu-lahore", "lesco-lahore", "officer-lahore")
    assert request.at == iso(clock()) and request.note == "The Prime Minister's cell handles this."
    seen = complaints.track(services, citizen(), case_id)
    assert seen.transfer_request is not None and seen.transfer_request.office.id == "pmdu-lahore"
    assert seen.timeline[-1].type == "transfer_requested" and seen.timeline[-1].office_id == "pmdu-lahore"
    # And PMDU Lahore's inbox has the request; nothing is sent to the citizen
    assert inbox(services, "pmdu-lahore") == ["office_transfer_requested"]
    assert [n.type for n in list_mine(services, citizen(), 10, None).items] == ["case_routed"]


def test_the_organisation_asked_sees_the_case_and_may_only_accept_or_decline_it(
    asked: tuple[Services, Clock, str],
) -> None:
    services, _, case_id = asked
    # Then PMDU Lahore and its supervisor see the case, offered only the answers, without the citizen's contact
    for receiving in (PMDU_LAHORE, PMDU_HEAD):
        seen = officer.case_for_officer(services, receiving, case_id)
        assert [a.action for a in seen.allowed_actions] == ["accept_transfer", "decline_transfer"]
        assert seen.citizen_contact is None
    # And they may not work it while it is not theirs
    with pytest.raises(TransitionNotAllowed):
        actions.act(services, PMDU_HEAD, case_id, NoteIn(action="note", note="Looking into it."), None)
    # And LESCO's side may not answer its own request, transfer it elsewhere, resolve or reject it meanwhile
    assert offered(services, LAHORE, case_id) == ["acknowledge", "note", "request_info"]
    for body in (
        AcceptTransferIn(action="accept_transfer"),
        TransferIn(action="transfer", office_id="lesco-kasur", note="Kasur then."),
        ResolveIn(action="resolve", outcome="relief_granted", note="Done."),
    ):
        with pytest.raises(TransitionNotAllowed):
            actions.act(services, HEAD, case_id, body, None)
    # And an office of neither organisation's trees does not see it at all
    with pytest.raises(CaseNotFound):
        officer.case_for_officer(services, officer_principal("lesco-kasur"), case_id)
    assert stored(services, case_id).version == 3  # filed, routed, requested: nothing since


def test_accepting_moves_the_case_with_its_deadline_and_tells_the_office_that_asked(
    asked: tuple[Services, Clock, str],
) -> None:
    services, clock, case_id = asked
    due = stored(services, case_id).due_at
    clock.advance(days=2)
    # When PMDU's supervisor accepts
    taken = actions.act(services, PMDU_HEAD, case_id, AcceptTransferIn(action="accept_transfer"), None)
    # Then the case is at PMDU Lahore, at the same level and on the same deadline, the request gone
    assert taken.status == "routed" and taken.office is not None and taken.office.id == "pmdu-lahore"
    case = stored(services, case_id)
    assert (case.organisation_id, case.level, case.due_at, case.transfer_request) == ("pmdu", 0, due, None)
    event = taken.timeline[-1]
    assert (event.type, event.office_id, event.reason, event.actor_role) == (
        "transferred",
        "pmdu-lahore",
        "accepted",
        "officer",
    )
    assert event.note == "The Prime Minister's cell handles this."
    # And LESCO Lahore is told, PMDU Lahore has it as a new case, and the citizen hears where it went
    assert inbox(services, "lesco-lahore")[0] == "office_transfer_accepted"
    assert inbox(services, "pmdu-lahore")[0] == "office_new_case"
    assert list_mine(services, citizen(), 1, None).items[0].type == "transferred"
    # And PMDU now works it: its office is offered the work; LESCO, which let it go, reads it and may do nothing
    assert "resolve" in offered(services, PMDU_LAHORE, case_id)
    seen = officer.case_for_officer(services, LAHORE, case_id)
    assert seen.allowed_actions == [] and seen.citizen_contact is None
    with pytest.raises(CaseNotFound):
        actions.act(services, LAHORE, case_id, NoteIn(action="note", note="Still ours?"), None)


def test_declining_leaves_the_case_where_it_is_and_tells_the_office_that_asked_why(
    asked: tuple[Services, Clock, str],
) -> None:
    services, _, case_id = asked
    before = stored(services, case_id)
    # When PMDU Lahore declines, saying why
    note = "Billing disputes are LESCO's own."
    actions.act(services, PMDU_LAHORE, case_id, DeclineTransferIn(action="decline_transfer", note=note), None)
    # Then the case stays at LESCO Lahore on its deadline, the request cleared, the refusal on the timeline
    case = stored(services, case_id)
    assert (case.office_id, case.status, case.due_at, case.transfer_request) == (
        "lesco-lahore",
        "routed",
        before.due_at,
        None,
    )
    event = complaints.track(services, citizen(), case_id).timeline[-1]
    assert (event.type, event.office_id, event.note) == ("transfer_declined", "pmdu-lahore", note)
    # And LESCO Lahore is told, with the reason; PMDU sees the case no more
    told = list_mine(services, LAHORE, 1, None).items[0]
    assert told.type == "office_transfer_declined" and note in told.message and "PMDU Lahore" in told.message
    with pytest.raises(CaseNotFound):
        officer.case_for_officer(services, PMDU_LAHORE, case_id)
    # And LESCO may work it again: transfer it within LESCO, resolve it, or ask another organisation
    assert offered(services, LAHORE, case_id) == [
        "acknowledge",
        "note",
        "request_info",
        "transfer",
        "resolve",
        "reject",
    ]


def test_declining_needs_a_note() -> None:
    with pytest.raises(ValidationError) as raised:
        OfficerActionIn.model_validate({"action": "decline_transfer"})
    assert [e["loc"][-1] for e in raised.value.errors()] == ["note"]


def test_an_admin_transfers_across_organisations_directly_and_answers_any_request(
    asked: tuple[Services, Clock, str],
) -> None:
    services, _, case_id = asked
    # Given an admin, who sees the pending request's answers and nothing of the office's work
    assert offered(services, ADMIN, case_id) == ["accept_transfer", "decline_transfer"]
    with pytest.raises(TransitionNotAllowed):
        actions.act(services, ADMIN, case_id, NoteIn(action="note", note="Admin note."), None)
    # When the admin declines it, then moves the case to PMDU's head office directly
    actions.act(services, ADMIN, case_id, DeclineTransferIn(action="decline_transfer", note="Not PMDU Lahore."), None)
    assert offered(services, ADMIN, case_id) == ["transfer"]
    due = stored(services, case_id).due_at
    body = TransferIn(action="transfer", office_id="pmdu-hq", note="PMDU's head office takes it.")
    moved = actions.act(services, ADMIN, case_id, body, None)
    # Then it is at PMDU at once, on the same deadline, the admin named on the timeline
    case = stored(services, case_id)
    assert (case.office_id, case.organisation_id, case.due_at, case.transfer_request) == ("pmdu-hq", "pmdu", due, None)
    assert moved.timeline[-1].type == "transferred" and moved.timeline[-1].actor_role == "admin"
    # And an unknown office, or the one it is at, is a 400 naming office_id
    for target in ("nowhere", "pmdu-hq"):
        with pytest.raises(InvalidInput) as raised:
            actions.act(services, ADMIN, case_id, TransferIn(action="transfer", office_id=target, note="x"), None)
        assert [d.field for d in raised.value.details] == ["office_id"]


def test_answering_when_no_request_waits_is_refused() -> None:
    services, _, _ = make_services(snapshot=two_organisations())
    case_id = routed_complaint(services)
    for body in (AcceptTransferIn(action="accept_transfer"), DeclineTransferIn(action="decline_transfer", note="No.")):
        with pytest.raises(TransitionNotAllowed):
            actions.act(services, ADMIN, case_id, body, None)
        with pytest.raises(CaseNotFound):  # nothing asks PMDU for it: PMDU does not see it
            actions.act(services, PMDU_HEAD, case_id, body, None)
    assert stored(services, case_id).version == 2


def test_a_request_no_one_answers_does_not_stop_the_clock(asked: tuple[Services, Clock, str]) -> None:
    services, clock, case_id = asked
    due = stored(services, case_id).due_at
    assert due is not None
    # When the deadline passes while PMDU has not answered
    clock.now = parse_time(due)
    assert sweeper.sweep(services, clock()).escalated == 1
    # Then LESCO's head office has the case, the request still pending
    case = stored(services, case_id)
    assert case.office_id == "lesco-hq" and case.level == 1 and case.transfer_request is not None
    # And when PMDU accepts after all, both LESCO offices are told
    actions.act(services, PMDU_HEAD, case_id, AcceptTransferIn(action="accept_transfer", note="Ours."), None)
    assert stored(services, case_id).office_id == "pmdu-lahore"
    assert inbox(services, "lesco-lahore")[0] == inbox(services, "lesco-hq")[0] == "office_transfer_accepted"


def test_withdrawing_the_complaint_ends_the_request_and_tells_the_office_asked(
    asked: tuple[Services, Clock, str],
) -> None:
    services, _, case_id = asked
    actions.withdraw(services, citizen(), case_id, WithdrawIn(), None)
    assert stored(services, case_id).transfer_request is None
    assert inbox(services, "pmdu-lahore")[0] == "office_transfer_withdrawn"
    with pytest.raises(CaseNotFound):
        officer.case_for_officer(services, PMDU_LAHORE, case_id)


# --- counted: on the case, on the timeline, in statistics ---------------------------------------


def test_each_transfer_is_counted_on_the_case_numbered_on_the_timeline_and_in_statistics() -> None:
    # Given a case moved Lahore → Kasur → Lahore, then asked of PMDU, declined, asked again and accepted
    services, _, _ = make_services(snapshot=two_organisations())
    case_id = routed_complaint(services)
    transfer(services, case_id, "lesco-kasur")
    transfer(services, case_id, "lesco-lahore")
    ask = TransferIn(action="transfer", office_id="pmdu-lahore", note="PMDU's.")
    actions.act(services, LAHORE, case_id, ask, None)
    actions.act(services, PMDU_HEAD, case_id, DeclineTransferIn(action="decline_transfer", note="Not ours."), None)
    actions.act(services, LAHORE, case_id, ask, None)
    taken = actions.act(services, PMDU_LAHORE, case_id, AcceptTransferIn(action="accept_transfer"), None)
    # Then the case says three transfers, in every view of it
    assert taken.transfers == 3 and stored(services, case_id).transfers == 3
    assert complaints.track(services, citizen(), case_id).transfers == 3
    line = officer.office_queue(services, PMDU_LAHORE, limit=10, cursor=None).items
    assert [(c.id, c.transfers) for c in line] == [(case_id, 3)]
    # And each transfer event says which it is; requests and refusals are not transfers
    numbered = [(e.type, e.transfer_number) for e in taken.timeline if e.type.startswith("transfer")]
    assert numbered == [
        ("transferred", 1),
        ("transferred", 2),
        ("transfer_requested", None),
        ("transfer_declined", None),
        ("transfer_requested", None),
        ("transferred", 3),
    ]
    # And statistics count them for the organisation and office the case left
    assert stats.statistics(services).totals.transfers == 3
    by_office = stats.statistics(services, organisation_id="lesco", group_by="office")
    assert {g.id: g.figures.transfers for g in by_office.groups} == {"lesco-hq": 0, "lesco-lahore": 2, "lesco-kasur": 1}
    by_org = stats.statistics(services, level="federal", group_by="organisation")
    assert {g.id: g.figures.transfers for g in by_org.groups} == {"lesco": 3, "pmdu": 0}
    assert "transfers" in stats.as_csv(stats.statistics(services)).splitlines()[0]


# --- the property: moving a case around never delays its escalation -------------------------------

ORGANISATION_HEAD = {  # supervisors: they answer the other organisation's requests
    "lesco": officer_principal("lesco-hq", "head-lesco").model_copy(update={"supervisor": True}),
    "pmdu": officer_principal("pmdu-hq", "head-pmdu").model_copy(update={"supervisor": True}),
}
OFFICES = {"lesco": ["lesco-hq", "lesco-lahore", "lesco-kasur"], "pmdu": ["pmdu-hq", "pmdu-lahore"]}
# What people do, each with a number that picks among the offices or people it may concern, and how often.
# A request to another organisation is answered later (accept, decline) or at once (ask_and_…).
WEIGHTS = {
    "acknowledge": 3,
    "note": 2,
    "request_info": 6,
    "reply": 6,
    "transfer": 6,
    "ask_other_organisation": 3,
    "ask_and_accept": 4,
    "ask_and_decline": 3,
    "accept": 2,
    "decline": 2,
    "admin_transfer": 3,
    "reject": 1,
}
DEEDS = [deed for deed, weight in WEIGHTS.items() for _ in range(weight)]
Step = tuple[str, int]
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("wait"), st.integers(min_value=1, max_value=6 * 24)),  # hours pass, then the sweeper runs
        st.tuples(st.sampled_from(DEEDS), st.integers(min_value=0, max_value=3)),
    ),
    max_size=40,
)


def _do(services: Services, case: Case, deed: str, pick: int) -> None:
    """One deed by whoever does it; TransitionNotAllowed when the case does not allow it now."""
    organisation = case.organisation_id or ""
    works_it = ORGANISATION_HEAD[organisation]
    other = "pmdu" if organisation == "lesco" else "lesco"
    body: OfficerAction
    if deed == "reply":
        actions.reply(services, citizen(), case.id, ReplyIn(message="Meter 4471."), None)
        return
    if deed.startswith("ask_and_"):
        _do(services, case, "ask_other_organisation", pick)
        _do(services, stored(services, case.id), deed.removeprefix("ask_and_"), pick)
        return
    if deed in ("accept", "decline"):
        request = case.transfer_request
        if request is None:
            raise TransitionNotAllowed("no request")
        asked = services.directory().offices[request.office_id].organisation_id
        who = ADMIN if pick % 2 else ORGANISATION_HEAD[asked]
        answer = AcceptTransferIn(action="accept_transfer")
        body = answer if deed == "accept" else DeclineTransferIn(action="decline_transfer", note="Not ours.")
        actions.act(services, who, case.id, body, None)
        return
    if deed in ("transfer", "ask_other_organisation", "admin_transfer"):
        within = [o for o in OFFICES[organisation] if o != case.office_id]
        everywhere = [o for offices in OFFICES.values() for o in offices if o != case.office_id]
        targets = {"transfer": within, "ask_other_organisation": OFFICES[other], "admin_transfer": everywhere}[deed]
        body = TransferIn(action="transfer", office_id=targets[pick % len(targets)], note="Theirs.")
        actions.act(services, ADMIN if deed == "admin_transfer" else works_it, case.id, body, None)
        return
    bodies: dict[str, OfficerAction] = {
        "acknowledge": AcknowledgeIn(action="acknowledge"),
        "note": NoteIn(action="note", note="Looked into it."),
        "request_info": RequestInfoIn(action="request_info", note="Your meter number?"),
        "reject": RejectIn(action="reject", reason="duplicate", note="Filed twice."),
    }
    actions.act(services, works_it, case.id, bodies[deed], None)


def _first_escalation(services: Services, case_id: str) -> str | None:
    """When the case was first escalated (or, at the head of its organisation already, first found overdue)."""
    for event in complaints.track(services, citizen(), case_id).timeline:
        if event.type == "escalated" or (event.type == "reminded" and event.reason == "overdue"):
            return event.at
    return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS)
def test_property_whatever_is_done_the_case_escalates_at_its_first_deadline_plus_the_time_waiting_for_the_citizen(
    steps: list[Step],
) -> None:
    # Given a complaint routed to LESCO Lahore: its first deadline is 20 days on
    services, _, clock = make_services(snapshot=two_organisations())
    case_id = routed_complaint(services)
    first_due = clock() + timedelta(days=20)
    assert stored(services, case_id).due_at == iso(first_due)
    waited, waiting_since = timedelta(0), None
    escalated_at = None  # when the property has been checked

    def check_at_the_bound() -> None:
        # Then, the sweeper running at the first deadline plus the waits, the case is escalated then,
        # neither later (no transfer bought time) nor earlier (every wait for the citizen was credited)
        nonlocal escalated_at
        bound = first_due + waited
        clock.now = bound
        sweeper.sweep(services, clock())
        escalated_at = _first_escalation(services, case_id)
        assert escalated_at == iso(bound), (escalated_at, iso(bound))

    # When officers, the organisation asked, an admin and the citizen act, time passing and the sweeper running
    for deed, n in steps:
        if deed == "wait":
            until = clock() + timedelta(hours=n)
            if escalated_at is None and waiting_since is None and clock() < first_due + waited <= until:
                check_at_the_bound()
            clock.now = until
            sweeper.sweep(services, clock())
            continue
        case = stored(services, case_id)
        try:
            _do(services, case, deed, n)
        except TransitionNotAllowed:
            assert stored(services, case_id).version == case.version  # refused: nothing changed
            continue
        after = stored(services, case_id)
        if case.status != "awaiting_citizen" and after.status == "awaiting_citizen":
            waiting_since = clock()
        elif case.status == "awaiting_citizen" and after.status != "awaiting_citizen":
            assert waiting_since is not None
            waited, waiting_since = waited + (clock() - waiting_since), None
        if after.status == "rejected":
            # A rejected complaint is final: the sweeper never escalates it, however late it gets
            clock.advance(days=120)
            sweeper.sweep(services, clock())
            assert stored(services, case_id).version == after.version
            assert _first_escalation(services, case_id) in (None, escalated_at)
            return
    if escalated_at is not None:
        return
    if waiting_since is not None:  # the citizen answers at last
        actions.reply(services, citizen(), case_id, ReplyIn(message="Meter 4471."), None)
        waited, waiting_since = waited + (clock() - waiting_since), None
    assert clock() < first_due + waited
    check_at_the_bound()
