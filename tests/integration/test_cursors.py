"""List cursors over HTTP: a cursor works only for the caller and the query it was given for."""

from __future__ import annotations

from tests.harness import Reply, Stack
from tests.integration.test_journey import complaint_body


def assert_invalid_cursor(reply: Reply) -> None:
    assert reply.status == 400, reply.body
    error = reply.json["error"]
    assert error["code"] == "invalid_cursor"
    assert [d["field"] for d in error["details"]] == ["cursor"]


def test_a_citizens_cursor_is_refused_for_another_citizen(stack: Stack) -> None:
    # Given a citizen with three complaints and the cursor to their second page
    citizen = stack.login("citizen")
    for n in range(3):
        assert (
            stack.post("/v1/complaints", complaint_body(stack, subject=f"Complaint {n}"), token=citizen).status == 201
        )
    first = stack.get("/v1/complaints?limit=2", token=citizen).json
    cursor = first["next_cursor"]
    assert isinstance(cursor, str)
    # When another citizen presents that cursor
    foreign = stack.get(f"/v1/complaints?limit=2&cursor={cursor}", token=stack.login("citizen2"))
    # Then it is a 400 naming the cursor, in the error shape, not a page of anyone's complaints
    assert_invalid_cursor(foreign)
    # And a cursor with one character changed, or one that is not a cursor at all, is refused the same way
    tampered = cursor[:-1] + ("A" if cursor[-1] != "A" else "B")
    assert_invalid_cursor(stack.get(f"/v1/complaints?limit=2&cursor={tampered}", token=citizen))
    assert_invalid_cursor(stack.get("/v1/complaints?cursor=garbage", token=citizen))
    # And the citizen's own cursor still gives them their last complaint
    own = stack.get(f"/v1/complaints?limit=2&cursor={cursor}", token=citizen)
    assert own.status == 200 and len(own.json["items"]) == 1 and own.json["next_cursor"] is None


def test_an_officer_queue_cursor_replayed_with_another_kind_is_refused(stack: Stack) -> None:
    # Given two routed complaints in the officer's queue and the cursor past the first
    citizen = stack.login("citizen")
    for n in range(2):
        assert (
            stack.post("/v1/complaints", complaint_body(stack, subject=f"Complaint {n}"), token=citizen).status == 201
        )
    assert stack.run_route_worker() == 2
    officer = stack.login("officer")
    first = stack.get("/v1/officer/cases?limit=1", token=officer).json
    cursor = first["next_cursor"]
    assert len(first["items"]) == 1 and isinstance(cursor, str)
    # When the officer replays it with a kind filter the first page did not have
    replayed = stack.get(f"/v1/officer/cases?limit=1&kind=information&cursor={cursor}", token=officer)
    # Then it is a 400 naming the cursor
    assert_invalid_cursor(replayed)
    # And the supervisor above cannot use it either
    supervisor = stack.login("supervisor")
    assert_invalid_cursor(stack.get(f"/v1/officer/cases?limit=1&cursor={cursor}", token=supervisor))
    # And with the query it was given for, it goes on to the second case
    second = stack.get(f"/v1/officer/cases?limit=1&cursor={cursor}", token=officer)
    assert second.status == 200, second.body
    assert [c["id"] for c in second.json["items"]] != [c["id"] for c in first["items"]]
    assert len(second.json["items"]) == 1
