"""The composition root: builds the real dependencies of the use cases, once per container."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.integrations.cognito import CognitoIdentity
from chalicelib.integrations.jwks import JwksCache
from chalicelib.integrations.messaging import SnsSesMessenger
from chalicelib.integrations.models import S3ModelStore
from chalicelib.integrations.queues import (
    QueuePair,
    SqsDueQueue,
    SqsIntakeQueue,
    SqsNotificationQueue,
    SqsQueueOperations,
)
from chalicelib.integrations.s3 import S3CaseArchive, S3UploadPresigner
from chalicelib.integrations.secrets import SecretsKeyring
from chalicelib.logic.directory import Directory, directory_of
from chalicelib.logic.pacing import Pacer, SendRates
from chalicelib.logic.ports import QueueOperations, Services
from chalicelib.models.operations import QueueName
from chalicelib.store.directory import DirectoryCache
from chalicelib.store.table import DynamoTable


def utc_now() -> datetime:
    return datetime.now(UTC)


@lru_cache(maxsize=1)
def directory_cache() -> DirectoryCache:
    """This container's loaded directory (re-read when another container changes it, within a minute)."""
    return DirectoryCache()


def forget_directory() -> None:
    """After this container changed the directory: its next request reads the new one."""
    directory_cache().forget()


@lru_cache(maxsize=1)
def services() -> Services:
    settings = get_settings()
    table = DynamoTable(settings.table_name, aws.client("dynamodb"))
    cache = directory_cache()

    def directory() -> Directory:
        return directory_of(cache.get(table))

    operations: QueueOperations | None = None
    if settings.intake_dlq_url and settings.notifications_dlq_url:
        pairs: dict[QueueName, QueuePair] = {
            "intake": QueuePair(settings.intake_queue_url, settings.intake_dlq_url),
            "notifications": QueuePair(settings.notifications_queue_url, settings.notifications_dlq_url),
        }
        if settings.due_queue_url and settings.due_dlq_url:
            pairs["due"] = QueuePair(settings.due_queue_url, settings.due_dlq_url)
        operations = SqsQueueOperations(lambda: aws.client("sqs"), lambda: aws.client("cloudwatch"), pairs)

    return Services(
        table=table,
        directory=directory,
        intake=SqsIntakeQueue(lambda: aws.client("sqs"), settings.intake_queue_url),
        notifications=SqsNotificationQueue(lambda: aws.client("sqs"), settings.notifications_queue_url),
        messenger=SnsSesMessenger(lambda: aws.client("sns"), lambda: aws.client("ses"), settings.sender_email),
        identity=CognitoIdentity(
            lambda: aws.client("cognito-idp"),
            {
                "citizens": (settings.user_pool_id, settings.user_pool_client_id),
                "staff": (settings.staff_pool_id, settings.staff_pool_client_id),
            },
        ),
        uploads=S3UploadPresigner(lambda: aws.client("s3"), settings.attachments_bucket),
        clock=utc_now,
        pii_keys=SecretsKeyring(lambda: aws.client("secretsmanager"), settings.pii_secret_arn),
        daily_limits=settings.daily_limits,
        queue_operations=operations,
        models=S3ModelStore(lambda: aws.client("s3"), settings.models_bucket) if settings.models_bucket else None,
        due=SqsDueQueue(lambda: aws.client("sqs"), settings.due_queue_url) if settings.due_queue_url else None,
        archive=S3CaseArchive(lambda: aws.client("s3"), settings.archive_bucket) if settings.archive_bucket else None,
    )


@lru_cache(maxsize=1)
def send_pacer() -> Pacer | None:
    """This container's pacing of SMS and e-mail under the account's rates (None: sends are not paced)."""
    settings = get_settings()
    if settings.ses_max_send_rate is None and settings.sms_max_send_rate is None:
        return None
    return Pacer(SendRates(settings.ses_max_send_rate, settings.sms_max_send_rate, settings.notify_senders))


@lru_cache(maxsize=2)
def jwks(url: str) -> JwksCache:
    """The public keys served at `url` (one cache per pool)."""
    return JwksCache(url)


def reset() -> None:
    """Forget every cached dependency (tests and the local stack's restarts)."""
    services.cache_clear()
    directory_cache.cache_clear()
    jwks.cache_clear()
    send_pacer.cache_clear()
    get_settings.cache_clear()
    aws.reset_clients()
