"""Cognito: accounts, passwords and tokens (the user pool is the identity provider)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.models.errors import (
    AlreadyExists,
    FieldProblem,
    Forbidden,
    InvalidInput,
    RateLimited,
    ServiceUnavailable,
    Unauthenticated,
)
from chalicelib.models.identity import TokensOut


class CognitoIdentity:
    def __init__(self, client: Callable[[], Any], pool_id: str, client_id: str) -> None:
        self._client = client  # a factory: the client is made on first use
        self._pool_id = pool_id
        self._client_id = client_id

    def _call(self, operation: str, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self._client(), operation)(**kwargs)
        except ClientError as exc:
            raise _domain_error(exc.response.get("Error", {}).get("Code", "")) from exc
        except BotoCoreError as exc:
            raise ServiceUnavailable("sign-in is unavailable, try again shortly") from exc

    def sign_up(self, username: str, password: str, attributes: dict[str, str]) -> str:
        out = self._call(
            "sign_up",
            ClientId=self._client_id,
            Username=username,
            Password=password,
            UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
        )
        return str(out["UserSub"])

    def confirm(self, username: str, code: str) -> None:
        self._call("confirm_sign_up", ClientId=self._client_id, Username=username, ConfirmationCode=code)

    def add_to_group(self, username: str, group: str) -> None:
        self._call("admin_add_user_to_group", UserPoolId=self._pool_id, Username=username, GroupName=group)

    def login(self, username: str, password: str) -> TokensOut:
        out = self._call(
            "initiate_auth",
            ClientId=self._client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
        return _tokens(out)

    def refresh(self, refresh_token: str) -> TokensOut:
        out = self._call(
            "initiate_auth",
            ClientId=self._client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )
        return _tokens(out, refresh_token=refresh_token)


def _tokens(out: dict[str, Any], refresh_token: str | None = None) -> TokensOut:
    result = out.get("AuthenticationResult")
    if not result:
        # A challenge (e.g. a forced password change) the portal does not offer.
        raise Forbidden("this account needs an administrator to finish setting it up")
    return TokensOut(
        id_token=result["IdToken"],
        access_token=result["AccessToken"],
        refresh_token=result.get("RefreshToken") or refresh_token,
        expires_in=int(result.get("ExpiresIn", 3600)),
    )


def _domain_error(code: str) -> Exception:
    if code == "UsernameExistsException":
        return AlreadyExists("an account with this phone number or email already exists")
    if code in ("CodeMismatchException", "ExpiredCodeException"):
        return InvalidInput("the code is wrong or has expired", [FieldProblem("code", "wrong or expired code")])
    if code == "InvalidPasswordException":
        return InvalidInput(
            "the password is too weak",
            [FieldProblem("password", "use at least 8 characters including a number")],
        )
    if code == "UserNotConfirmedException":
        return Forbidden("confirm your account with the code we sent before signing in")
    if code in ("NotAuthorizedException", "UserNotFoundException"):
        return Unauthenticated("the username or password is wrong")
    if code in ("TooManyRequestsException", "LimitExceededException", "TooManyFailedAttemptsException"):
        return RateLimited("too many attempts; wait a few minutes and try again")
    if code == "InvalidParameterException":
        return InvalidInput("the account details were not accepted")
    return ServiceUnavailable("sign-in is unavailable, try again shortly")
