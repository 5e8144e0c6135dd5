"""The audit trail: who changed what in the directory, accounts, keys, holidays and moderation."""

from typing import Any

from pydantic import ConfigDict

from chalicelib.models.base import Model
from chalicelib.models.common import Listing, Principal


class Actor(Model):
    """Who makes a change, and from where (API Gateway's `sourceIp`, the client's User-Agent)."""

    model_config = ConfigDict(frozen=True)

    principal: Principal
    source_ip: str = "unknown"
    user_agent: str = ""


class AuditEntry(Model):
    """One change, as appended (never edited): `before`/`after` hold the changed object, contacts masked."""

    id: str
    at: str
    actor_sub: str
    actor_role: str
    actor_name: str = ""
    source_ip: str = ""
    user_agent: str = ""
    action: str
    object_type: str
    object_id: str
    organisation_id: str | None = None
    before: Any = None
    after: Any = None


class AuditPage(Listing[AuditEntry]):
    """One page of the audit trail, newest first; `next_cursor` reads on (older entries)."""
