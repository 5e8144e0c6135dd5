"""What logic needs from the outside world, as interfaces it is handed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from chalicelib.logic.directory import Directory
from chalicelib.models.identity import TokensOut
from chalicelib.models.limits import DailyLimits
from chalicelib.models.notifications import Notification
from chalicelib.models.uploads import PresignedPost
from chalicelib.store.table import Table


class IntakeQueue(Protocol):
    def send_case(self, case_id: str) -> None:
        """Ask the route worker to route this case; raises ServiceUnavailable if it cannot."""


class NotificationQueue(Protocol):
    def enqueue(self, notes: Sequence[Notification]) -> None:
        """Hand committed notices to the notify worker; raises ServiceUnavailable if it cannot."""


class Messenger(Protocol):
    def send_sms(self, phone: str, text: str) -> None:
        """Send a text message; raises ServiceUnavailable if it cannot."""

    def send_email(self, address: str, subject: str, text: str) -> None:
        """Send a plain-text e-mail; raises ServiceUnavailable if it cannot."""


class IdentityProvider(Protocol):
    def sign_up(self, username: str, password: str, attributes: dict[str, str]) -> str:
        """Create an unconfirmed account and return its `sub`."""

    def confirm(self, username: str, code: str) -> None: ...

    def login(self, username: str, password: str) -> TokensOut: ...

    def refresh(self, refresh_token: str) -> TokensOut: ...

    def add_to_group(self, username: str, group: str) -> None: ...


class UploadPresigner(Protocol):
    def presign_post(self, key: str, content_type: str, max_bytes: int, expires_in: int) -> PresignedPost:
        """A POST for exactly this key and type, 1 to `max_bytes` long; raises ServiceUnavailable if it cannot."""


@dataclass
class Services:
    """The dependencies of a use case, built once per container by chalicelib.wiring."""

    table: Table
    directory: Callable[[], Directory]
    intake: IntakeQueue
    notifications: NotificationQueue
    messenger: Messenger
    identity: IdentityProvider
    uploads: UploadPresigner
    clock: Callable[[], datetime]
    pii_key: bytes
    daily_limits: DailyLimits = field(default_factory=DailyLimits)
