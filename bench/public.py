"""The worst anonymous request of each public endpoint, with 10,000 published complaints in the table.

Every public endpoint promises a ceiling whatever the data (docs/open311.md): fewer than 10
AWS calls and, on the local stack, under a second. `make bench` (bench/run.py) counts the
calls in process and times the requests over HTTP against `python -m local.stack`, and
fails past either.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

PUBLISHED = 10_000
CALL_CEILING = 10
SECONDS_CEILING = 1.0
_CATEGORIES = ("electricity-overbilling", "water-no-water")


def requests_to_try(ids: list[str]) -> list[tuple[str, str]]:
    """(name, path) of the worst request of each public endpoint, as anyone may send it."""
    fifty = ",".join(ids[:50])
    return [
        ("Open311 requests, unfiltered", "/open311/v2/requests.json"),
        ("Open311 requests, deepest page", "/open311/v2/requests.json?page=4&page_size=50"),
        ("Open311 requests, status filter, deepest", "/open311/v2/requests.json?status=closed&page=4&page_size=50"),
        (
            "Open311 requests, 2 services × status, deepest",
            f"/open311/v2/requests.json?service_code={','.join(_CATEGORIES)}&status=open&page=4&page_size=50",
        ),
        (
            "Open311 requests, 50 ids + extensions",
            f"/open311/v2/requests.json?service_request_id={fifty}&extensions=true",
        ),
        ("Open311 requests, XML", "/open311/v2/requests.xml?page_size=50"),
        ("Open311 one request + extensions", f"/open311/v2/requests/{ids[0]}.json?extensions=true"),
        ("Open311 services", "/open311/v2/services.json"),
        ("Open311 service definition", "/open311/v2/services/electricity-no-power.json"),
        ("Open311 discovery", "/open311/v2/discovery.json"),
        (
            "similar complaints (10,000 in the category)",
            f"/v1/similar-complaints?category_id={_CATEGORIES[0]}&district=lahore&text=meter+bill+units",
        ),
        ("stats, by category (largest allowed)", "/v1/stats?group_by=category"),
        ("stats.csv, by district of a province", "/v1/stats.csv?level=punjab&group_by=district"),
        ("stats, the year so far", f"/v1/stats?from={datetime.now(UTC).year}-01-01"),
        ("categories", "/v1/categories"),
        ("organisations", "/v1/organisations"),
        ("districts", "/v1/districts"),
        ("holidays", f"/v1/holidays/{datetime.now(UTC).year}"),
        ("publication terms", "/v1/publication"),
        ("OpenAPI document", "/v1/openapi.json"),
        ("health", "/v1/health"),
    ]


def published_items(template: Any, count: int = PUBLISHED) -> tuple[list[dict[str, Any]], list[str]]:
    """`count` published complaints over the last 60 days, half of each category, a third of them closed."""
    from chalicelib.logic import tracking
    from chalicelib.logic.clock import iso
    from chalicelib.store import cases as case_store

    now = datetime.now(UTC)
    items, ids = [], []
    for n in range(count):
        filed = iso(now - timedelta(minutes=8 * n + 1))
        case_id = tracking.new_tracking_number("C")
        case = template.model_copy(
            update={
                "id": case_id,
                "category_id": _CATEGORIES[n % 2],
                "status": "closed" if n % 3 == 0 else "routed",
                "created_at": filed,
                "updated_at": filed,
                "published_at": filed,
                "public_subject": "Bill too high",
                "public_description": f"The meter shows {n} units more than it should. Bill number [number hidden].",
                "next_check_at": None,
            }
        )
        items.append(case_store.case_item(case))
        ids.append(case_id)
    return items, ids
