"""The audit trail: every change to the directory, accounts, keys, holidays and moderation, appended.

A change's use case builds its entry with `entry()` and writes it in the same transaction as
the change (`audit_store.entry_put`), so there is no change without its entry and no entry
without its change; `record()` writes one alone where the change is not in the table (an
identity provider's account). Contacts (e-mail, phone) are masked before they are kept.
"""

from __future__ import annotations

import secrets
from typing import Any

from chalicelib.logic.clock import iso
from chalicelib.logic.ports import Services
from chalicelib.models.audit import Actor, AuditEntry
from chalicelib.store import audit as audit_store


def entry(
    services: Services,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str,
    *,
    before: Any = None,
    after: Any = None,
    organisation_id: str | None = None,
) -> AuditEntry:
    who = actor.principal
    moment = services.clock()
    return AuditEntry(
        # The microsecond first: entries of one second sort in the order they were made (`<at>#<id>`).
        id=f"{moment.microsecond:06d}{secrets.token_hex(4)}",
        at=iso(moment),
        actor_sub=who.sub,
        actor_role=who.role,
        actor_name=who.name,
        source_ip=actor.source_ip,
        user_agent=actor.user_agent[:256],
        action=action,
        object_type=object_type,
        object_id=object_id,
        organisation_id=organisation_id,
        before=before,
        after=after,
    )


def record(services: Services, written: AuditEntry) -> AuditEntry:
    """Append one entry on its own (for a change made outside the table)."""
    services.table.transact([audit_store.entry_put(written)])
    return written
