"""List cursors: opaque to the client, signed, bound to the caller and the query, short-lived.

A token is `<payload>.<tag>`, both URL-safe base64 without padding: the payload is the
compact JSON `{"issued_at": <unix seconds>, "position": {...}}` and the tag an
HMAC-SHA256, under a key kept for cursors only, of the scope and the payload. The
scope names the list, the caller and the query's filters, so a cursor replayed by
another caller or with other filters fails its tag exactly as a tampered one does.
The store only ever sees a position this service wrote, for this caller and query.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from datetime import timedelta

from chalicelib.logic.ports import Services
from chalicelib.models.errors import InvalidCursor

LIFETIME = timedelta(hours=24)
MAX_TOKEN = 2048
_PURPOSE = b"list-cursor"
_TOKEN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


def scope_of(endpoint: str, sub: str, **filters: str | bool | None) -> str:
    """`endpoint|sub|name=value|…`, filters sorted by name; an absent filter is an empty value."""
    shown = [f"{name}={_text(value)}" for name, value in sorted(filters.items())]
    return "|".join([endpoint, sub, *shown])


def seal(services: Services, position: dict[str, str], scope: str) -> str:
    """A token for `position`, valid only for `scope` and for LIFETIME from now."""
    issued_at = int(services.clock().timestamp())
    payload = json.dumps({"issued_at": issued_at, "position": position}, separators=(",", ":"), sort_keys=True)
    raw = payload.encode()
    return f"{_b64(raw)}.{_b64(_tag(services.pii_keys().hash_key(), scope, raw))}"


def unseal(services: Services, token: str | None, scope: str) -> dict[str, str] | None:
    """The position a token of `scope` carries; None for no token. Anything else is InvalidCursor."""
    if not token:
        return None
    if len(token) > MAX_TOKEN or not _TOKEN.fullmatch(token):
        raise InvalidCursor()
    encoded_payload, encoded_tag = token.split(".")
    raw, tag = _unb64(encoded_payload), _unb64(encoded_tag)
    if not hmac.compare_digest(tag, _tag(services.pii_keys().hash_key(), scope, raw)):
        raise InvalidCursor()
    # Signed by this service for this scope: what follows guards against our own bugs and old formats.
    try:
        payload = json.loads(raw)
    except ValueError as exc:
        raise InvalidCursor() from exc
    if not isinstance(payload, dict):
        raise InvalidCursor()
    issued_at, position = payload.get("issued_at"), payload.get("position")
    if not isinstance(issued_at, int) or isinstance(issued_at, bool):
        raise InvalidCursor()
    if services.clock().timestamp() - issued_at > LIFETIME.total_seconds():
        raise InvalidCursor()
    if not isinstance(position, dict) or not all(isinstance(v, str) for v in position.values()):
        raise InvalidCursor()
    return position


def _text(value: str | bool | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _key(master: bytes) -> bytes:
    # Derived as chalicelib/logic/pii.py derives its keys: one HMAC of the master key per
    # purpose, so a cursor tag can never stand for a CNIC hash, nor the reverse.
    return hmac.new(master, _PURPOSE, hashlib.sha256).digest()


def _tag(master: bytes, scope: str, payload: bytes) -> bytes:
    # The scope's length goes first, so no (scope, payload) pair reads as another.
    scoped = scope.encode()
    message = len(scoped).to_bytes(4, "big") + scoped + payload
    return hmac.new(_key(master), message, hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    """Strict URL-safe base64: only the canonical spelling of some bytes decodes."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, binascii.Error) as exc:
        raise InvalidCursor() from exc
    # Spare low bits in the last character would let two spellings decode alike; refuse all but ours.
    if _b64(raw) != text:
        raise InvalidCursor()
    return raw
