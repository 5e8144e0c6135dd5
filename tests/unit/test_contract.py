"""What a request carries, parsed at the edge: every crafted body, header or number is a typed 4xx, never a crash."""

from __future__ import annotations

import base64
import contextlib
import json
from typing import Any

import pytest
from chalice.app import Request, Response
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import Field

from chalicelib.api import contract
from chalicelib.logic.messages import ERRORS
from chalicelib.models.common import StrictInput
from chalicelib.models.errors import AwaazError, BodyTooLarge, CaseNotFound, InvalidInput


class Note(StrictInput):
    text: str = Field(min_length=1, max_length=200)
    count: int = 0
    ratio: float = 0.0
    tags: list[str] = []
    extra: dict[str, Any] = {}


UNREADABLE = "The form could not be read; please send it again."


def request(
    body: bytes | str | None = None,
    headers: dict[str, str] | None = None,
    query: dict[str, list[str]] | None = None,
    base64_encoded: bool = False,
) -> Request:
    return Request(
        {
            "multiValueQueryStringParameters": query,
            "headers": headers or {},
            "pathParameters": {},
            "requestContext": {"httpMethod": "POST", "resourcePath": "/v1/notes"},
            "body": body,
            "isBase64Encoded": base64_encoded,
            "stageVariables": {},
        }
    )


def refusal(raw: bytes | str, model: type[StrictInput] = Note) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        contract.parse_body(request(raw), model)
    return caught.value


def problems(error: AwaazError) -> list[tuple[str, str]]:
    return [(d.field, d.problem) for d in error.details]


# --- parse_body ----------------------------------------------------------------------------------


def test_a_plain_body_parses_into_its_model() -> None:
    # Given a body within every limit
    raw = json.dumps({"text": "بل غلط ہے", "count": 123456789012345678, "ratio": 1.5e300, "tags": ["a"]})
    # When it is parsed
    note = contract.parse_body(request(raw), Note)
    # Then its values arrive unchanged
    assert (note.text, note.count, note.ratio, note.tags) == ("بل غلط ہے", 123456789012345678, 1.5e300, ["a"])


def test_nesting_to_the_limit_is_read_and_one_level_more_is_refused() -> None:
    def nested(levels: int) -> str:  # the object itself is the first level
        return '{"text": "x", "extra": {"a": ' + "[" * (levels - 2) + "]" * (levels - 2) + "}}"

    assert contract.parse_body(request(nested(contract.MAX_DEPTH)), Note).text == "x"
    assert problems(refusal(nested(contract.MAX_DEPTH + 1))) == [
        ("body", "The form is nested more than 32 levels deep.")
    ]


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_five_thousand_nested_brackets_are_a_400_not_a_recursion_error(opening: str) -> None:
    raw = '{"a": ' + opening * 5000 + "1" + ("]" if opening == "[" else "}") * 5000 + "}"
    assert problems(refusal(raw)) == [("body", "The form is nested more than 32 levels deep.")]


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = "[" * 90 + '\\"' + "{" * 90
    note = contract.parse_body(request('{"text": "' + text + '"}'), Note)
    assert note.text == "[" * 90 + '"' + "{" * 90


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("9" * 5000, "A number has more than 18 digits."),
        ("-" + "1" * 19, "A number has more than 18 digits."),
        ("1234567890123456789", "A number has more than 18 digits."),
        ("NaN", UNREADABLE),
        ("Infinity", UNREADABLE),
        ("-Infinity", UNREADABLE),
        ("1e999", "A number is too large."),
        ("-1.5e400", "A number is too large."),
    ],
)
def test_numbers_python_cannot_hold_or_json_does_not_allow_are_a_400_on_the_body(number: str, problem: str) -> None:
    assert problems(refusal('{"text": "x", "count": ' + number + "}")) == [("body", problem)]


def test_eighteen_digits_and_long_decimal_fractions_are_fine() -> None:
    note = contract.parse_body(
        request('{"text": "x", "count": -999999999999999999, "ratio": 0.' + "1" * 5000 + "}"), Note
    )
    assert note.count == -999999999999999999 and note.ratio == pytest.approx(0.1111111)


@pytest.mark.parametrize("raw", [b"\xff\xfe", b"{", b"[1, 2", b'{"text": "x",}', b"\x00", '{"text": "x"}\ud800'])
def test_what_is_not_json_is_a_400_on_the_body(raw: bytes | str) -> None:
    assert problems(refusal(raw)) == [("body", UNREADABLE)]


def test_a_base64_body_that_is_not_base64_is_a_400() -> None:
    with pytest.raises(InvalidInput):
        contract.parse_body(request("not base64!", base64_encoded=True), Note)
    ok = base64.b64encode(b'{"text": "x"}').decode()
    assert contract.parse_body(request(ok, base64_encoded=True), Note).text == "x"


def test_json_that_is_not_an_object_is_a_400() -> None:
    assert problems(refusal("[]")) == [("body", UNREADABLE)]


def test_bodies_stay_capped_at_64_kb() -> None:
    raw = '{"text": "' + "a" * contract.MAX_BODY_BYTES + '"}'
    with pytest.raises(BodyTooLarge):
        contract.parse_body(request(raw), Note)


JSON_PIECES = [
    b"[", b"]", b"{", b"}", b'"', b"\\", b":", b",", b" ", b"1", b"-", b"0.5", b"e999", b"9" * 25, b"NaN",
    b"Infinity", b"true", b"null", b'"text"', b'"a"', b"\\ud800", b"\\u0000", b"\x00", b"\xff", "ب".encode(),
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    raw=st.one_of(
        st.binary(max_size=300),
        st.lists(st.sampled_from(JSON_PIECES), max_size=120).map(b"".join),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
            max_leaves=40,
        ).map(lambda value: json.dumps({"text": "x", "extra": {"v": value}}).encode()),
    )
)
def test_no_body_raises_anything_but_a_typed_4xx(raw: bytes) -> None:
    with contextlib.suppress(InvalidInput, BodyTooLarge):
        contract.parse_body(request(raw), Note)


# --- whole numbers: If-Match, limit, year ------------------------------------------------------------


def if_match(value: str) -> int | None:
    return contract.if_match(request(headers={"if-match": value}))


@pytest.mark.parametrize(
    ("value", "version"), [("5", 5), ('"5"', 5), ('W/"5"', 5), (" 7 ", 7), ("0", 0), ("9" * 12, 10**12 - 1)]
)
def test_if_match_takes_a_bare_quoted_or_weak_version(value: str, version: int) -> None:
    assert if_match(value) == version


def test_if_match_absent_is_none() -> None:
    assert contract.if_match(request()) is None


@pytest.mark.parametrize(
    "value",
    [
        "²",
        "١٢",
        "５",
        "-1",
        "+5",
        "1_0",
        "5.0",
        "",
        '""',
        '"5',
        '5"',
        "W/5",
        'W/"5',
        'w/"5"',
        '""5""',
        "9" * 13,
        "0x10",
        "latest",
        "5, 6",
        "*",
    ],
)
def test_if_match_refuses_anything_else_naming_the_header(value: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        if_match(value)
    assert [d.field for d in caught.value.details] == ["If-Match"]


@settings(max_examples=500)
@given(value=st.text())
def test_if_match_on_any_text_is_a_version_or_a_400(value: str) -> None:
    try:
        version = if_match(value)
    except InvalidInput as exc:
        assert [d.field for d in exc.details] == ["If-Match"]
    else:
        assert version is not None and str(version) in value and value.isascii()


def page(limit: str) -> tuple[int, str | None]:
    return contract.page_params(request(query={"limit": [limit]}))


def test_limit_is_ascii_digits_from_1_to_50_and_20_when_absent() -> None:
    assert page("1") == (1, None) and page("50") == (50, None) and page("07") == (7, None)
    assert contract.page_params(request())[0] == 20
    for bad in ("0", "51", "²", "٢٠", "２０", " 5", "+5", "1_0", "-1", "9" * 5000, "5e1"):
        with pytest.raises(InvalidInput) as caught:
            page(bad)
        assert [d.field for d in caught.value.details] == ["limit"], bad


@given(raw=st.text(), lowest=st.integers(0, 10), highest=st.integers(0, 10**13))
def test_whole_number_is_the_ascii_digits_in_range_or_a_400(raw: str, lowest: int, highest: int) -> None:
    try:
        number = contract.whole_number(raw, "n", "a number", lowest, highest)
    except InvalidInput:
        return
    assert raw.isascii() and str(number) == raw.lstrip("0").rjust(1, "0") and lowest <= number <= highest


# --- Chalice's own refusals in the API's shape -------------------------------------------------------


def shaped(
    code: str, status: int, req: Request | None = None, headers: dict[str, str | list[str]] | None = None
) -> Response:
    chalice_answer = Response(body={"Code": code, "Message": "chalice says no"}, status_code=status, headers=headers)
    return contract.in_error_shape(req, chalice_answer)


def error_of(response: Response) -> dict[str, Any]:
    body = json.loads(response.body)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return dict(body["error"])


@pytest.mark.parametrize(
    ("code", "status", "ours", "field"),
    [
        ("MethodNotAllowedError", 405, "method_not_allowed", "method"),
        ("UnsupportedMediaType", 415, "unsupported_media_type", "Content-Type"),
        ("BadRequestError", 400, "invalid_input", "body"),
        ("BadRequest", 400, "invalid_input", "Accept"),
        ("InternalServerError", 500, "internal_error", None),
    ],
)
def test_chalice_refusals_become_typed_errors_with_their_status(
    code: str, status: int, ours: str, field: str | None
) -> None:
    response = shaped(code, status, request(headers={"accept-language": "ur-PK"}), {"Allow": "GET"})
    error = error_of(response)
    assert response.status_code == status and error["code"] == ours
    assert error["message"] == ERRORS[ours]["ur"]
    assert [d["field"] for d in error["details"]] == ([field] if field else [])
    assert response.headers["Allow"] == "GET" and str(response.headers["Content-Type"]).startswith("application/json")


def test_without_a_request_the_refusal_is_still_shaped_in_english() -> None:
    error = error_of(shaped("MethodNotAllowedError", 405))
    assert error["code"] == "method_not_allowed" and error["message"] == "this method is not allowed here"


def test_other_answers_pass_unchanged() -> None:
    ours = Response(body={"error": {"code": "x", "message": "m", "details": []}}, status_code=400)
    unknown = Response(body={"Code": "SomethingNew", "Message": "?"}, status_code=418)
    fine = Response(body={"Code": "a field of a 200", "Message": "ok"}, status_code=200)
    debug_trace = Response(body="Traceback ...", status_code=500)
    for response in (ours, unknown, fine, debug_trace):
        assert contract.in_error_shape(request(), response) is response


# --- endpoint: who may call, before what is sent --------------------------------------------------


class _Routes:
    """A blueprint's stand-in: the wrapper only reads `current_request`."""

    def __init__(self, raw: bytes, who: dict[str, str] | None) -> None:
        self.current_request = request(raw)
        self.current_request.context["authorizer"] = who or {}


def _case_route(
    raw: bytes, who: dict[str, str] | None, guarded: list[str], ran: list[Note]
) -> tuple[Response, list[str], list[Note]]:
    """A citizen's route about one case, guarded; the view records what it was given."""

    def guard(principal: Any, case_id: str) -> None:
        guarded.append(case_id)
        if principal.sub != "owner":
            raise CaseNotFound("no complaint with this tracking number in your account")

    routes: Any = _Routes(raw, who)

    @contract.endpoint(routes, body=Note, roles=contract.CITIZENS, guard=guard)
    def view(case_id: str, data: Note) -> dict[str, str]:
        ran.append(data)
        return {"case_id": case_id}

    return view(case_id="C-1234-5678"), guarded, ran


OWNER = {"sub": "owner", "role": "citizen"}
STRANGER = {"sub": "someone-else", "role": "citizen"}
OFFICER = {"sub": "officer-1", "role": "officer", "office_id": "lesco-lahore"}


@pytest.mark.parametrize("raw", [b"", b"{}", b"not json", b'{"text": ""}', b"[" * 5000])
def test_no_principal_is_401_and_another_role_403_before_the_body_is_read(raw: bytes) -> None:
    # Given a body that would not pass, When nobody or an officer calls a citizen's route
    nobody, guarded, ran = _case_route(raw, None, [], [])
    officer, _, _ = _case_route(raw, OFFICER, guarded, ran)
    # Then 401 and 403, with nothing about the body, and neither guard nor view ran
    assert (nobody.status_code, officer.status_code) == (401, 403)
    for answer in (nobody, officer):
        assert json.loads(answer.body)["error"]["details"] == []
    assert guarded == [] and ran == []


@pytest.mark.parametrize("raw", [b"", b"{}", b"not json", b'{"text": ""}', b"x" * (contract.MAX_BODY_BYTES + 1)])
def test_a_refused_body_asks_the_guard_first_a_stranger_hears_404_and_the_owner_the_400_or_413(raw: bytes) -> None:
    stranger, guarded, _ = _case_route(raw, STRANGER, [], [])
    owner, _, _ = _case_route(raw, OWNER, guarded, [])
    assert stranger.status_code == 404 and json.loads(stranger.body)["error"]["code"] == "case_not_found"
    assert owner.status_code in (400, 413) and json.loads(owner.body)["error"]["code"] != "case_not_found"
    assert guarded == ["C-1234-5678", "C-1234-5678"]


def test_a_body_that_passes_costs_no_guard() -> None:
    answer, guarded, ran = _case_route(b'{"text": "the meter is wrong"}', OWNER, [], [])
    assert answer.status_code == 200 and guarded == [] and [n.text for n in ran] == ["the meter is wrong"]
