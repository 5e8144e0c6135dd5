"""Every page fits a phone: no sideways scroll at 320, 360 and 414 px, in English and Urdu, for each role.

One page per role walks every route of the app (ROUTES, one list: add a route there and every
role, width and language measures it). The pages carry what is hard to fit: a complaint with a
photo, a long subject, an unbroken URL and long Urdu text in its description, and an officer's
case with each of its action forms open. A page that scrolls sideways is named with its width,
language and the element that sticks out. The header stays about one line tall on a 360 px
phone; its menu is a disclosure button; the dashboard's bars read at 12 px or more, inside the
chart, growing from the right in Urdu.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page

from tests.e2e.test_local_stack import Stack
from tests.e2e.test_web import (  # noqa: F401 (the fixtures)
    AXE,
    PHONE,
    browser,
    open_page,
    photo_drawn_by,
    running,
    shot,
    sign_in,
    staff_tokens,
)

pytestmark = pytest.mark.e2e
WIDTHS = (320, 360, 414)
LANGUAGES = ("en", "ur")
ROLES = ("stranger", "citizen", "officer", "admin")
# The header on a 360 px phone: the brand, the language and the menu on one line (Nastaliq lines are tall).
HEADER_MAX_PX = 64

LONG_SUBJECT = "Transformer at the corner of Main Boulevard and Canal Road sparks every evening; no power for nine days"
LONG_URL = "https://www.lesco.gov.pk/" + "BillDetails/ReferenceNumber0412345678901234/" * 4
LONG_URDU = (
    "ہمارے محلے کا ٹرانسفارمر نو دن سے خراب ہے اور بار بار شکایت کے باوجود کوئی لائن مین نہیں آیا، "
    "بچے اور بزرگ گرمی میں پریشان ہیں۔ "
)


@dataclass
class Cases:
    """What the pages show: ids of the hard-to-fit cases the test makes over HTTP, by name."""

    ids: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    """A route of the app; `id` names the case it opens; `variants` opens each of its hidden parts in turn."""

    hash: str
    id: str = ""
    variants: Callable[[Page], Iterator[str]] | None = None

    def url(self, cases: Cases) -> str:
        return self.hash.replace("<id>", cases.ids.get(self.id, "C-NONE-0000"))


def open_details(page: Page) -> Iterator[str]:
    """Every folded part of the page (withdrawing a case…) opened."""
    yield ""
    if page.locator("main details").count():
        page.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true; })")
        yield "details open"


def longest_choices(page: Page) -> Iterator[str]:
    """A form with the longest option chosen in each of its dropdowns (what fills in after a choice shows too)."""
    yield ""
    chosen = page.evaluate(
        """() => [...document.querySelectorAll("main form select")].map((select) => {
          const longest = [...select.options].reduce((a, b) => (b.text.length > a.text.length ? b : a), select.options[0]);
          if (!longest) return "";
          select.value = longest.value;
          select.dispatchEvent(new Event("change", { bubbles: true }));
          return longest.text;
        }).filter(Boolean)"""
    )
    if chosen:
        page.wait_for_timeout(300)  # what a choice fetches (similar complaints, an organisation's offices)
        page.evaluate(
            """() => [...document.querySelectorAll("main form select")].forEach((select) => {
              const longest = [...select.options].reduce((a, b) => (b.text.length > a.text.length ? b : a), select.options[0]);
              if (longest) select.value = longest.value;
            })"""
        )
        yield "longest choices"


def each_action(page: Page) -> Iterator[str]:
    """An officer's case with the form of each action it allows shown in turn."""
    yield from open_details(page)
    if not page.locator("#action").count():
        return
    for value in page.eval_on_selector_all("#action option", "os => os.map(o => o.value)"):
        page.select_option("#action", value)
        yield f"action {value}"


# Every route of the app (web/js/core.js render()). `<id>` is a case the role can open, where it has one.
ROUTES: tuple[Route, ...] = (
    Route("#/"),
    Route("#/login"),
    Route("#/register"),
    Route("#/forgot"),
    Route("#/dashboard"),
    Route("#/file", variants=longest_choices),
    Route("#/mine"),
    Route("#/case/<id>", id="complaint", variants=open_details),
    Route("#/case/<id>", id="asked", variants=open_details),
    Route("#/info", variants=longest_choices),
    Route("#/request/<id>", id="request", variants=open_details),
    Route("#/feedback", variants=longest_choices),
    Route("#/notifications"),
    Route("#/queue", variants=longest_choices),
    Route("#/officer/<id>", id="complaint", variants=each_action),
    Route("#/history"),
    Route("#/triage"),  # admins and triage officers; others are told it is not for them
    Route("#/settings"),
    # Administration (admins and organisation admins; others are told it is not for them)
    Route("#/admin/directory", variants=open_details),
    Route("#/admin/rules?category=<id>", id="category", variants=open_details),
    Route("#/admin/staff?office=<id>", id="office", variants=open_details),
    Route("#/admin/audit", variants=open_details),
    Route("#/admin/queues"),
    Route("#/admin/report"),
)

# What sticks out past the viewport's end edge (the left one in Urdu): boxes and runs of text, innermost first.
WIDEST = """() => {
  const vw = document.documentElement.clientWidth;
  const rtl = document.documentElement.dir === "rtl";
  const outside = (r) => r.width > 0 && (rtl ? r.left < -0.5 : r.right > vw + 0.5);
  const out = new Set([...document.querySelectorAll("body *")].filter((el) => outside(el.getBoundingClientRect())));
  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = texts.nextNode(); node; node = texts.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    if (outside(range.getBoundingClientRect())) out.add(node.parentElement);
  }
  const all = [...out];
  const innermost = all.filter((el) => !all.some((o) => o !== el && el.contains(o)));
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    [...el.classList].map((c) => "." + c).join("");
  return innermost.slice(0, 3).map((el) => {
    const r = el.getBoundingClientRect();
    return `${name(el)} [${Math.round(r.left)}..${Math.round(r.right)}] "${(el.textContent || "").trim().slice(0, 40)}"`;
  });
}"""


def token_of(stack: Stack, account: dict[str, Any]) -> str:
    login = requests.post(
        f"{stack.api}/v1/auth/login",
        json={"username": account["username"], "password": account["password"]},
        timeout=10,
    )
    assert login.status_code == 200, login.text
    return str(login.json()["id_token"])


def hard_cases(stack: Stack, photo: bytes) -> Cases:
    """The demo citizen files a complaint (a photo, a long subject, an unbroken URL, long Urdu) and a request."""
    accounts = stack.accounts()
    citizen = next(a for a in accounts["accounts"] if a["role"] == "citizen")
    headers = {"Authorization": f"Bearer {token_of(stack, citizen)}"}
    signed = requests.post(
        f"{stack.api}/v1/uploads",
        json={
            "filename": "transformer-at-the-corner-of-main-boulevard.jpg",
            "content_type": "image/jpeg",
            "size": len(photo),
        },
        headers=headers,
        timeout=10,
    )
    assert signed.status_code in (200, 201), signed.text
    stored = requests.post(
        signed.json()["url"],
        data=signed.json()["fields"],
        files={"file": ("photo.jpg", photo, "image/jpeg")},
        timeout=10,
    )
    assert stored.status_code < 300, stored.text
    route = accounts["demo_route"]
    body = {
        "category_id": route["category_id"],
        "subject": LONG_SUBJECT,
        "description": f"{LONG_URDU * 3}\nThe bill is at {LONG_URL} and the reference is {'9' * 60}.",
        "location": {"district": route["district"], "address": "House 12, Street 4, Block C, Gulberg III"},
        "attachments": [signed.json()["upload_id"]],
    }
    filed = requests.post(f"{stack.api}/v1/complaints", json=body, headers=headers, timeout=10)
    assert filed.status_code == 201, filed.text
    complaint = filed.json()["id"]
    asked = requests.post(
        f"{stack.api}/v1/information-requests",
        json={
            "organisation_id": accounts["demo_information"]["organisation_id"],
            "subject": "معلومات تک رسائی: فیڈر نمبر بارہ کا نومبر میں زیادہ سے زیادہ لوڈ کتنا تھا؟ " * 2,
            "question": f"{LONG_URDU * 2} {LONG_URL}",
        },
        headers=headers,
        timeout=10,
    )
    assert asked.status_code == 201, asked.text
    # A second complaint, in Urdu, on which the office asks the citizen for details (the reply form, with files)
    urdu = {**body, "subject": LONG_URDU[:150], "description": LONG_URDU * 4, "attachments": []}
    second = requests.post(f"{stack.api}/v1/complaints", json=urdu, headers=headers, timeout=10)
    assert second.status_code == 201, second.text
    details = second.json()["id"]
    for case in (complaint, details):
        routed(stack, case, headers)
    officer = {"Authorization": f"Bearer {staff_tokens(stack, account_of(stack, 'officer') or {})['id_token']}"}
    case = requests.get(f"{stack.api}/v1/officer/cases/{details}", headers=officer, timeout=10).json()
    note = f"براہ کرم میٹر کی تصویر اور بل کا حوالہ نمبر بھیجیں: {LONG_URL}"
    requested = requests.post(
        f"{stack.api}/v1/officer/cases/{details}/actions",
        json={"action": "request_info", "note": note},
        headers={**officer, "If-Match": str(case["version"])},
        timeout=10,
    )
    assert requested.status_code == 200, requested.text
    return Cases(
        ids={
            "complaint": complaint,
            "request": asked.json()["id"],
            "asked": details,
            "category": route["category_id"],
            "office": route["office_id"],
        }
    )


def routed(stack: Stack, case: str, headers: dict[str, str]) -> None:
    """Wait until the case has reached the demo office, so that its officer has it with its actions."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if requests.get(f"{stack.api}/v1/complaints/{case}", headers=headers, timeout=10).json()["status"] == "routed":
            return
        time.sleep(0.5)
    pytest.fail(f"{case} was not routed:\n{stack.log_tail()}")


def account_of(stack: Stack, role: str) -> dict[str, Any] | None:
    if role == "stranger":
        return None
    accounts = stack.accounts()
    if role == "officer":
        office = accounts["demo_route"]["office_id"]
        return dict(next(a for a in accounts["accounts"] if a.get("office_id") == office))
    return dict(next(a for a in accounts["accounts"] if a["role"] == role))


def go(page: Page, where: str) -> None:
    """Navigate by hash and wait until the page's render (and any it leads to, such as sign-in) has finished."""
    page.evaluate(
        """(where) => new Promise((done) => {
          if (location.hash === where) { render().then(done); return; }
          addEventListener("hashchange", () => setTimeout(done, 0), { once: true });
          location.hash = where;
        })""",
        where,
    )
    settled(page)


def settled(page: Page) -> None:
    page.wait_for_function("() => !document.querySelector('main[aria-busy]')")
    page.wait_for_timeout(50)  # a render that sends a stranger to sign in starts the next one
    page.wait_for_function("() => !document.querySelector('main[aria-busy]')")
    page.evaluate("document.fonts.ready.then(() => true)")


def in_language(page: Page, lang: str) -> None:
    page.evaluate("(lang) => localStorage.setItem('awaaz.lang', lang)", lang)
    page.reload()
    page.wait_for_function("(lang) => document.documentElement.lang === lang", arg=lang)
    settled(page)


def overflows(page: Page, label: str) -> list[str]:
    """Each width at which the page scrolls sideways, with what sticks out."""
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": PHONE["height"]})
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > width:
            found.append(f"{label} at {width} px is {wide} px wide: {page.evaluate(WIDEST)}")
    page.set_viewport_size(PHONE)
    return found


def role_fits(browser: Browser, stack: Stack, cases: Cases, role: str) -> list[str]:  # noqa: F811
    errors: list[str] = []
    page = open_page(browser, errors)
    web = stack.api
    account = account_of(stack, role)
    page.goto(f"{web}/#/")
    if account:
        sign_in(page, web, account)
    found: list[str] = []
    for lang in LANGUAGES:
        in_language(page, lang)
        if header_height(page) > HEADER_MAX_PX:
            found.append(f"{role} {lang}: the header is {header_height(page)} px tall at {PHONE['width']} px")
        for route in ROUTES:
            where = route.url(cases)
            go(page, where)
            for variant in (route.variants or (lambda _: iter([""])))(page):
                label = f"{role} {lang} {route.hash}{f' ({variant})' if variant else ''} [{page.url.split('#')[1]}]"
                found += overflows(page, label)
    page.close()
    assert errors == [], errors
    return found


@pytest.fixture(scope="module")
def cases(running: Stack, browser: Browser) -> Cases:  # noqa: F811
    page = browser.new_page()
    photo = photo_drawn_by(page)
    page.close()
    return hard_cases(running, photo)


@pytest.mark.parametrize("role", ROLES)
def test_no_page_scrolls_sideways_on_a_phone(running: Stack, browser: Browser, cases: Cases, role: str) -> None:  # noqa: F811
    found = role_fits(browser, running, cases, role)
    assert not found, "pages scroll sideways:\n" + "\n".join(found)


def header_height(page: Page) -> float:
    return float(page.evaluate("document.querySelector('header').getBoundingClientRect().height"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_header_is_one_line_with_a_menu_that_opens_by_keyboard(
    running: Stack,  # noqa: F811
    browser: Browser,  # noqa: F811
    cases: Cases,
    lang: str,
) -> None:
    errors: list[str] = []
    page = open_page(browser, errors)
    page.goto(f"{running.api}/#/")
    sign_in(page, running.api, account_of(running, "citizen") or {})
    in_language(page, lang)
    go(page, "#/mine")
    # On a 360 px phone (and a 320 px one) the header is one line: brand, language switch, menu button
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": PHONE["height"]})
        assert header_height(page) <= HEADER_MAX_PX, f"{lang} header at {width} px is {header_height(page)} px tall"
    page.set_viewport_size(PHONE)
    # The skip link, in the page's language, takes the focus to the content and stays on the page
    assert page.inner_text(".skip") == {"en": "Skip to content", "ur": "مواد پر جائیں"}[lang]
    page.focus(".skip")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main" and page.url.endswith("#/mine")
    menu = page.locator("#menu")
    assert menu.get_attribute("aria-expanded") == "false" and not page.is_visible("#nav")
    assert menu.get_attribute("aria-controls") == "nav"
    assert page.is_visible("#lang")
    # The keyboard opens it (Enter), walks into its links (Tab), closes it (Escape) with the focus back on the button
    page.focus("#lang")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "menu"
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true" and page.is_visible("#nav")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#nav') !== null")
    links = page.eval_on_selector_all(
        "#nav a", "as => as.map(a => [a.getAttribute('href'), a.getAttribute('aria-current')])"
    )
    assert ["#/mine", "page"] in links and ["#/file", None] in links
    assert page.is_visible("#logout")
    shot(page, f"header-menu-{lang}")  # axe: no serious violation with the menu open
    page.keyboard.press("Escape")
    assert menu.get_attribute("aria-expanded") == "false" and not page.is_visible("#nav")
    assert page.evaluate("document.activeElement.id") == "menu"
    # A link chosen in it opens its page and folds the menu
    page.click("#menu")
    page.click("#nav a[href='#/file']")
    settled(page)
    assert page.url.endswith("#/file") and menu.get_attribute("aria-expanded") == "false"
    # Its items sit at the reading side: the right in Urdu, the left in English
    page.click("#menu")
    first = page.locator("#nav a").first.bounding_box()
    assert first is not None
    edge = first["x"] + first["width"] if lang == "ur" else first["x"]
    text = page.evaluate(
        "() => { const r = document.createRange(); r.selectNodeContents(document.querySelector('#nav a'));"
        " const b = r.getBoundingClientRect(); return [b.left, b.right]; }"
    )
    assert abs((text[1] if lang == "ur" else text[0]) - edge) < 12, (lang, text, first)
    # A wide screen shows the links in a row under the bar, and no menu button
    page.set_viewport_size({"width": 1100, "height": 740})
    assert page.is_visible("#nav a[href='#/file']") and not page.is_visible("#menu")
    assert header_height(page) <= 2.25 * HEADER_MAX_PX  # two rows of links at most (a signed-in citizen has nine)
    page.close()
    assert errors == []


def counted(stack: Stack) -> None:
    """Wait until the dashboard's counters show an organisation with complaints received (the cases filed here)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        stats = requests.get(f"{stack.api}/v1/stats?group_by=organisation&level=federal", timeout=10).json()
        if any(g["figures"]["received"] for g in stats["groups"]):
            return
        time.sleep(0.5)
    pytest.fail(f"no organisation counted:\n{stack.log_tail()}")


CHART = """() => [...document.querySelectorAll("ul.chart")].map((chart) => {
  const box = chart.getBoundingClientRect();
  const texts = [...chart.querySelectorAll(".label, .value")].map((el) => {
    const r = document.createRange(); r.selectNodeContents(el);
    const b = r.getBoundingClientRect();
    return { size: parseFloat(getComputedStyle(el).fontSize), inside: b.left >= box.left - 0.5 && b.right <= box.right + 0.5 };
  });
  const bars = [...chart.querySelectorAll(".bar")].map((bar) => {
    const b = bar.getBoundingClientRect(), f = bar.querySelector(".fill").getBoundingClientRect();
    return { start: document.dir === "rtl" ? b.right - f.right : f.left - b.left, value: bar.dataset.value,
      shown: bar.querySelector(".value").textContent, named: bar.querySelector(".value .visually-hidden").textContent };
  });
  return { texts, bars };
})"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_dashboard_charts_read_on_a_phone(running: Stack, browser: Browser, cases: Cases, lang: str) -> None:  # noqa: F811
    errors: list[str] = []
    page = open_page(browser, errors)
    counted(running)
    page.goto(f"{running.api}/#/")
    in_language(page, lang)
    go(page, "#/dashboard")
    charts = page.evaluate(CHART)
    assert len(charts) == 2  # by organisation (the cases filed here), month by month
    for chart in charts:
        assert chart["texts"] and chart["bars"]
        # Its words and numbers are at least 12 CSS px on a 360 px phone, and inside the chart
        assert all(t["size"] >= 12 and t["inside"] for t in chart["texts"]), chart["texts"]
        for bar in chart["bars"]:
            # Bars grow from the reading side (the right in Urdu); numbers in the page's locale, named for screen readers
            assert abs(bar["start"]) < 1, bar
            number = page.evaluate("(v) => v === '' ? '—' : num(Number(v))", bar["value"])
            assert bar["shown"] == bar["named"] + number, bar
            assert bar["named"].rstrip(": ") in page.inner_text("main .legend")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, f"dashboard-phone-{lang}")
    page.close()
    assert errors == []
