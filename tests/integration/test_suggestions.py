"""Category suggestion, the triage queue and moderation at filing, over HTTP with moto behind.

The classifier itself is another module's (chalicelib/insights/serving.py): here it is replaced
by fakes that behave as a trained model would — confident on an electricity bill, unsure on a
vague text, and sure that an insult is abusive.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from tests.harness import Reply, Stack, running_stack
from tests.integration.test_journey import complaint_body

BILL = "My electricity bill is three times the usual amount this month"
VAGUE = "Something is wrong near my house and nobody listens to us at all"
ABUSIVE = "You idiot officers are useless thieves, fix the meter now or else"
NOT_SURE = "not-sure"


def fake_suggest(services: Any, text: str, k: int = 3) -> list[tuple[str, float]]:
    """A model's answer: confident on a bill (a feedback category among its guesses), unsure on a vague text."""
    lowered = text.lower()
    if "bill" in lowered or "بل" in lowered:
        ranked = [
            ("electricity-overbilling", 0.82),
            ("feedback-service-rating", 0.08),
            ("electricity-faulty-meter", 0.05),
            ("gas-overbilling", 0.03),
            ("water-wrong-bill", 0.02),
        ]
    elif "wrong" in lowered:
        ranked = [("water-no-water", 0.31), ("sewerage-blocked", 0.24), ("roads-damaged", 0.2), ("other", 0.1)]
    else:
        ranked = []
    return ranked[:k]


def fake_moderate(services: Any, text: str) -> float:
    return 0.94 if "idiot" in text.lower() else 0.03


@pytest.fixture
def models(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.insights import serving

    monkeypatch.setattr(serving, "suggest", fake_suggest)
    monkeypatch.setattr(serving, "moderate", fake_moderate)


@pytest.fixture
def stack(models: None) -> Iterator[Stack]:
    with running_stack() as running:
        yield running


def triage_officer(stack: Stack) -> str:
    """A token of an officer (of another organisation's office) in the staff group `triage`."""
    from chalicelib import aws

    office_id = stack.other_office_id
    stack.login_officer_of(office_id)
    username = f"officer.{office_id}@example.pk"
    pool = stack.resources["STAFF_POOL_ID"]
    aws.client("cognito-idp").admin_add_user_to_group(UserPoolId=pool, Username=username, GroupName="triage")
    stack.tokens["triage"] = stack._token(username)
    stack.subs["triage"] = stack.subs[f"officer:{office_id}"]
    return stack.tokens["triage"]


def suggestions(stack: Stack, body: Any, token: str | None = None) -> Reply:
    return stack.post("/v1/category-suggestions", body, token=token)


def file(stack: Stack, **overrides: object) -> str:
    filed = stack.post("/v1/complaints", complaint_body(stack, **overrides), token=stack.login("citizen"))
    assert filed.status == 201, filed.body
    return str(filed.json["id"])


def case_of(stack: Stack, case_id: str) -> Any:
    reply = stack.get(f"/v1/complaints/{case_id}", token=stack.login("citizen"))
    assert reply.status == 200, reply.body
    return reply.json


def open311(stack: Stack, path: str) -> Any:
    reply = stack.get(f"/open311/v2/{path}")
    assert reply.status == 200, reply.body
    return reply.json


# --- suggestions while filing -----------------------------------------------------------------


def test_suggestions_are_the_best_three_live_categories_with_names_and_confidence(stack: Stack) -> None:
    # Given a citizen typing about a bill, signed in or not
    for token in (None, stack.login("citizen")):
        # When the form asks for suggestions of complaint categories
        reply = suggestions(stack, {"text": f"  {BILL}  ", "kind": "complaint"}, token)
        # Then three complaint categories come, best first, named in both languages, and the model is sure
        assert reply.status == 200, reply.body
        items = reply.json["items"]
        assert [i["category_id"] for i in items] == [
            "electricity-overbilling",
            "electricity-faulty-meter",
            "gas-overbilling",
        ]
        first = items[0]
        assert first["name"] and first["name_ur"] and first["group"] and first["group_ur"]
        assert first["confidence"] == 0.82
        assert [i["confidence"] for i in items] == sorted((i["confidence"] for i in items), reverse=True)
        assert reply.json["sure"] is True and reply.json["threshold"] == 0.5
    # And without a kind, categories of every kind may come (the feedback one the model guessed second)
    every = suggestions(stack, {"text": BILL}).json["items"]
    assert [i["category_id"] for i in every][:2] == ["electricity-overbilling", "feedback-service-rating"]


def test_a_vague_text_is_not_sure_and_an_unknown_one_suggests_nothing(stack: Stack) -> None:
    vague = suggestions(stack, {"text": VAGUE, "kind": "complaint"}).json
    assert [i["category_id"] for i in vague["items"]] == ["water-no-water", "sewerage-blocked", "roads-damaged"]
    assert vague["sure"] is False
    nothing = suggestions(stack, {"text": "hello there"}).json
    assert nothing == {"items": [], "sure": False, "threshold": 0.5}


def test_a_model_that_fails_suggests_nothing_rather_than_failing(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.insights import serving

    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("the artefact could not be read")

    monkeypatch.setattr(serving, "suggest", broken)
    reply = suggestions(stack, {"text": BILL})
    assert reply.status == 200 and reply.json == {"items": [], "sure": False, "threshold": 0.5}


def test_the_text_is_neither_stored_nor_logged(stack: Stack, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "My bill names Ayesha Khan of House 12"
    assert suggestions(stack, {"text": secret}).status == 200
    assert "Ayesha" not in caplog.text and "House 12" not in caplog.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "  a  "}, "text"),
        ({"text": "x" * 4001}, "text"),
        ({}, "text"),
        ({"text": 12}, "text"),
        ({"text": BILL, "kind": "bribe"}, "kind"),
        ({"text": BILL, "extra": 1}, "extra"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_in_both_languages(stack: Stack, body: Any, field: str) -> None:
    reply = suggestions(stack, body, stack.login("citizen"))
    assert reply.status == 400, reply.body
    [problem] = reply.json["error"]["details"]
    assert problem["field"] == field and problem["problem"]
    urdu = stack.request(
        "POST", "/v1/category-suggestions", json.dumps(body).encode(), headers={"Accept-Language": "ur"}
    )
    assert urdu.json["error"]["details"][0]["problem"] != problem["problem"]


def test_suggestions_are_rate_limited_per_source(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.logic import ratelimit

    monkeypatch.setitem(ratelimit.LIMITS, "suggest_source", (2, 3600))
    assert [suggestions(stack, {"text": BILL}).status for _ in range(3)] == [200, 200, 429]


# --- "I'm not sure": the model's confident category, else triage ------------------------------


def test_not_sure_with_a_confident_model_is_categorised_and_routed_at_once(stack: Stack) -> None:
    # Given a complaint filed "not sure" whose text the model places confidently
    case_id = file(stack, category_id=NOT_SURE, subject="Bill too high", description=BILL)
    assert case_of(stack, case_id)["category_id"] == NOT_SURE
    # When the route worker takes it
    assert stack.run_route_worker() == 1
    # Then it has the suggested category and is routed where that category goes, the timeline saying so
    case = case_of(stack, case_id)
    assert case["status"] == "routed" and case["category_id"] == "electricity-overbilling"
    assert case["office"]["id"] == stack.demo_route["office_id"]
    categorised = next(e for e in case["timeline"] if e["type"] == "categorised")
    assert categorised["reason"] == "suggested" and categorised["confidence"] == 0.82
    assert categorised["category_id"] == "electricity-overbilling" and categorised["actor_role"] == "system"
    assert [e["type"] for e in case["timeline"]] == ["submitted", "categorised", "routed"]
    assert stack.get("/v1/triage", token=stack.login("admin")).json["items"] == []


def test_not_sure_and_unsure_model_waits_in_triage_until_a_person_chooses_then_routes(stack: Stack) -> None:
    # Given a complaint filed "not sure" with a vague text
    case_id = file(stack, category_id=NOT_SURE, subject="Problem near home", description=VAGUE)
    assert stack.run_route_worker() == 1
    # Then it waits in triage: not routed, on its timeline, with the model's three suggestions
    case = case_of(stack, case_id)
    assert case["status"] == "submitted" and case["office"] is None
    assert [e["type"] for e in case["timeline"]] == ["submitted", "triage"]
    desk = triage_officer(stack)
    [waiting] = stack.get("/v1/triage", token=desk).json["items"]
    assert waiting["id"] == case_id and waiting["description"] == VAGUE
    assert [s["category_id"] for s in waiting["suggestions"]] == ["water-no-water", "sewerage-blocked", "roads-damaged"]
    assert stack.get("/v1/triage", token=stack.login("admin")).json["items"][0]["id"] == case_id
    # And the sweeper does not re-drive it (it is not stuck: it waits for a person), however late
    assert stack.run_sweeper(minutes_from_now=600)["redriven"] == 0
    assert stack.run_route_worker() == 0
    # When the triage officer chooses its category
    chosen = stack.post(
        f"/v1/triage/{case_id}/category",
        {"category_id": "electricity-faulty-meter"},
        token=desk,
        headers={"If-Match": str(waiting["version"])},
    )
    assert chosen.status == 200, chosen.body
    # Then it leaves the queue and routes as a new filing does, the timeline and the audit trail saying who chose
    assert stack.get("/v1/triage", token=desk).json["items"] == []
    assert stack.run_route_worker() == 1
    case = case_of(stack, case_id)
    assert case["status"] == "routed" and case["category_id"] == "electricity-faulty-meter"
    assert [e["type"] for e in case["timeline"]] == ["submitted", "triage", "categorised", "routed"]
    categorised = case["timeline"][2]
    assert categorised["reason"] == "triage" and categorised["actor_role"] == "officer"
    audit = stack.get(f"/v1/admin/audit?actor={stack.subs['triage']}", token=stack.login("admin")).json["items"]
    assert [(e["action"], e["object_id"], e["after"]) for e in audit] == [
        ("triage_category", case_id, {"category_id": "electricity-faulty-meter"})
    ]
    # And a second choice is refused (409), as is a category of another kind (400)
    again = stack.post(f"/v1/triage/{case_id}/category", {"category_id": "water-no-water"}, token=desk)
    assert again.status == 409, again.body


def test_a_triage_choice_survives_a_lost_enqueue_through_the_sweeper(stack: Stack) -> None:
    case_id = file(stack, category_id=NOT_SURE, subject="Problem near home", description=VAGUE)
    assert stack.run_route_worker() == 1
    admin = stack.login("admin")
    feedback = stack.post(f"/v1/triage/{case_id}/category", {"category_id": "feedback-appreciation"}, token=admin)
    assert feedback.status == 400 and feedback.json["error"]["details"][0]["field"] == "category_id"
    # When the intake queue refuses the message as the category is chosen
    with stack.intake_broken():
        assert (
            stack.post(f"/v1/triage/{case_id}/category", {"category_id": "water-no-water"}, token=admin).status == 200
        )
    assert stack.run_route_worker() == 0
    # Then the sweeper re-drives it as any new filing, and it is routed
    assert stack.run_sweeper(minutes_from_now=5)["redriven"] == 1
    assert stack.run_route_worker() == 1
    assert case_of(stack, case_id)["status"] == "routed"


def test_only_admins_and_triage_officers_work_the_queue(stack: Stack) -> None:
    case_id = file(stack, category_id=NOT_SURE, subject="Problem near home", description=VAGUE)
    assert stack.run_route_worker() == 1
    body = {"category_id": "water-no-water"}
    # A citizen (their own case too) and an organisation's admin: 403
    for role in ("citizen", "org_admin"):
        token = stack.login(role)
        assert stack.get("/v1/triage", token=token).status == 403
        assert stack.post(f"/v1/triage/{case_id}/category", body, token=token).status == 403
    # An officer not designated for triage: the list is 403, the case is not theirs to see (404)
    officer = stack.login("officer")
    assert stack.get("/v1/triage", token=officer).status == 403
    assert stack.post(f"/v1/triage/{case_id}/category", body, token=officer).status == 404
    # A case never filed "not sure" is not the desk's (404)
    routed = file(stack)
    assert stack.run_route_worker() == 1
    assert stack.post(f"/v1/triage/{routed}/category", body, token=triage_officer(stack)).status == 404


def test_a_model_that_fails_sends_the_case_to_triage_and_flags_it_for_a_person(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.insights import serving

    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("the artefact could not be read")

    monkeypatch.setattr(serving, "suggest", broken)
    monkeypatch.setattr(serving, "moderate", broken)
    case_id = file(stack, category_id=NOT_SURE, subject="Bill too high", description=BILL)
    assert stack.run_route_worker() == 1
    case = case_of(stack, case_id)
    assert case["status"] == "submitted" and case["triage"]["suggestions"] == []
    assert case["moderation_flag"]["score"] is None
    assert [e["type"] for e in case["timeline"]] == ["submitted", "moderation_flagged", "triage"]


# --- moderation at filing -----------------------------------------------------------------------


def test_a_flagged_complaint_is_routed_but_never_public_until_its_office_clears_it(stack: Stack) -> None:
    # Given an abusive complaint the citizen publishes as they file it
    case_id = file(stack, subject="Fix the meter", description=ABUSIVE, publish=True)
    # Then before the route worker has read it, nothing of its text is public
    [request] = open311(stack, f"requests/{case_id}.json")
    assert request["description"] == "[text withheld pending review]"
    # When the route worker takes it: flagged, and routed all the same
    assert stack.run_route_worker() == 1
    case = case_of(stack, case_id)
    assert case["status"] == "routed" and case["moderation_flag"]["score"] == 0.94
    assert case["moderation_flag"]["cleared_at"] is None and case["public_text_withheld"] is True
    # And no public view shows its words: Open311 (one, a list, the notes), similar complaints
    for shown in (open311(stack, f"requests/{case_id}.json?extensions=true"), open311(stack, "requests.json")):
        assert "idiot" not in json.dumps(shown, ensure_ascii=False)
        assert shown[0]["description"] == "[text withheld pending review]"
    [request] = open311(stack, f"requests/{case_id}.json?extensions=true")
    assert "moderation_flagged" not in [n["type"] for n in request["notes"]]
    query = f"category_id={stack.demo_route['category_id']}&district={stack.demo_route['district']}&text=meter"
    similar = stack.get(f"/v1/similar-complaints?{query}").json
    assert similar["items"] == [] and similar["others"]["count"] == 1
    # And its officers see the flag: in the queue and on the case
    officer = stack.login("officer")
    [line] = stack.get("/v1/officer/cases", token=officer).json["items"]
    assert line["id"] == case_id and line["moderation_flagged"] is True
    assert stack.get(f"/v1/officer/cases/{case_id}", token=officer).json["moderation_flag"]["score"] == 0.94
    # When an officer of its office clears it
    cleared = stack.post(
        f"/v1/officer/cases/{case_id}/moderation/clear", {"note": "Strong words, no threat."}, token=officer
    )
    assert cleared.status == 200, cleared.body
    assert cleared.json["moderation_flag"]["cleared_by"] == stack.subs["officer"]
    assert cleared.json["timeline"][-1]["type"] == "moderation_cleared"
    # Then its text is public, redacted as any published text
    [request] = open311(stack, f"requests/{case_id}.json")
    assert "idiot" in request["description"]
    assert [s["id"] for s in stack.get(f"/v1/similar-complaints?{query}").json["items"]] == [case_id]
    assert stack.get("/v1/officer/cases", token=officer).json["items"][0]["moderation_flagged"] is False
    # And the clearing is on the audit trail, once (a second is 409)
    trail = stack.get(f"/v1/admin/audit?actor={stack.subs['officer']}", token=stack.login("admin")).json["items"]
    assert [(e["action"], e["object_id"]) for e in trail] == [("clear_moderation", case_id)]
    assert stack.post(f"/v1/officer/cases/{case_id}/moderation/clear", {}, token=officer).status == 409


def test_publishing_a_flagged_complaint_is_accepted_and_the_public_reads_it_is_withheld(stack: Stack) -> None:
    case_id = file(stack, subject="Fix the meter", description=ABUSIVE)
    assert stack.run_route_worker() == 1
    published = stack.post(f"/v1/complaints/{case_id}/publish", {}, token=stack.login("citizen"))
    assert published.status == 200 and published.json["public_text_withheld"] is True
    [request] = open311(stack, f"requests/{case_id}.json")
    assert request["description"] == "[text withheld pending review]"


def test_a_clean_complaint_published_at_filing_is_public_once_read(stack: Stack) -> None:
    case_id = file(stack, publish=True)
    assert open311(stack, f"requests/{case_id}.json")[0]["description"] == "[text withheld pending review]"
    assert stack.run_route_worker() == 1
    case = case_of(stack, case_id)
    assert case["moderation_flag"] is None and case["public_text_withheld"] is False
    assert "900 units" in open311(stack, f"requests/{case_id}.json")[0]["description"]


def test_only_an_officer_of_the_cases_office_clears_its_flag(stack: Stack) -> None:
    case_id = file(stack, subject="Fix the meter", description=ABUSIVE)
    assert stack.run_route_worker() == 1
    path = f"/v1/officer/cases/{case_id}/moderation/clear"
    assert stack.post(path, {}, token=stack.login("citizen")).status == 403
    assert stack.post(path, {}, token=stack.login("admin")).status == 403
    assert stack.post(path, {}, token=stack.login_officer_of(stack.other_office_id)).status == 404
    assert stack.post(path, {}, token=None).status == 401
    assert stack.post(path, {}, token=stack.login("officer")).status == 200
    # A case with nothing flagged has nothing to clear (409)
    clean = file(stack)
    assert stack.run_route_worker() == 1
    assert stack.post(f"/v1/officer/cases/{clean}/moderation/clear", {}, token=stack.login("officer")).status == 409
