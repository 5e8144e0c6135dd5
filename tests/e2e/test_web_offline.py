"""Browser tests: installable and offline-tolerant, and nothing typed is lost.

The page declares a valid web app manifest with its icons and runs a service worker (on the API's
port and on the web port, where the API is another origin). A complaint written with no network
waits in the outbox and is filed exactly once when the network is back: after a reload, with two
tabs open, and when the first answer was lost on the way back. A form's draft survives a reload
and is gone once filed and after signing out. A case the citizen viewed is readable offline, the
page saying since when.
"""

from __future__ import annotations

import struct
import time
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, FilePayload, Page, Route

from tests.e2e import test_web
from tests.e2e.test_local_stack import Stack
from tests.e2e.test_web import PHONE, WAIT_MS, citizens_complaints, fits_the_phone, new_citizen, shot, sign_in, sign_out

pytestmark = pytest.mark.e2e
# The stack and the browser of the page's own browser tests (fixtures).
running = test_web.running
browser = test_web.browser


def new_tab(context: BrowserContext, errors: list[str]) -> Page:
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


def service_worker_active(page: Page) -> None:
    page.wait_for_function(
        "() => navigator.serviceWorker.ready.then(r => r.active && r.active.state === 'activated')", timeout=WAIT_MS
    )
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def outbox(page: Page) -> list[dict[str, Any]]:
    """What waits in the page's outbox (IndexedDB), as the page keeps it."""
    found: list[dict[str, Any]] = page.evaluate(
        """() => new Promise((resolve, reject) => {
          const opening = indexedDB.open("awaaz-offline");
          opening.onsuccess = () => {
            const request = opening.result.transaction("outbox").objectStore("outbox").getAll();
            request.onsuccess = () => resolve(request.result.map((e) => ({
              key: e.key, subject: e.body.subject, files: e.files.length, error: e.error })));
            request.onerror = () => reject(request.error);
          };
        })"""
    )
    return found


def copies_of(page: Page, sub: str) -> int:
    count: int = page.evaluate(
        """(sub) => new Promise((resolve) => {
          const opening = indexedDB.open("awaaz-offline");
          opening.onsuccess = () => {
            const request = opening.result.transaction("copies").objectStore("copies").index("sub").count(sub);
            request.onsuccess = () => resolve(request.result);
          };
        })""",
        sub,
    )
    return count


def fill_complaint(page: Page, running: Stack, subject: str) -> None:
    route = running.accounts()["demo_route"]
    page.wait_for_selector("#cat option")
    page.select_option("#cat", route["category_id"])
    page.select_option("#dist", route["district"])
    page.fill("[name=subject]", subject)
    page.fill("[name=description]", "The transformer on street 9 has been sparking every evening.")


def with_subject(running: Stack, page: Page, subject: str) -> list[str]:
    token = page.evaluate("JSON.parse(localStorage.getItem('awaaz.session')).id_token")
    found = requests.get(
        f"{running.api}/v1/complaints?limit=50", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert found.status_code == 200, found.text
    return [c["id"] for c in found.json()["items"] if c["subject"] == subject]


def png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == b"\x89PNG\r\n\x1a\n" and body[12:16] == b"IHDR"
    width, height = struct.unpack(">II", body[16:24])
    return width, height


def test_the_manifest_is_valid_and_the_service_worker_keeps_the_shell(running: Stack, browser: Browser) -> None:
    # The manifest: what an install needs, icons that are what they say
    answer = requests.get(f"{running.api}/manifest.webmanifest", timeout=10)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/manifest+json")
    manifest = answer.json()
    assert manifest["name"].startswith("Awaaz") and manifest["short_name"] == "Awaaz"
    assert manifest["display"] == "standalone" and manifest["start_url"] == "./#/" and manifest["scope"] == "./"
    assert manifest["theme_color"] == "#0b6e4f" and manifest["background_color"]
    sizes: dict[str, set[int]] = {}
    for icon in manifest["icons"]:
        body = requests.get(f"{running.api}/{icon['src']}", timeout=10)
        assert body.status_code == 200, icon
        if icon["type"] == "image/png":
            width, height = png_size(body.content)
            assert f"{width}x{height}" == icon["sizes"]
            sizes.setdefault(icon["purpose"], set()).add(width)
    assert {192, 512} <= sizes["any"] and 512 in sizes["maskable"]
    # The page links it and runs the service worker, on both ports
    for web in (running.api, f"http://127.0.0.1:{running.web_port}"):
        errors: list[str] = []
        context = browser.new_context(viewport=PHONE)
        page = new_tab(context, errors)
        page.goto(f"{web}/#/")
        assert page.get_attribute("link[rel=manifest]", "href") == "manifest.webmanifest"
        assert page.get_attribute("meta[name=theme-color]", "content") == "#0b6e4f"
        cdp = context.new_cdp_session(page)
        parsed = cdp.send("Page.getAppManifest")  # as the browser reads it
        cdp.detach()  # a session left open keeps the page from being taken offline
        assert parsed["url"].endswith("/manifest.webmanifest") and parsed["errors"] == [], parsed["errors"]
        service_worker_active(page)
        assert "awaaz-shell-v7" in page.evaluate("caches.keys()")
        kept = page.evaluate(
            "caches.open('awaaz-shell-v7').then(c => c.keys()).then(k => k.map(r => new URL(r.url).pathname))"
        )
        assert {"/", "/js/core.js", "/js/offline.js", "/style.css", "/config.js"} <= set(kept)
        # With no network, the page still opens (from the service worker's cache)
        context.set_offline(True)
        page.reload()
        page.wait_for_selector("main h1")
        assert page.inner_text("#offline-note") == "You are offline. What you type is kept on this phone."
        context.set_offline(False)
        assert errors == []
        context.close()


def test_a_complaint_written_offline_is_filed_once_when_the_network_returns(running: Stack, browser: Browser) -> None:
    errors: list[str] = []
    citizen = new_citizen(running)
    context = browser.new_context(viewport=PHONE)
    page = new_tab(context, errors)
    sign_in(page, running.api, citizen)
    service_worker_active(page)
    # A second tab, signed in too, open on the citizen's list
    other = new_tab(context, errors)
    sign_in(other, running.api, citizen)
    other.goto(f"{running.api}/#/mine")
    other.wait_for_selector("main h1")
    subject = "Sparking transformer"
    page.goto(f"{running.api}/#/file")
    fill_complaint(page, running, subject)
    photo: FilePayload = {"name": "spark.png", "mimeType": "image/png", "buffer": PHOTO}
    page.set_input_files("input[name=files]", files=[photo])
    # Given no network, when they send it, it is kept on the phone and they are told so
    context.set_offline(True)
    page.click("form#f > button")
    page.wait_for_url("**/#/")
    assert "kept on this phone" in page.inner_text(".message.ok")
    page.wait_for_selector("#outbox li")
    assert subject in page.inner_text("#outbox") and "sent when you are back online" in page.inner_text("#outbox")
    kept = outbox(page)
    assert [(e["subject"], e["files"], e["error"]) for e in kept] == [(subject, 1, None)]
    assert fits_the_phone(page)
    shot(page, "offline-queued")
    page.click("#lang")
    page.wait_for_function("() => document.documentElement.dir === 'rtl'")
    page.wait_for_selector("#outbox h2:has-text('بھیجے جانے کی منتظر')")
    assert fits_the_phone(page)
    shot(page, "offline-queued-ur")
    page.click("#lang")
    page.wait_for_function("() => document.documentElement.dir === 'ltr'")
    # The form is empty again: the draft went into the outbox
    page.goto(f"{running.api}/#/file")
    page.wait_for_selector("#cat option")
    assert page.input_value("[name=subject]") == "" and page.locator(".draft-note").count() == 0
    # It is still there after a reload with no network
    page.reload()
    page.wait_for_selector("#outbox li")
    assert [e["key"] for e in outbox(page)] == [kept[0]["key"]]
    # When the network returns, with both tabs open, it is filed once, and they are given its number
    context.set_offline(False)
    page.wait_for_selector(".message.ok strong")
    case_id = page.inner_text(".message.ok strong")
    assert case_id.startswith("C-") and "filed" in page.inner_text(".message.ok")
    other.wait_for_selector(".message.ok strong")  # the other tab is told too
    assert other.inner_text(".message.ok strong") == case_id
    page.wait_for_selector("#outbox", state="hidden")
    assert outbox(page) == []
    # Both tabs started again send nothing more
    page.reload()
    other.reload()
    page.wait_for_selector("main h1")
    other.wait_for_selector("main h1")
    time.sleep(1)
    assert with_subject(running, page, subject) == [case_id]
    token = page.evaluate("JSON.parse(localStorage.getItem('awaaz.session')).id_token")
    filed = requests.get(
        f"{running.api}/v1/complaints/{case_id}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert len(filed.json()["attachments"]) == 1  # the photo kept on the phone went with it
    assert errors == []
    context.close()


def test_a_complaint_whose_answer_was_lost_is_sent_again_with_the_same_key(running: Stack, browser: Browser) -> None:
    errors: list[str] = []
    context = browser.new_context(viewport=PHONE)
    page = new_tab(context, errors)
    sign_in(page, running.api, new_citizen(running))
    keys: list[str] = []

    def lost_then_refused_then_through(route: Route) -> None:
        keys.append(route.request.headers["idempotency-key"])
        if len(keys) == 1:
            route.fetch()  # the server files it...
            route.abort("internetdisconnected")  # ...and the answer never arrives
        elif len(keys) == 2:  # then the service refuses it for now (a 401 would first refresh the session)
            route.fulfill(
                status=429,
                headers={"Retry-After": "60"},
                json={"error": {"code": "rate_limited", "message": "Please try again in a minute."}},
            )
        else:
            route.continue_()

    page.route(f"{running.api}/v1/complaints", lost_then_refused_then_through)
    subject = "Answer lost on the way"
    page.goto(f"{running.api}/#/file")
    fill_complaint(page, running, subject)
    page.click("form#f > button")
    page.wait_for_selector("#outbox li")
    assert len(with_subject(running, page, subject)) == 1  # filed already, though the page does not know
    # A refusal keeps it, with the reason
    page.click("#outbox [data-send]")
    page.wait_for_selector("#outbox li:has-text('Not sent yet: Please try again in a minute.')")
    assert [e["error"]["status"] for e in outbox(page)] == [429]
    shot(page, "offline-outbox-refused")
    # Sent again, it is the same complaint: nothing new is filed
    page.click("#outbox [data-send]")
    page.wait_for_selector(".message.ok strong")
    assert with_subject(running, page, subject) == [page.inner_text(".message.ok strong")]
    assert len(keys) == 3 and len(set(keys)) == 1
    page.wait_for_selector("#outbox", state="hidden")
    assert outbox(page) == []
    assert errors == []
    context.close()


def test_a_draft_survives_a_reload_and_is_gone_once_filed_or_signed_out(running: Stack, browser: Browser) -> None:
    errors: list[str] = []
    context = browser.new_context(viewport=PHONE)
    page = new_tab(context, errors)
    citizen = new_citizen(running)
    sign_in(page, running.api, citizen)
    route = running.accounts()["demo_route"]
    page.goto(f"{running.api}/#/file")
    fill_complaint(page, running, "Draft kept")
    page.check("[name=publish]")
    # A reload brings everything typed and chosen back, and says so
    page.reload()
    page.wait_for_selector(".draft-note")
    assert page.input_value("[name=subject]") == "Draft kept"
    assert page.input_value("[name=description]").startswith("The transformer on street 9")
    assert page.input_value("#cat") == route["category_id"] and page.input_value("#dist") == route["district"]
    assert page.is_checked("[name=publish]") and not page.is_checked("[name=public_name]")
    assert "Your draft from" in page.inner_text(".draft-note") and fits_the_phone(page)
    shot(page, "draft-restored")
    page.click("#lang")
    page.wait_for_selector(".draft-note:has-text('مسودہ')")
    assert page.input_value("[name=subject]") == "Draft kept" and fits_the_phone(page)
    shot(page, "draft-restored-ur")
    page.click("#lang")
    page.wait_for_selector(".draft-note:has-text('Your draft from')")
    stored = page.evaluate("JSON.stringify(Object.entries(localStorage).filter(([k]) => k.startsWith('awaaz.draft.')))")
    assert "Draft kept" in stored and citizen["password"] not in stored
    # It is filed as restored; the form is empty afterwards
    before = len(citizens_complaints(running, page))
    page.click("form#f > button")
    page.wait_for_url("**/#/case/C-*")
    assert len(citizens_complaints(running, page)) == before + 1
    page.goto(f"{running.api}/#/file")
    page.wait_for_selector("#cat option")
    assert page.input_value("[name=subject]") == "" and page.locator(".draft-note").count() == 0
    # A discarded draft is gone
    page.fill("[name=subject]", "Second thoughts")
    page.reload()
    page.click(".draft-note button")
    assert page.input_value("[name=subject]") == "" and page.locator(".draft-note").count() == 0
    page.reload()
    page.wait_for_selector("#cat option")
    assert page.input_value("[name=subject]") == ""
    # A question to an office, half written, then signing out: nothing of it stays on the phone
    page.goto(f"{running.api}/#/info")
    page.fill("[name=question]", "How many transformers were replaced in 2026?")
    page.reload()
    page.wait_for_selector(".draft-note")
    assert page.input_value("[name=question]") == "How many transformers were replaced in 2026?"
    sign_out(page)
    assert page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('awaaz.draft.'))") == []
    assert errors == []
    context.close()


def test_the_citizen_and_the_officer_keep_drafts_of_what_they_write_on_a_case(running: Stack, browser: Browser) -> None:
    errors: list[str] = []
    context = browser.new_context(viewport=PHONE)
    page = new_tab(context, errors)
    sign_in(page, running.api, new_citizen(running))
    route = running.accounts()["demo_route"]
    token = page.evaluate("JSON.parse(localStorage.getItem('awaaz.session')).id_token")
    filed = requests.post(
        f"{running.api}/v1/complaints",
        json={
            "category_id": route["category_id"],
            "subject": "Drafts on a case",
            "description": "The meter reads twice what the house uses.",
            "location": {"district": route["district"]},
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert filed.status_code == 201, filed.text
    case_id = filed.json()["id"]
    # The citizen starts withdrawing it, with a reason, and the page reloads: the folded form opens with it
    page.goto(f"{running.api}/#/case/{case_id}")
    page.click("details.final summary")
    page.fill("form#withdraw [name=reason]", "The meter was replaced")
    page.reload()
    page.wait_for_selector("details.final[open] .draft-note")
    assert page.input_value("form#withdraw [name=reason]") == "The meter was replaced"
    # The officer's note too, with the action it was for
    officer = new_tab(browser.new_context(viewport=PHONE), errors)
    sign_in(officer, running.api, test_web.officer_of_demo_office(running))
    officer.goto(f"{running.api}/#/officer/{case_id}")
    officer.wait_for_selector("#act")
    officer.select_option("#action", "resolve")
    officer.select_option("select[name=outcome]", "relief_granted")
    officer.fill("[name=note]", "Meter replaced on 1 December.")
    officer.reload()
    officer.wait_for_selector(".draft-note")
    assert (
        officer.input_value("#action") == "resolve"
        and officer.input_value("[name=note]") == "Meter replaced on 1 December."
    )
    assert officer.input_value("select[name=outcome]") == "relief_granted"
    # Sent, it is gone
    officer.click("#act > button")
    officer.wait_for_function("() => Object.keys(localStorage).every((k) => !k.startsWith('awaaz.draft.'))")
    officer.reload()
    officer.wait_for_selector(".facts")
    assert officer.locator(".draft-note").count() == 0
    assert officer.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('awaaz.draft.'))") == []
    assert errors == []
    officer.context.close()
    context.close()


def test_a_case_the_citizen_viewed_is_readable_offline(running: Stack, browser: Browser) -> None:
    # On the web port: the API is another origin there
    web = f"http://127.0.0.1:{running.web_port}"
    errors: list[str] = []
    context = browser.new_context(viewport=PHONE)
    page = new_tab(context, errors)
    sign_in(page, web, new_citizen(running))
    service_worker_active(page)
    page.goto(f"{web}/#/file")
    fill_complaint(page, running, "Readable offline")
    page.click("form#f > button")
    page.wait_for_url("**/#/case/C-*")
    page.wait_for_selector(".facts")
    case_id = page.url.split("#/case/")[1]
    page.goto(f"{web}/#/mine")
    page.wait_for_selector(f"text={case_id}")
    me = page.evaluate("state.me.sub")
    deadline = time.monotonic() + 5  # kept in the background, once the page is drawn
    while copies_of(page, me) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert copies_of(page, me) >= 2
    # With no network, a reload shows the case as last seen, and says so (in Urdu with its font, once used)
    page.goto(f"{web}/#/case/{case_id}")
    page.wait_for_selector(".facts")
    page.click("#lang")
    page.wait_for_function(
        "() => document.documentElement.dir === 'rtl' && document.fonts.check('16px \"Noto Nastaliq Urdu\"')"
    )
    page.click("#lang")
    page.wait_for_function("() => document.documentElement.dir === 'ltr'")
    context.set_offline(True)
    page.reload()
    page.wait_for_selector(".facts")
    assert case_id in page.inner_text("main h1") and "Readable offline" in page.inner_text("main h1")
    assert page.inner_text("#offline-note").startswith(
        "You are offline. This is what was saved on this phone; last updated"
    )
    assert fits_the_phone(page)
    shot(page, "offline-case")
    page.click("#lang")
    page.wait_for_function("() => document.documentElement.dir === 'rtl'")
    page.wait_for_selector("#offline-note:has-text('آف لائن')")
    assert "آخری بار" in page.inner_text("#offline-note") and fits_the_phone(page)
    shot(page, "offline-case-ur")
    page.click("#lang")
    page.wait_for_function("() => document.documentElement.dir === 'ltr'")
    # The list too
    page.goto(f"{web}/#/mine")
    page.wait_for_selector(f"text={case_id}")
    assert "last updated" in page.inner_text("#offline-note")
    # Back online, the page is fresh again and says nothing of copies
    context.set_offline(False)
    page.reload()
    page.wait_for_selector(f"text={case_id}")
    assert page.is_hidden("#offline-note")
    # Signing out deletes this person's copies
    sign_out(page)
    page.wait_for_function(
        """(sub) => new Promise((resolve) => {
          const opening = indexedDB.open("awaaz-offline");
          opening.onsuccess = () => {
            const request = opening.result.transaction("copies").objectStore("copies").index("sub").count(sub);
            request.onsuccess = () => resolve(request.result === 0);
          };
        })""",
        arg=me,
    )
    assert errors == []
    context.close()


# The smallest valid PNG (1×1 pixel)
PHOTO = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4d70000000049454e44ae426082"
)
