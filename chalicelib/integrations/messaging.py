"""SNS (SMS) and SES (e-mail): the messenger the notify worker sends through."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.models.errors import ServiceUnavailable


class SnsSesMessenger:
    """Transactional SMS straight to a phone number; plain-text e-mail from the portal's sender."""

    def __init__(self, sns: Callable[[], Any], ses: Callable[[], Any], sender: str | None) -> None:
        self._sns = sns  # factories: each client is made on first use
        self._ses = ses
        self._sender = sender

    def send_sms(self, phone: str, text: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._sns().publish(
                PhoneNumber=phone,
                Message=text,
                MessageAttributes={
                    "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
                    "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": "AWAAZ"},
                },
            )
        except (BotoCoreError, ClientError) as exc:
            raise ServiceUnavailable("SMS could not be sent") from exc

    def send_email(self, address: str, subject: str, text: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        if not self._sender:
            raise ServiceUnavailable("no sender e-mail address is configured (SENDER_EMAIL)")
        try:
            self._ses().send_email(
                Source=self._sender,
                Destination={"ToAddresses": [address]},
                Message={
                    "Subject": {"Data": subject, "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": text, "Charset": "UTF-8"}},
                },
            )
        except (BotoCoreError, ClientError) as exc:
            raise ServiceUnavailable("e-mail could not be sent") from exc
