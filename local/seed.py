"""Seed the local stack: the directory (infra/seed/directory.json) and the demo accounts.

The directory is written when the table has none yet, or when the seed file changed
since it was last written (entries are overwritten, never deleted). Demo accounts are
created in Cognito with admin calls when they do not exist. The accounts file is
written on every start, before the API serves, so `GET /v1/health` = 200 means it is there.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from local import totp
from local.totp import MOTO_TOTP_SECRET

log = logging.getLogger("local.seed")

DEMO_CATEGORY = "electricity-overbilling"
DEMO_DISTRICT = "lahore"
DEMO_PASSWORD = "Awaaz-demo-2026"
MARKER_FILE = "seeded.json"

Role = Literal["citizen", "officer", "admin", "org_admin"]


@dataclass(frozen=True)
class DemoAccount:
    key: str
    role: Role
    name: str
    username: str
    language: Literal["en", "ur"]
    office_id: str | None = None
    password: str = DEMO_PASSWORD
    # An officer who is also a supervisor (the staff group `supervisor`).
    supervisor: bool = False
    # An officer who also works the triage queue (the staff group `triage`).
    triage: bool = False

    @property
    def groups(self) -> list[str]:
        return [self.role] + ["supervisor"] * self.supervisor + ["triage"] * self.triage

    @property
    def attributes(self) -> dict[str, str]:
        attrs = {"name": self.name, "custom:language": self.language}
        if self.username.startswith("+"):
            attrs["phone_number"] = self.username
            attrs["phone_number_verified"] = "true"
        else:
            attrs["email"] = self.username
            attrs["email_verified"] = "true"
        if self.office_id:
            attrs["custom:office_id"] = self.office_id
        if self.role == "citizen":
            attrs["custom:user_type"] = "resident"
            attrs["custom:district"] = DEMO_DISTRICT
        return attrs

    @property
    def pool(self) -> Literal["citizens", "staff"]:
        """Officers and admins sign in to the staff pool (MFA), citizens to the citizens' pool."""
        return "citizens" if self.role == "citizen" else "staff"

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "role": self.role,
            "name": self.name,
            "username": self.username,
            "password": self.password,
        }
        if self.office_id:
            out["office_id"] = self.office_id
        if self.supervisor:
            out["supervisor"] = True
        if self.triage:
            out["triage"] = True
        if self.pool == "staff":
            # The key of the authenticator app (moto's one key for every account; `make totp` shows the code).
            out["totp_secret"] = MOTO_TOTP_SECRET
        return out


@dataclass(frozen=True)
class DemoRoute:
    category_id: str
    district: str
    office_id: str
    parent_office_id: str
    # The demo organisation (the route office's) and the office of its designated
    # official for information requests.
    organisation_id: str = ""
    information_office_id: str = ""


def demo_route(directory: dict[str, Any]) -> DemoRoute:
    """The routing rule the demo journey uses, read from the seed file, and the office above it."""
    for rule in directory.get("routing_rules", []):
        if rule.get("category_id") == DEMO_CATEGORY and rule.get("district_id") == DEMO_DISTRICT:
            office_id = rule["office_id"]
            break
    else:
        raise SystemExit(f"the seed directory has no routing rule for ({DEMO_CATEGORY}, {DEMO_DISTRICT})")
    offices = {o["id"]: o for o in directory.get("offices", [])}
    if office_id not in offices:
        raise SystemExit(f"the demo route's office {office_id!r} is not among the seed's offices")
    parent = offices[office_id].get("parent_id")
    if not parent:
        raise SystemExit(f"the demo route's office {office_id!r} has no parent office for the supervisor")
    organisation_id = offices[office_id]["organisation_id"]
    organisation: dict[str, Any] = next(
        (o for o in directory.get("organisations", []) if o["id"] == organisation_id), {}
    )
    information_office = str(organisation.get("information_office_id") or "")
    if information_office not in offices:
        raise SystemExit(f"the demo organisation {organisation_id!r} names no designated official's office")
    return DemoRoute(DEMO_CATEGORY, DEMO_DISTRICT, office_id, parent, organisation_id, information_office)


def demo_accounts(route: DemoRoute) -> list[DemoAccount]:
    return [
        DemoAccount("citizen (en)", "citizen", "Ayesha Khan", "+923001234567", "en"),
        DemoAccount("citizen (ur)", "citizen", "بلال احمد", "bilal.ahmed@example.pk", "ur"),
        DemoAccount("officer", "officer", "Imran Qureshi", "officer@example.pk", "en", route.office_id),
        DemoAccount(
            "supervisor",
            "officer",
            "Nadia Hussain",
            "supervisor@example.pk",
            "en",
            route.parent_office_id,
            supervisor=True,
            triage=True,
        ),
        DemoAccount(
            "information official",
            "officer",
            "Sadia Malik",
            DEMO_OFFICIAL,
            "en",
            route.information_office_id,
        ),
        DemoAccount("admin", "admin", "Portal Administrator", "admin@example.pk", "en"),
        # LESCO's own administrator: its offices' staff and directory (the head office names the organisation).
        DemoAccount(
            "LESCO org admin", "org_admin", "Farah Siddiqui", "orgadmin@example.pk", "en", route.parent_office_id
        ),
    ]


DEMO_OFFICIAL = "information.officer@example.pk"


Pools = dict[str, str]  # "citizens" / "staff" → user pool id


def _sub_of(pools: Pools, account: DemoAccount) -> str:
    from chalicelib import aws

    user = aws.client("cognito-idp").admin_get_user(UserPoolId=pools[account.pool], Username=account.username)
    return str(next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub"))


def seed_profiles(accounts: list[DemoAccount], pools: Pools) -> str:
    """Profiles (contacts, language, channels) for demo accounts that have none; officers join their office's staff.

    A profile already there is kept, so preferences changed with PATCH /v1/me survive restarts.
    """
    from chalicelib.logic import pii
    from chalicelib.logic.identity import new_profile
    from chalicelib.store import people
    from chalicelib.wiring import services

    app = services()
    written = 0
    for account in accounts:
        sub = _sub_of(pools, account)
        if people.get_profile(app.table, sub) is None:
            phone = account.username if account.username.startswith("+") else None
            email = None if phone else account.username
            profile = new_profile(
                app, sub, account.language, phone=phone, email=email, username=account.username, pool=account.pool
            )
            if account.office_id:
                profile["office_id"] = account.office_id
            if account.pool == "staff":
                profile["staff_role"] = "org_admin" if account.role == "org_admin" else "officer"
                profile["name_encrypted"] = pii.encrypt(account.name, app.pii_keys())
            people.put_profile(app.table, profile)
            written += 1
        if account.office_id:
            details = {
                "name": account.name,
                "role": "org_admin" if account.role == "org_admin" else "officer",
                "supervisor": account.supervisor,
                "enabled": True,
                "status": "active",
                "contact": pii.mask_email(account.username),
                "invited_at": None,
            }
            people.add_staff(app.table, account.office_id, sub, details)
        if account.pool == "staff":
            people.mark_staff(app.table, pii.username_digest(account.username, app.pii_keys()), sub)
    return f"demo profiles: {written} written, {len(accounts) - written} kept"


DEMO_CONTENT_MARKER = "demo-content.json"
OPEN311_KEY_FILE = "open311-key.json"


def seed_open311_key(state_dir: Path) -> str:
    """The demo Open311 client's API key: issued on first start, kept in the state directory after."""
    path = state_dir / OPEN311_KEY_FILE
    try:
        return str(json.loads(path.read_text())["api_key"])
    except (OSError, ValueError, KeyError):
        pass
    from chalicelib.logic.apikeys import ApiKeyIn, issue
    from chalicelib.wiring import services

    issued = issue(services(), None, ApiKeyIn(name="demo Open311 client"))
    path.write_text(json.dumps({"id": issued.id, "api_key": issued.api_key}) + "\n")
    return str(issued.api_key)


def seed_demo_content(accounts: list[DemoAccount], route: DemoRoute, pools: Pools, state_dir: Path) -> str:
    """Once per state directory: a few information requests and feedback items in various states.

    Made through the use cases themselves (so they are exactly what the API would have
    stored, notices included), as the English demo citizen and the designated official.
    """
    marker = state_dir / DEMO_CONTENT_MARKER
    if marker.exists():
        return "demo content already there"
    from chalicelib.logic import actions, feedback, information
    from chalicelib.models.actions import AnswerIn, FeedbackChannelIn, InformationRequestIn
    from chalicelib.models.common import Principal
    from chalicelib.wiring import services

    def principal_of(account: DemoAccount) -> Principal:
        sub = _sub_of(pools, account)
        return Principal(sub=sub, role=account.role, language=account.language, office_id=account.office_id)

    citizen = principal_of(next(a for a in accounts if a.role == "citizen"))
    official = principal_of(next(a for a in accounts if a.username == DEMO_OFFICIAL))
    app = services()
    org = route.organisation_id
    asked = [
        InformationRequestIn(
            organisation_id=org,
            subject="Load-shedding schedule for Gulberg",
            question="Please share the approved load-shedding schedule for Gulberg feeders for December 2026.",
        ),
        InformationRequestIn(
            organisation_id=org,
            subject="Transformer replacements in 2026",
            question="How many distribution transformers were replaced in Lahore in 2026, by month?",
        ),
    ]
    ids = [str(information.file_request(app, citizen, body, None).case["id"]) for body in asked]
    answer = AnswerIn(action="answer", note="412 transformers: the monthly figures are in the attached table.")
    actions.act(app, official, ids[1], answer, None)
    given = [
        FeedbackChannelIn(
            kind="appreciation",
            organisation_id=org,
            office_id=route.office_id,
            message="The complaint team restored our supply within two hours at night. Thank you.",
        ),
        FeedbackChannelIn(
            kind="suggestion",
            organisation_id=org,
            office_id=route.office_id,
            message="Send the bill and the meter photo by SMS as well as on paper.",
        ),
        FeedbackChannelIn(kind="rating", organisation_id=org, office_id=route.office_id, message="Quick.", rating=4),
    ]
    for body in given:
        feedback.give(app, citizen, body, None)
    marker.write_text(json.dumps({"information_requests": ids}) + "\n")
    return f"demo content: {len(ids)} information requests (one answered), {len(given)} feedback items"


def _directory_present(table_name: str) -> bool:
    from chalicelib import aws
    from chalicelib.store import keys

    snapshot = {k: {"S": v} for k, v in keys.directory_snapshot_key().items()}
    return "Item" in aws.client("dynamodb").get_item(TableName=table_name, Key=snapshot)


def seed_directory(seed_path: Path, table_name: str, state_dir: Path) -> str:
    """Write the directory when absent or changed; returns what was done."""
    from chalicelib import aws
    from chalicelib.models.directory import DirectorySnapshot
    from chalicelib.store.directory import EditedSinceSeed, write_snapshot
    from chalicelib.store.table import DynamoTable

    raw = seed_path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    marker = state_dir / MARKER_FILE
    try:
        previous = json.loads(marker.read_text()).get("directory_sha256")
    except (OSError, ValueError):
        previous = None
    if previous == digest and _directory_present(table_name):
        return "directory already seeded"
    snapshot = DirectorySnapshot.model_validate_json(raw)
    try:
        count = write_snapshot(DynamoTable(table_name, aws.client("dynamodb")), snapshot)
    except EditedSinceSeed as kept:
        return f"directory kept as the administrators left it ({kept}); the seed file changed but is not loaded"
    tmp = marker.with_suffix(".tmp")
    tmp.write_text(json.dumps({"directory_sha256": digest}) + "\n")
    os.replace(tmp, marker)
    return f"directory seeded: {count} items" + (" (seed file changed)" if previous else "")


HOLIDAYS_FILE = "holidays.json"


def seed_holidays(path: Path, table_name: str) -> str:
    """Load the public holidays of the years the table does not hold yet (admin edits survive restarts)."""
    from chalicelib import aws
    from chalicelib.models.holidays import HolidaySeed
    from chalicelib.store.holidays import seed_missing_years
    from chalicelib.store.table import DynamoTable

    if not path.exists():
        return f"no holiday calendar at {path}; information requests count weekends only"
    seed = HolidaySeed.model_validate_json(path.read_text(encoding="utf-8"))
    written = seed_missing_years(DynamoTable(table_name, aws.client("dynamodb")), seed)
    return f"public holidays seeded for {', '.join(map(str, written))}" if written else "public holidays already seeded"


def seed_accounts(accounts: list[DemoAccount], pools: Pools, staff_client_id: str) -> tuple[int, int]:
    """Create missing demo accounts (staff with their authenticator enrolled); returns (created, existing)."""
    from chalicelib import aws

    idp = aws.client("cognito-idp")
    created = existing = 0
    for account in accounts:
        pool_id = pools[account.pool]
        try:
            idp.admin_get_user(UserPoolId=pool_id, Username=account.username)
            existing += 1
            # Groups added since the account was made (the demo supervisor's `supervisor`) join it now.
            for group in account.groups:
                idp.admin_add_user_to_group(UserPoolId=pool_id, Username=account.username, GroupName=group)
            continue
        except idp.exceptions.UserNotFoundException:
            pass
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username=account.username,
            UserAttributes=[{"Name": k, "Value": v} for k, v in account.attributes.items()],
            MessageAction="SUPPRESS",
        )
        idp.admin_set_user_password(
            UserPoolId=pool_id, Username=account.username, Password=account.password, Permanent=True
        )
        for group in account.groups:
            idp.admin_add_user_to_group(UserPoolId=pool_id, Username=account.username, GroupName=group)
        if account.pool == "staff":
            enrol_authenticator(pool_id, staff_client_id, account.username, account.password)
        created += 1
    return created, existing


def enrol_authenticator(pool_id: str, client_id: str, username: str, password: str) -> None:
    """Enrol an authenticator app for a staff account, as its owner would at first sign-in (moto's one key).

    moto signs in an account with no authenticator yet without asking for one (Cognito would answer
    MFA_SETUP), so the first sign-in here gives tokens, and the app is enrolled with the access token.
    """
    from chalicelib import aws

    idp = aws.client("cognito-idp")
    signed_in = idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    access = signed_in["AuthenticationResult"]["AccessToken"]
    secret = idp.associate_software_token(AccessToken=access)["SecretCode"]
    idp.verify_software_token(AccessToken=access, UserCode=totp.fresh_code(secret), FriendlyDeviceName="Awaaz")
    idp.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username=username, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )


def write_accounts_file(path: Path, accounts: list[DemoAccount], route: DemoRoute, open311_key: str = "") -> None:
    document: dict[str, Any] = {
        "accounts": [a.as_json() for a in accounts],
        "demo_route": {"category_id": route.category_id, "district": route.district, "office_id": route.office_id},
        "demo_information": {"organisation_id": route.organisation_id, "official_username": DEMO_OFFICIAL},
    }
    if open311_key:
        document["open311_api_key"] = open311_key
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def seed(
    seed_path: Path, table_name: str, pools: Pools, staff_client_id: str, state_dir: Path, accounts_path: Path
) -> list[DemoAccount]:
    if not seed_path.exists():
        raise SystemExit(f"the seed directory {seed_path} does not exist (set AWAAZ_SEED_PATH to use another)")
    route = demo_route(json.loads(seed_path.read_text(encoding="utf-8")))
    log.info("%s", seed_directory(seed_path, table_name, state_dir))
    log.info("%s", seed_holidays(seed_path.with_name(HOLIDAYS_FILE), table_name))
    accounts = demo_accounts(route)
    created, existing = seed_accounts(accounts, pools, staff_client_id)
    log.info("demo accounts: %d created, %d already there", created, existing)
    log.info("%s", seed_profiles(accounts, pools))
    log.info("%s", seed_demo_content(accounts, route, pools, state_dir))
    write_accounts_file(accounts_path, accounts, route, seed_open311_key(state_dir))
    return accounts


def accounts_table(accounts: list[DemoAccount]) -> str:
    """The demo accounts as a table for the console (demo credentials, printed on purpose)."""
    rows = [("who", "username", "password", "office")] + [
        (a.key, a.username, a.password, a.office_id or "") for a in accounts
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
