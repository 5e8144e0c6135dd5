"""Per-subject rate limits: sign-ups and codes per phone or e-mail, logins per username, Open311 posts per key,
and each citizen's daily limits on complaints, information requests and feedback.

Each check is one UpdateItem (ADD, returning the new count) on a counter for the current
window, which expires by TTL. The subject is hashed: a phone number never sits in a key.
A daily limit uses the same counters, but counts in the transaction that stores the new
case (a condition keeps it at the limit): a refused case, or an Idempotency-Key replayed,
counts nothing, and filing costs no extra call.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.logic.ports import Services
from chalicelib.logic.workdays import PAKISTAN
from chalicelib.models.errors import DailyLimitReached, RateLimited
from chalicelib.store import ratelimit as rate_store
from chalicelib.store.table import Increment

# action → (most allowed per window, window in seconds)
LIMITS: dict[str, tuple[int, int]] = {
    "register": (5, 3600),  # each sign-up sends an SMS or e-mail code
    "confirm": (10, 3600),
    "login": (20, 900),
    "open311": (300, 3600),
}
# A kind of case → its daily counter's action, and what the citizen is told they filed.
DAILY = {
    "complaint": ("complaints_day", "complaints"),
    "information": ("information_requests_day", "information requests"),
    "feedback": ("feedback_day", "pieces of feedback"),
}


def _digest(action: str, subject: str) -> str:
    return hashlib.sha256(f"{action}:{subject.strip().lower()}".encode()).hexdigest()[:32]


def check(services: Services, action: str, subject: str) -> None:
    """Count one `action` by `subject`; RateLimited (429) past the window's limit."""
    limit, window = LIMITS[action]
    now = int(services.clock().timestamp())
    bucket = now // window
    count = rate_store.count_attempt(services.table, action, _digest(action, subject), bucket, (bucket + 2) * window)
    if count > limit:
        retry = (bucket + 1) * window - now
        raise RateLimited(f"too many attempts; try again in {max(retry // 60, 1)} minutes", retry_after=retry)


@dataclass(frozen=True)
class DailyQuota:
    """Today's count of one kind of case for one citizen, as a write for the case's own transaction."""

    counter: Increment
    kind: str
    limit: int
    retry_after: int

    def refusal(self) -> DailyLimitReached:
        noun = DAILY[self.kind][1]
        return DailyLimitReached(
            f"you have filed {self.limit} {noun} today, the most a day allows; "
            "you can file more after midnight, Pakistan time",
            retry_after=self.retry_after,
        )


def daily_quota(services: Services, citizen_sub: str, kind: str) -> DailyQuota:
    """The counter of `kind` for today (a Pakistan day, UTC+5), which may not pass the citizen's limit."""
    action = DAILY[kind][0]
    limit = services.daily_limits.of(kind)
    now = services.clock()
    today = now.astimezone(PAKISTAN).date()
    midnight = datetime(today.year, today.month, today.day, tzinfo=PAKISTAN) + timedelta(days=1)
    expires_at = int((midnight + timedelta(days=1)).timestamp())
    counter = rate_store.attempt_within(action, _digest(action, citizen_sub), today.toordinal(), limit, expires_at)
    retry = max(math.ceil((midnight - now).total_seconds()), 1)
    return DailyQuota(counter=counter, kind=kind, limit=limit, retry_after=retry)
