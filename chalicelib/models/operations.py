"""The operations view: the work queues, their dead-letter queues, overdue cases; and the dead-letter redrive."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.models.base import Model

# The queues an operator sees, by the name the API uses (each has a dead-letter queue).
QueueName = Literal["intake", "notifications", "due"]
QUEUE_NAMES: tuple[QueueName, ...] = ("intake", "notifications", "due")
# How many dead letters one redrive may move at most (and moves when not told).
REDRIVE_MAX = 1000
REDRIVE_DEFAULT = 100


@dataclass(frozen=True)
class QueueCounts:
    """SQS's approximate counts of one queue (GetQueueAttributes)."""

    visible: int
    in_flight: int
    delayed: int


@dataclass(frozen=True)
class DeadLetter:
    """One message received from a dead-letter queue: what is sent back is `body` and `attributes`, unchanged."""

    message_id: str
    receipt_handle: str
    body: str
    attributes: dict[str, dict[str, object]] = field(default_factory=dict)
    sent_at: datetime | None = None  # SentTimestamp: when it was first sent to its queue (kept by the move to the DLQ)


class DeadLetterOut(Model):
    depth: int = Field(description="messages waiting in the dead-letter queue (ApproximateNumberOfMessages)")
    in_flight: int = Field(description="dead letters received and not yet deleted (a redrive at work)")
    oldest_age_seconds: int | None = Field(
        description="seconds since the oldest dead letter seen was first sent to its queue; null when the queue "
        "is empty or nothing could be seen"
    )


class QueueOut(Model):
    name: QueueName
    depth: int = Field(description="messages waiting (ApproximateNumberOfMessages)")
    in_flight: int = Field(description="messages a worker holds (ApproximateNumberOfMessagesNotVisible)")
    delayed: int = Field(description="messages not yet deliverable (ApproximateNumberOfMessagesDelayed)")
    oldest_age_seconds: int | None = Field(
        description="CloudWatch's ApproximateAgeOfOldestMessage of the last 15 minutes; null when not measured "
        "(the local stack has no SQS metrics)"
    )
    dlq: DeadLetterOut


class OverdueOut(Model):
    organisation_id: str
    name: str
    name_ur: str
    overdue: int = Field(
        description="open cases past their deadline with no level above them left (at the organisation's head "
        "office, where the sweeper escalates every missed deadline), clock not paused; at most 1000"
    )


class QueuesOut(Model):
    at: str
    queues: list[QueueOut]
    overdue: list[OverdueOut] = Field(description="organisations with overdue cases, most first")


class RedriveIn(Model):
    """How many dead letters to move at most (the body may be left out: 100)."""

    model_config = ConfigDict(extra="forbid")

    max: int = Field(REDRIVE_DEFAULT, ge=1, le=REDRIVE_MAX)


class RedriveOut(Model):
    moved: int = Field(description="dead letters sent back to their queue and deleted from the dead-letter queue")
    skipped_duplicates: int = Field(
        description="dead letters an earlier redrive had already sent back: deleted, not sent again"
    )
    remaining: int = Field(description="messages still in the dead-letter queue (approximate)")
