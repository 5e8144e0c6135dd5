"""Open311 GeoReport v2: services from the complaint categories, requests as ordinary complaints.

Spec: open311.org GeoReport v2 and its Service Discovery. Services are the complaint
categories (`service_code` = the category id). A POST needs an API key an admin issued;
it files a complaint like any other (routed by the intake worker), owned by that key. GET
lists publish no identity: the description has phone numbers, e-mails and CNICs hidden,
the address is the district, and the position is rounded to about a kilometre.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.logic import clock, complaints, pii, ratelimit, tracking
from chalicelib.logic.directory import Directory
from chalicelib.logic.ports import Services
from chalicelib.models.common import Principal
from chalicelib.models.complaints import Case, ComplaintIn, TimelineEvent
from chalicelib.models.directory import Category, District
from chalicelib.models.errors import InvalidInput, RateLimited
from chalicelib.store import apikeys as api_key_store
from chalicelib.store import cases as case_store

MAX_SPAN = timedelta(days=90)
DEFAULT_PAGE_SIZE = 1000
MAX_DESCRIPTION = 4000
# Pakistan's extent (with a margin): a position outside it cannot be routed.
PAKISTAN = {"lat": (23.5, 37.2), "long": (60.8, 77.9)}
CLOSED = frozenset({"closed", "rejected", "withdrawn"})
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
    return [c for c in directory.snapshot.categories if c.kind == "complaint"]


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
    category = directory.categories.get(code)
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


def district_at(directory: Directory, lat: float, lon: float) -> District | None:
    """The district whose centre is nearest a position inside Pakistan."""
    if not (PAKISTAN["lat"][0] <= lat <= PAKISTAN["lat"][1] and PAKISTAN["long"][0] <= lon <= PAKISTAN["long"][1]):
        return None
    scale = math.cos(math.radians(lat))
    placed = [(d, d.lat, d.lon) for d in directory.snapshot.districts if d.lat is not None and d.lon is not None]
    nearest = min(
        placed, key=lambda p: (float(p[1] or 0) - lat) ** 2 + ((float(p[2] or 0) - lon) * scale) ** 2, default=None
    )
    return nearest[0] if nearest else None


def district_named(directory: Directory, text: str) -> District | None:
    """The district an address names (English or Urdu), the longest name first."""
    lowered = text.lower()
    by_length = sorted(directory.snapshot.districts, key=lambda d: -len(d.name))
    return next((d for d in by_length if d.name.lower() in lowered or (d.name_ur and d.name_ur in text)), None)


def _location(directory: Directory, form: dict[str, list[str]]) -> tuple[District, float | None, float | None]:
    lat_raw, lon_raw = _one(form, "lat"), _one(form, "long")
    address, address_id = _one(form, "address_string"), _one(form, "address_id")
    if (lat_raw is None) != (lon_raw is None):
        raise Open311Error(400, "lat and long must be given together")
    if lat_raw is not None and lon_raw is not None:
        try:
            lat, lon = float(lat_raw), float(lon_raw)
        except ValueError:
            raise Open311Error(400, "lat and long must be decimal degrees") from None
        district = district_at(directory, lat, lon)
        if district is None:
            raise Open311Error(400, "lat/long is outside Pakistan")
        return district, lat, lon
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
    description = _one(form, "description") or ""
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, f"description is longer than {MAX_DESCRIPTION} characters")
    answers = {name[10:-1]: values[0] for name, values in form.items() if name.startswith("attribute[") and values}
    body = {
        "category_id": category.id,
        "subject": category.name[:150],
        "description": description if len(description) >= 10 else f"{category.name}. {description}".strip(),
        "location": {"district": district.id, "address": _one(form, "address_string"), "lat": lat, "lon": lon},
        "attributes": answers,
    }
    principal = Principal(sub=f"open311:{client['id']}", role="citizen")
    try:
        filed = complaints.submit(services, principal, ComplaintIn.model_validate(body), None)
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


def public_request(case: Case, directory: Directory, events: list[TimelineEvent] | None = None) -> dict[str, Any]:
    """A complaint as Open311 shows it: nothing that names or reaches the citizen."""
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
        "description": pii.redact(case.description),
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
    }
    if events is not None:
        out["notes"] = [
            {"datetime": e.at, "type": e.type, "summary": _STATUS_NOTES.get(e.type, e.type.replace("_", " "))}
            for e in events
        ]
    return out


def get_request(services: Services, raw_id: str, extensions: bool = False) -> list[dict[str, Any]]:
    case_id = tracking.normalise(raw_id)
    found = case_store.get_case_with_timeline(services.table, case_id) if case_id else None
    if found is None or found[0].kind != "complaint":
        raise Open311Error(404, f"service_request_id {raw_id} not found")
    case, events = found
    return [public_request(case, services.directory(), events if extensions else None)]


def _time(raw: str | None, name: str) -> datetime | None:
    if not raw:
        return None
    try:
        moment = clock.parse_time(raw)
    except ValueError:
        raise Open311Error(400, f"{name} must be a w3 datetime, e.g. 2026-11-28T09:00:00Z") from None
    if moment.tzinfo is None:
        raise Open311Error(400, f"{name} must carry a time zone")
    return moment


def get_requests(services: Services, params: dict[str, str]) -> list[dict[str, Any]]:
    """The spec's query: ids override everything; else services × period × status, newest first, paged."""
    directory = services.directory()
    extensions = (params.get("extensions") or "").lower() == "true"
    ids = [i.strip() for i in (params.get("service_request_id") or "").split(",") if i.strip()]
    if ids:
        found = []
        for raw in ids[:DEFAULT_PAGE_SIZE]:
            try:
                found += get_request(services, raw, extensions)
            except Open311Error:
                continue  # an unknown id in a list is simply not returned
        return found
    codes = [c.strip() for c in (params.get("service_code") or "").split(",") if c.strip()]
    for code in codes:
        _category(directory, code)
    codes = codes or [c.id for c in _complaint_categories(directory)]
    end = _time(params.get("end_date"), "end_date") or services.clock()
    start = _time(params.get("start_date"), "start_date") or end - MAX_SPAN
    if start > end:
        raise Open311Error(400, "start_date is after end_date")
    if end - start > MAX_SPAN:
        raise Open311Error(400, "start_date and end_date may be at most 90 days apart")
    wanted_status = {s.strip() for s in (params.get("status") or "").split(",") if s.strip()}
    if wanted_status - {"open", "closed"}:
        raise Open311Error(400, "status is open, closed, or both")
    page, size = _paging(params)
    first, last = clock.iso(start.astimezone(UTC)), clock.iso(end.astimezone(UTC))
    cases = [
        c
        for code in codes
        for month in clock.months_between(start, end)
        for c in case_store.service_cases_filed(services.table, code, month, first, last)
        if c.kind == "complaint"
    ]
    if wanted_status:
        cases = [c for c in cases if ("closed" if c.status in CLOSED else "open") in wanted_status]
    cases.sort(key=lambda c: (c.created_at, c.id), reverse=True)
    chosen = cases[(page - 1) * size : page * size]
    if not extensions:
        return [public_request(c, directory) for c in chosen]
    return [r for c in chosen for r in get_request(services, c.id, extensions=True)]


def _paging(params: dict[str, str]) -> tuple[int, int]:
    try:
        page = int(params.get("page") or 1)
        size = int(params.get("page_size") or DEFAULT_PAGE_SIZE)
    except ValueError:
        raise Open311Error(400, "page and page_size are whole numbers") from None
    if page < 1 or not 1 <= size <= DEFAULT_PAGE_SIZE:
        raise Open311Error(400, f"page is 1 or more; page_size from 1 to {DEFAULT_PAGE_SIZE}")
    return page, size


def token(services: Services, raw: str) -> list[dict[str, Any]]:
    """Requests get their id at once, so a token is the id itself."""
    found = get_request(services, raw)
    return [{"service_request_id": found[0]["service_request_id"], "token": raw}]
