"""People in the table: profiles (contacts encrypted, preferences), office staff, and delivery claims."""

from __future__ import annotations

from chalicelib.store import keys
from chalicelib.store.table import Delete, Item, Key, Put, SortCondition, Table

_STAFF_PAGE = 100


def profile_item(sub: str, fields: Item) -> Item:
    """A person's profile as stored: their key, then `fields`."""
    return {**keys.profile_key(sub), **fields}


def get_profile(table: Table, sub: str) -> Item | None:
    return table.get(keys.profile_key(sub))


def put_profile(table: Table, profile: Item) -> None:
    table.transact([Put(profile, overwrite=True)])


def add_staff(table: Table, office_id: str, sub: str) -> None:
    """Record an officer as staff of their office (who hears of its assignments, reminders, escalations)."""
    table.transact([Put({"PK": keys.office_staff_pk(office_id), "SK": keys.user_pk(sub), "sub": sub}, overwrite=True)])


def staff_of(table: Table, office_id: str) -> list[str]:
    """The subs of an office's staff, every page."""
    subs: list[str] = []
    start: Key | None = None
    while True:
        page = table.query(
            keys.office_staff_pk(office_id),
            sort=SortCondition("begins_with", keys.user_pk("")),
            limit=_STAFF_PAGE,
            start_key=start,
        )
        subs.extend(str(item["sub"]) for item in page.items)
        if not page.last_key:
            return subs
        start = page.last_key


def claim_delivery(table: Table, note_id: str, sub: str, channel: str, expires_at: int) -> bool:
    """Claim sending one notice to one person on one channel; False if it was claimed already."""
    from chalicelib.models.errors import ConditionFailure

    item = {**keys.delivery_key(note_id, sub, channel), "expires_at": expires_at}
    try:
        table.transact([Put(item)])
    except ConditionFailure:
        return False
    return True


def release_delivery(table: Table, note_id: str, sub: str, channel: str) -> None:
    """Give a claim back after a failed send, so the retried message sends it."""
    table.transact([Delete(keys.delivery_key(note_id, sub, channel))])
