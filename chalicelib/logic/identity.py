"""Registering, confirming, signing in (with staff MFA), resetting passwords, and the caller's own profile.

The API is the only door: the pools take no sign-up, sign-in or code request from their public
clients, so every one of them passes the limits here. Codes are the API's own (6 digits, HMAC'd in
the table, 15 minutes, 5 wrong tries), sent to the phone or e-mail being registered or reset.
Registration answers the same whether or not the account exists: the owner of an existing account
hears of the attempt instead of getting a code, and the caller learns nothing.
"""

from __future__ import annotations

import hmac
import json
import secrets
from typing import Any

from chalicelib.logic import clock, pii, ratelimit
from chalicelib.logic.delivery import default_channels, recipient_of
from chalicelib.logic.messages import ACCOUNT_MESSAGES, ACCOUNT_SUBJECTS
from chalicelib.logic.ports import Services
from chalicelib.models.common import Language, Principal
from chalicelib.models.errors import (
    AlreadyExists,
    FieldProblem,
    Forbidden,
    InvalidInput,
    WrongCode,
    WrongCredentials,
)
from chalicelib.models.identity import (
    ChallengeIn,
    ChallengeOut,
    ConfirmIn,
    Delivery,
    DeliveryOut,
    LoginIn,
    MeOut,
    Pool,
    PreferencesIn,
    PreferencesOut,
    RefreshIn,
    RegisterIn,
    RegisterOut,
    ResetIn,
    TokensOut,
)
from chalicelib.store import keys, people

CODE_MINUTES = 15
MAX_WRONG_CODES = 5
# An unconfirmed registration is kept this long (a code resent within it reuses its details).
PENDING_SECONDS = 24 * 3600
# A revocation marker outlives any token issued before it (ID tokens live 60 minutes).
REVOCATION_SECONDS = 24 * 3600
# Refresh tokens of the staff pool carry this prefix, so a refresh goes to the pool that issued it.
STAFF_REFRESH_PREFIX = "staff:"


def username_of(raw: str) -> str:
    """The canonical username for what a person types: their phone (E.164) or email (lower case: the pools
    compare usernames without case, and so do the limits and markers keyed by them)."""
    if "@" in raw:
        return (pii.normalise_email(raw) or raw.strip()).lower()
    return pii.normalise_phone(raw) or raw.strip()


def delivery_to(username: str) -> Delivery:
    """Where a code for `username` goes, masked: derived from what was typed, never from an account."""
    if "@" in username:
        return Delivery(channel="email", destination=pii.mask_email(username))
    return Delivery(channel="sms", destination=pii.mask_phone(username))


# --- registration ------------------------------------------------------------------------


def register(services: Services, data: RegisterIn, source: str) -> RegisterOut:
    problems: list[FieldProblem] = []
    phone = email = cnic = None
    if data.phone:
        phone = pii.normalise_phone(data.phone)
        if phone is None:
            problems.append(FieldProblem("phone", "not a valid mobile number: use +923001234567 or 03001234567"))
    if data.email:
        email = pii.normalise_email(data.email)
        if email is None:
            problems.append(FieldProblem("email", "not a valid email address"))
    if data.cnic:
        cnic = pii.normalise_cnic(data.cnic)
        if cnic is None:
            problems.append(FieldProblem("cnic", "a CNIC has 13 digits, e.g. 35202-1234567-1"))
    if data.district and data.district not in services.directory().districts:
        problems.append(FieldProblem("district", "unknown district; see GET /v1/districts"))
    if email and len(email) > 128:
        problems.append(FieldProblem("email", "at most 128 characters"))
    if not any(ch.isdigit() for ch in data.password):
        problems.append(FieldProblem("password", "use at least 8 characters including a number"))
    if problems:
        raise InvalidInput("some details need correcting", problems)

    username = username_of(phone or email or "")
    ratelimit.check_both(services, "register", username, source)
    digest = pii.username_digest(username, services.pii_keys())
    if _taken(services, username, digest):
        _send(services, username, data.language, "already_registered")
    else:
        pending = {
            "name": data.name,
            "phone": phone,
            "email": email,
            "cnic": cnic,
            "district": data.district,
            "language": data.language,
            "user_type": data.user_type,
            "password": data.password,
        }
        now = _now(services)
        sealed = pii.encrypt(json.dumps(pending), services.pii_keys())
        _issue_code(
            services, "register", username, digest, data.language, {"registration": sealed}, now + PENDING_SECONDS
        )
    return RegisterOut(username=username, delivery=delivery_to(username))


def _taken(services: Services, username: str, digest: str) -> bool:
    """Whether the username has an account already, in either pool."""
    return _pool_of(services, digest) == "staff" or services.identity.find("citizens", username) is not None


def resend_code(services: Services, raw: str, source: str) -> DeliveryOut:
    """A new code for a registration not yet confirmed; the same answer when there is none."""
    username = _username(raw)
    ratelimit.check_both(services, "resend", username, source)
    digest = pii.username_digest(username, services.pii_keys())
    item = people.get_code(services.table, "register", digest)
    now = _now(services)
    if item and item.get("registration") and int(item.get("expires_at", 0)) > now:
        pending = json.loads(pii.decrypt(str(item["registration"]), services.pii_keys()))
        language: Language = "ur" if pending.get("language") == "ur" else "en"
        fields = {"registration": item["registration"]}
        _issue_code(services, "register", username, digest, language, fields, int(item["expires_at"]))
    return DeliveryOut(delivery=delivery_to(username))


def confirm(services: Services, data: ConfirmIn, source: str) -> None:
    username, digest, item = _accept_code(services, "register", data.username, data.code, source)
    if not item.get("registration"):
        raise WrongCode()
    pending = json.loads(pii.decrypt(str(item["registration"]), services.pii_keys()))
    phone, email = pending.get("phone"), pending.get("email")
    attributes = {
        "name": pending["name"],
        "custom:language": pending["language"],
        "custom:user_type": pending["user_type"],
    }
    if phone:
        attributes.update({"phone_number": phone, "phone_number_verified": "true"})
    if email:
        attributes.update({"email": email, "email_verified": "true"})
    if pending.get("district"):
        attributes["custom:district"] = pending["district"]
    try:
        sub = services.identity.create("citizens", username, pending["password"], attributes, "citizen")
    except AlreadyExists:
        # Registered in between (another confirmation won): this code is spent.
        people.drop_code(services.table, "register", digest)
        raise WrongCode() from None
    profile = new_profile(services, sub, pending["language"], phone=phone, email=email, username=username)
    profile.update(user_type=pending["user_type"], district=pending.get("district"))
    if pending.get("cnic"):
        profile["cnic_hash"] = pii.cnic_hash(pending["cnic"], services.pii_keys())
        profile["cnic_encrypted"] = pii.encrypt(pending["cnic"], services.pii_keys())
    people.put_profile(services.table, profile)
    people.drop_code(services.table, "register", digest)


# --- passwords ------------------------------------------------------------------------------


def forgot_password(services: Services, raw: str, source: str) -> DeliveryOut:
    """A reset code to the owner of an enabled account; the same answer whether or not there is one."""
    username = _username(raw)
    ratelimit.check_both(services, "forgot", username, source)
    digest = pii.username_digest(username, services.pii_keys())
    pool = _pool_of(services, digest)
    account = services.identity.find(pool, username)
    if account is not None and account.enabled:
        profile = people.get_profile(services.table, account.sub) or {}
        language: Language = "ur" if profile.get("language") == "ur" else "en"
        now = _now(services)
        _issue_code(services, "reset", username, digest, language, {"pool": pool}, now + CODE_MINUTES * 60)
    return DeliveryOut(delivery=delivery_to(username))


def reset_password(services: Services, data: ResetIn, source: str) -> None:
    """Choose a new password with the code; every session of the account ends (tokens within a minute)."""
    username, digest, item = _accept_code(services, "reset", data.username, data.code, source)
    pool: Pool = "staff" if item.get("pool") == "staff" else "citizens"
    account = services.identity.find(pool, username)
    if account is None:
        people.drop_code(services.table, "reset", digest)
        raise WrongCode()
    services.identity.set_password(pool, username, data.password)
    people.drop_code(services.table, "reset", digest)
    revoke(services, pool, username, account.sub, this_second_too=False)


def revoke(services: Services, pool: Pool, username: str, sub: str, *, this_second_too: bool = True) -> None:
    """End every session of an account: refresh tokens now (global sign-out), ID tokens at the authorizer's
    next check (a marker it reads, cached at most 60 s by API Gateway).

    Token times are whole seconds. By default the tokens of this second are refused too, so none
    issued just before the revocation slips through (a disabled or deleted account cannot sign in
    again anyway). After a password reset the owner signs in at once, often within the second
    (a password manager), so there only earlier seconds are refused."""
    services.identity.sign_out(pool, username)
    now = _now(services)
    people.revoke(services.table, sub, now + 1 if this_second_too else now, now + REVOCATION_SECONDS)


# --- signing in -----------------------------------------------------------------------------


def login(services: Services, data: LoginIn, source: str) -> TokensOut | ChallengeOut:
    username = username_of(data.username)
    pool, counters = _sign_in_gate(services, username, source)
    try:
        result = services.identity.sign_in(pool, username, data.password)
    except WrongCredentials:
        ratelimit.count_failed_sign_in(services, counters)
        raise
    if pool == "staff" and isinstance(result, TokensOut):
        # The staff pool requires MFA (Cognito never issues staff tokens without it); moto does not
        # enforce that for an account with no authenticator yet, so it is refused here as well.
        raise Forbidden("staff accounts sign in with an authenticator app; ask an administrator to set one up")
    return result


def answer_challenge(services: Services, data: ChallengeIn, source: str) -> TokensOut | ChallengeOut:
    """The next step of a staff sign-in: the authenticator code (a wrong one counts as a failed sign-in)."""
    if data.challenge in ("mfa",) and not data.code:
        raise InvalidInput("the code is missing", [FieldProblem("code", "the 6-digit code from the authenticator app")])
    if data.challenge == "new_password" and not data.new_password:
        raise InvalidInput("the new password is missing", [FieldProblem("new_password", "choose a new password")])
    username = username_of(data.username)
    pool, counters = _sign_in_gate(services, username, source)
    answer = data.new_password if data.challenge == "new_password" else data.code
    try:
        result = services.identity.answer(pool, username, data.session, data.challenge, answer)
    except WrongCredentials:
        ratelimit.count_failed_sign_in(services, counters)
        raise
    if pool == "staff" and isinstance(result, TokensOut):
        if data.challenge == "mfa_setup":
            _first_sign_in_done(services, username)
        return staff_tokens(result)
    return result


def _first_sign_in_done(services: Services, username: str) -> None:
    """An invited member of staff has chosen a password and enrolled an app: their office's list says active."""
    marker = people.staff_login(services.table, pii.username_digest(username, services.pii_keys()))
    sub = str((marker or {}).get("sub") or "")
    profile = people.get_profile(services.table, sub) if sub else None
    office_id = str((profile or {}).get("office_id") or "")
    item = people.get_staff(services.table, office_id, sub) if office_id else None
    if item is not None and item.get("status") == "invited":
        people.add_staff(services.table, office_id, sub, {**item, "status": "active"})


def _sign_in_gate(services: Services, username: str, source: str) -> tuple[Pool, ratelimit.SignInCounters]:
    """Which pool the username signs in to, once it may try (one BatchGetItem: counters and staff marker)."""
    counters = ratelimit.sign_in_counters(services, username, source)
    marker = keys.login_key(pii.username_digest(username, services.pii_keys()))
    found = {item["PK"]: item for item in services.table.get_many([*counters.all(), marker])}
    ratelimit.hold_sign_in(services, counters, found)
    return ("staff" if marker["PK"] in found else "citizens"), counters


def _pool_of(services: Services, digest: str) -> Pool:
    return "staff" if people.signs_in_to_staff(services.table, digest) else "citizens"


def refresh(services: Services, data: RefreshIn) -> TokensOut:
    token = data.refresh_token
    if token.startswith(STAFF_REFRESH_PREFIX):
        tokens = services.identity.refresh("staff", token.removeprefix(STAFF_REFRESH_PREFIX))
        return staff_tokens(tokens)
    return services.identity.refresh("citizens", token)


def staff_tokens(tokens: TokensOut) -> TokensOut:
    """Staff tokens as handed out: the refresh token marked with its pool."""
    if tokens.refresh_token and not tokens.refresh_token.startswith(STAFF_REFRESH_PREFIX):
        return tokens.model_copy(update={"refresh_token": STAFF_REFRESH_PREFIX + tokens.refresh_token})
    return tokens


# --- codes -----------------------------------------------------------------------------------


def _issue_code(
    services: Services,
    purpose: str,
    username: str,
    digest: str,
    language: Language,
    fields: dict[str, Any],
    expires_at: int,
) -> None:
    code = f"{secrets.randbelow(10**6):06d}"
    now = _now(services)
    people.put_code(
        services.table,
        purpose,
        digest,
        {
            **fields,
            "code_hash": _code_hash(services, purpose, digest, code),
            "code_expires_at": now + CODE_MINUTES * 60,
            "wrong": 0,
            "expires_at": expires_at,
        },
    )
    template = "register_code" if purpose == "register" else "reset_code"
    _send(services, username, language, template, code=code)


def _accept_code(
    services: Services, purpose: str, raw_username: str, code: str, source: str
) -> tuple[str, str, dict[str, Any]]:
    """The username, its digest and the live code item when `code` is its code (a try counted per username
    and source); WrongCode (a wrong try counted on the code) otherwise."""
    username = username_of(raw_username)
    ratelimit.check_both(services, "code", username, source)
    digest = pii.username_digest(username, services.pii_keys())
    item = people.get_code(services.table, purpose, digest)
    now = _now(services)
    if (
        item is None
        or not item.get("code_hash")
        or int(item.get("code_expires_at", 0)) <= now
        or int(item.get("wrong", 0)) >= MAX_WRONG_CODES
    ):
        raise WrongCode()
    if not hmac.compare_digest(str(item["code_hash"]), _code_hash(services, purpose, digest, code)):
        people.count_wrong_code(services.table, purpose, digest, int(item.get("expires_at", now)))
        raise WrongCode()
    return username, digest, item


def _code_hash(services: Services, purpose: str, digest: str, code: str) -> str:
    return pii.username_digest(f"{purpose}|{digest}|{code}", services.pii_keys())


def _send(services: Services, username: str, language: Language, template: str, **params: str) -> None:
    text = ACCOUNT_MESSAGES[template][language].format(minutes=str(CODE_MINUTES), **params)
    if "@" in username:
        services.messenger.send_email(username, ACCOUNT_SUBJECTS[template][language], text)
    else:
        services.messenger.send_sms(username, text)


def _username(raw: str) -> str:
    username = username_of(raw)
    if pii.normalise_phone(username) is None and pii.normalise_email(username) is None:
        raise InvalidInput(
            "the username needs correcting",
            [FieldProblem("username", "the mobile number or e-mail address you registered with")],
        )
    return username


def _now(services: Services) -> int:
    return int(services.clock().timestamp())


# --- the caller's own profile ------------------------------------------------------------------


def new_profile(
    services: Services,
    sub: str,
    language: Language,
    *,
    phone: str | None,
    email: str | None,
    username: str | None = None,
    pool: Pool = "citizens",
) -> dict[str, Any]:
    """A person's profile: language, contacts (encrypted: PII never sits in the table in clear), channels,
    and the account it belongs to (pool and username, so an administrator can act on it by `sub`)."""
    profile = people.profile_item(
        sub,
        {
            "language": language,
            "notify_by": default_channels(phone, email),
            "created_at": clock.iso(services.clock()),
            "pool": pool,
        },
    )
    if phone:
        profile["phone_encrypted"] = pii.encrypt(phone, services.pii_keys())
    if email:
        profile["email_encrypted"] = pii.encrypt(email, services.pii_keys())
    if username:
        profile["username_encrypted"] = pii.encrypt(username, services.pii_keys())
    return profile


def preferences(services: Services, principal: Principal) -> PreferencesOut:
    profile = people.get_profile(services.table, principal.sub)
    recipient = recipient_of(services, principal.sub, profile)
    if recipient is None:
        return PreferencesOut(language=principal.language, notify_by=[], name=principal.name or None)
    return PreferencesOut(
        language=recipient.language,
        notify_by=[c for c in recipient.channels if c in ("sms", "email")],
        phone=pii.mask_phone(recipient.phone) if recipient.phone else None,
        email=pii.mask_email(recipient.email) if recipient.email else None,
        name=_name_of(services, principal, profile),
    )


def _name_of(services: Services, principal: Principal, profile: dict[str, Any] | None) -> str | None:
    """The name last chosen (kept with the profile, encrypted), else the one the caller's token carries."""
    if profile and profile.get("name_encrypted"):
        return pii.decrypt(str(profile["name_encrypted"]), services.pii_keys())
    return principal.name or None


def update_preferences(services: Services, principal: Principal, data: PreferencesIn) -> PreferencesOut:
    """Choose SMS and/or e-mail (in-app is always on), the language of messages, and the name to be addressed by.

    The name and the language are also the account's own (`name`, `custom:language`), so the next
    tokens (a refresh) carry them: in-app notices and `GET /v1/me` follow at once."""
    profile = people.get_profile(services.table, principal.sub)
    if profile is None:
        raise InvalidInput("no profile to update", [FieldProblem("notify_by", "this account has no contact details")])
    if data.notify_by is not None:
        missing = [c for c in data.notify_by if not profile.get(f"{'phone' if c == 'sms' else 'email'}_encrypted")]
        if missing:
            problem = f"no {' or '.join('phone number' if c == 'sms' else 'e-mail address' for c in missing)} on file"
            raise InvalidInput("the preferences need correcting", [FieldProblem("notify_by", problem)])
        profile["notify_by"] = sorted(set(data.notify_by))
    attributes: dict[str, str] = {}
    if data.language is not None:
        profile["language"] = data.language
        attributes["custom:language"] = data.language
    if data.name is not None:
        profile["name_encrypted"] = pii.encrypt(data.name, services.pii_keys())
        attributes["name"] = data.name
    if attributes:
        pool: Pool = "staff" if profile.get("pool") == "staff" or principal.role != "citizen" else "citizens"
        username = (
            pii.decrypt(str(profile["username_encrypted"]), services.pii_keys())
            if profile.get("username_encrypted")
            else principal.username
        )
        if username:  # a token always names its account; only a profile made by hand may not
            services.identity.update(pool, username, attributes)
    people.put_profile(services.table, profile)
    return preferences(services, principal)


def me(principal: Principal) -> MeOut:
    return MeOut(
        sub=principal.sub,
        name=principal.name,
        role=principal.role,
        office_id=principal.office_id,
        language=principal.language,
        triage=principal.role == "admin" or principal.triage,
    )
