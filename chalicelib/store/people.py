"""People in the table: profiles (contacts encrypted, preferences), office staff, and delivery claims."""

from __future__ import annotations

from chalicelib.store import keys
from chalicelib.store.table import Delete, Increment, Item, Key, Page, Put, SortCondition, Table

_STAFF_PAGE = 100


def profile_item(sub: str, fields: Item) -> Item:
    """A person's profile as stored: their key, then `fields`."""
    return {**keys.profile_key(sub), **fields}


def profile_key(sub: str) -> Key:
    return keys.profile_key(sub)


def get_profile(table: Table, sub: str) -> Item | None:
    return table.get(keys.profile_key(sub))


def put_profile(table: Table, profile: Item) -> None:
    table.transact([Put(profile, overwrite=True)])


def profile_put(profile: Item) -> Put:
    """Write a whole profile (in a transaction with other writes)."""
    return Put(profile, overwrite=True)


def staff_key(office_id: str, sub: str) -> Key:
    return {"PK": keys.office_staff_pk(office_id), "SK": keys.user_pk(sub)}


def staff_put(office_id: str, sub: str, details: Item | None = None) -> Put:
    """An account on its office's staff list, with what the list shows (`details`: name, role, supervisor,
    enabled, status, masked contact, invited_at), so listing an office's staff reads nothing else."""
    return Put({**staff_key(office_id, sub), **(details or {}), "sub": sub}, overwrite=True)


def add_staff(table: Table, office_id: str, sub: str, details: Item | None = None) -> None:
    """Record an officer as staff of their office (who hears of its assignments, reminders, escalations)."""
    table.transact([staff_put(office_id, sub, details)])


def get_staff(table: Table, office_id: str, sub: str) -> Item | None:
    return table.get(staff_key(office_id, sub))


def staff_page(table: Table, office_id: str, limit: int, start_key: Key | None) -> Page:
    """One page of an office's staff list, in the order of their subs."""
    return table.query(
        keys.office_staff_pk(office_id),
        sort=SortCondition("begins_with", keys.user_pk("")),
        limit=limit,
        start_key=start_key,
    )


def staff_of(table: Table, office_id: str) -> list[str]:
    """The subs of an office's staff who work its cases (its enabled officers; not an organisation's admin)."""
    subs: list[str] = []
    start: Key | None = None
    while True:
        page = staff_page(table, office_id, _STAFF_PAGE, start)
        subs.extend(
            str(item["sub"]) for item in page.items if item.get("role") != "org_admin" and item.get("enabled", True)
        )
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


# --- sign-in: staff usernames, codes, revocation --------------------------------------


def staff_login_item(username_digest: str, sub: str | None = None) -> Item:
    """The marker that a username signs in to the staff pool (with its account's `sub` when known)."""
    item: Item = {**keys.login_key(username_digest), "pool": "staff"}
    if sub:
        item["sub"] = sub
    return item


def staff_login_key(username_digest: str) -> Key:
    return keys.login_key(username_digest)


def staff_login_put(username_digest: str, sub: str | None = None) -> Put:
    return Put(staff_login_item(username_digest, sub), overwrite=True)


def mark_staff(table: Table, username_digest: str, sub: str | None = None) -> None:
    table.transact([staff_login_put(username_digest, sub)])


def staff_login(table: Table, username_digest: str) -> Item | None:
    return table.get(keys.login_key(username_digest))


def signs_in_to_staff(table: Table, username_digest: str) -> bool:
    return table.get(keys.login_key(username_digest)) is not None


def unmark_staff(table: Table, username_digest: str) -> None:
    table.transact([Delete(keys.login_key(username_digest))])


def get_code(table: Table, purpose: str, username_digest: str) -> Item | None:
    return table.get(keys.code_key(purpose, username_digest))


def put_code(table: Table, purpose: str, username_digest: str, fields: Item) -> None:
    """The live code of `purpose` for a username (a new one replaces the old)."""
    table.transact([Put({**keys.code_key(purpose, username_digest), **fields}, overwrite=True)])


def count_wrong_code(table: Table, purpose: str, username_digest: str, expires_at: int) -> None:
    table.transact([Increment(keys.code_key(purpose, username_digest), {"wrong": 1}, {"expires_at": expires_at})])


def drop_code(table: Table, purpose: str, username_digest: str) -> None:
    table.transact([Delete(keys.code_key(purpose, username_digest))])


def revoke(table: Table, sub: str, at: int, expires_at: int) -> None:
    """Tokens of `sub` issued before `at` (epoch seconds) no longer count; the marker outlives every such token."""
    table.transact([Put({**keys.revoked_key(sub), "revoked_at": at, "expires_at": expires_at}, overwrite=True)])


def revoked_at(table: Table, sub: str) -> int | None:
    item = table.get(keys.revoked_key(sub))
    return int(item["revoked_at"]) if item else None


def remove_staff(table: Table, office_id: str, sub: str) -> None:
    table.transact([Delete({"PK": keys.office_staff_pk(office_id), "SK": keys.user_pk(sub)})])
