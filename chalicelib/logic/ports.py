"""What logic needs from the outside world, as interfaces it is handed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from chalicelib.logic.directory import Directory
from chalicelib.models.identity import TokensOut
from chalicelib.store.table import Table


class IntakeQueue(Protocol):
    def send_case(self, case_id: str) -> None:
        """Ask the route worker to route this case; raises ServiceUnavailable if it cannot."""


class IdentityProvider(Protocol):
    def sign_up(self, username: str, password: str, attributes: dict[str, str]) -> str:
        """Create an unconfirmed account and return its `sub`."""

    def confirm(self, username: str, code: str) -> None: ...

    def login(self, username: str, password: str) -> TokensOut: ...

    def refresh(self, refresh_token: str) -> TokensOut: ...

    def add_to_group(self, username: str, group: str) -> None: ...


@dataclass
class Services:
    """The dependencies of a use case, built once per container by chalicelib.wiring."""

    table: Table
    directory: Callable[[], Directory]
    intake: IntakeQueue
    identity: IdentityProvider
    clock: Callable[[], datetime]
    pii_key: bytes
