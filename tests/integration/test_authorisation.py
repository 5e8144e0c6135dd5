"""Who may call comes before what is sent: every authorised route, walked from the route table, over HTTP.

Without a token a route answers 401; a role it does not serve, 403; a citizen or officer
who may not touch the case the path names, 404 — each whatever the body (empty, `{}`,
not JSON, a field nobody expects), never a 400 that would describe the body to them.
The owner sending the same bodies hears the 400: the guard lets them through.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib.api.contract import Contract
from tests.harness import Stack, running_stack
from tests.integration.test_journey import complaint_body

NONSENSE = (b"", b"{}", b"nonsense", b'{"unexpected": [1, 2]}')
# What never passes any body model (`{}` does for some: a withdrawal's reason is optional).
REFUSED = (b"", b"nonsense", b'{"unexpected": [1, 2]}')
ROLES = ("citizen", "officer", "admin", "org_admin")
# The identity routes (api/auth.py) are being rewritten elsewhere; they serve every signed-in
# role and still rely on the authorizer alone. Every other authorised route declares its roles.
UNDECLARED: set[tuple[str, str]] = set()
# The path parameters that name one of the citizen's cases.
CASE_PARAMS = ("case_id", "request_id", "feedback_id")


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    contract: Contract
    params: tuple[str, ...]
    # The type of body the route takes (Chalice answers 415 to any other before the view runs).
    content_type: str = "application/json"

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def authorised_routes() -> list[Route]:
    from app import app

    return [
        Route(
            method,
            path,
            getattr(entry.view_function, "contract", Contract()),
            tuple(entry.view_args),
            entry.content_types[0] if entry.content_types else "application/json",
        )
        for path, methods in sorted(app.routes.items())
        for method, entry in sorted(methods.items())
        if entry.authorizer is not None
    ]


ROUTES = authorised_routes()


@dataclass
class World:
    """A stack with one case of each kind for `citizen`, the complaint routed to the demo office."""

    stack: Stack
    values: dict[str, str]

    def path(self, route: Route) -> str:
        path = route.path
        # A triage route names a complaint filed "not sure" of its category, waiting in the triage queue.
        values = {**self.values, "case_id": self.values["triage_case_id"]} if _triage(route) else self.values
        for name in route.params:
            path = path.replace("{" + name + "}", values[name])
        return path

    def call(self, route: Route, body: bytes, token: str | None) -> Any:
        headers = {"content-type": route.content_type}
        return self.stack.request(route.method, self.path(route), body, token=token, headers=headers)

    def token(self, role: str) -> str:
        if role == "org_admin" and role not in self.stack.tokens:
            # LESCO's administrator: a staff account in group org_admin naming one of LESCO's offices.
            username = "org_admin@example.pk"
            self.stack.subs[role] = self.stack._create_account(username, "org_admin", self.stack.supervisor_office_id)
            self.stack.tokens[role] = self.stack._token(username)
        return self.stack.login(role) if role != "org_admin" else self.stack.tokens[role]

    def stranger(self, route: Route) -> str:
        """A caller of a role the route serves, who may not touch the case its path names."""
        roles = route.contract.roles or ()
        if "officer" in roles:
            return self.stack.login_officer_of(self.stack.other_office_id)
        return self.stack.login("citizen2")

    def owner(self, route: Route) -> str:
        roles = route.contract.roles or ()
        if _triage(route):
            return self.stack.login("admin")  # who works the triage queue (an officer not designated for it: 404)
        return self.stack.login("officer") if "officer" in roles else self.stack.login("citizen")


def _triage(route: Route) -> bool:
    return route.path.startswith("/v1/triage/")


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with running_stack() as stack:
        citizen = stack.login("citizen")
        complaint = stack.post("/v1/complaints", complaint_body(stack), token=citizen)
        assert complaint.status == 201, complaint.body
        assert stack.run_route_worker() == 1
        question = {"organisation_id": "lesco", "subject": "Feeder load", "question": "What was the load of feeder 12?"}
        request = stack.post("/v1/information-requests", question, token=citizen)
        assert request.status == 201, request.body
        # A complaint filed "not sure" of its category that no model placed: it waits in the triage queue.
        unsure = stack.post("/v1/complaints", complaint_body(stack, category_id="not-sure"), token=citizen)
        assert unsure.status == 201, unsure.body
        assert stack.run_route_worker() == 1
        thanks = {"kind": "appreciation", "organisation_id": "lesco", "message": "Thank you for the quick repair."}
        feedback = stack.post("/v1/feedback", thanks, token=citizen)
        assert feedback.status == 201, feedback.body
        values = {
            "case_id": complaint.json["id"],
            "triage_case_id": unsure.json["id"],
            "request_id": request.json["id"],
            "feedback_id": feedback.json["id"],
            "year": "2026",
            "key_id": "0123456789ab",
            "sub": "00000000-0000-4000-8000-000000000000",
            "name": "intake",
            # The directory's objects (any role that may not change them hears 403 first).
            "organisation_id": "lesco",
            "office_id": stack.demo_route["office_id"],
            "category_id": stack.demo_route["category_id"],
            "district_id": stack.demo_route["district"],
            "policy_id": "default",
        }
        yield World(stack, values)


def _refused(reply: Any, status: int, route: Route, body: bytes, who: str) -> str | None:
    if reply.status == status and reply.json["error"]["code"] and not reply.json["error"]["details"]:
        return None
    return f"{route} as {who} with {body!r}: {reply.status} {reply.body[:200]!r}"


def test_every_authorised_route_declares_who_may_call_it_and_guards_the_case_it_names() -> None:
    undeclared = {(r.method, r.path) for r in ROUTES if r.contract.roles is None}
    assert undeclared == UNDECLARED
    for route in ROUTES:
        names_a_case = any(p in CASE_PARAMS for p in route.params)
        if names_a_case and route.contract.body is not None:
            assert route.contract.guard is not None, f"{route} reads a body about a case but has no guard"


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_without_a_token_every_authorised_route_is_401_whatever_the_body(world: World, route: Route) -> None:
    failures = [_refused(world.call(route, body, None), 401, route, body, "nobody") for body in NONSENSE]
    assert not [f for f in failures if f], failures


@pytest.mark.parametrize("route", [r for r in ROUTES if r.contract.roles is not None], ids=str)
def test_a_role_the_route_does_not_serve_is_403_whatever_the_body(world: World, route: Route) -> None:
    others = [role for role in ROLES if role not in (route.contract.roles or ())]
    failures = [
        _refused(world.call(route, body, world.token(role)), 403, route, body, role)
        for role in others
        for body in NONSENSE
    ]
    assert not [f for f in failures if f], failures


CASE_ROUTES = [r for r in ROUTES if any(p in CASE_PARAMS for p in r.params)]


@pytest.mark.parametrize("route", CASE_ROUTES, ids=str)
def test_a_stranger_to_the_case_is_404_whatever_the_body_and_its_owner_hears_the_400(
    world: World, route: Route
) -> None:
    # Given a case of the citizen's (at the demo office), and someone of the same role it is not theirs
    stranger = world.stranger(route)
    # When they call the route with a body that would not pass, Then 404: nothing about the body
    failures = [_refused(world.call(route, body, stranger), 404, route, body, "a stranger") for body in NONSENSE]
    assert not [f for f in failures if f], failures
    # And the one whose case it is hears what the body lacks
    if route.contract.body is not None:
        for body in REFUSED:
            reply = world.call(route, body, world.owner(route))
            assert reply.status == 400 and reply.json["error"]["details"], (str(route), body, reply.body)


def test_a_stranger_with_a_bad_if_match_is_404_too(world: World) -> None:
    case_id = world.values["case_id"]
    reply = world.stack.request(
        "POST",
        f"/v1/complaints/{case_id}/withdraw",
        b"{}",
        token=world.stack.login("citizen2"),
        headers={"If-Match": "not-a-version"},
    )
    assert reply.status == 404, reply.body
    own = world.stack.request(
        "POST", f"/v1/complaints/{case_id}/withdraw", b"{}", token=world.token("citizen"), headers={"If-Match": "x"}
    )
    assert own.status == 400 and own.json["error"]["details"][0]["field"] == "If-Match", own.body


def test_an_organisation_admin_is_held_to_its_organisation_and_kept_from_the_portals_settings(world: World) -> None:
    stack = world.stack
    org_admin = world.token("org_admin")
    # Another organisation's office and its staff's accounts are not there for them (404) ...
    stranger = stack.login_officer_of(stack.other_office_id)
    assert stranger
    other_sub = stack.subs[f"officer:{stack.other_office_id}"]
    assert stack.get(f"/v1/admin/offices/{stack.other_office_id}/staff", token=org_admin).status == 404
    invite = {"name": "Someone", "email": "someone@example.pk", "office_id": stack.other_office_id}
    assert stack.post("/v1/admin/staff", invite, token=org_admin).status == 404
    for action in ("disable", "enable"):
        assert stack.post(f"/v1/admin/accounts/{other_sub}/{action}", {}, token=org_admin).status == 404
    for path, body in (
        (f"/v1/admin/accounts/{other_sub}/office", {"office_id": stack.demo_route["office_id"]}),
        (f"/v1/admin/accounts/{other_sub}/supervisor", {"supervisor": True}),
    ):
        assert stack.request("PUT", path, json.dumps(body).encode(), token=org_admin).status == 404, path
        # whatever the body: nothing about it is said to one who may not change the account
        for refused in REFUSED:
            assert stack.request("PUT", path, refused, token=org_admin).status == 404, (path, refused)
    # ... a citizen's account neither, nor the portal admin's
    stack.login("citizen")
    for sub in (stack.subs["citizen"], stack.subs.get("admin") or stack.subs["citizen"]):
        assert stack.post(f"/v1/admin/accounts/{sub}/disable", {}, token=org_admin).status == 404
    # ... while their own organisation's office is theirs
    assert stack.get(f"/v1/admin/offices/{stack.demo_route['office_id']}/staff", token=org_admin).status == 200
    # And the portal's own settings are admins' only (403)
    holidays = stack.request("PUT", "/v1/admin/holidays/2026", b'{"holidays": []}', token=org_admin)
    assert holidays.status == 403
    assert stack.get("/v1/admin/holidays/2026", token=org_admin).status == 403
    assert stack.post("/v1/admin/open311-keys", {"name": "x"}, token=org_admin).status == 403
    assert stack.get("/v1/admin/open311-keys", token=org_admin).status == 403
    assert stack.request("DELETE", "/v1/admin/open311-keys/0123456789ab", token=org_admin).status == 403
    assert stack.request("DELETE", f"/v1/admin/accounts/{other_sub}", token=org_admin).status == 403


# The directory objects a path may name: another organisation's, for the org_admin (of LESCO, the demo office's).
DIRECTORY_PARAMS = ("organisation_id", "office_id", "category_id", "district_id", "policy_id")
DIRECTORY_ROUTES = [
    r
    for r in ROUTES
    if "org_admin" in (r.contract.roles or ())
    and r.params
    and all(p in DIRECTORY_PARAMS for p in r.params)
    # an office's staff are people, not public directory data: another organisation's are 404 (test above)
    and not r.path.endswith("/staff")
]


@pytest.mark.parametrize("route", DIRECTORY_ROUTES, ids=str)
def test_an_organisation_admin_outside_its_subtree_is_403_whatever_the_body(world: World, route: Route) -> None:
    # Given objects of other organisations: IESCO, an office of another organisation, a category LESCO shares
    # with others, a district whose electricity K-Electric serves
    foreign = {
        "organisation_id": "iesco",
        "office_id": world.stack.other_office_id,
        "category_id": "electricity-overbilling",
        "district_id": "karachi",
    }
    path = route.path
    for name in route.params:
        path = path.replace("{" + name + "}", foreign[name])
    token = world.token("org_admin")
    headers = {"content-type": route.content_type, "If-Match": '"1"'}
    failures = []
    for body in NONSENSE:
        reply = world.stack.request(route.method, path, body, token=token, headers=headers)
        if reply.status != 403 or reply.json["error"]["details"]:
            failures.append(f"{route} with {body!r}: {reply.status} {reply.body[:200]!r}")
    assert not failures, failures


def test_an_organisations_topics_are_its_own_staffs_and_the_admins(world: World) -> None:
    # LESCO's organisation admin and the demo office's officer read LESCO's topics; IESCO's are not there for them
    stack = world.stack
    for role in ("org_admin", "officer"):
        token = world.token(role)
        assert stack.get("/v1/officer/topics", token=token).json["organisation_id"] == "lesco"
        assert stack.get("/v1/officer/topics?organisation=iesco", token=token).status == 404
    # An officer of another organisation does not read LESCO's; the portal's admin reads any
    stranger = stack.login_officer_of(stack.other_office_id)
    assert stack.get("/v1/officer/topics?organisation=lesco", token=stranger).status == 404
    assert stack.get("/v1/officer/topics?organisation=iesco", token=world.token("admin")).status == 200
