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
from chalicelib.store.table import Item, Put


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
