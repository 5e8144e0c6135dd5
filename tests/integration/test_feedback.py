"""The feedback channels over HTTP, moto behind: appreciation and a suggestion reach the office."""

from __future__ import annotations

from tests.harness import Stack


def test_an_appreciation_and_a_suggestion_show_up_for_the_office(stack: Stack) -> None:
    citizen = stack.login("citizen")
    office_id = stack.demo_route["office_id"]
    organisation_id = office_id.split("-")[0]
    # An appreciation of the demo office
    thanks = {"kind": "appreciation", "organisation_id": organisation_id, "office_id": office_id, "message": "شکریہ!"}
    given = stack.post("/v1/feedback", thanks, token=citizen)
    assert given.status == 201, given.body
    appreciation_id = given.json["id"]
    assert stack.get(f"/v1/feedback/{appreciation_id}", token=citizen).json["description"] == "شکریہ!"
    # A suggestion to the same office
    idea = {
        "kind": "suggestion",
        "organisation_id": organisation_id,
        "office_id": office_id,
        "message": "Text me bills.",
    }
    suggestion = stack.post("/v1/feedback", idea, token=citizen)
    assert suggestion.status == 201, suggestion.body
    suggestion_id = suggestion.json["id"]
    # The office is told of both, counts the appreciation, and has the suggestion in its queue
    officer = stack.login("officer")
    inbox = [n["type"] for n in stack.get("/v1/notifications", token=officer).json["items"]]
    assert "office_appreciation" in inbox and "office_suggestion" in inbox
    assert stack.get("/v1/officer/feedback-summary", token=officer).json["appreciations"] == 1
    queue = stack.get("/v1/officer/cases?kind=feedback", token=officer).json["items"]
    assert [c["id"] for c in queue] == [suggestion_id]
    # It reviews it; the citizen sees the decision
    review = {"action": "review", "decision": "not_adopted", "note": "Bills by SMS need a PTA licence."}
    reviewed = stack.post(f"/v1/officer/cases/{suggestion_id}/actions", review, token=officer)
    assert reviewed.status == 200, reviewed.body
    assert stack.get(f"/v1/feedback/{suggestion_id}", token=citizen).json["status"] == "not_adopted"
    mine = {f["id"] for f in stack.get("/v1/feedback", token=citizen).json["items"]}
    assert mine == {suggestion_id, appreciation_id}
    # None of it is among the citizen's complaints
    assert stack.get("/v1/complaints", token=citizen).json["items"] == []


def test_bad_feedback_is_a_400_that_names_the_field(stack: Stack) -> None:
    citizen = stack.login("citizen")
    for body, field in (
        ({"kind": "rating", "organisation_id": "lesco", "message": "ok"}, "rating"),
        ({"kind": "rating", "organisation_id": "lesco", "message": "ok", "rating": 9}, "rating"),
        ({"kind": "praise", "organisation_id": "lesco", "message": "ok"}, "kind"),
        ({"kind": "appreciation", "organisation_id": "nowhere", "message": "ok"}, "organisation_id"),
        ({"kind": "appreciation", "organisation_id": "lesco", "message": "ok", "status": "adopted"}, "status"),
    ):
        reply = stack.post("/v1/feedback", body, token=citizen)
        assert reply.status == 400, (body, reply.body)
        assert field in [d["field"] for d in reply.json["error"]["details"]], reply.body
    assert stack.post("/v1/feedback", {"kind": "appreciation"}, token=stack.login("officer")).status == 403


def test_thirty_one_star_ratings_in_a_day_by_one_citizen_move_the_average_once(stack: Stack) -> None:
    # Given a neighbour's five-star rating of the demo office
    office_id = stack.demo_route["office_id"]
    rating = {"kind": "rating", "organisation_id": office_id.split("-")[0], "office_id": office_id}
    five = stack.post(
        "/v1/feedback", {**rating, "rating": 5, "message": "Fixed overnight."}, token=stack.login("citizen2")
    )
    assert five.status == 201, five.body
    # When one citizen sends thirty one-star ratings of it in a day
    citizen = stack.login("citizen")
    answers = [
        stack.post("/v1/feedback", {**rating, "rating": 1, "message": f"Bad {n}."}, token=citizen) for n in range(30)
    ]
    # Then the first twenty are stored (a day's feedback), the rest refused until midnight in Pakistan
    assert [a.status for a in answers] == [201] * 20 + [429] * 10
    assert answers[-1].json["error"]["code"] == "daily_limit_reached" and int(answers[-1].headers["Retry-After"]) > 0
    assert len(stack.get("/v1/feedback?limit=50", token=citizen).json["items"]) == 20
    # And the office's month counts two ratings, one from each: 3.0 on average, not 1.1
    summary = stack.get("/v1/officer/feedback-summary", token=stack.login("officer")).json
    assert (summary["ratings"], summary["average_rating"]) == (2, 3.0)
