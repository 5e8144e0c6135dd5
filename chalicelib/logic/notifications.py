"""A person's in-app notifications, rendered in their language."""

from __future__ import annotations

from pydantic import BaseModel

from chalicelib.logic.messages import notification_text
from chalicelib.logic.ports import Services
from chalicelib.models.common import Listing, Principal
from chalicelib.store import cases as case_store


class NotificationOut(BaseModel):
    id: str
    at: str
    type: str
    case_id: str | None = None
    message: str


def list_mine(services: Services, principal: Principal, limit: int, cursor: str | None) -> Listing[NotificationOut]:
    items, next_cursor = case_store.user_notifications(services.table, principal.sub, limit=limit, cursor=cursor)
    return Listing[NotificationOut](
        items=[
            NotificationOut(
                id=i["id"],
                at=i["at"],
                type=i["template"],
                case_id=i.get("case_id"),
                message=notification_text(i["template"], i.get("params", {}), principal.language),
            )
            for i in items
        ],
        next_cursor=next_cursor,
    )
