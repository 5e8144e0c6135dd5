"""The user pool's public signing keys (JWKS), fetched over HTTPS and cached per container."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from typing import Any

_TTL_SECONDS = 3600.0
# An unknown key id triggers at most one refetch a minute, so forged tokens
# cannot turn the authorizer into a load generator against the JWKS endpoint.
_REFETCH_SECONDS = 60.0


class JwksCache:
    def __init__(self, url: str, ttl_seconds: float = _TTL_SECONDS) -> None:
        self._url = url
        self._ttl = ttl_seconds
        self._keys: dict[str, dict[str, Any]] = {}
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def _fetch(self) -> None:
        with urllib.request.urlopen(self._url, timeout=3) as response:  # noqa: S310 (fixed https/loopback URL)
            document = json.loads(response.read())
        self._keys = {k["kid"]: k for k in document.get("keys", []) if "kid" in k}
        self._fetched_at = time.monotonic()

    def key(self, kid: str) -> dict[str, Any] | None:
        """The JWK with this key id; refetches once when an unknown id appears (key rotation)."""
        with self._lock:
            age = time.monotonic() - self._fetched_at
            if not self._keys or age > self._ttl or (kid not in self._keys and age > _REFETCH_SECONDS):
                self._fetch()
            return self._keys.get(kid)
