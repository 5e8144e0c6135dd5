"""Issue 11: no client input is a server error. Each crafted request gets a 4xx in the API's error shape,
in the caller's language (Accept-Language: ur gives the Urdu text)."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest

from chalicelib.logic.messages import ERRORS, field_problem
from tests.harness import Reply, Stack
from tests.integration.test_journey import complaint_body

URDU = {"Accept-Language": "ur"}


def assert_refused(reply: Reply, status: int, code: str, field: str | None = None) -> dict[str, object]:
    """`reply` is `status` with the error shape, `code`, the Urdu text of `code`, and (if given) a problem on `field`."""
    assert reply.status == status, reply.body
    assert reply.headers.get("Content-Type", "").startswith("application/json"), reply.headers
    body = reply.json
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    error = body["error"]
    assert error["code"] == code and error["message"] == ERRORS[code]["ur"], error
    assert all(set(d) == {"field", "problem"} and d["problem"] for d in error["details"]), error
    if field is not None:
        assert field in [d["field"] for d in error["details"]], error
    return dict(error)


def test_five_thousand_nested_brackets_are_a_400_on_the_body(stack: Stack) -> None:
    # Given a citizen who posts a body nested 5,000 levels deep
    raw = b'{"a": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    # When it reaches the complaints route
    reply = stack.request("POST", "/v1/complaints", raw, token=stack.login("citizen"), headers=URDU)
    # Then it is refused as bad input, in Urdu, naming the body
    error = assert_refused(reply, 400, "invalid_input", "body")
    assert error["details"] == [{"field": "body", "problem": field_problem("too_deep", n=32)["ur"]}]


def test_a_five_thousand_digit_integer_is_a_400_on_the_body(stack: Stack) -> None:
    raw = b'{"category_id": ' + b"9" * 5000 + b"}"
    reply = stack.request("POST", "/v1/complaints", raw, token=stack.login("citizen"), headers=URDU)
    error = assert_refused(reply, 400, "invalid_input", "body")
    assert error["details"] == [{"field": "body", "problem": field_problem("number_too_long", n=18)["ur"]}]


def test_nan_and_infinity_are_a_400_on_the_body(stack: Stack) -> None:
    for constant in (b"NaN", b"Infinity", b"-Infinity", b"1e999"):
        raw = b'{"category_id": ' + constant + b"}"
        reply = stack.request("POST", "/v1/auth/login", raw, headers=URDU)
        assert_refused(reply, 400, "invalid_input", "body")


def test_control_characters_and_a_lone_surrogate_are_not_stored_and_open311_xml_stays_well_formed(
    stack: Stack,
) -> None:
    # Given a complaint whose text carries NUL, a C1 control and a lone surrogate (as JSON may spell it)
    body = complaint_body(stack, description="Meter\x00 reads 900\x85 units \ud800for a locked house.", publish=True)
    raw = json.dumps(body).encode()  # ensure_ascii: the surrogate travels as \\ud800, which is valid JSON
    # When the citizen files it
    filed = stack.request("POST", "/v1/complaints", raw, token=stack.login("citizen"))
    # Then it is stored without them, and every answer that repeats it is valid UTF-8 JSON and XML
    assert filed.status == 201, filed.body
    case_id = filed.json["id"]
    assert filed.json["description"] == "Meter reads 900 units for a locked house."
    mine = stack.get(f"/v1/complaints/{case_id}", token=stack.login("citizen"))
    assert mine.body.decode("utf-8") and mine.json["description"] == "Meter reads 900 units for a locked house."
    assert stack.run_route_worker() == 1  # a published text is public once moderation at filing has read it
    published = stack.get(f"/open311/v2/requests/{case_id}.xml")
    assert published.status == 200, published.body
    assert ET.fromstring(published.body).find("request/description").text == (  # type: ignore[union-attr]
        "Meter reads 900 units for a locked house."
    )


def test_a_description_of_control_characters_alone_is_too_short(stack: Stack) -> None:
    body = complaint_body(stack, description="\x00\x01\x02\x7f\x9f" * 10)
    reply = stack.request(
        "POST", "/v1/complaints", json.dumps(body).encode(), token=stack.login("citizen"), headers=URDU
    )
    error = assert_refused(reply, 400, "invalid_input", "description")
    assert error["details"] == [{"field": "description", "problem": field_problem("text_too_short", n=10)["ur"]}]


def test_an_if_match_of_unicode_digits_is_a_400_on_the_header(stack: Stack) -> None:
    # Given a citizen's own complaint
    citizen = stack.login("citizen")
    case_id = stack.post("/v1/complaints", complaint_body(stack), token=citizen).json["id"]
    for version in ("²", "١٢", "５", "+1", '"1'):
        # When they withdraw it with an If-Match that str.isdigit() or int() would take
        reply = stack.post(
            f"/v1/complaints/{case_id}/withdraw", {}, token=citizen, headers={**URDU, "If-Match": version}
        )
        # Then it is a 400 on If-Match, in Urdu, and the case is untouched
        assert_refused(reply, 400, "invalid_input", "If-Match")
    assert stack.get(f"/v1/complaints/{case_id}", token=citizen).json["status"] == "submitted"
    # And the entity-tag forms of the right version are taken
    withdrawn = stack.post(f"/v1/complaints/{case_id}/withdraw", {}, token=citizen, headers={"If-Match": 'W/"1"'})
    assert withdrawn.status == 200 and withdrawn.json["status"] == "withdrawn", withdrawn.body


def test_a_limit_or_year_of_non_ascii_digits_is_a_400_naming_it(stack: Stack) -> None:
    citizen = stack.login("citizen")
    for limit in ("²", "٢٠", "1_0", "9" * 5000):
        assert_refused(
            stack.get(f"/v1/complaints?limit={limit}", token=citizen, headers=URDU), 400, "invalid_input", "limit"
        )
    for year in ("²", "٢٠٢٦", "+2026", "2026.0"):
        assert_refused(stack.get(f"/v1/holidays/{year}", headers=URDU), 400, "invalid_input", "year")
    assert stack.get("/v1/holidays/2026").status == 200


# --- what Chalice answers itself (405, 415, 500) and what its local gateway answers (unknown paths) --------------


def test_a_method_the_path_does_not_have_is_a_405_in_the_api_shape(stack: Stack) -> None:
    # Given a signed-in citizen
    citizen = stack.login("citizen")
    # When they DELETE the complaints collection (it takes GET and POST)
    reply = stack.request("DELETE", "/v1/complaints", token=citizen, headers=URDU)
    # Then the answer is 405 in the API's shape, in Urdu, naming the method, and Allow still lists the methods
    error = assert_refused(reply, 405, "method_not_allowed", "method")
    assert error["details"] == [{"field": "method", "problem": "DELETE is not one of POST, GET"}]
    assert reply.headers["Allow"] == "POST, GET"
    # And in English the message names the method
    english = stack.request("DELETE", "/v1/complaints", token=citizen)
    assert english.json["error"]["message"] == "DELETE is not allowed here"


def test_a_content_type_the_route_does_not_take_is_a_415_in_the_api_shape(stack: Stack) -> None:
    citizen = stack.login("citizen")
    body = json.dumps(complaint_body(stack)).encode()
    reply = stack.request("POST", "/v1/complaints", body, token=citizen, headers={**URDU, "Content-Type": "text/plain"})
    error = assert_refused(reply, 415, "unsupported_media_type", "Content-Type")
    assert error["details"] == [{"field": "Content-Type", "problem": "send application/json"}]
    assert reply.headers["Access-Control-Allow-Origin"] == "*"  # a browser can read it
    # An Open311 POST is told to send a form instead
    form = stack.request(
        "POST", "/open311/v2/requests.json", b"{}", headers={**URDU, "Content-Type": "application/json"}
    )
    error = assert_refused(form, 415, "unsupported_media_type", "Content-Type")
    assert error["details"] == [{"field": "Content-Type", "problem": "send application/x-www-form-urlencoded"}]


def test_an_unknown_path_is_a_404_not_found_in_the_api_shape_with_or_without_a_token(stack: Stack) -> None:
    for token in (None, stack.login("citizen")):
        for method, path in (("GET", "/v1/nowhere"), ("POST", "/v1/complaints/C-1/nothing"), ("GET", "/")):
            reply = stack.request(method, path, token=token, headers=URDU)
            assert_refused(reply, 404, "not_found")
            assert token is None or token not in reply.body.decode()  # chalice's own 403 repeated the token
    english = stack.get("/v1/nowhere")
    assert english.json == {"error": {"code": "not_found", "message": "No such route.", "details": []}}


def test_an_exception_no_view_caught_is_a_500_in_the_api_shape(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.api import directory

    def broken() -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(directory, "services", broken)
    reply = stack.get("/v1/categories", headers=URDU)
    assert_refused(reply, 500, "internal_error")
    assert b"a bug" not in reply.body


def test_an_open311_answer_repeating_control_characters_from_the_path_is_well_formed(stack: Stack) -> None:
    # Given a request id that carries NUL, a vertical tab and a lone surrogate
    for fmt in ("xml", "json"):
        # When Open311 answers that it is not found
        reply = stack.get(f"/open311/v2/requests/C-\x00\x0b\ud800-1.{fmt}")
        # Then the error list is well-formed XML, or JSON that UTF-8 carries
        assert reply.status == 404, reply.body
        if fmt == "xml":
            assert ET.fromstring(reply.body).findtext("error/code") == "404"
        else:
            assert json.loads(reply.body.decode("utf-8"))[0]["code"] == 404
