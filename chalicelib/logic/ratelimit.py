"""Per-subject rate limits: sign-ups and codes per phone or e-mail, logins per username, Open311 posts per key.

Each check is one UpdateItem (ADD, returning the new count) on a counter for the current
window, which expires by TTL. The subject is hashed: a phone number never sits in a key.
"""

from __future__ import annotations

import hashlib

from chalicelib.logic.ports import Services
from chalicelib.models.errors import RateLimited
from chalicelib.store import ratelimit as rate_store

# action → (most allowed per window, window in seconds)
LIMITS: dict[str, tuple[int, int]] = {
    "register": (5, 3600),  # each sign-up sends an SMS or e-mail code
    "confirm": (10, 3600),
    "login": (20, 900),
    "open311": (300, 3600),
}


def check(services: Services, action: str, subject: str) -> None:
    """Count one `action` by `subject`; RateLimited (429) past the window's limit."""
    limit, window = LIMITS[action]
    now = int(services.clock().timestamp())
    bucket = now // window
    digest = hashlib.sha256(f"{action}:{subject.strip().lower()}".encode()).hexdigest()[:32]
    count = rate_store.count_attempt(services.table, action, digest, bucket, (bucket + 2) * window)
    if count > limit:
        retry = (bucket + 1) * window - now
        raise RateLimited(f"too many attempts; try again in {max(retry // 60, 1)} minutes", retry_after=retry)
