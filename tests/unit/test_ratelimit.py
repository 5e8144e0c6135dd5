"""Rate limits per subject: sign-ups (each sends a code), codes, resets; windows roll over; subjects are hashed."""

from __future__ import annotations

import pytest

from chalicelib.api.responses import error_response
from chalicelib.logic import identity, ratelimit
from chalicelib.models.errors import RateLimited
from chalicelib.models.identity import RegisterIn
from tests.fakes import make_services
from tests.memory_table import MemoryTable


def register(phone: str) -> RegisterIn:
    body = {"name": "Ayesha", "phone": phone, "password": "Secret-2026", "language": "en", "user_type": "resident"}
    return RegisterIn.model_validate(body)


def test_sign_ups_for_one_phone_are_limited_per_hour_and_the_next_hour_starts_afresh() -> None:
    table = MemoryTable()
    services, _, clock = make_services(table)
    limit, _ = ratelimit.LIMITS["register"]
    for _ in range(limit):
        ratelimit.check(services, "register", "+923001234567")
    with pytest.raises(RateLimited):
        ratelimit.check(services, "register", "+923001234567")
    ratelimit.check(services, "register", "+923009999999")  # another phone is not held back
    clock.advance(hours=1)
    ratelimit.check(services, "register", "+923001234567")
    assert not any("923001234567" in pk for pk, _ in table.items), "the phone number must not sit in a key"


def test_registration_goes_through_the_limit_per_phone_and_per_source() -> None:
    services, _, _ = make_services()
    for _ in range(ratelimit.LIMITS["register"][0]):
        ratelimit.check(services, "register", "+923001234567")
    with pytest.raises(RateLimited):
        identity.register(services, register("03001234567"), "10.0.0.1")  # the same number, typed the local way
    for _ in range(ratelimit.LIMITS["register_source"][0]):
        ratelimit.check(services, "register_source", "10.0.0.2")
    with pytest.raises(RateLimited):
        identity.register(services, register("03009999999"), "10.0.0.2")  # a new number from a busy source


def test_a_429_says_in_retry_after_how_long_until_its_window_ends() -> None:
    # Given a name's reset codes of this window used up
    services, _, clock = make_services()
    limit, window = ratelimit.LIMITS["forgot"]
    for _ in range(limit):
        ratelimit.check(services, "forgot", "ayesha@example.pk")
    clock.advance(seconds=100)
    # When one more is asked for
    with pytest.raises(RateLimited) as refused:
        ratelimit.check(services, "forgot", "ayesha@example.pk")
    # Then it says when the window ends, and the answer carries it as Retry-After
    now = int(clock.now.timestamp())
    assert refused.value.retry_after == window - now % window
    answer = error_response(refused.value, "ur")
    assert answer.status_code == 429 and answer.headers["Retry-After"] == str(refused.value.retry_after)
