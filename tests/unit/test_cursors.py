"""List cursors: signed, bound to the caller and the query, and short-lived."""

from __future__ import annotations

import pytest

from chalicelib.logic import cursors
from chalicelib.models.errors import InvalidCursor
from tests.fakes import make_services

POSITION = {"PK": "CASE#C-2611-0001", "SK": "CASE"}
SCOPE = cursors.scope_of("own_cases", "citizen-1", kind="complaint")


def test_a_sealed_position_unseals_unchanged_for_the_same_scope() -> None:
    # Given a token sealed for one caller's query
    services, _, _ = make_services()
    token = cursors.seal(services, POSITION, SCOPE)
    # Then it is URL-safe text that carries the position back, and no token is no position
    assert token.replace("-", "").replace("_", "").replace(".", "").isalnum()
    assert cursors.unseal(services, token, SCOPE) == POSITION
    assert cursors.unseal(services, None, SCOPE) is None
    assert cursors.unseal(services, "", SCOPE) is None


def test_scopes_name_the_list_the_caller_and_every_filter() -> None:
    scope = cursors.scope_of("office_queue", "officer-1", status=None, kind="complaint", overdue=True)
    assert scope == "office_queue|officer-1|kind=complaint|overdue=true|status="


def test_any_one_character_changed_is_refused() -> None:
    # Given a valid token
    services, _, _ = make_services()
    token = cursors.seal(services, POSITION, SCOPE)
    # When any one character of its payload or its tag is changed
    for index, char in enumerate(token):
        if char == ".":
            continue
        for other in ("A", "B", "_"):
            if other == char:
                continue
            tampered = token[:index] + other + token[index + 1 :]
            # Then it is refused
            with pytest.raises(InvalidCursor):
                cursors.unseal(services, tampered, SCOPE)


def test_a_token_of_another_scope_is_refused() -> None:
    services, _, _ = make_services()
    token = cursors.seal(services, POSITION, SCOPE)
    for other in (
        cursors.scope_of("own_cases", "citizen-2", kind="complaint"),
        cursors.scope_of("own_cases", "citizen-1", kind="information"),
        cursors.scope_of("inbox", "citizen-1"),
    ):
        with pytest.raises(InvalidCursor):
            cursors.unseal(services, token, other)


def test_a_token_signed_under_another_key_is_refused() -> None:
    services, _, _ = make_services()
    elsewhere, _, _ = make_services()
    elsewhere.pii_key = bytes(32)
    with pytest.raises(InvalidCursor):
        cursors.unseal(services, cursors.seal(elsewhere, POSITION, SCOPE), SCOPE)


def test_a_token_older_than_a_day_is_stale() -> None:
    # Given a token issued now
    services, _, clock = make_services()
    token = cursors.seal(services, POSITION, SCOPE)
    # Then it still works 23 hours on, and no longer 25 hours on
    clock.advance(hours=23)
    assert cursors.unseal(services, token, SCOPE) == POSITION
    clock.advance(hours=2)
    with pytest.raises(InvalidCursor):
        cursors.unseal(services, token, SCOPE)


@pytest.mark.parametrize(
    "garbage",
    ["garbage", ".", "a.", ".a", "a.b.c", "eyJ9.", "eyJ9.eyJ9", "not base64!.x", "AAAA.AAAA", "🙂.🙂", "a\nb.c"],
)
def test_garbage_is_refused(garbage: str) -> None:
    services, _, _ = make_services()
    with pytest.raises(InvalidCursor):
        cursors.unseal(services, garbage, SCOPE)


def test_an_over_long_token_is_refused_before_it_is_decoded() -> None:
    # Given a token whose position is too big to be one of ours, though correctly signed
    services, _, _ = make_services()
    token = cursors.seal(services, {"PK": "x" * 2000}, SCOPE)
    assert len(token) > cursors.MAX_TOKEN
    # Then it is refused
    with pytest.raises(InvalidCursor):
        cursors.unseal(services, token, SCOPE)


def test_a_signed_position_of_the_wrong_shape_is_refused() -> None:
    services, _, _ = make_services()
    token = cursors.seal(services, {"PK": 7}, SCOPE)  # type: ignore[dict-item]
    with pytest.raises(InvalidCursor):
        cursors.unseal(services, token, SCOPE)
