"""Information requests: due dates in working days, one extension, answers, exemptions, delay, appeals."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from chalicelib.logic import actions, complaints, information, sweeper, workflow
from chalicelib.logic.clock import iso
from chalicelib.logic.notifications import list_mine
from chalicelib.logic.ports import Services
from chalicelib.models.actions import (
    AcknowledgeIn,
    AnswerIn,
    AppealIn,
    DecideAppealIn,
    ExtendIn,
    InformationRequestIn,
    NoteIn,
    NotHeldIn,
    OfficerAction,
    RefuseIn,
    ResolveIn,
)
from chalicelib.models.errors import CaseNotFound, InvalidInput, TransitionNotAllowed
from chalicelib.models.holidays import HolidaySeed
from chalicelib.store.holidays import seed_missing_years
from tests.fakes import Clock, citizen, make_services, small_directory
from tests.fakes import officer as officer_principal
from tests.memory_table import MemoryTable

SEED = Path(__file__).resolve().parents[2] / "infra" / "seed" / "holidays.json"
OFFICIAL = officer_principal("lesco-lahore", "official")  # LESCO's designated official sits in Lahore here
HEAD = officer_principal("lesco-hq", "head")
REVIEWER = officer_principal("pmdu-hq", "reviewer")  # no commission in the small directory: triage reviews


@pytest.fixture
def setup() -> tuple[Services, Clock]:
    snapshot = small_directory()
    snapshot.organisations = [
        o.model_copy(update={"information_office_id": "lesco-lahore"}) if o.id == "lesco" else o
        for o in snapshot.organisations
    ]
    table = MemoryTable()
    services, _, clock = make_services(table, snapshot)  # Friday 27 Nov 2026, 14:00 in Pakistan
    seed_missing_years(table, HolidaySeed.model_validate_json(SEED.read_text(encoding="utf-8")))
    return services, clock


def ask(services: Services) -> str:
    body = InformationRequestIn(
        organisation_id="lesco", subject="Load-shedding schedule", question="What is the 2026 schedule for Gulberg?"
    )
    return str(information.file_request(services, citizen(), body, None).case["id"])


def test_a_request_filed_on_a_friday_is_due_ten_working_days_later_with_the_designated_official(
    setup: tuple[Services, Clock],
) -> None:
    services, _ = setup
    request_id = ask(services)
    assert request_id.startswith("R-")
    case = information.track(services, citizen(), request_id)
    assert case.kind == "information" and case.status == "routed"
    assert case.due_at == "2026-12-11T18:59:59Z"  # end of Friday 11 Dec in Pakistan
    assert case.office is not None and case.office.id == "lesco-lahore"
    assert case.organisation is not None and case.organisation.id == "lesco"
    assert case.question == "What is the 2026 schedule for Gulberg?"
    assert [n.type for n in list_mine(services, citizen(), 5, None).items] == ["information_received"]
    assert [n.type for n in list_mine(services, OFFICIAL, 5, None).items] == ["office_new_information_request"]
    assert [r.id for r in information.list_own(services, citizen(), 10, None).items] == [request_id]
    # It is not a complaint, and nobody else's
    with pytest.raises(CaseNotFound):
        complaints.track(services, citizen(), request_id)
    with pytest.raises(CaseNotFound):
        information.track(services, citizen("citizen-2"), request_id)


def test_an_unknown_organisation_is_a_400_on_organisation_id(setup: tuple[Services, Clock]) -> None:
    services, _ = setup
    body = InformationRequestIn(organisation_id="nowhere", subject="Anything", question="Some question here.")
    with pytest.raises(InvalidInput) as raised:
        information.file_request(services, citizen(), body, None)
    assert [p.field for p in raised.value.details] == ["organisation_id"]


def test_one_extension_of_ten_working_days_with_a_reason_then_an_answer_and_an_appeal(
    setup: tuple[Services, Clock],
) -> None:
    services, clock = setup
    request_id = ask(services)
    actions.act(services, OFFICIAL, request_id, AcknowledgeIn(action="acknowledge"), None)
    extended = actions.act(
        services, OFFICIAL, request_id, ExtendIn(action="extend", note="Records are in storage."), None
    )
    assert extended.due_at == "2026-12-28T18:59:59Z" and extended.extended_at is not None  # 25 Dec skipped
    with pytest.raises(TransitionNotAllowed):
        actions.act(services, OFFICIAL, request_id, ExtendIn(action="extend", note="Again."), None)
    # A complaint's action does not apply
    with pytest.raises(TransitionNotAllowed):
        actions.act(
            services, OFFICIAL, request_id, ResolveIn(action="resolve", outcome="relief_granted", note="x"), None
        )
    clock.advance(days=5)
    answer = AnswerIn(action="answer", note="The schedule is attached.", partial=True)
    answered = actions.act(services, OFFICIAL, request_id, answer, None)
    assert answered.status == "answered" and answered.answer is not None
    assert answered.answer.kind == "partially_answered"
    assert answered.appeal_until == iso(clock() + timedelta(days=30))
    # The citizen appeals within 30 days: the reviewer has it, one level up, 60 days to decide
    clock.advance(days=10)
    appealed = information.appeal(services, citizen(), request_id, AppealIn(grounds="Only half was given."), None)
    assert appealed.status == "appealed" and appealed.level == 1
    assert appealed.office is not None and appealed.office.id == "pmdu-hq"
    assert appealed.due_at == iso(clock() + timedelta(days=60))
    # The reviewer allows it: back to the official with ten new working days
    decision = DecideAppealIn(action="decide_appeal", decision="allowed", note="Give the whole schedule.")
    allowed = actions.act(services, REVIEWER, request_id, decision, None)
    assert allowed.status == "routed" and allowed.office is not None and allowed.office.id == "lesco-lahore"
    assert allowed.answer is None and allowed.level == 2
    types = [e.type for e in allowed.timeline]
    assert types == ["submitted", "routed", "acknowledged", "extended", "answered", "appealed", "appeal_decided"]


def test_refusal_names_an_exemption_and_not_held_is_an_answer_too(setup: tuple[Services, Clock]) -> None:
    services, _ = setup
    refused_id, not_held_id = ask(services), ask(services)
    refuse = RefuseIn(action="refuse", exemption="privacy", note="The file is about another consumer.")
    refused = actions.act(services, OFFICIAL, refused_id, refuse, None)
    assert refused.status == "refused" and refused.answer is not None and refused.answer.exemption == "privacy"
    told = list_mine(services, citizen(), 1, None).items[0]
    assert told.type == "information_refused" and "another person's private information" in told.message
    held = actions.act(services, OFFICIAL, not_held_id, NotHeldIn(action="not_held", note="Ask the NTDC."), None)
    assert held.status == "not_held"


def test_past_the_deadline_it_is_delayed_at_the_head_then_long_overdue_and_appealable(
    setup: tuple[Services, Clock],
) -> None:
    services, clock = setup
    request_id = ask(services)
    # The deadline (end of 11 Dec in Pakistan) passes unanswered
    clock.now = clock.now.replace(month=12, day=11, hour=19)
    assert sweeper.sweep(services, clock()).information_delayed == 1
    assert sweeper.sweep(services, clock()).examined == 0
    delayed = information.track(services, citizen(), request_id)
    assert delayed.delay == "delayed" and delayed.office is not None and delayed.office.id == "lesco-hq"
    assert delayed.level == 1 and delayed.timeline[-1].type == "escalated"
    # Past twice the limit (20 working days: 28 Dec)
    clock.now = clock.now.replace(day=28, hour=19)
    assert sweeper.sweep(services, clock()).information_long_overdue == 1
    assert information.track(services, citizen(), request_id).delay == "long_overdue"
    # The head still answers; or the citizen appeals the delay, within 30 days of the deadline
    appealed = information.appeal(services, citizen(), request_id, AppealIn(grounds="No answer at all."), None)
    assert appealed.status == "appealed"


def test_an_appeal_is_refused_before_an_answer_or_delay_and_after_its_window(setup: tuple[Services, Clock]) -> None:
    services, clock = setup
    request_id = ask(services)
    with pytest.raises(TransitionNotAllowed):
        information.appeal(services, citizen(), request_id, AppealIn(grounds="Too slow."), None)
    actions.act(services, OFFICIAL, request_id, AnswerIn(action="answer", note="Attached."), None)
    clock.advance(days=31)
    with pytest.raises(TransitionNotAllowed):
        information.appeal(services, citizen(), request_id, AppealIn(grounds="Late."), None)
    # and the sweeper closes it: the appeal window passed in silence
    assert sweeper.sweep(services, clock()).closed == 1
    assert information.track(services, citizen(), request_id).status == "closed"


def test_every_information_status_and_action_pair_follows_its_table() -> None:
    # The table speaks only of known statuses; final states take nothing
    for (status, action), after in workflow.INFO_TRANSITIONS.items():
        assert status in workflow.STATUSES and after in workflow.STATUSES
        assert action in workflow.INFO_ACTIONS
    assert not [pair for pair in workflow.INFO_TRANSITIONS if pair[0] in ("closed", "withdrawn")]
    # refusing, answering or saying not held is only possible while the request is being answered
    for action in ("answer", "not_held", "refuse", "extend"):
        assert {s for (s, a) in workflow.INFO_TRANSITIONS if a == action} == {"routed", "in_progress"}


INFO_PAIRS = [
    (status, action)
    for status in workflow.STATUSES
    for action in (*workflow.INFO_OFFICER_ACTIONS, *workflow.INFO_CITIZEN_ACTIONS)
]


def _force(services: Services, request_id: str, status: str) -> None:
    """Put a request straight into `status`, with what the earlier steps would have left (guards met)."""
    from chalicelib.models.complaints import Answer
    from chalicelib.store import cases as case_store

    case = case_store.get_case(services.table, request_id)
    assert case is not None
    expected = case.version
    stamp = iso(services.clock())
    case.status = status  # type: ignore[assignment]
    case.version += 1
    case.delay = "delayed" if status in ("routed", "in_progress") else None  # a missed deadline may be appealed
    if status in ("answered", "not_held", "refused"):
        case.answer = Answer(kind="answered", note="Attached.", at=stamp, office_id="lesco-lahore")
        case.appeal_until = iso(services.clock() + timedelta(days=30))
    if status == "appealed":
        case.office_id = "pmdu-hq"
    case_store.save_change(
        services.table, case_store.CaseChange(case=case, events=[]), expected_version=expected, actor_sub=None
    )


def _perform(services: Services, request_id: str, action: str) -> object:
    if action == "appeal":
        return information.appeal(services, citizen(), request_id, AppealIn(grounds="Please review."), None)
    if action == "withdraw":
        from chalicelib.models.actions import WithdrawIn

        return information.withdraw(services, citizen(), request_id, WithdrawIn(), None)
    bodies: dict[str, OfficerAction] = {
        "acknowledge": AcknowledgeIn(action="acknowledge"),
        "note": NoteIn(action="note", note="Looking into it."),
        "extend": ExtendIn(action="extend", note="Records in storage."),
        "answer": AnswerIn(action="answer", note="Here it is."),
        "not_held": NotHeldIn(action="not_held", note="Ask NTDC."),
        "refuse": RefuseIn(action="refuse", exemption="privacy", note="Another consumer's file."),
        "decide_appeal_allowed": DecideAppealIn(action="decide_appeal", decision="allowed", note="Answer it."),
        "decide_appeal_dismissed": DecideAppealIn(action="decide_appeal", decision="dismissed", note="Fine as is."),
    }
    from chalicelib.store import cases as case_store

    case = case_store.get_case(services.table, request_id)
    assert case is not None
    return actions.act(services, officer_principal(case.office_id or ""), request_id, bodies[action], None)


@pytest.mark.parametrize(("status", "action"), INFO_PAIRS, ids=[f"{s}-{a}" for s, a in INFO_PAIRS])
def test_every_information_status_and_action_pair(setup: tuple[Services, Clock], status: str, action: str) -> None:
    services, clock = setup
    request_id = ask(services)
    _force(services, request_id, status)
    before = information.track(services, citizen(), request_id)
    clock.advance(hours=1)
    expected = workflow.INFO_TRANSITIONS.get((status, action))
    if expected is None:
        with pytest.raises(TransitionNotAllowed):
            _perform(services, request_id, action)
        assert information.track(services, citizen(), request_id) == before
        return
    _perform(services, request_id, action)
    after = information.track(services, citizen(), request_id)
    assert after.status == expected and after.version == before.version + 1
    assert after.timeline[-1].type == workflow.EVENT_OF[action]
