"""Staff accounts: inviting officers, supervisors and organisation admins to an office; an office's staff list.

Who may: the portal's admins anywhere; an organisation's admin (`org_admin`) within the offices of
their organisation (the organisation of the office their account names), inviting officers and
supervisors only; a supervisor may read the staff list of the offices in their subtree. An office
or account outside what the caller may see is a 404, an action their role may never take a 403.

An invitation makes the account in the staff pool (Cognito AdminCreateUser, nothing sent by Cognito)
with a generated temporary password, and sends it ourselves, by e-mail or SMS in the person's language:
their username, the temporary password, where to sign in, and that they will choose a password and
enrol an authenticator app at their first sign-in (POST /v1/auth/login, then /v1/auth/challenge:
new_password, then mfa_setup). Every change is on the audit trail (logic/audit.py).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from chalicelib.logic import audit, clock, cursors, identity, pii
from chalicelib.logic.messages import URDU_DIGITS
from chalicelib.logic.ports import Services
from chalicelib.models.audit import Actor
from chalicelib.models.common import Language, Principal
from chalicelib.models.directory import Office
from chalicelib.models.errors import AlreadyExists, FieldProblem, Forbidden, InvalidInput, NotFound
from chalicelib.models.staff import StaffInvited, StaffInviteIn, StaffMember, StaffPage, StaffRole
from chalicelib.store import audit as audit_store
from chalicelib.store import people
from chalicelib.store.table import Item, Write

# The staff pool's password policy (infra/resources.json): 14+ characters, upper, lower, number, symbol.
TEMPORARY_PASSWORD_LENGTH = 16
_SYMBOLS = "!#%+-=?@"
# Letters and digits nobody misreads in an SMS (no O/0, I/l/1).
_LETTERS_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_LETTERS_LOWER = "abcdefghijkmnopqrstuvwxyz"
_DIGITS = "23456789"
# Days the temporary password works (the staff pool's TemporaryPasswordValidityDays).
TEMPORARY_PASSWORD_DAYS = 3
# An origin the invitation may name as where to sign in (the web client's own, from the admin's browser).
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?")

ROLE_NAMES: dict[StaffRole, dict[Language, str]] = {
    "officer": {"en": "an officer", "ur": "افسر"},
    "supervisor": {"en": "a supervisor", "ur": "نگران"},
    "org_admin": {"en": "an administrator of your organisation", "ur": "اپنے ادارے کے منتظم"},
}
INVITATION: dict[Language, str] = {
    "en": "Awaaz: you are invited to work as {role} at {office}. Sign in at {where} within {days} days with "
    "username {username} and temporary password {password}. At your first sign-in you will choose your own "
    "password and set up an authenticator app (such as Google Authenticator or Microsoft Authenticator). "
    "Never share your password or codes.",
    "ur": "آواز: آپ کو {office} میں {role} کے طور پر کام کے لیے مدعو کیا گیا ہے۔ {days} دن کے اندر {where} پر "
    "صارف نام {username} اور عارضی پاس ورڈ {password} سے سائن اِن کریں۔ پہلی بار سائن اِن پر آپ اپنا پاس ورڈ "
    "منتخب کریں گے اور ایک تصدیقی ایپ (جیسے Google Authenticator یا Microsoft Authenticator) سیٹ کریں گے۔ "
    "اپنا پاس ورڈ یا کوڈ کسی کو نہ بتائیں۔",
}
INVITATION_SUBJECT: dict[Language, str] = {"en": "Your Awaaz staff account", "ur": "آپ کا آواز اسٹاف اکاؤنٹ"}
WHERE_DEFAULT: dict[Language, str] = {"en": "the Awaaz web page (Sign in)", "ur": "آواز کے ویب صفحے (سائن اِن)"}


# --- who may act where ---------------------------------------------------------------------------


def organisation_of(services: Services, who: Principal) -> str | None:
    """The organisation an organisation's admin administers: the one of the office their account names."""
    office = services.directory().offices.get(who.office_id or "")
    return office.organisation_id if office else None


def manageable_office(services: Services, who: Principal, office_id: str) -> Office:
    """An office the caller may manage staff of (NotFound outside their organisation; Forbidden for other roles)."""
    office = services.directory().offices.get(office_id)
    if who.role == "admin":
        if office is None:
            raise NotFound("no such office")
        return office
    if who.role != "org_admin":
        raise Forbidden("staff accounts are managed by admins and organisation admins")
    if office is None or office.organisation_id != organisation_of(services, who):
        raise NotFound("no such office")
    return office


def assignable_office(services: Services, who: Principal, office_id: str) -> Office:
    """An office the caller may put staff in: one they manage that is not retired (400 if it is)."""
    office = manageable_office(services, who, office_id)
    if office.retired:
        raise InvalidInput(
            "this office is retired",
            [FieldProblem("office_id", "this office is retired", "یہ دفتر ختم کیا جا چکا ہے")],
        )
    return office


def readable_office(services: Services, who: Principal, office_id: str) -> Office:
    """An office whose staff list the caller may read: a manager's, or a supervisor's subtree."""
    if who.role == "officer":
        office = services.directory().offices.get(office_id)
        if office is None or not who.supervisor or office_id not in services.directory().subtree(who.office_id or ""):
            raise NotFound("no such office")
        return office
    return manageable_office(services, who, office_id)


def temporary_password() -> str:
    """A temporary password the staff pool accepts: upper, lower, digit and symbol, 16 characters."""
    pick = secrets.choice
    everything = _LETTERS_UPPER + _LETTERS_LOWER + _DIGITS + _SYMBOLS
    chars = [pick(_LETTERS_UPPER), pick(_LETTERS_LOWER), pick(_DIGITS), pick(_SYMBOLS)]
    chars += [pick(everything) for _ in range(TEMPORARY_PASSWORD_LENGTH - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def masked(username: str) -> str:
    return pii.mask_email(username) if "@" in username else pii.mask_phone(username)


def where_to_sign_in(origin: str | None, language: Language) -> str:
    """The web client's sign-in page when the admin's browser named its origin, else words saying where."""
    if origin and _ORIGIN.fullmatch(origin.strip()):
        return f"{origin.strip().rstrip('/')}/#/login"
    return WHERE_DEFAULT[language]


# --- inviting --------------------------------------------------------------------------------------


def _contact(data: StaffInviteIn) -> tuple[str | None, str | None]:
    problems: list[FieldProblem] = []
    phone = email = None
    if data.email:
        email = pii.normalise_email(data.email)
        email = email.lower() if email else None  # the username, as the pool compares it
        if email is None or len(email) > 128:
            problems.append(FieldProblem("email", "not a valid email address", "درست ای میل پتہ نہیں"))
    if data.phone and not email:
        phone = pii.normalise_phone(data.phone)
        if phone is None:
            problems.append(
                FieldProblem(
                    "phone",
                    "not a valid mobile number: use +923001234567 or 03001234567",
                    "درست موبائل نمبر نہیں: +923001234567 یا 03001234567 لکھیں",
                )
            )
    if problems:
        raise InvalidInput("the invitation needs correcting", problems)
    return phone, email


def invite(services: Services, actor: Actor, data: StaffInviteIn, origin: str | None = None) -> StaffInvited:
    """Make the account (in its groups), its profile, its place on the office's staff list, and send the invitation."""
    who = actor.principal
    if who.role == "org_admin" and data.role == "org_admin":
        raise Forbidden("an organisation admin invites officers and supervisors; ask a portal admin")
    if data.office_id not in services.directory().offices and who.role == "admin":
        raise InvalidInput(
            "unknown office", [FieldProblem("office_id", "no office has this id", "اس شناخت کا کوئی دفتر نہیں")]
        )
    office = assignable_office(services, who, data.office_id)
    phone, email = _contact(data)
    username = identity.username_of(email or phone or "")
    password = temporary_password()
    attributes = {"name": data.name, "custom:office_id": office.id, "custom:language": data.language}
    if email:
        attributes.update({"email": email, "email_verified": "true"})
    if phone:
        attributes.update({"phone_number": phone, "phone_number_verified": "true"})
    groups = ["org_admin"] if data.role == "org_admin" else ["officer"]
    if data.role == "supervisor":
        groups.append("supervisor")
    try:
        sub = services.identity.invite("staff", username, password, attributes, groups)
    except AlreadyExists:
        raise AlreadyExists("a staff account with this e-mail address or phone number exists already") from None
    try:
        _send_invitation(services, username, data.language, data.role, office, password, origin)
        services.table.transact(_records(services, actor, data, office, sub, username, phone, email))
    except Exception:
        # Nothing half made: without its invitation or its records the account is no use to anyone.
        services.identity.delete("staff", username)
        raise
    return StaffInvited(
        sub=sub, username=username, name=data.name, office_id=office.id, role=data.role, contact=masked(username)
    )


def _records(
    services: Services,
    actor: Actor,
    data: StaffInviteIn,
    office: Office,
    sub: str,
    username: str,
    phone: str | None,
    email: str | None,
) -> list[Write]:
    """What the table keeps of an invited account, in one transaction: profile, staff list, sign-in marker, audit."""
    details = staff_details(data.name, data.role, username, invited_at=clock.iso(services.clock()))
    profile = identity.new_profile(
        services, sub, data.language, phone=phone, email=email, username=username, pool="staff"
    )
    profile.update(
        office_id=office.id,
        staff_role="org_admin" if data.role == "org_admin" else "officer",
        name_encrypted=pii.encrypt(data.name, services.pii_keys()),
    )
    after = {"office_id": office.id, **_shown(details)}
    entry = audit.entry(services, actor, "invite", "account", sub, after=after, organisation_id=office.organisation_id)
    return [
        people.profile_put(profile),
        people.staff_put(office.id, sub, details),
        people.staff_login_put(pii.username_digest(username, services.pii_keys()), sub),
        audit_store.entry_put(entry),
    ]


def staff_details(name: str, role: StaffRole, username: str, *, invited_at: str | None) -> Item:
    """What an office's staff list shows of an account, kept on its item there (no other read to list it)."""
    return {
        "name": name,
        "role": "org_admin" if role == "org_admin" else "officer",
        "supervisor": role == "supervisor",
        "enabled": True,
        "status": "invited",
        "contact": masked(username),
        "invited_at": invited_at,
    }


def _shown(details: Item) -> dict[str, Any]:
    """An account as the audit trail keeps it (the contact masked, as on the staff list)."""
    return {k: details.get(k) for k in ("name", "role", "supervisor", "enabled", "contact")}


def _send_invitation(
    services: Services,
    username: str,
    language: Language,
    role: StaffRole,
    office: Office,
    password: str,
    origin: str | None,
) -> None:
    text = INVITATION[language].format(
        role=ROLE_NAMES[role][language],
        office=office.name_ur if language == "ur" and office.name_ur else office.name,
        where=where_to_sign_in(origin, language),
        days=str(TEMPORARY_PASSWORD_DAYS).translate(URDU_DIGITS) if language == "ur" else str(TEMPORARY_PASSWORD_DAYS),
        username=username,
        password=password,
    )
    if "@" in username:
        services.messenger.send_email(username, INVITATION_SUBJECT[language], text)
    else:
        services.messenger.send_sms(username, text)


# --- listing -----------------------------------------------------------------------------------------


def list_staff(services: Services, who: Principal, office_id: str, cursor: str | None, limit: int = 50) -> StaffPage:
    """One page of an office's staff (a Query of its staff partition; at most one BatchGet of profiles for
    accounts made before the list kept what it shows)."""
    readable_office(services, who, office_id)
    scope = cursors.scope_of("office-staff", who.sub, office=office_id)
    start = cursors.unseal(services, cursor, scope)
    page = people.staff_page(services.table, office_id, limit, start)
    bare = [item for item in page.items if "name" not in item]
    profiles = {}
    if bare:
        found = services.table.get_many([people.profile_key(str(item["sub"])) for item in bare])
        profiles = {str(p.get("PK")): p for p in found}
    items = []
    for item in page.items:
        if "name" not in item:
            item = {**_from_profile(services, profiles.get(people.profile_key(str(item["sub"]))["PK"])), **item}
        items.append(member(office_id, item))
    return StaffPage(items=items, next_cursor=cursors.seal(services, page.last_key, scope) if page.last_key else None)


def _from_profile(services: Services, profile: Item | None) -> Item:
    """What the staff list shows of an account whose item predates it, from its profile."""
    if profile is None:
        return {}
    key = services.pii_keys()
    name = pii.decrypt(str(profile["name_encrypted"]), key) if profile.get("name_encrypted") else ""
    username = pii.decrypt(str(profile["username_encrypted"]), key) if profile.get("username_encrypted") else ""
    return {
        "name": name,
        "contact": masked(username) if username else "",
        "status": "active",
        "invited_at": profile.get("created_at"),
        "role": profile.get("staff_role") or "officer",
    }


def member(office_id: str, item: Item) -> StaffMember:
    base = "org_admin" if item.get("role") == "org_admin" else "officer"
    supervisor = bool(item.get("supervisor")) and base == "officer"
    enabled = item.get("enabled", True) is not False
    status = str(item.get("status") or "active") if enabled else "disabled"
    return StaffMember(
        sub=str(item["sub"]),
        name=str(item.get("name") or ""),
        office_id=office_id,
        role="supervisor" if supervisor else base,
        supervisor=supervisor,
        enabled=enabled,
        status="invited" if status == "invited" else ("disabled" if status == "disabled" else "active"),
        contact=str(item.get("contact") or ""),
        invited_at=str(item["invited_at"]) if item.get("invited_at") else None,
    )
