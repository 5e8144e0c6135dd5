"""SQS: hand work to the workers; and, for operators, read the queues and send dead letters back."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.models.errors import ServiceUnavailable
from chalicelib.models.notifications import Notification
from chalicelib.models.operations import QUEUE_NAMES, DeadLetter, QueueCounts, QueueName

_BATCH = 10  # SQS SendMessageBatch takes at most ten entries


class SqsIntakeQueue:
    """Sends case ids to the intake queue the route worker consumes."""

    def __init__(self, client: Callable[[], Any], queue_url: str) -> None:
        self._client = client  # a factory: the client is made on first send
        self._url = queue_url

    def send_case(self, case_id: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._client().send_message(QueueUrl=self._url, MessageBody=json.dumps({"case_id": case_id}))
        except (BotoCoreError, ClientError) as exc:
            raise ServiceUnavailable("the intake queue is unavailable") from exc


class SqsNotificationQueue:
    """Sends committed notices to the notifications queue the notify worker consumes."""

    def __init__(self, client: Callable[[], Any], queue_url: str) -> None:
        self._client = client
        self._url = queue_url

    def enqueue(self, notes: Sequence[Notification]) -> None:
        for start in range(0, len(notes), _BATCH):
            chunk = notes[start : start + _BATCH]
            bodies = [json.dumps(n.message(), ensure_ascii=False) for n in chunk]
            _send_batch(self._client(), self._url, bodies, "the notifications queue")


def _send_batch(client: Any, queue_url: str, bodies: Sequence[str], queue: str) -> None:
    """One SendMessageBatch (at most ten bodies); ServiceUnavailable naming `queue` if SQS refuses any."""
    from botocore.exceptions import BotoCoreError, ClientError

    entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies)]
    try:
        out = client.send_message_batch(QueueUrl=queue_url, Entries=entries)
    except (BotoCoreError, ClientError) as exc:
        raise ServiceUnavailable(f"{queue} is unavailable") from exc
    if out.get("Failed"):
        raise ServiceUnavailable(f"{queue} refused {len(out['Failed'])} message(s)")


def postpone(client: Any, queue_url: str, receipts: Sequence[tuple[str, int]]) -> int:
    """Hide received messages (receipt handle, seconds) from every receiver that long: a message handed back
    unsent comes again after its own wait, not the queue's visibility timeout. How many SQS took; a refusal
    leaves a message to reappear at the visibility timeout, so it is logged by the caller and not raised."""
    from botocore.exceptions import BotoCoreError, ClientError

    took = 0
    for start in range(0, len(receipts), _BATCH):
        chunk = receipts[start : start + _BATCH]
        entries = [{"Id": str(i), "ReceiptHandle": h, "VisibilityTimeout": s} for i, (h, s) in enumerate(chunk)]
        try:
            out = client.change_message_visibility_batch(QueueUrl=queue_url, Entries=entries)
        except (BotoCoreError, ClientError):
            continue
        took += len(out.get("Successful", []))
    return took


class SqsDueQueue:
    """Sends due case ids to the due queue the sweeper's worker consumes; tells how much waits there."""

    def __init__(self, client: Callable[[], Any], queue_url: str) -> None:
        self._client = client
        self._url = queue_url

    def send(self, messages: Sequence[Sequence[str]], found_at: str) -> None:
        if len(messages) > _BATCH:
            raise ValueError(f"one SendMessageBatch takes at most {_BATCH} messages")
        bodies = [json.dumps({"case_ids": list(ids), "found_at": found_at}) for ids in messages]
        _send_batch(self._client(), self._url, bodies, "the due queue")

    def waiting(self) -> int:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            out = self._client().get_queue_attributes(
                QueueUrl=self._url, AttributeNames=["ApproximateNumberOfMessages"]
            )
        except (BotoCoreError, ClientError) as exc:
            raise ServiceUnavailable("the due queue did not answer") from exc
        return int(out.get("Attributes", {}).get("ApproximateNumberOfMessages", 0))


# SQS's names of the counts an operator reads.
_COUNTS = ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed")
# How far back CloudWatch is asked for the oldest message's age: SQS publishes it every minute while a queue is
# active, and a datapoint lands a few minutes late.
_METRIC_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class QueuePair:
    """A work queue and its dead-letter queue, by URL."""

    url: str
    dead_letter_url: str


class SqsQueueOperations:
    """The work queues and their dead-letter queues through SQS (counts, receive, send, delete) and CloudWatch (ages).

    `wait_seconds` is the long poll of a receive: SQS's short poll samples some of its servers and may answer
    nothing while messages wait; a long poll asks them all and answers as soon as one has a message.
    """

    def __init__(
        self,
        sqs: Callable[[], Any],
        cloudwatch: Callable[[], Any],
        queues: Mapping[QueueName, QueuePair],
        wait_seconds: int = 1,
    ) -> None:
        self._sqs = sqs
        self._cloudwatch = cloudwatch
        self._queues = dict(queues)
        self._wait = wait_seconds

    def _url(self, queue: QueueName, dead_letters: bool) -> str:
        pair = self._queues[queue]
        return pair.dead_letter_url if dead_letters else pair.url

    def _call(self, client: Callable[[], Any], operation: str, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(client(), operation)(**kwargs)
        except (BotoCoreError, ClientError) as exc:
            raise ServiceUnavailable(f"the queue service did not answer {operation}") from exc

    def names(self) -> tuple[QueueName, ...]:
        return tuple(name for name in QUEUE_NAMES if name in self._queues)

    def counts(self, queue: QueueName, *, dead_letters: bool) -> QueueCounts:
        out = self._call(
            self._sqs, "get_queue_attributes", QueueUrl=self._url(queue, dead_letters), AttributeNames=list(_COUNTS)
        )
        found = out.get("Attributes", {})
        visible, in_flight, delayed = (int(found.get(name, 0)) for name in _COUNTS)
        return QueueCounts(visible=visible, in_flight=in_flight, delayed=delayed)

    def oldest_ages(self) -> dict[QueueName, int | None]:
        """One GetMetricData call for every work queue: the latest maximum of ApproximateAgeOfOldestMessage."""
        names = list(self._queues)
        now = datetime.now(UTC)
        queries = [
            {
                "Id": f"q{i}",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/SQS",
                        "MetricName": "ApproximateAgeOfOldestMessage",
                        "Dimensions": [
                            {"Name": "QueueName", "Value": self._queues[name].url.rstrip("/").rsplit("/", 1)[-1]}
                        ],
                    },
                    "Period": 60,
                    "Stat": "Maximum",
                },
                "ReturnData": True,
            }
            for i, name in enumerate(names)
        ]
        out = self._call(
            self._cloudwatch,
            "get_metric_data",
            MetricDataQueries=queries,
            StartTime=now - _METRIC_WINDOW,
            EndTime=now,
            ScanBy="TimestampDescending",
        )
        ages: dict[QueueName, int | None] = {name: None for name in names}
        for result in out.get("MetricDataResults", []):
            index = int(str(result.get("Id", "q-1"))[1:])
            values = result.get("Values") or []
            if 0 <= index < len(names) and values:
                ages[names[index]] = int(values[0])  # newest first
        return ages

    def receive_dead_letters(self, queue: QueueName, most: int, hidden_seconds: int) -> list[DeadLetter]:
        out = self._call(
            self._sqs,
            "receive_message",
            QueueUrl=self._url(queue, True),
            MaxNumberOfMessages=max(1, min(most, _BATCH)),
            VisibilityTimeout=hidden_seconds,
            WaitTimeSeconds=self._wait,
            AttributeNames=["SentTimestamp"],
            MessageAttributeNames=["All"],
        )
        letters = []
        for message in out.get("Messages", []):
            sent = message.get("Attributes", {}).get("SentTimestamp")
            letters.append(
                DeadLetter(
                    message_id=message["MessageId"],
                    receipt_handle=message["ReceiptHandle"],
                    body=message["Body"],
                    attributes=_attributes_to_send(message.get("MessageAttributes") or {}),
                    sent_at=datetime.fromtimestamp(int(sent) / 1000, UTC) if sent else None,
                )
            )
        return letters

    def send_back(self, queue: QueueName, letters: Sequence[DeadLetter]) -> set[str]:
        taken: set[str] = set()
        for start in range(0, len(letters), _BATCH):
            chunk = letters[start : start + _BATCH]
            entries = []
            for i, letter in enumerate(chunk):
                entry: dict[str, Any] = {"Id": str(i), "MessageBody": letter.body}
                if letter.attributes:
                    entry["MessageAttributes"] = letter.attributes
                entries.append(entry)
            out = self._call(self._sqs, "send_message_batch", QueueUrl=self._url(queue, False), Entries=entries)
            taken.update(chunk[int(ok["Id"])].message_id for ok in out.get("Successful", []))
        return taken

    def delete_dead_letters(self, queue: QueueName, letters: Sequence[DeadLetter]) -> None:
        for start in range(0, len(letters), _BATCH):
            chunk = letters[start : start + _BATCH]
            entries = [{"Id": str(i), "ReceiptHandle": letter.receipt_handle} for i, letter in enumerate(chunk)]
            out = self._call(self._sqs, "delete_message_batch", QueueUrl=self._url(queue, True), Entries=entries)
            if out.get("Failed"):
                # Left in the dead-letter queue: its claim says it was sent, so the next redrive deletes it only.
                raise ServiceUnavailable(f"the dead-letter queue kept {len(out['Failed'])} message(s)")


def _attributes_to_send(received: Mapping[str, Any]) -> dict[str, dict[str, object]]:
    """Message attributes as SendMessage takes them (the list fields SQS reserves are left out)."""
    kept = ("DataType", "StringValue", "BinaryValue")
    return {name: {k: v for k, v in value.items() if k in kept} for name, value in received.items()}
