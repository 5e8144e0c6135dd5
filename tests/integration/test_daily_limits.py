"""A citizen's daily limit over HTTP: the eleventh complaint of a day is a 429 with Retry-After, in their language."""

from __future__ import annotations

from chalicelib.logic.messages import ERRORS
from tests.harness import Stack
from tests.integration.test_journey import complaint_body


def test_the_eleventh_complaint_of_a_day_is_a_429_with_retry_after_and_a_replay_still_answers(stack: Stack) -> None:
    # Given a citizen who filed ten complaints today, the first with an Idempotency-Key
    citizen = stack.login("citizen")
    first = stack.post("/v1/complaints", complaint_body(stack), token=citizen, headers={"Idempotency-Key": "k-1"})
    assert first.status == 201, first.body
    for _ in range(9):
        assert stack.post("/v1/complaints", complaint_body(stack), token=citizen).status == 201
    # When they file an eleventh, asking in Urdu
    refused = stack.post("/v1/complaints", complaint_body(stack), token=citizen, headers={"Accept-Language": "ur"})
    # Then 429 in the error shape, in Urdu, saying how many seconds until midnight in Pakistan
    assert refused.status == 429, refused.body
    error = refused.json["error"]
    assert error["code"] == "daily_limit_reached" and error["message"] == ERRORS["daily_limit_reached"]["ur"]
    assert 0 < int(refused.headers["Retry-After"]) <= 24 * 3600
    # And in English it names the limit
    english = stack.post("/v1/complaints", complaint_body(stack), token=citizen)
    assert english.status == 429 and "10 complaints today" in english.json["error"]["message"]
    # And the retry of the first still gets its first answer; the office's queue holds ten
    again = stack.post("/v1/complaints", complaint_body(stack), token=citizen, headers={"Idempotency-Key": "k-1"})
    assert again.status == 201 and again.json["id"] == first.json["id"]
    assert len(stack.get("/v1/complaints?limit=50", token=citizen).json["items"]) == 10
    # And another citizen files as usual
    assert stack.post("/v1/complaints", complaint_body(stack), token=stack.login("citizen2")).status == 201


def test_the_document_says_which_routes_answer_429_and_with_what_header(stack: Stack) -> None:
    paths = stack.get("/v1/openapi.json").json["paths"]
    for path in ("/v1/complaints", "/v1/information-requests", "/v1/feedback"):
        limited = paths[path]["post"]["responses"]["429"]
        assert limited["headers"]["Retry-After"]["schema"]["type"] == "integer", path
