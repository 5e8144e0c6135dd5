"""Rate-limit counters in the table: one item per action, subject and time window, expiring by TTL."""

from __future__ import annotations

from chalicelib.store import keys
from chalicelib.store.table import Increment, Table


def count_attempt(table: Table, action: str, subject_digest: str, window: int, expires_at: int) -> int:
    """Add one attempt to the counter of `window` (one UpdateItem) and return how many it holds now."""
    return table.count(keys.rate_key(action, subject_digest, window), "hits", expires_at)


def attempt_within(action: str, subject_digest: str, window: int, limit: int, expires_at: int) -> Increment:
    """One attempt on the same counter, written with what it counts: the transaction fails past `limit`."""
    return Increment(keys.rate_key(action, subject_digest, window), {"hits": 1}, {"expires_at": expires_at}, limit)
