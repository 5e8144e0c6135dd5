"""What every SQS worker shares: Lambda's partial batch response, and metrics flushed once per batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalice.app import SQSEvent

from chalicelib.observability import publish_metrics

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord


def process_batch(event: SQSEvent, handle: Callable[[SQSRecord], None]) -> dict[str, Any]:
    """Handle each record; a record that raises goes back to the queue alone (ReportBatchItemFailures)."""
    # Imported here: the batch utility costs ~70 ms that the API's cold start should not pay.
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    processor = BatchProcessor(event_type=EventType.SQS)
    try:
        return dict(process_partial_response(event=event.to_dict(), record_handler=handle, processor=processor))
    finally:
        publish_metrics()
