"""The PII keyring, read from Secrets Manager (encrypted there under the stack's KMS key) when first needed.

Powertools Parameters keeps it for `MAX_AGE_SECONDS` within a warm container, so a rotation (a new
version made current: infra/rotate_pii_key.py) reaches every container within that time, and a
busy container asks Secrets Manager about once in that time, not per request. Imported lazily: a
function that never touches personal data never pays for the import nor makes the call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.logic.pii import Keyring
from chalicelib.models.errors import ServiceUnavailable

MAX_AGE_SECONDS = 300


class SecretsKeyring:
    """Callable: the current keyring (`Keyring.parse` of the secret's string, parsed once per value)."""

    def __init__(self, client: Callable[[], Any], secret_id: str) -> None:
        self._client = client
        self._secret_id = secret_id
        self._provider: Any = None
        self._parsed: tuple[str, Keyring] | None = None

    def __call__(self) -> Keyring:
        from aws_lambda_powertools.utilities.parameters import SecretsProvider
        from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

        if self._provider is None:
            self._provider = SecretsProvider(boto3_client=self._client())
        try:
            raw = str(self._provider.get(self._secret_id, max_age=MAX_AGE_SECONDS))
        except GetParameterError as exc:
            raise ServiceUnavailable("personal data cannot be read just now, try again shortly") from exc
        if self._parsed is None or self._parsed[0] != raw:
            self._parsed = (raw, Keyring.parse(raw))
        return self._parsed[1]

    def forget(self) -> None:
        """Read the secret again at the next use (as a new container would)."""
        if self._provider is not None:
            self._provider.clear_cache()
        self._parsed = None
