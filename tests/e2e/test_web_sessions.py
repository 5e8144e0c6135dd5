"""Browser tests of sessions: tokens refreshed before they expire and once more on a 401; a deep link
opened in a new tab, or before signing in (staff too), lands on its page; an expired session goes to
sign-in with the page kept and drafts untouched; the settings page keeps a person's name, message
language and channels, and messages go in the chosen language.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, Route

from local.totp import fresh_code
from tests.e2e.test_local_stack import Stack
from tests.e2e.test_web import (
    PHONE,
    WAIT_MS,
    browser,
    codes_sent,
    fits_the_phone,
    new_citizen,
    new_code,
    officer_of_demo_office,
    open_page,
    running,
    shot,
    sign_in,
)

__all__ = ["browser", "running"]  # the fixtures, shared with tests/e2e/test_web.py
pytestmark = pytest.mark.e2e


def session_of(page: Page) -> dict[str, Any]:
    return dict(page.evaluate("JSON.parse(localStorage.getItem('awaaz.session'))") or {})


def short_lived_sign_ins(page: Page, seconds: int) -> None:
    """The page's sign-ins hand out ID tokens said to live `seconds` (the server's answer, otherwise as sent)."""

    def shorten(route: Route) -> None:
        answer = route.fetch()
        body = answer.json()
        if "expires_in" in body:
            body["expires_in"] = seconds
        route.fulfill(response=answer, body=json.dumps(body))

    page.route("**/v1/auth/login", shorten)
    page.route("**/v1/auth/challenge", shorten)


def file_over_http(running: Stack, token: str) -> str:
    route = running.accounts()["demo_route"]
    filed = requests.post(
        f"{running.api}/v1/complaints",
        json={
            "category_id": route["category_id"],
            "subject": "Bill twice this month",
            "description": "The bill for November came twice; the second one is wrong.",
            "location": {"district": route["district"]},
        },
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    )
    assert filed.status_code == 201, filed.text
    return str(filed.json()["id"])


def test_the_page_refreshes_its_tokens_before_they_expire_and_once_more_on_a_401(
    running: Stack, browser: Browser
) -> None:
    errors: list[str] = []
    page = open_page(browser, errors)
    refreshes: list[str] = []
    page.on("request", lambda r: refreshes.append(r.url) if r.url.endswith("/v1/auth/refresh") else None)
    # Given a citizen whose ID token is said to live 8 seconds
    short_lived_sign_ins(page, 8)
    sign_in(page, running.api, new_citizen(running))
    first = session_of(page)
    assert first["refresh_token"] and first["id_token"]
    # Then the page asks for new tokens before those seconds are over, and keeps them for every tab
    page.wait_for_function(
        f"() => JSON.parse(localStorage.getItem('awaaz.session')).expires_at > {first['expires_at']}"
    )
    assert len(refreshes) == 1 and time.time() * 1000 < first["expires_at"]
    renewed = session_of(page)
    assert renewed["refresh_token"] == first["refresh_token"]  # opaque, kept as it came
    # And pages that need the citizen still load
    page.goto(f"{running.api}/#/mine")
    page.wait_for_selector("main h1")
    assert "#/login" not in page.url and page.locator("#logout").count() == 1
    # When a request is refused once (a token the server no longer takes), the page refreshes and tries again
    refused: list[str] = []

    def refuse_once(route: Route) -> None:
        if not refused:
            refused.append(route.request.headers.get("authorization", ""))
            route.fulfill(status=401, content_type="application/json", body='{"message": "Unauthorized"}')
        else:
            route.continue_()

    page.route("**/v1/notifications*", refuse_once)
    before = len(refreshes)
    page.goto(f"{running.api}/#/notifications")
    page.wait_for_selector("main h1")
    # (the heading may be drawn before the refused request's refresh is sent: wait for it, up to 10 s)
    waited_until = time.time() + 10
    while not (refused and len(refreshes) > before) and time.time() < waited_until:
        page.wait_for_timeout(100)
    assert refused and len(refreshes) == before + 1
    assert "#/notifications" in page.url and page.locator("#logout").count() == 1
    assert page.locator(".message.error").count() == 0
    assert errors == []


def test_a_deep_link_survives_sign_in_in_a_new_tab_and_before_signing_in(running: Stack, browser: Browser) -> None:
    errors: list[str] = []
    context = browser.new_context(viewport=PHONE)
    first = context.new_page()
    first.set_default_timeout(WAIT_MS)
    first.on("pageerror", lambda error: errors.append(str(error)))
    citizen = new_citizen(running)
    sign_in(first, running.api, citizen)
    case_id = file_over_http(running, session_of(first)["id_token"])
    # A link to the case opened in a new tab shows the case: the tabs share the session
    second = context.new_page()
    second.set_default_timeout(WAIT_MS)
    second.on("pageerror", lambda error: errors.append(str(error)))
    second.goto(f"{running.api}/#/case/{case_id}")
    second.wait_for_selector(f"main h1:has-text('{case_id}')")
    assert second.locator("#logout").count() == 1
    # Signing out in one tab signs out the other too
    if second.locator("#menu").is_visible():  # the nav folded in a menu on a phone
        second.click("#menu")
    second.click("#logout")
    first.wait_for_selector("#nav a[href='#/login']", state="attached")
    assert first.locator("#logout").count() == 0
    context.close()

    # A stranger's visit to the case goes to sign-in, which keeps where they were headed...
    for lang in ("en", "ur"):
        page = open_page(browser, errors)
        page.goto(f"{running.api}/#/")
        page.evaluate(f"localStorage.setItem('awaaz.lang', '{lang}')")
        page.goto(f"{running.api}/#/case/{case_id}")
        page.reload()
        page.wait_for_selector("form#f")
        assert re.search(r"#/login\?next=%23%2Fcase%2FC-", page.url), page.url
        assert fits_the_phone(page)
        shot(page, f"sign-in-with-next-{lang}")
        # ...and lands back on the case once signed in
        page.fill("input[name=username]", citizen["username"])
        page.fill("input[name=password]", citizen["password"])
        page.click("form#f button")
        page.wait_for_selector(f"main h1:has-text('{case_id}')")
        assert page.url.endswith(f"#/case/{case_id}")
        shot(page, f"sign-in-with-next-landed-{lang}")
        page.close()

    # Staff too, after the authenticator step
    officer = officer_of_demo_office(running)
    page = open_page(browser, errors)
    page.goto(f"{running.api}/#/officer/{case_id}")
    page.wait_for_selector("form#f")
    assert "#/login?next=" in page.url
    page.fill("input[name=username]", officer["username"])
    page.fill("input[name=password]", officer["password"])
    page.click("form#f button")
    page.wait_for_selector("form#challenge[data-challenge=mfa]")
    page.fill("input[name=code]", fresh_code(officer["totp_secret"]))
    page.click("form#challenge button")
    page.wait_for_selector(f"main h1:has-text('{case_id}')")
    assert page.url.endswith(f"#/officer/{case_id}")
    assert session_of(page)["refresh_token"].startswith("staff:")
    assert errors == []


def test_an_expired_session_goes_to_sign_in_with_the_page_kept_and_drafts_untouched(
    running: Stack, browser: Browser
) -> None:
    errors: list[str] = []
    page = open_page(browser, errors)
    citizen = new_citizen(running)
    # Given a citizen on their complaints, with a draft kept in this browser, whose refresh token is refused
    short_lived_sign_ins(page, 8)
    sign_in(page, running.api, citizen)
    page.goto(f"{running.api}/#/mine")
    page.wait_for_selector("main h1")
    page.evaluate("localStorage.setItem('awaaz.draft.test', 'what I typed')")
    page.route(
        "**/v1/auth/refresh",
        lambda route: route.fulfill(
            status=401,
            content_type="application/json",
            body='{"error": {"code": "wrong_credentials", "message": "the refresh token is not valid", "details": []}}',
        ),
    )
    # When the session runs out
    page.wait_for_selector("form#f", timeout=20_000)
    # Then they are asked to sign in, told why, the nav no longer offers to sign out, and the draft is kept
    assert re.search(r"#/login\?next=%23%2Fmine$", page.url), page.url
    assert "session has ended" in page.inner_text(".message.error")
    assert page.locator("#logout").count() == 0
    assert page.evaluate("localStorage.getItem('awaaz.session')") is None
    assert page.evaluate("localStorage.getItem('awaaz.draft.test')") == "what I typed"
    assert fits_the_phone(page)
    shot(page, "session-ended-en")
    # And signing in again brings them back to their complaints
    page.unroute("**/v1/auth/refresh")
    page.fill("input[name=username]", citizen["username"])
    page.fill("input[name=password]", citizen["password"])
    page.click("form#f button")
    page.wait_for_selector("#logout", state="attached")
    page.wait_for_function("() => location.hash === '#/mine'")
    assert errors == []


def emails_to(running: Stack, destination: str) -> list[str]:
    lines = running.log_path.read_text(errors="replace").splitlines()
    return [
        line.split(f"→ {destination}:", 1)[1] for line in lines if "email →" in line and f"→ {destination}:" in line
    ]


def test_settings_keep_name_language_and_channels_and_messages_follow(running: Stack, browser: Browser) -> None:
    errors: list[str] = []
    page = open_page(browser, errors)
    citizen = new_citizen(running)
    sign_in(page, running.api, citizen)
    # The header's switch changes the page's language, and offers to send messages in it too
    page.click("#lang")
    page.wait_for_selector("#also-messages")
    assert "انگریزی" in page.inner_text("#message")  # messages still come in English, says the page in Urdu
    assert fits_the_phone(page)
    shot(page, "message-language-offer-ur")
    page.click("#also-messages")
    page.wait_for_selector(".message.ok")
    tokens = requests.post(
        f"{running.api}/v1/auth/login",
        json={"username": citizen["username"], "password": citizen["password"]},
        timeout=10,
    ).json()
    bearer = {"Authorization": f"Bearer {tokens['id_token']}"}

    def preferences() -> dict[str, Any]:
        got = requests.get(f"{running.api}/v1/me/preferences", headers=bearer, timeout=10)
        assert got.status_code == 200, got.text
        return dict(got.json())

    assert preferences()["language"] == "ur"
    # The settings page, linked from the nav (folded in its menu on a phone), in Urdu
    assert page.locator("#nav a[href='#/settings']").count() == 1
    page.goto(f"{running.api}/#/settings")
    page.wait_for_selector("form#settings")
    assert page.is_checked("input[name=language][value=ur]") and page.is_checked("input[name=app_language][value=ur]")
    assert page.is_disabled("input[name=notify_by][value=sms]")  # no phone on this account
    assert fits_the_phone(page)
    shot(page, "settings-ur")
    # A name too short is marked next to its field, in Urdu
    page.fill("input[name=name]", " ا ")
    page.click("form#settings button")
    page.wait_for_selector("#name-error:not([hidden])")
    assert "کم از کم دو" in page.inner_text("#name-error")
    assert page.get_attribute("input[name=name]", "aria-invalid") == "true"
    shot(page, "settings-error-ur")
    # When they give their name in Urdu, keep Urdu messages by e-mail, and turn the app back to English
    page.fill("input[name=name]", "آمنہ خان")
    page.check("input[name=app_language][value=en]")
    page.click("form#settings button")
    page.wait_for_selector(".message.ok")
    page.wait_for_function("() => document.querySelector('main h1').textContent === 'Settings'")
    assert "saved" in page.inner_text(".message.ok") and page.evaluate("document.documentElement.lang") == "en"
    assert page.is_checked("input[name=language][value=ur]")
    shot(page, "settings-en")
    # Then the server keeps it all, and the page greets them by the new name
    chosen = preferences()
    assert chosen["name"] == "آمنہ خان" and chosen["language"] == "ur" and chosen["notify_by"] == ["email"]
    page.goto(f"{running.api}/#/")
    page.wait_for_selector("main strong")
    assert page.inner_text("main strong") == "آمنہ خان"
    # And their e-mail about a new complaint comes in Urdu
    destination = chosen["email"]
    before = len(emails_to(running, destination))
    case_id = file_over_http(running, tokens["id_token"])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(emails_to(running, destination)) == before:
        time.sleep(0.5)
    sent = emails_to(running, destination)[before:]
    assert sent and case_id in sent[0], running.log_tail()
    assert re.search(r"[\u0600-\u06ff]", sent[0]), sent[0]
    assert errors == []


def test_registering_and_resetting_a_forgotten_password_work_in_urdu_on_a_phone(
    running: Stack, browser: Browser
) -> None:
    errors: list[str] = []
    page = open_page(browser, errors)
    page.clock.install()
    page.goto(f"{running.api}/#/")
    page.evaluate("localStorage.setItem('awaaz.lang', 'ur')")
    page.goto(f"{running.api}/#/register")
    page.reload()
    email = f"zainab@{uuid.uuid4().hex[:10]}.example.pk"
    # Given a person registering in Urdu, who asks for the code again after 30 seconds
    page.fill("input[name=name]", "زینب علی")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "Awaaz-web-2026")
    page.click("form#f button")
    page.wait_for_selector("form#c:not([hidden])")
    destination = page.inner_text(".message.ok bdi")
    assert "ای میل سے کوڈ بھیج دیا گیا ہے" in page.inner_text(".message.ok")
    new_code(running, destination)
    assert page.is_disabled("#resend") and fits_the_phone(page)
    shot(page, "register-confirm-ur")
    page.clock.run_for(31_000)
    page.click("#resend")
    page.wait_for_selector(".message.ok")
    # Then the new code confirms the account, in Urdu
    page.fill("input[name=code]", new_code(running, destination, seen=1))
    page.click("form#c button:not([type])")
    page.wait_for_url("**/#/login")
    assert "تصدیق" in page.inner_text(".message.ok")
    # When they forget their password: a code, then another one, and the last one sets a new password
    page.fill("input[name=username]", email)
    page.click("#forgot-link")
    page.wait_for_selector("form#forgot")
    seen = len(codes_sent(running, destination))
    page.click("form#forgot button")
    page.wait_for_selector("form#reset:not([hidden])")
    new_code(running, destination, seen)
    page.clock.run_for(31_000)
    page.click("#resend")
    second = new_code(running, destination, seen + 1)
    page.fill("input[name=code]", "000000")
    page.fill("input[name=password]", "Awaaz-new-2026")
    page.click("form#reset button:not(#resend)")
    page.wait_for_selector(".message.error")
    assert re.search(r"[\u0600-\u06ff]", page.inner_text(".message.error")) and fits_the_phone(page)
    shot(page, "forgot-wrong-code-ur")
    page.fill("input[name=code]", second)
    page.click("form#reset button:not(#resend)")
    page.wait_for_url("**/#/login")
    assert "پاس ورڈ" in page.inner_text(".message.ok")
    assert page.input_value("input[name=username]") == email
    page.clock.run_for(1_500)
    time.sleep(1.1)  # a reset refuses tokens of its own second
    page.fill("input[name=password]", "Awaaz-new-2026")
    page.click("form#f button")
    page.wait_for_selector("#logout", state="attached")
    assert errors == []
