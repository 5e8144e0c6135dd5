"""What every SQS worker shares: Lambda's partial batch response, and metrics flushed once per batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalice.app import SQSEvent

from chalicelib.observability import publish_metrics

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord


def process_batch(
    event: SQSEvent,
    handle: Callable[[SQSRecord], None],
    then: Callable[[], None] | None = None,
    *,
    fail_whole_batch: bool = True,
) -> dict[str, Any]:
    """Handle each record; a record that raises goes back to the queue alone (ReportBatchItemFailures).

    When every record failed the invocation fails (Lambda returns the whole batch and its pollers back off);
    `fail_whole_batch=False` answers with every record as a failure instead (the same messages come back).
    `then` runs after the last record, also when the invocation fails, before the metrics are written (its
    own metrics go with them).
    """
    # Imported here: the batch utility costs ~70 ms that the API's cold start should not pay.
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=fail_whole_batch)
    try:
        return dict(process_partial_response(event=event.to_dict(), record_handler=handle, processor=processor))
    finally:
        try:
            if then is not None:
                then()
        finally:
            publish_metrics()
