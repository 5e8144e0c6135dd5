"""The directory in the table: one compressed snapshot item, read whole and cached per container.

The directory (≈2,600 entries: offices, categories, routing rules, SLAs) is
always read whole, so it is stored whole: PK `DIR`, SK `SNAPSHOT`, the JSON
zlib-compressed (≈10× smaller than the 400 KB item limit needs). A cold
container reads it with one GetItem instead of paging a partition.
"""

from __future__ import annotations

import base64
import time
import zlib

from chalicelib.models.directory import DirectorySnapshot
from chalicelib.store import keys
from chalicelib.store.table import Item, Put, Table

_CACHE_SECONDS = 300.0


def snapshot_item(snapshot: DirectorySnapshot, updated_at: str) -> Item:
    packed = zlib.compress(snapshot.model_dump_json().encode(), level=9)
    return {
        **keys.directory_snapshot_key(),
        "updated_at": updated_at,
        "entries": entry_count(snapshot),
        "body": base64.b64encode(packed).decode(),
    }


def entry_count(snapshot: DirectorySnapshot) -> int:
    return sum(len(getattr(snapshot, name)) for name in DirectorySnapshot.model_fields)


def write_snapshot(table: Table, snapshot: DirectorySnapshot, updated_at: str = "") -> int:
    """Replace the stored directory; returns how many entries it holds."""
    table.transact([Put(snapshot_item(snapshot, updated_at or time.strftime("%Y-%m-%dT%H:%M:%SZ")), overwrite=True)])
    return entry_count(snapshot)


def read_snapshot(table: Table) -> DirectorySnapshot | None:
    item = table.get(keys.directory_snapshot_key())
    if item is None:
        return None
    return DirectorySnapshot.model_validate_json(zlib.decompress(base64.b64decode(item["body"])))


class DirectoryCache:
    """One loaded snapshot per container, refreshed every few minutes."""

    def __init__(self, ttl_seconds: float = _CACHE_SECONDS) -> None:
        self._ttl = ttl_seconds
        self._snapshot: DirectorySnapshot | None = None
        self._loaded_at = 0.0

    def get(self, table: Table) -> DirectorySnapshot:
        now = time.monotonic()
        if self._snapshot is None or now - self._loaded_at > self._ttl:
            loaded = read_snapshot(table)
            if loaded is None:
                # Not seeded yet: an empty directory (health answers 503), retried on the next call.
                return DirectorySnapshot(
                    levels=[],
                    districts=[],
                    organisations=[],
                    offices=[],
                    categories=[],
                    routing_rules=[],
                    fallbacks=[],
                    sla_policies=[],
                )
            self._snapshot = loaded
            self._loaded_at = now
        return self._snapshot
