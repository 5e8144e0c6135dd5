"""The whole journey on a 360 px phone, in English and in Urdu (issue 13's acceptance), through the page only.

A citizen signs up, files in a category with a required question (electricity: no power; "who is
without power?") with the place pinned from the phone's location and a photo, sees the photo; the
office asks for details, the citizen replies with a photo; the office resolves; the citizen is not
satisfied, and the case reopens one level up; the dashboard. At every step: no sideways scroll, no
error said, an axe check and a screenshot (build/screenshots/journey-<lang>-<step>.png).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, FilePayload, Geolocation, Page

from tests.e2e.test_local_stack import Stack
from tests.e2e.test_web import (  # noqa: F401 (fixtures)
    PHONE,
    WAIT_MS,
    browser,
    fits_the_phone,
    new_code,
    officer_of_demo_office,
    photo_drawn_by,
    photo_shown,
    running,
    shot,
    sign_in,
)

pytestmark = pytest.mark.e2e
MALL_ROAD: Geolocation = {"latitude": 31.5680, "longitude": 74.3120}


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:  # noqa: F811
    context = browser.new_context(viewport=PHONE, geolocation=MALL_ROAD, permissions=["geolocation"])
    context.set_default_timeout(WAIT_MS)
    yield context
    context.close()


def looked(page: Page, language: str, step: str, errors: list[str]) -> None:
    """What a person sees at this step: the whole page on the phone's width, nothing said wrong, in its language."""
    page.wait_for_selector("main:not([aria-busy]) h1")
    assert page.evaluate("document.documentElement.lang") == language, step
    assert fits_the_phone(page), f"{step}: {page.evaluate('document.documentElement.scrollWidth')} px wide"
    assert not page.is_visible(".message.error"), f"{step}: {page.inner_text('.message.error')}"
    assert errors == [], f"{step}: {errors}"
    shot(page, f"journey-{language}-{step}")


def case_of(stack: Stack, page: Page, case_id: str) -> dict[str, Any]:
    token = page.evaluate("JSON.parse(localStorage.getItem('awaaz.session')).id_token")
    answer = requests.get(
        f"{stack.api}/v1/complaints/{case_id}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def until_status(stack: Stack, page: Page, case_id: str, status: str) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        case = case_of(stack, page, case_id)
        if case["status"] == status:
            return case
        time.sleep(0.3)
    pytest.fail(f"{case_id} never became {status}: {case['status']}")


def act(officer: Page, web: str, case_id: str, action: str, fields: dict[str, str]) -> None:
    """The officer opens the case afresh (its version) and applies an action with its fields."""
    officer.goto(f"{web}/#/officer/{case_id}")
    officer.reload()  # the same address again draws nothing new: the page is read afresh
    officer.wait_for_selector("#act")
    offered = officer.eval_on_selector_all("#action option", "os => os.map(o => o.value)")
    assert action in offered, (action, offered, officer.inner_text(".facts"))
    officer.select_option("#action", action)
    for name, value in fields.items():
        if officer.locator(f"#act select[name={name}]").count():
            officer.select_option(f"#act select[name={name}]", value)
        else:
            officer.fill(f"#act [name={name}]", value)
    with officer.expect_response(lambda r: r.url.endswith(f"/v1/officer/cases/{case_id}/actions")) as sent:
        officer.click("#act > button")
    assert sent.value.status == 200, sent.value.text()


@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_whole_journey_on_a_phone(running: Stack, browser: Browser, phone: BrowserContext, language: str) -> None:  # noqa: F811
    web = running.api
    errors: list[str] = []
    citizen = phone.new_page()
    citizen.on("pageerror", lambda error: errors.append(str(error)))
    citizen.goto(f"{web}/#/register")
    citizen.evaluate(f"localStorage.setItem('awaaz.lang', '{language}')")
    # Signs up with an e-mail, types the code sent, signs in
    citizen.reload()
    citizen.wait_for_selector("form#f")
    looked(citizen, language, "1-register", errors)
    email = f"nadia@{uuid.uuid4().hex[:10]}.example.pk"
    citizen.fill("input[name=name]", "نادیہ ملک" if language == "ur" else "Nadia Malik")
    citizen.fill("input[name=email]", email)
    citizen.fill("input[name=password]", "Awaaz-journey-2026")
    citizen.click("form#f button")
    citizen.wait_for_selector("form#c:not([hidden])")
    citizen.fill("input[name=code]", new_code(running, citizen.inner_text(".message.ok bdi")))
    citizen.click("form#c button:not([type=button])")
    citizen.wait_for_url("**/#/login")
    sign_in(citizen, web, {"username": email, "password": "Awaaz-journey-2026"})
    # Files in a category with a required question, the place from the phone and pinned on the map, a photo
    citizen.goto(f"{web}/#/file")
    citizen.wait_for_selector("#cat option[value='electricity-no-power']", state="attached")
    citizen.select_option("#cat", "electricity-no-power")
    citizen.wait_for_selector('#questions [name="attr.scope"]')
    citizen.check('#questions [name="attr.scope"][value="area"]')
    citizen.click("#here")
    citizen.wait_for_function("() => document.querySelector('#dist').value === 'lahore'")
    citizen.click("#pin")
    citizen.wait_for_selector("#map .leaflet-marker-icon")
    citizen.fill("[name=subject]", "بجلی بند" if language == "ur" else "No power since morning")
    citizen.fill("[name=description]", "The whole block has had no electricity since 6 in the morning.")
    photo: FilePayload = {"name": "transformer.jpg", "mimeType": "image/jpeg", "buffer": photo_drawn_by(citizen)}
    citizen.set_input_files("input[name=files]", files=[photo])
    citizen.wait_for_selector("form#f .uploads li[data-state=uploaded]")
    looked(citizen, language, "2-file", errors)
    citizen.click("form#f > button")
    # Lands on the new case and sees the photo
    citizen.wait_for_url("**/#/case/C-*")
    case_id = citizen.url.split("#/case/")[1]
    case = until_status(running, citizen, case_id, "routed")
    assert case["attributes"] == {"scope": "area"} and case["location"]["district"] == "lahore"
    assert case["location"]["lat"] and case["location"]["lon"]
    citizen.reload()
    photo_shown(citizen)
    looked(citizen, language, "3-case", errors)
    # The office (signing in with the authenticator's code, on its own phone) asks for details
    office_phone = browser.new_context(viewport=PHONE)
    office_phone.set_default_timeout(WAIT_MS)
    officer = office_phone.new_page()
    officer.on("pageerror", lambda error: errors.append(str(error)))
    officer.goto(f"{web}/#/")
    officer.evaluate(f"localStorage.setItem('awaaz.lang', '{language}')")
    officer.reload()
    sign_in(officer, web, officer_of_demo_office(running))
    officer.goto(f"{web}/#/queue")
    officer.wait_for_selector(".cards li")  # the office's queue (soonest deadline first: the new case is further down)
    looked(officer, language, "4-officer-queue", errors)
    act(officer, web, case_id, "request_info", {"note": "Which transformer? Please send a photo of it."})
    looked(officer, language, "5-officer-asked", errors)
    # The citizen replies with a photo
    citizen.reload()
    citizen.wait_for_selector("form#reply")
    citizen.fill("form#reply [name=message]", "The one at the corner of street 9; photo attached.")
    reply_photo: FilePayload = {"name": "corner.jpg", "mimeType": "image/jpeg", "buffer": photo_drawn_by(citizen)}
    citizen.set_input_files("form#reply input[type=file]", files=[reply_photo])
    citizen.wait_for_selector("form#reply .uploads li[data-state=uploaded]")
    citizen.click("form#reply > button")
    citizen.wait_for_function("() => document.querySelectorAll('.attachments img.thumb').length === 2")
    photo_shown(citizen)
    looked(citizen, language, "6-replied", errors)
    # The office resolves it
    act(officer, web, case_id, "resolve", {"outcome": "relief_granted", "note": "Transformer replaced."})
    until_status(running, citizen, case_id, "resolved")
    # The citizen is not satisfied: the case reopens, one level up
    citizen.reload()
    citizen.wait_for_selector("form#verdict")
    looked(citizen, language, "7-verdict", errors)
    citizen.fill("form#verdict [name=rating]", "2")
    citizen.click("form#verdict button[value=false]")
    reopened = until_status(running, citizen, case_id, "reopened")
    assert reopened["level"] == 1
    citizen.reload()
    citizen.wait_for_selector(".facts")
    looked(citizen, language, "8-reopened", errors)
    # And anyone sees how government is doing
    citizen.goto(f"{web}/#/dashboard")
    citizen.wait_for_selector("main .figures li")
    looked(citizen, language, "9-dashboard", errors)
    office_phone.close()
