"""Pacing the notify worker's sends under the account's SES and SMS rates.

SES allows an account a maximum send rate (14 e-mails a second out of the sandbox, until AWS raises it), and
SNS a rate of SMS; both answer faster senders with `Throttling`. The notify worker runs as at most N
containers at once (its reserved concurrency and its event source's MaximumConcurrency), so each container
sends at no more than rate / N per channel, with a token bucket of one token: together they stay under the
account's rate however the backlog is shared between them. A container alone sends at its own share only:
a backlog is what brings the other containers, and then the shares add up to the rate.

The clock and the sleeper are handed in: tests drive a fake clock and never sleep.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from chalicelib.logic.ports import Messenger
from chalicelib.models.errors import ServiceUnavailable
from chalicelib.observability import metrics

Clock = Callable[[], float]
Sleeper = Callable[[float], None]


class NoTimeToSend(ServiceUnavailable):
    """The next send would start too late for this invocation to finish it: the notice waits for another one."""


class TokenBucket:
    """`rate` tokens a second, holding at most `capacity` (≥ 1); one token per send."""

    def __init__(self, rate: float, capacity: float = 1.0, clock: Clock = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("a send rate must be above 0")
        self.rate = rate
        self.capacity = max(1.0, capacity)
        self._clock = clock
        self._tokens = self.capacity  # a new container may send at once
        self._at = clock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._at) * self.rate)
        self._at = now

    def delay(self) -> float:
        """Seconds until a token is there (0: now)."""
        self._refill()
        return 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate

    def take(self) -> None:
        """Spend a token (after waiting `delay()`)."""
        self._refill()
        self._tokens -= 1


@dataclass(frozen=True)
class SendRates:
    """The account's send rates per second (None: that channel is not paced) and how many containers share them."""

    email: float | None
    sms: float | None
    senders: int = 1

    def share(self, rate: float) -> float:
        return rate / max(1, self.senders)


@dataclass
class Pacer:
    """This container's buckets, one per channel, kept for the container's life (so across invocations)."""

    rates: SendRates
    clock: Clock = time.monotonic
    sleep: Sleeper = time.sleep
    _buckets: dict[str, TokenBucket] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for channel, rate in (("email", self.rates.email), ("sms", self.rates.sms)):
            if rate:
                self._buckets[channel] = TokenBucket(self.rates.share(rate), clock=self.clock)

    def per_second(self, channel: str) -> float | None:
        """This container's rate on a channel (None: unpaced)."""
        bucket = self._buckets.get(channel)
        return bucket.rate if bucket else None

    def acquire(self, channel: str, deadline: float | None = None) -> float:
        """Wait for this container's turn to send on `channel`; the seconds waited.

        `deadline` (on this pacer's clock): a send that could not start before it raises NoTimeToSend instead.
        """
        bucket = self._buckets.get(channel)
        if bucket is None:
            return 0.0
        wait = bucket.delay()
        if deadline is not None and self.clock() + wait > deadline:
            raise NoTimeToSend(f"no time left in this invocation to send by {channel}")
        if wait > 0:
            self.sleep(wait)
            metrics.add_metric(name="SendsPaced", unit="Seconds", value=wait)
        bucket.take()
        return wait


class PacedMessenger:
    """A messenger that takes its turn from the pacer before each send (the notify worker's, per invocation)."""

    def __init__(self, inner: Messenger, pacer: Pacer, deadline: float | None = None) -> None:
        self._inner = inner
        self._pacer = pacer
        self._deadline = deadline

    def send_sms(self, phone: str, text: str) -> None:
        self._pacer.acquire("sms", self._deadline)
        self._inner.send_sms(phone, text)

    def send_email(self, address: str, subject: str, text: str) -> None:
        self._pacer.acquire("email", self._deadline)
        self._inner.send_email(address, subject, text)
