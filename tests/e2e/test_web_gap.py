"""The satisfaction gap in the browser, against `make run`'s stack: after `make job NAME=insights`, the public
dashboard draws the funnel, the ranked chart and its table on a 360 px phone in English and Urdu (mirrored), and
an admin opens the month's report, which prints without the page's header and menus."""

from __future__ import annotations

import json
import os
import subprocess
import time
from datetime import UTC, datetime

import pytest
import requests
from playwright.sync_api import Browser

from tests.e2e.test_local_stack import REPO, Stack, account, bearer, login
from tests.e2e.test_web import (  # noqa: F401 (the fixtures)
    PHONE,
    browser,
    fits_the_phone,
    officer_of_demo_office,
    open_page,
    running,
    shot,
    sign_in,
    staff_tokens,
)
from tests.e2e.test_web_admin import admin_account
from tests.e2e.test_web_fit import overflows

pytestmark = pytest.mark.e2e


def _resolved_with_verdicts(stack: Stack) -> None:
    """Two complaints to the demo office, resolved; one citizen satisfied, one not."""
    route = stack.accounts()["demo_route"]
    citizen = account(stack, "citizen", index=0)
    token = login(stack, citizen["username"], citizen["password"])
    officer = staff_tokens(stack, officer_of_demo_office(stack))["id_token"]
    body = {
        "category_id": route["category_id"],
        "subject": "Over-billing / زائد بل",
        "description": "My bill is three times the usual amount.",
        "location": {"district": route["district"]},
    }
    for satisfied in (True, False):
        filed = requests.post(f"{stack.api}/v1/complaints", headers=bearer(token), json=body, timeout=10)
        assert filed.status_code == 201, filed.text
        case_id = filed.json()["id"]
        for _ in range(100):
            if (
                requests.get(f"{stack.api}/v1/complaints/{case_id}", headers=bearer(token), timeout=10).json()["status"]
                == "routed"
            ):
                break
            time.sleep(0.3)
        resolve = {"action": "resolve", "outcome": "relief_granted", "note": "Bill corrected."}
        acted = requests.post(
            f"{stack.api}/v1/officer/cases/{case_id}/actions", headers=bearer(officer), json=resolve, timeout=10
        )
        assert acted.status_code == 200, acted.text
        verdict = {"satisfied": satisfied, "rating": 5 if satisfied else 1}
        given = requests.post(
            f"{stack.api}/v1/complaints/{case_id}/feedback", headers=bearer(token), json=verdict, timeout=10
        )
        assert given.status_code == 200, given.text


def _job(stack: Stack) -> dict[str, object]:
    at = datetime.now(UTC).strftime("%Y-%m-%dT01:30:00Z")
    env = dict(os.environ) | {
        "PORT": str(stack.port),
        "MOTO_PORT": str(stack.moto_port),
        "LOCAL_STATE_DIR": str(stack.state_dir),
    }
    job = subprocess.run(
        ["make", "--no-print-directory", "job", "NAME=insights", f"AT={at}"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert job.returncode == 0, job.stdout + job.stderr
    report: dict[str, object] = json.loads(job.stdout.strip().splitlines()[-1])
    return report


def test_the_dashboard_shows_the_gap_and_an_admin_prints_the_month(running: Stack, browser: Browser) -> None:  # noqa: F811
    _resolved_with_verdicts(running)
    ran = _job(running)
    assert "satisfaction_gap" in json.dumps(ran), ran
    errors: list[str] = []
    page = open_page(browser, errors)
    for language in ("en", "ur"):
        page.goto(f"{running.api}/#/")
        page.evaluate(f"localStorage.setItem('awaaz.lang', '{language}')")
        page.goto(f"{running.api}/#/dashboard")
        page.reload()
        page.wait_for_selector("#gap .gap-table tbody tr")
        assert page.locator("#gap svg.gap-svg").count() == 2  # the funnel and the ranked chart
        assert page.locator("#gap svg title").count() == 2
        office = running.accounts()["demo_route"]["office_id"]
        assert page.locator("#gap .gap-table tbody tr").count() >= 1, office
        assert fits_the_phone(page)
        assert overflows(page, f"dashboard-gap-{language}") == []
        if language == "ur":
            assert page.evaluate("document.documentElement.dir") == "rtl"
            assert "مطمئن" in page.inner_text("#gap")
        # Sorting by a heading: aria-sort follows
        page.click("#gap thead button[data-col='4']")
        assert page.get_attribute("#gap thead th:nth-child(5)", "aria-sort") == "descending"
        page.evaluate("document.getElementById('gap').scrollIntoView()")
        shot(page, f"dashboard-gap-{language}")
        page.locator("#gap").screenshot(path=str(REPO / "build" / "screenshots" / f"gap-section-{language}.png"))
    assert errors == []
    page.close()

    # An admin's report of this month, printable
    errors = []
    page = open_page(browser, errors)
    page.goto(f"{running.api}/#/")
    page.evaluate("localStorage.setItem('awaaz.lang', 'en')")
    page.reload()
    sign_in(page, running.api, admin_account(running))
    month = datetime.now(UTC).strftime("%Y-%m")
    page.evaluate(f"location.hash = '#/admin/report?month={month}'")
    page.wait_for_selector("main.gap-report table.gap-table")
    assert fits_the_phone(page)
    assert overflows(page, "admin-report") == []
    assert page.locator("main.gap-report section.gap-part").count() == 4
    shot(page, "admin-report")
    page.locator("main").screenshot(path=str(REPO / "build" / "screenshots" / "gap-report-top.png"))
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.getElementById('top')).display") == "none"
    assert page.evaluate("getComputedStyle(document.getElementById('gap-month')).display") == "none"
    page.emulate_media(media="screen")
    assert errors == []
    page.close()
    assert PHONE["width"] == 360
