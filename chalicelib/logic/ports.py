"""What logic needs from the outside world, as interfaces it is handed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from chalicelib.logic.directory import Directory
from chalicelib.logic.pii import Keyring
from chalicelib.models.identity import Account, ChallengeName, ChallengeOut, Pool, TokensOut
from chalicelib.models.limits import DailyLimits
from chalicelib.models.notifications import Notification
from chalicelib.models.operations import DeadLetter, QueueCounts, QueueName
from chalicelib.models.uploads import PresignedPost
from chalicelib.store.archive import CaseArchive
from chalicelib.store.table import Table


class IntakeQueue(Protocol):
    def send_case(self, case_id: str) -> None:
        """Ask the route worker to route this case; raises ServiceUnavailable if it cannot."""


class NotificationQueue(Protocol):
    def enqueue(self, notes: Sequence[Notification]) -> None:
        """Hand committed notices to the notify worker; raises ServiceUnavailable if it cannot."""


class DueQueue(Protocol):
    """The due queue: the sweeper's finder hands due case ids to the due-queue worker."""

    def send(self, messages: Sequence[Sequence[str]], found_at: str) -> None:
        """Send up to ten messages, each a list of case ids found due at `found_at`; ServiceUnavailable if it cannot."""

    def waiting(self) -> int:
        """About how many messages wait to be received (not those being worked on); ServiceUnavailable if unknown."""


class Messenger(Protocol):
    def send_sms(self, phone: str, text: str) -> None:
        """Send a text message; raises ServiceUnavailable if it cannot."""

    def send_email(self, address: str, subject: str, text: str) -> None:
        """Send a plain-text e-mail; raises ServiceUnavailable if it cannot."""


class IdentityProvider(Protocol):
    """Accounts in the two pools (citizens, staff), reached only by admin calls: the pools take nothing else."""

    def find(self, pool: Pool, username: str) -> Account | None:
        """The account, or None when the pool has no such username."""

    def create(self, pool: Pool, username: str, password: str | None, attributes: dict[str, str], group: str) -> str:
        """Create a confirmed account in `group` and return its `sub` (AlreadyExists when the username is taken).
        Without a password the account must choose one at first sign-in."""

    def sign_in(self, pool: Pool, username: str, password: str) -> TokensOut | ChallengeOut: ...

    def answer(
        self, pool: Pool, username: str, session: str, challenge: ChallengeName, answer: str | None
    ) -> TokensOut | ChallengeOut:
        """Answer a sign-in challenge (`answer`: the code, or the new password); tokens or the next challenge."""

    def refresh(self, pool: Pool, refresh_token: str) -> TokensOut: ...

    def set_password(self, pool: Pool, username: str, password: str) -> None: ...

    def set_enabled(self, pool: Pool, username: str, enabled: bool) -> None: ...

    def delete(self, pool: Pool, username: str) -> None: ...

    def sign_out(self, pool: Pool, username: str) -> None:
        """Revoke every refresh token of the account (ID tokens stay valid: the revocation marker stops them)."""

    def update(self, pool: Pool, username: str, attributes: dict[str, str]) -> None: ...

    def invite(
        self, pool: Pool, username: str, temporary_password: str, attributes: dict[str, str], groups: Sequence[str]
    ) -> str:
        """Create an account that must choose a password (and, in the staff pool, enrol an authenticator app) at its
        first sign-in, in `groups`, sending nothing itself; its `sub` (AlreadyExists when the username is taken)."""

    def add_to_group(self, pool: Pool, username: str, group: str) -> None: ...

    def remove_from_group(self, pool: Pool, username: str, group: str) -> None: ...


class UploadPresigner(Protocol):
    def presign_post(self, key: str, content_type: str, max_bytes: int, expires_in: int) -> PresignedPost:
        """A POST for exactly this key and type, 1 to `max_bytes` long; raises ServiceUnavailable if it cannot."""

    def presign_get(self, key: str, content_type: str, filename: str, inline: bool, expires_in: int) -> str:
        """A GET of the object at `key`, served as `content_type` under `filename`; raises ServiceUnavailable if it cannot.

        `inline`: the browser shows it; else it downloads it.
        """

    def stored_size(self, key: str) -> int | None:
        """The size of the object at `key`, None when there is none; raises ServiceUnavailable if it cannot tell."""


class QueueOperations(Protocol):
    """The work queues and their dead-letter queues, as an operator reaches them (`intake`, `notifications`, `due`).

    Every method raises ServiceUnavailable when the queue service cannot answer.
    """

    def names(self) -> tuple[QueueName, ...]:
        """The queues this stack has, in QUEUE_NAMES' order (a stack deployed before the due queue lacks it)."""

    def counts(self, queue: QueueName, *, dead_letters: bool) -> QueueCounts:
        """The queue's (or its dead-letter queue's) approximate counts."""

    def oldest_ages(self) -> dict[QueueName, int | None]:
        """Each work queue's age of its oldest message in seconds, from metrics; None where none was measured."""

    def receive_dead_letters(self, queue: QueueName, most: int, hidden_seconds: int) -> list[DeadLetter]:
        """Up to `most` (≤ 10) dead letters, hidden from other receivers for `hidden_seconds` (0: a peek)."""

    def send_back(self, queue: QueueName, letters: Sequence[DeadLetter]) -> set[str]:
        """Send each letter's body and attributes to its work queue; the `message_id`s of the letters SQS took."""

    def delete_dead_letters(self, queue: QueueName, letters: Sequence[DeadLetter]) -> None:
        """Delete these letters from the dead-letter queue (by the receipt of their last receive)."""


@dataclass(frozen=True)
class StoredModel:
    """A model artefact as stored: its bytes (None when unchanged since the ETag asked about) and ETag."""

    data: bytes | None
    etag: str


class ModelStore(Protocol):
    """The classifier artefacts (chalicelib/insights/serving.py): `models/<name>/current.bin` in the models bucket."""

    def fetch(self, name: str, etag: str | None = None) -> StoredModel | None:
        """The current artefact `name`; data None when its ETag is still `etag`; None when there is none."""

    def publish(self, name: str, data: bytes) -> str:
        """Store a new current artefact `name` (the bucket keeps the earlier versions); its ETag."""


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
    # The PII keys, read when first needed (chalicelib/integrations/secrets.py): a function that never
    # touches personal data never reads them, and its role may not.
    pii_keys: Callable[[], Keyring]
    daily_limits: DailyLimits = field(default_factory=DailyLimits)
    # The operations view and redrive (chalicelib/logic/operations.py); None without the dead-letter queues' URLs.
    queue_operations: QueueOperations | None = None
    # The classifier artefacts (category suggestion, moderation); None without MODELS_BUCKET.
    models: ModelStore | None = None
    # The sweeper's due queue (chalicelib/logic/sweeper.py fan_out); None without DUE_QUEUE_URL.
    due: DueQueue | None = None
    # Ended cases' records a year on (chalicelib/store/archive.py); None without ARCHIVE_BUCKET: nothing is
    # archived then (the sweeper counts such a case failed and leaves it whole and due), and an archived case
    # cannot be read whole (503). Every deployed function and the local stack have it (CommonEnvironment).
    archive: CaseArchive | None = None
