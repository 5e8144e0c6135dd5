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
from chalicelib.logic.directory import Directory
from chalicelib.logic.messages import ACTION_LABELS, FIELD_LABELS, label
from chalicelib.models.choices import OneOf
from chalicelib.models.common import Principal
from chalicelib.models.complaints import ActionField, AllowedAction, Case, ChoiceGroup, ChoiceOut
from chalicelib.models.directory import SlaPolicy

_CITIZEN_PATHS = {"complaint": "/v1/complaints/{id}/{action}", "information": "/v1/information-requests/{id}/{action}"}
_OFFICER_PATH = "/v1/officer/cases/{id}/actions"


def allowed_actions(
    case: Case,
    viewer: Principal | None,
    policy: SlaPolicy,
    now: datetime,
    standing: frozenset[workflow.Standing] = frozenset(),
    directory: Directory | None = None,
) -> list[AllowedAction]:
    """The actions `viewer` may take on `case` now: the citizen their own; staff those of their `standing` to it.

    `standing` is `workflow.standings(case, viewer, directory)`: the office working the case
    is offered its work, the organisation asked to take it (and an admin) the answers to the
    request, an admin transferring it too. With the `directory`, a transfer's `office_id`
    lists the offices it may go to (`transfer_targets`).
    """
    if viewer is None or (viewer.role == "citizen" and case.citizen_sub != viewer.sub) or case.archived_at:
        return []  # an archived case is read-only (store/archive.py)
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
            described = _describe(spec, case, open_now, policy)
            if spec.name == "transfer" and directory is not None:
                _offer_offices(described, case, directory, admin=viewer.role == "admin")
            found.append(described)
    return found


def transfer_targets(case: Case, directory: Directory, *, admin: bool) -> list[tuple[str, bool]]:
    """Every office a transfer of `case` may name, and whether naming it only asks its organisation to take it.

    The rules of logic/actions.py's transfer: any office in the directory but the case's own;
    within the case's organisation (or by an admin) the case moves at once, to another
    organisation's office the officer's transfer asks that organisation, which accepts or declines.
    The case's organisation comes first, then the others by name; offices by name within each.
    """
    here = directory.offices.get(case.office_id or "")
    own = here.organisation_id if here else case.organisation_id
    organisations = directory.organisations

    def order(office_id: str) -> tuple[bool, str, str]:
        office = directory.offices[office_id]
        organisation = organisations.get(office.organisation_id)
        return (
            office.organisation_id != own,
            organisation.name if organisation else office.organisation_id,
            office.name,
        )

    targets = sorted(
        (o for o, office in directory.offices.items() if o != case.office_id and not office.retired), key=order
    )
    return [(o, not admin and directory.offices[o].organisation_id != own) for o in targets]


def _offer_offices(action: AllowedAction, case: Case, directory: Directory, *, admin: bool) -> None:
    """A transfer's `office_id` as a choice of offices, grouped by organisation, in both languages."""
    field = next((f for f in action.fields if f.name == "office_id"), None)
    if field is None:
        return
    choices, groups = [], {}
    for office_id, request in transfer_targets(case, directory, admin=admin):
        office = directory.offices[office_id]
        choices.append(
            ChoiceOut(value=office.id, label=office.name, label_ur=office.name_ur, group=office.organisation_id)
        )
        if office.organisation_id not in groups:
            organisation = directory.organisations.get(office.organisation_id)
            groups[office.organisation_id] = ChoiceGroup(
                value=office.organisation_id,
                label=organisation.name if organisation else office.organisation_id,
                label_ur=organisation.name_ur if organisation else office.organisation_id,
                request=request,
            )
    field.type, field.choices, field.groups = "choice", choices, list(groups.values())


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
