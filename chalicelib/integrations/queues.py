"""SQS: hand work to the workers."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from chalicelib.models.errors import ServiceUnavailable
from chalicelib.models.notifications import Notification

_BATCH = 10  # SQS SendMessageBatch takes at most ten entries


class SqsIntakeQueue:
    """Sends case ids to the intake queue the route worker consumes."""

    def __init__(self, client: Callable[[], Any], queue_url: str) -> None:
        self._client = client  # a factory: the client is made on first send
        self._url = queue_url

    def send_case(self, case_id: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._client().send_message(QueueUrl=self._url, MessageBody=json.dumps({"case_id": case_id}))
        except (BotoCoreError, ClientError) as exc:
            raise ServiceUnavailable("the intake queue is unavailable") from exc


class SqsNotificationQueue:
    """Sends committed notices to the notifications queue the notify worker consumes."""

    def __init__(self, client: Callable[[], Any], queue_url: str) -> None:
        self._client = client
        self._url = queue_url

    def enqueue(self, notes: Sequence[Notification]) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        for start in range(0, len(notes), _BATCH):
            chunk = notes[start : start + _BATCH]
            entries = [
                {"Id": str(i), "MessageBody": json.dumps(n.message(), ensure_ascii=False)} for i, n in enumerate(chunk)
            ]
            try:
                out = self._client().send_message_batch(QueueUrl=self._url, Entries=entries)
            except (BotoCoreError, ClientError) as exc:
                raise ServiceUnavailable("the notifications queue is unavailable") from exc
            if out.get("Failed"):
                raise ServiceUnavailable(f"the notifications queue refused {len(out['Failed'])} message(s)")
