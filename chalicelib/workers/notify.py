"""The notify worker: consumes the notifications queue and sends each notice by SMS/e-mail (per-message failures)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, SQSEvent

from chalicelib.logic.delivery import deliver
from chalicelib.models.notifications import Notification
from chalicelib.observability import logger
from chalicelib.wiring import services
from chalicelib.workers.batch import process_batch

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

notify_workers = Blueprint(__name__)


def _deliver_record(record: SQSRecord) -> None:
    note = Notification.from_message(json.loads(record.body))
    logger.append_keys(notification_id=note.id)
    try:
        deliver(services(), note)
    finally:
        logger.remove_keys(["notification_id"])


@notify_workers.on_sqs_message(queue="awaaz-notifications", batch_size=10)
def send_notifications(event: SQSEvent) -> dict[str, Any]:
    """Deliver each message's notice; a failure returns that message alone to the queue."""
    return process_batch(event, _deliver_record)
