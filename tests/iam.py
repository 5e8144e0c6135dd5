"""The packaged template's IAM, and the calls each function makes checked against it (moto enforces no IAM).

`build_packaged_template` builds the template as `make package` does (and lints it);
`allowed_by_function` reads what each function's role allows; `refusals` names each call a
function made (`tests.harness.recording_calls`) that its role would be refused in AWS.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.harness import ARN_ACCOUNT, ARN_REGION, Call

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def build_packaged_template(out: Path) -> dict[str, Any]:
    """`chalice package`, the merge template, `chalice package --merge-template`, cfn-lint: as `make package`."""
    env = {**os.environ, "AWS_DEFAULT_REGION": "ap-south-1"}
    env.pop("AWS_ENDPOINT_URL", None)

    def run(*command: str) -> None:
        done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout}\n{done.stderr}"

    run(str(BIN / "chalice"), "package", "--stage", "prod", str(out / "chalice"))
    run(
        sys.executable,
        "infra/build_template.py",
        "--generated",
        str(out / "chalice" / "sam.json"),
        str(out / "merge.json"),
    )
    run(
        str(BIN / "chalice"),
        "package",
        "--stage",
        "prod",
        "--merge-template",
        str(out / "merge.json"),
        str(out / "package"),
    )
    run(str(BIN / "cfn-lint"), str(out / "package" / "sam.json"))
    return dict(json.loads((out / "package" / "sam.json").read_text()))


def resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {rid: r["Properties"] for rid, r in template["Resources"].items() if r["Type"] == kind}


def iam_statements(template: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], list[str]]]:
    """Every IAM statement of the template: the resource holding it, the statement, its actions as a list."""
    for rid, resource in template["Resources"].items():
        if resource["Type"] not in ("AWS::IAM::Policy", "AWS::IAM::Role"):
            continue
        props = resource["Properties"]
        documents = (
            [props["PolicyDocument"]]
            if "PolicyDocument" in props
            else [p["PolicyDocument"] for p in props.get("Policies", [])]
        )
        for document in documents:
            for statement in document["Statement"]:
                action = statement["Action"]
                yield rid, statement, action if isinstance(action, list) else [action]


# A resource's ARN by its type, named by its logical id as the recorder names what a call touched.
_ARN = {
    "AWS::DynamoDB::Table": "arn:aws:dynamodb:{region}:{account}:table/{id}",
    "AWS::SQS::Queue": "arn:aws:sqs:{region}:{account}:{id}",
    "AWS::S3::Bucket": "arn:aws:s3:::{id}",
    "AWS::Cognito::UserPool": "arn:aws:cognito-idp:{region}:{account}:userpool/{id}",
    "AWS::Logs::LogGroup": "arn:aws:logs:{region}:{account}:log-group:{id}:*",
    "AWS::SNS::Topic": "arn:aws:sns:{region}:{account}:{id}",
    "AWS::KMS::Key": "arn:aws:kms:{region}:{account}:key/{id}",
    "AWS::SecretsManager::Secret": "arn:aws:secretsmanager:{region}:{account}:secret:{id}",
}
# Resources whose Ref is their ARN.
_REF_IS_ARN = {"AWS::SecretsManager::Secret", "AWS::SNS::Topic"}


def resource_pattern(template: dict[str, Any], resource: Any) -> str:
    """A policy statement's resource as an ARN pattern (IAM's `*` and `?`), resources named by logical id."""

    def arn(logical: str) -> str:
        kind = template["Resources"].get(logical, {}).get("Type", "")
        assert kind in _ARN, f"no ARN form for {logical} ({kind or 'not in the template'})"
        return _ARN[kind].format(region=ARN_REGION, account=ARN_ACCOUNT, id=logical)

    def substitute(text: str) -> str:
        def one(found: re.Match[str]) -> str:
            name = found.group(1)
            fixed = {"AWS::Partition": "aws", "AWS::Region": ARN_REGION, "AWS::AccountId": ARN_ACCOUNT}
            if name in fixed:
                return fixed[name]
            return arn(name.removesuffix(".Arn")) if name.endswith(".Arn") else name

        return re.sub(r"\$\{([^}]+)\}", one, text)

    if isinstance(resource, str):
        return resource
    if "Fn::GetAtt" in resource and resource["Fn::GetAtt"][1] == "Arn":
        return arn(resource["Fn::GetAtt"][0])
    if "Fn::Sub" in resource and isinstance(resource["Fn::Sub"], str):
        return substitute(resource["Fn::Sub"])
    if "Ref" in resource:
        logical = str(resource["Ref"])
        return arn(logical) if template["Resources"].get(logical, {}).get("Type") in _REF_IS_ARN else logical
    raise AssertionError(f"a policy resource the check cannot read: {json.dumps(resource)}")


def allowed_by_function(template: dict[str, Any]) -> dict[str, set[tuple[str, str]]]:
    """handler name → the (action, resource ARN pattern) pairs its role's policies allow."""
    roles = {
        props["Handler"].rsplit(".", 1)[-1]: props["Role"]["Fn::GetAtt"][0]
        for props in resources(template, "AWS::Serverless::Function").values()
    }
    roles["api"] = roles.pop("app")
    granted: dict[str, set[tuple[str, str]]] = {role: set() for role in roles.values()}
    for rid, statement, actions in iam_statements(template):
        if statement.get("Effect") != "Allow":
            continue
        props = template["Resources"][rid]["Properties"]
        holders = [rid] if rid in granted else [r["Ref"] for r in props.get("Roles", []) if r.get("Ref") in granted]
        targets = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        for holder in holders:
            granted[holder].update((a, resource_pattern(template, t)) for a in actions for t in targets)
    return {function: granted[role] for function, role in roles.items()}


def _matches(pattern: str, value: str) -> bool:
    """IAM's wildcards: `*` any run of characters, `?` one; nothing else is special."""
    return (
        re.fullmatch(".*".join(".".join(map(re.escape, p.split("?"))) for p in pattern.split("*")), value) is not None
    )


def _permits(granted: set[tuple[str, str]], call: Any) -> bool:
    # A call on no resource (`*`: an SMS to a number, a metric read) is allowed only by a statement on "*".
    return any(
        _matches(action, call.action)
        and (resource == "*" or (call.resource != "*" and _matches(resource, call.resource)))
        for action, resource in granted
    )


def refusals(made: dict[str, set[Call]], allowed: dict[str, set[tuple[str, str]]]) -> dict[str, list[str]]:
    """function → the calls it made that its role does not allow (empty when all are allowed)."""
    refused = {
        function: sorted(f"{c.action} on {c.resource}" for c in calls if not _permits(allowed[function], c))
        for function, calls in made.items()
    }
    return {function: calls for function, calls in refused.items() if calls}
