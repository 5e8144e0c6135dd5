from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.harness import Stack, running_stack


@pytest.fixture
def stack() -> Iterator[Stack]:
    with running_stack() as running:
        yield running
