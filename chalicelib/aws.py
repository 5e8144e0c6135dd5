"""Lazily created, cached boto3 clients.

Never at import time: moto must be active before a client exists, and a cold
start should only pay for the clients its function uses.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from botocore.config import Config

_CONFIG = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=2, read_timeout=5)


@cache
def client(service: str) -> Any:
    """The process's one client for `service` (region and endpoint from the environment)."""
    import boto3

    return boto3.session.Session().client(service, config=_CONFIG)  # type: ignore[call-overload]


def reset_clients() -> None:
    """Forget every cached client (tests switch endpoints between runs)."""
    client.cache_clear()
