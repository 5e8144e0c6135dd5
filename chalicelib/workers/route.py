"""The route worker: consumes the intake queue and routes each case (per-message failures)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, SQSEvent

from chalicelib.logic.routing import route_case
from chalicelib.observability import logger
from chalicelib.wiring import services
from chalicelib.workers.batch import process_batch

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

route_workers = Blueprint(__name__)


def _route_record(record: SQSRecord) -> None:
    case_id = str(json.loads(record.body)["case_id"])
    logger.append_keys(case_id=case_id)
    try:
        route_case(services(), case_id)
    finally:
        logger.remove_keys(["case_id"])


@route_workers.on_sqs_message(queue="awaaz-intake", batch_size=10)
def route_intake(event: SQSEvent) -> dict[str, Any]:
    """Route each message's case; a failure returns that message alone to the queue."""
    return process_batch(event, _route_record)
