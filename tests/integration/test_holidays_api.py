"""The public-holiday calendar over HTTP: anyone reads it, only an admin replaces a year, the seed keeps the edits."""

from __future__ import annotations

import importlib.util
import json
from typing import Any

import pytest

from tests.harness import REPO, Reply, Stack

# A year the seed does not hold, so these edits move no seeded deadline.
YEAR = 2031
EID = {"date": "2031-01-24", "name": "Eid ul Fitr", "name_ur": "عید الفطر", "tentative": True}
PAKISTAN_DAY = {"date": "2031-03-23", "name": "Pakistan Day", "name_ur": "یوم پاکستان", "tentative": False}


def put(stack: Stack, role: str | None, body: dict[str, Any], year: int = YEAR) -> Reply:
    token = stack.login(role) if role else None
    raw = json.dumps(body, ensure_ascii=False).encode()
    return stack.request("PUT", f"/v1/admin/holidays/{year}", raw, token=token)


def fields(reply: Reply) -> list[str]:
    return [d["field"] for d in reply.json["error"]["details"]]


def test_an_admins_year_reads_back_publicly_in_date_order_with_its_urdu_intact(stack: Stack) -> None:
    # Given a year nobody has set
    assert stack.get(f"/v1/holidays/{YEAR}").json == {"year": YEAR, "holidays": []}
    # When an admin sets it, out of order
    reply = put(stack, "admin", {"holidays": [PAKISTAN_DAY, EID]})
    # Then the public and the admin read it back sorted, Urdu as sent
    assert reply.status == 200, reply.body
    expected = {"year": YEAR, "holidays": [EID, PAKISTAN_DAY]}
    assert reply.json == expected
    assert stack.get(f"/v1/holidays/{YEAR}").json == expected
    assert stack.get(f"/v1/admin/holidays/{YEAR}", token=stack.login("admin")).json == expected
    # And a second PUT replaces the year whole
    assert put(stack, "admin", {"holidays": [PAKISTAN_DAY]}).status == 200
    assert stack.get(f"/v1/holidays/{YEAR}").json["holidays"] == [PAKISTAN_DAY]


@pytest.mark.parametrize(("role", "status"), [("citizen", 403), ("officer", 403), (None, 401)])
def test_only_an_admin_edits_the_calendar(stack: Stack, role: str | None, status: int) -> None:
    assert put(stack, role, {"holidays": [EID]}).status == status
    assert stack.get(f"/v1/holidays/{YEAR}").json["holidays"] == []


def test_the_admin_read_is_for_admins_only(stack: Stack) -> None:
    assert stack.get(f"/v1/admin/holidays/{YEAR}", token=stack.login("citizen")).status == 403


def test_bad_input_is_refused_naming_the_field(stack: Stack) -> None:
    # A date outside the year of the path
    wrong_year = put(stack, "admin", {"holidays": [EID, {**PAKISTAN_DAY, "date": "2032-03-23"}]})
    assert wrong_year.status == 400 and fields(wrong_year) == ["holidays[1].date"], wrong_year.body
    # Unknown fields, at the top or in a holiday
    assert put(stack, "admin", {"holidays": [EID], "year": 2030}).status == 400
    inner = put(stack, "admin", {"holidays": [{**EID, "official": True}]})
    assert inner.status == 400 and any("official" in f for f in fields(inner)), inner.body
    # A date that is not one, and a blank Urdu name
    assert put(stack, "admin", {"holidays": [{**EID, "date": "2031-02-30"}]}).status == 400
    blank = put(stack, "admin", {"holidays": [{**EID, "name_ur": "  "}]})
    assert blank.status == 400 and any("name_ur" in f for f in fields(blank)), blank.body
    # A year outside 2000-2100
    assert stack.get("/v1/holidays/1999").status == 400
    assert put(stack, "admin", {"holidays": []}, year=2101).status == 400
    # And nothing was stored
    assert stack.get(f"/v1/holidays/{YEAR}").json["holidays"] == []


def test_make_seed_aws_fills_missing_years_and_keeps_an_admins_correction(stack: Stack) -> None:
    # Given an admin has moved 2026's Eid ul Fitr to the day the government notified
    corrected = [{"date": "2026-03-21", "name": "Eid ul Fitr", "name_ur": "عید الفطر", "tentative": False}]
    assert put(stack, "admin", {"holidays": corrected}, year=2026).status == 200
    # When the operator seeds the deployed table
    spec = importlib.util.spec_from_file_location("seed_directory", REPO / "infra" / "seed_directory.py")
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.main(["--table", stack.resources["TABLE_NAME"]]) == 0
    # Then the correction stands and the seeded year is still there
    assert stack.get("/v1/holidays/2026").json["holidays"] == corrected
    assert any(h["name"] == "Quaid-e-Azam Day" for h in stack.get("/v1/holidays/2027").json["holidays"])
