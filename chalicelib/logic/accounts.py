"""An administrator's hold on accounts: disable, enable, delete, move an officer, give or take the supervisor role.

Each takes effect on the account's next request after at most a minute: the identity provider stops
new sign-ins and refreshes at once (global sign-out), and a revocation marker makes the authorizer
refuse every ID token issued before it (API Gateway caches the authorizer's answer for 60 s).
Accounts are named by `sub`; the profile holds the pool and the username (encrypted).

The portal's admins act on any account; an organisation's admin on the officers and supervisors of
their organisation's offices only (another account is a 404 to them; an organisation admin's account
a 403). Every change is on the audit trail, with the account before and after (contact masked).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.logic import audit, identity, pii, staff
from chalicelib.logic.ports import Services
from chalicelib.models.audit import Actor
from chalicelib.models.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from chalicelib.models.identity import Pool
from chalicelib.store import audit as audit_store
from chalicelib.store import people
from chalicelib.store.table import Delete, Item, Put, Write


@dataclass(frozen=True)
class Held:
    pool: Pool
    username: str
    profile: dict[str, Any]

    @property
    def office_id(self) -> str | None:
        office = self.profile.get("office_id")
        return str(office) if office else None


def _held(services: Services, actor: Actor, sub: str) -> Held:
    who = actor.principal
    if sub == who.sub:
        raise Conflict("an administrator cannot do this to their own account; ask another administrator")
    profile = people.get_profile(services.table, sub)
    if profile is None or not profile.get("username_encrypted") or profile.get("deleted_at"):
        raise NotFound("no such account")
    pool: Pool = "staff" if profile.get("pool") == "staff" else "citizens"
    held = Held(pool, pii.decrypt(str(profile["username_encrypted"]), services.pii_keys()), profile)
    if who.role == "org_admin":
        # Only the staff of their organisation's offices exist for an organisation's admin.
        office = services.directory().offices.get(held.office_id or "")
        if pool != "staff" or office is None or office.organisation_id != staff.organisation_of(services, who):
            raise NotFound("no such account")
        if profile.get("staff_role") == "org_admin":
            raise Forbidden("an organisation admin's account is managed by a portal admin")
    elif who.role != "admin":
        raise Forbidden("accounts are managed by admins")
    return held


def check_in_scope(services: Services, actor: Actor, sub: str) -> None:
    """The guard of a change with a body: the account is one the caller may change (else 404 or 403)."""
    _held(services, actor, sub)


def _organisation(services: Services, office_id: str | None) -> str | None:
    office = services.directory().offices.get(office_id or "")
    return office.organisation_id if office else None


def _staff_item(services: Services, held: Held, sub: str) -> Item | None:
    return people.get_staff(services.table, held.office_id, sub) if held.office_id else None


def _state(held: Held, item: Item | None) -> dict[str, Any]:
    """The account as the audit trail keeps it: office, role, supervisor, enabled, contact masked."""
    shown: dict[str, Any] = {"pool": held.pool, "contact": staff.masked(held.username)}
    if held.office_id:
        shown["office_id"] = held.office_id
    if item is not None:
        shown.update({k: item[k] for k in ("role", "supervisor", "enabled") if k in item})
    return shown


def _commit(
    services: Services,
    actor: Actor,
    action: str,
    sub: str,
    before: dict[str, Any],
    after: dict[str, Any] | None,
    organisation_id: str | None,
    writes: list[Write],
) -> None:
    entry = audit.entry(
        services, actor, action, "account", sub, before=before, after=after, organisation_id=organisation_id
    )
    services.table.transact([*writes, audit_store.entry_put(entry)])


def _enabled(services: Services, actor: Actor, sub: str, enabled: bool) -> None:
    held = _held(services, actor, sub)
    services.identity.set_enabled(held.pool, held.username, enabled)
    if not enabled:
        identity.revoke(services, held.pool, held.username, sub)
    item = _staff_item(services, held, sub)
    writes: list[Write] = []
    if item is not None and held.office_id:
        writes.append(people.staff_put(held.office_id, sub, {**item, "enabled": enabled}))
    before = _state(held, item)
    action = "enable" if enabled else "disable"
    after = {**before, "enabled": enabled}
    _commit(services, actor, action, sub, before, after, _organisation(services, held.office_id), writes)


def disable(services: Services, actor: Actor, sub: str) -> None:
    """The account can no longer sign in, and its tokens are refused (within a minute in AWS)."""
    _enabled(services, actor, sub, False)


def enable(services: Services, actor: Actor, sub: str) -> None:
    _enabled(services, actor, sub, True)


def delete(services: Services, actor: Actor, sub: str) -> None:
    """Delete the account (its cases stay, under its `sub`); its profile is kept, marked deleted."""
    held = _held(services, actor, sub)
    item = _staff_item(services, held, sub)
    identity.revoke(services, held.pool, held.username, sub)
    services.identity.delete(held.pool, held.username)
    writes: list[Write] = [Put({**held.profile, "deleted_at": services.clock().isoformat()}, overwrite=True)]
    if held.office_id:
        writes.append(Delete(people.staff_key(held.office_id, sub)))
    if held.pool == "staff":
        writes.append(Delete(people.staff_login_key(pii.username_digest(held.username, services.pii_keys()))))
    before = _state(held, item)
    _commit(services, actor, "delete", sub, before, None, _organisation(services, held.office_id), writes)


def move_officer(services: Services, actor: Actor, sub: str, office_id: str) -> None:
    """Give an officer another office: the old office's cases leave them within a minute.

    An organisation's admin moves their organisation's staff between its own offices."""
    if office_id not in services.directory().offices:
        raise InvalidInput(
            "unknown office", [FieldProblem("office_id", "no office has this id", "اس شناخت کا کوئی دفتر نہیں")]
        )
    held = _held(services, actor, sub)
    target = staff.assignable_office(services, actor.principal, office_id)
    old = held.office_id
    if held.pool != "staff" or not old:
        raise Conflict("only an officer has an office")
    if old == office_id:
        return
    item = _staff_item(services, held, sub)
    services.identity.update(held.pool, held.username, {"custom:office_id": office_id})
    details = {k: v for k, v in (item or {}).items() if k not in ("PK", "SK", "sub")}
    writes: list[Write] = [
        Delete(people.staff_key(old, sub)),
        people.staff_put(office_id, sub, details or None),
        Put({**held.profile, "office_id": office_id}, overwrite=True),
    ]
    before = _state(held, item)
    after = {**before, "office_id": office_id}
    # Both organisations' admins see the move on their trail: the entry is the new one's, the old office named.
    _commit(services, actor, "move", sub, before, after, target.organisation_id, writes)
    identity.revoke(services, held.pool, held.username, sub)


def set_supervisor(services: Services, actor: Actor, sub: str, supervisor: bool) -> str:
    """Give or take the supervisor role (the staff group `supervisor`); the account's next tokens carry it.

    Its present tokens are refused (within a minute), so the change holds at once both ways."""
    held = _held(services, actor, sub)
    item = _staff_item(services, held, sub)
    role = (item or {}).get("role") or held.profile.get("staff_role") or "officer"
    if held.pool != "staff" or not held.office_id or role == "org_admin":
        raise Conflict("only an officer can be a supervisor")
    if supervisor:
        services.identity.add_to_group(held.pool, held.username, "supervisor")
    else:
        services.identity.remove_from_group(held.pool, held.username, "supervisor")
    identity.revoke(services, held.pool, held.username, sub)
    writes: list[Write] = []
    if item is not None:
        writes.append(people.staff_put(held.office_id, sub, {**item, "supervisor": supervisor}))
    before = _state(held, item)
    action = "grant_supervisor" if supervisor else "revoke_supervisor"
    after = {**before, "supervisor": supervisor}
    _commit(services, actor, action, sub, before, after, _organisation(services, held.office_id), writes)
    return "supervisor" if supervisor else "officer"
