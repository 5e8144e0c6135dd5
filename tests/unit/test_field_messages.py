"""A 400's details speak to people: each field's problem in plain words, in the request's language.

Every request model of the API is sent bad input (missing, too short or long, out of range, wrong
type, not a choice, not the pattern, unknown fields); no detail may carry pydantic's wording, a
regular expression or a byte count, and in Urdu each is written in Urdu.
"""

from __future__ import annotations

import json
import re
import typing
from typing import Any

import pytest
from chalice.app import Request
from pydantic import BaseModel, RootModel

from chalicelib.api import contract
from chalicelib.api.responses import error_response
from chalicelib.models.errors import FieldProblem, InvalidInput
from chalicelib.models.uploads import UploadIn

# What pydantic says in its own words, and what a regular expression or a byte count looks like.
RAW = re.compile(
    r"Input should|String should|List should|Dictionary should|Value error|Field required|Extra inputs|"
    r"should have|valid integer|valid number|valid boolean|valid string|unable to parse|discriminator|"
    r"tag |\^|\$|\[0-9|\\d|\{\d|\d{5,}|image/|application/|video/|type=|pydantic|JSON",
    re.IGNORECASE,
)
URDU_LETTERS = re.compile("[\u0600-\u06ff]")
BAD_VALUES: list[Any] = ["", "x", "x" * 5000, 12345, -(10**9), 10**9, 1.5, True, None, [], {}, ["x"] * 30, "no such!"]


def request(body: str, language: str) -> Request:
    return Request(
        {
            "multiValueQueryStringParameters": None,
            "headers": {"accept-language": language},
            "pathParameters": {},
            "requestContext": {"httpMethod": "POST", "resourcePath": "/v1/x"},
            "body": body,
            "isBase64Encoded": False,
            "stageVariables": {},
        }
    )


def request_models() -> list[type[BaseModel]]:
    """Every body a route of the API parses (as its contract declares it)."""
    from app import app

    contracts = [
        getattr(entry.view_function, "contract", None) for methods in app.routes.values() for entry in methods.values()
    ]
    found: set[type[BaseModel]] = {c.body for c in contracts if c is not None and c.body is not None}
    return sorted(found, key=lambda m: m.__name__)


def members(model: type[BaseModel]) -> list[tuple[type[BaseModel], dict[str, Any]]]:
    """The models a body may be, each with what chooses it (a tagged union's tag)."""
    if not issubclass(model, RootModel):
        return [(model, {})]
    union = typing.get_args(model.model_fields["root"].annotation)
    chosen = []
    for member in union:
        tag = typing.get_args(member.model_fields["action"].annotation)[0]
        chosen.append((member, {"action": tag}))
    return chosen


def bad_bodies(model: type[BaseModel]) -> list[dict[str, Any]]:
    bodies: list[dict[str, Any]] = []
    for member, tag in members(model):
        bodies.append(dict(tag))
        bodies.append({**tag, "no_such_field": 1})
        for name in member.model_fields:
            if name in tag:
                continue
            bodies += [{**tag, name: value} for value in BAD_VALUES]
            bodies.append({**tag, name: {"district": 5, "address": ["x"], "lat": 500, "lon": "x", "extra": 1}})
    if issubclass(model, RootModel):
        bodies += [{"action": "no_such_action"}, {"action": 5}, {}]
    return bodies


def details(model: type[BaseModel], body: dict[str, Any], language: str) -> list[dict[str, str]]:
    try:
        contract.parse_body(request(json.dumps(body), language), model)
    except InvalidInput as refused:
        answer = json.loads(error_response(refused, "ur" if language == "ur" else "en").body)
        assert set(answer["error"]) == {"code", "message", "details"}
        shaped: list[dict[str, str]] = answer["error"]["details"]
        return shaped
    return []


@pytest.mark.parametrize("model", request_models(), ids=lambda m: m.__name__)
def test_every_request_models_problems_are_plain_words_in_english_and_urdu(model: type[BaseModel]) -> None:
    # Given every bad body we can think of for this model's fields
    seen = 0
    for body in bad_bodies(model):
        english = details(model, body, "en")
        urdu = details(model, body, "ur")
        # Then each detail keeps its field and says its problem in words, in the language asked for
        assert [d["field"] for d in english] == [d["field"] for d in urdu], body
        for en, ur in zip(english, urdu, strict=True):
            seen += 1
            assert set(en) == {"field", "problem"} and en["problem"], (body, en)
            assert not RAW.search(en["problem"]), (model.__name__, body, en)
            assert not RAW.search(ur["problem"]), (model.__name__, body, ur)
            assert URDU_LETTERS.search(ur["problem"]), (model.__name__, body, ur)
            assert not URDU_LETTERS.search(en["problem"]), (model.__name__, body, en)
    assert seen, f"no bad body of {model.__name__} was refused"


def problem_of(model: type[BaseModel], body: dict[str, Any], field: str, language: str) -> str:
    return next(d["problem"] for d in details(model, body, language) if d["field"] == field)


def test_an_upload_that_is_not_a_photo_pdf_or_video_or_too_large_says_so_in_words() -> None:
    body = {"filename": "a.exe", "content_type": "application/x-msdownload", "size": 50 * 1024 * 1024}
    assert problem_of(UploadIn, body, "content_type", "en") == "Choose a photo (JPEG or PNG), a PDF or an MP4 video."
    assert problem_of(UploadIn, body, "size", "en") == "At most 10 MB per file."
    assert problem_of(UploadIn, body, "size", "ur") == "ہر فائل زیادہ سے زیادہ ۱۰ MB۔"


def test_a_too_short_description_asks_for_its_least_length_in_each_language() -> None:
    from chalicelib.models.complaints import ComplaintIn

    body = {"category_id": "water", "subject": "Leak", "description": "short", "location": {"district": "lahore"}}
    assert problem_of(ComplaintIn, body, "description", "en") == "Write at least 10 characters."
    assert problem_of(ComplaintIn, body, "description", "ur") == "کم از کم ۱۰ حروف لکھیں۔"


def test_a_nested_field_keeps_its_dotted_path() -> None:
    from chalicelib.models.complaints import ComplaintIn

    body = {"category_id": "water", "subject": "Leak", "description": "x" * 20, "location": {}}
    assert problem_of(ComplaintIn, body, "location.district", "en") == "Fill this in."


def test_problems_the_services_rules_raise_in_english_are_sent_in_urdu_too() -> None:
    refused = InvalidInput("x", [FieldProblem("phone", "not a valid mobile number: use +923001234567 or 03001234567")])
    for language in ("en", "ur"):
        detail = json.loads(error_response(refused, "ur" if language == "ur" else "en").body)["error"]["details"][0]
        assert detail["field"] == "phone" and "03001234567" in detail["problem"]
        assert bool(URDU_LETTERS.search(detail["problem"])) == (language == "ur")


def test_a_notices_dates_read_as_people_write_them_never_iso() -> None:
    from chalicelib.logic.messages import notification_text

    params = {"case_id": "C-2026-000042", "office_name": "LESCO", "office_name_ur": "لیسکو", "due_date": "2026-12-10"}
    english = notification_text("case_routed", params, "en")
    urdu = notification_text("case_routed", params, "ur")
    assert "10 December 2026" in english and "2026-12-10" not in english
    assert "۱۰ دسمبر ۲۰۲۶" in urdu and "2026-12-10" not in urdu
    # the tracking number stays as it is written
    assert "C-2026-000042" in urdu
