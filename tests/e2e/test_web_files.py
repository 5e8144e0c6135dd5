"""Browser tests of attachments: an iPhone's HEIC photo, an upload that fails and is sent again, a reply's photo.

Each file's state shows under its input (sending / sent / not sent — try again / remove); the
page reads the storage's answer (the bucket's CORS), so a lost upload is seen and retried,
never assumed. Screenshots go to build/screenshots/ (360 px, English and Urdu).
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, FilePayload, Page, Route

from tests.e2e import test_web
from tests.e2e.test_local_stack import Stack
from tests.e2e.test_web import (
    WAIT_MS,
    fits_the_phone,
    new_citizen,
    officer_of_demo_office,
    open_page,
    photo_drawn_by,
    photo_shown,
    shot,
    sign_in,
    staff_tokens,
)

pytestmark = pytest.mark.e2e
# The browser tests' stack and browser, one of each for this module too.
running = test_web.running
browser = test_web.browser
# Not a decodable photo: what matters is that it is kept and offered as sent (Chromium draws no HEIC anyway).
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64)


def fill_the_form(page: Page, running: Stack, subject: str) -> None:
    route = running.accounts()["demo_route"]
    page.goto(f"{running.api}/#/file")
    page.wait_for_selector("#cat option")
    page.select_option("#cat", route["category_id"])
    page.select_option("#dist", route["district"])
    page.fill("[name=subject]", subject)
    page.fill("[name=description]", "The meter was not read; the photo shows its reading.")


def file_states(page: Page) -> list[str]:
    return list(page.eval_on_selector_all(".uploads li", "els => els.map(e => e.dataset.state)"))


def storage_posts(page: Page, running: Stack, fail: int) -> list[str]:
    """Abort the first `fail` POSTs to storage (moto's S3), as a dropped connection would; the outcome of each."""
    seen: list[str] = []

    def handle(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        if len(seen) < fail:
            seen.append("aborted")
            route.abort("connectionreset")
            return
        seen.append("sent")
        route.continue_()

    page.route(f"http://127.0.0.1:{running.moto_port}/**", handle)
    return seen


def token_of(page: Page) -> str:
    return str(page.evaluate("JSON.parse(localStorage.getItem('awaaz.session')).id_token"))


def test_the_page_can_read_whether_storage_kept_its_upload(running: Stack) -> None:
    # The bucket's CORS (infra/resources.json, provisioned locally from it) lets a page of any origin
    # read storage's answer to its POST: the presigned policy, not the origin, decides what is stored.
    account = next(a for a in running.accounts()["accounts"] if a["role"] == "citizen")
    credentials = {"username": account["username"], "password": account["password"]}
    login = requests.post(f"{running.api}/v1/auth/login", json=credentials, timeout=10).json()
    signed = requests.post(
        f"{running.api}/v1/uploads",
        json={"filename": "bill.pdf", "content_type": "application/pdf", "size": 18},
        headers={"Authorization": f"Bearer {login['id_token']}"},
        timeout=10,
    ).json()
    origin = "https://awaaz.example.pk"
    sent = requests.post(
        signed["url"],
        data=signed["fields"],
        files={"file": ("bill.pdf", b"%PDF-1.4\n% a bill\n")},
        headers={"Origin": origin},
        timeout=10,
    )
    assert sent.status_code == 204 and sent.headers["Access-Control-Allow-Origin"] in (origin, "*")


def test_an_iphones_heic_photo_files_and_shows_as_a_photo_card(running: Stack, browser: Browser) -> None:
    # Given a citizen on the filing form chooses a .heic photo the browser gives no type
    errors: list[str] = []
    page = open_page(browser, errors)
    sign_in(page, running.api, new_citizen(running))
    fill_the_form(page, running, "Meter not read (HEIC)")
    assert "image/heic" in str(page.get_attribute("input[name=files]", "accept"))
    photo: FilePayload = {"name": "IMG_0042.HEIC", "mimeType": "", "buffer": HEIC}
    page.set_input_files("input[name=files]", files=[photo])
    # Then it is sent at once, and its line says so
    page.wait_for_selector(".uploads li[data-state=uploaded]")
    assert page.inner_text(".uploads li .name bdi") == "IMG_0042.HEIC"
    assert "Sent" in page.inner_text(".uploads li .state")
    # When they send the complaint
    page.click("form#f > button")
    case_id = page.inner_text(".message.ok strong")
    # Then the case shows a "Photo (HEIC)" card whose link opens the photo, stored as sent
    page.wait_for_selector(".attachments li.heic")
    card = page.inner_text(".attachments li.heic")
    assert "IMG_0042.HEIC" in card and "Photo (HEIC)" in card
    assert fits_the_phone(page)
    href = str(page.get_attribute(".attachments li.heic a", "href"))
    opened = requests.get(href, timeout=10)
    assert opened.status_code == 200 and opened.headers["Content-Type"] == "image/heic" and opened.content == HEIC
    shot(page, "files-case-heic")
    # And the office sees it too, as a HEIC photo it may open
    officer = staff_tokens(running, officer_of_demo_office(running))
    deadline = time.monotonic() + 20
    seen: dict[str, Any] = {}
    while time.monotonic() < deadline:
        answer = requests.get(
            f"{running.api}/v1/officer/cases/{case_id}",
            headers={"Authorization": f"Bearer {officer['id_token']}"},
            timeout=10,
        )
        if answer.status_code == 200:
            seen = answer.json()
            break
        time.sleep(0.5)
    (shown,) = seen["attachments"]
    assert (shown["filename"], shown["content_type"]) == ("IMG_0042.HEIC", "image/heic") and shown["url"]
    assert errors == []


def test_an_upload_that_fails_once_is_sent_again_and_the_complaint_files_with_the_photo(
    running: Stack, browser: Browser
) -> None:
    # Given the first POST of the photo to storage is lost on the way
    errors: list[str] = []
    page = open_page(browser, errors)
    sign_in(page, running.api, new_citizen(running))
    fill_the_form(page, running, "Meter not read (retried)")
    posts = storage_posts(page, running, fail=1)
    photo: FilePayload = {"name": "meter.jpg", "mimeType": "image/jpeg", "buffer": photo_drawn_by(page)}
    page.set_input_files("input[name=files]", files=[photo])
    # Then the page says it is sending it again, and then that it is sent
    page.wait_for_selector(".uploads li[data-state=retrying]")
    page.wait_for_selector(".uploads li[data-state=uploaded]")
    assert posts == ["aborted", "sent"]
    # When they send the complaint, Then it is filed with the photo, which the case shows
    page.click("form#f > button")
    page.wait_for_selector(".message.ok strong")
    photo_shown(page)
    assert page.locator(".attachments img.thumb").get_attribute("alt") == "Photo: meter.jpg"
    assert errors == []


NOT_SENT = {"en": "A file was not sent", "ur": "ایک فائل نہیں بھیجی جا سکی"}


@pytest.mark.parametrize("language", ["en", "ur"])
def test_a_file_that_keeps_failing_keeps_the_complaint_until_it_is_sent_or_removed(
    running: Stack, browser: Browser, language: str
) -> None:
    # Given storage refuses every upload
    errors: list[str] = []
    page = open_page(browser, errors)
    page.goto(f"{running.api}/#/")
    page.evaluate(f"localStorage.setItem('awaaz.lang', '{language}')")
    page.reload()
    sign_in(page, running.api, new_citizen(running))
    fill_the_form(page, running, "Meter not read (kept)")
    posts = storage_posts(page, running, fail=1000)
    filings: list[str | None] = []
    page.on(
        "request",
        lambda r: (
            filings.append(r.headers.get("idempotency-key"))
            if r.method == "POST" and r.url.endswith("/v1/complaints")
            else None
        ),
    )
    photo: FilePayload = {"name": "meter.jpg", "mimeType": "image/jpeg", "buffer": photo_drawn_by(page)}
    bill: FilePayload = {"name": "bill.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% a bill\n"}
    page.set_input_files("input[name=files]", files=[photo, bill])
    # Then, after trying again with backoff, each line says it was not sent and offers to try again or remove it
    page.wait_for_function(
        "() => [...document.querySelectorAll('.uploads li')].every(li => li.dataset.state === 'failed')",
        timeout=2 * WAIT_MS,
    )
    assert len(posts) == 8  # each file: the first try and three more
    assert page.locator(".uploads li.failed [data-do=again]").count() == 2
    assert page.locator(".uploads li.failed [data-do=remove]").count() == 2
    assert fits_the_phone(page)
    shot(page, f"files-form-failed-{language}")
    # When they send anyway, Then it tries once more, nothing is filed, they are told why, and what they typed stays
    page.click("form#f > button")
    page.wait_for_selector(".message.error", timeout=2 * WAIT_MS)
    assert NOT_SENT[language] in page.inner_text(".message.error")
    assert page.input_value("[name=subject]") == "Meter not read (kept)" and filings == []
    # When storage works again: they try the photo again, and remove the PDF
    page.unroute(f"http://127.0.0.1:{running.moto_port}/**")
    page.click(".uploads li:first-child [data-do=again]")
    page.wait_for_selector(".uploads li[data-state=uploaded]")
    page.click(".uploads li:has-text('bill.pdf') [data-do=remove]")
    page.wait_for_function("() => document.querySelectorAll('.uploads li').length === 1")
    assert file_states(page) == ["uploaded"]
    assert page.locator(".message.error").count() == 0  # nothing left unsent: the warning is gone
    shot(page, f"files-form-sent-{language}")
    # Then the complaint files, once, with the photo and without the PDF
    page.click("form#f > button")
    page.wait_for_selector(".message.ok strong")
    photo_shown(page)
    assert len(filings) == 1 and filings[0]
    seen = requests.get(
        f"{running.api}/v1/complaints/{page.inner_text('.message.ok strong')}",
        headers={"Authorization": f"Bearer {token_of(page)}"},
        timeout=10,
    ).json()
    assert [a["filename"] for a in seen["attachments"]] == ["meter.jpg"]
    assert errors == []


def routed_complaint(running: Stack, citizen: dict[str, str], subject: str) -> tuple[str, dict[str, Any]]:
    """A complaint of `citizen`, filed over HTTP and routed to the demo office: its id, and its officer's tokens."""
    login = requests.post(f"{running.api}/v1/auth/login", json=citizen, timeout=10).json()
    token = login["id_token"]
    route = running.accounts()["demo_route"]
    body = {
        "category_id": route["category_id"],
        "subject": subject,
        "description": "Three estimated bills in a row for house 12.",
        "location": {"district": route["district"]},
    }
    filed = requests.post(
        f"{running.api}/v1/complaints", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    case_id = str(filed.json()["id"])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        seen = requests.get(
            f"{running.api}/v1/complaints/{case_id}", headers={"Authorization": f"Bearer {token}"}, timeout=10
        ).json()
        if seen["status"] == "routed":
            break
        time.sleep(0.5)
    assert seen["status"] == "routed", seen
    return case_id, staff_tokens(running, officer_of_demo_office(running))


def routed_complaint_asking_for_details(running: Stack, citizen: dict[str, str]) -> str:
    """A complaint of `citizen`, filed over HTTP, routed, whose office asks for a photo."""
    case_id, officer = routed_complaint(running, citizen, "Meter not read (reply)")
    asked = requests.post(
        f"{running.api}/v1/officer/cases/{case_id}/actions",
        json={"action": "request_info", "note": "Please send a photo of the meter's reading."},
        headers={"Authorization": f"Bearer {officer['id_token']}"},
        timeout=10,
    )
    assert asked.status_code == 200, asked.text
    return case_id


def test_an_officer_resolves_from_the_page_with_a_file_the_citizen_opens(running: Stack, browser: Browser) -> None:
    # Given a routed complaint
    citizen = new_citizen(running)
    case_id, _ = routed_complaint(running, citizen, "Bill too high (resolved with a file)")
    errors: list[str] = []
    page = open_page(browser, errors)
    sign_in(page, running.api, officer_of_demo_office(running))
    page.goto(f"{running.api}/#/officer/{case_id}")
    # When its officer resolves it from the page with the corrected bill attached
    page.wait_for_selector("#act")
    page.select_option("#action", "resolve")
    page.select_option("select[name=outcome]", "relief_granted")
    page.fill("#act [name=note]", "Bill corrected to 120 units; the corrected bill is attached.")
    bill: FilePayload = {"name": "corrected-bill.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% fixed\n"}
    page.set_input_files("#act input[type=file]", files=[bill])
    page.wait_for_selector("#act .uploads li[data-state=uploaded]")
    page.click("#act > button")
    # Then the case shows the file, and its citizen opens it from theirs
    page.wait_for_selector(".attachments li.file a:has-text('corrected-bill.pdf')")
    login = requests.post(f"{running.api}/v1/auth/login", json=citizen, timeout=10).json()
    seen = requests.get(
        f"{running.api}/v1/complaints/{case_id}",
        headers={"Authorization": f"Bearer {login['id_token']}"},
        timeout=10,
    ).json()
    assert seen["status"] == "resolved"
    (shown,) = seen["attachments"]
    assert shown["filename"] == "corrected-bill.pdf"
    assert requests.get(shown["url"], timeout=10).content == b"%PDF-1.4\n% fixed\n"
    assert errors == []


@pytest.mark.parametrize("language", ["en", "ur"])
def test_a_reply_with_a_photo_shows_the_photo_on_the_case(running: Stack, browser: Browser, language: str) -> None:
    # Given the office asked the citizen for a photo
    citizen = new_citizen(running)
    case_id = routed_complaint_asking_for_details(running, citizen)
    errors: list[str] = []
    page = open_page(browser, errors)
    page.goto(f"{running.api}/#/")
    page.evaluate(f"localStorage.setItem('awaaz.lang', '{language}')")
    page.reload()
    sign_in(page, running.api, citizen)
    page.goto(f"{running.api}/#/case/{case_id}")
    # When they answer with a photo from the reply form
    page.wait_for_selector("form#reply input[type=file][name=attachments]", state="attached")
    assert "image/heic" in str(page.get_attribute("form#reply input[type=file]", "accept"))
    page.fill("form#reply [name=message]", "Here is the meter; it reads 04512.")
    photo: FilePayload = {"name": "reading.jpg", "mimeType": "image/jpeg", "buffer": photo_drawn_by(page)}
    page.set_input_files("form#reply input[type=file]", files=[photo])
    page.wait_for_selector("form#reply .uploads li[data-state=uploaded]")
    assert fits_the_phone(page)
    page.click("form#reply > button")
    # Then the case shows the photo, loaded from storage, and the reply on its timeline
    page.wait_for_selector("form#reply", state="detached")
    photo_shown(page)
    assert page.locator(".attachments img.thumb").get_attribute("alt") in ("Photo: reading.jpg", "تصویر: reading.jpg")
    assert "04512" in page.inner_text(".timeline")
    assert fits_the_phone(page)
    shot(page, f"files-case-reply-photo-{language}")
    # And the office opens the same photo from its case page
    officer = open_page(browser, errors)
    sign_in(officer, running.api, officer_of_demo_office(running))
    officer.goto(f"{running.api}/#/officer/{case_id}")
    photo_shown(officer)
    token = token_of(page)
    seen = requests.get(
        f"{running.api}/v1/complaints/{case_id}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).json()
    replies = [e for e in seen["timeline"] if e["type"] == "citizen_replied"]
    assert [e["attachments"] for e in replies] == [[seen["attachments"][0]["id"]]]
    assert errors == []
