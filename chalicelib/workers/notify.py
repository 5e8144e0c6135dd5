"""The notify worker: consumes the notifications queue and sends each notice by SMS/e-mail (per-message failures).

Sends are paced under the account's SES and SMS rates (chalicelib/logic/pacing.py). When SES or SNS still
refuses a send for its rate, or SES's daily quota is spent, the worker stops sending for this invocation: the
refused notice (its claim given back by `deliver`) and every notice after it go back to the queue unsent,
each hidden for a jittered wait that grows with its receive count (ChangeMessageVisibility), so the queue is
not hammered and the notices come again later. A notice whose turn would come too late for this invocation
to finish goes back too, for a few seconds only.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from chalice.app import Blueprint, SQSEvent

from chalicelib.logic.delivery import deliver
from chalicelib.logic.pacing import NoTimeToSend, PacedMessenger, Pacer
from chalicelib.logic.ports import Services
from chalicelib.models.errors import SendThrottled
from chalicelib.models.notifications import Notification
from chalicelib.observability import logger, metrics
from chalicelib.wiring import send_pacer, services
from chalicelib.workers.batch import process_batch

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

notify_workers = Blueprint(__name__)

Stop = Literal["throttled", "quota", "time"]

# How long a notice handed back stays hidden before it comes again, by why this invocation stopped sending.
# Throttled: 30 s doubling with each receive, at most 15 minutes; each wait drawn from its upper half.
THROTTLED_FIRST_SECONDS = 30
THROTTLED_MOST_SECONDS = 900
# SES's daily quota is a rolling 24 hours: an hour (30 to 60 minutes) before trying again.
QUOTA_SECONDS = 3600
# Out of time: only this invocation was short of time; another container takes the notice within seconds.
NO_TIME_SECONDS = 5
# Room kept at the end of an invocation for the last send and the hand-back: SES/SNS answer within a second,
# but botocore retries a throttled send twice, after up to 1 s and 2 s. The worker's timeout is 30 s
# (.chalice/config.json), so each invocation paces its sends over some 26 s.
SAFETY_SECONDS = 4.0


class NotAttempted(Exception):
    """This invocation stopped sending before this notice: it goes back to the queue unsent."""


class NoticesFailed(Exception):
    """Every notice in the batch failed, not for a rate: the invocation fails, as a worker's whole batch does."""


def hand_back_seconds(stop: Stop, receive_count: int, draw: Callable[[], float]) -> int:
    """How long a notice handed back stays hidden (its visibility timeout), with jitter from `draw` (0 to 1)."""
    if stop == "time":
        return 1 + int(draw() * NO_TIME_SECONDS)
    if stop == "quota":
        longest = QUOTA_SECONDS
    else:
        longest = min(THROTTLED_MOST_SECONDS, THROTTLED_FIRST_SECONDS * 2 ** max(0, receive_count - 1))
    return longest // 2 + int(draw() * (longest // 2))


def _receive_count(record: SQSRecord) -> int:
    try:
        return int(record.attributes.approximate_receive_count)
    except (KeyError, TypeError, ValueError):
        return 1


@dataclass
class NoticeBatch:
    """One invocation's batch: sends each notice (paced), and stops sending at the first rate refusal."""

    services: Services
    pacer: Pacer | None = None
    deadline: float | None = None  # on the pacer's clock: no send starts after it
    stopped: Stop | None = None
    handed_back: list[SQSRecord] = field(default_factory=list)

    def handle(self, record: SQSRecord) -> None:
        if self.stopped is not None:
            self.handed_back.append(record)
            raise NotAttempted(f"sending stopped in this invocation ({self.stopped})")
        note = Notification.from_message(json.loads(record.body))
        logger.append_keys(notification_id=note.id)
        try:
            deliver(self._paced(), note)
        except SendThrottled as exc:
            self.stopped = "quota" if exc.daily_quota else "throttled"
            self.handed_back.append(record)
            metrics.add_metric(name="SendsThrottled", unit="Count", value=1)
            if exc.daily_quota:
                metrics.add_metric(name="SendQuotaExhausted", unit="Count", value=1)
            logger.warning("sending refused for the account's rate: the batch goes back", extra={"why": self.stopped})
            raise
        except NoTimeToSend:
            self.stopped = "time"
            self.handed_back.append(record)
            raise
        finally:
            logger.remove_keys(["notification_id"])

    def _paced(self) -> Services:
        if self.pacer is None:
            return self.services
        return replace(self.services, messenger=PacedMessenger(self.services.messenger, self.pacer, self.deadline))

    def waits(self, draw: Callable[[], float]) -> list[tuple[str, int]]:
        """Each handed-back message's receipt handle and how long it stays hidden."""
        if self.stopped is None:
            return []
        return [(r.receipt_handle, hand_back_seconds(self.stopped, _receive_count(r), draw)) for r in self.handed_back]


def _remaining_seconds(event: SQSEvent) -> float | None:
    remaining = getattr(event.context, "get_remaining_time_in_millis", None)
    return remaining() / 1000 if callable(remaining) else None


def _hand_back(batch: NoticeBatch) -> None:
    waits = batch.waits(random.random)  # jitter, not a secret
    if not waits:
        return
    from chalicelib import aws
    from chalicelib.config import get_settings
    from chalicelib.integrations.queues import postpone

    metrics.add_metric(name="NoticesHandedBack", unit="Count", value=len(waits))
    took = postpone(aws.client("sqs"), get_settings().notifications_queue_url, waits)
    if took < len(waits):
        # Those come back at the queue's visibility timeout instead: later, still not lost.
        logger.warning(
            "some notices handed back keep the queue's visibility timeout", extra={"missed": len(waits) - took}
        )


@notify_workers.on_sqs_message(queue="awaaz-notifications", batch_size=10)
def send_notifications(event: SQSEvent) -> dict[str, Any]:
    """Deliver each message's notice; a failure returns that message alone to the queue, a rate refusal the rest."""
    pacer = send_pacer()
    remaining = _remaining_seconds(event)
    deadline = pacer.clock() + remaining - SAFETY_SECONDS if pacer is not None and remaining is not None else None
    batch = NoticeBatch(services(), pacer, deadline)
    response = process_batch(event, batch.handle, then=lambda: _hand_back(batch), fail_whole_batch=False)
    records = event.to_dict().get("Records", [])
    if batch.stopped is None and records and len(response.get("batchItemFailures", [])) == len(records):
        raise NoticesFailed(f"all {len(records)} notices of the batch failed")
    return response
