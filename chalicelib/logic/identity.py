"""Registering, confirming and signing in citizens."""

from __future__ import annotations

from chalicelib.logic import pii
from chalicelib.logic.ports import Services
from chalicelib.models.common import Principal
from chalicelib.models.errors import FieldProblem, InvalidInput
from chalicelib.models.identity import (
    ConfirmIn,
    Delivery,
    LoginIn,
    MeOut,
    RefreshIn,
    RegisterIn,
    RegisterOut,
    TokensOut,
)
from chalicelib.store import keys
from chalicelib.store.table import Put


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
    profile = {
        **keys.profile_key(sub),
        "language": data.language,
        "user_type": data.user_type,
        "district": data.district,
        "created_at": services.clock().isoformat(),
    }
    if cnic:
        profile["cnic_hash"] = pii.cnic_hash(cnic, services.pii_key)
        profile["cnic_encrypted"] = pii.encrypt(cnic, services.pii_key)
    services.table.transact([Put(profile, overwrite=True)])
    if phone:
        delivery = Delivery(channel="sms", destination=pii.mask_phone(phone))
    else:
        delivery = Delivery(channel="email", destination=pii.mask_email(email or ""))
    return RegisterOut(username=username, delivery=delivery)


def confirm(services: Services, data: ConfirmIn) -> None:
    services.identity.confirm(username_of(data.username), data.code)


def login(services: Services, data: LoginIn) -> TokensOut:
    return services.identity.login(username_of(data.username), data.password)


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
