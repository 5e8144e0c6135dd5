"""Token verification, roles, and the handling of personal data."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.logic import identity, pii, tracking
from chalicelib.logic.auth import Issuer, still_valid, verify_id_token
from chalicelib.models.common import Principal
from chalicelib.models.errors import InvalidInput, Unauthenticated
from chalicelib.models.identity import ConfirmIn, PreferencesIn, RegisterIn
from chalicelib.store import keys
from tests.fakes import PII_KEYS, make_services, sent_code

ISSUER = "https://cognito-idp.ap-south-1.amazonaws.com/ap-south-1_pool"
CLIENT = "client-1"
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_JWK = {**jwt.algorithms.RSAAlgorithm.to_jwk(_KEY.public_key(), as_dict=True), "kid": "k1", "alg": "RS256"}


def token(**claims: Any) -> str:
    now = int(time.time())
    body = {
        "sub": "abc",
        "iss": ISSUER,
        "aud": CLIENT,
        "token_use": "id",
        "iat": now,
        "exp": now + 600,
        "cognito:username": "+923001234567",
        "cognito:groups": ["citizen"],
        "name": "Ayesha",
        "custom:language": "ur",
    }
    body.update(claims)
    return jwt.encode({k: v for k, v in body.items() if v is not None}, _KEY, algorithm="RS256", headers={"kid": "k1"})


STAFF_ISSUER = "https://cognito-idp.ap-south-1.amazonaws.com/ap-south-1_staff"
STAFF_CLIENT = "client-staff"


def _key_for(kid: str) -> dict[str, Any] | None:
    return _JWK if kid == "k1" else None


ISSUERS = [Issuer("citizens", ISSUER, CLIENT, _key_for), Issuer("staff", STAFF_ISSUER, STAFF_CLIENT, _key_for)]


def staff_token(**claims: Any) -> str:
    return token(iss=STAFF_ISSUER, aud=STAFF_CLIENT, **claims)


def verify(raw: str) -> Any:
    return verify_id_token(raw, ISSUERS).principal


def test_a_valid_id_token_gives_a_citizen_with_their_language() -> None:
    who = verify(token())
    assert (who.sub, who.role, who.language, who.office_id) == ("abc", "citizen", "ur", None)


def test_groups_map_to_roles_and_officers_carry_their_office() -> None:
    officer = verify(staff_token(**{"cognito:groups": ["officer"], "custom:office_id": "lesco-lahore"}))
    assert (officer.role, officer.office_id) == ("officer", "lesco-lahore")
    assert verify(staff_token(**{"cognito:groups": ["officer", "admin"]})).role == "admin"


@pytest.mark.parametrize(
    "raw",
    [
        token(**{"cognito:groups": None}),  # a citizens' pool account in no group
        token(**{"cognito:groups": ["admin"]}),  # the citizens' pool cannot make an admin
        token(**{"cognito:groups": ["officer"], "custom:office_id": "lesco-lahore"}),
        staff_token(**{"cognito:groups": ["citizen"]}),  # nor the staff pool a citizen
        staff_token(**{"cognito:groups": None}),
    ],
)
def test_only_a_user_in_a_group_of_its_own_pool_gets_a_role(raw: str) -> None:
    with pytest.raises(Unauthenticated):
        verify(raw)


def test_a_token_issued_before_the_accounts_revocation_no_longer_counts() -> None:
    verified = verify_id_token(token(iat=1_000), ISSUERS)
    assert still_valid(verified, None)
    assert not still_valid(verified, 1_001)
    assert still_valid(verified, 1_000)  # issued in the second of the revocation, after it (a new sign-in)


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": int(time.time()) - 3600},
        {"iss": "https://evil.example/pool"},
        {"aud": "another-client"},
        {"token_use": "access"},
        {"iss": STAFF_ISSUER, "aud": STAFF_CLIENT, "cognito:groups": ["officer"]},  # an officer without an office
        {"iss": STAFF_ISSUER},  # a staff-pool issuer with the citizens' audience
    ],
)
def test_tokens_that_fail_a_check_are_refused(claims: dict[str, Any]) -> None:
    with pytest.raises(Unauthenticated):
        verify(token(**claims))


def test_a_token_signed_by_another_key_is_refused() -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(
        {"sub": "x", "iss": ISSUER, "aud": CLIENT, "token_use": "id", "iat": 1, "exp": 2**31},
        other,
        algorithm="RS256",
        headers={"kid": "k1"},
    )
    with pytest.raises(Unauthenticated):
        verify(forged)
    with pytest.raises(Unauthenticated):
        verify("not-a-token")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("03001234567", "+923001234567"),
        ("0300-1234567", "+923001234567"),
        ("+92 300 1234567", "+923001234567"),
        ("00923001234567", "+923001234567"),
        ("+447700900123", "+447700900123"),
        ("0421234567", None),  # a landline cannot receive the code
        ("12345", None),
    ],
)
def test_phone_numbers_are_normalised_to_e164(raw: str, expected: str | None) -> None:
    assert pii.normalise_phone(raw) == expected


def test_cnic_is_checked_hashed_and_encrypted_never_stored_in_clear() -> None:
    services, _, _ = make_services()
    out = identity.register(
        services,
        RegisterIn(
            name="Ayesha Khan", phone="03001234567", password="secret123", cnic="35202-1234567-1", language="ur"
        ),
        "10.0.0.1",
    )
    assert out.username == "+923001234567"
    assert out.delivery.channel == "sms" and "1234567" not in out.delivery.destination
    assert "3520212345671" not in str(services.table.items)  # type: ignore[attr-defined]  # not while pending either
    identity.confirm(services, ConfirmIn(username="03001234567", code=sent_code(services)), "10.0.0.1")
    profile = services.table.get(keys.profile_key(services.identity.user("+923001234567")["sub"]))  # type: ignore[attr-defined]
    assert profile is not None
    assert "3520212345671" not in str(profile)
    assert profile["cnic_hash"] == pii.cnic_hash("3520212345671", PII_KEYS)
    assert pii.decrypt(profile["cnic_encrypted"], PII_KEYS) == "3520212345671"


def test_registration_names_each_bad_field() -> None:
    services, _, _ = make_services()
    with pytest.raises(InvalidInput) as raised:
        identity.register(
            services,
            RegisterIn(
                name="Ali", phone="12", email="not-an-email", password="secret123", cnic="123", district="atlantis"
            ),
            "10.0.0.1",
        )
    assert {d.field for d in raised.value.details} == {"phone", "email", "cnic", "district"}


def test_a_citizen_changes_their_name_and_message_language_in_the_account_and_the_profile() -> None:
    services, _, _ = make_services()
    identity.register(
        services, RegisterIn(name="Ayesha Khan", phone="03001234567", password="secret123", language="en"), "10.0.0.1"
    )
    identity.confirm(services, ConfirmIn(username="03001234567", code=sent_code(services)), "10.0.0.1")
    user = services.identity.user("+923001234567")  # type: ignore[attr-defined]
    principal = Principal(sub=str(user["sub"]), role="citizen", username="+923001234567", name="Ayesha Khan")
    assert identity.preferences(services, principal).name == "Ayesha Khan"
    # When she gives a new name (spaces around it dropped) and Urdu for her messages
    out = identity.update_preferences(
        services, principal, PreferencesIn.model_validate({"name": "  عائشہ خان ", "language": "ur"})
    )
    # Then her preferences say so, the account's attributes (her next tokens) too, and the name is never in clear
    assert out.name == "عائشہ خان" and out.language == "ur" and out.notify_by == ["sms"]
    assert user["attributes"]["name"] == "عائشہ خان" and user["attributes"]["custom:language"] == "ur"
    assert "عائشہ" not in str(services.table.get(keys.profile_key(principal.sub)))
    assert identity.preferences(services, principal).name == "عائشہ خان"
    # Changing only the channels leaves the account alone
    identity.update_preferences(services, principal, PreferencesIn.model_validate({"notify_by": []}))
    assert user["attributes"]["name"] == "عائشہ خان"


@pytest.mark.parametrize("name", ["A", " ", "Ali\nKhan", "x" * 101])
def test_a_name_too_short_too_long_or_with_a_line_break_is_refused(name: str) -> None:
    with pytest.raises(ValueError):
        PreferencesIn.model_validate({"name": name})


def test_tracking_numbers_survive_misreading_and_catch_typos() -> None:
    number = tracking.new_tracking_number()
    assert tracking.normalise(number.lower()) == number
    spoken = number.replace("0", "O").replace("1", "I")
    assert tracking.normalise(spoken) == number
    body = number.replace("-", "")
    typo = body[:3] + ("2" if body[3] != "2" else "3") + body[4:]
    assert tracking.normalise(typo) is None
