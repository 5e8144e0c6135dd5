"""Public statistics: resolved and satisfied side by side, by level, organisation, office, category, district.

The resolved rate counts cases, not resolutions: of the complaints routed in the period
(`received`, for the office routing gave them), those resolved at least once since — each
case once, however often it is reopened and resolved again, and whichever office resolved
it — so it is never above 100 %. Resolutions themselves (`resolutions`, and the days-to-
resolve median) are counted when and where they are made.

Read only from the counters every write path adds to (`Transition.count`: one per day and
one per month), never from cases: whole months (and the month so far) are read from the
monthly counters, the days at the edges of an unaligned period from the daily ones, so the
cost is periods × groups × counter shards, whatever the number of cases — at most
`MAX_COUNTERS` items (12 BatchGetItem calls) an answer.
Counters are kept per single dimension, so a grouping can be narrowed only along the
directory's own tree (organisations of a level, offices of an organisation, districts of
a province). No person is ever named.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from pydantic import Field

from chalicelib.logic.actions import RESOLUTION_DAYS_CAP
from chalicelib.logic.clock import parse_day
from chalicelib.logic.directory import Directory
from chalicelib.logic.ports import Services
from chalicelib.models.base import Model
from chalicelib.models.errors import FieldProblem, InvalidInput
from chalicelib.store import stats as stat_store

MAX_DAYS = 366
# Counter items read for one answer at most (periods × groups × shards): 12 BatchGetItem calls, enough for
# the month so far of every district of the country (136 districts and the total × 8 shards = 1,096).
MAX_COUNTERS = 1200
# The dates a query may name.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
GROUPINGS = ("level", "organisation", "office", "category", "district")
# Which groupings a filter can narrow (along the directory's tree: counters are per single dimension).
_NARROWS = {"level": ("level", "organisation", "district"), "organisation_id": ("office",)}


class Figures(Model):
    """One group's figures over the period: cases received and resolved, verdicts, reopenings, deadlines missed."""

    received: int = Field(0, description="complaints routed to an office in the period (counted where routed)")
    resolved: int = Field(
        0,
        description="cases among `received` resolved at least once so far, each counted once "
        "however often it was reopened and resolved again (never more than `received`)",
    )
    resolved_rate: float | None = Field(
        None, description="resolved / received: the share of the period's cases resolved, at most 1"
    )
    satisfied: int = 0
    not_satisfied: int = 0
    satisfied_rate: float | None = Field(
        None, description="satisfied / verdicts given in the period: always next to `resolved_rate`"
    )
    reopened: int = 0
    closed: int = 0
    closed_without_feedback: int = 0
    overdue: int = 0  # deadlines missed (each escalation of an overdue case)
    median_days_to_resolve: float | None = None
    transfers: int = 0  # cases moved to another office (each transfer; an accepted request is one)
    # Last, so the CSV's earlier columns keep their places.
    resolutions: int = Field(
        0,
        description="resolutions made in the period by the group's offices, each one "
        "(a case resolved, reopened and resolved again counts twice)",
    )
    also_affected: int = Field(
        0,
        description='citizens who joined an open complaint instead of filing it ("me too"), or whose complaint was '
        "merged into another, net of those who stopped following: with `received`, the citizens affected",
    )
    merged: int = Field(0, description="complaints merged into another as its duplicate")


class Group(Model):
    group: str
    id: str
    name: str
    name_ur: str
    figures: Figures


class StatsOut(Model):
    from_date: str
    to_date: str
    filters: dict[str, str]
    totals: Figures
    groups: list[Group]


def _day(raw: str | None, field: str, default: date) -> date:
    if not raw:
        return default
    try:
        day = parse_day(raw) if raw.isascii() and len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None or not EARLIEST <= day <= LATEST:
        raise InvalidInput("bad date", [FieldProblem(field, "a date, YYYY-MM-DD, from 2000 to 2100")])
    return day


def _periods(first: date, last: date, today: date) -> tuple[list[str], list[str]]:
    """The days and whole months that make up [first, last]; nothing after today (it holds no counts yet).

    A month is read whole when the period covers it from its first day to its last, or to today.
    """
    last = min(last, today)
    days: list[str] = []
    months: list[str] = []
    start = first
    while start <= last:
        month_end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        end = min(last, month_end)
        if start.day == 1 and end in (month_end, today):
            months.append(start.isoformat()[:7])
        else:
            days += [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]
        start = end + timedelta(days=1)
    return days, months


def _figures(totals: dict[str, int]) -> Figures:
    # `resolved_cases` is counted in the case's routing period and office (where `routed` counted it), once a case.
    received, resolved = totals.get("routed", 0), totals.get("resolved_cases", 0)
    satisfied, unsatisfied = totals.get("satisfied", 0), totals.get("not_satisfied", 0)
    return Figures(
        received=received,
        resolved=resolved,
        resolved_rate=round(resolved / received, 4) if received else None,
        satisfied=satisfied,
        not_satisfied=unsatisfied,
        satisfied_rate=round(satisfied / (satisfied + unsatisfied), 4) if satisfied + unsatisfied else None,
        reopened=totals.get("reopened", 0),
        closed=totals.get("closed", 0),
        closed_without_feedback=totals.get("closed_no_feedback", 0),
        overdue=totals.get("escalated", 0),
        median_days_to_resolve=_median_days(totals),
        # Counted as `transferred_out` before transfers were numbered; both are read so older months keep theirs.
        transfers=totals.get("transferred", 0) + totals.get("transferred_out", 0),
        resolutions=totals.get("resolved", 0),
        also_affected=totals.get("affected", 0),
        merged=totals.get("merged", 0),
    )


def _median_days(totals: dict[str, int]) -> float | None:
    """The median of the resolution-days histogram (`resolved_in_<n>d` counters)."""
    histogram = [(n, totals.get(f"resolved_in_{n}d", 0)) for n in range(RESOLUTION_DAYS_CAP + 1)]
    count = sum(c for _, c in histogram)
    if not count:
        return None
    middle, seen = (count + 1) / 2, 0
    for days, c in histogram:
        seen += c
        if seen >= middle:
            return float(days)
    return float(RESOLUTION_DAYS_CAP)


def _groups(directory: Directory, group_by: str, level: str | None, organisation_id: str | None) -> list[Group]:
    """The directory entries of a grouping, narrowed along the directory's tree."""
    empty = Figures()
    if group_by == "level":
        entries = [(x.id, x.name, x.name_ur) for x in directory.snapshot.levels if not level or x.id == level]
    elif group_by == "organisation":
        orgs = directory.snapshot.organisations
        entries = [(x.id, x.name, x.name_ur) for x in orgs if not level or x.level_id == level]
    elif group_by == "office":
        if not organisation_id:
            problem = FieldProblem("organisation_id", "required to group by office")
            raise InvalidInput("grouping by office needs an organisation", [problem])
        offices = directory.snapshot.offices
        entries = [(x.id, x.name, x.name_ur) for x in offices if x.organisation_id == organisation_id]
    elif group_by == "district":
        entries = [(x.id, x.name, x.name_ur) for x in directory.snapshot.districts if not level or x.level_id == level]
    else:
        entries = [(x.id, x.name, x.name_ur) for x in directory.snapshot.categories if x.kind == "complaint"]
    return [Group(group=group_by, id=i, name=n, name_ur=u, figures=empty) for i, n, u in entries]


def statistics(
    services: Services,
    *,
    level: str | None = None,
    organisation_id: str | None = None,
    from_raw: str | None = None,
    to_raw: str | None = None,
    group_by: str | None = None,
) -> StatsOut:
    directory = services.directory()
    today = services.clock().date()
    last = _day(to_raw, "to", today)
    # By default this month and the last: two monthly counters a group (this month alone for a large grouping).
    first = _day(from_raw, "from", (today.replace(day=1) - timedelta(days=1)).replace(day=1))
    problems = []
    if first > last:
        problems.append(FieldProblem("from", "after `to`"))
    elif (last - first).days + 1 > MAX_DAYS:
        problems.append(FieldProblem("from", f"the period is at most {MAX_DAYS} days"))
    if level and level not in {x.id for x in directory.snapshot.levels}:
        problems.append(FieldProblem("level", "unknown government level"))
    if organisation_id and organisation_id not in directory.organisations:
        problems.append(FieldProblem("organisation_id", "unknown organisation"))
    if group_by and group_by not in GROUPINGS:
        problems.append(FieldProblem("group_by", f"one of {', '.join(GROUPINGS)}"))
    narrowed_by = "organisation_id" if organisation_id else "level" if level else None
    if group_by and narrowed_by and group_by not in _NARROWS[narrowed_by]:
        problems.append(FieldProblem("group_by", f"{group_by} cannot be narrowed by {narrowed_by}"))
    if problems:
        raise InvalidInput("the statistics query needs correcting", problems)
    scope = ("organisation", organisation_id) if organisation_id else ("level", level) if level else ("all", "all")
    groups = _groups(directory, group_by, level, organisation_id) if group_by else []
    days, months = _periods(first, last, today)
    if not from_raw and stat_store.keys_to_read(len(groups) + 1, days=len(days), months=len(months)) > MAX_COUNTERS:
        # A large grouping by default: this month alone, so the default answer is always possible.
        first = max(first, min(last, today).replace(day=1))
        days, months = _periods(first, last, today)
    if stat_store.keys_to_read(len(groups) + 1, days=len(days), months=len(months)) > MAX_COUNTERS:
        problem = (
            "too many periods × groups for one answer: use whole months, shorten the period or narrow the grouping"
        )
        raise InvalidInput("the statistics query is too large", [FieldProblem("from", problem)])
    wanted = [(scope[0], scope[1] or "all")] + [(g.group, g.id) for g in groups]
    totals = stat_store.read(services.table, wanted, days=days, months=months)
    filters = {k: v for k, v in (("level", level), ("organisation_id", organisation_id)) if v}
    if group_by:
        filters["group_by"] = group_by
    return StatsOut(
        from_date=first.isoformat(),
        to_date=last.isoformat(),
        filters=filters,
        totals=_figures(totals[wanted[0]]),
        groups=[g.model_copy(update={"figures": _figures(totals[(g.group, g.id)])}) for g in groups],
    )


def as_csv(stats: StatsOut) -> str:
    """One row per group (or the totals alone): the same figures, for spreadsheets."""
    out = io.StringIO()
    names = list(Figures.model_fields)
    writer = csv.writer(out)
    writer.writerow(["group", "id", "name", "name_ur", "from", "to", *names])
    scope = stats.filters.get("organisation_id") or stats.filters.get("level") or "all"
    rows = [("total", scope, "", "", stats.totals)]
    rows += [(g.group, g.id, g.name, g.name_ur, g.figures) for g in stats.groups]
    for group, ident, name, name_ur, figures in rows:
        values = figures.model_dump()
        writer.writerow([group, ident, name, name_ur, stats.from_date, stats.to_date, *(values[n] for n in names)])
    return out.getvalue()
