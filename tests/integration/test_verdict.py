"""The citizen's verdict and the deadlines sweeper over HTTP, moto behind: the journey of issue 3."""

from __future__ import annotations

from typing import Any

from tests.harness import Stack
from tests.integration.test_actions import actions_path, routed_case

DAY = 24 * 60.0


def feedback(stack: Stack, case_id: str, body: dict[str, Any], token: str | None = None) -> Any:
    return stack.post(f"/v1/complaints/{case_id}/feedback", body, token=token or stack.login("citizen"))


def resolve(stack: Stack, case_id: str, token: str, note: str) -> None:
    body = {"action": "resolve", "outcome": "partial_relief", "note": note}
    reply = stack.post(actions_path(case_id), body, token=token)
    assert reply.status == 200, reply.body


def test_not_satisfied_reopens_one_level_up_and_the_supervisor_closes_it_with_a_satisfied_citizen(
    stack: Stack,
) -> None:
    # Given a complaint the office resolved
    case_id = routed_case(stack)
    resolve(stack, case_id, stack.login("officer"), "Half of the excess units refunded.")
    # When the citizen is not satisfied, with a reason
    reopened = feedback(stack, case_id, {"satisfied": False, "rating": 2, "comment": "Only half was refunded."})
    # Then it is reopened at the supervising office, one level up, and the reason is on the timeline
    assert reopened.status == 200, reopened.body
    case = reopened.json
    assert case["status"] == "reopened" and case["level"] == 1
    assert case["office"]["id"] == stack.supervisor_office_id
    assert [e["type"] for e in case["timeline"]][-2:] == ["feedback", "reopened"]
    assert case["timeline"][-1]["note"] == "Only half was refunded."
    # And the supervisor has it in their queue, acknowledges and resolves it
    supervisor = stack.login("supervisor")
    assert case_id in [c["id"] for c in stack.get("/v1/officer/cases", token=supervisor).json["items"]]
    assert stack.post(actions_path(case_id), {"action": "acknowledge"}, token=supervisor).status == 200
    resolve(stack, case_id, supervisor, "The remaining units refunded on the next bill.")
    # When the citizen is satisfied this time
    closed = feedback(stack, case_id, {"satisfied": True, "rating": 5})
    # Then the case is closed, and no second verdict is taken
    assert closed.status == 200, closed.body
    assert closed.json["status"] == "closed" and closed.json["feedback"]["satisfied"] is True
    again = feedback(stack, case_id, {"satisfied": False, "rating": 1})
    assert again.status == 409 and again.json["error"]["code"] == "transition_not_allowed"
    types = [e["type"] for e in stack.get(f"/v1/complaints/{case_id}", token=stack.login("citizen")).json["timeline"]]
    assert types == [
        "submitted",
        "routed",
        "resolved",
        "feedback",
        "reopened",
        "acknowledged",
        "resolved",
        "feedback",
        "closed",
    ]


def test_a_verdict_is_checked_field_by_field_and_only_after_a_resolution(stack: Stack) -> None:
    case_id = routed_case(stack)
    early = feedback(stack, case_id, {"satisfied": True, "rating": 4})
    assert early.status == 409 and early.json["error"]["code"] == "transition_not_allowed"
    for body, field in (
        ({"satisfied": True, "rating": 0}, "rating"),
        ({"satisfied": True, "rating": 6}, "rating"),
        ({"rating": 3}, "satisfied"),
        ({"satisfied": True, "rating": 3, "status": "closed"}, "status"),
    ):
        bad = feedback(stack, case_id, body)
        assert bad.status == 400, (body, bad.body)
        assert field in [d["field"] for d in bad.json["error"]["details"]], bad.body
    other = feedback(stack, case_id, {"satisfied": True, "rating": 4}, token=stack.login("citizen2"))
    assert other.status == 404


def test_an_untouched_complaint_escalates_after_its_deadline_and_a_second_run_changes_nothing(stack: Stack) -> None:
    # Given a routed complaint nobody acts on
    case_id = routed_case(stack)
    citizen = stack.login("citizen")
    # When the sweeper runs as if 16 days had passed, the office is reminded
    assert stack.run_sweeper(minutes_from_now=16 * DAY)["reminded"] == 1
    # When it runs as if 25 days had passed
    report = stack.run_sweeper(minutes_from_now=25 * DAY)
    # Then the complaint is one level up at the supervising office, and the timeline shows it
    assert report["escalated"] == 1, report
    case = stack.get(f"/v1/complaints/{case_id}", token=citizen).json
    assert case["level"] == 1 and case["office"]["id"] == stack.supervisor_office_id
    assert [e["type"] for e in case["timeline"]][-2:] == ["reminded", "escalated"]
    # And a second run at the same moment changes nothing
    again = stack.run_sweeper(minutes_from_now=25 * DAY)
    assert again["escalated"] == 0 and again["examined"] == 0, again
    assert stack.get(f"/v1/complaints/{case_id}", token=citizen).json["version"] == case["version"]
    # The citizen was told in their language; the supervisor's office inbox has the escalation
    notices = stack.get("/v1/notifications", token=citizen).json["items"]
    assert notices[0]["type"] == "escalated" and notices[0]["case_id"] == case_id
    office_notices = stack.get("/v1/notifications", token=stack.login("supervisor")).json["items"]
    assert "office_escalated_in" in [n["type"] for n in office_notices]
