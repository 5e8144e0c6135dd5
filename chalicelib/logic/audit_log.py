"""Reading the audit trail: filtered by actor, object and dates, newest first, paged; exported as CSV.

The trail is append-only: entries are written with a condition that they do not exist, and no route
updates or deletes one. The portal's admins read everything; an organisation's admin reads only the
entries of their organisation (GSI4). With no actor or object the month partitions are read from
`to` backwards to `from` (by default the month the trail began, FIRST_MONTH), a cursor carrying the
month and the position in it; an actor reads GSI1, an object GSI2. The dates bound the sort key.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from chalicelib.logic import cursors
from chalicelib.logic.clock import iso
from chalicelib.logic.ports import Services
from chalicelib.logic.staff import organisation_of
from chalicelib.models.audit import AuditEntry, AuditPage
from chalicelib.models.common import Principal
from chalicelib.models.errors import FieldProblem, Forbidden, InvalidInput
from chalicelib.store import audit as audit_store
from chalicelib.store.table import Key

# The audit trail began with the administration API (issue 14): no month before holds an entry.
FIRST_MONTH = "2026-01"
# Queries one page may make before it answers (with a cursor to read on): empty months cost one each.
MAX_READS_PER_PAGE = 12
EXPORT_MAX_ROWS = 10_000
EXPORT_COLUMNS = (
    "at",
    "actor_sub",
    "actor_role",
    "actor_name",
    "source_ip",
    "action",
    "object_type",
    "object_id",
    "organisation_id",
    "before",
    "after",
)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NAME = re.compile(r"[A-Za-z0-9_.:@+-]{1,128}")
# A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class AuditFilters:
    actor: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    first_day: str | None = None  # `from`
    last_day: str | None = None  # `to`


def _problem(field: str, en: str, ur: str) -> InvalidInput:
    return InvalidInput(f"bad {field}", [FieldProblem(field, en, ur)])


def _day(raw: str | None, field: str) -> date | None:
    if raw is None or raw == "":
        return None
    try:
        if not _DAY.fullmatch(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise _problem(
            field, "a date as YYYY-MM-DD, e.g. 2026-12-03", "تاریخ YYYY-MM-DD کی صورت میں، مثلاً 2026-12-03"
        ) from None


def filters_of(
    actor: str | None,
    object_type: str | None,
    object_id: str | None,
    first: str | None,
    last: str | None,
) -> AuditFilters:
    """The query's filters, checked: 400 naming the field for a bad date, `from` after `to`, an odd name."""
    for field, value in (("actor", actor), ("object_type", object_type), ("object_id", object_id)):
        if value and not _NAME.fullmatch(value):
            raise _problem(field, "letters, digits and _ . : @ + - only", "صرف حروف، ہندسے اور _ . : @ + -")
    if object_id and not object_type:
        raise _problem("object_type", "name the kind of object too (office, account …)", "چیز کی قسم بھی بتائیں")
    first_day, last_day = _day(first, "from"), _day(last, "to")
    if first_day and last_day and first_day > last_day:
        raise _problem("from", "on or before `to`", "`to` سے پہلے یا اسی دن")
    return AuditFilters(
        actor=actor or None,
        object_type=object_type or None,
        object_id=object_id or None,
        first_day=first_day.isoformat() if first_day else None,
        last_day=last_day.isoformat() if last_day else None,
    )


def _reader(services: Services, who: Principal) -> str | None:
    """The organisation an org admin reads (None: an admin, who reads everything)."""
    if who.role == "admin":
        return None
    if who.role == "org_admin":
        organisation = organisation_of(services, who)
        if organisation:
            return organisation
    raise Forbidden("the audit trail is read by admins and organisation admins")


def _previous_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


@dataclass
class _Walk:
    """Where a reading is: the partition (a month, or one index partition) and the position in it."""

    month: str | None
    start: Key | None
    done: bool = False


def _walk(
    services: Services, who: Principal, filters: AuditFilters, position: dict[str, str] | None, limit: int, reads: int
) -> tuple[list[AuditEntry], dict[str, str] | None]:
    """Up to `limit` entries from `position`, in at most `reads` queries, and where to read on (None: the end)."""
    organisation = _reader(services, who)
    first_day = filters.first_day or f"{FIRST_MONTH}-01"
    last_day = filters.last_day or iso(services.clock())[:10]
    by_month = organisation is None and not filters.actor and not filters.object_id
    if organisation is not None:
        partition = audit_store.organisation_partition(organisation)
    elif filters.object_type and filters.object_id:
        partition = audit_store.object_partition(filters.object_type, filters.object_id)
    elif filters.actor:
        partition = audit_store.actor_partition(filters.actor)
    else:
        partition = audit_store.month_partition(last_day[:7])
    position = dict(position or {})
    month = position.pop("month", None) if by_month else None
    if by_month and month is None:
        month = last_day[:7]
    walk = _Walk(month=month, start=position or None)
    found: list[AuditEntry] = []
    for _ in range(reads):
        if len(found) >= limit:
            break
        if by_month and walk.month is not None:
            if walk.month < max(first_day[:7], FIRST_MONTH):
                walk.done = True
                break
            partition = audit_store.month_partition(walk.month)
        entries, last = audit_store.entries_page(
            services.table, partition, first_day, last_day, limit - len(found), walk.start
        )
        found.extend(e for e in entries if _matches(e, filters))
        walk.start = last
        if last is None:
            if by_month and walk.month is not None:
                walk.month = _previous_month(walk.month)
                continue
            walk.done = True
            break
    if walk.done:
        return found, None
    if by_month and walk.month is not None and walk.month < max(first_day[:7], FIRST_MONTH):
        return found, None
    after: dict[str, str] = {str(k): str(v) for k, v in (walk.start or {}).items()}
    if by_month and walk.month is not None:
        after["month"] = walk.month
    return found, after


def _matches(entry: AuditEntry, filters: AuditFilters) -> bool:
    """The filters the partition read does not apply itself (an org admin's reading, actor and object both)."""
    if filters.actor and entry.actor_sub != filters.actor:
        return False
    if filters.object_type and entry.object_type != filters.object_type:
        return False
    return not (filters.object_id and entry.object_id != filters.object_id)


def _scope(who: Principal, filters: AuditFilters) -> str:
    return cursors.scope_of(
        "audit",
        who.sub,
        actor=filters.actor,
        object_type=filters.object_type,
        object_id=filters.object_id,
        first=filters.first_day,
        last=filters.last_day,
    )


def read(services: Services, who: Principal, filters: AuditFilters, cursor: str | None, limit: int) -> AuditPage:
    """One page of the trail, newest first; an empty page may still carry a cursor (months without entries)."""
    _reader(services, who)
    scope = _scope(who, filters)
    position = cursors.unseal(services, cursor, scope)
    entries, after = _walk(services, who, filters, position, limit, MAX_READS_PER_PAGE)
    return AuditPage(items=entries, next_cursor=cursors.seal(services, after, scope) if after is not None else None)


@dataclass(frozen=True)
class Export:
    body: str
    rows: int
    truncated: bool


def _all(services: Services, who: Principal, filters: AuditFilters, most: int) -> Iterator[AuditEntry]:
    position: dict[str, str] | None = None
    given = 0
    while given < most:
        entries, position = _walk(services, who, filters, position, min(200, most - given), MAX_READS_PER_PAGE)
        for entry in entries:
            yield entry
            given += 1
        if position is None:
            return


def cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: a leading = + - @ (a formula) gets a quote before it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def export(services: Services, who: Principal, filters: AuditFilters) -> Export:
    """The entries the same filters list, newest first, as CSV (before/after as JSON), at most EXPORT_MAX_ROWS;
    a last line says when more were left out."""
    _reader(services, who)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    rows = 0
    truncated = False
    for entry in _all(services, who, filters, EXPORT_MAX_ROWS + 1):
        if rows == EXPORT_MAX_ROWS:
            truncated = True
            break
        data = entry.model_dump()
        data["before"] = json.dumps(entry.before, ensure_ascii=False, sort_keys=True)
        data["after"] = json.dumps(entry.after, ensure_ascii=False, sort_keys=True)
        writer.writerow([cell(data.get(column)) for column in EXPORT_COLUMNS])
        rows += 1
    if truncated:
        writer.writerow([f"# truncated: the first {EXPORT_MAX_ROWS} rows only; narrow the dates to export the rest"])
    return Export(out.getvalue(), rows, truncated)
