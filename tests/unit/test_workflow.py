"""The transition table, pair by pair, and what each action writes: versions, scope, the paused clock."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import pytest

from chalicelib.logic import actions, complaints, workflow
from chalicelib.logic.clock import iso
from chalicelib.logic.notifications import list_mine
from chalicelib.logic.ports import Services
from chalicelib.logic.routing import route_case
from chalicelib.models.actions import (
    AcknowledgeIn,
    FeedbackIn,
    NoteIn,
    OfficerAction,
    RejectIn,
    ReplyIn,
    RequestInfoIn,
    ResolveIn,
    TransferIn,
    WithdrawIn,
)
from chalicelib.models.complaints import Case, CaseOut, ComplaintIn, Resolution
from chalicelib.models.errors import CaseNotFound, InvalidInput, TransitionNotAllowed, VersionConflict
from chalicelib.store import cases as case_store
from chalicelib.store import keys
from chalicelib.store.table import Write
from tests.fakes import citizen, make_services
from tests.fakes import officer as officer_principal
from tests.memory_table import MemoryTable

HEAD = officer_principal("lesco-hq")  # lesco-lahore and lesco-kasur are below it


def file_and_route(services: Services, district: str = "lahore") -> str:
    body = ComplaintIn.model_validate(
        {
            "category_id": "electricity-overbilling",
            "subject": "Over-billing again",
            "description": "The meter reading on my bill is wrong.",
            "location": {"district": district},
        }
    )
    case_id = str(complaints.submit(services, citizen(), body, None).case["id"])
    route_case(services, case_id)
    return case_id


def force_status(services: Services, case_id: str, status: str) -> None:
    """Put a routed case straight into `status`, as the earlier actions would have left it."""
    case = case_store.get_case(services.table, case_id)
    assert case is not None
    expected = case.version
    forced = Case.model_validate({**case.model_dump(), "status": status, "version": case.version + 1})
    if status == "awaiting_citizen":
        forced.paused_at = iso(services.clock())
    if status in ("resolved", "closed"):
        at = forced.updated_at
        forced.resolution = Resolution(outcome="relief_granted", note="done", at=at, office_id="lesco-lahore")
    if status == "closed":
        forced.closed_by, forced.closed_at = "no_feedback", forced.updated_at
    case_store.save_change(
        services.table, case_store.CaseChange(case=forced, events=[]), expected_version=expected, actor_sub=None
    )


def perform(services: Services, case_id: str, action: str, if_match: int | None = None) -> CaseOut:
    """One action with a valid body, by whoever may take it."""
    if action == "reply":
        return actions.reply(services, citizen(), case_id, ReplyIn(message="The meter number is 4471."), if_match)
    if action == "withdraw":
        return actions.withdraw(services, citizen(), case_id, WithdrawIn(), if_match)
    if action.startswith("feedback_"):
        verdict = FeedbackIn(satisfied=action == "feedback_satisfied", rating=2, comment="The bill is still wrong.")
        return actions.give_feedback(services, citizen(), case_id, verdict, if_match)
    bodies: dict[str, OfficerAction] = {
        "acknowledge": AcknowledgeIn(action="acknowledge"),
        "note": NoteIn(action="note", note="Called the meter reader."),
        "request_info": RequestInfoIn(action="request_info", note="Your meter number?"),
        "transfer": TransferIn(action="transfer", office_id="lesco-kasur", note="The meter is in Kasur."),
        "resolve": ResolveIn(action="resolve", outcome="partial_relief", note="Bill corrected."),
        "reject": RejectIn(action="reject", reason="duplicate", note="Same as an earlier complaint."),
    }
    return actions.act(services, HEAD, case_id, bodies[action], if_match)


# The sweeper's own moves (escalate, remind, close_no_feedback) are tried in test_sweeper.py.
PEOPLES_ACTIONS = workflow.OFFICER_ACTIONS + workflow.CITIZEN_ACTIONS
ALL_PAIRS = list(itertools.product(workflow.STATUSES, PEOPLES_ACTIONS))


def test_the_table_speaks_only_of_known_statuses_and_actions() -> None:
    for status, action in workflow.TRANSITIONS:
        assert status in workflow.STATUSES and action in workflow.ACTIONS
    assert set(workflow.TRANSITIONS.values()) <= set(workflow.STATUSES)
    # "not our department" is never closing: a transfer always lands at work again
    assert {after for (_, action), after in workflow.TRANSITIONS.items() if action == "transfer"} == {"routed"}
    # nothing moves a case out of a final state; out of `closed` only the citizen's verdict
    assert not [pair for pair in workflow.TRANSITIONS if pair[0] in workflow.FINAL_STATUSES]
    assert {a for (s, a) in workflow.TRANSITIONS if s == "closed"} == {"feedback_satisfied", "feedback_unsatisfied"}
    # only the citizen's verdict closes a resolved case, or the sweeper when the window passed
    assert {a for (s, a), after in workflow.TRANSITIONS.items() if after == "closed" and s == "resolved"} == {
        "feedback_satisfied",
        "close_no_feedback",
    }


@pytest.mark.parametrize(("status", "action"), ALL_PAIRS, ids=[f"{s}-{a}" for s, a in ALL_PAIRS])
def test_every_status_and_action_pair_follows_the_table(status: str, action: str) -> None:
    # Given a case in `status`
    services, _, clock = make_services()
    case_id = file_and_route(services)
    force_status(services, case_id, status)
    before = case_store.get_case_with_timeline(services.table, case_id, services.archive)
    assert before is not None
    clock.advance(hours=1)
    expected = workflow.TRANSITIONS.get((status, action))
    if expected is None:
        # When the table has no such pair, Then the action is refused and nothing changes
        with pytest.raises(TransitionNotAllowed):
            perform(services, case_id, action)
        assert case_store.get_case_with_timeline(services.table, case_id, services.archive) == before
        return
    # When the action is taken
    result = perform(services, case_id, action)
    # Then the case is in the status the table names, one version on, with the action's event
    assert result.status == expected
    assert result.version == before[0].version + 1
    assert workflow.EVENT_OF[action] in [e.type for e in result.timeline[len(before[1]) :]]
    stored = complaints.track(services, citizen(), case_id)
    assert stored.status == expected and stored.version == result.version
    assert [e.type for e in stored.timeline] == [e.type for e in result.timeline]


def test_a_reopened_case_accepts_the_same_officer_actions_as_one_in_progress() -> None:
    # ...and also `acknowledge`: the office above it takes the reopened case up afresh
    assert ("reopened", "acknowledge") in workflow.TRANSITIONS
    for action in set(workflow.OFFICER_ACTIONS) - {"acknowledge"}:
        allowed_in_progress = ("in_progress", action) in workflow.TRANSITIONS
        assert (("reopened", action) in workflow.TRANSITIONS) == allowed_in_progress, action


class Interleaved(MemoryTable):
    """A table that lets another writer in between a reader's read and its write."""

    def __init__(self) -> None:
        super().__init__()
        self.before_next_write: Callable[[], None] | None = None

    def transact(self, writes: Sequence[Write]) -> None:
        hook, self.before_next_write = self.before_next_write, None
        if hook is not None:
            hook()
        super().transact(writes)


def test_two_officers_acting_at_once_one_wins_and_the_other_gets_a_version_conflict() -> None:
    # Given two officers who both read the case at the same version
    table = Interleaved()
    services, _, _ = make_services(table)
    case_id = file_and_route(services)
    won: list[CaseOut] = []
    table.before_next_write = lambda: won.append(
        actions.act(
            services, officer_principal("lesco-lahore", "officer-2"), case_id, NoteIn(action="note", note="Mine"), None
        )
    )
    # When both write, the second one's write landing first
    with pytest.raises(VersionConflict):
        actions.act(services, HEAD, case_id, AcknowledgeIn(action="acknowledge"), None)
    # Then exactly one change is stored
    stored = complaints.track(services, citizen(), case_id)
    assert len(won) == 1 and stored.version == won[0].version == 3
    assert [e.type for e in stored.timeline] == ["submitted", "routed", "note"]
    assert stored.status == "routed"


def test_a_stale_if_match_is_a_version_conflict_and_the_current_one_is_accepted() -> None:
    # Given a routed case at version 2
    services, _, _ = make_services()
    case_id = file_and_route(services)
    # When an officer sends the version before that
    with pytest.raises(VersionConflict):
        perform(services, case_id, "acknowledge", if_match=1)
    # Then nothing changed, and the current version goes through
    assert complaints.track(services, citizen(), case_id).status == "routed"
    assert perform(services, case_id, "acknowledge", if_match=2).version == 3


def test_outside_the_officers_subtree_a_case_is_not_found() -> None:
    # Given a case at LESCO Lahore
    services, _, _ = make_services()
    case_id = file_and_route(services)
    # When a sibling office's officer, or another organisation's, acts on it
    for outsider in (officer_principal("lesco-kasur"), officer_principal("pmdu-hq")):
        with pytest.raises(CaseNotFound):
            actions.act(services, outsider, case_id, AcknowledgeIn(action="acknowledge"), None)
    # Then it is untouched; another citizen cannot reply or withdraw either
    with pytest.raises(CaseNotFound):
        actions.withdraw(services, citizen("citizen-2"), case_id, WithdrawIn(), None)
    assert complaints.track(services, citizen(), case_id).version == 2


def test_request_info_pauses_the_clock_and_the_reply_extends_the_deadline_by_the_wait() -> None:
    # Given a case routed with 20 days to go
    services, _, clock = make_services()
    case_id = file_and_route(services)
    assert complaints.track(services, citizen(), case_id).due_at == "2026-12-17T09:00:00Z"
    # When the officer asks for details a day later and the citizen answers three days after that
    clock.advance(days=1)
    asked = perform(services, case_id, "request_info")
    assert asked.status == "awaiting_citizen"
    paused = case_store.get_case(services.table, case_id)
    assert paused is not None and paused.paused_at == "2026-11-28T09:00:00Z" and paused.next_check_at is None
    clock.advance(days=3)
    answered = perform(services, case_id, "reply")
    # Then the deadline moved by the three days the case waited on the citizen
    assert answered.status == "in_progress"
    assert answered.due_at == "2026-12-20T09:00:00Z"
    resumed = case_store.get_case(services.table, case_id)
    # and the sweeper's next look is the office's reminder, five days (25 % of 20) before it
    assert resumed is not None and resumed.paused_at is None and resumed.next_check_at == "2026-12-15T09:00:00Z"
    assert [e.type for e in answered.timeline][-2:] == ["info_requested", "citizen_replied"]
    # And the citizen was told what was asked
    notes = list_mine(services, citizen(), 10, None).items
    assert notes[0].type == "info_requested" and "Your meter number?" in notes[0].message
    # in the account's language, or in the one the page asks in (the اردو switch)
    in_urdu = list_mine(services, citizen(), 10, None, "ur").items[0]
    assert in_urdu.message != notes[0].message and "Your meter number?" in in_urdu.message
    assert any("\u0600" <= ch <= "\u06ff" for ch in in_urdu.message)


def test_resolve_stores_the_resolution_leaves_the_queue_and_keeps_the_feedback_check_due() -> None:
    # Given a case in progress
    services, _, clock = make_services()
    case_id = file_and_route(services)
    perform(services, case_id, "acknowledge")
    # When it is resolved an hour later
    clock.advance(hours=1)
    resolved = perform(services, case_id, "resolve")
    # Then the resolution is on the case, it has left the office queue, and the feedback window is due in 7 days
    assert resolved.resolution == {
        "outcome": "partial_relief",
        "note": "Bill corrected.",
        "at": "2026-11-27T10:00:00Z",
        "office_id": "lesco-lahore",
    }
    table = services.table
    assert isinstance(table, MemoryTable)
    item = table.items[(keys.case_pk(case_id), keys.CASE_SK)]
    assert "GSI2PK" not in item
    assert item["GSI3SK"].startswith("2026-12-04T10:00:00Z")
    assert list_mine(services, citizen(), 10, None).items[0].type == "resolved"


def test_transfer_moves_the_case_to_another_office_keeping_its_deadline_and_refuses_a_bad_target() -> None:
    # Given a case at LESCO Lahore, ten days in
    services, _, clock = make_services()
    case_id = file_and_route(services)
    clock.advance(days=10)
    # When it is transferred to Kasur
    moved = perform(services, case_id, "transfer")
    # Then it is routed there at the same level, due when it was due at Lahore (20 days from routing)
    assert moved.status == "routed" and moved.office is not None and moved.office.id == "lesco-kasur"
    assert moved.level == 0 and moved.due_at == "2026-12-17T09:00:00Z"
    # And an unknown or the same office is a 400 naming office_id
    for target in ("nowhere", "lesco-kasur"):
        with pytest.raises(InvalidInput) as raised:
            actions.act(services, HEAD, case_id, TransferIn(action="transfer", office_id=target, note="x"), None)
        assert [d.field for d in raised.value.details] == ["office_id"]


def test_resolution_evidence_waits_for_uploads() -> None:
    services, _, _ = make_services()
    case_id = file_and_route(services)
    body = ResolveIn(action="resolve", outcome="relief_granted", note="Fixed.", attachments=["u-1"])
    with pytest.raises(InvalidInput) as raised:
        actions.act(services, HEAD, case_id, body, None)
    assert raised.value.details[0].field == "attachments"
    assert "unknown upload id" in raised.value.details[0].problem
