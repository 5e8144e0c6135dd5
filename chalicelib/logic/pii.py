"""Personal data: validation, normalisation, masking and protection at rest.

The CNIC is kept only as a keyed hash (to find duplicates) and an AES-GCM
ciphertext (for an officer who must see it); never in clear, never in a log.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re

_E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
_PK_MOBILE = re.compile(r"^\+923[0-9]{9}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def normalise_phone(raw: str) -> str | None:
    """E.164 form of a phone number; Pakistani `03xx-xxxxxxx` and `0092…` accepted. None if invalid."""
    text = re.sub(r"[\s\-().]", "", raw)
    if text.startswith("00"):
        text = "+" + text[2:]
    elif re.fullmatch(r"03[0-9]{9}", text):
        text = "+92" + text[1:]
    if not _E164.fullmatch(text):
        return None
    if text.startswith("+92") and not _PK_MOBILE.fullmatch(text):
        return None  # a Pakistani number that is not a mobile cannot receive the code
    return text


def normalise_email(raw: str) -> str | None:
    text = raw.strip()
    if not _EMAIL.fullmatch(text) or len(text) > 254:
        return None
    local, domain = text.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def normalise_cnic(raw: str) -> str | None:
    """The 13 digits of a CNIC given as `12345-1234567-1` or plain digits; None if not 13 digits."""
    digits = re.sub(r"[\s-]", "", raw)
    return digits if re.fullmatch(r"[0-9]{13}", digits) else None


def _derive(key: bytes, purpose: bytes) -> bytes:
    return hmac.new(key, purpose, hashlib.sha256).digest()


def cnic_hash(cnic: str, key: bytes) -> str:
    return hmac.new(_derive(key, b"cnic-hash"), cnic.encode(), hashlib.sha256).hexdigest()


def encrypt(value: str, key: bytes) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    sealed = AESGCM(_derive(key, b"pii-encrypt")).encrypt(nonce, value.encode(), None)
    return base64.b64encode(nonce + sealed).decode()


def decrypt(token: str, key: bytes) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    raw = base64.b64decode(token)
    return AESGCM(_derive(key, b"pii-encrypt")).decrypt(raw[:12], raw[12:], None).decode()


def mask_phone(phone: str) -> str:
    return phone[:6] + "*" * max(len(phone) - 8, 0) + phone[-2:] if len(phone) > 8 else "*" * len(phone)


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


_EMAIL_IN_TEXT = re.compile(r"[^@\s<>\"',;:()]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_CNIC_IN_TEXT = re.compile(r"(?<!\d)\d{5}-?\d{7}-?\d(?!\d)")
_PHONE_IN_TEXT = re.compile(r"(?<![\w+])(?:\+\d{10,15}|00\d{10,15}|03\d{2}[\s-]?\d{7})(?!\d)")


def redact(text: str) -> str:
    """Free text made fit to publish: e-mail addresses, CNICs and phone numbers inside it are hidden."""
    text = _EMAIL_IN_TEXT.sub("[e-mail hidden]", text)
    text = _CNIC_IN_TEXT.sub("[CNIC hidden]", text)
    return _PHONE_IN_TEXT.sub("[phone hidden]", text)
