"""Issue 14's acceptance, over HTTP as the demo admin, through the API only.

Open a new office under LESCO Lahore, route `electricity-overbilling` in a district to it
(the dry run shows the change first), invite an officer there; the complaint filed next is
routed to the new office and the new officer works it; disabling the officer stops their
access at once (the authorizer's cache holds a refused token at most 60 s in AWS); the audit
log, read through `GET /v1/admin/audit` and its CSV export, shows each step.
"""

from __future__ import annotations

import csv
import io

from tests.harness import Stack
from tests.integration.test_actions import actions_path
from tests.integration.test_directory_admin import CIRCLE, office_body, send, version
from tests.integration.test_journey import complaint_body
from tests.integration.test_staff import first_sign_in, invitation, invite


def test_an_admin_opens_an_office_routes_to_it_invites_its_officer_and_every_step_is_audited(stack: Stack) -> None:
    admin, citizen = stack.login("admin"), stack.login("citizen")
    category, district = "electricity-overbilling", "lahore"
    assert stack.demo_route["category_id"] == category and stack.demo_route["district"] == district
    before = stack.demo_route["office_id"]

    # A new office under LESCO's Lahore circle
    at = version(stack, admin)
    opened = send(stack, "POST", "/v1/admin/offices", office_body(name="Model Town Division"), token=admin, at=at)
    assert opened.status == 201, opened.body
    office = opened.json["id"]
    assert opened.json["parent_id"] == CIRCLE and opened.json["organisation_id"] == "lesco"

    # The dry run shows the route that would move, and stores nothing
    rule = f"/v1/admin/routing-rules/{category}/{district}"
    dry = send(stack, "PUT", rule + "?dry_run=true", {"office_id": office}, token=admin, at=at + 1)
    assert dry.status == 200 and dry.json["dry_run"] is True, dry.body
    assert dry.json["changed_routes"] == [
        {"category_id": category, "district_id": district, "from_office_id": before, "to_office_id": office}
    ]
    assert dry.json["unroutable"] == [] and version(stack, admin) == at + 1
    applied = send(stack, "PUT", rule, {"office_id": office}, token=admin, at=at + 1)
    assert applied.status == 200 and applied.json["dry_run"] is False, applied.body

    # An officer invited there signs in for the first time (a new password, an authenticator app)
    made = invite(stack, admin, email="model.town@example.pk", office_id=office, role="officer")
    assert made.status == 201, made.body
    officer = first_sign_in(stack, *invitation(stack, "model.town@example.pk"))
    staff = stack.get(f"/v1/admin/offices/{office}/staff", token=admin).json["items"]
    assert [(s["sub"], s["status"]) for s in staff] == [(made.json["sub"], "active")]

    # The complaint filed next is routed to the new office, and its officer works it
    filed = stack.post("/v1/complaints", complaint_body(stack), token=citizen)
    assert filed.status == 201 and stack.run_route_worker() == 1
    case_id = filed.json["id"]
    assert stack.get(f"/v1/complaints/{case_id}", token=citizen).json["office"]["id"] == office
    queue = stack.get("/v1/officer/cases", token=officer).json["items"]
    assert [c["id"] for c in queue] == [case_id]
    worked = stack.post(actions_path(case_id), {"action": "acknowledge"}, token=officer)
    assert worked.status == 200 and worked.json["status"] == "in_progress", worked.body
    # ... and the office it was taken from does not see it
    assert stack.get(f"/v1/officer/cases/{case_id}", token=stack.login_officer_of(before)).status == 404

    # Disabling the officer stops their access: the next request is refused, and signing in too
    disabled = stack.post(f"/v1/admin/accounts/{made.json['sub']}/disable", {}, token=admin)
    assert disabled.status == 200, disabled.body
    assert stack.get(f"/v1/officer/cases/{case_id}", token=officer).status == 401
    assert stack.get("/v1/officer/cases", token=officer).status == 401

    # The audit log shows each step, newest first, with who and from where
    trail = stack.get(f"/v1/admin/audit?actor={stack.subs['admin']}", token=admin)
    assert trail.status == 200, trail.body
    steps = [(e["object_type"], e["action"]) for e in trail.json["items"]]
    assert steps[:4] == [("account", "disable"), ("account", "invite"), ("routing_rule", "put"), ("office", "create")]
    newest = trail.json["items"][0]
    assert newest["source_ip"] and newest["object_id"] == made.json["sub"]
    assert newest["before"]["enabled"] is True and newest["after"]["enabled"] is False
    rule_entry = trail.json["items"][2]
    assert (rule_entry["before"]["office_id"], rule_entry["after"]["office_id"]) == (before, office)
    # ... and exports as CSV, the same rows
    exported = stack.get(f"/v1/admin/audit/export?actor={stack.subs['admin']}", token=admin)
    assert exported.status == 200 and exported.headers["Content-Type"].startswith("text/csv")
    rows = [r for r in csv.DictReader(io.StringIO(exported.body.decode())) if not r["at"].startswith("#")]
    assert [(r["object_type"], r["action"]) for r in rows[:4]] == steps[:4]
