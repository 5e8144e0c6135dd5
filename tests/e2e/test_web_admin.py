"""Browser tests of the administration pages on a 360 px phone, in English and Urdu.

The demo admin signs in through the page (password, then the authenticator's code). The admin API
(`/v1/admin/...`: the directory, routing rules, staff, audit trail, queues) is answered here by a
small stateful fake (`FakeAdmin`, through Playwright's `page.route`) written to the API's contract,
so that the pages are tested before (and apart from) the service's own routes; everything else
(signing in, `/v1/me`) is the real local stack.

An admin finds an office by typing, adds one under it (a field's problem under its field; a 409
from a change made meanwhile is told in words and keeps what was typed), retires one after
confirming; checks a routing change by its dry run (what moves where, what is left with no office)
before applying it, deletes a rule, sets a fallback, imports a CSV after its dry run and downloads
the CSVs; invites, moves, promotes and disables staff; filters the audit trail and reads an entry's
before → after; replays a queue's failed messages. A citizen is told the pages are not for them, a
stranger is sent to sign in, and an organisation admin is not offered the queues. Every page fits a
360 px phone in both languages and passes axe; screenshots go to build/screenshots/admin-*.png.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, FilePayload, Page, Route

from tests.e2e import test_web
from tests.e2e.test_local_stack import REPO, Stack
from tests.e2e.test_web import SHOTS, fits_the_phone, open_page, shot, sign_in
from tests.e2e.test_web_fit import overflows

pytestmark = pytest.mark.e2e

# The stack and the browser of the web tests, one of each for this module.
running = test_web.running
browser = test_web.browser

LONG_OFFICE = "Sub-Divisional Officer (Operations), Gulberg-III Sub-Division, Lahore Electric Supply Company"


def world() -> dict[str, Any]:
    """A small directory with what is hard to show: a long office name, a retired office, an unrouted district."""
    levels = [
        {"id": "federal", "name": "Federal", "name_ur": "وفاقی"},
        {"id": "punjab", "name": "Punjab", "name_ur": "پنجاب"},
    ]
    districts = [
        {"id": "lahore", "name": "Lahore", "name_ur": "لاہور", "level_id": "punjab", "lat": 31.5, "lon": 74.3},
        {"id": "kasur", "name": "Kasur", "name_ur": "قصور", "level_id": "punjab", "lat": 31.1, "lon": 74.4},
        {
            "id": "dg-khan",
            "name": "Dera Ghazi Khan",
            "name_ur": "ڈیرہ غازی خان",
            "level_id": "punjab",
            "lat": 30.0,
            "lon": 70.6,
        },
        {
            "id": "islamabad",
            "name": "Islamabad",
            "name_ur": "اسلام آباد",
            "level_id": "federal",
            "lat": 33.7,
            "lon": 73.0,
        },
    ]
    organisations = [
        {
            "id": "lesco",
            "name": "Lahore Electric Supply Company",
            "name_ur": "لاہور الیکٹرک سپلائی کمپنی",
            "level_id": "punjab",
            "kind": "utility",
            "retired": False,
        },
        {
            "id": "punjab-police",
            "name": "Punjab Police",
            "name_ur": "پنجاب پولیس",
            "level_id": "punjab",
            "kind": "department",
            "retired": False,
        },
        {
            "id": "nadra",
            "name": "NADRA",
            "name_ur": "نادرا",
            "level_id": "federal",
            "kind": "authority",
            "retired": False,
        },
    ]

    def office(
        oid: str,
        org: str,
        parent: str | None,
        name: str,
        name_ur: str,
        district: str,
        served: list[str],
        retired: bool = False,
    ) -> dict[str, Any]:
        return {
            "id": oid,
            "organisation_id": org,
            "parent_id": parent,
            "name": name,
            "name_ur": name_ur,
            "district_id": district,
            "districts_served": served,
            "head": "Chief Executive Officer" if parent is None else "Executive Engineer",
            "level": 1 if parent is None else 2,
            "retired": retired,
        }

    offices = [
        office("lesco-hq", "lesco", None, "LESCO Headquarters", "لیسکو ہیڈ کوارٹر", "lahore", ["lahore", "kasur"]),
        office(
            "lesco-lahore-circle", "lesco", "lesco-hq", "LESCO Lahore Circle", "لیسکو لاہور سرکل", "lahore", ["lahore"]
        ),
        office(
            "lesco-gulberg",
            "lesco",
            "lesco-lahore-circle",
            LONG_OFFICE,
            "ایس ڈی او آپریشنز، گلبرگ سوم سب ڈویژن، لاہور الیکٹرک سپلائی کمپنی",
            "lahore",
            ["lahore"],
        ),
        office("lesco-kasur", "lesco", "lesco-hq", "LESCO Kasur Circle", "لیسکو قصور سرکل", "kasur", ["kasur"]),
        office(
            "lesco-old",
            "lesco",
            "lesco-hq",
            "LESCO Old Town Office",
            "لیسکو پرانا دفتر",
            "lahore",
            ["lahore"],
            retired=True,
        ),
        office(
            "ccpo-lahore",
            "punjab-police",
            None,
            "Capital City Police Officer, Lahore",
            "کیپیٹل سٹی پولیس آفیسر، لاہور",
            "lahore",
            ["lahore"],
        ),
        office("nadra-hq", "nadra", None, "NADRA Headquarters", "نادرا ہیڈ کوارٹر", "islamabad", ["islamabad"]),
    ]
    categories = [
        {
            "id": "electricity-billing",
            "name": "Electricity bill is wrong",
            "name_ur": "بجلی کا بل غلط ہے",
            "group": "Electricity",
            "group_ur": "بجلی",
            "kind": "complaint",
            "organisation_ids": ["lesco"],
            "keywords": ["bill"],
            "attributes": [],
            "retired": False,
        },
        {
            "id": "police-misconduct",
            "name": "Police misconduct",
            "name_ur": "پولیس کی بدسلوکی",
            "group": "Police",
            "group_ur": "پولیس",
            "kind": "complaint",
            "organisation_ids": ["punjab-police"],
            "keywords": [],
            "attributes": [],
            "retired": False,
        },
    ]
    return {
        "version": "7",
        "updated_at": "2026-12-01T09:00:00Z",
        "levels": levels,
        "districts": districts,
        "organisations": organisations,
        "offices": offices,
        "categories": categories,
        "routing_rules": [
            {"category_id": "electricity-billing", "district_id": "lahore", "office_id": "lesco-gulberg"},
            {"category_id": "electricity-billing", "district_id": "kasur", "office_id": "lesco-kasur"},
            {"category_id": "police-misconduct", "district_id": "lahore", "office_id": "ccpo-lahore"},
        ],
        "fallbacks": [{"category_id": "electricity-billing", "office_id": "lesco-hq"}],
        "sla_policies": [],
    }


def staff_of(office: str) -> list[dict[str, Any]]:
    people = [
        {
            "sub": f"sub-{office}-{i:02d}",
            "name": name,
            "office_id": office,
            "role": "officer",
            "supervisor": i == 1,
            "enabled": True,
            "status": "active",
            "contact": f"{name[0].lower()}***@example.pk",
            "invited_at": f"2026-11-0{i % 9 + 1}T08:00:00Z",
        }
        for i, name in enumerate(
            [
                "Ayesha Siddiqui",
                "Bilal Ahmed",
                "Farah Naz",
                "Hamid Raza",
                "Imran Qureshi",
                "Javeria Khan",
                "Kamran Akmal",
                "Lubna Sheikh",
                "Mariam Aslam",
                "Nadeem Abbas",
                "Omar Farooq",
                "Parveen Akhtar",
            ]
        )
    ]
    return people


def audit_items() -> list[dict[str, Any]]:
    items = []
    for i in range(30):
        items.append(
            {
                "id": f"a{i:03d}",
                "at": f"2026-12-0{i % 3 + 1}T0{i % 9}:15:00Z",
                "actor_sub": "4b2f9c1e-0d6a-4e8b-9f3a-2c7d5e1a8b90",
                "actor_role": "admin",
                "actor_name": "Portal Administrator",
                "source_ip": "203.0.113.7",
                "user_agent": "Mozilla/5.0 (Linux; Android 14; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
                "action": "office.update" if i % 2 else "routing_rule.put",
                "object_type": "office" if i % 2 else "routing_rule",
                "object_id": "lesco-gulberg" if i % 2 else "electricity-billing#lahore",
                "organisation_id": "lesco",
                "before": {"name": "LESCO Gulberg", "head": "SDO", "districts_served": ["lahore"]} if i % 2 else None,
                "after": {"name": LONG_OFFICE, "head": "SDO", "districts_served": ["lahore", "kasur"]}
                if i % 2
                else {"office_id": "lesco-gulberg"},
            }
        )
    return items


def seeded() -> dict[str, Any]:
    """The directory the project seeds (infra/seed/directory.json: 554 offices, 1,848 rules), as the API gives it."""
    d: dict[str, Any] = json.loads((REPO / "infra" / "seed" / "directory.json").read_text())
    for o in d["organisations"]:
        o.setdefault("retired", False)
    for o in d["offices"]:
        o.setdefault("districts_served", [o["district_id"]])
        o.setdefault("head", None)
        o.setdefault("retired", False)
    for c in d["categories"]:
        c.setdefault("retired", False)
    return {"version": "41", "updated_at": "2026-12-01T09:00:00Z", **d}


class FakeAdmin:
    """The admin API's contract, answered in the browser: a directory with a version, staff, audit, queues."""

    def __init__(self, directory: dict[str, Any] | None = None) -> None:
        self.dir = directory or world()
        self.staff = {o["id"]: staff_of(o["id"]) for o in self.dir["offices"]}
        self.audit = audit_items()
        self.dlq = 3
        self.calls: list[tuple[str, str, Any]] = []
        self.conflict_next = False  # someone else changes the directory just before the next write

    # -- helpers --
    def route_of(self, category: str, district: str) -> str | None:
        for r in self.dir["routing_rules"]:
            if r["category_id"] == category and r["district_id"] == district:
                return str(r["office_id"])
        for f in self.dir["fallbacks"]:
            if f["category_id"] == category:
                return str(f["office_id"])
        return None

    def routes(self) -> dict[tuple[str, str], str | None]:
        return {
            (c["id"], d["id"]): self.route_of(c["id"], d["id"])
            for c in self.dir["categories"]
            for d in self.dir["districts"]
        }

    def changed(self, before: dict[tuple[str, str], str | None]) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
        after = self.routes()
        moved = [
            {"category_id": c, "district_id": d, "from_office_id": before[(c, d)], "to_office_id": after[(c, d)]}
            for (c, d) in after
            if before[(c, d)] != after[(c, d)]
        ]
        lost = [
            {"category_id": c, "district_id": d}
            for (c, d), o in after.items()
            if o is None and before[(c, d)] is not None
        ]
        return moved, lost

    def bump(self) -> None:
        self.dir["version"] = str(int(self.dir["version"]) + 1)

    @staticmethod
    def json(route: Route, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        route.fulfill(
            status=status, headers={"Content-Type": "application/json", **(headers or {})}, body=json.dumps(body)
        )

    @staticmethod
    def problem(
        route: Route, status: int, code: str, message: str, details: list[dict[str, str]] | None = None
    ) -> None:
        FakeAdmin.json(route, status, {"error": {"code": code, "message": message, "details": details or []}})

    def write(self, route: Route, dry_run: bool, change: Any) -> None:
        """A directory change: If-Match checked, applied (or only measured on a dry run), answered with what moved."""
        if self.conflict_next:
            self.conflict_next = False
            self.bump()
        if route.request.headers.get("if-match") != f'"{self.dir["version"]}"':
            self.problem(route, 409, "version_conflict", "The directory changed.")
            return
        saved = copy.deepcopy(self.dir)
        before = self.routes()
        extra = change()
        moved, lost = self.changed(before)
        if dry_run:
            self.dir = saved
        else:
            self.bump()
        self.json(
            route,
            200 if dry_run or route.request.method != "POST" or extra is None else 201,
            {
                "version": self.dir["version"],
                "dry_run": dry_run,
                "changed_routes": moved,
                "unroutable": lost,
                "problems": [],
                **(extra or {}),
            },
        )

    # -- the routes --
    def handle(self, route: Route) -> None:
        request = route.request
        url = urlparse(request.url)
        path, query = url.path, parse_qs(url.query)
        method = request.method
        body: Any = request.post_data
        if body and "json" in (request.headers.get("content-type") or ""):
            body = json.loads(body)
        self.calls.append((method, path + (f"?{url.query}" if url.query else ""), body))
        dry = query.get("dry_run", ["false"])[0] == "true"
        if method == "GET" and path == "/v1/admin/directory":
            self.json(route, 200, self.dir, {"ETag": f'"{self.dir["version"]}"'})
        elif method == "POST" and path == "/v1/admin/offices":
            if not body.get("name_ur", "").strip() or len(body["name_ur"]) < 3:
                self.problem(
                    route,
                    400,
                    "invalid",
                    "Check the office.",
                    [{"field": "name_ur", "problem": "Write the name in Urdu."}],
                )
                return
            new = {
                **body,
                "id": re.sub(r"[^a-z0-9]+", "-", body["name"].lower()).strip("-"),
                "level": 3,
                "retired": False,
            }

            def add() -> dict[str, Any]:
                self.dir["offices"].append(new)
                self.staff[new["id"]] = []
                return {"office": new}

            self.write(route, False, add)
        elif m := re.fullmatch(r"/v1/admin/offices/([^/]+)", path):
            office = next(o for o in self.dir["offices"] if o["id"] == m[1])
            self.write(route, False, lambda: office.update(body) or {"office": office})
        elif m := re.fullmatch(r"/v1/admin/offices/([^/]+)/retire", path):
            office = next(o for o in self.dir["offices"] if o["id"] == m[1])

            def retire() -> dict[str, Any]:
                office["retired"] = True
                self.dir["routing_rules"] = [r for r in self.dir["routing_rules"] if r["office_id"] != office["id"]]
                return {"office": office}

            self.write(route, False, retire)
        elif m := re.fullmatch(r"/v1/admin/offices/([^/]+)/staff", path):
            people = self.staff.get(m[1], [])
            start = int(query.get("cursor", ["0"])[0])
            page = people[start : start + 10]
            self.json(route, 200, {"items": page, "next_cursor": str(start + 10) if start + 10 < len(people) else None})
        elif m := re.fullmatch(r"/v1/admin/routing-rules/([^/]+)/([^/]+)", path):
            category, district = m[1], m[2]

            def put() -> None:
                self.dir["routing_rules"] = [
                    r for r in self.dir["routing_rules"] if (r["category_id"], r["district_id"]) != (category, district)
                ]
                if method == "PUT":
                    self.dir["routing_rules"].append(
                        {"category_id": category, "district_id": district, "office_id": body["office_id"]}
                    )

            self.write(route, dry, put)
        elif m := re.fullmatch(r"/v1/admin/fallbacks/([^/]+)", path):
            category = m[1]

            def fallback() -> None:
                self.dir["fallbacks"] = [f for f in self.dir["fallbacks"] if f["category_id"] != category]
                self.dir["fallbacks"].append({"category_id": category, "office_id": body["office_id"]})

            self.write(route, dry, fallback)
        elif path == "/v1/admin/routing-rules/import":
            rows = [line.split(",") for line in str(body).strip().splitlines()[1:]]

            def imported() -> dict[str, Any]:
                for category, district, office in rows:
                    self.dir["routing_rules"] = [
                        r
                        for r in self.dir["routing_rules"]
                        if (r["category_id"], r["district_id"]) != (category, district)
                    ]
                    self.dir["routing_rules"].append(
                        {"category_id": category, "district_id": district, "office_id": office}
                    )
                return {"rows": len(rows)}

            self.write(route, dry, imported)
        elif path in ("/v1/admin/routing-rules/export", "/v1/admin/offices/export", "/v1/admin/audit/export"):
            text = "category_id,district_id,office_id\n" + "".join(
                f"{r['category_id']},{r['district_id']},{r['office_id']}\n" for r in self.dir["routing_rules"]
            )
            route.fulfill(status=200, headers={"Content-Type": "text/csv; charset=utf-8"}, body=text)
        elif m := re.fullmatch(r"/v1/admin/accounts/([^/]+)/(office|supervisor|disable|enable)", path):
            person = next(p for people in self.staff.values() for p in people if p["sub"] == m[1])
            if m[2] == "office":
                self.staff[person["office_id"]].remove(person)
                person["office_id"] = body["office_id"]
                self.staff.setdefault(body["office_id"], []).append(person)
            elif m[2] == "supervisor":
                person["supervisor"] = body["supervisor"]
            else:
                person["enabled"] = m[2] == "enable"
            self.json(route, 200, person)
        elif method == "POST" and path == "/v1/admin/staff":
            contact = body.get("email") or body.get("phone")
            masked = (
                contact[0] + "***" + contact[contact.index("@") :]
                if "@" in contact
                else contact[:6] + "****" + contact[-2:]
            )
            made = {
                "sub": "sub-new",
                "username": contact,
                "name": body["name"],
                "office_id": body["office_id"],
                "role": body["role"],
                "enabled": True,
                "status": "invited",
                "contact": masked,
                "supervisor": body["role"] == "supervisor",
            }
            self.staff.setdefault(body["office_id"], []).insert(0, made)
            self.json(route, 201, made)
        elif path == "/v1/admin/audit":
            items = [
                a for a in self.audit if not query.get("object_type") or a["object_type"] == query["object_type"][0]
            ]
            start = int(query.get("cursor", ["0"])[0])
            self.json(
                route,
                200,
                {
                    "items": items[start : start + 10],
                    "next_cursor": str(start + 10) if start + 10 < len(items) else None,
                },
            )
        elif path == "/v1/admin/queues":
            self.json(
                route,
                200,
                {
                    "at": "2026-12-03T00:10:00Z",
                    "queues": [
                        {
                            "name": "intake",
                            "depth": 4,
                            "in_flight": 1,
                            "delayed": 0,
                            "oldest_age_seconds": 95,
                            "dlq": {
                                "depth": self.dlq,
                                "in_flight": 0,
                                "oldest_age_seconds": 7260 if self.dlq else None,
                            },
                        },
                        {
                            "name": "notifications",
                            "depth": 0,
                            "in_flight": 0,
                            "delayed": 2,
                            "oldest_age_seconds": None,
                            "dlq": {"depth": 0, "in_flight": 0, "oldest_age_seconds": None},
                        },
                        {
                            "name": "due",
                            "depth": 120,
                            "in_flight": 10,
                            "delayed": 0,
                            "oldest_age_seconds": 40,
                            "dlq": {"depth": 0, "in_flight": 0, "oldest_age_seconds": None},
                        },
                    ],
                    "overdue": [
                        {
                            "organisation_id": "lesco",
                            "name": "Lahore Electric Supply Company",
                            "name_ur": "لاہور الیکٹرک سپلائی کمپنی",
                            "overdue": 12,
                        },
                        {
                            "organisation_id": "punjab-police",
                            "name": "Punjab Police",
                            "name_ur": "پنجاب پولیس",
                            "overdue": 5,
                        },
                        {"organisation_id": "nadra", "name": "NADRA", "name_ur": "نادرا", "overdue": 0},
                    ],
                },
            )
        elif m := re.fullmatch(r"/v1/admin/queues/([^/]+)/redrive", path):
            moved, self.dlq = self.dlq, 0
            self.json(route, 200, {"moved": moved - 1, "skipped_duplicates": 1, "remaining": 0})
        else:
            self.problem(route, 404, "not_found", f"No fake for {method} {path}")


def admin_account(stack: Stack) -> dict[str, Any]:
    return dict(next(a for a in stack.accounts()["accounts"] if a["role"] == "admin"))


def admin_page(
    browser: Browser,
    stack: Stack,
    errors: list[str],
    language: str = "en",
    fake: FakeAdmin | None = None,
    *,
    live: bool = False,
) -> tuple[Page, FakeAdmin]:
    """A page signed in as the demo admin; the admin API answered by `fake` (a fresh one), or the stack's own (`live`)."""
    page = open_page(browser, errors)
    fake = fake or FakeAdmin()
    if not live:
        page.route(f"{stack.api}/v1/admin/**", fake.handle)
    page.goto(f"{stack.api}/#/")
    page.evaluate(f"localStorage.setItem('awaaz.lang', '{language}')")
    page.reload()
    sign_in(page, stack.api, admin_account(stack))
    return page, fake


def go(page: Page, where: str) -> None:
    page.evaluate("(where) => { location.hash = where; }", where)
    page.wait_for_function(
        "(where) => location.hash === where && !document.querySelector('main[aria-busy]')", arg=where
    )
    page.wait_for_selector("main.admin h1")


def said(page: Page, words: str) -> str:
    """The message at the top, once it says these words (an earlier message may still be showing)."""
    page.wait_for_function("(words) => document.querySelector('#message').textContent.includes(words)", arg=words)
    return page.inner_text("#message")


def pick(page: Page, within: str, typed: str, option: str) -> None:
    """The searchable picker: type part of a name, click the choice."""
    box = page.locator(within).locator("[role=combobox]")
    box.fill(typed)
    page.locator(within).locator("[role=option][data-value]", has_text=option).first.click()


SHOT_COPY = Path("/tmp/webadmin-shots")


def admin_shot(page: Page, name: str) -> None:
    """No sideways scroll at 320, 360 and 414 px; axe finds nothing serious; a screenshot at 360 px."""
    assert fits_the_phone(page), f"{name}: {page.evaluate('document.documentElement.scrollWidth')} px wide"
    assert overflows(page, name) == []
    shot(page, f"admin-{name}")
    SHOT_COPY.mkdir(parents=True, exist_ok=True)
    shutil.copy(SHOTS / f"admin-{name}.png", SHOT_COPY / f"admin-{name}.png")
    page.screenshot(path=str(SHOT_COPY / f"admin-{name}-top.png"))  # what the phone shows first


@pytest.mark.parametrize("language", ["en", "ur"])
def test_every_admin_page_reads_on_a_phone_in_both_languages(running: Stack, browser: Browser, language: str) -> None:
    errors: list[str] = []
    page, _ = admin_page(browser, running, errors, language)
    # Home and the menu offer the five pages; the script behind them arrives only now
    page.evaluate("location.hash = '#/dashboard'")
    page.evaluate("location.hash = '#/'")
    page.wait_for_selector("main .tiles a[href='#/admin/queues']")
    page.click("#menu")
    links = page.eval_on_selector_all("#nav a", "as => as.map(a => a.getAttribute('href'))")
    assert [h for h in links if h.startswith("#/admin/")] == [
        f"#/admin/{p}" for p in ("directory", "rules", "staff", "audit", "queues", "report")
    ]
    assert not page.evaluate("typeof adminPage === 'function'")
    page.click("#nav a[href='#/admin/directory']")
    page.wait_for_selector("main.admin h1")
    assert page.evaluate("document.documentElement.dir") == ("rtl" if language == "ur" else "ltr")
    page.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true; })")
    admin_shot(page, f"directory-{language}")
    go(page, "#/admin/rules?category=electricity-billing")
    page.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true; })")
    if language == "ur":
        assert "متبادل:" in page.inner_text("li.route[data-district=islamabad]")
    else:
        assert "Fallback:" in page.inner_text("li.route[data-district=islamabad]")
    admin_shot(page, f"rules-{language}")
    go(page, "#/admin/staff?office=lesco-gulberg")
    page.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true; })")
    admin_shot(page, f"staff-{language}")
    go(page, "#/admin/audit")
    page.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true; })")
    admin_shot(page, f"audit-{language}")
    go(page, "#/admin/queues")
    if language == "ur":
        assert "۱۲" in page.inner_text(".chart")  # Urdu digits
        assert "ناپا نہیں گیا" in page.inner_text("[data-queue=notifications]")
        assert "مدت پوری ہونے والے معاملات" in page.inner_text("[data-queue=due]")
    else:
        assert "not measured" in page.inner_text("[data-queue=notifications]")
        assert "Deadlines to act on" in page.inner_text("[data-queue=due]")
    admin_shot(page, f"queues-{language}")
    page.close()
    assert errors == []


def test_an_admin_finds_an_office_adds_one_under_it_through_a_conflict_and_retires_one(
    running: Stack, browser: Browser
) -> None:
    errors: list[str] = []
    page, fake = admin_page(browser, running, errors)
    go(page, "#/admin/directory")
    # Typing part of a name (or the district, in Urdu) opens the path to the office
    page.fill("#find", "gulberg")
    page.wait_for_function("() => document.querySelector('#found').textContent.includes('1')")
    assert page.is_visible(f"text={LONG_OFFICE}")
    page.fill("#find", "قصور")
    page.wait_for_selector("text=LESCO Kasur Circle")
    page.fill("#find", "")
    page.wait_for_function("() => document.querySelector('#found').textContent === ''")
    # Add an office under the Lahore circle
    page.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true; })")
    page.click("button[data-act=add][data-id=lesco-lahore-circle]")
    form = page.locator("#office-form")
    form.locator("[name=name]").fill("LESCO Model Town Sub-Division")
    form.locator("[name=name_ur]").fill("ما")
    form.locator("[name=district_id]").select_option("lahore")
    form.locator(".served-find").fill("kas")
    assert form.locator(".checks label:not([hidden])").count() == 1
    form.locator("[name=districts_served][value=kasur]").check()
    form.locator(".served-find").fill("")
    form.locator("[name=districts_served][value=lahore]").check()
    assert "2" in form.locator(".served-count").inner_text()
    form.locator("[name=head]").fill("Sub-Divisional Officer")
    form.locator("button:not([type=button])").click()
    # The service's problem sits under its field
    page.wait_for_selector("#office-form .field-problem")
    assert page.get_attribute("#office-form [name=name_ur]", "aria-invalid") == "true"
    assert "Write the name in Urdu." in form.inner_text()
    form.locator("[name=name_ur]").fill("لیسکو ماڈل ٹاؤن سب ڈویژن")
    # Someone else changes the directory meanwhile: told in words, reloaded, what was typed kept
    fake.conflict_next = True
    form.locator("button:not([type=button])").click()
    said(page, "Someone else changed the directory")
    assert form.locator("[name=name]").input_value() == "LESCO Model Town Sub-Division"
    assert form.locator("[name=districts_served]:checked").count() == 2
    form.locator("button:not([type=button])").click()
    page.wait_for_selector("#office-form", state="detached")
    said(page, "LESCO Model Town Sub-Division is added")
    sent = [c for c in fake.calls if c[0] == "POST" and c[1] == "/v1/admin/offices"][-1][2]
    assert sent["parent_id"] == "lesco-lahore-circle" and sent["organisation_id"] == "lesco"
    assert sorted(sent["districts_served"]) == ["kasur", "lahore"] and sent["head"] == "Sub-Divisional Officer"
    page.fill("#find", "model town")
    page.wait_for_selector("text=LESCO Model Town Sub-Division")
    # Retiring asks first, then says what it did to routing
    page.fill("#find", "gulberg")
    page.wait_for_function("() => document.querySelector('#found').textContent.includes('1')")
    page.click("button[data-act=retire][data-id=lesco-gulberg]")
    page.wait_for_selector(".confirm")
    admin_shot(page, "directory-retire-confirm-en")
    page.click(".confirm [data-yes]")
    message = said(page, "is retired")
    assert "1 route changes" in message
    assert next(o for o in fake.dir["offices"] if o["id"] == "lesco-gulberg")["retired"]
    page.close()
    assert errors == []


def test_a_routing_change_is_checked_by_its_dry_run_before_it_applies(running: Stack, browser: Browser) -> None:
    errors: list[str] = []
    page, fake = admin_page(browser, running, errors)
    go(page, "#/admin/rules")
    pick(page, "#pick", "bill", "Electricity bill is wrong")
    page.click("#pick button:not([type=button])")
    page.wait_for_selector("li.route[data-district=lahore]")
    lahore = page.locator("li.route[data-district=lahore]")
    assert LONG_OFFICE in lahore.inner_text()
    assert "Fallback: LESCO Headquarters" in page.inner_text("li.route[data-district=dg-khan]")
    # Change Lahore's office: Check shows what moves, nothing changes yet
    lahore.locator("[data-act=change]").click()
    pick(page, "form.change", "kasur", "LESCO Kasur Circle")
    # Meanwhile someone else sends Kasur's complaints to the headquarters: the check is refused (409), the
    # page says so, shows Kasur's new office, and keeps the office chosen here
    for rule in fake.dir["routing_rules"]:
        if rule["district_id"] == "kasur":
            rule["office_id"] = "lesco-hq"
    fake.conflict_next = True
    page.click("form.change button:not([type=button])")
    said(page, "Someone else changed the directory")
    page.wait_for_function(
        "() => document.querySelector('li.route[data-district=kasur] > span').textContent.includes('LESCO Headquarters')"
    )
    assert page.input_value("form.change input[type=hidden]") == "lesco-kasur"
    page.click("form.change button:not([type=button])")
    page.wait_for_selector("form.change .report h3")
    report = page.inner_text("form.change .report")
    assert "1 route changes" in report and LONG_OFFICE in report and "LESCO Kasur Circle" in report
    assert fake.route_of("electricity-billing", "lahore") == "lesco-gulberg"
    assert [c for c in fake.calls if c[0] == "PUT"][-1][1].endswith("?dry_run=true")
    admin_shot(page, "rules-dry-run-en")
    page.click("form.change [data-act=apply]")
    said(page, "Complaints from Lahore now go to LESCO Kasur Circle")
    assert fake.route_of("electricity-billing", "lahore") == "lesco-kasur"
    assert "LESCO Kasur Circle" in page.inner_text("li.route[data-district=lahore]")
    # Deleting Kasur's rule (confirmed) leaves it to the fallback
    page.click("li.route[data-district=kasur] [data-act=delete]")
    page.click(".confirm [data-yes]")
    said(page, "The rule for Kasur is deleted")
    page.wait_for_function(
        "() => document.querySelector('li.route[data-district=kasur]').textContent.includes('Fallback')"
    )
    # Police complaints have no fallback: the districts without a rule say so in red; setting one routes them
    go(page, "#/admin/rules?category=police-misconduct")
    assert page.locator("li.route.none").count() == 3
    page.click("#rules details summary")
    pick(page, "#fallback", "capital", "Capital City Police Officer")
    page.click("#fallback button:not([type=button])")
    message = said(page, "now go to Capital City Police Officer, Lahore")
    assert "3 routes change" in message
    page.wait_for_function("() => document.querySelectorAll('li.route.none').length === 0")
    # The CSVs download with the session's token; an import is checked, then applied
    page.click("details.csv summary")
    with page.expect_download() as got:
        page.click("[data-csv='/v1/admin/routing-rules/export']")
    assert got.value.suggested_filename == "routing-rules.csv"
    page.set_input_files(
        "#import input[type=file]",
        files=FilePayload(
            name="rules.csv",
            mimeType="text/csv",
            buffer=b"category_id,district_id,office_id\nelectricity-billing,dg-khan,lesco-kasur\n",
        ),
    )
    page.click("#import button:not([type=button]):not(.pick)")
    page.wait_for_selector("#import .report h3")
    assert "1 row read" in page.inner_text("#import .report") and "Dera Ghazi Khan" in page.inner_text(
        "#import .report"
    )
    assert fake.route_of("electricity-billing", "dg-khan") == "lesco-hq"
    imported = [c for c in fake.calls if c[1].startswith("/v1/admin/routing-rules/import")]
    assert imported[-1][1].endswith("dry_run=true")
    page.click("#import [data-act=apply]")
    said(page, "The file is applied")
    assert fake.route_of("electricity-billing", "dg-khan") == "lesco-kasur"
    page.close()
    assert errors == []


def test_an_admin_invites_moves_promotes_and_disables_staff(running: Stack, browser: Browser) -> None:
    errors: list[str] = []
    page, fake = admin_page(browser, running, errors)
    go(page, "#/admin/staff")
    pick(page, "#pick", "gulberg", "Sub-Divisional Officer")
    page.click("#pick button:not([type=button])")
    page.wait_for_selector("#staff li")
    assert page.locator("#staff li").count() == 10
    page.click("#more")
    page.wait_for_function("() => document.querySelectorAll('#staff li').length === 12")
    assert page.is_hidden("#more")
    # Make Ayesha (not a supervisor) one
    ayesha = page.locator("#staff li[data-sub='sub-lesco-gulberg-00']")
    ayesha.locator("[data-act=supervisor]").click()
    page.click(".confirm [data-yes]")
    said(page, "Ayesha Siddiqui is now a supervisor")
    assert "Supervisor" in page.inner_text("#staff li[data-sub='sub-lesco-gulberg-00']")
    # Disable Bilal
    page.click("#staff li[data-sub='sub-lesco-gulberg-01'] [data-act=disable]")
    page.click(".confirm [data-yes]")
    said(page, "Bilal Ahmed is disabled")
    page.wait_for_selector("#staff li[data-sub='sub-lesco-gulberg-01'] [data-act=enable]")
    # Move Farah to Kasur
    page.click("#staff li[data-sub='sub-lesco-gulberg-02'] [data-act=move]")
    pick(page, "form.move", "kasur", "LESCO Kasur Circle")
    page.click("form.move button:not([type=button])")
    page.click(".confirm [data-yes]")
    said(page, "Farah Naz now works at LESCO Kasur Circle")
    assert page.locator("#staff li[data-sub='sub-lesco-gulberg-02']").count() == 0
    assert any(
        c[1] == "/v1/admin/accounts/sub-lesco-gulberg-02/office" and c[2] == {"office_id": "lesco-kasur"}
        for c in fake.calls
    )
    # Invite someone by e-mail
    page.click("#invite-box summary")
    page.fill("#invite [name=name]", "Sana Mirza")
    # What was typed survives a reload (a draft), until the invitation is sent
    page.reload()
    page.wait_for_selector("#invite-box .draft-note")  # the folded form opens to show it
    assert page.input_value("#invite [name=name]") == "Sana Mirza"
    page.fill("#invite [name=contact]", "sana.mirza@lesco.gov.pk")
    page.select_option("#invite [name=role]", "supervisor")
    assert (
        page.locator("#invite [name=role] option[value=org_admin]").count() == 1
    )  # an admin may make organisation admins
    page.click("#invite button")
    said(page, "Invitation sent to s***@lesco.gov.pk")
    sent = [c for c in fake.calls if c[1] == "/v1/admin/staff"][-1][2]
    assert sent == {
        "name": "Sana Mirza",
        "office_id": "lesco-gulberg",
        "role": "supervisor",
        "language": "en",
        "email": "sana.mirza@lesco.gov.pk",
    }
    assert "Sana Mirza" in page.inner_text("#staff li:first-child")
    assert page.input_value("#invite [name=name]") == ""
    assert not page.evaluate(
        "Object.keys(localStorage).some((k) => k.startsWith('awaaz.draft.') && k.endsWith('.invite'))"
    )
    page.close()
    assert errors == []


def test_the_audit_trail_filters_shows_before_and_after_and_downloads(running: Stack, browser: Browser) -> None:
    errors: list[str] = []
    page, fake = admin_page(browser, running, errors, "ur")
    go(page, "#/admin/audit")
    page.click("main details.panel summary")
    page.select_option("#afilters [name=object_type]", "office")
    page.fill("#afilters [name=from]", "2026-12-01")
    page.click("#afilters button")
    page.wait_for_function("() => location.hash.includes('object_type=office')")
    page.wait_for_selector("#entries li")
    assert any(c[1] == "/v1/admin/audit?object_type=office&from=2026-12-01" for c in fake.calls)
    assert page.locator("#entries li").count() == 10
    page.click("#more")
    page.wait_for_function("() => document.querySelectorAll('#entries li').length === 15")
    first = page.locator("#entries li").first
    assert first.locator("strong").first.inner_text() == "دفتر: تبدیل کیا گیا"  # office.update, in words
    first.locator("details summary").click()
    diff = first.locator(".diff").inner_text()
    assert "name" in diff and LONG_OFFICE in diff and "districts_served" in diff and "head" not in diff
    admin_shot(page, "audit-entry-ur")
    with page.expect_download() as got:
        page.click("#csv")
    assert got.value.suggested_filename == "audit.csv"
    assert any(c[1].startswith("/v1/admin/audit/export?object_type=office") for c in fake.calls)
    page.close()
    assert errors == []


def test_failed_messages_are_replayed_after_a_confirmation(running: Stack, browser: Browser) -> None:
    errors: list[str] = []
    page, fake = admin_page(browser, running, errors)
    go(page, "#/admin/queues")
    intake = page.locator("[data-queue=intake]")
    assert "3 messages failed" in intake.inner_text() and "2 hours" in intake.inner_text()
    intake.locator("[data-act=replay]").click()
    page.click(".confirm [data-yes]")
    message = said(page, "2 messages sent through again")
    assert "1 was already done" in message and "0 still wait" in message
    page.wait_for_selector("[data-queue=intake] >> text=Nothing failed.")
    assert ("POST", "/v1/admin/queues/intake/redrive", None) in fake.calls
    page.close()
    assert errors == []


def test_the_pages_are_not_for_citizens_strangers_or_the_queues_for_organisation_admins(
    running: Stack, browser: Browser
) -> None:
    errors: list[str] = []
    page = open_page(browser, errors)
    page.goto(f"{running.api}/#/admin/directory")
    page.wait_for_function("() => location.hash.startsWith('#/login')")  # a stranger signs in first
    citizen = next(a for a in running.accounts()["accounts"] if a["role"] == "citizen")
    sign_in(page, running.api, citizen)
    page.evaluate("location.hash = '#/admin/staff'")
    said(page, "This page is for administrators.")
    assert page.locator("#nav a[href^='#/admin/']").count() == 0
    assert not page.evaluate("typeof adminPage === 'function'")  # nor is its code downloaded
    page.close()
    # An organisation admin: every page but the queues
    page = open_page(browser, errors)
    fake = FakeAdmin()

    def as_org_admin(route: Route) -> None:
        me = route.fetch().json()
        route.fulfill(json={**me, "role": "org_admin", "office_id": "lesco-hq"})

    page.route(f"{running.api}/v1/me", as_org_admin)
    page.route(f"{running.api}/v1/admin/**", fake.handle)
    page.goto(f"{running.api}/#/")
    sign_in(page, running.api, admin_account(running))
    hrefs = page.eval_on_selector_all("#nav a", "as => as.map(a => a.getAttribute('href'))")
    assert "#/admin/directory" in hrefs and "#/admin/queues" not in hrefs
    go(page, "#/admin/staff?office=lesco-hq")
    assert page.locator("main .tabs a[href='#/admin/queues']").count() == 0
    page.click("#invite-box summary")
    assert page.locator("#invite [name=role] option[value=org_admin]").count() == 0
    page.evaluate("location.hash = '#/admin/queues'")
    said(page, "Only administrators see the queues.")
    page.close()
    assert errors == []


def test_the_seeded_directory_reads_and_searches_on_a_phone(running: Stack, browser: Browser) -> None:
    # The stack's own admin API, the whole seeded country
    seed = seeded()
    errors: list[str] = []
    page, _ = admin_page(browser, running, errors, "ur", live=True)
    go(page, "#/admin/directory")
    assert page.locator("li.office").count() >= len(seed["offices"])
    # Searching in Urdu finds offices by their district too, and opens the way to them
    page.fill("#find", "لاہور")
    page.wait_for_function("() => document.querySelector('#found').textContent !== ''")
    assert 0 < page.locator("li.office:visible").count() < len(seed["offices"])
    admin_shot(page, "directory-seeded-search-ur")
    go(page, "#/admin/rules?category=electricity-overbilling")
    assert page.locator("li.route").count() >= len(seed["districts"])
    assert "لیسکو" in page.inner_text("li.route[data-district=lahore]")
    assert page.locator("li.route.none").count() == 0  # every district of the country is routed
    admin_shot(page, "rules-seeded-ur")
    page.close()
    assert errors == []


def test_an_admin_does_the_whole_job_through_the_pages_against_the_service(running: Stack, browser: Browser) -> None:
    """Issue 14's acceptance through the page: an office under LESCO's Lahore circle, the over-billing route of
    Lahore moved to it after its dry run, an officer invited there, each step on the audit trail; the queues read."""
    errors: list[str] = []
    page, _ = admin_page(browser, running, errors, live=True)
    go(page, "#/admin/directory")
    page.fill("#find", "Lahore Circle")
    page.wait_for_selector("button[data-act=add][data-id=lesco-lahore-circle]")
    page.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true; })")
    page.click("button[data-act=add][data-id=lesco-lahore-circle]")
    form = page.locator("#office-form")
    form.locator("[name=name]").fill("Shadman Sub-Division")
    form.locator("[name=name_ur]").fill("شادمان سب ڈویژن")
    form.locator("[name=district_id]").select_option("lahore")
    form.locator("[name=districts_served][value=lahore]").check()
    form.locator("[name=head]").fill("Sub-Divisional Officer")
    form.locator("button:not([type=button])").click()
    said(page, "Shadman Sub-Division is added")
    # The route of over-billing in Lahore, checked by its dry run, then applied
    go(page, "#/admin/rules?category=electricity-overbilling")
    lahore = page.locator("li.route[data-district=lahore]")
    lahore.locator("[data-act=change]").click()
    pick(page, "form.change", "shadman", "Shadman Sub-Division")
    page.click("form.change button:not([type=button])")
    page.wait_for_selector("form.change .report h3")
    report = page.inner_text("form.change .report")
    assert "1 route changes" in report and "Shadman Sub-Division" in report, report
    page.click("form.change [data-act=apply]")
    said(page, "Complaints from Lahore now go to Shadman Sub-Division")
    # An officer invited there
    go(page, "#/admin/staff?office=lesco-shadman-sub-division")
    page.click("#invite-box summary")
    page.fill("#invite [name=name]", "Hina Baig")
    page.fill("#invite [name=contact]", "hina.baig@example.pk")
    page.select_option("#invite [name=role]", "officer")
    page.click("#invite button")
    said(page, "Invitation sent to h***@example.pk")
    page.wait_for_selector("#staff li >> text=Hina Baig")
    # Each step on the audit trail, in words
    go(page, "#/admin/audit")
    page.wait_for_selector("#entries li")
    steps = page.eval_on_selector_all("#entries li > strong", "ss => ss.slice(0, 3).map(s => s.textContent)")
    assert steps == ["Account: invited", "Routing rule: set", "Office: added"], steps
    admin_shot(page, "audit-live-en")
    # The queues read, nothing failed
    go(page, "#/admin/queues")
    page.wait_for_selector("[data-queue=intake]")
    admin_shot(page, "queues-live-en")
    page.close()
    assert errors == []
