"""Authenticator codes (TOTP: RFC 6238, SHA-1, 6 digits, 30 s) for the local stack's staff accounts.

The embedded moto checks staff sign-in codes for real (MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP), but
with one fixed key for every account, MOTO_TOTP_SECRET: enrolling an app locally hands out that key.
In AWS each account's key is Cognito's own and never leaves the person's authenticator app.

    make totp            # the code a demo officer or admin types now
"""

from __future__ import annotations

import base64
import sys
import time

# moto's fixed software-token key (moto.cognitoidp.models.COGNITO_TOTP_MFA_SECRET).
MOTO_TOTP_SECRET = "asdfasdfasdf"
STEP = 30
# A code read this close to the end of its 30 s is waited out, so it is still good when sent.
MARGIN = 3


def _totp(secret: str) -> object:
    from cryptography.hazmat.primitives.hashes import SHA1
    from cryptography.hazmat.primitives.twofactor.totp import TOTP

    padded = secret.upper() + "=" * (-len(secret) % 8)
    return TOTP(base64.b32decode(padded), 6, SHA1(), STEP, enforce_key_length=False)


def code(secret: str = MOTO_TOTP_SECRET, at: float | None = None) -> str:
    """The code an authenticator app shows for `secret` at `at` (now by default)."""
    from cryptography.hazmat.primitives.twofactor.totp import TOTP

    totp = _totp(secret)
    assert isinstance(totp, TOTP)
    return totp.generate(int(time.time() if at is None else at)).decode()


def fresh_code(secret: str = MOTO_TOTP_SECRET) -> str:
    """Now's code, after waiting out the last seconds of a step."""
    left = STEP - time.time() % STEP
    if left < MARGIN:
        time.sleep(left + 0.05)
    return code(secret)


def main() -> int:
    left = int(STEP - time.time() % STEP)
    print(f"{code()}  (the demo staff accounts' authenticator code; good for {left} s more)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
