"""Cognito: accounts, passwords, MFA and tokens, by admin calls only (IAM-authorised: the API is the only door).

Two pools: citizens (Lite tier) and staff (officers and admins: TOTP MFA required, a stronger
password policy, threat protection). Their app clients allow only ADMIN_USER_PASSWORD_AUTH and
refresh, and only admins create users, so no one holding a client id can sign up, sign in or ask
for codes around the API's limits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote

from chalicelib.models.errors import (
    AlreadyExists,
    FieldProblem,
    Forbidden,
    InvalidInput,
    RateLimited,
    ServiceUnavailable,
    SignInExpired,
    WrongCredentials,
)
from chalicelib.models.identity import Account, ChallengeName, ChallengeOut, Pool, TokensOut

# Cognito's challenge names and ours.
_CHALLENGES: dict[str, ChallengeName] = {
    "SOFTWARE_TOKEN_MFA": "mfa",
    "MFA_SETUP": "mfa_setup",
    "NEW_PASSWORD_REQUIRED": "new_password",
}
ISSUER_NAME = "Awaaz"


class CognitoIdentity:
    def __init__(self, client: Callable[[], Any], pools: dict[Pool, tuple[str, str]]) -> None:
        self._client = client  # a factory: the client is made on first use
        self._pools = pools  # pool → (user pool id, app client id)

    def _call(self, operation: str, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

        try:
            return getattr(self._client(), operation)(**kwargs)
        except ParamValidationError as exc:
            # Outside what Cognito takes (a session under 20 characters, ...): the input, not the service.
            raise InvalidInput("the sign-in details were not accepted") from exc
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise _domain_error(error.get("Code", ""), error.get("Message", "")) from exc
        except BotoCoreError as exc:
            raise ServiceUnavailable("sign-in is unavailable, try again shortly") from exc

    def _admin(self, operation: str, pool: Pool, username: str, **kwargs: Any) -> Any:
        return self._call(operation, UserPoolId=self._pools[pool][0], Username=username, **kwargs)

    def find(self, pool: Pool, username: str) -> Account | None:
        from botocore.exceptions import ClientError

        try:
            user = self._client().admin_get_user(UserPoolId=self._pools[pool][0], Username=username)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "UserNotFoundException":
                return None
            raise _domain_error(exc.response.get("Error", {}).get("Code", ""), "") from exc
        attributes = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
        return Account(sub=attributes.get("sub", ""), enabled=bool(user.get("Enabled", True)))

    def create(self, pool: Pool, username: str, password: str | None, attributes: dict[str, str], group: str) -> str:
        out = self._admin(
            "admin_create_user",
            pool,
            username,
            MessageAction="SUPPRESS",  # codes and invitations are the API's own messages
            UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
        )
        if password is not None:
            self._admin("admin_set_user_password", pool, username, Password=password, Permanent=True)
        self._admin("admin_add_user_to_group", pool, username, GroupName=group)
        created = {a["Name"]: a["Value"] for a in out["User"].get("Attributes", [])}
        return str(created["sub"])

    def invite(
        self, pool: Pool, username: str, temporary_password: str, attributes: dict[str, str], groups: Sequence[str]
    ) -> str:
        out = self._admin(
            "admin_create_user",
            pool,
            username,
            MessageAction="SUPPRESS",  # the invitation is the API's own message, in the person's language
            TemporaryPassword=temporary_password,
            UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
        )
        try:
            for group in groups:
                self._admin("admin_add_user_to_group", pool, username, GroupName=group)
        except Exception:
            self._admin("admin_delete_user", pool, username)  # an account without its role is no use: none at all
            raise
        created = {a["Name"]: a["Value"] for a in out["User"].get("Attributes", [])}
        return str(created["sub"])

    def add_to_group(self, pool: Pool, username: str, group: str) -> None:
        self._admin("admin_add_user_to_group", pool, username, GroupName=group)

    def remove_from_group(self, pool: Pool, username: str, group: str) -> None:
        self._admin("admin_remove_user_from_group", pool, username, GroupName=group)

    def sign_in(self, pool: Pool, username: str, password: str) -> TokensOut | ChallengeOut:
        pool_id, client_id = self._pools[pool]
        out = self._call(
            "admin_initiate_auth",
            UserPoolId=pool_id,
            ClientId=client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
        return self._outcome(pool, username, out)

    def answer(
        self, pool: Pool, username: str, session: str, challenge: ChallengeName, answer: str | None
    ) -> TokensOut | ChallengeOut:
        pool_id, client_id = self._pools[pool]
        if challenge == "mfa_setup" and not answer:
            # Enrolling: the key for the authenticator app, bound to this sign-in session.
            out = self._call("associate_software_token", Session=session)
            secret = str(out["SecretCode"])
            label = quote(f"{ISSUER_NAME}:{username}")
            uri = f"otpauth://totp/{label}?secret={secret}&issuer={ISSUER_NAME}&algorithm=SHA1&digits=6&period=30"
            return ChallengeOut(
                challenge="mfa_setup", session=out.get("Session") or session, secret=secret, otpauth_uri=uri
            )
        if challenge == "mfa_setup":
            verified = self._call(
                "verify_software_token", Session=session, UserCode=answer, FriendlyDeviceName=ISSUER_NAME
            )
            out = self._call(
                "admin_respond_to_auth_challenge",
                UserPoolId=pool_id,
                ClientId=client_id,
                ChallengeName="MFA_SETUP",
                Session=verified.get("Session") or session,
                ChallengeResponses={"USERNAME": username},
            )
            # The verified app becomes the account's MFA from now on.
            self._admin(
                "admin_set_user_mfa_preference",
                pool,
                username,
                SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
            )
            return self._outcome(pool, username, out)
        name, field = (
            ("SOFTWARE_TOKEN_MFA", "SOFTWARE_TOKEN_MFA_CODE")
            if challenge == "mfa"
            else (
                "NEW_PASSWORD_REQUIRED",
                "NEW_PASSWORD",
            )
        )
        out = self._call(
            "admin_respond_to_auth_challenge",
            UserPoolId=pool_id,
            ClientId=client_id,
            ChallengeName=name,
            Session=session,
            ChallengeResponses={"USERNAME": username, field: answer or ""},
        )
        return self._outcome(pool, username, out)

    def _outcome(self, pool: Pool, username: str, out: dict[str, Any]) -> TokensOut | ChallengeOut:
        name = out.get("ChallengeName")
        if name:
            ours = _CHALLENGES.get(str(name))
            if ours is None:
                raise Forbidden("this account needs an administrator to finish setting it up")
            return ChallengeOut(challenge=ours, session=str(out.get("Session", "")))
        return _tokens(out)

    def refresh(self, pool: Pool, refresh_token: str) -> TokensOut:
        pool_id, client_id = self._pools[pool]
        out = self._call(
            "admin_initiate_auth",
            UserPoolId=pool_id,
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )
        return _tokens(out, refresh_token=refresh_token)

    def set_password(self, pool: Pool, username: str, password: str) -> None:
        self._admin("admin_set_user_password", pool, username, Password=password, Permanent=True)

    def set_enabled(self, pool: Pool, username: str, enabled: bool) -> None:
        self._admin("admin_enable_user" if enabled else "admin_disable_user", pool, username)

    def delete(self, pool: Pool, username: str) -> None:
        self._admin("admin_delete_user", pool, username)

    def sign_out(self, pool: Pool, username: str) -> None:
        self._admin("admin_user_global_sign_out", pool, username)

    def update(self, pool: Pool, username: str, attributes: dict[str, str]) -> None:
        self._admin(
            "admin_update_user_attributes",
            pool,
            username,
            UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
        )


def _tokens(out: dict[str, Any], refresh_token: str | None = None) -> TokensOut:
    result = out.get("AuthenticationResult")
    if not result:
        raise Forbidden("this account needs an administrator to finish setting it up")
    return TokensOut(
        id_token=result["IdToken"],
        access_token=result["AccessToken"],
        refresh_token=result.get("RefreshToken") or refresh_token,
        expires_in=int(result.get("ExpiresIn", 3600)),
    )


def _domain_error(code: str, message: str) -> Exception:
    if code == "UsernameExistsException":
        return AlreadyExists("an account with this phone number or email already exists")
    if code in ("CodeMismatchException", "EnableSoftwareTokenMFAException"):
        return WrongCredentials("the code is wrong", [FieldProblem("code", "not the code the authenticator app shows")])
    if code == "ExpiredCodeException":
        return SignInExpired("this sign-in has expired; start again")
    if code == "InvalidPasswordException":
        return InvalidInput(
            "the password is too weak",
            [FieldProblem("password", "too weak for this account: see the password rules")],
        )
    if code == "NotAuthorizedException" and "session" in message.lower():
        return SignInExpired("this sign-in has expired; start again")
    if code in ("NotAuthorizedException", "UserNotFoundException", "UserNotConfirmedException"):
        return WrongCredentials("the username or password is wrong")
    if code in ("TooManyRequestsException", "LimitExceededException", "TooManyFailedAttemptsException"):
        return RateLimited("too many attempts; wait a few minutes and try again", retry_after=300)
    if code == "ResourceNotFoundException":
        return SignInExpired("this sign-in has expired; start again")
    if code == "InvalidParameterException":
        return InvalidInput("the account details were not accepted")
    return ServiceUnavailable("sign-in is unavailable, try again shortly")
