"""Every request body loses its control characters before validation, wherever its strings are."""

from __future__ import annotations

import json
from typing import Annotated

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import Field, ValidationError

from chalicelib.models.actions import OfficerActionIn
from chalicelib.models.common import StrictInput
from chalicelib.models.complaints import ComplaintIn

UNWANTED = (
    [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + [chr(c) for c in range(0xD800, 0xE000)]
    + ["\ufffe", "\uffff"]
)


class Inner(StrictInput):
    text: str
    tags: list[str] = []


class Outer(StrictInput):
    name: Annotated[str, Field(min_length=3)]
    inner: Inner
    items: list[Inner] = []
    answers: dict[str, str] = {}


def complaint(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "category_id": "electricity-overbilling",
        "subject": "Bill three times the usual",
        "description": "My November bill charges 900 units for a closed house.",
        "location": {"district": "lahore", "address": "Street 9"},
    }
    body.update(overrides)
    return body


def test_every_unwanted_character_is_removed_from_nested_models_lists_and_dict_keys_and_values() -> None:
    # Given a body whose every string carries each unwanted character
    dirt = "".join(UNWANTED)
    body = {
        "name": f"Zai{dirt}nab",
        "inner": {"text": f"a{dirt}b", "tags": [f"x{dirt}", "y"]},
        "items": [{"text": f"{dirt}c"}],
        "answers": {f"k{dirt}": f"v{dirt}"},
    }
    # When it is validated
    parsed = Outer.model_validate(body)
    # Then what remains is the text that was typed
    assert parsed.name == "Zainab"
    assert (parsed.inner.text, parsed.inner.tags, parsed.items[0].text) == ("ab", ["x", "y"], "c")
    assert parsed.answers == {"k": "v"}


def test_tab_newline_and_carriage_return_stay_and_so_does_urdu_with_its_joiners() -> None:
    text = "پہلی سطر\r\nدوسری\tسطر، نیم\u200cفاصلہ"
    assert Inner.model_validate({"text": text}).text == text


def test_length_limits_count_what_remains_so_a_description_of_controls_alone_is_too_short() -> None:
    with pytest.raises(ValidationError) as caught:
        ComplaintIn.model_validate(complaint(description="\x00" * 40))
    assert [(e["loc"], e["type"]) for e in caught.value.errors()] == [(("description",), "string_too_short")]


def test_a_lone_surrogate_from_json_is_removed_instead_of_refused_as_undecodable() -> None:
    body = json.loads('{"name": "Ali\\ud800", "inner": {"text": "\\udfff ok"}}')
    parsed = Outer.model_validate(body)
    assert (parsed.name, parsed.inner.text) == ("Ali", "ok")
    parsed.model_dump_json()  # and it can be written out as UTF-8


def test_an_officers_action_loses_them_too_inside_its_tagged_union() -> None:
    action = OfficerActionIn.model_validate({"action": "note", "note\x07": "Meter\x00 read\x85 again"})
    assert action.model_dump()["note"] == "Meter read again"


@given(text=st.text(alphabet=st.characters(codec=None), max_size=60))
def test_no_validated_string_keeps_an_unwanted_character(text: str) -> None:
    parsed = Outer.model_validate({"name": "Ali", "inner": {"text": text, "tags": [text]}, "answers": {text: text}})
    for value in (parsed.inner.text, *parsed.inner.tags, *parsed.answers, *parsed.answers.values()):
        assert not set(value) & set(UNWANTED)
        value.encode("utf-8")
