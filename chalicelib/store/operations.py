"""Operations in the table: the claims that send each dead letter back once, and overdue cases counted by office.

A claim (`ONCE#redrive#<queue>#<message id>` / `CLAIM`) is put only if absent before a dead
letter is sent back (`sending`, leased to one redrive for a while), then marked `sent`
with a version condition. It expires (TTL) after the dead letter itself could have.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from chalicelib.models.errors import ConditionFailure
from chalicelib.store import keys
from chalicelib.store.table import Delete, Item, Key, Put, SortCondition, Table, Write

ClaimState = Literal["sending", "sent"]
_PAGE = 100


@dataclass(frozen=True)
class Claim:
    message_id: str
    state: ClaimState
    version: int
    owner: str
    leased_until: str


def claims_of(table: Table, queue: str, message_ids: Sequence[str]) -> dict[str, Claim]:
    """The claims held on these dead letters, by message id (one BatchGetItem)."""
    if not message_ids:
        return {}
    found = table.get_many([keys.redrive_claim_key(queue, m) for m in message_ids])
    return {
        str(item["message_id"]): Claim(
            message_id=str(item["message_id"]),
            state="sent" if item.get("state") == "sent" else "sending",
            version=int(item.get("version", 1)),
            owner=str(item.get("owner", "")),
            leased_until=str(item.get("leased_until", "")),
        )
        for item in found
    }


def claim(
    queue: str, message_id: str, owner: str, leased_until: str, expires_at: int, replacing: Claim | None = None
) -> tuple[Claim, Put]:
    """Claim a dead letter for sending: only if nobody has (or, `replacing`, if that claim is still as read).

    The claim as it will stand, and the write that makes it so.
    """
    held = Claim(message_id, "sending", (replacing.version + 1) if replacing else 1, owner, leased_until)
    return held, Put(_claim_item(queue, held, expires_at), expect_version=replacing.version if replacing else None)


def _claim_item(queue: str, held: Claim, expires_at: int) -> Item:
    return {
        **keys.redrive_claim_key(queue, held.message_id),
        "message_id": held.message_id,
        "state": held.state,
        "owner": held.owner,
        "leased_until": held.leased_until,
        "version": held.version,
        "expires_at": expires_at,
    }


def mark_sent(queue: str, held: Claim, expires_at: int) -> Put:
    """The claim's letter was taken by its queue: from now on it is only ever deleted."""
    marked = Claim(held.message_id, "sent", held.version + 1, held.owner, held.leased_until)
    return Put(_claim_item(queue, marked, expires_at), expect_version=held.version)


def release(queue: str, message_id: str) -> Delete:
    """Give a claim back (its letter was refused by the queue, so it was not sent)."""
    return Delete(keys.redrive_claim_key(queue, message_id))


def write_each(table: Table, writes: Sequence[Write]) -> list[int]:
    """Write what passes its condition, in as few transactions as the failures allow; the indexes that failed."""
    pending = list(range(len(writes)))
    failed: list[int] = []
    while pending:
        try:
            table.transact([writes[i] for i in pending])
            return failed
        except ConditionFailure as exc:
            lost = {pending[i] for i in exc.failed_indexes if 0 <= i < len(pending)}
            if not lost:
                raise
            failed += sorted(lost)
            pending = [i for i in pending if i not in lost]
    return failed


def overdue_at_office(table: Table, office_id: str, now_iso: str, cap: int) -> int:
    """An office's open cases whose deadline has passed and whose clock runs, up to `cap`.

    GSI2 (each shard of the office's queue, `<due>#<id>`) with the sort key at or before now: a key condition,
    so only overdue cases are read, `_PAGE` a Query.
    """
    counted = 0
    for pk in keys.office_queue_pks(office_id):
        start: Key | None = None
        while counted < cap:
            page = table.query(
                pk,
                index="GSI2",
                sort=SortCondition("<=", now_iso + "\uffff"),
                limit=_PAGE,
                start_key=start,
            )
            counted += sum(1 for item in page.items if not item.get("paused_at"))
            if not page.last_key:
                break
            start = page.last_key
    return min(counted, cap)
