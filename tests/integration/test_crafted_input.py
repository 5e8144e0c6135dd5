"""Issue 11: no client input is a server error. Each crafted request gets a 4xx in the API's error shape,
in the caller's language (Accept-Language: ur gives the Urdu text)."""

from __future__ import annotations

from chalicelib.logic.messages import ERRORS
from tests.harness import Reply, Stack

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
    assert error["details"] == [{"field": "body", "problem": "nested deeper than 32 levels"}]


def test_a_five_thousand_digit_integer_is_a_400_on_the_body(stack: Stack) -> None:
    raw = b'{"category_id": ' + b"9" * 5000 + b"}"
    reply = stack.request("POST", "/v1/complaints", raw, token=stack.login("citizen"), headers=URDU)
    error = assert_refused(reply, 400, "invalid_input", "body")
    assert error["details"] == [{"field": "body", "problem": "a number has more than 18 digits"}]


def test_nan_and_infinity_are_a_400_on_the_body(stack: Stack) -> None:
    for constant in (b"NaN", b"Infinity", b"-Infinity", b"1e999"):
        raw = b'{"category_id": ' + constant + b"}"
        reply = stack.request("POST", "/v1/auth/login", raw, headers=URDU)
        assert_refused(reply, 400, "invalid_input", "body")
