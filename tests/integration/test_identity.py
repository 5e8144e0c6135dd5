"""Identity over HTTP, as an attacker and as the people they target meet it.

Sources are told apart by X-Forwarded-For (the local gateway's stand-in for API Gateway's sourceIp).
"""

from __future__ import annotations

import time

from local.totp import code as totp_code
from local.totp import fresh_code
from tests.harness import PASSWORD, Stack

STRANGER = {"x-forwarded-for": "203.0.113.66"}
AT_WORK = {"x-forwarded-for": "10.20.30.40"}


def next_second() -> None:
    """Tokens carry whole seconds: a sign-in right after a revocation waits for the next one (a person always does)."""
    time.sleep(1.05 - time.time() % 1)


def test_a_strangers_failed_sign_ins_do_not_stop_the_officer(stack: Stack) -> None:
    stack.login("officer")  # the account exists
    # Given a stranger hammering the officer's username with wrong passwords from one address
    answers = [
        stack.post("/v1/auth/login", {"username": "officer@example.pk", "password": f"guess-{n}"}, headers=STRANGER)
        for n in range(40)
    ]
    statuses = [a.status for a in answers]
    # Then the stranger is slowed (429 with Retry-After), after a few plain refusals
    assert statuses[:5] == [401] * 5 and statuses.count(429) >= 30
    held = next(a for a in answers if a.status == 429)
    assert 1 <= int(held.headers["Retry-After"]) <= 900 and held.json["error"]["code"] == "rate_limited"
    # And the officer, at work, signs in at once: password, then the authenticator code
    signed_in = stack.sign_in("officer@example.pk", source=AT_WORK["x-forwarded-for"])
    assert signed_in.status == 200 and signed_in.json["id_token"]


def test_officers_and_admins_cannot_sign_in_without_their_authenticator_code(stack: Stack) -> None:
    for role, username in (("officer", "officer@example.pk"), ("admin", "admin@example.pk")):
        stack.login(role)
        first = stack.post("/v1/auth/login", {"username": username, "password": PASSWORD})
        # The password alone gives a challenge, never a token
        assert first.status == 200 and first.json["challenge"] == "mfa" and first.json["session"]
        assert "id_token" not in first.json and "access_token" not in first.json
        answer = {"username": username, "session": first.json["session"], "challenge": "mfa"}
        wrong = stack.post("/v1/auth/challenge", {**answer, "code": totp_code("JBSWY3DPEHPK3PXP")})  # another app's key
        assert wrong.status == 401 and wrong.json["error"]["code"] == "wrong_credentials"
        missing = stack.post("/v1/auth/challenge", answer)
        assert missing.status == 400 and missing.json["error"]["details"][0]["field"] == "code"
        right = stack.post("/v1/auth/challenge", {**answer, "code": fresh_code()})
        assert right.status == 200, right.body
        me = stack.get("/v1/me", token=right.json["id_token"]).json
        assert me["role"] == role
        # A staff refresh token goes back to the staff pool
        refreshed = stack.post("/v1/auth/refresh", {"refresh_token": right.json["refresh_token"]})
        assert refreshed.status == 200 and stack.get("/v1/me", token=refreshed.json["id_token"]).json["role"] == role


def test_a_disabled_citizen_is_refused_on_the_next_request_and_cannot_sign_in_again(stack: Stack) -> None:
    citizen = stack.login("citizen2")
    sub = stack.subs["citizen2"]
    admin = stack.login("admin")
    refresh = stack.sign_in("citizen2@example.pk").json["refresh_token"]
    assert stack.get("/v1/complaints", token=citizen).status == 200
    # When an admin disables the account
    assert stack.post(f"/v1/admin/accounts/{sub}/disable", {}, token=admin).status == 200
    # Then its token is refused on its next request (API Gateway's cache makes that within 60 s in AWS)
    assert stack.get("/v1/complaints", token=citizen).status == 401
    assert stack.post("/v1/auth/refresh", {"refresh_token": refresh}).status == 401
    assert stack.sign_in("citizen2@example.pk").status == 401
    # And enabling it lets the person back in
    assert stack.post(f"/v1/admin/accounts/{sub}/enable", {}, token=admin).status == 200
    next_second()
    again = stack.sign_in("citizen2@example.pk")
    assert again.status == 200 and stack.get("/v1/complaints", token=again.json["id_token"]).status == 200
    stack.tokens["citizen2"] = again.json["id_token"]


def test_an_officer_moved_to_another_office_loses_the_old_office_at_once(stack: Stack) -> None:
    officer = stack.login_officer_of(stack.supervisor_office_id)
    key = f"officer:{stack.supervisor_office_id}"
    admin = stack.login("admin")
    assert stack.get("/v1/officer/cases", token=officer).status == 200
    moved = stack.request(
        "PUT", f"/v1/admin/accounts/{stack.subs[key]}/office", b'{"office_id": "pmdu-hq"}', token=admin
    )
    assert moved.status == 200, moved.body
    assert stack.get("/v1/officer/cases", token=officer).status == 401
    next_second()
    again = stack.sign_in(f"officer.{stack.supervisor_office_id}@example.pk")
    assert stack.get("/v1/me", token=again.json["id_token"]).json["office_id"] == "pmdu-hq"
    # Only an admin moves officers; an unknown office is named
    assert (
        stack.request("PUT", f"/v1/admin/accounts/{stack.subs[key]}/office", b'{"office_id": "x"}', token=admin).status
        == 400
    )
    assert (
        stack.request(
            "PUT", f"/v1/admin/accounts/{stack.subs[key]}/office", b'{"office_id": "pmdu-hq"}', token=officer
        ).status
        == 401
    )


def test_a_deleted_account_is_refused_and_gone(stack: Stack) -> None:
    admin = stack.login("admin")
    stack._create_account("leaving@example.pk", "citizen")
    token = stack.sign_in("leaving@example.pk").json["id_token"]
    sub = stack.get("/v1/me", token=token).json["sub"]
    assert stack.request("DELETE", f"/v1/admin/accounts/{sub}", token=admin).status == 200
    assert stack.get("/v1/me", token=token).status == 401
    assert stack.sign_in("leaving@example.pk").status == 401
    assert stack.request("DELETE", f"/v1/admin/accounts/{sub}", token=admin).status == 404


def test_forgot_password_resets_with_the_code_sent_to_the_owner_and_ends_old_sessions(stack: Stack) -> None:
    stack._create_account("forgetful@example.pk", "citizen")
    old = stack.sign_in("forgetful@example.pk").json["id_token"]
    next_second()  # a session from before the reset (a reset refuses tokens of earlier seconds: docs/identity.md)
    unknown = stack.post("/v1/auth/forgot-password", {"username": "nobody@example.pk"})
    asked = stack.post("/v1/auth/forgot-password", {"username": "Forgetful@Example.pk"})
    assert asked.status == unknown.status == 202 and asked.json["delivery"]["channel"] == "email"
    wrong = stack.post(
        "/v1/auth/reset-password", {"username": "forgetful@example.pk", "code": "000000", "password": "New-pass-2027"}
    )
    code = stack.sent_code("forgetful@example.pk")
    if code != "000000":
        assert wrong.status == 400 and wrong.json["error"]["details"][0]["field"] == "code"
    reset = stack.post(
        "/v1/auth/reset-password", {"username": "forgetful@example.pk", "code": code, "password": "New-pass-2027"}
    )
    assert reset.status == 200, reset.body
    assert stack.get("/v1/me", token=old).status == 401
    next_second()
    assert stack.sign_in("forgetful@example.pk", password="New-pass-2027").status == 200
    assert stack.sign_in("forgetful@example.pk").status == 401  # the old password


def test_codes_and_sign_ups_are_limited_per_phone_with_retry_after(stack: Stack) -> None:
    body = {"name": "Sana", "phone": "03451234567", "password": "Pakistan2026"}
    answers = [stack.post("/v1/auth/register", body, headers=STRANGER) for _ in range(6)]
    assert [a.status for a in answers] == [201] * 5 + [429]
    assert int(answers[-1].headers["Retry-After"]) > 0
    resends = [stack.post("/v1/auth/resend-code", {"username": "03451234567"}) for _ in range(6)]
    assert [a.status for a in resends] == [202] * 5 + [429]
    # Every code went to the phone, none to the caller
    assert all("code" not in a.json.get("delivery", {}) for a in answers[:5] + resends[:5])


def test_a_new_administrator_sets_a_password_and_enrols_an_authenticator_at_first_sign_in(stack: Stack) -> None:
    # Given the first admin, created as docs/deploy.md says (make staff-aws), with a temporary password
    from chalicelib import aws
    from chalicelib.logic.pii import Keyring
    from infra.staff_account import create_staff

    # The operator reads the stack's keyring with their own credentials, as `make staff-aws` does
    secret = aws.client("secretsmanager").get_secret_value(SecretId=stack.resources["PII_SECRET_ARN"])
    create_staff(
        stack.resources["STAFF_POOL_ID"],
        stack.resources["TABLE_NAME"],
        Keyring.parse(secret["SecretString"]),
        "First.Admin@example.org",
        "First Admin",
        "admin",
        None,
        temporary_password="Temporary-2026!x",
    )
    username = "first.admin@example.org"
    # When they sign in: a new password first, then an authenticator app, then its code
    first = stack.post("/v1/auth/login", {"username": username, "password": "Temporary-2026!x"})
    assert first.status == 200 and first.json["challenge"] == "new_password", first.body
    weak = {
        "username": username,
        "session": first.json["session"],
        "challenge": "new_password",
        "new_password": "short-1",
    }
    assert stack.post("/v1/auth/challenge", weak).status == 400
    chosen = stack.post(
        "/v1/auth/challenge",
        {**weak, "new_password": "A-much-longer-Passw0rd!"},
    )
    assert chosen.status == 200 and chosen.json["challenge"] == "mfa_setup", chosen.body
    setup = stack.post(
        "/v1/auth/challenge", {"username": username, "session": chosen.json["session"], "challenge": "mfa_setup"}
    )
    assert setup.status == 200 and setup.json["secret"] and setup.json["otpauth_uri"].startswith("otpauth://totp/")
    done = stack.post(
        "/v1/auth/challenge",
        {
            "username": username,
            "session": setup.json["session"],
            "challenge": "mfa_setup",
            "code": fresh_code(setup.json["secret"]),
        },
    )
    assert done.status == 200, done.body
    assert stack.get("/v1/me", token=done.json["id_token"]).json["role"] == "admin"
    # And from then on the password alone asks for the code
    again = stack.post("/v1/auth/login", {"username": username, "password": "A-much-longer-Passw0rd!"})
    assert again.status == 200 and again.json["challenge"] == "mfa"


def test_the_public_app_clients_take_no_sign_up_and_no_password(stack: Stack) -> None:
    # The reproduction: anyone with a client id signing up with a victim's phone, or guessing passwords
    import pytest
    from botocore.exceptions import ClientError

    from chalicelib import aws

    stack.login("citizen")
    idp = aws.client("cognito-idp")
    for client in ("USER_POOL_CLIENT_ID", "STAFF_POOL_CLIENT_ID"):
        with pytest.raises(ClientError) as refused:
            idp.sign_up(ClientId=stack.resources[client], Username="+923009998877", Password="Whatever-2026!x")
        assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
        for flow in ("USER_PASSWORD_AUTH", "USER_SRP_AUTH"):
            with pytest.raises(ClientError) as refused:
                idp.initiate_auth(
                    ClientId=stack.resources[client],
                    AuthFlow=flow,
                    AuthParameters={"USERNAME": "citizen@example.pk", "PASSWORD": PASSWORD, "SRP_A": "1"},
                )
            assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_a_name_and_message_language_chosen_in_settings_reach_the_next_tokens(stack: Stack) -> None:
    import json

    for username, group in (("renamed@example.pk", "citizen"), ("renamed.officer@example.pk", "officer")):
        stack._create_account(username, group, stack.demo_route["office_id"] if group == "officer" else None)
        signed_in = stack.sign_in(username).json
        token = signed_in["id_token"]
        assert stack.get("/v1/me/preferences", token=token).json["name"] == username.split("@")[0]
        # A name with a line break is refused, naming the field
        bad = stack.request("PATCH", "/v1/me", json.dumps({"name": "Ali\nKhan"}).encode(), token=token)
        assert bad.status == 400 and bad.json["error"]["details"][0]["field"] == "name"
        # When they choose a name and Urdu for their messages
        body = json.dumps({"name": "  نئی بی بی ", "language": "ur"}).encode()
        chosen = stack.request("PATCH", "/v1/me", body, token=token)
        assert chosen.status == 200 and chosen.json["name"] == "نئی بی بی" and chosen.json["language"] == "ur"
        # Then their preferences say so over HTTP, and the next tokens (a refresh) carry both
        assert stack.get("/v1/me/preferences", token=token).json["name"] == "نئی بی بی"
        refreshed = stack.post("/v1/auth/refresh", {"refresh_token": signed_in["refresh_token"]})
        assert refreshed.status == 200, refreshed.body
        me = stack.get("/v1/me", token=refreshed.json["id_token"]).json
        assert me["name"] == "نئی بی بی" and me["language"] == "ur"
