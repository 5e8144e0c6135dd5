"""The directory in the table: one compressed snapshot item, read whole and cached per container.

The directory (offices, categories, routing rules, SLAs) is always read whole, so it is
stored whole: PK `DIR`, SK `SNAPSHOT`, the JSON zlib-compressed (≈10× smaller than the
400 KB item limit needs). A cold container reads it with one GetItem instead of paging a
partition.

Every change bumps a version, kept twice: in the snapshot item and in a small head item
(PK `DIR`, SK `VERSION`), both written in one transaction that is conditional on the head
still holding the version the change was made from (`If-Match`). A warm container reads
only the head (one 0.5 RCU GetItem) every `CHECK_SECONDS` and the whole snapshot only when
the version moved: a change is in force everywhere within a minute, without a redeploy.
"""

from __future__ import annotations

import base64
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from chalicelib.models.directory import DirectorySnapshot
from chalicelib.models.errors import ConditionFailure, VersionConflict
from chalicelib.store import keys
from chalicelib.store.table import Item, Put, Table, Write

# How often a warm container asks whether the directory changed (a change holds within a minute).
CHECK_SECONDS = 20.0


@dataclass(frozen=True)
class Stored:
    snapshot: DirectorySnapshot
    version: int
    updated_at: str


def snapshot_item(snapshot: DirectorySnapshot, updated_at: str, version: int = 1) -> Item:
    packed = zlib.compress(snapshot.model_dump_json().encode(), level=9)
    return {
        **keys.directory_snapshot_key(),
        "updated_at": updated_at,
        "version": version,
        "entries": entry_count(snapshot),
        "body": base64.b64encode(packed).decode(),
    }


def head_item(version: int, updated_at: str, *, seeded: bool = False) -> Item:
    """The head; `seeded` says the version is the seed's as loaded (no administrator has changed it since)."""
    return {**keys.directory_version_key(), "version": version, "updated_at": updated_at, "seeded": seeded}


class EditedSinceSeed(Exception):
    """The stored directory holds administrators' changes: loading the seed again would undo them."""

    def __init__(self, version: int) -> None:
        super().__init__(f"the directory was changed by an administrator since the seed (version {version})")
        self.version = version


def entry_count(snapshot: DirectorySnapshot) -> int:
    return sum(len(getattr(snapshot, name)) for name in DirectorySnapshot.model_fields)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def write_snapshot(table: Table, snapshot: DirectorySnapshot, updated_at: str = "", *, force: bool = False) -> int:
    """Load the seed as the stored directory; returns how many entries it holds.

    EditedSinceSeed, unless `force`, when administrators have changed the stored directory since
    the last seed: their offices, rules and staff's offices would silently be undone.
    """
    head = table.get(keys.directory_version_key())
    if head is not None and not head.get("seeded") and not force:
        raise EditedSinceSeed(int(head["version"]))
    version = int(head["version"]) + 1 if head else 1
    at = updated_at or _now()
    table.transact(
        [
            Put(snapshot_item(snapshot, at, version), overwrite=True),
            Put(head_item(version, at, seeded=True), overwrite=True),
        ]
    )
    return entry_count(snapshot)


def replace_snapshot(
    table: Table, snapshot: DirectorySnapshot, expect_version: int, updated_at: str, also: Sequence[Write] = ()
) -> int:
    """Store a changed directory made from version `expect_version`, with `also` in the same transaction.

    Returns the new version; VersionConflict if someone else changed the directory first.
    """
    version = expect_version + 1
    head = Put(head_item(version, updated_at), expect_version=expect_version)
    try:
        table.transact([head, Put(snapshot_item(snapshot, updated_at, version), overwrite=True), *also])
    except ConditionFailure as exc:
        raise VersionConflict("the directory changed since you read it; read it again") from exc
    return version


def read_stored(table: Table) -> Stored | None:
    item = table.get(keys.directory_snapshot_key())
    if item is None:
        return None
    snapshot = DirectorySnapshot.model_validate_json(zlib.decompress(base64.b64decode(item["body"])))
    return Stored(snapshot, int(item.get("version", 1)), str(item.get("updated_at", "")))


def read_snapshot(table: Table) -> DirectorySnapshot | None:
    stored = read_stored(table)
    return stored.snapshot if stored else None


def read_version(table: Table) -> int:
    head = table.get(keys.directory_version_key())
    return int(head["version"]) if head else 0


def empty_snapshot() -> DirectorySnapshot:
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


class DirectoryCache:
    """One loaded snapshot per container; the head's version checked every `check_seconds`."""

    def __init__(self, check_seconds: float = CHECK_SECONDS) -> None:
        self._every = check_seconds
        self._stored: Stored | None = None
        self._checked_at = 0.0

    @property
    def version(self) -> int:
        return self._stored.version if self._stored else 0

    def get(self, table: Table) -> DirectorySnapshot:
        now = time.monotonic()
        if self._stored is not None and now - self._checked_at <= self._every:
            return self._stored.snapshot
        if self._stored is not None and read_version(table) == self._stored.version:
            self._checked_at = now
            return self._stored.snapshot
        loaded = read_stored(table)
        if loaded is None:
            # Not seeded yet: an empty directory (health answers 503), retried on the next call.
            return empty_snapshot()
        self._stored, self._checked_at = loaded, now
        return loaded.snapshot

    def forget(self) -> None:
        """Read the directory again on the next call (after this container changed it)."""
        self._stored = None
