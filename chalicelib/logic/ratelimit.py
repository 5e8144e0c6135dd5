"""Per-subject rate limits: sign-ups and codes per phone or e-mail and per source, failed sign-ins with a
growing backoff, Open311 posts per key, and each citizen's daily limits on complaints, information
requests and feedback.

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
from chalicelib.store.keys import rate_key
from chalicelib.store.table import Increment, Item, Key

# action → (most allowed per window, window in seconds). Each code sent is an SMS or e-mail that costs
# money and reaches a person: per username (phone or e-mail) few, per source (IP address) more, since
# mobile carriers put many people behind one address.
LIMITS: dict[str, tuple[int, int]] = {
    "register": (5, 3600),
    "register_source": (30, 3600),
    "resend": (5, 3600),
    "resend_source": (30, 3600),
    "forgot": (5, 3600),
    "forgot_source": (30, 3600),
    "code": (10, 3600),  # tries of a confirmation or reset code (and each code dies after 5 wrong tries)
    "code_source": (60, 3600),
    "open311": (300, 3600),
    # Category suggestions while a citizen types (debounced: a few dozen a complaint), per source address.
    "suggest_source": (1200, 3600),
}

# Failed sign-ins (a wrong password or authenticator code; a success counts nothing), per username and
# source together, per source, and per username from everywhere. Below `free` failures in the window
# nothing waits; past it the next try waits 2, 4, 8 ... seconds after the last failure, at most
# MAX_BACKOFF. A stranger's failures slow the stranger: the username-wide count only slows sources
# that have themselves failed on that username, so its owner signing in from their own device gets in.
FAILED_WINDOW = 3600
PAIR_FREE = 5
SOURCE_FREE = 50
USERNAME_FREE = 20
MAX_BACKOFF = 900
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


def check_both(services: Services, action: str, username: str, source: str) -> None:
    """Count one `action` for the username and one for the source address (each has its own limit)."""
    check(services, action, username)
    check(services, f"{action}_source", source)


def backoff(failures: int, free: int) -> int:
    """Seconds to wait after the last failure, once `failures` reach `free`: 1, 2, 4 ... up to MAX_BACKOFF."""
    if failures < free:
        return 0
    return int(min(2 ** min(failures - free, 20), MAX_BACKOFF))


@dataclass(frozen=True)
class SignInCounters:
    """This window's failed sign-ins of one username from one source: the keys to read before, and to count after."""

    pair: Key
    source: Key
    username: Key
    expires_at: int

    def all(self) -> list[Key]:
        return [self.pair, self.source, self.username]


def sign_in_counters(services: Services, username: str, source: str) -> SignInCounters:
    now = int(services.clock().timestamp())
    bucket = now // FAILED_WINDOW
    expires_at = (bucket + 2) * FAILED_WINDOW

    def key(action: str, subject: str) -> Key:
        return rate_key(action, _digest(action, subject), bucket)

    return SignInCounters(
        pair=key("signin_failed_pair", f"{username}|{source}"),
        source=key("signin_failed_source", source),
        username=key("signin_failed_user", username),
        expires_at=expires_at,
    )


def hold_sign_in(services: Services, counters: SignInCounters, found: dict[str, Item]) -> None:
    """RateLimited while this username from this source must wait; `found` holds the counters read (by PK)."""
    now = int(services.clock().timestamp())

    def wait(key: Key, free: int) -> int:
        item = found.get(key["PK"])
        if item is None or item.get("SK") != key["SK"]:
            return 0
        return int(backoff(int(item.get("hits", 0)), free) - (now - int(item.get("last_at", 0))))

    pair = found.get(counters.pair["PK"])
    waits = [wait(counters.pair, PAIR_FREE), wait(counters.source, SOURCE_FREE)]
    if pair is not None and pair.get("SK") == counters.pair["SK"]:
        waits.append(wait(counters.username, USERNAME_FREE))
    longest = max(waits)
    if longest > 0:
        after = f"{longest} second{'s' if longest > 1 else ''}" if longest < 120 else f"{longest // 60} minutes"
        raise RateLimited(f"too many failed sign-ins; try again in {after}", retry_after=longest)


def count_failed_sign_in(services: Services, counters: SignInCounters) -> None:
    """One more failure on each of the three counters, with its time (one transaction)."""
    now = int(services.clock().timestamp())
    extra = {"last_at": now, "expires_at": counters.expires_at}
    services.table.transact([Increment(key, {"hits": 1}, extra) for key in counters.all()])


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
