"""Moving a case along: an officer's actions, and the citizen's reply, withdrawal and verdict.

Each action reads the case once, checks scope, `If-Match` and the transition table,
then writes the case, its timeline events, the notices and the counters in one
transaction conditioned on the version it read (`changes.commit`): of two people
acting at once, exactly one wins and the other gets VersionConflict.
"""

from __future__ import annotations

from datetime import timedelta

from chalicelib.logic import complaints, tracking, uploads, workflow
from chalicelib.logic.changes import (
    assign,
    check_version,
    commit,
    counters,
    next_check,
    notice,
    office_params,
    parse_time,
    period,
)
from chalicelib.logic.complaints import feedback_until, iso, to_case_out
from chalicelib.logic.messages import REJECT_REASONS
from chalicelib.logic.ports import Services
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
from chalicelib.models.common import Principal
from chalicelib.models.complaints import Case, CaseOut, Resolution, TimelineEvent, Verdict
from chalicelib.models.errors import (
    CaseNotFound,
    FieldProblem,
    Forbidden,
    InvalidInput,
    TransitionNotAllowed,
)
from chalicelib.models.notifications import Notification
from chalicelib.observability import logger, metrics
from chalicelib.store import cases as case_store

# Counted per office and day when they happen; each also has a CloudWatch metric.
_COUNTED = {"resolve": "resolved", "reject": "rejected", "transfer": "transferred_out", "withdraw": "withdrawn"}
# Resolutions later than this many days share one histogram bucket.
RESOLUTION_DAYS_CAP = 120
_METRIC_OF = {"resolve": "CasesResolved", "reject": "CasesRejected", "withdraw": "CasesWithdrawn"}


def _read(services: Services, raw_id: str) -> tuple[Case, list[TimelineEvent]] | None:
    case_id = tracking.normalise(raw_id)
    return case_store.get_case_with_timeline(services.table, case_id) if case_id else None


def act(services: Services, principal: Principal, case_id: str, data: OfficerAction, if_match: int | None) -> CaseOut:
    """Apply an officer's action to a case in their office's subtree."""
    if principal.role != "officer" or not principal.office_id:
        raise Forbidden("only officers act on cases")
    directory = services.directory()
    found = _read(services, case_id)
    if found is None or found[0].office_id not in set(directory.subtree(principal.office_id)):
        raise CaseNotFound("no case with this tracking number in your office")
    case, events = found
    check_version(case, if_match)
    if case.kind == "information":
        from chalicelib.logic import information

        return information.act(services, principal, case, events, data)
    if case.kind == "feedback":
        from chalicelib.logic import feedback

        return feedback.act(services, principal, case, events, data)
    after = workflow.next_status(case.status, data.action)
    policy = directory.sla_for(case.category_id)
    now = services.clock()
    stamp = iso(now)
    acting_office = case.office_id or principal.office_id
    event = TimelineEvent(
        at=stamp, type=workflow.EVENT_OF[data.action], actor_role="officer", note=data.note, office_id=acting_office
    )
    params = office_params(directory, case.office_id)
    notes: list[Notification] = []

    if isinstance(data, AcknowledgeIn | NoteIn):
        pass
    elif isinstance(data, RequestInfoIn):
        case.paused_at = stamp  # the SLA clock stops until the citizen replies
        notes.append(notice(case, "info_requested", {**params, "question": data.note}, stamp))
    elif isinstance(data, TransferIn):
        target = directory.offices.get(data.office_id)
        if target is None or target.id == case.office_id:
            problem = "unknown office" if target is None else "the case is at this office already"
            raise InvalidInput("the transfer needs correcting", [FieldProblem("office_id", problem)])
        assign(case, target, case.level, now + period(policy))
        event.office_id, event.level = target.id, case.level
        moved = {**office_params(directory, target.id), "due_date": (case.due_at or "")[:10]}
        notes.append(notice(case, "transferred", moved, stamp))
        notes.append(notice(case, "office_new_case", moved, stamp, to_office=target.id))
    elif isinstance(data, ResolveIn):
        problems = uploads.attachment_problems(services, principal, data.attachments)
        if problems:
            raise InvalidInput("the resolution needs correcting", problems)
        case.resolution = Resolution(outcome=data.outcome, note=data.note, at=stamp, office_id=acting_office)
        case.feedback = None  # every resolution asks the citizen afresh
        event.reason = data.outcome
        notes.append(notice(case, "resolved", params, stamp))
    elif isinstance(data, RejectIn):
        event.reason = data.reason
        texts = REJECT_REASONS[data.reason]
        notes.append(notice(case, "rejected", {**params, "reason": texts["en"], "reason_ur": texts["ur"]}, stamp))

    expected = case.version
    case.status = after
    case.next_check_at = next_check(case, policy, now)
    counted = {_COUNTED[data.action]: 1} if data.action in _COUNTED else {}
    if isinstance(data, ResolveIn) and case.routed_at:
        # A histogram of days from routing to resolution, for the median in public statistics.
        days = max((now - parse_time(case.routed_at)).days, 0)
        counted[f"resolved_in_{min(days, RESOLUTION_DAYS_CAP)}d"] = 1
    counts = counters(stamp[:10], case, directory, counted, acting_office) if counted else []
    commit(
        services, case, expected_version=expected, events=[event], notes=notes, counts=counts, actor_sub=principal.sub
    )
    _record(data.action, case)
    return to_case_out(case, [*events, event], directory)


def _owned(services: Services, principal: Principal, case_id: str) -> tuple[Case, list[TimelineEvent]]:
    return complaints.owned(services, principal, case_id)


def reply(services: Services, principal: Principal, case_id: str, data: ReplyIn, if_match: int | None) -> CaseOut:
    """The citizen answers a request for details; the SLA clock resumes, extended by the time it waited."""
    case, events = _owned(services, principal, case_id)
    check_version(case, if_match)
    after = workflow.next_status(case.status, "reply")
    problems = uploads.attachment_problems(services, principal, data.attachments)
    if problems:
        raise InvalidInput("the reply needs correcting", problems)
    directory = services.directory()
    now = services.clock()
    stamp = iso(now)
    if case.paused_at and case.due_at:
        paused_for = max(now - parse_time(case.paused_at), timedelta(0))
        case.due_at = iso(parse_time(case.due_at) + paused_for)
    case.paused_at = None
    expected = case.version
    case.status = after
    case.next_check_at = next_check(case, directory.sla_for(case.category_id), now)
    event = TimelineEvent(at=stamp, type="citizen_replied", actor_role="citizen", note=data.message)
    params = {**office_params(directory, case.office_id), "due_date": (case.due_at or "")[:10]}
    notes = [notice(case, "office_citizen_replied", params, stamp, to_office=case.office_id)] if case.office_id else []
    commit(services, case, expected_version=expected, events=[event], notes=notes, actor_sub=principal.sub)
    _record("reply", case)
    return to_case_out(case, [*events, event], directory)


def withdraw(services: Services, principal: Principal, case_id: str, data: WithdrawIn, if_match: int | None) -> CaseOut:
    """The citizen withdraws an open complaint; it leaves the office's queue."""
    case, events = _owned(services, principal, case_id)
    check_version(case, if_match)
    after = workflow.next_status(case.status, "withdraw")
    stamp = iso(services.clock())
    expected = case.version
    case.status, case.paused_at, case.next_check_at = after, None, None
    event = TimelineEvent(at=stamp, type="withdrawn", actor_role="citizen", note=data.reason)
    counts = counters(stamp[:10], case, services.directory(), {"withdrawn": 1})
    commit(services, case, expected_version=expected, events=[event], counts=counts, actor_sub=principal.sub)
    _record("withdraw", case)
    return to_case_out(case, [*events, event], services.directory())


def give_feedback(
    services: Services, principal: Principal, case_id: str, data: FeedbackIn, if_match: int | None
) -> CaseOut:
    """The citizen's verdict on a resolution: satisfied closes the case; not satisfied reopens it one level up.

    Allowed while the case is resolved, and after a silent feedback window closed it, until
    the reopen window (30 days from the resolution by default) ends; once per resolution.
    """
    case, events = _owned(services, principal, case_id)
    check_version(case, if_match)
    action = "feedback_satisfied" if data.satisfied else "feedback_unsatisfied"
    after = workflow.next_status(case.status, action)
    directory = services.directory()
    policy = directory.sla_for(case.category_id)
    now = services.clock()
    until = feedback_until(case, policy)
    if case.resolution is None or until is None:
        raise TransitionNotAllowed("this complaint's resolution has had its verdict already")
    if now > parse_time(until):
        raise TransitionNotAllowed(f"feedback on this resolution was possible until {until}")
    stamp = iso(now)
    resolver = case.resolution.office_id
    case.feedback = Verdict(satisfied=data.satisfied, rating=data.rating, comment=data.comment, at=stamp)
    verdict = TimelineEvent(
        at=stamp,
        type="feedback",
        actor_role="citizen",
        note=data.comment,
        reason="satisfied" if data.satisfied else "not_satisfied",
        office_id=resolver,
    )
    new_events = [verdict]
    notes: list[Notification] = []
    counted: dict[str, int] = {"satisfied" if data.satisfied else "not_satisfied": 1, f"rating_{data.rating}": 1}
    if data.satisfied:
        if case.status == "resolved":
            case.closed_by, case.closed_at = "satisfied", stamp
            new_events.append(TimelineEvent(at=stamp, type="closed", actor_role="system", reason="satisfied"))
            notes.append(notice(case, "closed", {}, stamp))
            counted["closed"] = 1
    else:
        chain = directory.chain(resolver)
        above = directory.offices.get(chain[1] if len(chain) > 1 else resolver)
        if above is None:
            raise TransitionNotAllowed("the office that resolved this complaint is no longer in the directory")
        assign(case, above, case.level + 1, now + period(policy))
        case.resolution = None  # the resolution stays on the timeline; the case is at work again
        case.closed_by = case.closed_at = None
        new_events.append(
            TimelineEvent(
                at=stamp,
                type="reopened",
                actor_role="citizen",
                note=data.comment or "The citizen was not satisfied with the resolution.",
                office_id=above.id,
                level=case.level,
            )
        )
        params = {
            **office_params(directory, above.id),
            **office_params(directory, resolver, "from_"),
            "due_date": (case.due_at or "")[:10],
        }
        notes.append(notice(case, "reopened", params, stamp))
        notes.append(notice(case, "office_reopened", params, stamp, to_office=above.id))
        counted["reopened"] = 1
    expected = case.version
    case.status = after
    case.next_check_at = next_check(case, policy, now)
    counts = counters(stamp[:10], case, directory, counted, resolver)
    commit(
        services,
        case,
        expected_version=expected,
        events=new_events,
        notes=notes,
        counts=counts,
        actor_sub=principal.sub,
    )
    _record(action, case)
    if counted.get("closed"):
        metrics.add_metric(name="CasesClosed", unit="Count", value=1)
    return to_case_out(case, [*events, *new_events], directory)


def _record(action: str, case: Case) -> None:
    logger.info("case action", extra={"case_id": case.id, "action": action, "status": case.status})
    metrics.add_metric(name="CaseActions", unit="Count", value=1)
    if action in _METRIC_OF:
        metrics.add_metric(name=_METRIC_OF[action], unit="Count", value=1)
    elif action == "feedback_satisfied":
        metrics.add_metric(name="CitizensSatisfied", unit="Count", value=1)
    elif action == "feedback_unsatisfied":
        metrics.add_metric(name="CitizensNotSatisfied", unit="Count", value=1)
        metrics.add_metric(name="CasesReopened", unit="Count", value=1)
