"""Settings: the environment, read once into a typed object.

Nothing here runs at import time: Chalice's test client only applies
`.chalice/config.json` variables during a call, and Lambda cold starts should
not pay for work a function does not need.
"""

import os
from functools import lru_cache
from typing import Literal

from pydantic import ConfigDict

from chalicelib.models.base import Model
from chalicelib.models.limits import DailyLimits

# A citizen's daily limits: the environment variable of each kind of case (unset: DailyLimits' default).
DAILY_LIMIT_VARIABLES = {
    "complaint": "CITIZEN_DAILY_COMPLAINTS",
    "information": "CITIZEN_DAILY_INFORMATION_REQUESTS",
    "feedback": "CITIZEN_DAILY_FEEDBACK",
}


class Settings(Model):
    """Everything the functions read from their environment."""

    model_config = ConfigDict(frozen=True)

    # Kept though nothing reads it: the Literal makes a mistyped STAGE fail loudly at start-up.
    stage: Literal["local", "test", "dev", "prod"]
    table_name: str
    intake_queue_url: str
    notifications_queue_url: str
    attachments_bucket: str
    # Citizens sign in to one pool (Lite tier), officers and admins to another (MFA, threat protection).
    user_pool_id: str
    user_pool_client_id: str
    staff_pool_id: str
    staff_pool_client_id: str
    # Where each pool's public keys are served. Derived from the pool in AWS; the
    # local stack points them at the embedded moto server.
    jwks_url: str
    issuer: str
    staff_jwks_url: str
    staff_issuer: str
    # The Secrets Manager secret (encrypted under the stack's KMS key) holding the PII keyring: the keys of
    # the CNIC and username hashes and of the encrypted contact details (chalicelib/logic/pii.py Keyring).
    pii_secret_arn: str
    # The sweeper's due queue: the finder sends due case ids to it, the due-queue worker consumes it.
    due_queue_url: str | None = None
    # The work queues' dead-letter queues: only the API reads and redrives them (the operations view).
    intake_dlq_url: str | None = None
    notifications_dlq_url: str | None = None
    due_dlq_url: str | None = None
    # The classifier artefacts (chalicelib/insights/serving.py); without it, no suggestions and no moderation.
    models_bucket: str | None = None
    # Finished cases' records a year after they ended (chalicelib/store/archive.py); without it, none is archived.
    archive_bucket: str | None = None
    # From address of notification e-mails (a verified SES identity); only the notify worker needs it.
    sender_email: str | None = None
    # How many complaints, information requests and feedback a citizen may file in a Pakistan day.
    daily_limits: DailyLimits = DailyLimits()
    # The account's send rates per second (SES e-mail, SNS SMS) and how many notify containers share them
    # (its MaximumConcurrency): each container sends at rate / senders (chalicelib/logic/pacing.py). Set for
    # the notify worker only (infra/functions.json); unset, sends are not paced (the API's codes, the local stack).
    ses_max_send_rate: float | None = None
    sms_max_send_rate: float | None = None
    notify_senders: int = 1


def _required(env: dict[str, str], name: str) -> str:
    value = env.get(name)
    if not value:
        raise RuntimeError(f"environment variable {name} is required")
    return value


def _daily_limits(env: dict[str, str]) -> DailyLimits:
    """The limits set in the environment, each a whole number from 1; an unusable one fails loudly."""
    chosen: dict[str, int] = {}
    for kind, name in DAILY_LIMIT_VARIABLES.items():
        raw = env.get(name)
        if not raw:
            continue
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            raise RuntimeError(f"{name} must be a whole number from 1, got {raw!r}")
        chosen[kind] = int(raw)
    return DailyLimits(**chosen)


def _rate(env: dict[str, str], name: str) -> float | None:
    """A send rate per second (above 0), or None when unset; an unusable one fails loudly."""
    raw = env.get(name)
    if not raw:
        return None
    try:
        rate = float(raw)
    except ValueError:
        rate = 0.0
    if not rate > 0 or rate == float("inf"):
        raise RuntimeError(f"{name} must be a number of sends per second above 0, got {raw!r}")
    return rate


def _senders(env: dict[str, str]) -> int:
    raw = env.get("NOTIFY_SENDERS") or "1"
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise RuntimeError(f"NOTIFY_SENDERS must be a whole number from 1, got {raw!r}")
    return int(raw)


def settings_from(env: dict[str, str]) -> Settings:
    """Build settings from an environment mapping; a missing variable fails loudly."""
    region = env.get("AWS_REGION") or _required(env, "AWS_DEFAULT_REGION")
    pool_id = _required(env, "USER_POOL_ID")
    staff_pool_id = _required(env, "STAFF_POOL_ID")
    endpoint = env.get("AWS_ENDPOINT_URL") or None
    stage = _required(env, "STAGE")

    def issuer_and_keys(pool: str) -> tuple[str, str]:
        issuer = f"https://cognito-idp.{region}.amazonaws.com/{pool}"
        if endpoint and stage in ("local", "test"):
            # moto serves the pool's JWKS under its own endpoint; only trusted locally.
            return issuer, f"{endpoint.rstrip('/')}/{pool}/.well-known/jwks.json"
        return issuer, f"{issuer}/.well-known/jwks.json"

    issuer, jwks_url = issuer_and_keys(pool_id)
    staff_issuer, staff_jwks_url = issuer_and_keys(staff_pool_id)
    return Settings(
        stage=stage,
        table_name=_required(env, "TABLE_NAME"),
        intake_queue_url=_required(env, "INTAKE_QUEUE_URL"),
        notifications_queue_url=_required(env, "NOTIFICATIONS_QUEUE_URL"),
        attachments_bucket=_required(env, "ATTACHMENTS_BUCKET"),
        user_pool_id=pool_id,
        user_pool_client_id=_required(env, "USER_POOL_CLIENT_ID"),
        staff_pool_id=staff_pool_id,
        staff_pool_client_id=_required(env, "STAFF_POOL_CLIENT_ID"),
        jwks_url=jwks_url,
        issuer=issuer,
        staff_jwks_url=staff_jwks_url,
        staff_issuer=staff_issuer,
        pii_secret_arn=_required(env, "PII_SECRET_ARN"),
        due_queue_url=env.get("DUE_QUEUE_URL") or None,
        intake_dlq_url=env.get("INTAKE_DLQ_URL") or None,
        notifications_dlq_url=env.get("NOTIFICATIONS_DLQ_URL") or None,
        due_dlq_url=env.get("DUE_DLQ_URL") or None,
        sender_email=env.get("SENDER_EMAIL") or None,
        models_bucket=env.get("MODELS_BUCKET") or None,
        archive_bucket=env.get("ARCHIVE_BUCKET") or None,
        daily_limits=_daily_limits(env),
        ses_max_send_rate=_rate(env, "SES_MAX_SEND_RATE"),
        sms_max_send_rate=_rate(env, "SMS_MAX_SEND_RATE"),
        notify_senders=_senders(env),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read on first use."""
    return settings_from(dict(os.environ))
