"""What a case says its viewer may do is exactly what they can do: every offered action goes through, no other does.

For every kind of case, every status, and every action an officer or the citizen can send
(each value of a deciding field too), the case is put in that status, its `allowed_actions`
are read as the viewer sees them, a body is filled in from the fields they describe, and
the action is taken: it must succeed if and only if it was offered. A complaint is also
seen with a transfer request to another organisation pending, and by the staff of that
organisation and by an admin.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.logic import actions, complaints, feedback, information, officer, publication, workflow
from chalicelib.logic.clock import iso
from chalicelib.logic.ports import Services
from chalicelib.models.actions import (
    AppealIn,
    FeedbackChannelIn,
    FeedbackIn,
    InformationRequestIn,
    OfficerActionIn,
    PublishIn,
    ReplyIn,
    UnpublishIn,
    WithdrawIn,
)
from chalicelib.models.common import Principal
from chalicelib.models.complaints import AllowedAction, Answer, Case, CaseOut, Resolution, TransferRequest
from chalicelib.models.errors import TransitionNotAllowed
from chalicelib.store import cases as case_store
from tests.fakes import Clock, citizen, make_services, routed_complaint, small_directory
from tests.fakes import officer as officer_principal

HEAD = officer_principal("lesco-hq")  # lesco-lahore and lesco-kasur are below it
# A supervisor of another organisation's office, asked to take a complaint (only a supervisor answers).
RECEIVING = officer_principal("pmdu-hq", "officer-pmdu").model_copy(update={"supervisor": True})
ADMIN = Principal(sub="admin-1", role="admin")
VIEWERS = {"office": HEAD, "receiving": RECEIVING, "admin": ADMIN, "citizen": citizen()}
# What a person types where a form asks for something the case cannot choose for them.
TYPED = {"office_id": "lesco-kasur"}


def _services() -> tuple[Services, Clock]:
    snapshot = small_directory()
    snapshot.organisations = [
        o.model_copy(update={"information_office_id": "lesco-lahore"}) if o.id == "lesco" else o
        for o in snapshot.organisations
    ]
    services, _, clock = make_services(snapshot=snapshot)
    return services, clock


def _request(services: Services) -> str:
    body = InformationRequestIn(organisation_id="lesco", subject="Schedule", question="What is the 2026 schedule?")
    return str(information.file_request(services, citizen(), body, None).case["id"])


def _suggestion(services: Services) -> str:
    body = FeedbackChannelIn(kind="suggestion", organisation_id="lesco", message="Open on Saturdays.")
    return str(feedback.give(services, citizen(), body, None).case["id"])


FILE: dict[str, Callable[[Services], str]] = {
    "complaint": routed_complaint,
    "information": _request,
    "feedback": _suggestion,
}


def _force(services: Services, case_id: str, status: str, requested: bool = False) -> None:
    """Put a case straight into `status`, with what the steps before would have left on it.

    `requested`: LESCO Lahore has asked PMDU (another organisation) to take it.
    """
    case = case_store.get_case(services.table, case_id)
    assert case is not None
    expected, stamp = case.version, iso(services.clock())
    forced = Case.model_validate({**case.model_dump(), "status": status, "version": case.version + 1})
    if requested:
        forced.transfer_request = TransferRequest(
            office_id="pmdu-hq", from_office_id="lesco-lahore", by="officer-1", at=stamp, note="PMDU handles these."
        )
    if status == "awaiting_citizen":
        forced.paused_at = stamp
    if case.kind == "complaint" and status in ("in_progress", "closed"):
        forced.published_at = stamp  # published ones offer taking them back, and the office hiding their text
    if case.kind == "complaint" and status in ("resolved", "closed"):
        forced.resolution = Resolution(outcome="relief_granted", note="Done.", at=stamp, office_id="lesco-lahore")
        forced.closed_by = "no_feedback" if status == "closed" else None
    if case.kind == "information":
        forced.delay = "delayed" if status in ("routed", "in_progress") else None  # a missed deadline is appealable
        if status in ("answered", "not_held", "refused"):
            forced.answer = Answer(kind="answered", note="Attached.", at=stamp, office_id="lesco-lahore")
            forced.appeal_until = iso(services.clock() + timedelta(days=30))
    change = case_store.CaseChange(case=forced, events=[])
    case_store.save_change(services.table, change, expected_version=expected, actor_sub=None)


def _view(services: Services, case_id: str, viewer: Principal) -> CaseOut:
    if viewer.role in ("officer", "admin"):
        return officer.case_for_officer(services, viewer, case_id)
    case = case_store.get_case(services.table, case_id)
    assert case is not None
    return complaints.track(services, viewer, case_id, case.kind)


def _fill(action: AllowedAction, chosen: dict[str, Any]) -> dict[str, Any]:
    """The body a person sends after filling in the form the action describes."""
    body: dict[str, Any] = {}
    for f in action.fields:
        if f.name in chosen or f.name in TYPED:
            body[f.name] = chosen.get(f.name, TYPED.get(f.name))
        elif not f.required:
            continue
        elif f.type in ("choice", "boolean"):
            body[f.name] = f.choices[0].value
        elif f.type == "integer":
            body[f.name] = f.minimum
        else:
            body[f.name] = "As the form asked."
    return {**action.fixed, **body}


def _take(services: Services, case_id: str, viewer: Principal, spec: workflow.ActionSpec, body: dict[str, Any]) -> None:
    if spec.role == "officer":
        actions.act(services, viewer, case_id, OfficerActionIn.model_validate({"action": spec.name, **body}).root, None)
        return
    kind = case_store.get_case(services.table, case_id)
    assert kind is not None
    calls: dict[tuple[str, str], Callable[[], object]] = {
        ("complaint", "reply"): lambda: actions.reply(services, viewer, case_id, ReplyIn.model_validate(body), None),
        ("complaint", "withdraw"): lambda: actions.withdraw(
            services, viewer, case_id, WithdrawIn.model_validate(body), None
        ),
        ("complaint", "feedback"): lambda: actions.give_feedback(
            services, viewer, case_id, FeedbackIn.model_validate(body), None
        ),
        ("complaint", "publish"): lambda: publication.publish(
            services, viewer, case_id, PublishIn.model_validate(body), None
        ),
        ("complaint", "unpublish"): lambda: publication.unpublish(
            services, viewer, case_id, UnpublishIn.model_validate(body), None
        ),
        ("information", "appeal"): lambda: information.appeal(
            services, viewer, case_id, AppealIn.model_validate(body), None
        ),
        ("information", "withdraw"): lambda: information.withdraw(
            services, viewer, case_id, WithdrawIn.model_validate(body), None
        ),
    }
    calls[(kind.kind, spec.name)]()


def _a_form_for(spec: workflow.ActionSpec, case: CaseOut, kind: str) -> AllowedAction:
    """The offered action, or — when it is not offered — the form it would have had (from a case that offers it)."""
    offered = next((a for a in case.allowed_actions if a.action == spec.name), None)
    if offered is not None:
        return offered
    fields = _ANY_FORM[(kind, spec.role, spec.name)]
    return AllowedAction(
        action=spec.name,
        label="",
        label_ur="",
        path="",
        fixed={"action": spec.name} if spec.role == "officer" else {},
        note_required=False,
        fields=fields.fields,
    )


def _situations(kind: str, role: str) -> list[tuple[str, bool]]:
    """Who looks at a case of `kind` to send a `role`'s action, and whether a transfer request is pending."""
    if role == "citizen":
        return [("citizen", False), ("citizen", True)] if kind == "complaint" else [("citizen", False)]
    if kind != "complaint":
        return [("office", False)]
    return [("office", False), ("office", True), ("receiving", True), ("admin", False), ("admin", True)]


CASES = [
    (kind, status, who, requested, spec.role, spec.name, value)
    for kind in ("complaint", "information", "feedback")
    for status in workflow.STATUSES
    for spec in workflow.SPECS
    if kind in spec.kinds()
    for who, requested in _situations(kind, spec.role)
    for value in (spec.branches or {None: spec.name})
]
_ANY_FORM: dict[tuple[str, str, str], AllowedAction] = {}


def _collect_forms() -> None:
    """One form of every action for every kind, from cases that offer it (read once)."""
    for kind in ("complaint", "information", "feedback"):
        seen = dict.fromkeys(s for role in ("officer", "citizen") for s in _situations(kind, role))
        for status in workflow.STATUSES:
            for requested in dict.fromkeys(requested for _, requested in seen):
                services, _ = _services()
                case_id = FILE[kind](services)
                _force(services, case_id, status, requested)
                for who in [who for who, pending in seen if pending == requested]:
                    viewer = VIEWERS[who]
                    role = "citizen" if viewer.role == "citizen" else "officer"
                    for offered in _view(services, case_id, viewer).allowed_actions:
                        _ANY_FORM.setdefault((kind, role, offered.action), offered)


@pytest.mark.parametrize(
    ("kind", "status", "who", "requested", "role", "name", "value"), CASES, ids=[str(c) for c in CASES]
)
def test_an_action_goes_through_exactly_when_the_case_offers_it(
    kind: str, status: str, who: str, requested: bool, role: str, name: str, value: object
) -> None:
    if not _ANY_FORM:
        _collect_forms()
    # Given a case of `kind` in `status`, as its office's head, its citizen, the organisation asked
    # to take it or an admin sees it
    services, clock = _services()
    case_id = FILE[kind](services)
    _force(services, case_id, status, requested)
    viewer = VIEWERS[who]
    spec = workflow.SPEC_OF[(role, name)]
    seen = _view(services, case_id, viewer)
    form = _a_form_for(spec, seen, kind)
    chosen = {spec.branch: value} if spec.branch else {}
    offered = any(a.action == name for a in seen.allowed_actions) and (
        spec.branch is None or value in [c.value for f in form.fields if f.name == spec.branch for c in f.choices]
    )
    clock.advance(hours=1)
    # When the viewer sends it, filled in from the form
    body = _fill(form, chosen)
    if not offered:
        # Then what was not offered is refused, and the case is as it was
        with pytest.raises(TransitionNotAllowed):
            _take(services, case_id, viewer, spec, body)
        assert _view(services, case_id, viewer).version == seen.version
        return
    # Then what was offered goes through: one version on (read by an admin once a declined request
    # leaves the organisation asked with nothing to see)
    _take(services, case_id, viewer, spec, body)
    assert _view(services, case_id, ADMIN if who == "receiving" else viewer).version == seen.version + 1


def test_every_action_people_send_is_offered_somewhere_and_has_a_handler() -> None:
    _collect_forms()
    for spec in workflow.SPECS:
        for kind in spec.kinds():
            assert (kind, spec.role, spec.name) in _ANY_FORM, (kind, spec.name)
            if spec.role == "officer":
                assert spec.name in actions.OFFICER_HANDLERS[kind], (kind, spec.name)
    for handled_kind, handlers in actions.OFFICER_HANDLERS.items():
        assert all(handled_kind in workflow.SPEC_OF[("officer", name)].kinds() for name in handlers), handled_kind


def test_the_forms_name_their_fields_and_choices_in_both_languages() -> None:
    _collect_forms()
    for (kind, role, name), form in _ANY_FORM.items():
        assert form.label and form.label_ur and form.label != form.label_ur, (kind, name)
        expected_path = "/v1/officer/cases/" if role == "officer" else ("/v1/complaints/", "/v1/information-requests/")
        assert form.path.startswith(expected_path), form.path
        for field in form.fields:
            assert field.label and field.label_ur and field.label != field.label_ur, (name, field.name)
            for choice in field.choices:
                assert choice.label and choice.label_ur and choice.label != choice.label_ur, (name, choice.value)
        assert form.note_required == any(f.name == "note" and f.required for f in form.fields)
        # Only what ends the case for good is marked so (clients ask twice before sending it)
        assert form.final == (name in ("withdraw", "reject")), (kind, name)


def test_a_reviewer_is_offered_only_the_decisions_the_table_allows_and_the_verdict_says_until_when() -> None:
    # Given a resolved complaint
    services, clock = _services()
    case_id = routed_complaint(services)
    _force(services, case_id, "resolved")
    seen = complaints.track(services, citizen(), case_id)
    # Then the citizen may give a verdict, either way, until the reopen window ends, or withdraw nothing
    verdict = next(a for a in seen.allowed_actions if a.action == "feedback")
    assert verdict.until == seen.feedback_until and verdict.path == f"/v1/complaints/{case_id}/feedback"
    satisfied = next(f for f in verdict.fields if f.name == "satisfied")
    assert [c.value for c in satisfied.choices] == [True, False] and satisfied.required
    rating = next(f for f in verdict.fields if f.name == "rating")
    assert (rating.type, rating.minimum, rating.maximum) == ("integer", 1, 5)
    assert [a.action for a in seen.allowed_actions] == ["feedback", "publish"]
    # And once the window has passed, only what does not depend on it (publishing the private complaint)
    clock.advance(days=31)
    assert [a.action for a in complaints.track(services, citizen(), case_id).allowed_actions] == ["publish"]


def test_a_stranger_and_the_public_are_offered_nothing() -> None:
    services, _ = _services()
    case_id = routed_complaint(services)
    case = case_store.get_case(services.table, case_id)
    assert case is not None
    from chalicelib.logic.allowed import allowed_actions

    policy = services.directory().sla_for(case.category_id)
    assert allowed_actions(case, citizen("citizen-2"), policy, services.clock()) == []
    assert allowed_actions(case, None, policy, services.clock()) == []
    admin = Principal(sub="admin-1", role="admin")
    assert allowed_actions(case, admin, policy, services.clock()) == []


def test_an_extension_is_offered_once_and_an_appeal_only_within_its_window() -> None:
    # Given an information request with its designated official
    services, clock = _services()
    request_id = _request(services)
    official = officer_principal("lesco-lahore", "official")
    offered = [a.action for a in officer.case_for_officer(services, official, request_id).allowed_actions]
    assert "extend" in offered and "decide_appeal" not in offered
    # When the official extends it
    extend = OfficerActionIn.model_validate({"action": "extend", "note": "Records in storage."}).root
    extended = actions.act(services, official, request_id, extend, None)
    # Then no second extension is offered; the citizen may not appeal yet (nothing answered, nothing late)
    assert "extend" not in [a.action for a in extended.allowed_actions]
    assert [a.action for a in information.track(services, citizen(), request_id).allowed_actions] == ["withdraw"]
    # When it is answered, the citizen may appeal until 30 days later, and not after
    answer = OfficerActionIn.model_validate({"action": "answer", "note": "Attached."}).root
    actions.act(services, official, request_id, answer, None)
    appeal = next(a for a in information.track(services, citizen(), request_id).allowed_actions)
    assert appeal.action == "appeal" and appeal.until == iso(clock() + timedelta(days=30))
    clock.advance(days=30, seconds=1)
    assert information.track(services, citizen(), request_id).allowed_actions == []
