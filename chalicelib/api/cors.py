"""CORS for the web client: the API's own headers must pass a browser's preflight."""

from __future__ import annotations

from chalice.app import CORSConfig

CORS = CORSConfig(
    allow_origin="*",
    allow_headers=["Idempotency-Key", "If-Match", "If-None-Match", "Accept-Language"],
    expose_headers=["Location", "Idempotent-Replayed", "Retry-After", "ETag"],
    max_age=600,
)
