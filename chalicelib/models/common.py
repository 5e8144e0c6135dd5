"""Shapes shared by every resource: principals, pages, error bodies."""

import re
from typing import Any, Generic, Literal, TypeVar

from pydantic import ConfigDict, model_validator

from chalicelib.models.base import Model

# An organisation's administrator ("org_admin") runs the directory and staff of one organisation:
# the organisation of the office their account names.
Role = Literal["citizen", "officer", "admin", "org_admin"]
Language = Literal["en", "ur"]
T = TypeVar("T")


class Principal(Model):
    """Who is calling, as the authorizer established from a verified token."""

    model_config = ConfigDict(frozen=True)

    sub: str
    role: Role
    username: str = ""
    name: str = ""
    language: Language = "en"
    office_id: str | None = None
    # An officer who may also answer transfer requests into their office's subtree (staff group "supervisor").
    supervisor: bool = False
    # An officer who also works the triage queue: complaints filed "not sure" of their category (staff group "triage").
    triage: bool = False


class Listing(Model, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


# C0 controls but tab, newline and carriage return; DEL and the C1 controls; lone surrogates; U+FFFE and U+FFFF.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def without_control_characters(value: Any) -> Any:
    """`value` with every string in it (dict keys too, at any depth) cleared of unwanted characters."""
    if isinstance(value, str):
        return _UNWANTED.sub("", value)
    if isinstance(value, dict):
        return {without_control_characters(k): without_control_characters(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [without_control_characters(v) for v in value]
    return value


class StrictInput(Model):
    """Base of every request body: unknown fields are refused, control characters removed, text trimmed.

    Control characters are removed from every string before validation (so length limits
    count what remains: a description of NULs alone is too short). None of them is ever
    typed on purpose, and each would do harm later: NUL and the other C0/C1 controls are
    not allowed in XML 1.0, so one stored description would make every Open311 XML answer
    that shows it unreadable; a lone surrogate (`"\\ud800"` is valid JSON) cannot be encoded
    as UTF-8, so it would break the answers, logs and notices that repeat it; U+FFFE/U+FFFF
    are non-characters that XML refuses too. Tab, newline and carriage return stay.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _remove_control_characters(cls, data: Any) -> Any:
        return without_control_characters(data)


class StatusOut(Model):
    status: str
