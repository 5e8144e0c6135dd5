"""Registration, login and the caller's own profile."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from chalicelib.models.common import Language, Role, StrictInput

Password = Annotated[str, Field(min_length=8, max_length=128)]


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
    def _one_contact(self) -> RegisterIn:
        if not self.email and not self.phone:
            raise ValueError("give a phone number or an email address")
        return self


class Delivery(BaseModel):
    channel: Literal["sms", "email"]
    destination: str


class RegisterOut(BaseModel):
    username: str
    delivery: Delivery


class ConfirmIn(StrictInput):
    username: Annotated[str, Field(min_length=3, max_length=254)]
    code: Annotated[str, Field(min_length=4, max_length=10, pattern=r"^[0-9]+$")]


class LoginIn(StrictInput):
    username: Annotated[str, Field(min_length=3, max_length=254)]
    password: Annotated[str, Field(min_length=1, max_length=128)]


class RefreshIn(StrictInput):
    refresh_token: Annotated[str, Field(min_length=10, max_length=8192)]


class TokensOut(BaseModel):
    id_token: str
    access_token: str
    refresh_token: str | None = None
    expires_in: int


class MeOut(BaseModel):
    sub: str
    name: str
    role: Role
    office_id: str | None = None
    language: Language


Channel = Literal["sms", "email"]


class PreferencesIn(StrictInput):
    """`PATCH /v1/me`: how the caller hears of their cases besides in-app, and in which language."""

    notify_by: Annotated[list[Channel], Field(max_length=2)] | None = None
    language: Language | None = None


class PreferencesOut(BaseModel):
    language: Language
    notify_by: list[Channel]
    # Where messages go, masked; null for a channel without a contact.
    phone: str | None = None
    email: str | None = None
