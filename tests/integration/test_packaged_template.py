"""The template `make package` builds, read as an operator (and an attacker) would read it.

moto enforces neither the pools' settings nor IAM, so what keeps the API the only door in AWS is
checked here, on the packaged template itself: built the way `make package` builds it, and linted.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.iam import iam_statements, resources

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def template(packaged_template: dict[str, Any]) -> dict[str, Any]:
    return packaged_template


def test_no_pool_takes_a_sign_up_a_password_or_a_code_request_from_its_public_client(template: dict[str, Any]) -> None:
    pools = resources(template, "AWS::Cognito::UserPool")
    assert set(pools) == {"UserPool", "StaffPool"}
    for pool in pools.values():
        assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True  # no SignUp
        # No ForgotPassword from the client: resets are the API's own codes
        assert pool["AccountRecoverySetting"] == {"RecoveryMechanisms": [{"Name": "admin_only", "Priority": 1}]}
        assert "SmsConfiguration" not in pool  # Cognito sends no SMS of its own: the API's limits come first
    for client in resources(template, "AWS::Cognito::UserPoolClient").values():
        # Only AdminInitiateAuth (IAM: the API's role) and refresh; no USER_PASSWORD_AUTH, SRP or custom auth
        assert sorted(client["ExplicitAuthFlows"]) == ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
        assert client["GenerateSecret"] is False and client["PreventUserExistenceErrors"] == "ENABLED"
        assert client["WriteAttributes"] == ["name"]  # nobody rewrites their own office, phone or e-mail


def test_staff_must_use_an_authenticator_and_a_strong_password_with_threat_protection(template: dict[str, Any]) -> None:
    staff = resources(template, "AWS::Cognito::UserPool")["StaffPool"]
    assert staff["MfaConfiguration"] == "ON" and staff["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    policy = staff["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 12
    assert all(policy[k] for k in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"))
    assert staff["UserPoolTier"] == "PLUS" and staff["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}
    # Millions of citizens stay on the Lite tier
    citizens = resources(template, "AWS::Cognito::UserPool")["UserPool"]
    assert citizens["UserPoolTier"] == "LITE" and "UserPoolAddOns" not in citizens
    groups = {p["GroupName"]: p["UserPoolId"] for p in resources(template, "AWS::Cognito::UserPoolGroup").values()}
    assert groups == {
        "citizen": {"Ref": "UserPool"},
        **{g: {"Ref": "StaffPool"} for g in ("officer", "admin", "org_admin", "supervisor", "triage")},
    }


def test_the_authorizer_is_cached_at_most_a_minute_and_may_read_revocation_markers(template: dict[str, Any]) -> None:
    body = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    authorizers = body["securityDefinitions"]
    assert authorizers and all(
        a["x-amazon-apigateway-authorizer"]["authorizerResultTtlInSeconds"] <= 60 for a in authorizers.values()
    )
    statements = [
        s
        for policy in template["Resources"]["JwtAuthorizerRole"]["Properties"]["Policies"]
        for s in policy["PolicyDocument"]["Statement"]
    ]
    reads = [s for s in statements if s["Action"] == "dynamodb:GetItem"]
    assert reads == [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": {"Fn::GetAtt": ["Table", "Arn"]}}]


def test_only_the_api_function_holds_the_pools_admin_calls_and_only_on_the_two_pools(template: dict[str, Any]) -> None:
    holders: dict[str, list[dict[str, Any]]] = {}
    for rid, statement, actions in iam_statements(template):
        if any(a.startswith("cognito-idp:") for a in actions):
            holders.setdefault(rid, []).append(statement)
    assert list(holders) == ["ApiHandlerAccessPolicy"]
    statement, groups = holders["ApiHandlerAccessPolicy"]
    assert statement["Resource"] == [{"Fn::GetAtt": ["UserPool", "Arn"]}, {"Fn::GetAtt": ["StaffPool", "Arn"]}]
    # Taking a staff group away (the supervisor role) is allowed on the staff pool alone
    assert groups["Action"] == "cognito-idp:AdminRemoveUserFromGroup"
    assert groups["Resource"] == {"Fn::GetAtt": ["StaffPool", "Arn"]}
    assert (
        "cognito-idp:AdminInitiateAuth" in statement["Action"]
        and "cognito-idp:AdminUserGlobalSignOut" in statement["Action"]
    )
    environment = template["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert environment["STAFF_POOL_ID"] == {"Ref": "StaffPool"} and environment["STAFF_POOL_CLIENT_ID"] == {
        "Ref": "StaffPoolClient"
    }


def test_only_the_api_function_reads_and_writes_attachments_and_only_the_buckets_objects(
    template: dict[str, Any],
) -> None:
    # Presigned POSTs and GETs are authorised, at upload and download time, against the role that signed them.
    # Attaching checks the file arrived (HeadObject): a missing key is a 404 only with s3:ListBucket on the bucket.
    grants: dict[str, list[dict[str, Any]]] = {}
    for rid, statement, actions in iam_statements(template):
        if any(a.startswith("s3:") for a in actions) and "AttachmentsBucket" in json.dumps(statement["Resource"]):
            grants.setdefault(rid, []).append(statement)
    assert list(grants) == ["ApiHandlerAccessPolicy"]
    objects, bucket = grants["ApiHandlerAccessPolicy"]
    assert sorted(objects["Action"]) == ["s3:GetObject", "s3:PutObject"]
    assert objects["Resource"] == {"Fn::Sub": "${AttachmentsBucket.Arn}/*"}
    assert (bucket["Action"], bucket["Resource"]) == ("s3:ListBucket", {"Fn::GetAtt": ["AttachmentsBucket", "Arn"]})


def test_the_classifier_models_are_read_by_the_api_and_intake_and_written_only_by_run_insights(
    template: dict[str, Any],
) -> None:
    """docs/insights.md: each grant names the two model keys (ListBucket only under models/, for 404s)."""
    keys = [
        {"Fn::Sub": "${ModelsBucket.Arn}/models/category/current.bin"},
        {"Fn::Sub": "${ModelsBucket.Arn}/models/moderation/current.bin"},
    ]
    grants: dict[str, list[tuple[list[str], Any]]] = {}
    for rid, statement, actions in iam_statements(template):
        if "ModelsBucket" in json.dumps(statement["Resource"]):
            grants.setdefault(rid, []).append((sorted(actions), statement["Resource"]))
    listing = (["s3:ListBucket"], {"Fn::GetAtt": ["ModelsBucket", "Arn"]})
    assert grants == {
        "ApiHandlerAccessPolicy": [(["s3:GetObject"], keys), listing],
        "RouteIntakeAccessPolicy": [(["s3:GetObject"], keys), listing],
        "RunInsightsAccessPolicy": [(["s3:GetObject", "s3:PutObject"], keys), listing],
    }
    bucket = template["Resources"]["ModelsBucket"]["Properties"]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert all(bucket["PublicAccessBlockConfiguration"].values()) and "BucketEncryption" in bucket


def test_the_archive_is_written_only_by_the_due_queue_worker_and_read_only_by_the_api(template: dict[str, Any]) -> None:
    """chalicelib/store/archive.py: the worker that archives puts records, the API reads them; only under cases/."""
    records = {"Fn::Sub": "${ArchiveBucket.Arn}/cases/*"}
    grants: dict[str, list[tuple[list[str], Any]]] = {}
    for rid, statement, actions in iam_statements(template):
        if "ArchiveBucket" in json.dumps(statement["Resource"]):
            grants.setdefault(rid, []).append((sorted(actions), statement["Resource"]))
    assert grants == {
        "ApiHandlerAccessPolicy": [(["s3:GetObject"], records)],
        "SweepDueCasesAccessPolicy": [(["s3:PutObject"], records)],
    }
    bucket = template["Resources"]["ArchiveBucket"]["Properties"]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert all(bucket["PublicAccessBlockConfiguration"].values()) and "BucketEncryption" in bucket
    assert "CorsConfiguration" not in bucket  # no browser ever reaches it


def test_api_gateway_compresses_answers_from_the_size_the_local_gateway_uses(template: dict[str, Any]) -> None:
    """`minimum_compression_size` in .chalice/config.json becomes the REST API's MinimumCompressionSize."""
    from local.gateway import minimum_compression_size

    assert template["Resources"]["RestAPI"]["Properties"]["MinimumCompressionSize"] == minimum_compression_size("prod")
    assert minimum_compression_size("prod") == 1024


def test_only_the_api_function_reads_and_redrives_the_dead_letter_queues_and_it_names_each_queue(
    template: dict[str, Any],
) -> None:
    """The operations view and redrive (docs/operations.md): every queue call names its queues; CloudWatch cannot."""
    grants: dict[str, dict[str, list[Any]]] = {}
    for rid, statement, actions in iam_statements(template):
        for action in actions:
            if action.startswith(("sqs:", "cloudwatch:")):
                resource = statement["Resource"]
                grants.setdefault(rid, {})[action] = resource if isinstance(resource, list) else [resource]
    work = [{"Fn::GetAtt": [q, "Arn"]} for q in ("IntakeQueue", "NotificationsQueue", "DueQueue")]
    dead = [
        {"Fn::GetAtt": [q, "Arn"]}
        for q in ("IntakeDeadLetterQueue", "NotificationsDeadLetterQueue", "DueDeadLetterQueue")
    ]
    api = grants["ApiHandlerAccessPolicy"]
    assert api["sqs:GetQueueAttributes"] == work + dead
    assert api["sqs:ReceiveMessage"] == dead and api["sqs:DeleteMessage"] == dead
    assert api["sqs:SendMessage"] == work  # also authorises SendMessageBatch: redriven letters go back here only
    # GetMetricData has no resource-level permissions: '*' is the only resource it takes, and it only reads
    assert api["cloudwatch:GetMetricData"] == ["*"]
    # Nobody else touches a dead-letter queue, and no function holds a wildcard on SQS
    for rid, granted in grants.items():
        assert all(r != "*" for action, resources in granted.items() if action.startswith("sqs:") for r in resources)
        if rid != "ApiHandlerAccessPolicy":
            assert not [r for resources in granted.values() for r in resources if r in dead], rid
    environment = template["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert environment["INTAKE_DLQ_URL"] == {"Ref": "IntakeDeadLetterQueue"}
    assert environment["NOTIFICATIONS_DLQ_URL"] == {"Ref": "NotificationsDeadLetterQueue"}
    assert environment["DUE_DLQ_URL"] == {"Ref": "DueDeadLetterQueue"}


def test_what_the_merge_adds_survives_chalice_tracing_failed_runs_and_the_suppressions(
    template: dict[str, Any],
) -> None:
    """Chalice merges the merge template into what it generates: what checkov and AWS read must come through."""
    functions = resources(template, "AWS::Serverless::Function")
    assert functions and all(f["Tracing"] == "Active" for f in functions.values())
    assert template["Resources"]["RestAPI"]["Properties"]["TracingEnabled"] is True
    scheduled = {
        rid for rid, f in functions.items() if any(e["Type"] == "Schedule" for e in f.get("Events", {}).values())
    }
    configs = resources(template, "AWS::Lambda::EventInvokeConfig").values()
    assert {c["FunctionName"]["Ref"] for c in configs} == scheduled >= {"SweepDeadlines", "RunInsights"}
    assert all(functions[rid]["ReservedConcurrentExecutions"] == 1 for rid in ("SweepDeadlines", "RunInsights"))
    for rid, resource in template["Resources"].items():
        if resource["Type"] == "AWS::Serverless::Function":
            skipped = {s["id"] for s in resource["Metadata"]["checkov"]["skip"]}
            assert {"CKV_AWS_116", "CKV_AWS_117"} <= skipped, rid


def _journey(stack: Any) -> dict[str, set[Any]]:
    """Filing, routing, a failed e-mail given back for a retry (its delivery claim deleted), an escalation
    by the sweeper (the office's history entry ended in the same transaction), the hourly insights at the
    times its tasks run: every AWS call each function made, as IAM judges it."""
    from botocore.exceptions import EndpointConnectionError

    from chalicelib import aws
    from tests.harness import recording_calls
    from tests.integration.test_journey import complaint_body

    ses = aws.client("ses")

    def refuse(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://email.unreachable")

    with recording_calls() as made:
        citizen = stack.login("citizen")
        case_id = stack.post("/v1/complaints", complaint_body(stack), token=citizen).json["id"]
        stack.run_route_worker()
        ses.meta.events.register("before-call.ses.SendEmail", refuse, unique_id="email-down")
        try:
            stack.run_notify_worker()
        finally:
            ses.meta.events.unregister("before-call.ses.SendEmail", unique_id="email-down")
        stack.run_notify_worker()
        swept = stack.run_sweeper(minutes_from_now=60 * 24 * 40)
        # Monday 02:05 (topics, spikes), Tuesday 01:05 (the satisfaction gap); the weekly retraining's
        # S3 writes are checked above, and it takes minutes.
        for at in ("2026-11-30T02:05:00Z", "2026-12-01T01:05:00Z"):
            event = stack.client.events.generate_cw_event("aws.events", "Scheduled Event", {}, [])
            event["time"] = at
            stack.invoke("run_insights", event)
    assert stack.get(f"/v1/complaints/{case_id}", token=citizen).json["status"] != "submitted"
    assert swept.get("escalated", 0) >= 1, swept
    assert {"api", "route_intake", "send_notifications", "sweep_deadlines", "sweep_due_cases", "run_insights"} <= set(
        made
    )
    return made


def test_every_call_each_function_makes_is_allowed_by_its_own_role(template: dict[str, Any], stack: Any) -> None:
    """moto enforces no IAM: each function's calls in its journeys, checked against its policy in the template
    (the action, and the resource's ARN against the statement's patterns). A transaction needs each item's
    own action."""
    from tests.iam import allowed_by_function, refusals

    made = _journey(stack)
    # What was recorded names the resources as the template does (logical ids in ARNs)
    touched = {c.resource for calls in made.values() for c in calls}
    assert "arn:aws:dynamodb:REGION:ACCOUNT:table/Table" in touched
    assert any(r.startswith("arn:aws:dynamodb:REGION:ACCOUNT:table/Table/index/") for r in touched)
    assert (
        "arn:aws:sqs:REGION:ACCOUNT:IntakeQueue" in touched
        and "arn:aws:sqs:REGION:ACCOUNT:NotificationsQueue" in touched
    )
    assert not refusals(made, allowed_by_function(template)), refusals(made, allowed_by_function(template))


def _without(template: dict[str, Any], function: str, action: str, resource: Any = None) -> dict[str, Any]:
    """The template with `action` taken from `function`'s role (or, given `resource`, narrowed to it)."""
    changed = copy.deepcopy(template)
    role = next(
        p["Role"]["Fn::GetAtt"][0]
        for p in resources(changed, "AWS::Serverless::Function").values()
        if p["Handler"].rsplit(".", 1)[-1] == function
    )
    for rid, statement, actions in iam_statements(changed):
        props = changed["Resources"][rid]["Properties"]
        if rid != role and {"Ref": role} not in props.get("Roles", []):
            continue
        if action in actions:
            if resource is None:
                statement["Action"] = [a for a in actions if a != action]
            else:
                statement["Resource"] = resource
    return changed


def test_a_permission_taken_from_a_role_fails_the_check(template: dict[str, Any], stack: Any) -> None:
    """The check bites: the notify function without DeleteItem (issue 16's dropped notices), and its
    e-mail permission narrowed to an identity that is not the sender's, are each named as refused."""
    from tests.iam import allowed_by_function, refusals

    made = _journey(stack)
    refused = refusals(made, allowed_by_function(_without(template, "send_notifications", "dynamodb:DeleteItem")))
    assert refused == {"send_notifications": ["dynamodb:DeleteItem on arn:aws:dynamodb:REGION:ACCOUNT:table/Table"]}
    elsewhere = {"Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/other.example"}
    refused = refusals(made, allowed_by_function(_without(template, "send_notifications", "ses:SendEmail", elsewhere)))
    assert list(refused) == ["send_notifications"] and refused["send_notifications"][0].startswith(
        "ses:SendEmail on arn:aws:ses:REGION:ACCOUNT:identity/"
    ), refused
