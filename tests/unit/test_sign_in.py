"""Identity as an attacker meets it: registration that tells nothing, codes that run out, failed sign-ins
that slow the one failing (not the owner), staff MFA, resets and revocation."""

from __future__ import annotations

import pytest

from chalicelib.logic import accounts, identity, pii, ratelimit
from chalicelib.logic.ports import Services
from chalicelib.models.audit import Actor
from chalicelib.models.common import Principal
from chalicelib.models.errors import Forbidden, RateLimited, WrongCode, WrongCredentials
from chalicelib.models.identity import (
    ChallengeIn,
    ChallengeOut,
    ConfirmIn,
    LoginIn,
    RefreshIn,
    RegisterIn,
    ResetIn,
    TokensOut,
)
from chalicelib.store import keys, people
from tests.fakes import FakeIdentity, FakeMessenger, make_services, sent_code

PHONE = "+923001234567"
OWNER_IP = "10.1.1.1"
STRANGER_IP = "203.0.113.66"
ADMIN = Actor(principal=Principal(sub="admin-1", role="admin"))


def fakes(services: Services) -> tuple[FakeIdentity, FakeMessenger]:
    assert isinstance(services.identity, FakeIdentity) and isinstance(services.messenger, FakeMessenger)
    return services.identity, services.messenger


def registration(password: str = "Secret-2026", name: str = "Ayesha") -> RegisterIn:
    return RegisterIn(name=name, phone="03001234567", password=password, language="en")


def registered(services: Services, password: str = "Secret-2026") -> str:
    identity.register(services, registration(password), OWNER_IP)
    identity.confirm(services, ConfirmIn(username=PHONE, code=sent_code(services)), OWNER_IP)
    return str(fakes(services)[0].user(PHONE)["sub"])


def staff_member(services: Services, username: str = "officer@example.pk", office_id: str = "lesco-lahore") -> str:
    sub = fakes(services)[0].create("staff", username, "Staff-password-2026!", {}, "officer")
    profile = identity.new_profile(services, sub, "en", phone=None, email=username, username=username, pool="staff")
    people.put_profile(services.table, {**profile, "office_id": office_id})
    people.add_staff(services.table, office_id, sub)
    people.mark_staff(services.table, pii.username_digest(username, services.pii_keys()))
    return sub


def test_registering_an_existing_phone_answers_exactly_as_a_new_one_and_tells_only_the_owner() -> None:
    services, _, _ = make_services()
    _, messenger = fakes(services)
    first = identity.register(services, registration(), OWNER_IP)
    identity.confirm(services, ConfirmIn(username=PHONE, code=sent_code(services)), OWNER_IP)
    # When a stranger registers the same phone
    again = identity.register(services, registration("Stranger-99", "Mallory"), STRANGER_IP)
    # Then the answer is the same, no account or code is made, and the owner's phone hears of it
    assert again == first
    assert [n for n, _ in messenger.sms] == [PHONE, PHONE]
    assert "already has an account" in messenger.sms[-1][1] and not any(ch.isdigit() for ch in messenger.sms[-1][1])
    assert fakes(services)[0].user(PHONE)["password"] == "Secret-2026"


def test_nothing_is_created_until_the_owner_of_the_phone_confirms_and_the_password_is_not_stored_in_clear() -> None:
    services, _, _ = make_services()
    identity.register(services, registration(), OWNER_IP)
    assert fakes(services)[0].users == {}
    assert "Secret-2026" not in str(services.table.items)  # type: ignore[attr-defined]
    identity.confirm(services, ConfirmIn(username="0300-1234567", code=sent_code(services)), OWNER_IP)
    user = fakes(services)[0].user(PHONE)
    assert user["groups"] == ["citizen"] and user["attributes"]["phone_number_verified"] == "true"  # type: ignore[index]
    profile = people.get_profile(services.table, str(user["sub"]))
    assert profile is not None and pii.decrypt(profile["username_encrypted"], services.pii_keys()) == PHONE
    with pytest.raises(WrongCode):  # the code is spent
        identity.confirm(services, ConfirmIn(username=PHONE, code=sent_code(services)), OWNER_IP)


def test_a_code_dies_after_five_wrong_tries_and_after_fifteen_minutes() -> None:
    services, _, clock = make_services()
    identity.register(services, registration(), OWNER_IP)
    code = sent_code(services)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(identity.MAX_WRONG_CODES):
        with pytest.raises(WrongCode):
            identity.confirm(services, ConfirmIn(username=PHONE, code=wrong), STRANGER_IP)
    with pytest.raises(WrongCode):
        identity.confirm(services, ConfirmIn(username=PHONE, code=code), OWNER_IP)
    # A new code (resent) works; an old one past 15 minutes does not
    identity.resend_code(services, PHONE, OWNER_IP)
    clock.advance(minutes=16)
    with pytest.raises(WrongCode):
        identity.confirm(services, ConfirmIn(username=PHONE, code=sent_code(services)), OWNER_IP)
    identity.resend_code(services, PHONE, OWNER_IP)
    identity.confirm(services, ConfirmIn(username=PHONE, code=sent_code(services)), OWNER_IP)
    assert fakes(services)[0].find("citizens", PHONE) is not None


def test_resend_and_forgot_answer_the_same_for_unknown_accounts_and_send_nothing() -> None:
    services, _, _ = make_services()
    _, messenger = fakes(services)
    unknown = identity.resend_code(services, "03009999999", STRANGER_IP)
    forgot = identity.forgot_password(services, "03009999999", STRANGER_IP)
    assert unknown == forgot and unknown.delivery.channel == "sms" and "9999999" not in unknown.delivery.destination
    assert messenger.sms == []


def test_a_strangers_failed_sign_ins_slow_the_stranger_and_never_the_owner() -> None:
    services, _, clock = make_services()
    registered(services)
    # Given a stranger guessing the owner's password from one address, as fast as they are let
    refused = 0
    for _ in range(200):
        try:
            identity.login(services, LoginIn(username=PHONE, password="guess-123"), STRANGER_IP)
        except WrongCredentials:
            continue
        except RateLimited as held:
            refused += 1
            assert held.retry_after is not None and held.retry_after <= ratelimit.MAX_BACKOFF
            clock.advance(seconds=1)
    # Then the stranger was held back, their failures only counted what reached the password check
    assert refused > 100
    # And the owner, from their own phone, signs in at once with the right password
    tokens = identity.login(services, LoginIn(username="03001234567", password="Secret-2026"), OWNER_IP)
    assert isinstance(tokens, TokensOut)


def test_backoff_grows_with_failures_and_a_correct_password_after_the_wait_gets_in() -> None:
    services, _, clock = make_services()
    registered(services)
    for _ in range(ratelimit.PAIR_FREE):
        with pytest.raises(WrongCredentials):
            identity.login(services, LoginIn(username=PHONE, password="typo-1234"), OWNER_IP)
    waits = []
    for _ in range(4):
        with pytest.raises(RateLimited) as held:
            identity.login(services, LoginIn(username=PHONE, password="typo-1234"), OWNER_IP)
        assert held.value.retry_after is not None
        waits.append(held.value.retry_after)
        clock.advance(seconds=held.value.retry_after)
        with pytest.raises(WrongCredentials):
            identity.login(services, LoginIn(username=PHONE, password="typo-1234"), OWNER_IP)
    assert waits == [1, 2, 4, 8]  # no lock: a wait that doubles
    with pytest.raises(RateLimited):
        identity.login(services, LoginIn(username=PHONE, password="Secret-2026"), OWNER_IP)
    clock.advance(seconds=16)
    assert isinstance(identity.login(services, LoginIn(username=PHONE, password="Secret-2026"), OWNER_IP), TokensOut)


def test_successful_sign_ins_count_nothing() -> None:
    services, _, _ = make_services()
    registered(services)
    for _ in range(100):
        identity.login(services, LoginIn(username=PHONE, password="Secret-2026"), OWNER_IP)
    assert not any(pk.startswith("RATE#signin") for pk, _ in services.table.items)  # type: ignore[attr-defined]


def test_staff_get_a_challenge_not_tokens_and_a_wrong_code_counts_as_a_failed_sign_in() -> None:
    services, _, _ = make_services()
    staff_member(services)
    first = identity.login(services, LoginIn(username="Officer@Example.pk", password="Staff-password-2026!"), OWNER_IP)
    assert isinstance(first, ChallengeOut) and first.challenge == "mfa"
    wrong = ChallengeIn(username="officer@example.pk", session=first.session, challenge="mfa", code="999999")
    for _ in range(ratelimit.PAIR_FREE):
        with pytest.raises(WrongCredentials):
            identity.answer_challenge(services, wrong, STRANGER_IP)
    with pytest.raises(RateLimited):
        identity.answer_challenge(services, wrong, STRANGER_IP)
    right = wrong.model_copy(update={"code": "123456"})
    tokens = identity.answer_challenge(services, right, OWNER_IP)
    assert isinstance(tokens, TokensOut) and (tokens.refresh_token or "").startswith(identity.STAFF_REFRESH_PREFIX)
    again = identity.refresh(services, RefreshIn(refresh_token=tokens.refresh_token or ""))
    assert again.refresh_token == tokens.refresh_token


def test_staff_tokens_without_the_authenticator_are_refused() -> None:
    services, _, _ = make_services()
    staff_member(services)
    fake, _ = fakes(services)
    fake.sign_in = lambda pool, username, password: TokensOut(  # type: ignore[method-assign]
        id_token="id", access_token="a", refresh_token="r", expires_in=60
    )
    with pytest.raises(Forbidden):
        identity.login(services, LoginIn(username="officer@example.pk", password="Staff-password-2026!"), OWNER_IP)


def test_a_password_reset_goes_to_the_owner_and_ends_every_session() -> None:
    services, _, clock = make_services()
    sub = registered(services)
    fake, messenger = fakes(services)
    identity.forgot_password(services, "03001234567", STRANGER_IP)
    assert messenger.sms[-1][0] == PHONE and "new password" in messenger.sms[-1][1]
    clock.advance(minutes=1)
    identity.reset_password(
        services, ResetIn(username=PHONE, code=sent_code(services), password="Another-2027"), OWNER_IP
    )
    assert fake.user(PHONE)["password"] == "Another-2027" and fake.signed_out == [PHONE]
    assert people.revoked_at(services.table, sub) == int(clock.now.timestamp())  # signing in at once works


def test_disabling_deleting_and_moving_revoke_at_once() -> None:
    services, _, clock = make_services()
    citizen = registered(services)
    officer = staff_member(services)
    fake, _ = fakes(services)
    now = int(clock.now.timestamp())
    accounts.disable(services, ADMIN, citizen)
    assert fake.user(PHONE)["enabled"] is False and people.revoked_at(services.table, citizen) == now + 1
    accounts.enable(services, ADMIN, citizen)
    assert fake.user(PHONE)["enabled"] is True
    clock.advance(seconds=5)
    accounts.move_officer(services, ADMIN, officer, "lesco-kasur")
    assert fake.user("officer@example.pk", "staff")["attributes"] == {"custom:office_id": "lesco-kasur"}
    assert people.staff_of(services.table, "lesco-lahore") == [] and people.staff_of(services.table, "lesco-kasur") == [
        officer
    ]
    assert people.revoked_at(services.table, officer) == now + 6
    accounts.delete(services, ADMIN, officer)
    assert fake.find("staff", "officer@example.pk") is None
    assert services.table.get(keys.login_key(pii.username_digest("officer@example.pk", services.pii_keys()))) is None
