"""Typed domain errors. Each maps to one HTTP status, in chalicelib/api/responses.py only."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldProblem:
    """One field of the input and what is wrong with it (`problem_ur`: the problem in Urdu, where it has been said)."""

    field: str
    problem: str
    problem_ur: str = ""


class AwaazError(Exception):
    """Base of every error a caller may see; `code` is the machine-readable name."""

    code = "error"

    def __init__(self, message: str = "", details: list[FieldProblem] | None = None) -> None:
        super().__init__(message or self.code)
        self.message = message or self.code
        self.details = details or []


class InvalidInput(AwaazError):
    code = "invalid_input"


class WrongCode(InvalidInput):
    """A confirmation or reset code that is wrong, used up or expired."""

    code = "wrong_code"

    def __init__(self) -> None:
        super().__init__("the code is wrong or has expired", [FieldProblem("code", "wrong or expired code")])


class InvalidCursor(InvalidInput):
    code = "invalid_cursor"

    def __init__(self) -> None:
        super().__init__(
            "the cursor is not one this service issued", [FieldProblem("cursor", "not a cursor this service issued")]
        )


class BodyTooLarge(AwaazError):
    code = "body_too_large"


class MethodNotAllowed(AwaazError):
    code = "method_not_allowed"


class UnsupportedMediaType(AwaazError):
    code = "unsupported_media_type"


class Unauthenticated(AwaazError):
    code = "unauthenticated"


class WrongCredentials(Unauthenticated):
    """A username and password, or a sign-in code, that do not match (which of them is never said)."""

    code = "wrong_credentials"


class SignInExpired(Unauthenticated):
    """A sign-in session (between the password and the authenticator code) that has expired."""

    code = "sign_in_expired"


class Forbidden(AwaazError):
    code = "forbidden"


class NotFound(AwaazError):
    code = "not_found"


class CaseNotFound(NotFound):
    code = "case_not_found"


class Conflict(AwaazError):
    code = "conflict"


class VersionConflict(Conflict):
    code = "version_conflict"


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"


class CaseArchived(TransitionNotAllowed):
    """The case ended over a year ago and is archived: it can be read, never changed (chalicelib/store/archive.py)."""

    code = "case_archived"

    def __init__(self) -> None:
        super().__init__("this case was archived a year after it ended: it can be read but no longer changed")


class AlreadyExists(Conflict):
    code = "already_exists"


class PreconditionRequired(AwaazError):
    """A change that must name the version it was made from (`If-Match`) and did not."""

    code = "precondition_required"


class IdempotencyKeyReused(AwaazError):
    code = "idempotency_key_reused"


class RateLimited(AwaazError):
    """Too many of something in a window; `retry_after` is how many seconds until the window ends."""

    code = "rate_limited"

    def __init__(self, message: str = "", details: list[FieldProblem] | None = None, retry_after: int | None = None):
        super().__init__(message, details)
        self.retry_after = retry_after


class DailyLimitReached(RateLimited):
    """A citizen has filed today as many of a kind of case as a day allows."""

    code = "daily_limit_reached"


class ServiceUnavailable(AwaazError):
    code = "service_unavailable"


class SendThrottled(ServiceUnavailable):
    """SES or SNS refused a send for the account's rate (`daily_quota`: SES's 24-hour quota is spent): nothing was
    sent, and sending more now only earns more refusals (the notify worker returns the rest of its batch)."""

    def __init__(self, message: str = "", *, daily_quota: bool = False) -> None:
        super().__init__(message)
        self.daily_quota = daily_quota


class InternalError(AwaazError):
    """A fault of the service itself (an exception no view caught), never of the input."""

    code = "internal_error"


@dataclass
class NewCaseRefused(Exception):
    """A new case's transaction lost a condition, and which of its parts did."""

    id_taken: bool = False
    key_used: bool = False
    over_limit: bool = False
    counted_already: bool = False


@dataclass
class ConditionFailure(Exception):
    """A conditional write lost: which items of a transaction failed their condition."""

    failed_indexes: list[int] = field(default_factory=list)
