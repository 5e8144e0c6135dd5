"""Print the SMS and e-mails the app sends (moto keeps them in memory), destinations masked.

Every second the SNS backend's `sms_messages` (and topic publishes) and the SES
backend's `sent_messages` are checked; each new message becomes one console line.
Destinations are masked the way the app masks them (+92300*****67, a***@example.pk),
and any phone number, e-mail or CNIC inside the text is masked too.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import logging
import re
import threading
from typing import Any

import moto.backends

log = logging.getLogger("local.outbox")

_EMAIL = re.compile(r"[^@\s<>\"',;:()]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_PHONE = re.compile(r"(?<![\w+*])(?:\+\d{10,15}|00\d{10,15}|03\d{2}[\s-]?\d{7})(?![\d*])")
_CNIC = re.compile(r"(?<!\d)\d{5}-?\d{7}-?\d(?!\d)")
_MAX_TEXT = 400


def mask_phone(phone: str) -> str:
    return phone[:6] + "*" * max(len(phone) - 8, 0) + phone[-2:] if len(phone) > 8 else "*" * len(phone)


def mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_text(text: str) -> str:
    """Mask anything in free text that looks like an e-mail, a CNIC or a phone number."""
    text = _EMAIL.sub(lambda m: mask_email(m.group(0)), text)
    text = _CNIC.sub(lambda m: "*****-*******-*", text)
    return _PHONE.sub(lambda m: mask_phone(re.sub(r"[\s-]", "", m.group(0))), text)


def one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _MAX_TEXT else flat[: _MAX_TEXT - 1] + "…"


def _destinations(message: Any) -> list[str]:
    raw = getattr(message, "destinations", None)
    if isinstance(raw, dict):
        found: list[str] = []
        for key in ("ToAddresses", "CcAddresses", "BccAddresses"):
            found.extend(raw.get(key, []) or [])
        return found
    if isinstance(raw, list):
        return list(raw)
    return []


def _email_text(message: Any) -> str:
    raw = getattr(message, "raw_data", None)
    if raw is not None:
        parsed = email.message_from_string(raw, policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain", "html"))
        content = body.get_content() if body is not None else ""
        return f"{parsed.get('Subject', '')} | {content}"
    if getattr(message, "template", None) is not None:
        return f"template {message.template} {getattr(message, 'template_data', '')}"
    return f"{getattr(message, 'subject', '')} | {getattr(message, 'body', '')}"


def sent_texts() -> list[tuple[str, str]]:
    """Every SMS and e-mail moto holds, oldest first, as (destination, text), unmasked (tests read codes here)."""
    found: list[tuple[str, str]] = []
    for _, _, backend in moto.backends.get_backend("sns").iter_backends():
        found.extend((phone, text) for phone, text in list(getattr(backend, "sms_messages", {}).values()))
    for _, _, backend in moto.backends.get_backend("ses").iter_backends():
        for message in list(getattr(backend, "sent_messages", [])):
            found.extend((address, _email_text(message)) for address in _destinations(message))
    return found


class Outbox:
    def __init__(self, interval: float = 1.0) -> None:
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._seen_sms: set[str] = set()
        self._seen_topic: dict[str, int] = {}
        self._seen_email: dict[int, int] = {}
        self.printed = 0
        self.poll(announce=False)  # what was sent before (restored state) is not printed again

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.poll()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)
        self.poll()

    def _print(self, channel: str, destination: str, text: str) -> None:
        self.printed += 1
        log.info("%-5s → %s: %s", channel, destination, one_line(mask_text(text)))

    def poll(self, announce: bool = True) -> None:
        with contextlib.suppress(RuntimeError):  # a collection changed while we read it; next second will do
            self._poll(announce)

    def _poll(self, announce: bool) -> None:
        for _, _, backend in moto.backends.get_backend("sns").iter_backends():
            for message_id, (phone, text) in list(getattr(backend, "sms_messages", {}).items()):
                if message_id not in self._seen_sms:
                    self._seen_sms.add(message_id)
                    if announce:
                        self._print("sms", mask_phone(phone), text)
            for arn, topic in list(getattr(backend, "topics", {}).items()):
                sent = list(getattr(topic, "sent_notifications", []))
                for notification in sent[self._seen_topic.get(arn, 0) :]:
                    if announce:
                        self._print("sns", f"topic {arn.rsplit(':', 1)[-1]}", str(notification[1]))
                self._seen_topic[arn] = len(sent)
        for _, _, backend in moto.backends.get_backend("ses").iter_backends():
            sent_messages = list(getattr(backend, "sent_messages", []))
            for message in sent_messages[self._seen_email.get(id(backend), 0) :]:
                if announce:
                    to = ", ".join(mask_email(a) for a in _destinations(message)) or "(no recipient)"
                    self._print("email", to, _email_text(message))
            self._seen_email[id(backend)] = len(sent_messages)
