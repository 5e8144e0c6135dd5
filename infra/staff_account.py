"""Create a staff account (the first administrator, or an officer) in a deployed stack.

    make staff-aws STACK=<stack name> EMAIL=admin@example.org NAME="Portal Administrator" ROLE=admin
    make staff-aws STACK=<stack name> EMAIL=officer@example.org NAME="…" ROLE=officer OFFICE=<office id>

Uses the operator's AWS credentials and region. Cognito e-mails the person a temporary password
(the staff pool is admin-create-only); at their first sign-in the web page asks for a new password
(14+ characters with upper, lower, number and symbol) and for an authenticator app (TOTP MFA is
required for staff). The table gets what the API needs to know the account: the marker that the
username signs in to the staff pool (keyed by the PII keyring, read from the stack's secret
`PiiSecretArn`: the operator needs secretsmanager:GetSecretValue on it and kms:Decrypt on its key),
the profile (e-mail encrypted under the same keyring) and, for an officer, office staff.
After the first administrator, staff are invited through the API instead (POST /v1/admin/staff,
docs/admin.md), which sends its own invitation in the person's language and audits it.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

if TYPE_CHECKING:
    from chalicelib.logic.pii import Keyring


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--stack", required=True, help="the CloudFormation stack's name")
    parser.add_argument("--email", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--role", choices=("admin", "officer", "org_admin"), default="admin")
    parser.add_argument("--office", help="the officer's office id (from the directory)")
    parser.add_argument("--language", choices=("en", "ur"), default="en")
    args = parser.parse_args(argv)
    if args.role in ("officer", "org_admin") and not args.office:
        parser.error("an officer or organisation admin needs --office (for an organisation admin: one of its offices)")
    from chalicelib import aws
    from chalicelib.logic.pii import Keyring

    outputs = {
        o["OutputKey"]: o["OutputValue"]
        for o in aws.client("cloudformation").describe_stacks(StackName=args.stack)["Stacks"][0]["Outputs"]
    }
    secret = aws.client("secretsmanager").get_secret_value(SecretId=outputs["PiiSecretArn"])["SecretString"]
    sub = create_staff(
        outputs["StaffPoolId"],
        outputs["TableName"],
        Keyring.parse(secret),
        args.email,
        args.name,
        args.role,
        args.office,
        args.language,
    )
    print(f"{args.role} created (sub {sub}); Cognito e-mailed a temporary password")
    return 0


def create_staff(
    pool_id: str,
    table_name: str,
    keys: Keyring,
    email: str,
    name: str,
    role: str,
    office: str | None,
    language: str = "en",
    temporary_password: str | None = None,
) -> str:
    """The account in the staff pool (invited: a temporary password), and what the table holds of it; its sub."""
    from chalicelib import aws
    from chalicelib.logic import pii
    from chalicelib.logic.delivery import default_channels
    from chalicelib.logic.identity import username_of
    from chalicelib.store import people
    from chalicelib.store.table import DynamoTable

    username = username_of(email)
    attributes = {"email": username, "email_verified": "true", "name": name, "custom:language": language}
    if office:
        attributes["custom:office_id"] = office
    idp = aws.client("cognito-idp")
    invite: dict[str, object] = {"DesiredDeliveryMediums": ["EMAIL"]}
    if temporary_password:
        invite["TemporaryPassword"] = temporary_password
    created = idp.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
        **invite,
    )
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=role)
    sub = str(next(a["Value"] for a in created["User"]["Attributes"] if a["Name"] == "sub"))

    table = DynamoTable(table_name, aws.client("dynamodb"))
    profile = people.profile_item(
        sub,
        {
            "language": language,
            "notify_by": default_channels(None, username),
            "created_at": datetime.now(UTC).isoformat(),
            "pool": "staff",
            "email_encrypted": pii.encrypt(username, keys),
            "username_encrypted": pii.encrypt(username, keys),
        },
    )
    if role != "admin":
        profile["staff_role"] = role
        profile["name_encrypted"] = pii.encrypt(name, keys)
    if office:
        profile["office_id"] = office
        details = {
            "name": name,
            "role": role,
            "supervisor": False,
            "enabled": True,
            "status": "invited",
            "contact": pii.mask_email(username),
            "invited_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        }
        people.add_staff(table, office, sub, details)
    people.put_profile(table, profile)
    people.mark_staff(table, pii.username_digest(username, keys), sub)
    return sub


if __name__ == "__main__":
    sys.exit(main())
