"""The satisfaction gap: per office, organisation, category and district, how often cases are resolved beside
how often the citizens who answer are satisfied — with intervals, shrinkage and a flag (docs/insights.md).

Where the figures come from: the counters every write path adds to in the transaction of the change
(chalicelib/store/stats.py) — `submitted`, `resolved` (each resolution), `rejected`, `satisfied` and
`not_satisfied` (each verdict, for the office that resolved the case) — per group and month.

Reading every group's counters (1,470 groups × 8 shards = 11,800 items, 118 BatchGetItem calls a month)
is far too much for a public request, so the daily insights task (`run`, 01:00 UTC) reads this month's and
the two before, and stores each month's counts of every group as ONE item (`keys.gap_month_key`); a request
reads one item (a month) or three (`3m`) with one BatchGetItem and computes the statistics in pure Python
(~0.1 ms a group). A month nobody stored yet is read from the counters when an admin asks for its report.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.insights.gap_stats import Prior, beta_interval, fit_prior, wilson
from chalicelib.logic.clock import iso, month_of, months_back, parse_month
from chalicelib.logic.directory import Directory
from chalicelib.logic.ports import Services
from chalicelib.models.errors import FieldProblem, InvalidInput
from chalicelib.store import keys
from chalicelib.store import stats as stat_store
from chalicelib.store.table import Put

if TYPE_CHECKING:
    from chalicelib.models.gap import GapRow, ReportOut, SatisfactionOut

GROUPINGS = ("office", "organisation", "category", "district")
# The counters read, in the order a stored group's list keeps them.
# `routed` was added last, so a stored list without it reads as 0 (lists shorter than COUNTERS are padded).
COUNTERS = ("submitted", "resolved", "rejected", "satisfied", "not_satisfied", "routed")
# A group with fewer verdicts is shown, marked "too few answers", and never flagged.
MIN_ANSWERS = 10
# A peer group is used for shrinkage when this many of its groups have verdicts; else the wider one.
MIN_PEERS = 5
DEFAULT_PERIOD = "3m"
EARLIEST_MONTH = "2000-01"
# How long a container keeps a stored month it read (the job writes once a day).
CACHE_SECONDS = 300

Counts = dict[str, dict[str, list[int]]]  # grouping → id → COUNTERS


# --- reading the counters (the job) ---------------------------------------------------------------


def _wanted(directory: Directory) -> list[tuple[str, str]]:
    snapshot = directory.snapshot
    return [
        ("all", "all"),
        *(("office", x.id) for x in snapshot.offices),
        *(("organisation", x.id) for x in snapshot.organisations),
        *(("category", x.id) for x in snapshot.categories if x.kind == "complaint"),
        *(("district", x.id) for x in snapshot.districts),
    ]


def count_month(services: Services, month: str) -> tuple[Counts, int]:
    """Every group's counts for `month`, read from the monthly counters (every shard); and the items read."""
    wanted = _wanted(services.directory())
    sums = stat_store.read(services.table, wanted, months=[month])
    counts: Counts = {}
    for (dimension, value), totals in sums.items():
        row = [int(totals.get(name, 0)) for name in COUNTERS]
        if any(row):  # groups with nothing in the month are not stored
            counts.setdefault(dimension, {})[value] = row
    return counts, stat_store.keys_to_read(len(wanted), months=1)


def store_month(services: Services, month: str, now: datetime) -> dict[str, int]:
    """Read `month`'s counters and store them as the month's one item; what it read and stored."""
    started = time.perf_counter()
    counts, read = count_month(services, month)
    body = json.dumps(counts, separators=(",", ":"), sort_keys=True)
    services.table.transact(
        [Put({**keys.gap_month_key(month), "computed_at": iso(now), "counts": body}, overwrite=True)]
    )
    _CACHE.pop((id(services.table), month), None)
    _ROWS.clear()
    return {
        "counter_items_read": read,
        "groups_stored": sum(len(v) for v in counts.values()),
        "item_bytes": len(body),
        "ms": round((time.perf_counter() - started) * 1000),
    }


def due(now: datetime) -> bool:
    """Daily, in the run at 01:00 UTC (the function runs hourly)."""
    return now.hour == 1


def run(services: Services, now: datetime) -> dict[str, Any]:
    """This month's counts so far and the two months before (the `3m` period; on the 1st, last month's final)."""
    return {month: store_month(services, month, now) for month in months_back(now.date(), 2)}


# --- reading what the job stored (a request) ------------------------------------------------------

# (table, month) → (when read, computed_at, counts); the rows computed from stored months, by what they came from.
_CACHE: dict[tuple[int, str], tuple[float, str | None, Counts]] = {}
_ROWS: dict[tuple[Any, ...], list[GapRow]] = {}


def _stored(services: Services, months: Sequence[str]) -> dict[str, tuple[str | None, Counts]]:
    """Each month's stored counts (empty when the job has not stored it), one BatchGetItem for those not cached."""
    now = time.monotonic()
    found: dict[str, tuple[str | None, Counts]] = {}
    missing = []
    for month in months:
        cached = _CACHE.get((id(services.table), month))
        if cached and now - cached[0] < CACHE_SECONDS:
            found[month] = cached[1], cached[2]
        else:
            missing.append(month)
    for item in services.table.get_many([keys.gap_month_key(m) for m in missing]) if missing else []:
        month = str(item["PK"]).split("#", 1)[1]
        found[month] = (str(item.get("computed_at") or "") or None, json.loads(str(item.get("counts") or "{}")))
        _CACHE[(id(services.table), month)] = (now, *found[month])
    return {m: found.get(m, (None, {})) for m in months}


def _months_of(period: str | None, today: date) -> tuple[str, list[str]]:
    """The period's name and months: `3m` (this month and the two before) or one month, YYYY-MM."""
    if not period or period == DEFAULT_PERIOD:
        return DEFAULT_PERIOD, months_back(today, 2)
    month = parse_month(period)
    if month is None or not EARLIEST_MONTH <= month <= month_of(today):
        raise InvalidInput(
            "bad period",
            [
                FieldProblem(
                    "period",
                    f"3m, or a month as YYYY-MM from {EARLIEST_MONTH} to this month",
                    f"3m، یا کوئی مہینہ YYYY-MM کی صورت میں ({EARLIEST_MONTH} سے اس مہینے تک)",
                )
            ],
        )
    return month, [month]


def _grouping(by: str | None) -> str:
    if by is None or by == "":
        return "office"
    if by not in GROUPINGS:
        raise InvalidInput(
            "bad grouping",
            [FieldProblem("by", f"one of {', '.join(GROUPINGS)}", f"ان میں سے ایک: {', '.join(GROUPINGS)}")],
        )
    return by


def _summed(stored: Iterable[tuple[str | None, Counts]]) -> tuple[str | None, Counts]:
    total: Counts = {}
    computed: list[str] = []
    for computed_at, counts in stored:
        if computed_at:
            computed.append(computed_at)
        for dimension, groups in counts.items():
            bucket = total.setdefault(dimension, {})
            for ident, row in groups.items():
                current = bucket.setdefault(ident, [0] * len(COUNTERS))
                for i, value in enumerate(row[: len(COUNTERS)]):
                    current[i] += int(value)
    return (min(computed) if computed else None), total


# --- the statistics ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Group:
    id: str
    name: str
    name_ur: str
    organisation_id: str | None
    peers: tuple[str, ...]  # peer groups, narrowest first
    row: list[int]


def _groups(directory: Directory, by: str, counts: dict[str, list[int]]) -> list[_Group]:
    """The groups of a grouping with anything counted, each with its peer groups (narrowest first)."""
    found = []
    for ident, row in counts.items():
        organisation_id = None
        if by == "office":
            office = directory.offices.get(ident)
            if office is None:
                continue
            organisation_id = office.organisation_id
            organisation = directory.organisations.get(organisation_id)
            level = organisation.level_id if organisation else ""
            names = office.name, office.name_ur
            peers: tuple[str, ...] = (f"organisation:{organisation_id}", f"level:{level}", "all")
        elif by == "organisation":
            org = directory.organisations.get(ident)
            if org is None:
                continue
            organisation_id, names, peers = org.id, (org.name, org.name_ur), (f"level:{org.level_id}", "all")
        elif by == "category":
            category = directory.categories.get(ident)
            if category is None:
                continue
            names, peers = (category.name, category.name_ur), (f"group:{category.group}", "all")
        else:
            district = directory.districts.get(ident)
            if district is None:
                continue
            names, peers = (district.name, district.name_ur), (f"level:{district.level_id}", "all")
        found.append(_Group(ident, names[0], names[1], organisation_id, peers, row))
    return found


def _resolved(row: Sequence[int]) -> tuple[int, int]:
    return row[1], row[1] + row[2]


def _satisfied(row: Sequence[int]) -> tuple[int, int]:
    return row[3], row[3] + row[4]


def _peer_priors(groups: Sequence[_Group]) -> dict[str, tuple[str, Prior, Prior]]:
    """For each group: its peer group (the narrowest with MIN_PEERS groups answered) and the two priors fitted to it."""
    members: dict[str, list[_Group]] = {}
    for g in groups:
        for peer in g.peers:
            members.setdefault(peer, []).append(g)
    answered = {peer: sum(1 for m in rows if _satisfied(m.row)[1] > 0) for peer, rows in members.items()}
    fitted: dict[str, tuple[Prior, Prior]] = {}
    chosen: dict[str, tuple[str, Prior, Prior]] = {}
    for g in groups:
        for peer in g.peers:
            if answered[peer] >= MIN_PEERS or peer == g.peers[-1]:
                if peer not in fitted:
                    rows = members[peer]
                    fitted[peer] = (
                        fit_prior([_resolved(m.row) for m in rows]),
                        fit_prior([_satisfied(m.row) for m in rows]),
                    )
                chosen[g.id] = (peer, *fitted[peer])
                break
    return chosen


def _rate(k: int, n: int) -> float | None:
    return round(k / n, 4) if n else None


def rows_of(directory: Directory, by: str, counts: dict[str, list[int]]) -> list[GapRow]:
    """The statistics of every group of a grouping with anything counted, widest shrunk gap first."""
    from chalicelib.models.gap import GapCounts, GapRow, Interval

    groups = _groups(directory, by, counts)
    priors = _peer_priors(groups)
    intervals: dict[tuple[float, float], tuple[float, float]] = {}
    rows: list[GapRow] = []
    for g in groups:
        peer, resolved_prior, satisfied_prior = priors[g.id]
        resolved, decided = _resolved(g.row)
        satisfied, verdicts = _satisfied(g.row)
        posterior = satisfied_prior.posterior(satisfied, verdicts)
        if posterior not in intervals:
            intervals[posterior] = beta_interval(*posterior)
        low, high = intervals[posterior]
        resolved_shrunk = resolved_prior.shrunk(resolved, decided)
        satisfied_shrunk = satisfied_prior.shrunk(satisfied, verdicts)
        peer_gap = resolved_prior.mean - satisfied_prior.mean
        too_few = verdicts < MIN_ANSWERS
        flagged = not too_few and high < satisfied_prior.mean and resolved_shrunk - satisfied_shrunk > peer_gap
        resolved_rate, satisfied_rate = _rate(resolved, decided), _rate(satisfied, verdicts)
        r_interval, s_interval = wilson(resolved, decided), wilson(satisfied, verdicts)
        rows.append(
            GapRow(
                group=by,
                id=g.id,
                name=g.name,
                name_ur=g.name_ur,
                organisation_id=g.organisation_id,
                peer_group=peer,
                counts=GapCounts(
                    filed=g.row[0],
                    received=g.row[5] if len(g.row) > 5 else 0,
                    resolved=resolved,
                    rejected=g.row[2],
                    decided=decided,
                    satisfied=satisfied,
                    not_satisfied=g.row[4],
                    verdicts=verdicts,
                ),
                resolved_rate=resolved_rate,
                resolved_interval=Interval(low=round(r_interval[0], 4), high=round(r_interval[1], 4))
                if r_interval
                else None,
                satisfied_rate=satisfied_rate,
                satisfied_interval=Interval(low=round(s_interval[0], 4), high=round(s_interval[1], 4))
                if s_interval
                else None,
                resolved_shrunk=round(resolved_shrunk, 4),
                satisfied_shrunk=round(satisfied_shrunk, 4),
                satisfied_shrunk_interval=Interval(low=round(low, 4), high=round(high, 4)),
                gap=round(resolved_rate - satisfied_rate, 4)
                if resolved_rate is not None and satisfied_rate is not None
                else None,
                gap_shrunk=round(resolved_shrunk - satisfied_shrunk, 4),
                peer_satisfied_mean=round(satisfied_prior.mean, 4),
                peer_gap_mean=round(peer_gap, 4),
                too_few_answers=too_few,
                flagged=flagged,
                rank=0,
            )
        )
    # Groups with answers first, widest shrunk gap first; then those without (their shrunk gap is the peers').
    rows.sort(key=lambda r: (r.counts.verdicts == 0, -r.gap_shrunk, r.id))
    for place, row in enumerate(rows, start=1):
        row.rank = place
    return rows


def _funnel(counts: Counts) -> Any:
    from chalicelib.models.gap import Funnel

    row = counts.get("all", {}).get("all", [0] * len(COUNTERS))
    resolved, decided = _resolved(row)
    satisfied, verdicts = _satisfied(row)
    return Funnel(
        filed=row[0],
        resolved=resolved,
        answered=verdicts,
        satisfied=satisfied,
        resolved_rate=_rate(resolved, decided),
        satisfied_rate=_rate(satisfied, verdicts),
    )


def satisfaction(
    services: Services, *, by: str | None = None, period: str | None = None, organisation_id: str | None = None
) -> SatisfactionOut:
    """The public answer: one grouping's rows over the period, from the stored months (one BatchGetItem)."""
    from chalicelib.models.gap import SatisfactionOut

    directory = services.directory()
    grouping = _grouping(by)
    name, months = _months_of(period, services.clock().date())
    if organisation_id and organisation_id not in directory.organisations:
        raise InvalidInput(
            "unknown organisation", [FieldProblem("organisation_id", "unknown organisation", "نامعلوم ادارہ")]
        )
    if organisation_id and grouping not in ("office", "organisation"):
        # Counters are kept per single dimension: a category's or district's figures cannot be cut by organisation.
        problem = FieldProblem(
            "organisation_id", "only with by=office or by=organisation", "صرف by=office یا by=organisation کے ساتھ"
        )
        raise InvalidInput("organisation_id narrows offices and organisations only", [problem])
    computed_at, counts = _summed(_stored(services, months).values())
    # The same stored months give the same rows: a warm container computes them once (~0.2 s for 1,165 offices).
    memo = (id(services.table), tuple(months), grouping, computed_at, id(directory))
    if memo not in _ROWS:
        if len(_ROWS) > 32:
            _ROWS.clear()
        _ROWS[memo] = rows_of(directory, grouping, counts.get(grouping, {}))
    rows = [r.model_copy() for r in _ROWS[memo]] if computed_at else []
    if organisation_id:
        rows = [r for r in rows if r.organisation_id == organisation_id]
    return SatisfactionOut(
        by=grouping,
        period=name,
        months=months,
        computed_at=computed_at,
        min_answers=MIN_ANSWERS,
        funnel=_funnel(counts),
        rows=rows,
    )


# --- the monthly report (admins) ------------------------------------------------------------------


def _report_month(raw: str | None, today: date) -> str:
    month = parse_month(raw or "")
    if month is None or not EARLIEST_MONTH <= month <= month_of(today):
        raise InvalidInput(
            "bad month",
            [
                FieldProblem(
                    "month",
                    f"a month as YYYY-MM, from {EARLIEST_MONTH} to this month",
                    f"مہینہ YYYY-MM کی صورت میں ({EARLIEST_MONTH} سے اس مہینے تک)",
                )
            ],
        )
    return month


def report(services: Services, month_raw: str | None, organisation_id: str | None) -> ReportOut:
    """A month's report: every grouping (an organisation's admin: their organisation and its offices only).

    The month stored by the job is read (one GetItem); a month it never stored is read from the counters
    once and stored (118 BatchGetItem calls with the seed's directory).
    """
    from chalicelib.models.gap import ReportOut

    now = services.clock()
    month = _report_month(month_raw, now.date())
    computed_at, counts = _stored(services, [month])[month]
    if computed_at is None:
        store_month(services, month, now)
        computed_at, counts = _stored(services, [month])[month]
    directory = services.directory()
    groupings = ("organisation", "office") if organisation_id else GROUPINGS
    sections = {}
    for grouping in groupings:
        rows = rows_of(directory, grouping, counts.get(grouping, {}))
        if organisation_id:
            rows = [r for r in rows if r.organisation_id == organisation_id]
        sections[grouping] = rows
    funnel = _funnel(counts) if not organisation_id else None
    return ReportOut(month=month, computed_at=computed_at, min_answers=MIN_ANSWERS, funnel=funnel, sections=sections)


CSV_COLUMNS = (
    "month",
    "group",
    "id",
    "name",
    "name_ur",
    "organisation_id",
    "peer_group",
    "filed",
    "received",
    "decided",
    "resolved",
    "rejected",
    "verdicts",
    "satisfied",
    "not_satisfied",
    "resolved_rate",
    "resolved_low",
    "resolved_high",
    "satisfied_rate",
    "satisfied_low",
    "satisfied_high",
    "resolved_shrunk",
    "satisfied_shrunk",
    "satisfied_shrunk_low",
    "satisfied_shrunk_high",
    "gap",
    "gap_shrunk",
    "peer_satisfied_mean",
    "peer_gap_mean",
    "too_few_answers",
    "flagged",
    "rank",
)


def report_csv(made: ReportOut) -> str:
    """The report as CSV: UTF-8 with a byte-order mark (Excel then shows Urdu), formula-looking cells quoted."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    if made.funnel is not None:
        f = made.funnel
        total = {"group": "all", "id": "all", "filed": f.filed, "resolved": f.resolved, "verdicts": f.answered}
        total |= {"satisfied": f.satisfied, "resolved_rate": f.resolved_rate, "satisfied_rate": f.satisfied_rate}
        writer.writerow([_cell(made.month if c == "month" else total.get(c)) for c in CSV_COLUMNS])
    for rows in made.sections.values():
        for r in rows:
            values: dict[str, Any] = {
                "month": made.month,
                "group": r.group,
                "id": r.id,
                "name": r.name,
                "name_ur": r.name_ur,
                "organisation_id": r.organisation_id,
                "peer_group": r.peer_group,
                **r.counts.model_dump(),
                "resolved_rate": r.resolved_rate,
                "resolved_low": r.resolved_interval.low if r.resolved_interval else None,
                "resolved_high": r.resolved_interval.high if r.resolved_interval else None,
                "satisfied_rate": r.satisfied_rate,
                "satisfied_low": r.satisfied_interval.low if r.satisfied_interval else None,
                "satisfied_high": r.satisfied_interval.high if r.satisfied_interval else None,
                "resolved_shrunk": r.resolved_shrunk,
                "satisfied_shrunk": r.satisfied_shrunk,
                "satisfied_shrunk_low": r.satisfied_shrunk_interval.low,
                "satisfied_shrunk_high": r.satisfied_shrunk_interval.high,
                "gap": r.gap,
                "gap_shrunk": r.gap_shrunk,
                "peer_satisfied_mean": r.peer_satisfied_mean,
                "peer_gap_mean": r.peer_gap_mean,
                "too_few_answers": "yes" if r.too_few_answers else "no",
                "flagged": "yes" if r.flagged else "no",
                "rank": r.rank,
            }
            writer.writerow([_cell(values.get(c)) for c in CSV_COLUMNS])
    return out.getvalue()


def _cell(value: object) -> object:
    """Text as the audit CSV writes it (a leading = + - @ quoted, so no spreadsheet runs it); numbers as numbers."""
    from chalicelib.logic.audit_log import cell

    if value is None:
        return ""
    return cell(value) if isinstance(value, str) else value
