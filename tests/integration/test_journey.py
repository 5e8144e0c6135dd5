"""The whole citizen journey through the Chalice app over moto: HTTP in, DynamoDB/SQS/Cognito behind."""

from __future__ import annotations

import json

from tests.harness import Stack

URDU = "میرے گھر کا بجلی کا بل تین گنا زیادہ آیا ہے، میٹر ریڈنگ غلط ہے۔"


def complaint_body(stack: Stack, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "category_id": stack.demo_route["category_id"],
        "subject": "Bill three times the usual",
        "description": "My November bill charges 900 units for a house that was locked all month.",
        "location": {"district": stack.demo_route["district"], "address": "House 12, Street 4, Samanabad"},
    }
    body.update(overrides)
    return body


def test_a_citizen_files_a_complaint_it_is_routed_and_the_officer_sees_it(stack: Stack) -> None:
    # Given a signed-in citizen
    citizen = stack.login("citizen")
    # When they file a complaint
    filed = stack.post("/v1/complaints", complaint_body(stack), token=citizen)
    # Then it is stored as submitted with a tracking number and a timeline
    assert filed.status == 201, filed.body
    case = filed.json
    assert case["status"] == "submitted" and case["id"].startswith("C-")
    assert [e["type"] for e in case["timeline"]] == ["submitted"]
    # And once the route worker runs it is routed to the demo office with a due date
    assert stack.run_route_worker() == 1
    tracked = stack.get(f"/v1/complaints/{case['id']}", token=citizen).json
    assert tracked["status"] == "routed"
    assert tracked["office"]["id"] == stack.demo_route["office_id"]
    assert tracked["due_at"] and tracked["level"] == 0
    assert [e["type"] for e in tracked["timeline"]] == ["submitted", "routed"]
    # And the officer of that office, and the supervisor above, see it in their queue
    for role in ("officer", "supervisor"):
        queue = stack.get("/v1/officer/cases", token=stack.login(role)).json
        assert case["id"] in [c["id"] for c in queue["items"]], role
    # And it is not overdue yet; a bad filter is a 400 naming it
    officer = stack.login("officer")
    assert stack.get("/v1/officer/cases?overdue=true", token=officer).json["items"] == []
    bad = stack.get("/v1/officer/cases?overdue=maybe&kind=parcel", token=officer)
    assert bad.status == 400 and bad.json["error"]["details"][0]["field"] == "overdue"
    # And the citizen has an in-app notification about the routing
    notes = stack.get("/v1/notifications", token=citizen).json["items"]
    assert notes and notes[0]["case_id"] == case["id"]


def test_an_officer_of_another_office_does_not_see_the_case(stack: Stack) -> None:
    citizen = stack.login("citizen")
    case_id = stack.post("/v1/complaints", complaint_body(stack), token=citizen).json["id"]
    stack.run_route_worker()
    outsider = stack.login_officer_of(stack.other_office_id)
    queue = stack.get("/v1/officer/cases", token=outsider).json
    assert case_id not in [c["id"] for c in queue["items"]]
    assert stack.get(f"/v1/officer/cases/{case_id}", token=outsider).status == 404


def test_another_citizens_case_is_404_and_no_token_is_401(stack: Stack) -> None:
    case_id = stack.post("/v1/complaints", complaint_body(stack), token=stack.login("citizen")).json["id"]
    assert stack.get(f"/v1/complaints/{case_id}", token=stack.login("citizen2")).status == 404
    for token in (None, "not.a.token"):
        refused = stack.get(f"/v1/complaints/{case_id}", token=token)
        assert refused.status == 401
        assert refused.json["error"]["code"] == "unauthenticated"
    assert stack.post("/v1/complaints", complaint_body(stack)).status == 401


def test_a_citizen_on_an_officer_route_is_403(stack: Stack) -> None:
    response = stack.get("/v1/officer/cases", token=stack.login("citizen"))
    assert response.status == 403
    assert response.json["error"]["code"] == "forbidden"


def test_idempotency_key_replays_the_first_answer_and_refuses_another_body(stack: Stack) -> None:
    citizen = stack.login("citizen")
    headers = {"Idempotency-Key": "retry-7f3a"}
    first = stack.post("/v1/complaints", complaint_body(stack), token=citizen, headers=headers)
    again = stack.post("/v1/complaints", complaint_body(stack), token=citizen, headers=headers)
    other = stack.post(
        "/v1/complaints", complaint_body(stack, subject="A different one"), token=citizen, headers=headers
    )
    assert first.status == again.status == 201
    assert again.json == first.json
    assert other.status == 422 and other.json["error"]["code"] == "idempotency_key_reused"
    mine = stack.get("/v1/complaints", token=citizen).json["items"]
    assert [c["id"] for c in mine] == [first.json["id"]]


def test_bad_input_gets_a_400_naming_each_field_and_writes_nothing(stack: Stack) -> None:
    citizen = stack.login("citizen")
    bad = complaint_body(stack, category_id="no-such-category", status="closed", subject="")
    bad["location"] = {"district": "atlantis"}
    response = stack.post("/v1/complaints", bad, token=citizen)
    assert response.status == 400
    fields = {d["field"] for d in response.json["error"]["details"]}
    assert {"status", "subject"} <= fields
    unknown = stack.post("/v1/complaints", complaint_body(stack, category_id="no-such-category"), token=citizen)
    assert unknown.status == 400
    assert [d["field"] for d in unknown.json["error"]["details"]] == ["category_id"]
    district = stack.post("/v1/complaints", complaint_body(stack, location={"district": "atlantis"}), token=citizen)
    assert [d["field"] for d in district.json["error"]["details"]] == ["location.district"]
    assert stack.get("/v1/complaints", token=citizen).json["items"] == []


def test_malformed_and_oversized_bodies_are_4xx_never_500(stack: Stack) -> None:
    citizen = stack.login("citizen")
    assert stack.post_raw("/v1/complaints", b"{not json", token=citizen).status == 400
    assert stack.post_raw("/v1/complaints", b"[1, 2]", token=citizen).status == 400
    huge = json.dumps(complaint_body(stack, description="x" * 70_000)).encode()
    assert stack.post_raw("/v1/complaints", huge, token=citizen).status == 413
    too_long = stack.post("/v1/complaints", complaint_body(stack, description="x" * 4001), token=citizen)
    assert too_long.status == 400 and too_long.json["error"]["details"][0]["field"] == "description"
    assert stack.get("/v1/complaints?limit=500", token=citizen).status == 400
    assert stack.get("/v1/complaints?cursor=garbage", token=citizen).status == 400


def test_urdu_round_trips_and_errors_speak_urdu_when_asked(stack: Stack) -> None:
    citizen = stack.login("citizen")
    case_id = stack.post(
        "/v1/complaints", complaint_body(stack, description=URDU, subject="بجلی کا بل"), token=citizen
    ).json["id"]
    reply = stack.get(f"/v1/complaints/{case_id}", token=citizen)
    assert URDU.encode("utf-8") in reply.body  # sent as UTF-8 text, not \u escapes
    tracked = reply.json
    assert tracked["description"] == URDU and tracked["subject"] == "بجلی کا بل"
    missing = stack.get("/v1/complaints/C-0000-0000", token=citizen, headers={"Accept-Language": "ur"})
    assert missing.status == 404
    assert "شکایت" in missing.json["error"]["message"]


def test_a_failed_enqueue_is_still_accepted_and_the_sweeper_redrives_it(stack: Stack) -> None:
    citizen = stack.login("citizen")
    with stack.intake_broken():
        filed = stack.post("/v1/complaints", complaint_body(stack), token=citizen)
    assert filed.status == 201
    assert stack.run_route_worker() == 0  # nothing reached the queue
    assert stack.run_sweeper(minutes_from_now=5)["redriven"] == 1
    assert stack.run_sweeper(minutes_from_now=5)["redriven"] == 0  # a second run changes nothing
    assert stack.run_route_worker() == 1
    assert stack.get(f"/v1/complaints/{filed.json['id']}", token=citizen).json["status"] == "routed"


def test_registration_confirmation_login_refresh_and_me(stack: Stack) -> None:
    registered = stack.post(
        "/v1/auth/register",
        {
            "name": "Bilal Ahmed",
            "phone": "0321-7654321",
            "password": "Pakistan2026",
            "cnic": "35202-7654321-3",
            "district": "lahore",
            "language": "ur",
            "user_type": "resident",
        },
    )
    assert registered.status == 201, registered.body
    assert registered.json["username"] == "+923217654321"
    assert (
        registered.json["delivery"]["channel"] == "sms" and "7654321" not in registered.json["delivery"]["destination"]
    )
    # Nothing signs in until the phone's owner enters the code sent to it
    assert stack.post("/v1/auth/login", {"username": "03217654321", "password": "Pakistan2026"}).status == 401
    code = stack.sent_code("+923217654321")
    assert stack.post("/v1/auth/confirm", {"username": "+923217654321", "code": code}).status == 200
    tokens = stack.post("/v1/auth/login", {"username": "03217654321", "password": "Pakistan2026"}).json
    me = stack.get("/v1/me", token=tokens["id_token"]).json
    assert me["role"] == "citizen" and me["language"] == "ur" and me["name"] == "Bilal Ahmed"
    refreshed = stack.post("/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert refreshed.status == 200 and refreshed.json["id_token"]
    wrong = stack.post("/v1/auth/login", {"username": "03217654321", "password": "wrong-password1"})
    assert wrong.status == 401
    # Registering the phone again answers as for a new one: nobody learns who is registered
    twice = stack.post("/v1/auth/register", {"name": "Someone", "phone": "03217654321", "password": "Pakistan2026"})
    assert (twice.status, twice.json) == (registered.status, registered.json)


def test_registration_rejects_bad_phone_email_and_cnic_by_field(stack: Stack) -> None:
    response = stack.post(
        "/v1/auth/register",
        {
            "name": "X Y",
            "phone": "12345",
            "email": "nope",
            "cnic": "1234",
            "password": "Pakistan2026",
            "language": "en",
        },
    )
    assert response.status == 400
    assert {d["field"] for d in response.json["error"]["details"]} == {"phone", "email", "cnic"}
    neither = stack.post("/v1/auth/register", {"name": "X Y", "password": "Pakistan2026"})
    assert neither.status == 400


def test_lists_are_paged_with_cursors(stack: Stack) -> None:
    citizen = stack.login("citizen")
    ids = [
        stack.post("/v1/complaints", complaint_body(stack, subject=f"Complaint {n}"), token=citizen).json["id"]
        for n in range(3)
    ]
    first = stack.get("/v1/complaints?limit=2", token=citizen).json
    second = stack.get(f"/v1/complaints?limit=2&cursor={first['next_cursor']}", token=citizen).json
    assert len(first["items"]) == 2 and second["next_cursor"] is None
    assert {c["id"] for c in first["items"] + second["items"]} == set(ids)


def test_directory_is_public_and_health_is_ready(stack: Stack) -> None:
    assert stack.get("/v1/health").json == {"status": "ok"}
    categories = stack.get("/v1/categories").json["items"]
    assert len([c for c in categories if c["kind"] == "complaint"]) >= 60
    assert all(c["name_ur"] for c in categories)
    levels = stack.get("/v1/organisations").json["items"]
    assert len(levels) == 8
    assert len(stack.get("/v1/districts").json["items"]) >= 20
