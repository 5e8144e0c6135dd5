"""Browser test of category suggestions on the filing form: as the citizen describes the problem, up to three
categories appear above the picker, said "likely" or "possible" in English and Urdu; one tap chooses one;
"I'm not sure" files the complaint without a category. The suggestions' answer is faked (the classifier is
another part's), the rest is the local stack. Screenshots at 360 px in English and Urdu.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, Route

from tests.e2e import test_web
from tests.e2e.test_local_stack import Stack
from tests.e2e.test_web import PHONE, WAIT_MS, fits_the_phone, new_citizen, officer_of_demo_office, shot, sign_in
from tests.e2e.test_web_officers import routed_complaint

pytestmark = pytest.mark.e2e

running = test_web.running
browser = test_web.browser

BILL = "My electricity bill is three times the usual amount this month"
ANSWER = {
    "items": [
        {
            "category_id": "electricity-overbilling",
            "name": "Electricity: over-billing",
            "name_ur": "بجلی: زائد بلنگ",
            "group": "Electricity",
            "group_ur": "بجلی",
            "confidence": 0.82,
        },
        {
            "category_id": "electricity-faulty-meter",
            "name": "Electricity: faulty or slow meter",
            "name_ur": "بجلی: خراب یا سست میٹر",
            "group": "Electricity",
            "group_ur": "بجلی",
            "confidence": 0.1,
        },
        {
            "category_id": "gas-overbilling",
            "name": "Gas: over-billing",
            "name_ur": "گیس: زائد بلنگ",
            "group": "Gas",
            "group_ur": "گیس",
            "confidence": 0.05,
        },
    ],
    "sure": True,
    "threshold": 0.5,
}


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(WAIT_MS)
    yield context
    context.close()


def faked_suggestions(page: Page, running: Stack, asked: list[dict[str, Any]], status: int = 200) -> None:
    def answer(route: Route) -> None:
        asked.append(json.loads(route.request.post_data or "{}"))
        if status == 200:
            route.fulfill(status=200, json=ANSWER)
        else:
            route.fulfill(status=status, json={"error": {"code": "unavailable", "message": "Try again."}})

    page.route(f"{running.api}/v1/category-suggestions", answer)


def test_suggestions_appear_above_the_picker_and_one_tap_chooses_in_english_and_urdu(
    running: Stack, phone: BrowserContext
) -> None:
    errors: list[str] = []
    page = phone.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    asked: list[dict[str, Any]] = []
    faked_suggestions(page, running, asked)
    sign_in(page, running.api, new_citizen(running))
    for lang, likely in (("en", "likely"), ("ur", "غالب امکان")):
        page.evaluate("(lang) => localStorage.setItem('awaaz.lang', lang)", lang)
        page.goto(f"{running.api}/#/file")
        page.reload()
        page.wait_for_function("(lang) => document.documentElement.lang === lang", arg=lang)
        page.wait_for_selector("#cat option", state="attached")
        # When the citizen describes the problem (too little says nothing yet)
        page.fill("[name=description]", "bill")
        page.wait_for_timeout(900)
        assert page.is_hidden("#suggested")
        page.fill("[name=description]", BILL)
        # Then three suggestions and "I'm not sure" appear above the picker, the first said likely
        page.wait_for_selector("#suggested button[data-category='electricity-overbilling']")
        buttons = page.locator("#suggested button")
        assert buttons.count() == 4
        first = buttons.nth(0).inner_text()
        assert likely in first and ("بجلی" in first if lang == "ur" else "Electricity: over-billing" in first)
        assert page.locator("#suggested").bounding_box()["y"] < page.locator("#cat").bounding_box()["y"]  # type: ignore[index]
        assert asked[-1]["kind"] == "complaint" and BILL in asked[-1]["text"]
        # And one tap chooses the category in the picker, even when a search had narrowed it
        page.fill("#q", "water")
        buttons.nth(0).click()
        assert page.input_value("#cat") == "electricity-overbilling"
        assert buttons.nth(0).get_attribute("aria-pressed") == "true"
        assert fits_the_phone(page), f"the form scrolls sideways at 360 px in {lang}"
        shot(page, f"suggestions-{lang}")
    assert not errors, errors


def test_not_sure_files_the_complaint_without_a_category_and_a_failed_answer_says_nothing(
    running: Stack, phone: BrowserContext
) -> None:
    errors: list[str] = []
    page = phone.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    asked: list[dict[str, Any]] = []
    faked_suggestions(page, running, asked, status=503)
    account = new_citizen(running)
    sign_in(page, running.api, account)
    page.evaluate("localStorage.setItem('awaaz.lang', 'en')")
    page.goto(f"{running.api}/#/file")
    page.wait_for_selector("#cat option", state="attached")
    # When the suggestions cannot be had, nothing is said and nothing appears
    page.fill("[name=description]", BILL)
    page.wait_for_timeout(1500)  # asked after half a second of quiet
    assert asked and page.is_hidden("#suggested") and page.is_hidden("#message")
    # And the picker still offers "I'm not sure", which files the complaint without a category
    page.unroute(f"{running.api}/v1/category-suggestions")
    faked_suggestions(page, running, asked)
    page.fill("[name=description]", BILL + " and nobody answers")
    page.click("#suggested button[data-category='not-sure']")
    assert page.input_value("#cat") == "not-sure"
    assert page.is_visible(".not-sure-said")
    page.select_option("#dist", "lahore")
    page.fill("[name=subject]", "Bill too high")
    page.click("form#f > button")
    page.wait_for_url("**/#/case/C-*")
    case_id = page.url.split("/case/")[1]
    token = page.evaluate("JSON.parse(localStorage.getItem('awaaz.session')).id_token")
    case = requests.get(
        f"{running.api}/v1/complaints/{case_id}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).json()
    assert case["category_id"] == "not-sure"
    assert not errors, errors


def unsure_complaint_in_triage(running: Stack) -> str:
    """A complaint the demo citizen files "not sure" over HTTP, once it waits in triage (no model places it)."""
    citizen = next(a for a in running.accounts()["accounts"] if a["role"] == "citizen")
    login = requests.post(
        f"{running.api}/v1/auth/login",
        json={"username": citizen["username"], "password": citizen["password"]},
        timeout=10,
    )
    headers = {"Authorization": f"Bearer {login.json()['id_token']}"}
    body: dict[str, Any] = {
        "category_id": "not-sure",
        "subject": "Trouble near the market",
        "description": "Something has been wrong near the market for weeks and nobody listens.",
        "location": {"district": running.accounts()["demo_route"]["district"]},
    }
    filed = requests.post(f"{running.api}/v1/complaints", json=body, headers=headers, timeout=10)
    assert filed.status_code == 201, filed.text
    case_id = str(filed.json()["id"])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        seen = requests.get(f"{running.api}/v1/complaints/{case_id}", headers=headers, timeout=10).json()
        if any(e["type"] == "triage" for e in seen["timeline"]):
            return case_id
        time.sleep(0.5)
    raise AssertionError(f"{case_id} did not reach triage:\n{running.log_tail()}")


def test_a_triage_officer_chooses_the_category_on_the_triage_page_in_english_and_urdu(
    running: Stack, phone: BrowserContext
) -> None:
    errors: list[str] = []
    page = phone.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    desk = next(a for a in running.accounts()["accounts"] if a.get("triage"))
    sign_in(page, running.api, desk)
    for lang in ("en", "ur"):
        case_id = unsure_complaint_in_triage(running)
        page.evaluate("(lang) => localStorage.setItem('awaaz.lang', lang)", lang)
        page.goto(f"{running.api}/#/triage")
        page.reload()
        page.wait_for_function("(lang) => document.documentElement.lang === lang", arg=lang)
        item = page.locator(f"li.triage-case[data-id='{case_id}']")
        item.wait_for()
        assert "nobody listens" in item.inner_text()
        assert page.locator("#nav a[href='#/triage']").count() == 1
        assert fits_the_phone(page), f"the triage page scrolls sideways at 360 px in {lang}"
        shot(page, f"triage-{lang}")
        item.locator("select[name=category_id]").select_option("electricity-overbilling")
        item.locator("form button:not([data-category])").click()
        page.wait_for_selector(".message.ok")
        assert page.locator(f"li.triage-case[data-id='{case_id}']").count() == 0
    assert not errors, errors


def test_an_officer_sees_the_moderation_flag_in_the_queue_and_on_the_case_and_clears_it(
    running: Stack, phone: BrowserContext
) -> None:
    # Given a routed complaint whose text the (faked) model flagged at filing
    case_id = routed_complaint(running, "Meter read wrongly again")
    flag = {"score": 0.94, "flagged_at": "2026-12-03T05:00:00Z", "cleared_by": None, "cleared_at": None}
    cleared: list[str] = []

    def flagged_queue(route: Route) -> None:
        answer = route.fetch().json()
        for item in answer["items"]:
            item["moderation_flagged"] = item["id"] == case_id
        route.fulfill(json=answer)

    def flagged_case(route: Route) -> None:
        if route.request.method == "POST":
            cleared.append(route.request.url)
            route.fulfill(json={})
            return
        answer = route.fetch().json()
        if not cleared:
            answer["moderation_flag"] = flag
        route.fulfill(json=answer)

    errors: list[str] = []
    page = phone.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(f"{running.api}/v1/officer/cases?*", flagged_queue)
    page.route(f"{running.api}/v1/officer/cases/{case_id}**", flagged_case)
    sign_in(page, running.api, officer_of_demo_office(running))
    for lang, badge in (("en", "Flagged"), ("ur", "نشان زد")):
        page.evaluate("(lang) => localStorage.setItem('awaaz.lang', lang)", lang)
        page.goto(f"{running.api}/#/queue")
        page.reload()
        page.wait_for_function("(lang) => document.documentElement.lang === lang", arg=lang)
        # Then the queue marks it, and its page says what the flag means with the button that clears it
        line = page.locator(f"ul.cards li:has(a[href='#/officer/{case_id}'])")
        assert badge in line.locator(".badge.flagged").inner_text()
        page.goto(f"{running.api}/#/officer/{case_id}")
        page.wait_for_selector(".flag-panel #clear-flag button")
        assert fits_the_phone(page), f"the flagged case scrolls sideways at 360 px in {lang}"
        shot(page, f"moderation-flag-{lang}")
    # When the officer clears it, the page says so and draws the case again without the flag
    page.click("#clear-flag button")
    page.wait_for_selector(".message.ok")
    assert cleared and cleared[0].endswith(f"/v1/officer/cases/{case_id}/moderation/clear")
    page.wait_for_function("() => !document.querySelector('.flag-panel')")
    assert not errors, errors
