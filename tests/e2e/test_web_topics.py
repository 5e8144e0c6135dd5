"""Browser tests of "Rising topics" on a 360 px phone, in English and Urdu.

The week's topics are written into the running stack's table as the Monday task writes them;
the officer of the demo office reads them under the office's tabs: each theme's keywords, its
counts, "rising ×N" in words, and example cases as links to the case. A week without topics
says so. Screenshots go to build/screenshots/ (topics-*.png).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import boto3
from playwright.sync_api import Browser

from tests.e2e import test_web
from tests.e2e.test_local_stack import Stack
from tests.e2e.test_web import fits_the_phone, shot
from tests.e2e.test_web_officers import officer_page, routed_complaint

running = test_web.running
browser = test_web.browser


def _store(running: Stack, week: str, found: dict[str, object]) -> None:
    from chalicelib.store import topics as topics_store
    from chalicelib.store.table import DynamoTable

    runtime = json.loads((running.state_dir / "runtime.json").read_text())
    env = runtime["environment"]
    client = boto3.client(
        "dynamodb",
        endpoint_url=runtime["moto_url"],
        region_name=runtime["region"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    topics_store.put_topics(DynamoTable(env["TABLE_NAME"], client), "lesco", week, "2026-12-07T02:05:00Z", found)


def test_an_officer_reads_the_weeks_rising_topics_in_english_and_urdu(running: Stack, browser: Browser) -> None:
    from chalicelib.insights import weeks

    case_id = routed_complaint(running, "Transformer on fire")
    week = weeks.last_complete(datetime.now(UTC))
    theme = {
        "keywords": ["transformer", "ٹرانسفارمر", "aag", "sparks", "wires fell", "دھواں"],
        "week_count": 20,
        "baseline_count": 1,
        "share_week": 0.14,
        "share_baseline": 0.001,
        "rise": 14.7,
        "rising": True,
        "examples": [case_id, "C-0000-0000"],
    }
    steady = {**theme, "keywords": ["bill", "units", "meter reading"], "rise": 0.8, "rising": False, "examples": []}
    _store(
        running,
        week,
        {"texts_week": 140, "texts_baseline": 700, "baseline_weeks": 6, "enough": True, "themes": [theme, steady]},
    )
    errors: list[str] = []
    for language in ("en", "ur"):
        page = officer_page(browser, running, errors, language)
        # Given the office's tabs, When the officer opens Rising topics
        page.goto(f"{running.api}/#/queue")
        page.click(".tabs a[href='#/topics']")
        page.wait_for_selector(".topics li")
        cards = page.locator(".topics > li")
        assert cards.count() == 2
        first = cards.first.inner_text()
        # Then the rising theme comes first: its words, its counts, its rise in words, its example as a link
        assert "transformer" in first and "ٹرانسفارمر" in first
        assert ("Rising ×14.7" in first) if language == "en" else ("گنا ابھار" in first)
        assert ("20 new complaints this week" in first) if language == "en" else ("نئی شکایات" in first)
        assert page.locator(f".topics a[href='#/officer/{case_id}']").count() == 1
        # (the example the officer may not open is counted, not linked)
        assert page.locator(".topics a[href='#/officer/C-0000-0000']").count() == 0
        assert (
            ("Not rising" in cards.nth(1).inner_text())
            if language == "en"
            else ("ابھار نہیں" in cards.nth(1).inner_text())
        )
        assert fits_the_phone(page)
        shot(page, f"topics-{language}")
        # And the week before, with nothing computed, says so
        page.click(".topics-weeks a")
        page.wait_for_selector("main p.message")
        message = page.inner_text("main p.message")
        assert ("No topics for this week" in message) if language == "en" else ("موضوعات موجود نہیں" in message)
        assert fits_the_phone(page)
        shot(page, f"topics-empty-{language}")
        # And the example opens the case
        page.go_back()
        page.wait_for_selector(f".topics a[href='#/officer/{case_id}']")
        page.click(f".topics a[href='#/officer/{case_id}']")
        page.wait_for_selector(".facts")
        page.close()
    assert not errors, errors


def test_an_admin_chooses_the_organisation_whose_topics_to_read(running: Stack, browser: Browser) -> None:
    from chalicelib.insights import weeks
    from tests.e2e.test_web import open_page, sign_in
    from tests.e2e.test_web_admin import admin_account

    week = weeks.last_complete(datetime.now(UTC))
    theme = {
        "keywords": ["feeder", "tripping", "raat"],
        "week_count": 9,
        "baseline_count": 30,
        "share_week": 0.2,
        "share_baseline": 0.1,
        "rise": None,
        "rising": False,
        "examples": [],
    }
    _store(
        running, week, {"texts_week": 45, "texts_baseline": 12, "baseline_weeks": 6, "enough": True, "themes": [theme]}
    )
    errors: list[str] = []
    page = open_page(browser, errors)
    page.goto(f"{running.api}/#/")
    sign_in(page, running.api, admin_account(running))
    # The admin's menu has the page; it asks which organisation
    page.click("#menu")
    page.click("#nav a[href='#/topics']")
    page.wait_for_selector("#topic-org select")
    page.select_option("#topic-org select", "lesco")
    page.click("#topic-org button")
    page.wait_for_selector(".topics li")
    card = page.inner_text(".topics li")
    assert "feeder" in card and "No earlier weeks to compare" in card
    assert fits_the_phone(page)
    page.close()
    assert not errors, errors
