"""The audit trail in the table: append-only items, listed by month, by actor and by object.

PK `AUDIT#<yyyy-mm>`, SK `<at>#<id>` (every entry of a month, newest first); GSI1
`AUDIT#ACTOR#<sub>` and GSI2 `AUDIT#OBJECT#<type>#<id>`, both sorted by `<at>#<id>`; GSI4
`AUDIT#ORG#<organisation>` for an organisation's admins. An entry is written with a
condition that it does not exist yet and nothing in the API updates or deletes one.
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib.models.audit import AuditEntry
from chalicelib.store import keys
from chalicelib.store.table import Item, Key, Page, Put, SortCondition, Table


def entry_put(entry: AuditEntry) -> Put:
    """The write that appends `entry` (refused if an entry with its key exists: nothing is overwritten)."""
    sort = f"{entry.at}#{entry.id}"
    item: Item = {
        "PK": keys.audit_month_pk(entry.at[:7]),
        "SK": sort,
        "GSI1PK": keys.audit_actor_pk(entry.actor_sub),
        "GSI1SK": sort,
        "GSI2PK": keys.audit_object_pk(entry.object_type, entry.object_id),
        "GSI2SK": sort,
        **{name: value for name, value in entry.model_dump(exclude={"before", "after"}).items() if value is not None},
        # Before and after as JSON text: any shape, stored as written, read back as written.
        "before": json.dumps(entry.before, ensure_ascii=False, default=str),
        "after": json.dumps(entry.after, ensure_ascii=False, default=str),
    }
    if entry.organisation_id:
        item["GSI4PK"] = keys.audit_organisation_pk(entry.organisation_id)
        item["GSI4SK"] = sort
    return Put(item)


def entry_of(item: Item) -> AuditEntry:
    fields: dict[str, Any] = {name: item.get(name) for name in AuditEntry.model_fields if name in item}
    for name in ("before", "after"):
        raw = item.get(name)
        fields[name] = json.loads(raw) if isinstance(raw, str) else raw
    return AuditEntry.model_validate(fields)


# --- reading: one partition at a time, newest first, the dates bounding the sort key ------------------

# Which partition a reading walks: (index, partition key); None is the table's own (a month).
Partition = tuple[str | None, str]


def month_partition(month: str) -> Partition:
    return (None, keys.audit_month_pk(month))


def actor_partition(sub: str) -> Partition:
    return ("GSI1", keys.audit_actor_pk(sub))


def object_partition(object_type: str, object_id: str) -> Partition:
    return ("GSI2", keys.audit_object_pk(object_type, object_id))


def organisation_partition(organisation_id: str) -> Partition:
    return ("GSI4", keys.audit_organisation_pk(organisation_id))


def entries_page(
    table: Table, partition: Partition, first_day: str, last_day: str, limit: int, start_key: Key | None
) -> tuple[list[AuditEntry], Key | None]:
    """Entries of `partition` from `first_day` to `last_day` (YYYY-MM-DD, both included), newest first."""
    index, pk = partition
    # `<at>#<id>` with `at` as 2026-12-03T09:00:00Z: every moment of the last day sorts below its date + "U".
    bounds = SortCondition("between", first_day, f"{last_day}U")
    page: Page = table.query(pk, index=index, sort=bounds, newest_first=True, limit=limit, start_key=start_key)
    return [entry_of(item) for item in page.items], page.last_key
