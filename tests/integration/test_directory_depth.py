"""`GET /v1/organisations?depth=`: as much of the tree as a page needs (the dashboard's level picker: the levels)."""

from __future__ import annotations

from tests.harness import Stack


def test_the_tree_is_cut_at_the_depth_asked_for_and_whole_by_default(stack: Stack) -> None:
    whole = stack.get("/v1/organisations")
    assert whole.status == 200
    assert stack.get("/v1/organisations?depth=offices").json == whole.json
    levels = stack.get("/v1/organisations?depth=levels")
    assert levels.status == 200
    assert [(x["id"], x["name"], x["name_ur"]) for x in levels.json["items"]] == [
        (x["id"], x["name"], x["name_ur"]) for x in whole.json["items"]
    ]
    assert all(x["organisations"] == [] for x in levels.json["items"])
    assert len(levels.body) * 20 < len(whole.body)
    organisations = stack.get("/v1/organisations?depth=organisations").json["items"]
    assert [[o["id"] for o in x["organisations"]] for x in organisations] == [
        [o["id"] for o in x["organisations"]] for x in whole.json["items"]
    ]
    assert all(o["offices"] == [] for x in organisations for o in x["organisations"])
    assert any(o["offices"] for x in whole.json["items"] for o in x["organisations"])


def test_an_unknown_depth_is_a_400_naming_the_field(stack: Stack) -> None:
    reply = stack.get("/v1/organisations?depth=everything")
    assert reply.status == 400
    error = reply.json["error"]
    assert error["code"] == "invalid_input"
    assert error["details"] == [{"field": "depth", "problem": "one of levels, organisations, offices"}]
