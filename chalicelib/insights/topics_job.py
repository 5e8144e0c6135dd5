"""The weekly topics task: each organisation's themes of the week that just ended, stored for its staff.

Due on Mondays at 02:00 UTC (07:00 in Pakistan, the week ended at Sunday midnight there):
`make job NAME=insights AT=2026-12-07T02:00:00Z` runs it (with the other tasks due then). It reads
the complaints filed in the week and in the `BASELINE_WEEKS` before it (GSI4: one paged Query per
category, month and partition, each bounded by the period; no Scan), groups them by the
organisation that has them, and for every organisation with new complaints stores one item
(`TOPICS#<organisation>` / `WEEK#<yyyy-Www>`) — with no themes when the week had too few texts.
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from chalicelib.insights import weeks
from chalicelib.logic.clock import iso
from chalicelib.logic.ports import Services
from chalicelib.observability import logger, metrics
from chalicelib.store import topics as topics_store
from chalicelib.store.table import Item

BASELINE_WEEKS = 6
# Bounds on what one organisation's computation holds (the texts read first are kept).
WEEK_CAP = 5000
BASELINE_CAP = 15000
TEXT_CHARACTERS = 2000


def due(now: datetime) -> bool:
    """Mondays, in the hourly run of 02:00 UTC."""
    return now.weekday() == 0 and now.hour == 2


def _organisation_of(item: Item, office_organisation: dict[str, str]) -> str | None:
    organisation = item.get("organisation_id")
    if organisation:
        return str(organisation)
    office = item.get("office_id") or item.get("routed_office_id")
    return office_organisation.get(str(office)) if office else None


def _doc(item: Item) -> Any:
    from chalicelib.insights.topics import Doc

    text = f"{item.get('subject') or ''}. {item.get('description') or ''}"[:TEXT_CHARACTERS]
    display = item.get("display_name")
    return Doc(
        case_id=str(item["id"]),
        text=text,
        author=str(item.get("citizen_sub") or ""),
        names=(str(display),) if display else (),
    )


def run(services: Services, now: datetime, week: str | None = None) -> dict[str, Any]:
    """Compute and store the topics of `week` (default: the week that ended last) for each organisation."""
    from chalicelib.insights.topics import MIN_WEEK_TEXTS, find_topics

    week = week or weeks.last_complete(now)
    start, end = weeks.bounds(week)
    baseline_start = start - timedelta(weeks=BASELINE_WEEKS)
    directory = services.directory()
    office_organisation = {o.id: o.organisation_id for o in directory.snapshot.offices}
    categories = [c.id for c in directory.snapshot.categories if c.kind == "complaint"]
    this_week: dict[str, list[Any]] = defaultdict(list)
    before: dict[str, list[Any]] = defaultdict(list)
    week_from = iso(start)
    began = time.perf_counter()
    read = 0
    for item in topics_store.filed_between(services.table, categories, iso(baseline_start), iso(end)):
        read += 1
        if item.get("kind", "complaint") != "complaint":
            continue
        organisation = _organisation_of(item, office_organisation)
        if organisation is None:
            continue  # not routed yet: no organisation's staff would see it
        flag = item.get("moderation_flag")
        if isinstance(flag, dict) and not flag.get("cleared_at"):
            continue  # its text looked abusive and no officer has cleared it: no theme's words come from it
        if str(item["created_at"]) >= week_from:
            if len(this_week[organisation]) < WEEK_CAP:
                this_week[organisation].append(_doc(item))
        elif len(before[organisation]) < BASELINE_CAP:
            before[organisation].append(_doc(item))
    read_seconds = time.perf_counter() - began
    computed = {}
    for organisation in sorted(this_week):
        took = time.perf_counter()
        found = find_topics(this_week[organisation], before.get(organisation, []))
        stored = {
            "texts_week": found.texts_week,
            "texts_baseline": found.texts_baseline,
            "baseline_weeks": BASELINE_WEEKS,
            "enough": found.texts_week >= MIN_WEEK_TEXTS,
            "k": found.k,
            "terms": found.terms,
            "themes": [vars(theme) for theme in found.themes],
        }
        topics_store.put_topics(services.table, organisation, week, iso(now), stored)
        computed[organisation] = {
            "texts": found.texts_week,
            "themes": len(found.themes),
            "rising": sum(1 for t in found.themes if t.rising),
            "seconds": round(time.perf_counter() - took, 2),
        }
    metrics.add_metric(name="TopicsOrganisations", unit="Count", value=len(computed))
    logger.info("weekly topics stored", extra={"week": week, "organisations": len(computed), "read": read})
    return {"week": week, "read": read, "read_seconds": round(read_seconds, 2), "organisations": computed}
