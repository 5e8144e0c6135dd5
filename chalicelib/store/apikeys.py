"""Open311 API keys: issued and revoked by an admin; only their SHA-256 is stored."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from chalicelib.store import keys
from chalicelib.store.table import Item, Put, SortCondition, Table, Write


def digest(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def put_key(table: Table, key_id: str, name: str, api_key: str, created_at: str, also: Sequence[Write] = ()) -> None:
    """The lookup item (by the key's digest) and the admin's listing item, together (with `also`: its audit entry)."""
    record = {"id": key_id, "name": name, "created_at": created_at, "revoked": False}
    table.transact(
        [
            Put({**keys.api_key_lookup(digest(api_key)), **record}),
            Put({**keys.api_key_listing(key_id), **record, "digest": digest(api_key)}),
            *also,
        ]
    )


def find(table: Table, api_key: str) -> Item | None:
    """The key's record if it was issued and not revoked."""
    item = table.get(keys.api_key_lookup(digest(api_key)))
    return item if item and not item.get("revoked") else None


def listing(table: Table) -> list[Item]:
    page = table.query(keys.API_KEYS_PK, sort=SortCondition("begins_with", "KEY#"), limit=200)
    return page.items


def get_listed(table: Table, key_id: str) -> Item | None:
    return table.get(keys.api_key_listing(key_id))


def revoke(table: Table, key_id: str, also: Sequence[Write] = ()) -> bool:
    item = table.get(keys.api_key_listing(key_id))
    if item is None:
        return False
    lookup = table.get(keys.api_key_lookup(str(item["digest"])))
    writes: list[Write] = [Put({**item, "revoked": True}, overwrite=True), *also]
    if lookup is not None:
        writes.append(Put({**lookup, "revoked": True}, overwrite=True))
    table.transact(writes)
    return True
