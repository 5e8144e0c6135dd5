"""Open311 API keys, issued and revoked by an admin; the key itself is shown once, at issue."""

from __future__ import annotations

import secrets

from chalicelib.logic import audit
from chalicelib.logic.clock import iso
from chalicelib.logic.ports import Services
from chalicelib.models.audit import Actor
from chalicelib.models.base import Model
from chalicelib.models.common import Principal, StrictInput
from chalicelib.models.errors import Forbidden, NotFound
from chalicelib.store import apikeys
from chalicelib.store import audit as audit_store


class ApiKeyIn(StrictInput):
    name: str


class ApiKeyOut(Model):
    id: str
    name: str
    created_at: str
    revoked: bool = False
    api_key: str | None = None  # only in the answer that issues it


class ApiKeyList(Model):
    items: list[ApiKeyOut]


def _admin(principal: Principal) -> None:
    if principal.role != "admin":
        raise Forbidden("only admins manage API keys")


def issue(services: Services, actor: Actor | None, data: ApiKeyIn) -> ApiKeyOut:
    """A new key for an Open311 client, audited (`actor` None: the local seed issuing the demo key)."""
    if actor is not None:
        _admin(actor.principal)
    key_id, api_key = secrets.token_hex(6), f"awz_{secrets.token_urlsafe(24)}"
    created = iso(services.clock())
    also = []
    if actor is not None:
        after = {"id": key_id, "name": data.name, "created_at": created, "revoked": False}
        also.append(audit_store.entry_put(audit.entry(services, actor, "issue", "api_key", key_id, after=after)))
    apikeys.put_key(services.table, key_id, data.name, api_key, created, also=also)
    return ApiKeyOut(id=key_id, name=data.name, created_at=created, api_key=api_key)


def list_keys(services: Services, principal: Principal) -> ApiKeyList:
    _admin(principal)
    return ApiKeyList(items=[ApiKeyOut.model_validate(i) for i in apikeys.listing(services.table)])


def revoke(services: Services, actor: Actor, key_id: str) -> ApiKeyOut:
    _admin(actor.principal)
    listed = apikeys.get_listed(services.table, key_id)
    if listed is None:
        raise NotFound("no API key with this id")
    before = ApiKeyOut.model_validate(listed).model_dump(mode="json")
    entry = audit.entry(services, actor, "revoke", "api_key", key_id, before=before, after={**before, "revoked": True})
    if not apikeys.revoke(services.table, key_id, also=[audit_store.entry_put(entry)]):
        raise NotFound("no API key with this id")
    return next(k for k in list_keys(services, actor.principal).items if k.id == key_id)
