"""Rotate the PII keyring of a deployed stack: a new random key becomes current, every older one stays.

    make rotate-pii-key STACK=<stack name>

New ciphertexts (contact details, CNICs, names) are sealed with the new version and say so; each
stored one names the version that sealed it (or none: the first key), so all stay readable. The
keyed hashes (usernames, CNICs, list cursors) keep their key: changing it would lose every lookup.
Functions pick the new version up within chalicelib/integrations/secrets.py's MAX_AGE_SECONDS.
The KMS key under the secret rotates its own material every year (EnableKeyRotation); that needs
nothing from the operator. Uses the operator's credentials: secretsmanager:GetSecretValue and
PutSecretValue on the secret, kms:Decrypt and kms:GenerateDataKey on its key. See docs/security.md.
"""

from __future__ import annotations

import argparse
import json
import secrets
import string
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def rotated(secret: str) -> str:
    """The keyring with one more version, made current; the hashing version and every key unchanged."""
    from chalicelib.logic.pii import Keyring

    Keyring.parse(secret)  # refuse to rotate what the functions could not read
    data: dict[str, Any] = json.loads(secret)
    versions = [int(v) for v in data if v not in ("current", "hash")]
    new = str(max(versions) + 1)
    data.setdefault("hash", str(data["current"]))  # without one, the hashing key was the current: it stays
    data[new] = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(64))
    data["current"] = new
    return json.dumps(data)


def rotate(client: Any, secret_id: str) -> str:
    """Rotate the secret in place (a new AWSCURRENT version of it); returns the keyring's new version."""
    value = client.get_secret_value(SecretId=secret_id)["SecretString"]
    new = rotated(value)
    client.put_secret_value(SecretId=secret_id, SecretString=new)
    return str(json.loads(new)["current"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--stack", required=True, help="the CloudFormation stack's name")
    args = parser.parse_args(argv)
    from chalicelib import aws

    outputs = {
        o["OutputKey"]: o["OutputValue"]
        for o in aws.client("cloudformation").describe_stacks(StackName=args.stack)["Stacks"][0]["Outputs"]
    }
    version = rotate(aws.client("secretsmanager"), outputs["PiiSecretArn"])
    print(f"PII keyring rotated: version {version} seals from now on; every earlier version still opens")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
