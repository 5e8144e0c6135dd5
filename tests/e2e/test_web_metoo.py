"""Browser test of "me too": filing the same problem in one district offers it from the second complaint on,
and joining takes the citizen to the complaint they now follow. Screenshots at 360 px in English and Urdu."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import pytest
import requests
from playwright.sync_api import Browser

from tests.e2e import test_web
from tests.e2e.test_local_stack import Stack
from tests.e2e.test_web import fits_the_phone, new_citizen, open_page, shot, sign_in
from tests.e2e.test_web_filing import A_DAY, token_of

pytestmark = pytest.mark.e2e
running = test_web.running
browser = test_web.browser

SUBJECT = "No electricity since morning"
TEXTS = (
    "No electricity in our street since morning, the transformer burnt with a bang.",
    "Since morning there is no electricity in the street, transformer has burnt.",
    "subah se bijli nahi hai, transformer jal gaya hai gali ka",
    "صبح سے بجلی نہیں ہے، ٹرانسفارمر جل گیا ہے",
    "Our street has no electricity since the transformer burnt this morning.",
)


def file_by_api(running: Stack, token: str, route: dict[str, str], text: str) -> str:
    body: dict[str, Any] = {
        "category_id": route["category_id"],
        "subject": SUBJECT,
        "description": text,
        "location": {"district": route["district"]},
    }
    filed = requests.post(
        f"{running.api}/v1/complaints", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert filed.status_code == 201, filed.text
    return str(filed.json()["id"])


def offered(running: Stack, route: dict[str, str], text: str) -> list[str]:
    query = f"category_id={route['category_id']}&district={route['district']}&text={quote(SUBJECT + ' ' + text)}"
    found = requests.get(f"{running.api}/v1/similar-complaints?{query}", timeout=10).json()
    return [d["id"] for d in found["duplicates"]] + [i["id"] for i in found["items"] if i["duplicate"]]


def offered_once_routed(running: Stack, route: dict[str, str], text: str) -> list[str]:
    """What the similar check offers once the complaints filed before it are routed.

    A case enters its category's index when the intake worker routes it, seconds after it is filed
    (docs/scale.md: a national burst then writes that index once a complaint); the stack's worker
    takes the queue within a second or two, so the check is asked again until then.
    """
    deadline = time.monotonic() + 20
    while True:
        found = offered(running, route, text)
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.25)


def test_ten_similar_complaints_offer_me_too_from_the_second_on(running: Stack, browser: Browser) -> None:
    route = running.accounts()["demo_route"]
    errors: list[str] = []

    def a_filer() -> str:
        signed = open_page(browser, errors)
        sign_in(signed, running.api, new_citizen(running))
        token = token_of(signed)
        signed.close()
        return token

    # Given a first citizen files the problem: nothing like it was there before
    filer = a_filer()
    assert offered(running, route, TEXTS[0]) == []
    first = file_by_api(running, filer, route, TEXTS[0])
    # When nine more file it in the same district (in English, Roman Urdu and Urdu), each is offered it first
    for n in range(1, 10):
        assert offered_once_routed(running, route, TEXTS[n % len(TEXTS)]), f"complaint {n + 1} was offered nothing"
        if n % A_DAY == 0:
            filer = a_filer()  # a citizen may file A_DAY complaints a day
        file_by_api(running, filer, route, TEXTS[n % len(TEXTS)])
    # And in the browser a second citizen typing it sees "Me too" and joins instead of filing
    page = open_page(browser, errors)
    sign_in(page, running.api, new_citizen(running))
    for language in ("en", "ur"):
        page.evaluate(f"localStorage.setItem('awaaz.lang', '{language}')")
        page.goto(f"{running.api}/#/file")
        page.reload()
        page.wait_for_selector(f"#cat option[value='{route['category_id']}']", state="attached")
        page.select_option("#cat", route["category_id"])
        page.select_option("#dist", route["district"])
        page.fill("[name=subject]", SUBJECT)
        page.fill("[name=description]", TEXTS[1])
        page.wait_for_selector("[data-me-too]")
        assert page.evaluate("document.documentElement.lang") == language
        assert fits_the_phone(page)
        shot(page, f"metoo-offered-{language}")
    page.click("[data-me-too]")
    page.wait_for_url("**/#/followed/C-*")
    page.wait_for_selector("#leave")
    assert fits_the_phone(page)
    shot(page, "metoo-following-ur")
    followed = page.url.split("#/followed/")[1]
    mine = requests.get(
        f"{running.api}/v1/followed-complaints", headers={"Authorization": f"Bearer {token_of(page)}"}, timeout=10
    ).json()["items"]
    assert [c["id"] for c in mine] == [followed] and mine[0]["affected"] == 2 and first
    assert errors == []


def test_an_officer_merges_a_duplicate_from_its_page(running: Stack, browser: Browser) -> None:
    from tests.e2e.test_web_officers import officer_page, routed_complaint

    errors: list[str] = []
    # Given two routed complaints of one problem at the demo office
    survivor = routed_complaint(running, "Meter read wrongly")
    duplicate = routed_complaint(running, "Meter read wrongly again")
    page = officer_page(browser, running, errors, "ur")
    page.goto(f"{running.api}/#/officer/{duplicate}")
    # When the officer enters the other's number, sees it, and confirms
    page.wait_for_selector("form#merge")
    page.fill("form#merge [name=into]", survivor.lower())
    page.click("form#merge button[name=look]")
    page.wait_for_selector("form#merge button[name=merge]")
    assert survivor in page.inner_text("#merge-seen")
    assert fits_the_phone(page)
    shot(page, "metoo-merge-ur")
    page.click("form#merge button[name=merge]")
    # Then the page shows it closed, merged into the other, and offers merging no more
    page.wait_for_function("() => !document.querySelector('form#merge')")
    page.wait_for_selector(f"text={survivor}")
    token = str(page.evaluate("JSON.parse(localStorage.getItem('awaaz.session')).id_token"))
    seen = requests.get(
        f"{running.api}/v1/officer/cases/{duplicate}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).json()
    assert seen["status"] == "closed" and seen["merged_into"] == survivor
    assert errors == []
