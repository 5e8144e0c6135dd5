"""A client that knows nothing of the workflow but what each case says: it takes a complaint to closure over HTTP.

The client below holds no list of actions, reasons or deadlines: it reads `allowed_actions`
from the case, fills the fields they describe, and posts to the path they name.
"""

from __future__ import annotations

from typing import Any

from tests.harness import Stack
from tests.integration.test_journey import complaint_body


def offered(case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["action"]: a for a in case["allowed_actions"]}


def take(stack: Stack, token: str, case: dict[str, Any], name: str, **values: Any) -> dict[str, Any]:
    """Send the action `name` the case offers, with the fields' first choices unless `values` says otherwise."""
    action = offered(case)[name]
    body: dict[str, Any] = dict(action["fixed"])
    for field in action["fields"]:
        if field["name"] in values:
            body[field["name"]] = values[field["name"]]
        elif field["required"] and field["choices"]:
            body[field["name"]] = field["choices"][0]["value"]
        elif field["required"]:
            assert field["type"] == "text", field
            body[field["name"]] = "As the form asks."
    reply = stack.post(action["path"], body, token=token, headers={"If-Match": str(case["version"])})
    assert reply.status == 200, (name, reply.body)
    answer: dict[str, Any] = reply.json
    return answer


def test_a_complaint_goes_from_routed_to_closed_through_what_each_case_offers(stack: Stack) -> None:
    citizen, officer, supervisor = stack.login("citizen"), stack.login("officer"), stack.login("supervisor")
    filed = stack.post("/v1/complaints", complaint_body(stack), token=citizen)
    assert filed.status == 201 and list(offered(filed.json)) == ["withdraw", "publish"]
    assert stack.run_route_worker() == 1
    case_id = filed.json["id"]
    # The office sees every officer action a routed case takes, each with its fields, and how urgent it is
    seen = stack.get(f"/v1/officer/cases/{case_id}", token=officer).json
    assert list(offered(seen)) == ["acknowledge", "note", "request_info", "transfer", "resolve", "reject"]
    assert seen["urgency"] == "on_time" and seen["remind_at"] < seen["due_at"]
    reject = offered(seen)["reject"]
    assert reject["note_required"] and reject["path"] == f"/v1/officer/cases/{case_id}/actions"
    reasons = next(f for f in reject["fields"] if f["name"] == "reason")["choices"]
    assert [c["value"] for c in reasons] == [
        "duplicate",
        "sub_judice",
        "outside_jurisdiction",
        "insufficient_information",
        "abusive",
    ]
    assert all(c["label_ur"] for c in reasons)
    # It asks the citizen for details; the citizen's case now offers a reply
    asked = take(stack, officer, seen, "request_info", note="Your meter number?")
    assert "request_info" not in offered(asked) and asked["urgency"] is None
    mine = stack.get(f"/v1/complaints/{case_id}", token=citizen).json
    assert list(offered(mine)) == ["reply", "withdraw", "publish"]
    take(stack, citizen, mine, "reply", message="Meter 4471.")
    # The office resolves it; the citizen may now only give a verdict, until a date the case names
    resolved = take(stack, officer, stack.get(f"/v1/officer/cases/{case_id}", token=officer).json, "resolve")
    assert resolved["status"] == "resolved" and offered(resolved) == {}  # nothing for the office until the verdict
    mine = stack.get(f"/v1/complaints/{case_id}", token=citizen).json
    verdict = offered(mine)["feedback"]
    assert list(offered(mine)) == ["feedback", "publish"] and verdict["until"] == mine["feedback_until"]
    # Not satisfied: it reopens a level up, where the supervisor's view offers the work again
    reopened = take(stack, citizen, mine, "feedback", satisfied=False, rating=2, comment="Still wrong.")
    assert reopened["status"] == "reopened" and reopened["level"] == 1
    above = stack.get(f"/v1/officer/cases/{case_id}", token=supervisor).json
    assert "acknowledge" in offered(above)
    take(stack, supervisor, above, "resolve", note="Refund issued.")
    # Satisfied: closed, and nothing more is offered to anyone
    closed = take(
        stack, citizen, stack.get(f"/v1/complaints/{case_id}", token=citizen).json, "feedback", satisfied=True, rating=5
    )
    assert closed["status"] == "closed" and list(offered(closed)) == ["publish"]
    assert offered(stack.get(f"/v1/officer/cases/{case_id}", token=supervisor).json) == {}


def test_what_is_not_offered_is_refused_the_same_way(stack: Stack) -> None:
    citizen = stack.login("citizen")
    filed = stack.post("/v1/complaints", complaint_body(stack), token=citizen)
    assert stack.run_route_worker() == 1
    case_id = filed.json["id"]
    mine = stack.get(f"/v1/complaints/{case_id}", token=citizen).json
    assert "feedback" not in offered(mine)
    refused = stack.post(f"/v1/complaints/{case_id}/feedback", {"satisfied": True, "rating": 5}, token=citizen)
    assert refused.status == 409 and refused.json["error"]["code"] == "transition_not_allowed"
