"""Event pumps: deliver SQS messages to the app's `on_sqs_message` handlers as Lambda does.

One poller thread per SQS event source: long-poll (1 s) for up to `batch_size`
messages, build the Lambda SQS event, call the handler with a Lambda context, then
delete what succeeded. A response `{"batchItemFailures": [{"itemIdentifier": id}]}`
keeps those messages (they come back after the visibility timeout); an exception keeps
the whole batch. moto itself moves a message to the queue's dead-letter queue once it
has been received `maxReceiveCount` times; the pump only does it should moto not.
Log lines name queues, counts and ids, never message bodies (they may hold PII).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("local.pumps")

Handler = Callable[[dict[str, Any], Any], Any]


def physical_queue_name(chalice_queue: str, stack_name: str, app_name: str = "awaaz") -> str:
    """`awaaz-intake` (the name in app code) → `awaaz-local-intake` (the provisioned queue)."""
    prefix = f"{app_name}-"
    if chalice_queue.startswith(prefix):
        return f"{stack_name}-{chalice_queue[len(prefix) :]}"
    return chalice_queue


def lambda_context(function_name: str, region: str, account_id: str, timeout_seconds: int = 60) -> Any:
    """A Lambda context as chalice local builds one, with the function's ARN filled in."""
    from chalice.local import LambdaContext

    context = LambdaContext(function_name, 512, max_runtime_ms=timeout_seconds * 1000)
    context.invoked_function_arn = f"arn:aws:lambda:{region}:{account_id}:function:{function_name}"
    return context


def _message_attributes(raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in raw.items():
        converted: dict[str, Any] = {
            "stringListValues": value.get("StringListValues", []),
            "binaryListValues": value.get("BinaryListValues", []),
            "dataType": value.get("DataType", "String"),
        }
        if "StringValue" in value:
            converted["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            converted["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode()
        out[name] = converted
    return out


def sqs_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """The event Lambda's SQS event source mapping passes to a function."""
    records = []
    for message in messages:
        record: dict[str, Any] = {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": dict(message.get("Attributes", {})),
            "messageAttributes": _message_attributes(message.get("MessageAttributes", {})),
            "md5OfBody": message.get("MD5OfBody", ""),
            "eventSource": "aws:sqs",
            "eventSourceARN": queue_arn,
            "awsRegion": region,
        }
        if "MD5OfMessageAttributes" in message:
            record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
        records.append(record)
    return {"Records": records}


def failed_ids(response: Any, batch_ids: list[str]) -> set[str]:
    """The message ids to keep, as Lambda reads a ReportBatchItemFailures response."""
    if not isinstance(response, dict) or not response.get("batchItemFailures"):
        return set()
    failures = response["batchItemFailures"]
    ids = set()
    for failure in failures if isinstance(failures, list) else [None]:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not identifier or identifier not in batch_ids:
            return set(batch_ids)  # a malformed response fails the whole batch, as in Lambda
        ids.add(identifier)
    return ids


@dataclass
class PumpSpec:
    name: str  # the handler (function) name
    queue_name: str  # the provisioned queue
    batch_size: int
    handler: Handler


class Pump:
    def __init__(self, spec: PumpSpec, sqs: Any, *, region: str, function_prefix: str) -> None:
        self.spec = spec
        self._sqs = sqs
        self._region = region
        self._function_name = f"{function_prefix}-{spec.name}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"pump-{spec.name}", daemon=True)
        self.url = sqs.get_queue_url(QueueName=spec.queue_name)["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn", "RedrivePolicy"])[
            "Attributes"
        ]
        self.arn: str = attributes["QueueArn"]
        redrive = json.loads(attributes.get("RedrivePolicy") or "{}")
        self._max_receives = int(redrive.get("maxReceiveCount", 0))
        self._dlq_url: str | None = None
        if redrive.get("deadLetterTargetArn"):
            dlq_name = redrive["deadLetterTargetArn"].rsplit(":", 1)[-1]
            self._dlq_url = sqs.get_queue_url(QueueName=dlq_name)["QueueUrl"]
        self.batches = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once()
            except Exception as exc:  # the moto server going away at shutdown, mostly
                if self._stop.is_set():
                    return
                log.warning("%s: polling failed (%s); retrying", self.spec.queue_name, type(exc).__name__)
                self._stop.wait(1.0)

    def _to_dlq(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Move messages received more than maxReceiveCount times to the DLQ (moto normally does this)."""
        if not self._dlq_url or not self._max_receives:
            return messages
        keep = []
        for message in messages:
            count = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
            if count > self._max_receives:
                self._sqs.send_message(QueueUrl=self._dlq_url, MessageBody=message["Body"])
                self._sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])
                log.info("%s: message %s moved to the DLQ by the pump", self.spec.queue_name, message["MessageId"])
            else:
                keep.append(message)
        return keep

    def poll_once(self, wait_seconds: int = 1) -> int:
        """Receive and deliver one batch; returns how many messages were received."""
        received = self._sqs.receive_message(
            QueueUrl=self.url,
            MaxNumberOfMessages=max(1, min(self.spec.batch_size, 10)),
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        messages = self._to_dlq(received)
        if not messages:
            return len(received)
        ids = [m["MessageId"] for m in messages]
        event = sqs_event(messages, self.arn, self._region)
        started = time.monotonic()
        try:
            response = self.spec.handler(
                event, lambda_context(self._function_name, self._region, self.arn.split(":")[4])
            )
        except Exception as exc:
            frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
            where = f" at {os.path.basename(frame.filename)}:{frame.lineno}" if frame else ""
            log.warning(
                "%s → %s: %d received, handler raised %s%s; none deleted (redelivered after the visibility timeout)",
                self.spec.queue_name,
                self.spec.name,
                len(messages),
                type(exc).__name__,
                where,
            )
            if os.environ.get("LOCAL_STACK_DEBUG"):
                traceback.print_exc()
            return len(received)
        failed = failed_ids(response, ids)
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            chunk = done[start : start + 10]
            self._sqs.delete_message_batch(
                QueueUrl=self.url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)],
            )
        self.batches += 1
        receives = max(int(m.get("Attributes", {}).get("ApproximateReceiveCount", "1")) for m in messages)
        log.info(
            "%s → %s: %d received, %d ok, %d failed%s (%d ms)",
            self.spec.queue_name,
            self.spec.name,
            len(messages),
            len(done),
            len(failed),
            f", max receive count {receives}" if receives > 1 else "",
            (time.monotonic() - started) * 1000,
        )
        return len(received)


def pump_specs(app: Any, stack_name: str) -> list[PumpSpec]:
    """One spec per SQS event source of the Chalice app."""
    from chalice.app import SQSEventConfig

    specs = []
    for source in app.event_sources:
        if not isinstance(source, SQSEventConfig):
            continue
        if source.queue is None:
            log.warning("%s: subscribes by queue ARN; not pumped locally", source.name)
            continue
        specs.append(
            PumpSpec(
                name=source.name,
                queue_name=physical_queue_name(source.queue, stack_name, app.app_name),
                batch_size=source.batch_size or 10,
                handler=app.handler_map[source.name],
            )
        )
    return specs


class Pumps:
    def __init__(self, app: Any, sqs: Any, *, stack_name: str, region: str, function_prefix: str) -> None:
        self.pumps: list[Pump] = []
        for spec in pump_specs(app, stack_name):
            try:
                self.pumps.append(Pump(spec, sqs, region=region, function_prefix=function_prefix))
            except sqs.exceptions.QueueDoesNotExist:
                log.warning("%s: queue %s was not provisioned; not pumped", spec.name, spec.queue_name)

    def start(self) -> None:
        for pump in self.pumps:
            pump.start()

    def signal_stop(self) -> None:
        """Ask every pump to stop after its current batch (returns at once)."""
        for pump in self.pumps:
            pump.stop()

    def stop(self, timeout: float = 10.0) -> None:
        self.signal_stop()
        deadline = time.monotonic() + timeout
        for pump in self.pumps:
            pump.join(max(0.1, deadline - time.monotonic()))

    def describe(self) -> list[str]:
        return [f"{p.spec.queue_name} → {p.spec.name} (batch {p.spec.batch_size})" for p in self.pumps]
