"""Registering, confirming and signing in citizens."""

from __future__ import annotations

from typing import Any

from chalicelib.logic import clock, pii, ratelimit
from chalicelib.logic.delivery import default_channels, recipient_of
from chalicelib.logic.ports import Services
from chalicelib.models.common import Language, Principal
from chalicelib.models.errors import FieldProblem, InvalidInput
from chalicelib.models.identity import (
    ConfirmIn,
    Delivery,
    LoginIn,
    MeOut,
    PreferencesIn,
    PreferencesOut,
    RefreshIn,
    RegisterIn,
    RegisterOut,
    TokensOut,
)
from chalicelib.store import people


def username_of(raw: str) -> str:
    """The canonical username for what a person types: their phone (E.164) or email."""
    if "@" in raw:
        return pii.normalise_email(raw) or raw.strip()
    return pii.normalise_phone(raw) or raw.strip()


def register(services: Services, data: RegisterIn) -> RegisterOut:
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
    if problems:
        raise InvalidInput("some details need correcting", problems)

    username = phone or email or ""
    ratelimit.check(services, "register", username)
    attributes = {
        "name": data.name,
        "custom:language": data.language,
        "custom:user_type": data.user_type,
    }
    if phone:
        attributes["phone_number"] = phone
    if email:
        attributes["email"] = email
    if data.district:
        attributes["custom:district"] = data.district
    sub = services.identity.sign_up(username, data.password, attributes)
    services.identity.add_to_group(username, "citizen")
    profile = new_profile(services, sub, data.language, phone=phone, email=email)
    profile.update(user_type=data.user_type, district=data.district)
    if cnic:
        profile["cnic_hash"] = pii.cnic_hash(cnic, services.pii_key)
        profile["cnic_encrypted"] = pii.encrypt(cnic, services.pii_key)
    people.put_profile(services.table, profile)
    if phone:
        delivery = Delivery(channel="sms", destination=pii.mask_phone(phone))
    else:
        delivery = Delivery(channel="email", destination=pii.mask_email(email or ""))
    return RegisterOut(username=username, delivery=delivery)


def new_profile(
    services: Services, sub: str, language: Language, *, phone: str | None, email: str | None
) -> dict[str, Any]:
    """A person's profile: language, contacts (encrypted: PII never sits in the table in clear), channels."""
    profile = people.profile_item(
        sub,
        {
            "language": language,
            "notify_by": default_channels(phone, email),
            "created_at": clock.iso(services.clock()),
        },
    )
    if phone:
        profile["phone_encrypted"] = pii.encrypt(phone, services.pii_key)
    if email:
        profile["email_encrypted"] = pii.encrypt(email, services.pii_key)
    return profile


def preferences(services: Services, principal: Principal) -> PreferencesOut:
    recipient = recipient_of(services, principal.sub, people.get_profile(services.table, principal.sub))
    if recipient is None:
        return PreferencesOut(language=principal.language, notify_by=[])
    return PreferencesOut(
        language=recipient.language,
        notify_by=[c for c in recipient.channels if c in ("sms", "email")],
        phone=pii.mask_phone(recipient.phone) if recipient.phone else None,
        email=pii.mask_email(recipient.email) if recipient.email else None,
    )


def update_preferences(services: Services, principal: Principal, data: PreferencesIn) -> PreferencesOut:
    """Choose SMS and/or e-mail (in-app is always on) and the language of messages."""
    profile = people.get_profile(services.table, principal.sub)
    if profile is None:
        raise InvalidInput("no profile to update", [FieldProblem("notify_by", "this account has no contact details")])
    if data.notify_by is not None:
        missing = [c for c in data.notify_by if not profile.get(f"{'phone' if c == 'sms' else 'email'}_encrypted")]
        if missing:
            problem = f"no {' or '.join('phone number' if c == 'sms' else 'e-mail address' for c in missing)} on file"
            raise InvalidInput("the preferences need correcting", [FieldProblem("notify_by", problem)])
        profile["notify_by"] = sorted(set(data.notify_by))
    if data.language is not None:
        profile["language"] = data.language
    people.put_profile(services.table, profile)
    return preferences(services, principal)


def confirm(services: Services, data: ConfirmIn) -> None:
    username = username_of(data.username)
    ratelimit.check(services, "confirm", username)
    services.identity.confirm(username, data.code)


def login(services: Services, data: LoginIn) -> TokensOut:
    username = username_of(data.username)
    ratelimit.check(services, "login", username)
    return services.identity.login(username, data.password)


def refresh(services: Services, data: RefreshIn) -> TokensOut:
    return services.identity.refresh(data.refresh_token)


def me(principal: Principal) -> MeOut:
    return MeOut(
        sub=principal.sub,
        name=principal.name,
        role=principal.role,
        office_id=principal.office_id,
        language=principal.language,
    )
