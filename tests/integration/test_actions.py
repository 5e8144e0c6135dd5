"""Officer actions and the citizen's reply/withdraw over HTTP, moto behind."""

from __future__ import annotations

from tests.harness import Stack
from tests.integration.test_journey import complaint_body


def routed_case(stack: Stack) -> str:
    filed = stack.post("/v1/complaints", complaint_body(stack), token=stack.login("citizen"))
    assert filed.status == 201, filed.body
    assert stack.run_route_worker() == 1
    return str(filed.json["id"])


def supervisor_of(stack: Stack, office_id: str) -> str:
    """A token of an officer of `office_id` in the staff group `supervisor` (who answers other organisations)."""
    from chalicelib import aws

    stack.login_officer_of(office_id)
    username = f"officer.{office_id}@example.pk"
    pool = stack.resources["STAFF_POOL_ID"]
    aws.client("cognito-idp").admin_add_user_to_group(UserPoolId=pool, Username=username, GroupName="supervisor")
    stack.tokens[f"officer:{office_id}"] = stack._token(username)
    return stack.tokens[f"officer:{office_id}"]


def actions_path(case_id: str) -> str:
    return f"/v1/officer/cases/{case_id}/actions"


def test_acknowledge_with_the_current_version_moves_it_on_and_a_stale_one_is_409(stack: Stack) -> None:
    # Given a routed case and its officer
    case_id = routed_case(stack)
    officer = stack.login("officer")
    version = stack.get(f"/v1/officer/cases/{case_id}", token=officer).json["version"]
    # When the officer acknowledges it with If-Match set to that version
    acked = stack.post(
        actions_path(case_id), {"action": "acknowledge"}, token=officer, headers={"If-Match": str(version)}
    )
    # Then it is in progress one version on, with the event on the timeline
    assert acked.status == 200, acked.body
    assert acked.json["status"] == "in_progress" and acked.json["version"] == version + 1
    assert acked.json["timeline"][-1]["type"] == "acknowledged"
    # And the same If-Match again is stale: 409, nothing changes
    stale = stack.post(
        actions_path(case_id), {"action": "note", "note": "Too late"}, token=officer, headers={"If-Match": str(version)}
    )
    assert stale.status == 409 and stale.json["error"]["code"] == "version_conflict"
    # And an If-Match that is not a number is a 400 naming it
    bad = stack.post(actions_path(case_id), {"action": "acknowledge"}, token=officer, headers={"If-Match": "latest"})
    assert bad.status == 400 and bad.json["error"]["details"][0]["field"] == "If-Match"
    # And acknowledging twice is a forbidden transition
    again = stack.post(actions_path(case_id), {"action": "acknowledge"}, token=officer)
    assert again.status == 409 and again.json["error"]["code"] == "transition_not_allowed"
    assert stack.get(f"/v1/complaints/{case_id}", token=stack.login("citizen")).json["version"] == version + 1


def test_a_resolved_case_leaves_the_queue_and_the_citizen_sees_the_resolution(stack: Stack) -> None:
    # Given a routed case in the officer's queue
    case_id = routed_case(stack)
    officer = stack.login("officer")
    assert case_id in [c["id"] for c in stack.get("/v1/officer/cases", token=officer).json["items"]]
    # When the officer resolves it
    body = {"action": "resolve", "outcome": "relief_granted", "note": "Bill corrected to 120 units."}
    resolved = stack.post(actions_path(case_id), body, token=officer)
    # Then it is resolved and no longer in the office queue
    assert resolved.status == 200, resolved.body
    assert resolved.json["status"] == "resolved"
    assert case_id not in [c["id"] for c in stack.get("/v1/officer/cases", token=officer).json["items"]]
    # And the citizen sees the outcome and is asked for their verdict
    citizen = stack.login("citizen")
    tracked = stack.get(f"/v1/complaints/{case_id}", token=citizen).json
    assert tracked["resolution"]["outcome"] == "relief_granted"
    notes = stack.get("/v1/notifications", token=citizen).json["items"]
    assert "resolved" in [n["type"] for n in notes]  # same second as the routing: order not guaranteed


def test_only_officers_in_scope_act(stack: Stack) -> None:
    # Given a routed case
    case_id = routed_case(stack)
    # When a citizen calls the officer route, Then 403
    as_citizen = stack.post(actions_path(case_id), {"action": "acknowledge"}, token=stack.login("citizen"))
    assert as_citizen.status == 403 and as_citizen.json["error"]["code"] == "forbidden"
    # When another office's officer does, Then 404
    outsider = stack.login_officer_of(stack.other_office_id)
    assert stack.post(actions_path(case_id), {"action": "acknowledge"}, token=outsider).status == 404
    # When the supervisor above the office does, Then it goes through
    assert stack.post(actions_path(case_id), {"action": "acknowledge"}, token=stack.login("supervisor")).status == 200


def test_reject_needs_a_reason_from_the_fixed_list(stack: Stack) -> None:
    case_id = routed_case(stack)
    officer = stack.login("officer")
    for body in (
        {"action": "reject", "note": "Not ours"},
        {"action": "reject", "reason": "not_our_department", "note": "Not ours"},
    ):
        refused = stack.post(actions_path(case_id), body, token=officer)
        assert refused.status == 400, refused.body
        assert [d["field"] for d in refused.json["error"]["details"]] == ["reason"]
    unknown = stack.post(actions_path(case_id), {"action": "close", "note": "x"}, token=officer)
    assert unknown.status == 400 and unknown.json["error"]["details"][0]["field"] == "action"
    rejected = stack.post(
        actions_path(case_id), {"action": "reject", "reason": "duplicate", "note": "See C-1"}, token=officer
    )
    assert rejected.status == 200 and rejected.json["status"] == "rejected"


def test_the_citizen_replies_to_a_request_and_can_withdraw(stack: Stack) -> None:
    # Given an officer's request for details
    case_id = routed_case(stack)
    citizen = stack.login("citizen")
    asked = stack.post(
        actions_path(case_id), {"action": "request_info", "note": "Your meter number?"}, token=stack.login("officer")
    )
    assert asked.json["status"] == "awaiting_citizen"
    # When someone else replies, Then 404; when the citizen replies, Then it is back in progress
    assert (
        stack.post(f"/v1/complaints/{case_id}/reply", {"message": "4471"}, token=stack.login("citizen2")).status == 404
    )
    replied = stack.post(f"/v1/complaints/{case_id}/reply", {"message": "Meter 4471"}, token=citizen)
    assert replied.status == 200 and replied.json["status"] == "in_progress"
    assert replied.json["timeline"][-1] == {
        **replied.json["timeline"][-1],
        "type": "citizen_replied",
        "note": "Meter 4471",
    }
    # And a second reply is a forbidden transition; withdrawing closes it for good
    assert stack.post(f"/v1/complaints/{case_id}/reply", {"message": "again"}, token=citizen).status == 409
    withdrawn = stack.post(f"/v1/complaints/{case_id}/withdraw", {"reason": "Sorted out myself"}, token=citizen)
    assert withdrawn.status == 200 and withdrawn.json["status"] == "withdrawn"
    assert stack.post(f"/v1/complaints/{case_id}/withdraw", {}, token=citizen).status == 409


def test_the_office_sees_how_to_reach_the_citizen_and_nobody_else_does(stack: Stack) -> None:
    case_id = routed_case(stack)
    officer_view = stack.get(f"/v1/officer/cases/{case_id}", token=stack.login("officer")).json
    assert officer_view["citizen_contact"] == {"phone": None, "email": "citizen@example.pk", "language": "en"}
    citizen_view = stack.get(f"/v1/complaints/{case_id}", token=stack.login("citizen")).json
    assert citizen_view["citizen_contact"] is None
    outsider = stack.login_officer_of(stack.other_office_id)
    assert stack.get(f"/v1/officer/cases/{case_id}", token=outsider).status == 404


def test_similar_open_complaints_are_shown_before_filing_without_identity(stack: Stack) -> None:
    # Given an open complaint nobody published
    first = routed_case(stack)
    route = stack.demo_route
    query = f"category_id={route['category_id']}&district={route['district']}&text=meter+reading+bill"
    found = stack.get(f"/v1/similar-complaints?{query}").json
    # Then it is only counted, never shown
    assert found["items"] == [] and found["others"]["count"] >= 1 and found["others"]["by_status"]["routed"] >= 1
    # When its citizen publishes it, it is shown, without identity
    citizen = stack.login("citizen")
    assert stack.post(f"/v1/complaints/{first}/publish", {}, token=citizen).status == 200
    shown = stack.get(f"/v1/similar-complaints?{query}").json["items"]
    assert [f["id"] for f in shown] == [first] and 0 <= shown[0]["similarity"] <= 1
    assert "citizen" not in str(shown) and shown[0]["display_name"] is None
    elsewhere = stack.get(f"/v1/similar-complaints?category_id={route['category_id']}&district=quetta").json
    assert elsewhere["items"] == [] and elsewhere["others"]["count"] == 0
    bad = stack.get("/v1/similar-complaints?category_id=nothing")
    assert bad.status == 400 and {d["field"] for d in bad.json["error"]["details"]} == {"category_id", "district"}


def test_a_transfer_to_another_organisation_waits_for_it_to_accept_and_refusals_name_what_is_wrong(
    stack: Stack,
) -> None:
    # Given a routed case, its officer, and a supervisor of an office in another organisation
    case_id = routed_case(stack)
    officer, other = stack.login("officer"), supervisor_of(stack, stack.other_office_id)
    before = stack.get(f"/v1/officer/cases/{case_id}", token=officer).json
    # When the officer transfers it to an unknown office, Then 400 naming office_id
    unknown = stack.post(
        actions_path(case_id), {"action": "transfer", "office_id": "nowhere", "note": "x"}, token=officer
    )
    assert unknown.status == 400 and [d["field"] for d in unknown.json["error"]["details"]] == ["office_id"]
    # When the officer transfers it to the other organisation's office
    body = {"action": "transfer", "office_id": stack.other_office_id, "note": "Theirs, not ours."}
    requested = stack.post(actions_path(case_id), body, token=officer)
    # Then it stays where it is, on its deadline, with the request on it
    assert requested.status == 200, requested.body
    case = requested.json
    assert (case["office"]["id"], case["due_at"], case["status"]) == (
        before["office"]["id"],
        before["due_at"],
        "routed",
    )
    assert case["transfer_request"]["office"]["id"] == stack.other_office_id and case["transfers"] == 0
    # And resolving it meanwhile is a 409
    resolve = {"action": "resolve", "outcome": "relief_granted", "note": "Done."}
    assert stack.post(actions_path(case_id), resolve, token=officer).json["error"]["code"] == "transition_not_allowed"
    # And the other organisation's officer sees it, offered only the answers; declining without a note is a 400
    seen = stack.get(f"/v1/officer/cases/{case_id}", token=other)
    assert seen.status == 200 and [a["action"] for a in seen.json["allowed_actions"]] == [
        "accept_transfer",
        "decline_transfer",
    ]
    bare = stack.post(actions_path(case_id), {"action": "decline_transfer"}, token=other)
    assert bare.status == 400 and [d["field"] for d in bare.json["error"]["details"]] == ["note"]
    # When they accept, Then the case is theirs, on the same deadline, its first transfer
    accepted = stack.post(actions_path(case_id), {"action": "accept_transfer"}, token=other)
    assert accepted.status == 200, accepted.body
    moved = accepted.json
    assert (moved["office"]["id"], moved["due_at"], moved["transfers"]) == (stack.other_office_id, before["due_at"], 1)
    assert moved["transfer_request"] is None and moved["timeline"][-1]["transfer_number"] == 1
    # And an admin, acting on any complaint, moves it straight back across organisations; a note is not theirs to add
    admin = stack.login("admin")
    back = {"action": "transfer", "office_id": before["office"]["id"], "note": "Back to the utility."}
    assert stack.post(actions_path(case_id), back, token=admin).json["office"]["id"] == before["office"]["id"]
    note = stack.post(actions_path(case_id), {"action": "note", "note": "Admin."}, token=admin)
    assert note.status == 409 and note.json["error"]["code"] == "transition_not_allowed"
