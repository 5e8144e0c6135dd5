"""Duplicates over HTTP: near-duplicates offered while filing, "me too", followers' notices, merging."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.harness import Reply, Stack
from tests.integration.test_actions import actions_path, routed_case
from tests.integration.test_journey import complaint_body
from tests.integration.test_notify import sent_emails


def similar_to(stack: Stack, text: str) -> dict:  # type: ignore[type-arg]
    route = stack.demo_route
    query = f"category_id={route['category_id']}&district={route['district']}&text={quote(text)}"
    found = stack.get(f"/v1/similar-complaints?{query}")
    assert found.status == 200, found.body
    return found.json  # type: ignore[no-any-return]


def me_too(stack: Stack, case_id: str, token: str, offer: str | None = None) -> Reply:
    return stack.post(f"/v1/complaints/{case_id}/me-too", {"offer": offer} if offer else {}, token=token)


def test_filing_the_same_problem_again_offers_me_too_from_the_second_on(stack: Stack) -> None:
    # Given nothing filed yet: nothing is offered
    text = "My November bill charges 900 units for a house that was locked all month."
    assert similar_to(stack, text)["duplicates"] == []
    # When a first citizen files it (private, by default)
    first = routed_case(stack)
    # Then the second citizen filing the same is offered it, without its words
    found = similar_to(stack, text)
    assert [d["id"] for d in found["duplicates"]] == [first]
    offered = found["duplicates"][0]
    assert offered["affected"] == 1 and offered["offer"] and "900 units" not in str(found)
    assert found["items"] == []  # never its words


def test_me_too_follows_counts_once_and_refuses_what_it_must(stack: Stack) -> None:
    # Given a private complaint offered to a second citizen
    first = routed_case(stack)
    other = stack.login("citizen2")
    offer = similar_to(stack, "bill 900 units locked house")["duplicates"][0]["offer"]
    # Without the offer another citizen's private complaint is not found
    assert me_too(stack, first, other).status == 404
    # With it they join: one more citizen affected
    joined = me_too(stack, first, other, offer)
    assert joined.status == 200, joined.body
    assert joined.json["affected"] == 2 and joined.json["following"] is True
    assert joined.json["subject"] is None and joined.json["description"] is None  # private words never
    # Joining again (a double click) changes nothing
    again = me_too(stack, first, other, offer)
    assert again.status == 200 and again.json["affected"] == 2
    # The citizen who filed it cannot join their own (409 with a reason)
    own = me_too(stack, first, stack.login("citizen"), offer)
    assert own.status == 409 and "own" in own.body.decode()
    # The case shows the count to its citizen and its office
    assert stack.get(f"/v1/complaints/{first}", token=stack.login("citizen")).json["affected"] == 2
    officer = stack.login("officer")
    assert stack.get(f"/v1/officer/cases/{first}", token=officer).json["affected"] == 2
    queue = stack.get("/v1/officer/cases", token=officer).json["items"]
    assert next(c for c in queue if c["id"] == first)["affected"] == 2
    # The follower lists it, and sees it
    listed = stack.get("/v1/followed-complaints", token=other).json["items"]
    assert [c["id"] for c in listed] == [first]
    assert stack.get(f"/v1/followed-complaints/{first}", token=other).json["affected"] == 2
    assert stack.get(f"/v1/followed-complaints/{first}", token=stack.login("citizen3")).status == 404
    # Officers cannot say "me too"
    assert me_too(stack, first, officer, offer).status == 403
    # Leaving: the count goes back, the list is empty; leaving twice changes nothing
    left = stack.request("DELETE", f"/v1/complaints/{first}/me-too", token=other)
    assert left.status == 200 and left.json["affected"] == 1 and left.json["following"] is False
    assert stack.request("DELETE", f"/v1/complaints/{first}/me-too", token=other).status == 404  # private again
    assert stack.get("/v1/followed-complaints", token=other).json["items"] == []
    assert stack.get(f"/v1/complaints/{first}", token=stack.login("citizen")).json["affected"] == 1


def test_a_published_complaint_is_joined_without_an_offer_and_a_closed_one_not(stack: Stack) -> None:
    first = routed_case(stack)
    citizen = stack.login("citizen")
    assert stack.post(f"/v1/complaints/{first}/publish", {}, token=citizen).status == 200
    item = similar_to(stack, "bill 900 units locked")["items"][0]
    assert item["id"] == first and item["affected"] == 1 and item["can_join"] is True and "duplicate" in item
    joined = me_too(stack, first, stack.login("citizen2"))
    assert joined.status == 200 and joined.json["subject"]
    # Closed by its citizen: nobody joins it any more
    assert stack.post(f"/v1/complaints/{first}/withdraw", {"reason": "sorted"}, token=citizen).status == 200
    late = me_too(stack, first, stack.login("citizen3"))
    assert late.status == 409 and "withdrawn" in late.body.decode()


def test_followers_get_the_cases_notices(stack: Stack) -> None:
    # Given a follower with an e-mail account
    first = routed_case(stack)
    follower = stack.login("citizen2")
    offer = similar_to(stack, "bill 900 units")["duplicates"][0]["offer"]
    assert me_too(stack, first, follower, offer).status == 200
    stack.run_notify_worker()
    before = len(sent_emails())
    # When the office resolves the case
    officer = stack.login("officer")
    version = stack.get(f"/v1/officer/cases/{first}", token=officer).json["version"]
    resolved = stack.post(
        actions_path(first),
        {"action": "resolve", "outcome": "relief_granted", "note": "Bill corrected."},
        token=officer,
        headers={"If-Match": str(version)},
    )
    assert resolved.status == 200, resolved.body
    stack.run_notify_worker()
    # Then the follower gets it by e-mail and in-app, as the citizen does
    recipients = [a for m in sent_emails()[before:] for a in m.destinations["ToAddresses"]]
    assert "citizen2@example.pk" in recipients and "citizen@example.pk" in recipients
    inbox = stack.get("/v1/notifications", token=follower).json["items"]
    assert any(n["case_id"] == first and n["type"] == "resolved" for n in inbox)
    told = [m.body for m in sent_emails()[before:] if "citizen2@example.pk" in m.destinations["ToAddresses"]]
    assert told and all(b.startswith("زیرِ پیروی شکایت") for b in told)  # citizen2 reads Urdu


def test_an_office_merges_a_duplicate_and_the_refusals_say_why(stack: Stack) -> None:
    # Given two complaints of the same problem, by two citizens, and a follower of the duplicate
    survivor = routed_case(stack)
    second = stack.post("/v1/complaints", complaint_body(stack), token=stack.login("citizen2"))
    assert second.status == 201 and stack.run_route_worker() == 1
    duplicate = second.json["id"]
    offer = next(d["offer"] for d in similar_to(stack, "bill 900 units")["duplicates"] if d["id"] == duplicate)
    assert me_too(stack, duplicate, stack.login("citizen3"), offer).status == 200
    officer = stack.login("officer")
    merge = f"/v1/officer/cases/{duplicate}/merge"
    # Refused: into itself, into nothing, a citizen
    assert stack.post(merge, {"into": duplicate}, token=officer).status == 409
    assert stack.post(merge, {"into": "C-NOPE"}, token=officer).status == 409
    assert stack.post(merge, {"into": survivor}, token=stack.login("citizen")).status == 403
    assert stack.post(merge, {"into": survivor}, token=officer, headers={"If-Match": "99"}).status == 409
    # When the office merges it
    merged = stack.post(merge, {"into": survivor}, token=officer)
    assert merged.status == 200, merged.body
    assert merged.json["status"] == "closed" and merged.json["merged_into"] == survivor
    assert merged.json["timeline"][-1]["type"] == "merged"
    # Then the survivor says so, and counts both citizens and the follower
    kept = stack.get(f"/v1/officer/cases/{survivor}", token=officer).json
    assert kept["timeline"][-1]["type"] == "merged_in" and kept["timeline"][-1]["note"] == duplicate
    assert kept["affected"] == 3
    # The merged case's citizen and its follower follow the survivor
    for who in ("citizen2", "citizen3"):
        listed = stack.get("/v1/followed-complaints", token=stack.login(who)).json["items"]
        assert survivor in [c["id"] for c in listed], who
    # A chain is refused: nothing merges into the merged one, and it cannot be merged again
    third = stack.post("/v1/complaints", complaint_body(stack), token=stack.login("citizen4"))
    assert stack.run_route_worker() == 1
    chain = stack.post(f"/v1/officer/cases/{third.json['id']}/merge", {"into": duplicate}, token=officer)
    assert chain.status == 409 and "merged into" in chain.body.decode()
    assert stack.post(merge, {"into": survivor}, token=officer).status == 409
    # And the merge is on the audit trail
    audit = stack.get(f"/v1/admin/audit?object_type=complaint&object_id={duplicate}", token=stack.login("admin"))
    assert audit.status == 200, audit.body
    assert [e["action"] for e in audit.json["items"]] == ["merge"]
    # And statistics count the citizens affected beyond those who filed (the follower, then the merged two), and the merge
    totals = stack.get("/v1/stats?group_by=category").json["totals"]
    assert totals["merged"] == 1 and totals["also_affected"] == 1 + 2 and totals["received"] == 3


def test_two_joins_at_once_count_one_citizen(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a citizen who joined a complaint
    first = routed_case(stack)
    other = stack.login("citizen2")
    offer = similar_to(stack, "bill 900 units")["duplicates"][0]["offer"]
    assert me_too(stack, first, other, offer).json["affected"] == 2
    # When a second click was read before the first one wrote (it saw no follower yet)
    from chalicelib.store import followers

    real_get = followers.get
    calls = iter([None])
    monkeypatch.setattr(followers, "get", lambda *a: next(calls, real_get(*a)))
    again = me_too(stack, first, other, offer)
    # Then its follower item's condition keeps it from counting twice
    assert again.status == 200 and again.json["affected"] == 2
    monkeypatch.undo()
    assert stack.get(f"/v1/complaints/{first}", token=stack.login("citizen")).json["affected"] == 2


def test_a_merge_racing_a_change_of_the_survivor_is_a_409(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given two complaints of one problem
    survivor = routed_case(stack)
    second = stack.post("/v1/complaints", complaint_body(stack), token=stack.login("citizen2"))
    assert stack.run_route_worker() == 1
    duplicate = second.json["id"]
    officer = stack.login("officer")
    # When the survivor is acted on between the merge's reading it and its writing
    from chalicelib.store import followers

    real = followers.of_case

    def meanwhile(*args: object) -> list[dict[str, object]]:
        version = stack.get(f"/v1/officer/cases/{survivor}", token=officer).json["version"]
        noted = stack.post(
            actions_path(survivor), {"action": "note", "note": "Meanwhile."}, officer, {"If-Match": str(version)}
        )
        assert noted.status == 200, noted.body
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(followers, "of_case", meanwhile)
    raced = stack.post(f"/v1/officer/cases/{duplicate}/merge", {"into": survivor}, token=officer)
    monkeypatch.undo()
    # Then the merge is refused whole: nothing closed, nothing counted
    assert raced.status == 409, raced.body
    assert stack.get(f"/v1/officer/cases/{duplicate}", token=officer).json["status"] == "routed"
    assert stack.get(f"/v1/officer/cases/{survivor}", token=officer).json["affected"] == 1
    # And done again, it goes through
    assert stack.post(f"/v1/officer/cases/{duplicate}/merge", {"into": survivor}, token=officer).status == 200
