"""Browser tests of the officer's pages on a 360 px phone, in English and Urdu.

An officer transfers a complaint by typing part of an office's name and picking it (no raw id);
every action form marks what is required; statuses read in the office's terms; the office's
history lists the case it resolved and the one it transferred, each read-only to it.
Screenshots go to build/screenshots/ (officers-*.png).
"""

from __future__ import annotations

import time

import requests
from playwright.sync_api import Browser, Page

from tests.e2e import test_web
from tests.e2e.test_local_stack import Stack
from tests.e2e.test_web import fits_the_phone, officer_of_demo_office, open_page, shot, sign_in

# The stack and the browser of the web tests, one of each for this module.
running = test_web.running
browser = test_web.browser


def routed_complaint(running: Stack, subject: str) -> str:
    """A complaint filed over HTTP by the demo citizen, once its office has it."""
    route = running.accounts()["demo_route"]
    citizen = next(a for a in running.accounts()["accounts"] if a["role"] == "citizen")
    login = requests.post(
        f"{running.api}/v1/auth/login",
        json={"username": citizen["username"], "password": citizen["password"]},
        timeout=10,
    )
    token = login.json()["id_token"]
    body = {
        "category_id": route["category_id"],
        "subject": subject,
        "description": "The meter was read wrongly three months in a row.",
        "location": {"district": route["district"]},
    }
    headers = {"Authorization": f"Bearer {token}"}
    filed = requests.post(f"{running.api}/v1/complaints", json=body, headers=headers, timeout=10)
    assert filed.status_code == 201, filed.text
    case_id = str(filed.json()["id"])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        seen = requests.get(f"{running.api}/v1/complaints/{case_id}", headers=headers, timeout=10).json()
        if seen["status"] == "routed":
            return case_id
        time.sleep(0.5)
    raise AssertionError(f"{case_id} was not routed:\n{running.log_tail()}")


def officer_page(browser: Browser, running: Stack, errors: list[str], language: str) -> Page:
    page = open_page(browser, errors)
    page.goto(f"{running.api}/#/")
    page.evaluate(f"localStorage.setItem('awaaz.lang', '{language}')")
    page.reload()
    sign_in(page, running.api, officer_of_demo_office(running))
    return page


def officer_token(page: Page) -> str:
    return str(page.evaluate("JSON.parse(localStorage.getItem('awaaz.session')).id_token"))


def resolve_over_http(running: Stack, token: str, case_id: str) -> None:
    body = {"action": "resolve", "outcome": "relief_granted", "note": "Meter read again; bill corrected."}
    done = requests.post(
        f"{running.api}/v1/officer/cases/{case_id}/actions",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert done.status_code == 200, done.text


def test_an_officer_transfers_by_typing_an_offices_name_and_finds_the_cases_in_history(
    running: Stack, browser: Browser
) -> None:
    errors: list[str] = []
    moving = routed_complaint(running, "Meter read wrongly")
    resolving = routed_complaint(running, "Estimated bills")
    page = officer_page(browser, running, errors, "en")
    # Given the office's queue, its statuses in the office's terms
    page.goto(f"{running.api}/#/queue")
    page.wait_for_selector(f"text={moving}")
    assert "New — to acknowledge" in page.inner_text(f"li:has(a[href='#/officer/{moving}'])")
    assert page.locator(".tabs a[aria-current=page]").inner_text() == "Open cases"
    assert fits_the_phone(page)
    shot(page, "officers-queue-en")
    # When the officer opens a case and chooses to transfer it
    page.goto(f"{running.api}/#/officer/{moving}")
    page.wait_for_selector("#act")
    assert page.inner_text(".facts dd") == "New — to acknowledge"
    page.select_option("#action", "transfer")
    # Then the note and the office say they are required, on the label and on the inputs
    assert page.inner_text("label:has([name=note]) small.req") == "(required)"
    assert page.get_attribute("[name=note]", "aria-required") == "true"
    office = page.locator("#pick-office_id")
    assert office.get_attribute("required") is not None and office.get_attribute("role") == "combobox"
    assert page.inner_text("label[for=pick-office_id] small.req") == "(required)"
    assert page.locator("select[name=office_id]").count() == 0  # not a select of hundreds of options
    # And sending it with no office picked is refused by the page, in its own words
    page.fill("[name=note]", "The meter is in Kasur: their district office reads it.")
    assert office.evaluate("el => el.validationMessage") == "Choose one from the list."
    # When they type part of the office's name
    office.fill("kasur oper")
    options = page.locator("#pick-office_id-list [role=option][data-value]")
    options.first.wait_for()
    assert options.count() == 1
    assert "LESCO Kasur District Operations" in options.first.inner_text()
    assert fits_the_phone(page)
    shot(page, "officers-transfer-picker-en")
    # And an office of another organisation says that organisation is only asked
    office.fill("nadra lahore")
    assert "asked to accept" in options.first.inner_text()
    office.fill("kasur oper")
    options.first.wait_for()
    options.first.click()
    assert page.input_value("input[type=hidden][name=office_id]") == "lesco-kasur-operations"
    assert "Moves to this office at once" in page.inner_text(".picker .chosen")
    assert office.evaluate("el => el.validationMessage") == ""
    page.click("#act > button")
    # Then the case moved there, and the office, which let it go, reads it only
    page.wait_for_selector(".message.readonly")
    assert "Kasur District Operations" in page.inner_text(".facts")
    assert "no longer in your office's hands" in page.inner_text(".message.readonly")
    assert page.locator("#act").count() == 0
    assert fits_the_phone(page)
    shot(page, "officers-case-read-only-en")
    # When the office resolves the other case and opens its history
    resolve_over_http(running, officer_token(page), resolving)
    page.goto(f"{running.api}/#/history")
    page.wait_for_selector("#history li")
    # Then both are there, with what the office did and where each is now
    resolved_line = page.inner_text(f"#history li:has(a[href='#/officer/{resolving}'])")
    assert "Resolved by the office" in resolved_line and "Resolved — awaiting the citizen's verdict" in resolved_line
    moved_line = page.inner_text(f"#history li:has(a[href='#/officer/{moving}'])")
    assert "Transferred" in moved_line and "Kasur District Operations" in moved_line
    assert fits_the_phone(page)
    shot(page, "officers-history-en")
    # And filtering by outcome keeps only the resolved one
    page.select_option("select[name=outcome]", "resolved")
    page.click("#hfilters button")
    page.wait_for_url("**/#/history?outcome=resolved")
    page.wait_for_function(f"() => !document.querySelector('#history').textContent.includes('{moving}')")
    assert resolving in page.inner_text("#history")
    # And the resolved case opens read-only, with nothing more to do on it
    page.click(f"#history a[href='#/officer/{resolving}']")
    page.wait_for_selector(".message.readonly")
    assert "Nothing more to do" in page.inner_text(".message.readonly")
    assert errors == []


def test_the_officers_pages_read_in_urdu_on_a_phone(running: Stack, browser: Browser) -> None:
    errors: list[str] = []
    case_id = routed_complaint(running, "میٹر غلط پڑھا گیا")
    done = routed_complaint(running, "اندازے کے بل")
    page = officer_page(browser, running, errors, "ur")
    resolve_over_http(running, officer_token(page), done)
    # The queue, in the office's terms in Urdu
    page.goto(f"{running.api}/#/queue")
    page.wait_for_selector(f"text={case_id}")
    assert "نیا — وصولی کی تصدیق کریں" in page.inner_text(f"li:has(a[href='#/officer/{case_id}'])")
    assert page.locator(".tabs a[aria-current=page]").inner_text() == "کھلے کیس"
    assert fits_the_phone(page)
    shot(page, "officers-queue-ur")
    # The transfer's office found by typing part of its Urdu name; required fields marked in Urdu
    page.goto(f"{running.api}/#/officer/{case_id}")
    page.wait_for_selector("#act")
    page.select_option("#action", "transfer")
    assert page.inner_text("label:has([name=note]) small.req") == "(لازمی)"
    page.locator("#pick-office_id").fill("قصور")
    options = page.locator("#pick-office_id-list [role=option][data-value]")
    options.first.wait_for()
    shown = options.all_inner_texts()
    assert shown and all("قصور" in text for text in shown)
    assert page.locator("#pick-office_id").evaluate("el => el.validationMessage") == "فہرست میں سے ایک منتخب کریں۔"
    assert fits_the_phone(page)
    shot(page, "officers-transfer-picker-ur")
    # And the keyboard picks too: down to the first match, Enter
    page.locator("#pick-office_id").press("ArrowDown")
    assert page.get_attribute("#pick-office_id", "aria-activedescendant") == "pick-office_id-list-0"
    page.locator("#pick-office_id").press("Enter")
    picked = page.input_value("input[type=hidden][name=office_id]")
    assert picked and page.input_value("#pick-office_id") == shown[0].splitlines()[0].strip()
    assert page.locator("#pick-office_id-list").is_hidden()
    assert "منتخب:" in page.inner_text(".picker .chosen")
    # The history, in Urdu
    page.goto(f"{running.api}/#/history")
    page.wait_for_selector(f"#history a[href='#/officer/{done}']")
    line = page.inner_text(f"#history li:has(a[href='#/officer/{done}'])")
    assert "دفتر نے حل کیا" in line
    assert fits_the_phone(page)
    shot(page, "officers-history-ur")
    assert errors == []
