"""Browser tests: words people understand, in both languages (issue 13, point 8).

In Urdu, a field the server refuses says why in Urdu right under the field; dates and times
are in Urdu digits with Urdu times of day, never a Latin AM/PM; notices' dates are formatted
like every other date; an English subject inside the right-to-left page is isolated.
Screenshots at 360 px in English and Urdu go to build/screenshots/words-*.png.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page

from tests.e2e.test_local_stack import Stack
from tests.e2e.test_web import (  # noqa: F401 (fixtures)
    browser,
    fits_the_phone,
    new_citizen,
    officer_of_demo_office,
    open_page,
    running,
    shot,
    sign_in,
)

pytestmark = pytest.mark.e2e
URDU_DIGIT = re.compile("[۰-۹]")
LATIN_DIGIT = re.compile("[0-9]")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
LATIN_DAY_PERIOD = re.compile(r"\b(AM|PM|am|pm)\b")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
SPOKEN_DATE = re.compile(rf"\b\d{{1,2}} ({MONTHS}) \d{{4}}\b")
ENGLISH_SUBJECT = "Bill too high (900 units)!"


def in_language(page: Page, language: str) -> None:
    """Switch the page to `language` (the switch in the menu), and wait until the page is drawn again in it."""
    page.wait_for_selector("main#main > *")
    if page.evaluate("document.documentElement.lang") != language:
        page.evaluate("document.getElementById('main').drawnBefore = true")  # a property: cloneNode does not copy it
        page.click("#lang")
        page.wait_for_function("() => !document.getElementById('main').drawnBefore")  # the page drawn afresh
    page.wait_for_function(f"() => document.documentElement.lang === '{language}'")


def fill_filing(page: Page, route: dict[str, Any], subject: str, description: str) -> None:
    page.wait_for_selector("#cat option")
    page.select_option("#cat", route["category_id"])
    page.select_option("#dist", route["district"])
    page.fill("[name=subject]", subject)
    page.fill("[name=description]", description)


def field_problem(page: Page, name: str) -> dict[str, Any]:
    """What the page says under the control `name`: its note's text, aria-invalid, and whether it is described by it."""
    found: dict[str, Any] = page.evaluate(
        """(name) => {
        const control = document.querySelector(`form [name="${name}"]`);
        const id = (control.getAttribute("aria-describedby") || "").split(" ").find((i) => i.startsWith("field-problem"));
        const note = id && document.getElementById(id);
        const label = control.closest("label");
        return { invalid: control.getAttribute("aria-invalid"), text: note ? note.textContent : null,
                 under: Boolean(note && label && label.nextElementSibling === note) };
    }""",
        name,
    )
    return found


def test_in_urdu_a_too_short_description_is_told_in_urdu_under_the_field(running: Stack, browser: Browser) -> None:  # noqa: F811
    errors: list[str] = []
    page = open_page(browser, errors)
    sign_in(page, running.api, new_citizen(running))
    route = running.accounts()["demo_route"]
    for language, expected, label in (
        ("ur", "کم از کم ۱۰ حروف لکھیں۔", "کیا ہوا: "),
        ("en", "Write at least 10 characters.", "What happened: "),
    ):
        # Given the filing form in this language
        page.goto(f"{running.api}/#/file")
        in_language(page, language)
        # When the description is too short once its spaces are trimmed (the browser's own check counts them)
        fill_filing(page, route, "Broken meter", "Too short" + " " * 6)
        page.click("form#f > button")
        page.wait_for_selector(".field-problem")
        # Then the server's message in this language is right under the description, which is marked invalid
        said = field_problem(page, "description")
        assert said == {"invalid": "true", "text": expected, "under": True}, said
        # And the message at the top names the field
        top = page.inner_text(".message.error")
        assert label in top and expected in top, top
        assert fits_the_phone(page)
        shot(page, f"words-file-errors-{language}")
        # And the message goes once the field is corrected
        page.fill("[name=description]", "The meter has not been read for three months.")
        assert field_problem(page, "description")["invalid"] is None
    # The same on another form: an information request's subject of two letters (and spaces), in Urdu
    page.goto(f"{running.api}/#/info")
    in_language(page, "ur")
    # The request form's own field: the filing form (drawn before, also form#f) has a subject too
    page.wait_for_selector("form#f [name=question]")
    page.fill("form#f [name=subject]", "ab   ")
    page.fill("form#f [name=question]", "When will the road in our street be repaired?")
    page.click("form#f button")
    page.wait_for_selector(".field-problem")
    assert field_problem(page, "subject") == {"invalid": "true", "text": "کم از کم ۳ حروف لکھیں۔", "under": True}
    assert errors == []


def routed(stack: Stack, token: str, case_id: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        seen = requests.get(
            f"{stack.api}/v1/complaints/{case_id}", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        if seen.json()["status"] == "routed":
            return
        time.sleep(0.5)
    pytest.fail(f"{case_id} was not routed")


def test_dates_in_urdu_digits_no_am_pm_notices_formatted_and_english_text_isolated(
    running: Stack,  # noqa: F811
    browser: Browser,  # noqa: F811
) -> None:
    errors: list[str] = []
    page = open_page(browser, errors)
    sign_in(page, running.api, new_citizen(running))
    route = running.accounts()["demo_route"]
    # Given a complaint filed from the Urdu page with an English subject
    page.goto(f"{running.api}/#/file")
    in_language(page, "ur")
    fill_filing(page, route, ENGLISH_SUBJECT, "November bill charges 900 units for a locked house.")
    page.click("form#f > button")
    page.wait_for_url("**/#/case/C-*")
    case_id = page.url.rsplit("/", 1)[-1]
    routed(running, page.evaluate("JSON.parse(localStorage.getItem('awaaz.session')).id_token"), case_id)
    # When its page is opened in Urdu
    page.reload()
    page.wait_for_selector(".timeline time")
    # Then every date and time is in Urdu digits, with an Urdu time of day and no Latin AM/PM
    times = page.eval_on_selector_all(".timeline time", "els => els.map((e) => e.textContent)")
    assert times, "no time on the timeline"
    for said in times:
        assert URDU_DIGIT.search(said) and not LATIN_DIGIT.search(said), said
        assert not LATIN_DAY_PERIOD.search(said), said
        assert any(p in said for p in ("صبح", "دوپہر", "سہ پہر", "شام", "رات")), said
    due = page.inner_text(".facts dd:nth-of-type(4)")
    assert URDU_DIGIT.search(due) and not LATIN_DIGIT.search(due), due
    # And the English subject keeps its own direction inside the right-to-left page; the tracking number reads left to right
    heading = page.locator("h1")
    assert heading.locator("bdi:not([dir])").inner_text() == ENGLISH_SUBJECT
    assert heading.locator("bdi[dir=ltr]").inner_text() == case_id
    assert page.locator("main p[dir=auto]").first.inner_text().startswith("November bill")
    assert fits_the_phone(page)
    shot(page, "words-case-ur")
    in_language(page, "en")
    page.wait_for_selector(".timeline time")
    assert all(
        LATIN_DAY_PERIOD.search(s)
        for s in page.eval_on_selector_all(".timeline time", "els => els.map((e) => e.textContent)")
    )
    shot(page, "words-case-en")
    # And the notices' dates are formatted like all others, never ISO, in either language
    page.goto(f"{running.api}/#/notifications")
    page.wait_for_selector(".cards li time")
    notices = page.eval_on_selector_all(".cards li", "els => els.map((e) => e.innerText)")
    assert notices and not any(ISO.search(n) for n in notices), notices
    assert any(SPOKEN_DATE.search(n) for n in notices), notices  # "A response is due by 10 December 2026"
    shot(page, "words-notifications-en")
    in_language(page, "ur")
    page.wait_for_function(
        "() => document.querySelector('.cards li time') && /[۰-۹]/.test(document.querySelector('.cards li time').textContent)"
    )
    stamps = page.eval_on_selector_all(".cards li time", "els => els.map((e) => e.textContent)")
    assert all(URDU_DIGIT.search(s) and not LATIN_DAY_PERIOD.search(s) and not ISO.search(s) for s in stamps), stamps
    assert page.locator(f".cards li a bdi[dir=ltr]:text-is('{case_id}')").count() >= 1
    assert fits_the_phone(page)
    shot(page, "words-notifications-ur")
    # And an officer's action with a note of spaces alone hears it under the note, in the officer's words
    officer = open_page(browser, errors)
    sign_in(officer, running.api, officer_of_demo_office(running))
    officer.goto(f"{running.api}/#/officer/{case_id}")
    officer.wait_for_selector("#act")
    officer.select_option("#action", "resolve")
    officer.select_option("select[name=outcome]", "relief_granted")
    officer.fill("[name=note]", "   ")
    officer.click("#act > button")
    officer.wait_for_selector(".field-problem")
    assert field_problem(officer, "note") == {"invalid": "true", "text": "Fill this in.", "under": True}
    assert "Some details need correcting." in officer.inner_text(".message.error")
    shot(officer, "words-officer-errors-en")
    assert errors == []


@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_browsers_own_checks_speak_the_pages_language(
    running: Stack,  # noqa: F811
    browser: Browser,  # noqa: F811
    language: str,
) -> None:
    """Chromium words its bubbles in its own interface language (English here); the page words them itself."""
    errors: list[str] = []
    page = open_page(browser, errors)
    page.goto(f"{running.api}/#/register")
    in_language(page, language)
    page.click("form#f button")  # nothing typed: the name is the first thing the browser stops at
    name = page.locator("[name=name]")
    assert name.evaluate("el => el.validationMessage") == {"en": "Fill this in.", "ur": "یہ خانہ پُر کریں۔"}[language]
    name.fill("Amina")
    assert name.evaluate("el => el.validity.valid")  # typing takes the page's word back
    page.fill("[name=email]", "not-an-address")
    page.fill("[name=password]", "short1")
    page.click("form#f button")
    email = page.locator("[name=email]").evaluate("el => el.validationMessage")
    assert (
        email
        == {"en": "Write an e-mail address, like name@example.pk.", "ur": "ای میل پتہ لکھیں، جیسے name@example.pk"}[
            language
        ]
    )
    page.fill("[name=email]", "amina@example.pk")
    page.click("form#f button")
    short = page.locator("[name=password]").evaluate("el => el.validationMessage")
    assert short == {"en": "Write at least 8 characters (now 6).", "ur": "کم از کم ۸ حروف لکھیں (ابھی ۶)۔"}[language]
    assert errors == []
    page.close()
