"""Open311 GeoReport v2: services from the complaint categories, requests as ordinary complaints.

Spec: open311.org GeoReport v2 and its Service Discovery. Services are the complaint
categories (`service_code` = the category id). A POST needs an API key an admin issued;
it files a complaint like any other (routed by the intake worker), owned by that key,
private unless the client sends `publish=true`. GET shows only published complaints and
no identity: the description as published (personal data hidden), the address is the
district, the position rounded to about a kilometre.

Every GET is bounded whatever the data: lists are paged (`page_size` ≤ 50, `page` ×
`page_size` ≤ 200), read newest first from the published index and stop after at most
`CALL_BUDGET` AWS calls; `service_request_id` takes at most 50 ids, read in one
BatchGetItem; `extensions=true` reads nothing more (the public steps live on the case).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from chalicelib.logic import clock, complaints, geo, pii, ratelimit, tracking
from chalicelib.logic.directory import Directory
from chalicelib.logic.ports import Services
from chalicelib.logic.withholding import WITHHELD, withheld
from chalicelib.models.choices import MODERATION_REASONS
from chalicelib.models.common import Principal, without_control_characters
from chalicelib.models.complaints import FINISHED_STATUSES, Case, ComplaintIn
from chalicelib.models.directory import Category, District
from chalicelib.models.errors import InvalidInput, RateLimited
from chalicelib.store import apikeys as api_key_store
from chalicelib.store import cases as case_store
from chalicelib.store.table import Key

T = TypeVar("T")
MAX_SPAN = timedelta(days=90)
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 50
# How deep a list may be paged (page × page_size): deeper needs narrower dates.
MAX_DEPTH = 200
MAX_IDS = 50
MAX_SERVICE_CODES = 2
# The AWS calls one list request may make, whatever the data; what they do not reach is not listed.
CALL_BUDGET = 9
# Dates a query may name.
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 12, 31, 23, 59, 59, tzinfo=UTC)
MAX_DESCRIPTION = 4000
CLOSED = FINISHED_STATUSES
_STATUS_NOTES = {
    "submitted": "received, being routed",
    "routed": "with the office responsible",
    "in_progress": "the office is working on it",
    "awaiting_citizen": "the office asked the citizen for details",
    "resolved": "resolved by the office; waiting for the citizen's verdict",
    "reopened": "reopened a level higher: the citizen was not satisfied",
    "closed": "closed",
    "rejected": "rejected",
    "withdrawn": "withdrawn by the citizen",
}


@dataclass
class Open311Error(Exception):
    """An error in the spec's shape: `[{"code", "description"}]` with the HTTP status `code`."""

    code: int
    description: str


# --- services ---------------------------------------------------------------------------


def _complaint_categories(directory: Directory) -> list[Category]:
    return [c for c in directory.snapshot.categories if c.kind == "complaint" and not c.retired]


def services_list(directory: Directory) -> list[dict[str, Any]]:
    return [
        {
            "service_code": c.id,
            "service_name": c.name,
            "description": f"{c.name} / {c.name_ur}",
            "metadata": bool(c.attributes),
            "type": "realtime",
            "keywords": ", ".join(c.keywords),
            "group": c.group,
        }
        for c in _complaint_categories(directory)
    ]


def _category(directory: Directory, code: str) -> Category:
    category = directory.live_category(code)
    if category is None or category.kind != "complaint":
        raise Open311Error(404, f"service_code {code} not found")
    return category


def service_definition(directory: Directory, code: str) -> dict[str, Any]:
    category = _category(directory, code)
    return {
        "service_code": category.id,
        "attributes": [
            {
                "variable": True,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description or None,
                "order": a.order,
                "description": a.description,
                **({"values": [{"key": v.key, "name": v.name} for v in a.values]} if a.values else {}),
            }
            for a in sorted(category.attributes, key=lambda a: a.order)
        ],
    }


# --- posting a request ------------------------------------------------------------------------


def _one(form: dict[str, list[str]], name: str) -> str | None:
    """A form field; an empty one is as good as absent."""
    values = form.get(name) or []
    value = values[0].strip() if values else ""
    return value or None


def district_at(directory: Directory, lat: float, lon: float) -> District:
    """The served district a position lies in (point-in-polygon, logic/geo.py); Open311Error(400) saying why none."""
    try:
        return geo.locate(directory, lat, lon)
    except geo.PlaceProblem as exc:
        raise Open311Error(400, f"lat/long: {exc.message}") from exc


def district_named(directory: Directory, text: str) -> District | None:
    """The district an address names (English or Urdu), the longest name first."""
    lowered = text.lower()
    by_length = sorted(directory.snapshot.districts, key=lambda d: -len(d.name))
    return next((d for d in by_length if d.name.lower() in lowered or (d.name_ur and d.name_ur in text)), None)


_DEGREES = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]{1,12})?")


def _degrees(raw: str) -> float | None:
    """Decimal degrees as written in ASCII (`31.52`, `-0.12`); anything else (NaN, `1_0`, other scripts) None."""
    return float(raw) if _DEGREES.fullmatch(raw) else None


def _location(directory: Directory, form: dict[str, list[str]]) -> tuple[District, float | None, float | None]:
    lat_raw, lon_raw = _one(form, "lat"), _one(form, "long")
    address, address_id = _one(form, "address_string"), _one(form, "address_id")
    if (lat_raw is None) != (lon_raw is None):
        raise Open311Error(400, "lat and long must be given together")
    if lat_raw is not None and lon_raw is not None:
        lat, lon = _degrees(lat_raw), _degrees(lon_raw)
        if lat is None or lon is None:
            raise Open311Error(400, "lat and long must be decimal degrees")
        return district_at(directory, lat, lon), lat, lon
    if address_id:
        found = directory.districts.get(address_id)
        if found is None:
            raise Open311Error(400, f"address_id {address_id} is not a district id (see GET /v1/districts)")
        return found, None, None
    if address:
        found = district_named(directory, address)
        if found is None:
            raise Open311Error(400, "address_string does not name a district of Pakistan")
        return found, None, None
    raise Open311Error(400, "a location is required: lat and long, address_string or address_id")


def post_request(services: Services, form: dict[str, list[str]]) -> list[dict[str, Any]]:
    """File a complaint for an API client; the answer is the spec's `[{"service_request_id", ...}]`."""
    api_key = _one(form, "api_key")
    client = api_key_store.find(services.table, api_key) if api_key else None
    if client is None:
        raise Open311Error(403, "api_key is missing, unknown or revoked")
    try:
        ratelimit.check(services, "open311", str(client["id"]))
    except RateLimited as exc:
        raise Open311Error(429, exc.message) from exc
    directory = services.directory()
    code = _one(form, "service_code")
    if code is None:
        raise Open311Error(400, "service_code is required")
    category = _category(directory, code)
    district, lat, lon = _location(directory, form)
    description = without_control_characters(_one(form, "description") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, f"description is longer than {MAX_DESCRIPTION} characters")
    answers = {name[10:-1]: values[0] for name, values in form.items() if name.startswith("attribute[") and values}
    body: dict[str, Any] = {
        "category_id": category.id,
        "subject": category.name[:150],
        "description": description if len(description) >= 10 else f"{category.name}. {description}".strip(),
        "location": {"district": district.id, "address": _one(form, "address_string"), "lat": lat, "lon": lon},
        "attributes": answers,
    }
    # An extension of the spec: complaints are private unless the client publishes them.
    body["publish"] = (_one(form, "publish") or "").lower() == "true"
    principal = Principal(sub=f"open311:{client['id']}", role="citizen")
    try:
        # An API client files for many people: its own limit (above) stands in for a citizen's daily one.
        filed = complaints.submit(services, principal, ComplaintIn.model_validate(body), None, daily_limit=False)
    except InvalidInput as exc:
        problems = "; ".join(f"{p.field.replace('attributes.', 'attribute ')}: {p.problem}" for p in exc.details)
        raise Open311Error(400, problems or exc.message) from exc
    except ValueError as exc:
        raise Open311Error(400, str(exc).splitlines()[0]) from exc
    notice = f"Routed to the office responsible in {district.name}; track it as {filed.case['id']}."
    return [{"service_request_id": filed.case["id"], "service_notice": notice, "account_id": None}]


# --- reading requests ---------------------------------------------------------------------


def _rounded(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def is_public(case: Case) -> bool:
    return case.kind == "complaint" and case.published_at is not None


def _published_text(case: Case) -> str:
    if case.hidden is not None:
        reason = MODERATION_REASONS.get(case.hidden.reason)
        return f"[text hidden by the office: {reason.label if reason else case.hidden.reason}]"
    if withheld(case):
        return WITHHELD["en"]
    return pii.redact(case.public_description or "")


def public_request(case: Case, directory: Directory, extensions: bool = False) -> dict[str, Any]:
    """A published complaint as Open311 shows it: nothing that names or reaches the citizen."""
    category = directory.categories.get(case.category_id)
    office = directory.offices.get(case.office_id or "")
    district = directory.districts.get(case.location.district) if case.location else None
    closed = case.status in CLOSED
    out: dict[str, Any] = {
        "service_request_id": case.id,
        "status": "closed" if closed else "open",
        "status_notes": _STATUS_NOTES.get(case.status, case.status),
        "service_name": category.name if category else case.category_id,
        "service_code": case.category_id,
        "description": _published_text(case),
        "agency_responsible": office.name if office else None,
        "service_notice": None,
        "requested_datetime": case.created_at,
        "updated_datetime": (case.closed_at or case.updated_at) if closed else case.updated_at,
        "expected_datetime": case.due_at,
        "address": district.name if district else None,
        "address_id": district.id if district else None,
        "zipcode": None,
        "lat": _rounded(case.location.lat if case.location else None),
        "long": _rounded(case.location.lon if case.location else None),
        "media_url": None,
        # An extension: the name its citizen chose to show, if any.
        "display_name": case.display_name,
    }
    if extensions:
        out["notes"] = [
            {"datetime": n.at, "type": n.type, "summary": _STATUS_NOTES.get(n.type, n.type.replace("_", " "))}
            for n in case.public_trail
        ]
        # How many citizens the problem affects: its citizen and those who said "me too" (docs/insights.md).
        out["affected"] = case.affected
    return out


def get_request(services: Services, raw_id: str, extensions: bool = False) -> list[dict[str, Any]]:
    """One published request (one GetItem); a private or unknown one is the same 404."""
    case_id = tracking.normalise(raw_id)
    case = case_store.get_case(services.table, case_id) if case_id else None
    if case is None or not is_public(case):
        raise Open311Error(404, f"service_request_id {raw_id} not found")
    return [public_request(case, services.directory(), extensions)]


def _time(raw: str | None, name: str) -> datetime | None:
    if not raw:
        return None
    try:
        moment = clock.parse_time(raw)
    except ValueError:
        raise Open311Error(400, f"{name} must be a w3 datetime, e.g. 2026-11-28T09:00:00Z") from None
    if moment.tzinfo is None:
        raise Open311Error(400, f"{name} must carry a time zone")
    if not EARLIEST <= moment <= LATEST:
        raise Open311Error(400, f"{name} must fall between 2000 and 2100")
    return moment


def get_requests(services: Services, params: dict[str, str]) -> list[dict[str, Any]]:
    """The spec's query: ids override everything; else services × period × status, newest first, paged."""
    directory = services.directory()
    extensions = (params.get("extensions") or "").lower() == "true"
    ids = [i.strip() for i in (params.get("service_request_id") or "").split(",") if i.strip()]
    if ids:
        return _requests_by_id(services, ids, extensions)
    codes = list(dict.fromkeys(c.strip() for c in (params.get("service_code") or "").split(",") if c.strip()))
    if len(codes) > MAX_SERVICE_CODES:
        raise Open311Error(400, f"at most {MAX_SERVICE_CODES} service codes per request")
    for code in codes:
        _category(directory, code)
    end = _time(params.get("end_date"), "end_date") or services.clock()
    start = _time(params.get("start_date"), "start_date") or max(end - MAX_SPAN, EARLIEST)
    if start > end:
        raise Open311Error(400, "start_date is after end_date")
    if end - start > MAX_SPAN:
        raise Open311Error(400, "start_date and end_date may be at most 90 days apart")
    wanted_status = {s.strip() for s in (params.get("status") or "").split(",") if s.strip()}
    if wanted_status - {"open", "closed"}:
        raise Open311Error(400, "status is open, closed, or both")
    page, size = _paging(params)
    keep = None if wanted_status in (set(), {"open", "closed"}) else wanted_status.pop()
    window = (clock.iso(start.astimezone(UTC)), clock.iso(end.astimezone(UTC)))
    months = clock.months_between(start.astimezone(UTC), end.astimezone(UTC))[::-1]
    reader = _Newest(services, window, page, size, keep)
    found = reader.by_service(codes, months) if codes else reader.published(months)
    return [public_request(c, directory, extensions) for c in found]


def _requests_by_id(services: Services, ids: list[str], extensions: bool) -> list[dict[str, Any]]:
    if len(ids) > MAX_IDS:
        raise Open311Error(400, f"at most {MAX_IDS} service_request_id values per request")
    known = [i for i in (tracking.normalise(raw) for raw in ids) if i]
    found = case_store.cases_by_ids(services.table, known) if known else []
    directory = services.directory()
    return [public_request(c, directory, extensions) for c in found if is_public(c)]


class _Newest:
    """One page of published complaints, newest first, within `CALL_BUDGET` AWS calls.

    The indexes keep open and closed requests in partitions of their own, so a status
    filter reads only its own; without one, a month's two partitions are merged.
    """

    def __init__(self, services: Services, window: tuple[str, str], page: int, size: int, state: str | None) -> None:
        self.services, self.window = services, window
        self.closed = [False, True] if state is None else [state == "closed"]
        self.skip, self.want = (page - 1) * size, page * size
        self.calls = 0

    def _spend(self) -> bool:
        self.calls += 1
        return self.calls <= CALL_BUDGET

    def _pages(self, read: Callable[..., tuple[list[T], Key | None]], need: int) -> list[T]:
        """Up to `need` entries of one partition, page after page, while the budget lasts."""
        found: list[T] = []
        start: Key | None = None
        while len(found) < need and self._spend():
            page, start = read(start=start)
            found += page
            if start is None:
                break
        return found

    def by_service(self, codes: list[str], months: list[str]) -> list[Case]:
        """From each service's published partitions (its cases are in the index: no further reads)."""
        table, found = self.services.table, list[Case]()
        for month in months:
            need, this_month = self.want - len(found), list[Case]()
            for code, closed in ((code, closed) for code in codes for closed in self.closed):
                read = partial(
                    case_store.published_in_service, table, code, month, self.window, closed=closed, limit=need
                )
                this_month += self._pages(read, need)
            found += sorted((c for c in this_month if is_public(c)), key=lambda c: (c.created_at, c.id), reverse=True)
            if len(found) >= self.want or self.calls >= CALL_BUDGET:
                break
        return found[self.skip : self.want]

    def published(self, months: list[str]) -> list[Case]:
        """From the published index (ids only), then just the cases the page shows (one BatchGetItem)."""
        table, keyed = self.services.table, list[tuple[str, str]]()
        for month in months:
            need, this_month = self.want - len(keyed), list[tuple[str, str]]()
            for closed in self.closed:
                read = partial(case_store.published_ids, table, month, self.window, closed=closed, limit=need)
                this_month += self._pages(read, need)
            keyed += sorted(this_month, reverse=True)
            if len(keyed) >= self.want or self.calls >= CALL_BUDGET:
                break
        ids = [case_id for _, case_id in keyed[self.skip : self.want]]
        if not ids or not self._spend():
            return []
        return [c for c in case_store.cases_by_ids(table, ids) if is_public(c)]


def _paging(params: dict[str, str]) -> tuple[int, int]:
    page_raw, size_raw = params.get("page") or "1", params.get("page_size") or str(DEFAULT_PAGE_SIZE)
    if not (page_raw.isascii() and page_raw.isdigit() and size_raw.isascii() and size_raw.isdigit()):
        raise Open311Error(400, "page and page_size are whole numbers")
    page, size = int(page_raw[:6]), int(size_raw[:6])
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        raise Open311Error(400, f"page is 1 or more; page_size from 1 to {MAX_PAGE_SIZE}")
    if page * size > MAX_DEPTH:
        raise Open311Error(400, f"page × page_size may be at most {MAX_DEPTH}: narrow the dates instead")
    return page, size


def token(services: Services, raw: str) -> list[dict[str, Any]]:
    """Requests get their id at once, so a token is the id itself."""
    found = get_request(services, raw)
    return [{"service_request_id": found[0]["service_request_id"], "token": raw}]
