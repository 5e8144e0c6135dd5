"""Browser tests: headless Debian chromium driven by Playwright against `make run`'s stack and web page.

A citizen registers, confirms, signs in, files a complaint on a phone-sized screen; the
office's officer resolves it; the citizen rates the resolution and sees it closed. The
Urdu switch turns the page right-to-left. The public dashboard draws its charts.
Screenshots go to build/screenshots/.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, FilePayload, Page, ViewportSize, sync_playwright

from tests.e2e.test_local_stack import REPO, Stack

pytestmark = pytest.mark.e2e
SHOTS = REPO / "build" / "screenshots"
AXE = REPO / "build" / "axe" / "package" / "axe.min.js"
PHONE: ViewportSize = {"width": 360, "height": 740}
WAIT_MS = 15_000
# The smallest valid PNG (1×1 pixel), as a photo of the bill.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4d70000000049454e44ae426082"
)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack(tmp_path_factory.mktemp("web"))
    stack.start()
    yield stack
    stack.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    assert Path(chromium).exists(), f"{chromium} is missing: `make test` installs Debian's chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        launched.close()


def open_page(browser: Browser, errors: list[str]) -> Page:
    page = browser.new_page(viewport=PHONE)
    page.set_default_timeout(WAIT_MS)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


def sign_in(page: Page, web: str, username: str, password: str) -> None:
    page.goto(f"{web}/#/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form#f button")
    page.wait_for_selector("#logout")


def shot(page: Page, name: str) -> None:
    """A screenshot, and the page's accessibility check: no serious or critical violation."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert AXE.exists(), f"{AXE} is missing: `make test` fetches axe-core"
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations.map(v => [v.id, v.impact, v.nodes.length])")
    serious = [v for v in found if v[1] in ("serious", "critical")]
    assert not serious, f"{name}: accessibility violations {serious}"


def test_a_citizen_from_registration_to_a_rated_resolution_with_the_officer_resolving(
    running: Stack, browser: Browser
) -> None:
    web = running.api  # the page is served on the API's own port
    errors: list[str] = []
    citizen = open_page(browser, errors)
    # Register with an e-mail, confirm (the local stack accepts any code), sign in
    email = f"web-{uuid.uuid4().hex[:8]}@example.pk"
    citizen.goto(f"{web}/#/register")
    citizen.wait_for_selector("form#f")
    shot(citizen, "citizen-register")
    citizen.fill("input[name=name]", "Sana Tariq")
    citizen.fill("input[name=email]", email)
    citizen.fill("input[name=password]", "Awaaz-web-2026")
    citizen.click("form#f button")
    citizen.wait_for_selector("form#c:not([hidden])")
    citizen.fill("input[name=code]", "123456")
    citizen.click("form#c button")
    citizen.wait_for_url("**/#/login")
    citizen.wait_for_selector("form#f")
    shot(citizen, "citizen-login")
    sign_in(citizen, web, email, "Awaaz-web-2026")
    # File a complaint, finding the category by searching in words
    route = running.accounts()["demo_route"]
    citizen.goto(f"{web}/#/file")
    citizen.wait_for_selector("#cat option")
    citizen.fill("#q", "bill")
    citizen.select_option("#cat", route["category_id"])
    citizen.select_option("#dist", route["district"])
    citizen.fill("[name=subject]", "Bill too high")
    citizen.fill("[name=description]", "November bill charges 900 units for a locked house.")
    photo: FilePayload = {"name": "bill.png", "mimeType": "image/png", "buffer": PNG}
    citizen.set_input_files("input[name=files]", files=[photo])
    shot(citizen, "citizen-file")
    citizen.click("form#f > button")
    case_id = citizen.inner_text(".message.ok strong")
    assert case_id.startswith("C-")
    # Track it until it is routed
    citizen.goto(f"{web}/#/case/{case_id}")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        citizen.reload()
        citizen.wait_for_selector(".facts")
        if "LESCO" in citizen.inner_text(".facts"):
            break
        time.sleep(0.5)
    assert "LESCO" in citizen.inner_text(".facts")
    token = citizen.evaluate("sessionStorage.getItem('awaaz.token')")
    stored = requests.get(f"{web}/v1/complaints/{case_id}", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert len(stored.json()["attachments"]) == 1  # the photo went to storage; the complaint names it
    # The officer finds it in the queue and resolves it
    officer = open_page(browser, errors)
    account = next(a for a in running.accounts()["accounts"] if a.get("office_id") == route["office_id"])
    sign_in(officer, web, account["username"], account["password"])
    officer.goto(f"{web}/#/queue")
    officer.wait_for_selector(f"text={case_id}")
    shot(officer, "officer-queue")
    officer.goto(f"{web}/#/officer/{case_id}")
    officer.wait_for_selector("#act")
    shot(officer, "officer-case")
    officer.select_option("#action", "resolve")
    officer.select_option("select[name=outcome]", "relief_granted")
    officer.fill("[name=note]", "Bill corrected to 120 units.")
    officer.click("#act button")
    officer.wait_for_selector("text=Resolved")
    # The citizen rates it: satisfied, and the case is closed
    citizen.reload()
    citizen.wait_for_selector("form#verdict")
    citizen.fill("[name=rating]", "5")
    citizen.click("form#verdict button[value=true]")
    citizen.wait_for_selector("text=Closed")
    shot(citizen, "citizen-closed")
    citizen.goto(f"{web}/#/mine")
    citizen.wait_for_selector(f"text={case_id}")
    shot(citizen, "citizen-mine")
    citizen.goto(f"{web}/#/notifications")
    citizen.wait_for_selector(".cards li")
    shot(citizen, "citizen-notifications")
    assert errors == []


def test_the_urdu_switch_turns_the_page_right_to_left(running: Stack, browser: Browser) -> None:
    errors: list[str] = []
    page = open_page(browser, errors)
    page.goto(f"{running.api}/#/")
    page.wait_for_selector("#lang")
    page.click("#lang")
    page.wait_for_function("document.documentElement.dir === 'rtl'")
    assert page.evaluate("document.documentElement.lang") == "ur"
    assert "آواز" in page.inner_text("main h1")
    shot(page, "home-ur")
    # An officer works in Urdu too: the queue and the case's actions read in Urdu, right to left
    route = running.accounts()["demo_route"]
    officer = next(a for a in running.accounts()["accounts"] if a.get("office_id") == route["office_id"])
    sign_in(page, running.api, officer["username"], officer["password"])
    page.goto(f"{running.api}/#/queue")
    page.wait_for_selector("#filters")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert "دفتر کی فہرست" in page.inner_text("main h1")
    shot(page, "officer-queue-ur")
    assert errors == []


def test_the_public_dashboard_draws_its_charts(running: Stack, browser: Browser) -> None:
    errors: list[str] = []
    page = open_page(browser, errors)
    page.goto(f"http://127.0.0.1:{running.web_port}/#/dashboard")
    page.wait_for_selector("svg.chart")
    assert page.locator("svg.chart").count() >= 1 and page.locator(".figures li").count() == 6
    shot(page, "dashboard")
    assert errors == []


def test_a_citizen_asks_for_information_and_sends_an_appreciation(running: Stack, browser: Browser) -> None:
    errors: list[str] = []
    page = open_page(browser, errors)
    citizen = next(a for a in running.accounts()["accounts"] if a["role"] == "citizen")
    sign_in(page, running.api, citizen["username"], citizen["password"])
    page.goto(f"{running.api}/#/info")
    page.wait_for_selector("form#f")
    assert page.locator(".cards li").count() >= 2  # the seed's two requests
    shot(page, "citizen-information")
    page.select_option("select[name=organisation_id]", running.accounts()["demo_information"]["organisation_id"])
    page.fill("[name=subject]", "Feeder load")
    page.fill("[name=question]", "What was the peak load of feeder 12 in November?")
    page.click("form#f button")
    page.wait_for_selector(".facts")
    assert page.url.split("#/request/")[1].startswith("R-")
    shot(page, "citizen-request")
    page.goto(f"{running.api}/#/feedback")
    page.wait_for_selector("form#f")
    page.fill("[name=message]", "The lineman came within an hour. Thank you.")
    page.click("form#f button")
    page.wait_for_selector(".message.ok")
    shot(page, "citizen-feedback")
    assert errors == []


def test_an_officer_in_urdu_is_offered_what_the_case_allows_in_urdu(running: Stack, browser: Browser) -> None:
    # Given a routed complaint, filed over HTTP by a demo citizen
    route = running.accounts()["demo_route"]
    accounts = running.accounts()["accounts"]
    citizen = next(a for a in accounts if a["role"] == "citizen")
    login = requests.post(
        f"{running.api}/v1/auth/login",
        json={"username": citizen["username"], "password": citizen["password"]},
        timeout=10,
    )
    token = login.json()["id_token"]
    body = {
        "category_id": route["category_id"],
        "subject": "میٹر نہیں پڑھا گیا",
        "description": "Three estimated bills in a row for house 12.",
        "location": {"district": route["district"]},
    }
    filed = requests.post(
        f"{running.api}/v1/complaints", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    case_id = filed.json()["id"]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        seen = requests.get(
            f"{running.api}/v1/complaints/{case_id}", headers={"Authorization": f"Bearer {token}"}, timeout=10
        ).json()
        if seen["status"] == "routed":
            break
        time.sleep(0.5)
    # When its officer opens it with the page in Urdu
    errors: list[str] = []
    page = open_page(browser, errors)
    page.goto(f"{running.api}/#/")
    page.evaluate("localStorage.setItem('awaaz.lang', 'ur')")
    page.reload()
    officer = next(a for a in accounts if a.get("office_id") == route["office_id"])
    sign_in(page, running.api, officer["username"], officer["password"])
    page.goto(f"{running.api}/#/officer/{case_id}")
    page.wait_for_selector("#act")
    # Then the actions, and a rejection's reasons, are the case's own, in Urdu
    options = page.eval_on_selector_all("#action option", "os => os.map(o => [o.value, o.textContent])")
    assert [value for value, _ in options] == ["acknowledge", "note", "request_info", "transfer", "resolve", "reject"]
    assert ["reject", "مسترد کریں"] in options
    page.select_option("#action", "reject")
    reasons = page.eval_on_selector_all("select[name=reason] option", "os => os.map(o => o.textContent)")
    assert "دہرائی گئی شکایت" in reasons and not any(r.isascii() for r in reasons)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "officer-case-reject-ur")
    # And rejecting it from there moves it on
    page.fill("[name=note]", "یہی شکایت پہلے درج ہو چکی ہے۔")
    page.click("#act button")
    page.wait_for_function("document.querySelector('.facts dd').textContent === 'مسترد'")
    assert page.locator("#act").count() == 0  # a rejected case offers nothing more
    assert errors == []
