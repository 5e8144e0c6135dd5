"""Information requests and the holiday calendar over HTTP, moto behind."""

from __future__ import annotations

import json
from typing import Any

from tests.harness import Stack

LESCO_OFFICIAL = "lesco-information-officer"


def ask(stack: Stack, **overrides: Any) -> Any:
    body = {"organisation_id": "lesco", "subject": "Feeder load", "question": "What was the load of feeder 12?"}
    return stack.post("/v1/information-requests", {**body, **overrides}, token=stack.login("citizen"))


def act(stack: Stack, request_id: str, body: dict[str, Any]) -> Any:
    return stack.post(f"/v1/officer/cases/{request_id}/actions", body, token=stack.login_officer_of(LESCO_OFFICIAL))


def test_ask_extend_answer_and_appeal_with_the_api_names(stack: Stack) -> None:
    filed = ask(stack)
    assert filed.status == 201, filed.body
    request_id = filed.json["id"]
    assert filed.json["status"] == "routed" and filed.json["due_at"].endswith("T18:59:59Z")
    assert filed.json["office"]["id"] == LESCO_OFFICIAL
    # The official sees it in the one queue with kind=information, and extends it once with a reason
    queue = stack.get("/v1/officer/cases?kind=information", token=stack.login_officer_of(LESCO_OFFICIAL))
    assert [c["id"] for c in queue.json["items"]] == [request_id]
    extended = act(stack, request_id, {"action": "extend", "note": "The logs are at the grid station."})
    assert extended.status == 200, extended.body
    assert extended.json["due_at"] > filed.json["due_at"] and extended.json["extended_at"]
    again = act(stack, request_id, {"action": "extend", "note": "Still looking."})
    assert again.status == 409 and again.json["error"]["code"] == "transition_not_allowed"
    # A refusal without an exemption is a 400 naming it
    bare = act(stack, request_id, {"action": "refuse", "note": "No."})
    assert bare.status == 400 and "exemption" in [d["field"] for d in bare.json["error"]["details"]]
    answered = act(stack, request_id, {"action": "answer", "note": "Peak load 9.8 MW on 3 November."})
    assert answered.status == 200 and answered.json["status"] == "answered", answered.body
    # The citizen reads the answer and appeals to the Information Commission
    citizen = stack.login("citizen")
    mine = stack.get(f"/v1/information-requests/{request_id}", token=citizen).json
    assert mine["answer"]["note"] == "Peak load 9.8 MW on 3 November." and mine["appeal_until"]
    appeal = stack.post(
        f"/v1/information-requests/{request_id}/appeal", {"grounds": "I asked for every day."}, token=citizen
    )
    assert appeal.status == 200, appeal.body
    assert appeal.json["status"] == "appealed" and appeal.json["office"]["id"] == "pic-islamabad"
    assert [r["id"] for r in stack.get("/v1/information-requests", token=citizen).json["items"]] == [request_id]
    assert stack.get(f"/v1/complaints/{request_id}", token=citizen).status == 404


def test_bad_requests_are_400s_that_name_the_field(stack: Stack) -> None:
    for overrides, field in (
        ({"organisation_id": "nowhere"}, "organisation_id"),
        ({"question": "short"}, "question"),
        ({"status": "answered"}, "status"),
    ):
        reply = ask(stack, **overrides)
        assert reply.status == 400, (overrides, reply.body)
        assert field in [d["field"] for d in reply.json["error"]["details"]], reply.body


def test_holidays_are_public_to_read_and_only_an_admin_edits_them(stack: Stack) -> None:
    public = stack.get("/v1/holidays/2026")
    assert public.status == 200
    assert next(h for h in public.json["holidays"] if h["date"] == "2026-08-14")["name"] == "Independence Day"
    eid = [{"date": "2026-03-21", "name": "Eid ul Fitr", "name_ur": "عید الفطر", "tentative": False}]
    admin = stack.login("admin")
    put = stack.request("PUT", "/v1/admin/holidays/2026", _json({"holidays": eid}), token=admin)
    assert put.status == 200, put.body
    assert stack.get("/v1/holidays/2026").json["holidays"][0]["name_ur"] == "عید الفطر"
    citizen_put = stack.request(
        "PUT", "/v1/admin/holidays/2026", _json({"holidays": eid}), token=stack.login("citizen")
    )
    assert citizen_put.status == 403
    wrong_year = stack.request("PUT", "/v1/admin/holidays/2027", _json({"holidays": eid}), token=admin)
    assert wrong_year.status == 400 and wrong_year.json["error"]["details"][0]["field"] == "holidays[0].date"
    extra = stack.request("PUT", "/v1/admin/holidays/2026", _json({"holidays": eid, "x": 1}), token=admin)
    assert extra.status == 400


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()
