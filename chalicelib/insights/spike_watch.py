"""The hourly spike job, and the public trends it leaves behind (docs/insights.md "Spikes and trends").

Every hour: read the (category, district) day counters written at filing (store/stats.py
`pair_daily`) for today and the `LOOKBACK_DAYS` before it — one Query per shard per day, never a
Scan — and score yesterday's complete counts and today's so far with `spikes.scan` (a weekly
season). The pairs of one category are scored together (`spikes.GroupScan`, group = the category):
each district against the same day in the category's other districts, so a surge in every
district at once (a holiday, a nationwide outage) does not flag each district; the category's
national total is scored as its own series (district `NATIONAL`), and flagged when it is still a
spike after the flagged districts' excess is taken out — a nationwide surge is seen once, and
one district's burst is not told twice. A flagged pair-day is stored once (the record is put only if absent, so a second run
of the hour, or every later hour, adds nothing), the staff of the office its complaints route to
and of its organisation's head office get an in-app notice and an e-mail through the
notifications queue, and `SpikesFlagged` counts it (an alarm watches it). The per-category daily
counts of the last `TREND_DAYS` days are kept in one item for GET /v1/insights/trends.

Days are UTC days, as the counters are. Pure Python: the job's cost is the reads.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.insights.spikes import DAILY, MIN_COUNT, THRESHOLD, GroupScan
from chalicelib.logic.clock import iso
from chalicelib.logic.notifications import dispatch
from chalicelib.logic.ports import Services
from chalicelib.models.errors import ConditionFailure
from chalicelib.models.notifications import Notification
from chalicelib.models.trends import CategoryTrend, SpikeOut, TrendsOut
from chalicelib.observability import logger, metrics
from chalicelib.store import cases as case_store
from chalicelib.store import keys
from chalicelib.store import stats as stat_store
from chalicelib.store.table import Put, SortCondition

LOOKBACK_DAYS = 56  # eight weeks: eight of each weekday for the season, seven weeks of residuals for the spread
TREND_DAYS = 28
NATIONAL = "all"  # the district of a category's national total


@dataclass(frozen=True)
class Spike:
    day: str
    category_id: str
    district_id: str
    count: int
    expected: float
    score: float


def due(now: datetime) -> bool:
    return True  # every hour: a spike is seen the day it starts


def _days_before(day: date, count: int) -> list[str]:
    """`count` days before `day`, then `day`: oldest first, as `YYYY-MM-DD`."""
    return [(day - timedelta(days=back)).isoformat() for back in range(count, -1, -1)]


def find(by_day: dict[str, dict[tuple[str, str], int]], days: list[str], target: str) -> list[Spike]:
    """The pairs counted on `target` whose count is a spike against their own past days in `days` and the same day of
    their category's other districts (no later day used); then each category's national total when it is a spike
    beyond its flagged districts."""
    until = days.index(target) + 1
    totals: dict[str, int] = {}
    for (category, _), count in by_day[target].items():
        totals[category] = totals.get(category, 0) + count
    # A category whose national total is under MIN_COUNT flags nothing (nor any of its districts): not scored
    busy = {category for category, total in totals.items() if total >= MIN_COUNT}
    pairs = sorted({pair for day in days[:until] for pair in by_day[day] if pair[0] in busy})
    categories = sorted(busy)
    groups: dict[tuple[str, str], str | None] = {pair: pair[0] for pair in pairs}
    groups.update({(category, NATIONAL): None for category in categories})
    # Daily series: the weekly season and the threshold as without a group (the group factor is measured monthly)
    scan: GroupScan[tuple[str, str]] = GroupScan(
        groups, season=DAILY, grouped=DAILY, threshold=THRESHOLD, grouped_threshold=THRESHOLD
    )

    def counts_of(day: str) -> dict[tuple[str, str], float]:
        counts: dict[tuple[str, str], float] = {pair: float(by_day[day].get(pair, 0)) for pair in pairs}
        for (category, _), count in by_day[day].items():
            if category in busy:
                counts[(category, NATIONAL)] = counts.get((category, NATIONAL), 0.0) + count
        return {**{(category, NATIONAL): 0.0 for category in categories}, **counts}

    for day in days[: until - 1]:
        scan.step(counts_of(day))
    counts = counts_of(target)
    factors = scan.factors(counts)
    found = []
    excess: dict[str, float] = {}
    for pair in pairs:
        point = scan.scanner(pair).judge(counts[pair], factors[pair])
        if point.flagged:
            found.append(
                Spike(target, pair[0], pair[1], int(counts[pair]), round(point.expected, 1), round(point.score, 2))
            )
            excess[pair[0]] = excess.get(pair[0], 0.0) + counts[pair] - point.expected
    for category in categories:
        total = counts[(category, NATIONAL)]
        point = scan.scanner((category, NATIONAL)).judge(max(0.0, total - excess.get(category, 0.0)))
        if point.flagged:
            found.append(Spike(target, category, NATIONAL, int(total), round(point.expected, 1), round(point.score, 2)))
    return found


def run(services: Services, now: datetime) -> dict[str, Any]:
    today = now.date()
    days = _days_before(today, LOOKBACK_DAYS + 1)
    by_day = {day: stat_store.pairs_of_day(services.table, day) for day in days}
    spikes = [*find(by_day, days, days[-2]), *find(by_day, days, days[-1])]
    new = [spike for spike in spikes if _record(services, spike, now, today=days[-1])]
    _keep_trends(services, by_day, days[-TREND_DAYS:], now)
    if new:
        metrics.add_metric(name="SpikesFlagged", unit="Count", value=len(new))
        logger.info("spikes flagged", extra={"spikes": [s.__dict__ for s in new]})
    return {"pairs_today": len(by_day[days[-1]]), "spikes": len(spikes), "new_spikes": len(new)}


def _notices(services: Services, spike: Spike, now: datetime, today: str) -> list[Notification]:
    directory = services.directory()
    category = directory.categories.get(spike.category_id)
    district = directory.districts.get(spike.district_id)
    offices: list[str] = []
    if spike.district_id == NATIONAL:
        # The head office of every organisation the category routes to, in any district
        for district_id in sorted(directory.districts):
            routed = directory.office_for(spike.category_id, district_id)
            head = directory.head_office(routed.organisation_id) if routed else None
            if head and head.id not in offices:
                offices.append(head.id)
    else:
        office = directory.office_for(spike.category_id, spike.district_id)
        offices = [office.id] if office else []
        head = directory.head_office(office.organisation_id) if office else None
        if head and head.id not in offices:
            offices.append(head.id)
    params = {
        "count": str(spike.count),
        "expected": str(max(1, round(spike.expected))),
        "category_name": category.name if category else spike.category_id,
        "category_name_ur": (category.name_ur or category.name) if category else spike.category_id,
        "district_name": district.name if district else spike.district_id,
        "district_name_ur": (district.name_ur or district.name) if district else spike.district_id,
        "spike_date": spike.day,
    }
    template = "office_spike_today" if spike.day == today else "office_spike_day"
    if spike.district_id == NATIONAL:
        template = template.replace("office_spike", "office_spike_national")
    return [
        Notification(
            id=f"{time.time_ns():016x}{secrets.token_hex(2)}",
            at=iso(now),
            template=template,
            params=params,
            office_id=office_id,
        )
        for office_id in offices
    ]


def _record(services: Services, spike: Spike, now: datetime, today: str) -> bool:
    """Store the spike and its notices if it was not flagged before; queue the e-mails. False when it was."""
    notes = _notices(services, spike, now, today)
    record = {
        **keys.spike_key(spike.day, spike.category_id, spike.district_id),
        "day": spike.day,
        "category_id": spike.category_id,
        "district_id": spike.district_id,
        "count": spike.count,
        "expected": str(spike.expected),
        "score": str(spike.score),
        "flagged_at": iso(now),
    }
    try:
        services.table.transact([Put(record), *(Put(case_store.notification_item(n)) for n in notes)])
    except ConditionFailure:
        return False  # flagged before: once per (pair, day)
    dispatch(services, notes)
    return True


def _keep_trends(
    services: Services, by_day: dict[str, dict[tuple[str, str], int]], days: list[str], now: datetime
) -> None:
    per_category: dict[str, list[int]] = {}
    for index, day in enumerate(days):
        for (category_id, _), count in by_day[day].items():
            per_category.setdefault(category_id, [0] * len(days))[index] += count
    item = {**keys.trends_key(), "updated_at": iso(now), "days": days, "categories": per_category}
    services.table.transact([Put(item, overwrite=True)])


# --- reading: GET /v1/insights/trends ------------------------------------------------------


def recent_spikes(services: Services, since: str, limit: int) -> list[dict[str, Any]]:
    """The spikes flagged on `since` or later, newest first, at most `limit` (one Query)."""
    page = services.table.query(keys.SPIKES_PK, sort=SortCondition(">=", since), newest_first=True, limit=limit)
    return page.items


def trend_counts(services: Services) -> dict[str, Any] | None:
    return services.table.get(keys.trends_key())


MAX_DAYS = TREND_DAYS
MAX_SPIKES = 50
MAX_CATEGORIES = 8


def trends(services: Services, days: int) -> TrendsOut:
    """The spikes of the last `days` days (newest first) and the busiest categories' daily counts over them."""
    directory = services.directory()
    stored = trend_counts(services) or {}
    all_days: list[str] = list(stored.get("days", []))[-days:]
    since = all_days[0] if all_days else ""
    spikes = []
    for item in recent_spikes(services, since, MAX_SPIKES) if since else []:  # nothing before the job's first run
        category = directory.categories.get(item["category_id"])
        district = directory.districts.get(item["district_id"])
        national = item["district_id"] == NATIONAL
        spikes.append(
            SpikeOut(
                day=item["day"],
                category_id=item["category_id"],
                category_name=category.name if category else item["category_id"],
                category_name_ur=(category.name_ur or category.name) if category else item["category_id"],
                district_id=item["district_id"],
                district_name="Pakistan" if national else district.name if district else item["district_id"],
                district_name_ur="پاکستان"
                if national
                else (district.name_ur or district.name)
                if district
                else item["district_id"],
                count=int(item["count"]),
                expected=float(item["expected"]),
                score=float(item["score"]),
            )
        )
    categories = []
    for category_id, counts in dict(stored.get("categories", {})).items():
        recent = [int(c) for c in list(counts)[-len(all_days) :]] if all_days else []
        if sum(recent):
            category = directory.categories.get(category_id)
            categories.append(
                CategoryTrend(
                    category_id=category_id,
                    name=category.name if category else category_id,
                    name_ur=(category.name_ur or category.name) if category else category_id,
                    counts=recent,
                    total=sum(recent),
                )
            )
    categories.sort(key=lambda c: (-c.total, c.category_id))
    return TrendsOut(
        days=all_days, spikes=spikes, categories=categories[:MAX_CATEGORIES], updated_at=stored.get("updated_at")
    )
