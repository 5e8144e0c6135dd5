"""Followers of a case ("me too", docs/insights.md): one item per citizen in the case's partition.

A follower item is listed by GSI1 in the citizen's `FOLLOWED` partition (their followed cases,
newest joined first). The case item keeps the count (`affected`) and the first
`NOTIFIED_FOLLOWERS` subs (`followers`), which every citizen notice of the case carries.
"""

from __future__ import annotations

from dataclasses import replace

from chalicelib.models.notifications import Notification
from chalicelib.store import keys
from chalicelib.store.cases import _check_start, notification_item
from chalicelib.store.table import Delete, Item, Key, Put, Table

# How many followers a case item names (every citizen notice carries them; the queue message stays small).
NOTIFIED_FOLLOWERS = 50
_PER_WRITE = 25


def follower_item(case_id: str, sub: str, at: str, *, via: str) -> Item:
    """`via`: "me_too" (they joined) or "merged" (their own case was merged into this one)."""
    return {
        **keys.follower_key(case_id, sub),
        **keys.followed_gsi(sub, at, case_id),
        "case_id": case_id,
        "sub": sub,
        "at": at,
        "via": via,
    }


def add(case_id: str, sub: str, at: str, *, via: str) -> Put:
    """Put only if absent: a second "me too" fails its condition (nothing changes)."""
    return Put(follower_item(case_id, sub, at, via=via))


def remove(case_id: str, sub: str) -> Delete:
    return Delete(keys.follower_key(case_id, sub))


def get(table: Table, case_id: str, sub: str) -> Item | None:
    return table.get(keys.follower_key(case_id, sub))


def of_case(table: Table, case_id: str, limit: int) -> list[Item]:
    """Up to `limit` followers of a case (one Query of its partition)."""
    from chalicelib.store.table import SortCondition

    page = table.query(keys.case_pk(case_id), sort=SortCondition("begins_with", keys.FOLLOWER_SK_PREFIX), limit=limit)
    return page.items


def followed(table: Table, sub: str, *, limit: int, start: Key | None) -> tuple[list[Item], Key | None]:
    """One page of the follower items of the cases `sub` follows, newest joined first."""
    pk = keys.followed_pk(sub)
    _check_start(start, {"GSI1PK": pk}, {"PK": keys.case_pk(""), "SK": keys.FOLLOWER_SK_PREFIX, "GSI1SK": ""})
    page = table.query(pk, index="GSI1", newest_first=True, limit=limit, start_key=start)
    return page.items, page.last_key


def as_followers(note: Notification, sub: str) -> Notification:
    """A follower's copy of a citizen's notice: theirs, and saying it is of a complaint they follow."""
    return replace(note, sub=sub, followers=(), params={**note.params, "followed": "1"})


def copy_to_inboxes(table: Table, note: Notification) -> None:
    """The in-app copies of a citizen's notice for the case's followers (same id: written twice, stored once)."""
    copies = [Put(notification_item(as_followers(note, sub)), overwrite=True) for sub in note.followers]
    for at in range(0, len(copies), _PER_WRITE):
        table.transact(copies[at : at + _PER_WRITE])
