"""An administrator's hold on accounts: disable, enable, delete, and move an officer to another office.

Each takes effect on the account's next request after at most a minute: the identity provider stops
new sign-ins and refreshes at once (global sign-out), and a revocation marker makes the authorizer
refuse every ID token issued before it (API Gateway caches the authorizer's answer for 60 s).
Accounts are named by `sub`; the profile holds the pool and the username (encrypted).
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.logic import identity, pii
from chalicelib.logic.ports import Services
from chalicelib.models.common import Principal
from chalicelib.models.errors import Conflict, FieldProblem, InvalidInput, NotFound
from chalicelib.models.identity import Pool
from chalicelib.store import people


@dataclass(frozen=True)
class Held:
    pool: Pool
    username: str
    profile: dict[str, object]


def _held(services: Services, admin: Principal, sub: str) -> Held:
    if sub == admin.sub:
        raise Conflict("an administrator cannot do this to their own account; ask another administrator")
    profile = people.get_profile(services.table, sub)
    if profile is None or not profile.get("username_encrypted") or profile.get("deleted_at"):
        raise NotFound("no such account")
    pool: Pool = "staff" if profile.get("pool") == "staff" else "citizens"
    return Held(pool, pii.decrypt(str(profile["username_encrypted"]), services.pii_key), profile)


def disable(services: Services, admin: Principal, sub: str) -> None:
    held = _held(services, admin, sub)
    services.identity.set_enabled(held.pool, held.username, False)
    identity.revoke(services, held.pool, held.username, sub)


def enable(services: Services, admin: Principal, sub: str) -> None:
    held = _held(services, admin, sub)
    services.identity.set_enabled(held.pool, held.username, True)


def delete(services: Services, admin: Principal, sub: str) -> None:
    """Delete the account (its cases stay, under its `sub`); its profile is kept, marked deleted."""
    held = _held(services, admin, sub)
    identity.revoke(services, held.pool, held.username, sub)
    services.identity.delete(held.pool, held.username)
    if held.profile.get("office_id"):
        people.remove_staff(services.table, str(held.profile["office_id"]), sub)
    if held.pool == "staff":
        people.unmark_staff(services.table, pii.username_digest(held.username, services.pii_key))
    people.put_profile(services.table, {**held.profile, "deleted_at": services.clock().isoformat()})


def move_officer(services: Services, admin: Principal, sub: str, office_id: str) -> None:
    """Give an officer another office: the old office's cases leave them within a minute."""
    if office_id not in services.directory().offices:
        raise InvalidInput("unknown office", [FieldProblem("office_id", "no office has this id")])
    held = _held(services, admin, sub)
    old = held.profile.get("office_id")
    if held.pool != "staff" or not old:
        raise Conflict("only an officer has an office")
    if old == office_id:
        return
    services.identity.update(held.pool, held.username, {"custom:office_id": office_id})
    people.remove_staff(services.table, str(old), sub)
    people.add_staff(services.table, office_id, sub)
    people.put_profile(services.table, {**held.profile, "office_id": office_id})
    identity.revoke(services, held.pool, held.username, sub)
