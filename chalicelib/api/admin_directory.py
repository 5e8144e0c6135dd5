"""Directory management: organisations, offices, categories, districts, routing rules, fallbacks, SLA policies.

Reading: `GET /v1/admin/directory` (the whole directory, retired entries included, `ETag` its
version). Every write needs `If-Match` with that version (428 without it, 409 when stale),
accepts `?dry_run=true` (validated and reported, nothing stored), answers the change's report
with the object written and the new `ETag`, and appends an audit entry with the change.
An org_admin reads all of it (it is public) and changes only their organisation's subtree.
See docs/directory.md.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

from chalice.app import Blueprint, Response
from pydantic import BaseModel, TypeAdapter, ValidationError

from chalicelib.api.authorizer import jwt_authorizer
from chalicelib.api.context import actor
from chalicelib.api.contract import (
    ADMINS,
    DIRECTORY_ADMINS,
    endpoint,
    header,
    language_of,
    query,
    validation_problems,
    whole_number,
)
from chalicelib.api.cors import CORS
from chalicelib.api.responses import json_response
from chalicelib.logic import directory_admin as logic
from chalicelib.logic import directory_csv
from chalicelib.logic.messages import raised_problem_text
from chalicelib.models.common import Principal
from chalicelib.models.directory_admin import (
    SLUG_MAX,
    SLUG_PATTERN,
    AdminDirectory,
    CategoryFields,
    CategoryIn,
    CategoryWritten,
    Change,
    ChangeReport,
    DeleteRule,
    DistrictIn,
    DistrictWritten,
    DryRunIn,
    FallbackWritten,
    ImportWritten,
    OfficeFields,
    OfficeIn,
    OfficeRef,
    OfficeWritten,
    OrganisationFields,
    OrganisationIn,
    OrganisationWritten,
    ProblemOut,
    PutCategory,
    PutDistrict,
    PutFallback,
    PutOffice,
    PutOrganisation,
    PutRule,
    RetireCategory,
    RetireOffice,
    RetireOrganisation,
    RuleWritten,
    SlaPolicyFields,
    SlaPolicyWritten,
)
from chalicelib.models.errors import FieldProblem, Forbidden, InvalidInput, NotFound
from chalicelib.store.directory import Stored
from chalicelib.wiring import forget_directory, services

directory_admin_routes = Blueprint(__name__)

# Every write: a stale If-Match (409), none (428).
WRITE_RAISES = (409, 428)
_VERSION_TAG = re.compile(r'(?:W/)?"([0-9]+)"|([0-9]+)')


@functools.cache
def _change_adapter() -> TypeAdapter[Change]:
    """Built on first use, as every model (models.base): a cold start that changes nothing does not pay for it."""
    return TypeAdapter(Change)


# --- the request ------------------------------------------------------------------------------------


def _if_match() -> int | None:
    raw = header(directory_admin_routes.current_request, "if-match")
    if raw is None:
        return None
    found = _VERSION_TAG.fullmatch(raw.strip(" \t"))
    digits = (found.group(1) or found.group(2)) if found else ""
    return whole_number(digits, "If-Match", 'the directory\'s version, a whole number: 5, "5" or W/"5"')


def _flag(name: str) -> bool:
    raw = (query(directory_admin_routes.current_request, name) or "false").lower()
    if raw not in ("true", "false"):
        raise InvalidInput(f"bad {name}", [FieldProblem(name, "true or false")])
    return raw == "true"


def _problems(report: logic.Report) -> list[ProblemOut]:
    language = language_of(directory_admin_routes.current_request)
    return [ProblemOut(field=p.field, problem=raised_problem_text(p.en, language, p.ur)) for p in report.problems]


def _report(outcome: logic.Outcome) -> dict[str, Any]:
    return ChangeReport(
        version=outcome.version,
        dry_run=outcome.dry_run,
        changed_routes=outcome.report.changed_routes,
        unroutable=outcome.report.unroutable,
        problems=_problems(outcome.report),
    ).model_dump(mode="json")


def _answer(outcome: logic.Outcome, shown: dict[str, Any], status: int = 200) -> Response:
    if outcome.version and not outcome.dry_run:
        forget_directory()
    body = {**shown, **_report(outcome)}
    return json_response(status if not outcome.dry_run else 200, body, {"ETag": f'"{outcome.version}"'})


def _commit(steps: Sequence[logic.Step], summary: Any = None, precheck: Any = None) -> logic.Outcome:
    return logic.commit(
        services(), actor(directory_admin_routes), steps, _if_match(), _flag("dry_run"), summary, precheck
    )


def _dump(model: BaseModel | None) -> dict[str, Any]:
    return model.model_dump(mode="json") if model is not None else {}


def _office_out(outcome: logic.Outcome, office_id: str) -> dict[str, Any]:
    snapshot = outcome.report.snapshot
    levels = logic.levels_of(snapshot.offices)
    office = next((o for o in snapshot.offices if o.id == office_id), None)
    return {**_dump(office), "level": levels.get(office_id, 0)}


def _organisation_out(outcome: logic.Outcome, organisation_id: str) -> dict[str, Any]:
    return _dump(next((o for o in outcome.report.snapshot.organisations if o.id == organisation_id), None))


def _category_out(outcome: logic.Outcome, category_id: str) -> dict[str, Any]:
    snapshot = outcome.report.snapshot
    category = next((c for c in snapshot.categories if c.id == category_id), None)
    fallback = next((f.office_id for f in snapshot.fallbacks if f.category_id == category_id), None)
    return {**_dump(category), "fallback_office_id": fallback}


def _current() -> Stored:
    return logic.read(services())


# --- who may act on what the path names (asked before a 400 about the body) ---------------------------


def _own_organisation(principal: Principal) -> str | None:
    """None for an admin; an org_admin's organisation (403 without one)."""
    if principal.role == "admin":
        return None
    directory = services().directory()
    office = directory.offices.get(principal.office_id or "")
    if principal.role != "org_admin" or office is None:
        raise Forbidden("this is for the directory's admins only")
    return office.organisation_id


def organisation_guard(principal: Principal, organisation_id: str, **_: str) -> None:
    own = _own_organisation(principal)
    if own is not None and organisation_id != own:
        raise Forbidden("an organisation's admin may change only its own organisation")


def office_guard(principal: Principal, office_id: str, **_: str) -> None:
    own = _own_organisation(principal)
    office = services().directory().offices.get(office_id)
    if office is None:
        raise NotFound(f"no office has the id {office_id}")
    if own is not None and office.organisation_id != own:
        raise Forbidden("an organisation's admin may change only its own offices")


def category_guard(principal: Principal, category_id: str, **_: str) -> None:
    own = _own_organisation(principal)
    category = services().directory().categories.get(category_id)
    if category is None:
        raise NotFound(f"no category has the id {category_id}")
    if own is not None and category.organisation_ids != [own]:
        raise Forbidden("an organisation's admin may change only the categories of its organisation alone")


def _route_guard(principal: Principal, category_id: str, current_office: str | None) -> None:
    own = _own_organisation(principal)
    directory = services().directory()
    category = directory.categories.get(category_id)
    if category is None:
        raise NotFound(f"no category has the id {category_id}")
    if own is None:
        return
    office = directory.offices.get(current_office or "")
    if own not in category.organisation_ids or (office is not None and office.organisation_id != own):
        raise Forbidden("an organisation's admin may change only its own offices' routing")


def rule_guard(principal: Principal, category_id: str, district_id: str, **_: str) -> None:
    if district_id not in services().directory().districts:
        raise NotFound(f"no district has the id {district_id}")
    rule = next(
        (
            r.office_id
            for r in services().directory().snapshot.routing_rules
            if (r.category_id, r.district_id) == (category_id, district_id)
        ),
        None,
    )
    _route_guard(principal, category_id, rule)


def fallback_guard(principal: Principal, category_id: str, **_: str) -> None:
    fallback = next(
        (f.office_id for f in services().directory().snapshot.fallbacks if f.category_id == category_id), None
    )
    _route_guard(principal, category_id, fallback)


# --- reading ----------------------------------------------------------------------------------------


_SLUG = re.compile(SLUG_PATTERN)


def _path_id(value: str) -> str:
    """An id named in the path, as the directory's ids are written; anything else names nothing there (404)."""
    if len(value) > SLUG_MAX or not _SLUG.match(value):
        raise NotFound("nothing in the directory has this id")
    return value


@directory_admin_routes.route("/v1/admin/directory", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(directory_admin_routes, response=AdminDirectory, roles=DIRECTORY_ADMINS)
def admin_directory() -> Response:
    """The whole directory at its version (ETag), retired entries included; 304 to a matching If-None-Match."""
    stored = _current()
    tag = f'"{stored.version}"'
    if (header(directory_admin_routes.current_request, "if-none-match") or "").strip() in (tag, f"W/{tag}"):
        return Response(status_code=304, body="", headers={"ETag": tag})
    return json_response(200, logic.admin_view(stored).model_dump(mode="json"), {"ETag": tag})


@directory_admin_routes.route("/v1/admin/directory/dry-run", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(directory_admin_routes, body=DryRunIn, response=ChangeReport, roles=DIRECTORY_ADMINS, raises=(409,))
def directory_dry_run(data: DryRunIn) -> Response:
    """What a list of changes would do: moved routes, pairs left with no office, and every problem; nothing stored."""
    steps: list[logic.Step] = []
    problems: list[FieldProblem] = []
    for i, raw in enumerate(data.changes):
        try:
            steps.append((f"changes[{i}].", parse_change(f"changes[{i}].", raw)))
        except InvalidInput as exc:
            problems += exc.details
    if problems:
        raise InvalidInput("some changes need correcting", problems)
    stored = _current()
    version = _if_match()
    logic.checked_version(stored, stored.version if version is None else version)
    outcome = logic.commit(services(), actor(directory_admin_routes), steps, stored.version, True)
    return json_response(200, _report(outcome), {"ETag": f'"{outcome.version}"'})


def parse_change(prefix: str, data: dict[str, Any]) -> Change:
    """One change of a batch or a file, or a 400 naming each of its fields after `prefix`."""
    try:
        return _change_adapter().validate_python(data)
    except ValidationError as exc:
        problems = validation_problems(exc, tag=str(data.get("op")))
        details = [FieldProblem(f"{prefix}{p.field}", p.problem, p.problem_ur) for p in problems]
        raise InvalidInput("some changes need correcting", details) from exc


# --- organisations ----------------------------------------------------------------------------------


@directory_admin_routes.route("/v1/admin/organisations", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(
    directory_admin_routes,
    body=OrganisationIn,
    response=OrganisationWritten,
    status=201,
    roles=ADMINS,
    params=("dry_run",),
    raises=WRITE_RAISES,
)
def create_organisation(data: OrganisationIn) -> Response:
    taken = logic.id_free("organisations", data.id, "organisation", "ادارہ")
    outcome = _commit([("", PutOrganisation(op="put_organisation", **data.model_dump()))], precheck=taken)
    return _answer(outcome, _organisation_out(outcome, data.id), 201)


@directory_admin_routes.route(
    "/v1/admin/organisations/{organisation_id}", methods=["PUT"], authorizer=jwt_authorizer, cors=CORS
)
@endpoint(
    directory_admin_routes,
    body=OrganisationFields,
    response=OrganisationWritten,
    roles=DIRECTORY_ADMINS,
    guard=organisation_guard,
    params=("dry_run",),
    raises=WRITE_RAISES,
)
def update_organisation(organisation_id: str, data: OrganisationFields) -> Response:
    organisation_guard(actor(directory_admin_routes).principal, organisation_id)
    found = logic.exists("organisations", organisation_id, "organisation")
    change = PutOrganisation(op="put_organisation", id=_path_id(organisation_id), **data.model_dump())
    outcome = _commit([("", change)], precheck=found)
    return _answer(outcome, _organisation_out(outcome, organisation_id))


@directory_admin_routes.route(
    "/v1/admin/organisations/{organisation_id}/retire", methods=["POST"], authorizer=jwt_authorizer, cors=CORS
)
@endpoint(directory_admin_routes, response=OrganisationWritten, roles=ADMINS, params=("dry_run",), raises=WRITE_RAISES)
def retire_organisation(organisation_id: str) -> Response:
    """Retire an organisation and its offices (refused while rules, fallbacks or open cases need them)."""
    outcome = _commit([("", RetireOrganisation(op="retire_organisation", id=_path_id(organisation_id)))])
    return _answer(outcome, _organisation_out(outcome, organisation_id))


# --- offices ----------------------------------------------------------------------------------------


@directory_admin_routes.route("/v1/admin/offices", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(
    directory_admin_routes,
    body=OfficeIn,
    response=OfficeWritten,
    status=201,
    roles=DIRECTORY_ADMINS,
    params=("dry_run",),
    raises=WRITE_RAISES,
)
def create_office(data: OfficeIn) -> Response:
    """Open an office (its id derived from the organisation and name when not given)."""
    office_id = data.id or logic.new_office_id(services().directory().snapshot, data.organisation_id, data.name)
    fields = data.model_dump(exclude={"id"})
    taken = logic.id_free("offices", office_id, "office", "دفتر")
    outcome = _commit([("", PutOffice(op="put_office", id=office_id, **fields))], precheck=taken)
    return _answer(outcome, _office_out(outcome, office_id), 201)


@directory_admin_routes.route("/v1/admin/offices/{office_id}", methods=["PUT"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(
    directory_admin_routes,
    body=OfficeFields,
    response=OfficeWritten,
    roles=DIRECTORY_ADMINS,
    guard=office_guard,
    params=("dry_run",),
    raises=WRITE_RAISES,
)
def update_office(office_id: str, data: OfficeFields) -> Response:
    """Change an office: names, district, head, districts served, or its place in the tree (never a cycle)."""
    office_guard(actor(directory_admin_routes).principal, office_id)
    found = logic.exists("offices", office_id, "office")
    outcome = _commit([("", PutOffice(op="put_office", id=_path_id(office_id), **data.model_dump()))], precheck=found)
    return _answer(outcome, _office_out(outcome, office_id))


@directory_admin_routes.route(
    "/v1/admin/offices/{office_id}/retire", methods=["POST"], authorizer=jwt_authorizer, cors=CORS
)
@endpoint(
    directory_admin_routes,
    response=OfficeWritten,
    roles=DIRECTORY_ADMINS,
    guard=office_guard,
    params=("dry_run",),
    raises=WRITE_RAISES,
)
def retire_office(office_id: str) -> Response:
    """Retire an office: refused (409) while rules, fallbacks, offices below it or open cases still need it."""
    office_guard(actor(directory_admin_routes).principal, office_id)
    outcome = _commit([("", RetireOffice(op="retire_office", id=_path_id(office_id)))])
    return _answer(outcome, _office_out(outcome, office_id))


# --- categories -------------------------------------------------------------------------------------


@directory_admin_routes.route("/v1/admin/categories", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(
    directory_admin_routes,
    body=CategoryIn,
    response=CategoryWritten,
    status=201,
    roles=DIRECTORY_ADMINS,
    params=("dry_run",),
    raises=WRITE_RAISES,
)
def create_category(data: CategoryIn) -> Response:
    """Add a category; a complaint category needs a route in every district (a fallback office does it)."""
    taken = logic.id_free("categories", data.id, "category", "زمرہ")
    outcome = _commit([("", PutCategory(op="put_category", **data.model_dump()))], precheck=taken)
    return _answer(outcome, _category_out(outcome, data.id), 201)


@directory_admin_routes.route(
    "/v1/admin/categories/{category_id}", methods=["PUT"], authorizer=jwt_authorizer, cors=CORS
)
@endpoint(
    directory_admin_routes,
    body=CategoryFields,
    response=CategoryWritten,
    roles=DIRECTORY_ADMINS,
    guard=category_guard,
    params=("dry_run",),
    raises=WRITE_RAISES,
)
def update_category(category_id: str, data: CategoryFields) -> Response:
    category_guard(actor(directory_admin_routes).principal, category_id)
    found = logic.exists("categories", category_id, "category")
    outcome = _commit(
        [("", PutCategory(op="put_category", id=_path_id(category_id), **data.model_dump()))], precheck=found
    )
    return _answer(outcome, _category_out(outcome, category_id))


@directory_admin_routes.route(
    "/v1/admin/categories/{category_id}/retire", methods=["POST"], authorizer=jwt_authorizer, cors=CORS
)
@endpoint(
    directory_admin_routes,
    response=CategoryWritten,
    roles=DIRECTORY_ADMINS,
    guard=category_guard,
    params=("dry_run",),
    raises=WRITE_RAISES,
)
def retire_category(category_id: str) -> Response:
    """Retire a category: no longer offered, no new case may name it; cases filed under it keep it."""
    category_guard(actor(directory_admin_routes).principal, category_id)
    outcome = _commit([("", RetireCategory(op="retire_category", id=_path_id(category_id)))])
    return _answer(outcome, _category_out(outcome, category_id))


# --- districts --------------------------------------------------------------------------------------


@directory_admin_routes.route("/v1/admin/districts", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(
    directory_admin_routes,
    body=DistrictIn,
    response=DistrictWritten,
    status=201,
    roles=ADMINS,
    params=("dry_run",),
    raises=WRITE_RAISES,
)
def create_district(data: DistrictIn) -> Response:
    """Add a district created since the seed; every complaint category must then reach an office in it."""
    taken = logic.id_free("districts", data.id, "district", "ضلع")
    outcome = _commit([("", PutDistrict(op="put_district", **data.model_dump()))], precheck=taken)
    district = next(d for d in outcome.report.snapshot.districts if d.id == data.id)
    return _answer(outcome, _dump(district), 201)


# --- routing ----------------------------------------------------------------------------------------


def _rule_out(outcome: logic.Outcome, category_id: str, district_id: str) -> dict[str, Any]:
    office = next(
        (
            r.office_id
            for r in outcome.report.snapshot.routing_rules
            if (r.category_id, r.district_id) == (category_id, district_id)
        ),
        None,
    )
    return {"category_id": category_id, "district_id": district_id, "office_id": office}


@directory_admin_routes.route(
    "/v1/admin/routing-rules/{category_id}/{district_id}", methods=["PUT"], authorizer=jwt_authorizer, cors=CORS
)
@endpoint(
    directory_admin_routes,
    body=OfficeRef,
    response=RuleWritten,
    roles=DIRECTORY_ADMINS,
    guard=rule_guard,
    params=("dry_run",),
    raises=WRITE_RAISES,
)
def put_routing_rule(category_id: str, district_id: str, data: OfficeRef) -> Response:
    """Send a category's complaints in a district to an office (a live one)."""
    rule_guard(actor(directory_admin_routes).principal, category_id, district_id)
    change = PutRule(
        op="put_rule", category_id=_path_id(category_id), district_id=_path_id(district_id), office_id=data.office_id
    )
    outcome = _commit([("", change)])
    return _answer(outcome, _rule_out(outcome, category_id, district_id))


@directory_admin_routes.route(
    "/v1/admin/routing-rules/{category_id}/{district_id}", methods=["DELETE"], authorizer=jwt_authorizer, cors=CORS
)
@endpoint(
    directory_admin_routes,
    response=RuleWritten,
    roles=DIRECTORY_ADMINS,
    guard=rule_guard,
    params=("dry_run",),
    raises=WRITE_RAISES,
)
def delete_routing_rule(category_id: str, district_id: str) -> Response:
    """Remove a rule: the category's fallback answers instead (refused when there is none)."""
    rule_guard(actor(directory_admin_routes).principal, category_id, district_id)
    outcome = _commit(
        [("", DeleteRule(op="delete_rule", category_id=_path_id(category_id), district_id=_path_id(district_id)))]
    )
    return _answer(outcome, _rule_out(outcome, category_id, district_id))


@directory_admin_routes.route(
    "/v1/admin/fallbacks/{category_id}", methods=["PUT"], authorizer=jwt_authorizer, cors=CORS
)
@endpoint(
    directory_admin_routes,
    body=OfficeRef,
    response=FallbackWritten,
    roles=DIRECTORY_ADMINS,
    guard=fallback_guard,
    params=("dry_run",),
    raises=WRITE_RAISES,
)
def put_fallback(category_id: str, data: OfficeRef) -> Response:
    """The office a category goes to in a district without its own rule."""
    fallback_guard(actor(directory_admin_routes).principal, category_id)
    outcome = _commit(
        [("", PutFallback(op="put_fallback", category_id=_path_id(category_id), office_id=data.office_id))]
    )
    return _answer(outcome, {"category_id": category_id, "office_id": data.office_id})


# --- SLA policies -----------------------------------------------------------------------------------


@directory_admin_routes.route(
    "/v1/admin/sla-policies/{policy_id}", methods=["PUT"], authorizer=jwt_authorizer, cors=CORS
)
@endpoint(
    directory_admin_routes,
    body=SlaPolicyFields,
    response=SlaPolicyWritten,
    roles=ADMINS,
    params=("dry_run",),
    raises=WRITE_RAISES,
)
def put_sla_policy(policy_id: str, data: SlaPolicyFields) -> Response:
    """Set an SLA policy (created when new): days per level, the head's day, reminder share, feedback windows."""
    parsed = parse_change("", {"op": "put_sla_policy", "id": policy_id, **data.model_dump()})
    outcome = _commit([("", parsed)])
    policy = next(p for p in outcome.report.snapshot.sla_policies if p.id == policy_id)
    return _answer(outcome, _dump(policy))


# --- CSV --------------------------------------------------------------------------------------------


def _csv(text: str, name: str, version: int) -> Response:
    return Response(
        status_code=200,
        body=text,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}.csv"',
            "ETag": f'"{version}"',
        },
    )


def _organisation_param() -> str | None:
    own = _own_organisation(actor(directory_admin_routes).principal)
    named = query(directory_admin_routes.current_request, "organisation_id") or None
    return directory_csv.scope_check(named, own)


def _export_scope() -> str | None:
    """The organisation named (anyone may read any: the directory is public), else an org_admin's own, else all."""
    named = query(directory_admin_routes.current_request, "organisation_id") or None
    return named or _own_organisation(actor(directory_admin_routes).principal)


@directory_admin_routes.route("/v1/admin/routing-rules/export", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(
    directory_admin_routes, response=str, media_type="text/csv", roles=DIRECTORY_ADMINS, params=("organisation_id",)
)
def export_routing_rules() -> Response:
    """The routing rules as CSV (category_id,district_id,office_id): an organisation's offices', or all."""
    stored = _current()
    return _csv(directory_csv.export_rules(stored.snapshot, _export_scope()), "routing-rules", stored.version)


@directory_admin_routes.route("/v1/admin/offices/export", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(
    directory_admin_routes, response=str, media_type="text/csv", roles=DIRECTORY_ADMINS, params=("organisation_id",)
)
def export_offices() -> Response:
    """The offices as CSV (id,organisation_id,parent_id,name,name_ur,district_id,districts_served,head,retired)."""
    stored = _current()
    return _csv(directory_csv.export_offices(stored.snapshot, _export_scope()), "offices", stored.version)


def _raw_body() -> bytes:
    request = directory_admin_routes.current_request
    try:
        raw = request.raw_body or b"" if request is not None else b""
    except ValueError as exc:
        raise InvalidInput("the file is not UTF-8 text", [FieldProblem("file", "not a UTF-8 CSV file")]) from exc
    return raw.encode("utf-8") if isinstance(raw, str) else raw


def _import(kind: str, columns: Sequence[str], build: Any) -> Response:
    organisation_id = _organisation_param()
    rows = directory_csv.read_rows(_raw_body(), columns)
    steps = build(rows, _current().snapshot, organisation_id, parse_change)
    outcome = _commit(steps, directory_csv.import_note(kind, organisation_id, len(rows)))
    added, changed, removed = directory_csv.counts(outcome.report)
    return _answer(outcome, {"rows": len(rows), "added": added, "changed": changed, "removed": removed})


@directory_admin_routes.route(
    "/v1/admin/routing-rules/import",
    methods=["POST"],
    authorizer=jwt_authorizer,
    cors=CORS,
    content_types=["text/csv"],
)
@endpoint(
    directory_admin_routes,
    response=ImportWritten,
    roles=DIRECTORY_ADMINS,
    params=("dry_run", "organisation_id"),
    raises=(409, 428),
    text_body="text/csv",
)
def import_routing_rules() -> Response:
    """Replace an organisation's rules (or all) with a CSV file's, all or nothing; `dry_run=true` first."""
    return _import("routing_rules_import", directory_csv.RULE_COLUMNS, directory_csv.rule_steps)


@directory_admin_routes.route(
    "/v1/admin/offices/import", methods=["POST"], authorizer=jwt_authorizer, cors=CORS, content_types=["text/csv"]
)
@endpoint(
    directory_admin_routes,
    response=ImportWritten,
    roles=DIRECTORY_ADMINS,
    params=("dry_run", "organisation_id"),
    raises=(409, 428),
    text_body="text/csv",
)
def import_offices() -> Response:
    """Create or update the offices of a CSV file (and retire those marked), all or nothing; `dry_run=true` first."""
    return _import("offices_import", directory_csv.OFFICE_COLUMNS, directory_csv.office_steps)
