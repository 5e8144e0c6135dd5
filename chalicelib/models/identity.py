"""Registration, login and the caller's own profile."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from chalicelib.models.base import Model
from chalicelib.models.common import Language, Role, StrictInput

Password = Annotated[str, Field(min_length=8, max_length=128)]
# Cognito takes usernames of at most 128 characters.
Username = Annotated[str, Field(min_length=3, max_length=128)]
# The citizens' pool or the staff pool (officers and admins: MFA, a stronger password policy, threat protection).
Pool = Literal["citizens", "staff"]
ChallengeName = Literal["mfa", "mfa_setup", "new_password"]


class RegisterIn(StrictInput):
    name: Annotated[str, Field(min_length=2, max_length=100)]
    email: Annotated[str, Field(max_length=254)] | None = None
    phone: Annotated[str, Field(max_length=20)] | None = None
    password: Password
    cnic: Annotated[str, Field(max_length=20)] | None = None
    district: Annotated[str, Field(max_length=64)] | None = None
    language: Language = "en"
    user_type: Literal["resident", "overseas", "foreigner"] = "resident"

    @model_validator(mode="after")
    def _one_contact(self) -> "RegisterIn":
        if not self.email and not self.phone:
            raise ValueError("give a phone number or an email address")
        return self


class Delivery(Model):
    channel: Literal["sms", "email"]
    destination: str


class RegisterOut(Model):
    username: str
    delivery: Delivery


class DeliveryOut(Model):
    """Where a code went, masked: said the same way whether or not the account exists."""

    delivery: Delivery


Code = Annotated[str, Field(min_length=4, max_length=10, pattern=r"^[0-9]+$")]


class ConfirmIn(StrictInput):
    username: Username
    code: Code


class UsernameIn(StrictInput):
    """`POST /v1/auth/resend-code` and `/v1/auth/forgot-password`."""

    username: Username


class ResetIn(StrictInput):
    username: Username
    code: Code
    password: Password


class LoginIn(StrictInput):
    username: Username
    password: Annotated[str, Field(min_length=1, max_length=128)]


class ChallengeIn(StrictInput):
    """The next step of a staff sign-in: the authenticator code, enrolling one, or a first password."""

    username: Username
    session: Annotated[str, Field(min_length=20, max_length=2048)]  # Cognito's bounds of a session
    challenge: ChallengeName
    code: Annotated[str, Field(pattern=r"^[0-9]{6}$")] | None = None
    new_password: Password | None = None


class ChallengeOut(Model):
    """Instead of tokens: what a staff sign-in must answer next, at `POST /v1/auth/challenge`."""

    challenge: ChallengeName
    session: str
    # Enrolling an authenticator app: the key to add (base32) and the same as an otpauth:// link.
    secret: str | None = None
    otpauth_uri: str | None = None


class Account(Model):
    """An account as the identity provider holds it."""

    sub: str
    enabled: bool = True


class RefreshIn(StrictInput):
    refresh_token: Annotated[str, Field(min_length=10, max_length=8192)]


class TokensOut(Model):
    id_token: str
    access_token: str
    refresh_token: str | None = None
    expires_in: int


class MeOut(Model):
    sub: str
    name: str
    role: Role
    office_id: str | None = None
    language: Language
    # Who works the triage queue (complaints filed "not sure" of their category): admins, and officers in group "triage".
    triage: bool = False


Channel = Literal["sms", "email"]


# A name as people are addressed in messages and on the page: no line breaks or other control characters.
DisplayName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")
]


class PreferencesIn(StrictInput):
    """`PATCH /v1/me`: how the caller hears of their cases besides in-app, in which language, and their name."""

    notify_by: Annotated[list[Channel], Field(max_length=2)] | None = None
    language: Language | None = None
    name: DisplayName | None = None


class PreferencesOut(Model):
    # The language of SMS, e-mail and in-app notices (the page's own language is the page's choice).
    language: Language
    notify_by: list[Channel]
    # Where messages go, masked; null for a channel without a contact.
    phone: str | None = None
    email: str | None = None
    # The name the caller is addressed by (the identity provider's `name`).
    name: str | None = None


class OfficeMoveIn(StrictInput):
    """`PUT /v1/admin/accounts/{sub}/office`: the officer's new office."""

    office_id: Annotated[str, Field(min_length=1, max_length=64)]
