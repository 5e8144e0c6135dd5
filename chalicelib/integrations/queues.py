"""SQS: hand work to the workers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from chalicelib.models.errors import ServiceUnavailable


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
