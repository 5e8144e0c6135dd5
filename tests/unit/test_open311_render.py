"""Open311 answers are always well-formed XML and UTF-8 JSON, whatever characters the data holds."""

from __future__ import annotations

import json
import sys
import unicodedata
from xml.etree import ElementTree as ET

import pytest

from chalicelib.api.open311 import render


def one_of_each_category() -> dict[str, str]:
    """A character of every Unicode general category (Cs: a lone surrogate, Cn: an unassigned code point)."""
    found: dict[str, str] = {}
    for code in range(sys.maxunicode + 1):
        found.setdefault(unicodedata.category(chr(code)), chr(code))
    return found


CATEGORIES = one_of_each_category()
EXTRA = {
    **{f"C0 U+{c:04X}": chr(c) for c in range(0x20)},
    **{f"C1 U+{c:04X}": chr(c) for c in range(0x7F, 0xA0)},
    "high surrogate": "\ud800",
    "low surrogate": "\udfff",
    "U+FFFE": "\ufffe",
    "U+FFFF": "\uffff",
    "supplementary plane": "\U0001f600",
    "last code point": "\U0010ffff",
    "Urdu": "شکایت",
    "markup": "<&>\"'",
}
# What XML 1.0 does not allow at all: C0 controls but tab, newline and CR; surrogates; U+FFFE, U+FFFF.
NOT_XML = {chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"} | {chr(c) for c in (0xD800, 0xDFFF, 0xFFFE, 0xFFFF)}
SAMPLES = {**{f"category {k}": v for k, v in CATEGORIES.items()}, **EXTRA}


def test_every_general_category_is_covered() -> None:
    assert len(CATEGORIES) == 30


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_a_request_holding_the_character_renders_to_xml_that_parses(name: str) -> None:
    # Given a service request whose description and status notes hold the character
    character = SAMPLES[name]
    payload = [{"service_request_id": f"C-{character}", "description": f"before {character} after", "lat": 31.5}]
    # When it is rendered as XML and as JSON
    xml = render(payload, "xml", "service_requests").body
    text = render(payload, "json", "service_requests").body
    # Then both are valid UTF-8, the XML parses, and what XML allows is kept
    root = ET.fromstring(xml.encode("utf-8"))
    description = root.findtext("request/description")
    assert description is not None and description.startswith("before ") and description.endswith(" after")
    if character == "\r":
        assert description == "before \n after"  # XML parsers read a lone CR as a newline
    else:
        assert (character in description) == (character not in NOT_XML)
    assert json.loads(text.encode("utf-8"))[0]["description"].startswith("before ")
