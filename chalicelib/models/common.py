"""Shapes shared by every resource: principals, pages, error bodies."""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

Role = Literal["citizen", "officer", "admin"]
Language = Literal["en", "ur"]
T = TypeVar("T")


class Principal(BaseModel):
    """Who is calling, as the authorizer established from a verified token."""

    model_config = ConfigDict(frozen=True)

    sub: str
    role: Role
    username: str = ""
    name: str = ""
    language: Language = "en"
    office_id: str | None = None


class Listing(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class StrictInput(BaseModel):
    """Base of every request body: unknown fields are refused, text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class StatusOut(BaseModel):
    status: str
