"""Rules every test obeys."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.client import BaseClient


class ScanIssued(AssertionError):
    pass


@pytest.fixture(autouse=True)
def no_scan(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail any test whose code issues a DynamoDB Scan: every list must be a Query."""
    original = getattr(BaseClient, "_make_api_call")  # noqa: B009 (private, untyped in the stubs)

    def guarded(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        if operation_name == "Scan":
            raise ScanIssued(f"a Scan was issued with {sorted(api_params)}; use a Query on a key or index")
        return original(self, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", guarded)
    yield
