"""SNS (SMS) and SES (e-mail): the messenger the notify worker sends through."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.models.errors import SendThrottled, ServiceUnavailable

# The error codes SES and SNS answer a send with when the account's rate is exceeded: SES `Throttling`
# ("Maximum sending rate exceeded." or "Daily message quota exceeded."), SNS `ThrottledException` for SMS
# (and `Throttling` from the API front end). botocore's standard retry mode has already retried them twice.
_THROTTLING = frozenset({"Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException"})


def _refusal(exc: Exception, what: str) -> ServiceUnavailable:
    """A send's failure as the domain sees it: a rate refusal (SendThrottled), or any other outage."""
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        if error.get("Code") in _THROTTLING:
            quota = "daily message quota" in str(error.get("Message", "")).lower()
            reason = "the daily sending quota is exhausted" if quota else "the sending rate was exceeded"
            return SendThrottled(f"{what} could not be sent: {reason}", daily_quota=quota)
    return ServiceUnavailable(f"{what} could not be sent")


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
            raise _refusal(exc, "SMS") from exc

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
            raise _refusal(exc, "e-mail") from exc
