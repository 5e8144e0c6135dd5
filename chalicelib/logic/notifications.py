"""Notifications: reading one's in-app inbox, and queueing delivery after a change commits."""

from __future__ import annotations

from collections.abc import Sequence

from chalicelib.logic import cursors
from chalicelib.logic.messages import notification_text
from chalicelib.logic.ports import Services
from chalicelib.models.base import Model
from chalicelib.models.common import Language, Listing, Principal
from chalicelib.models.errors import ServiceUnavailable
from chalicelib.models.notifications import Notification
from chalicelib.observability import logger, metrics
from chalicelib.store import cases as case_store


class NotificationOut(Model):
    id: str
    at: str
    type: str
    case_id: str | None = None
    message: str


def list_mine(
    services: Services, principal: Principal, limit: int, cursor: str | None, language: Language | None = None
) -> Listing[NotificationOut]:
    """Officers read their office's inbox (assignments, reminders, escalations); others their own.

    Worded in `language` (the page's, when it asks in one), else in the account's own.
    """
    office_id = principal.office_id if principal.role == "officer" else None
    sub = None if office_id else principal.sub
    # An office's inbox is shared, but a cursor is still the caller's own: scoped by their sub.
    scope = cursors.scope_of("inbox", principal.sub, office=office_id)
    start = cursors.unseal(services, cursor, scope)
    items, last = case_store.inbox(services.table, sub=sub, office_id=office_id, limit=limit, start=start)
    return Listing[NotificationOut](
        items=[
            NotificationOut(
                id=i["id"],
                at=i["at"],
                type=i["template"],
                case_id=i.get("case_id"),
                message=notification_text(i["template"], i.get("params", {}), language or principal.language),
            )
            for i in items
        ],
        next_cursor=cursors.seal(services, last, scope) if last else None,
    )


def dispatch(services: Services, notes: Sequence[Notification]) -> None:
    """Queue SMS/e-mail delivery of notices whose change is committed.

    The in-app copy is already stored with the change, so a queue outage costs only the
    SMS/e-mail of these notices: it is logged and counted (alarm NotificationEnqueueFailed),
    never turned into an error for the action that caused it.
    """
    if not notes:
        return
    try:
        services.notifications.enqueue(notes)
    except ServiceUnavailable:
        logger.warning("notification enqueue failed", extra={"notification_ids": [n.id for n in notes]})
        metrics.add_metric(name="NotificationEnqueueFailed", unit="Count", value=len(notes))
