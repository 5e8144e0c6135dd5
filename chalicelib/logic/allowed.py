"""What the caller may do to a case now: each action, where to send it, and the fields it needs, in both languages.

Read from the transition tables and their guards (logic/workflow.py) and from the action
bodies themselves (their JSON schema: required fields, choices, bounds), so a client that
renders these never keeps a copy of the rules, and a rule changed here changes every client.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from chalicelib.logic import deadlines, workflow
from chalicelib.logic.messages import ACTION_LABELS, FIELD_LABELS, label
from chalicelib.models.choices import OneOf
from chalicelib.models.common import Principal
from chalicelib.models.complaints import ActionField, AllowedAction, Case, ChoiceOut
from chalicelib.models.directory import SlaPolicy

_CITIZEN_PATHS = {"complaint": "/v1/complaints/{id}/{action}", "information": "/v1/information-requests/{id}/{action}"}
_OFFICER_PATH = "/v1/officer/cases/{id}/actions"


def allowed_actions(
    case: Case,
    viewer: Principal | None,
    policy: SlaPolicy,
    now: datetime,
    standing: frozenset[workflow.Standing] = frozenset(),
) -> list[AllowedAction]:
    """The actions `viewer` may take on `case` now: the citizen their own; staff those of their `standing` to it.

    `standing` is `workflow.standings(case, viewer, directory)`: the office working the case
    is offered its work, the organisation asked to take it (and an admin) the answers to the
    request, an admin transferring it too.
    """
    if viewer is None or (viewer.role == "citizen" and case.citizen_sub != viewer.sub):
        return []
    role = "citizen" if viewer.role == "citizen" else "officer"
    found = []
    for spec in workflow.SPECS:
        if spec.role != role or case.kind not in spec.kinds():
            continue
        if role == "officer" and not spec.standings & standing:
            continue
        open_now = [
            action
            for action in spec.table_actions()
            if workflow.allows(case.status, action, case.kind) and workflow.refusal(case, action, policy, now) is None
        ]
        if open_now:
            found.append(_describe(spec, case, open_now, policy))
    return found


def _describe(spec: workflow.ActionSpec, case: Case, open_now: list[str], policy: SlaPolicy) -> AllowedAction:
    names = label(ACTION_LABELS, f"{case.kind}.{spec.name}", spec.name)
    if spec.role == "officer":
        path, fixed = _OFFICER_PATH.format(id=case.id), {"action": spec.name}
    else:
        path, fixed = _CITIZEN_PATHS[case.kind].format(id=case.id, action=spec.name), {}
    # Of a branching body's values, only those whose row of the table is open now.
    branch_values = {value for value, action in spec.branches.items() if action in open_now}
    fields = [_field(spec, name, branch_values if name == spec.branch else None) for name in _properties(spec.body)]
    until = None
    if spec.name == "feedback":
        until = deadlines.feedback_until(case, policy)
    elif spec.name == "appeal":
        until = deadlines.appeal_until(case)
    return AllowedAction(
        action=spec.name,
        label=names["en"],
        label_ur=names["ur"],
        path=path,
        fixed=fixed,
        note_required=any(f.name == "note" and f.required for f in fields),
        final=all(workflow.next_status(case.status, a, case.kind) in workflow.FINAL_STATUSES for a in open_now),
        fields=fields,
        until=until,
    )


@lru_cache(maxsize=64)
def _schema(body: type[BaseModel]) -> dict[str, Any]:
    return body.model_json_schema()


def _properties(body: type[BaseModel]) -> list[str]:
    return [name for name in _schema(body)["properties"] if name != "action"]


def _field(spec: workflow.ActionSpec, name: str, only: set[object] | None) -> ActionField:
    schema = _schema(spec.body)
    prop = schema["properties"][name]
    # An optional field is `anyOf: [<its type>, null]`.
    prop = next((p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"), prop)
    names = label(FIELD_LABELS, f"{spec.name}.{name}", name)
    base: dict[str, Any] = {
        "name": name,
        "label": names["en"],
        "label_ur": names["ur"],
        "required": name in schema.get("required", []),
    }
    if "enum" in prop:
        one_of = next(m for m in spec.body.model_fields[name].metadata if isinstance(m, OneOf))
        choices = [
            ChoiceOut(value=value, label=choice.label, label_ur=choice.label_ur)
            for value, choice in one_of.choices.items()
            if only is None or value in only
        ]
        return ActionField(**base, type="choice", choices=choices)
    kind = prop.get("type")
    if kind == "boolean":
        answers = [value for value in (True, False) if only is None or value in only]
        choices = [_yes_no(name, value) for value in answers if f"{name}.{str(value).lower()}" in FIELD_LABELS]
        return ActionField(**base, type="boolean", choices=choices)
    if kind == "integer":
        return ActionField(**base, type="integer", minimum=prop.get("minimum"), maximum=prop.get("maximum"))
    if kind == "array":
        return ActionField(**base, type="uploads", max_items=prop.get("maxItems"))
    return ActionField(**base, type="text", max_length=prop.get("maxLength"))


def _yes_no(name: str, value: bool) -> ChoiceOut:
    texts = FIELD_LABELS[f"{name}.{str(value).lower()}"]
    return ChoiceOut(value=value, label=texts["en"], label_ur=texts["ur"])
