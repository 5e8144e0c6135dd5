"""The audit trail over HTTP: what admins and officers change is appended, read by actor, object and dates, newest
first, paged, exported as CSV; nothing in the API edits it."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.harness import Stack
from tests.integration.test_actions import actions_path
from tests.integration.test_journey import complaint_body

HOLIDAYS = {"holidays": [{"date": "2026-08-14", "name": "Independence Day", "name_ur": "یوم آزادی"}]}


def trail(stack: Stack, token: str, query: str = "") -> Any:
    reply = stack.get(f"/v1/admin/audit{query}", token=token)
    assert reply.status == 200, reply.body
    return reply.json


def test_holidays_keys_and_moderation_are_on_the_trail_and_read_by_filter(stack: Stack) -> None:
    admin = stack.login("admin")
    before = stack.get("/v1/admin/holidays/2026", token=admin).json["holidays"]
    # When an admin replaces a year's holidays, issues and revokes an Open311 key
    assert stack.request("PUT", "/v1/admin/holidays/2026", json.dumps(HOLIDAYS).encode(), token=admin).status == 200
    issued = stack.post("/v1/admin/open311-keys", {"name": "city app"}, token=admin)
    assert issued.status == 201
    key_id = issued.json["id"]
    assert stack.request("DELETE", f"/v1/admin/open311-keys/{key_id}", token=admin).status == 200
    # And an officer hides the text of a published complaint
    citizen, officer = stack.login("citizen"), stack.login("officer")
    filed = stack.post("/v1/complaints", complaint_body(stack), token=citizen)
    assert filed.status == 201 and stack.run_route_worker() == 1
    case_id = filed.json["id"]
    assert stack.post(f"/v1/complaints/{case_id}/publish", {}, token=citizen).status == 200
    hide = {"action": "hide", "reason": "personal_data", "note": "Names a neighbour."}
    assert stack.post(actions_path(case_id), hide, token=officer).status == 200
    # Then the trail holds each, newest first, who and from where
    items = trail(stack, admin)["items"]
    assert [(e["action"], e["object_type"]) for e in items[:4]] == [
        ("hide", "complaint"),
        ("revoke", "api_key"),
        ("issue", "api_key"),
        ("replace", "holidays"),
    ]
    hidden, revoked, _, replaced = items[:4]
    assert hidden["object_id"] == case_id and hidden["actor_sub"] == stack.subs["officer"]
    assert hidden["actor_role"] == "officer" and hidden["organisation_id"] == "lesco"
    assert hidden["before"] == {"hidden": None} and hidden["after"]["hidden"]["reason"] == "personal_data"
    assert revoked["before"]["revoked"] is False and revoked["after"]["revoked"] is True
    assert "api_key" not in json.dumps(revoked["after"]) or revoked["after"].get("api_key") is None
    assert replaced["object_id"] == "2026" and replaced["before"] == before
    assert replaced["after"] == [
        {"date": "2026-08-14", "name": "Independence Day", "name_ur": "یوم آزادی", "tentative": False}
    ]
    assert all(e["source_ip"] and e["at"] for e in items)
    # And filters read one actor, one object
    officers = trail(stack, admin, f"?actor={stack.subs['officer']}")["items"]
    assert [e["action"] for e in officers] == ["hide"]
    keyed = trail(stack, admin, f"?object_type=api_key&object_id={key_id}")["items"]
    assert [e["action"] for e in keyed] == ["revoke", "issue"]
    # And dates bound them: today holds them all, a day long past none
    today = datetime.now(UTC).date()
    assert len(trail(stack, admin, f"?from={today}&to={today}")["items"]) >= 4
    assert trail(stack, admin, "?from=2026-01-01&to=2026-01-02")["items"] == []
    assert trail(stack, admin, f"?from={today + timedelta(days=1)}")["items"] == []


def test_pages_read_on_with_the_cursor_and_bad_filters_are_400_naming_the_field(stack: Stack) -> None:
    admin = stack.login("admin")
    for n in range(3):
        assert stack.post("/v1/admin/open311-keys", {"name": f"app {n}"}, token=admin).status == 201
    seen: list[str] = []
    query = "?object_type=&limit=2"
    page = trail(stack, admin, query)
    while True:
        seen.extend(e["id"] for e in page["items"])
        if not page["next_cursor"]:
            break
        page = trail(stack, admin, f"{query}&cursor={page['next_cursor']}")
    assert len(seen) == len(set(seen)) == 3
    # A cursor is for the filters it was given with
    first = trail(stack, admin, "?limit=1")
    other = stack.get(f"/v1/admin/audit?limit=1&actor=x&cursor={first['next_cursor']}", token=admin)
    assert other.status == 400 and other.json["error"]["details"][0]["field"] == "cursor"
    for query, field in (
        ("?from=2026-13-01", "from"),
        ("?to=yesterday", "to"),
        ("?from=2026-12-05&to=2026-12-01", "from"),
        ("?object_id=abc", "object_type"),
        ("?limit=500", "limit"),
    ):
        reply = stack.get(f"/v1/admin/audit{query}", token=admin)
        assert reply.status == 400 and [d["field"] for d in reply.json["error"]["details"]] == [field], (
            query,
            reply.body,
        )


def test_the_export_is_csv_of_the_same_entries_with_formulas_defused(stack: Stack) -> None:
    from chalicelib.logic import audit
    from chalicelib.models.audit import Actor
    from chalicelib.models.common import Principal
    from chalicelib.wiring import services

    admin = stack.login("admin")
    assert stack.post("/v1/admin/open311-keys", {"name": '=HYPERLINK("x")'}, token=admin).status == 201
    # An entry whose cells a spreadsheet would run as formulas (a name chosen by a person)
    crafty = Actor(principal=Principal(sub="s-1", role="admin", name="=cmd|' /C calc'!A0"), source_ip="@1.2.3.4")
    audit.record(services(), audit.entry(services(), crafty, "replace", "holidays", "-2027", after={"x": 1}))
    reply = stack.get("/v1/admin/audit/export", token=admin)
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/csv")
    assert reply.headers["X-Export-Truncated"] == "false"
    rows = list(csv.reader(io.StringIO(reply.body.decode("utf-8"))))
    assert rows[0] == [
        "at",
        "actor_sub",
        "actor_role",
        "actor_name",
        "source_ip",
        "action",
        "object_type",
        "object_id",
        "organisation_id",
        "before",
        "after",
    ]
    assert int(reply.headers["X-Export-Rows"]) == len(rows) - 1 == 2
    newest, issued = rows[1], rows[2]
    assert newest[3] == "'=cmd|' /C calc'!A0" and newest[4] == "'@1.2.3.4" and newest[7] == "'-2027"
    assert json.loads(newest[10]) == {"x": 1} and newest[9] == "null"
    assert json.loads(issued[10])["name"] == '=HYPERLINK("x")'
    # The same filters as the list
    only = stack.get("/v1/admin/audit/export?object_type=api_key", token=admin)
    assert len(list(csv.reader(io.StringIO(only.body.decode("utf-8"))))) == 2
    bad = stack.get("/v1/admin/audit/export?from=03-12-2026", token=admin)
    assert bad.status == 400 and bad.json["error"]["details"][0]["field"] == "from"


def test_nothing_in_the_api_updates_or_deletes_the_trail() -> None:
    from app import app

    audit_routes = {(path, method) for path, methods in app.routes.items() if "/audit" in path for method in methods}
    assert audit_routes == {("/v1/admin/audit", "GET"), ("/v1/admin/audit/export", "GET")}
