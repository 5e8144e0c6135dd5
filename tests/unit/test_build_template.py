"""infra/build_template.py: what it merges, what it drops, where it refuses, and what the template must hold.

The generated template is built here the way `chalice package` names things, from the functions the
app declares (its routes, authorizer, queue workers and schedules), so a function added to the app is
covered without `chalice package` running: tests/integration/test_packaged_template.py checks the real one.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from infra import build_template
from infra.build_template import BuildError, build

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "infra"
FAILED_RUNS = {"Fn::GetAtt": ["FailedScheduledRunsQueue", "Arn"]}
# Actions that take no resource-level permission: '*' is the only resource IAM accepts for them.
NO_RESOURCE_ACTIONS = {"sns:Publish", "xray:PutTraceSegments", "xray:PutTelemetryRecords", "cloudwatch:GetMetricData"}


def _doc(name: str) -> dict[str, Any]:
    return dict(json.loads((INFRA / name).read_text(encoding="utf-8")))


@cache
def _declared() -> tuple[tuple[str, str, str], ...]:
    """(chalice name, logical id, event kind) of every function the app declares."""
    from chalice.app import SQSEventConfig
    from chalice.utils import to_cfn_resource_name

    from app import app

    functions = [("api_handler", "APIHandler", "api")]
    functions += [(a.name, to_cfn_resource_name(a.name), "authorizer") for a in app.builtin_auth_handlers]
    for source in app.event_sources:
        kind = "sqs" if isinstance(source, SQSEventConfig) else "schedule"
        functions.append((source.name, to_cfn_resource_name(source.name), kind))
    functions += [(f.name, to_cfn_resource_name(f.name), "none") for f in app.pure_lambda_functions]
    return tuple(functions)


def generated(without: tuple[str, ...] = ()) -> dict[str, Any]:
    """A plain `chalice package` template's resources, as chalice names them (roles: <Name>Role)."""
    from chalice.utils import to_cfn_resource_name

    resources: dict[str, Any] = {
        "RestAPI": {"Type": "AWS::Serverless::Api", "Properties": {"StageName": "prod", "DefinitionBody": {}}}
    }
    for name, rid, kind in _declared():
        if rid in without:
            continue
        role = to_cfn_resource_name(name) + "Role"
        events: dict[str, Any] = {}
        if kind == "sqs":
            events[f"{rid}SqsEventSource"] = {"Type": "SQS", "Properties": {"Queue": "arn", "BatchSize": 10}}
        elif kind == "schedule":
            events[f"{rid}Event"] = {"Type": "Schedule", "Properties": {"Schedule": "rate(1 hour)"}}
        props: dict[str, Any] = {"Handler": f"x.{name}", "Role": {"Fn::GetAtt": [role, "Arn"]}}
        if events:
            props["Events"] = events
        resources[rid] = {"Type": "AWS::Serverless::Function", "Properties": props}
        resources[role] = {"Type": "AWS::IAM::Role", "Properties": {"Policies": []}}
    return {"Resources": resources}


def merged(
    functions: dict[str, Any] | None = None,
    gen: dict[str, Any] | None = None,
    resources_doc: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    return build(resources_doc or _doc("resources.json"), functions or _doc("functions.json"), gen or generated())


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return merged()[0]


def _role(rid: str) -> str:
    return str(generated()["Resources"][rid]["Properties"]["Role"]["Fn::GetAtt"][0])


def _statements(template: dict[str, Any], role: str) -> list[tuple[str, dict[str, Any]]]:
    """Every (holder, statement) the role is given: its own policies and the policies naming it."""
    found = []
    for rid, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        if rid == role:
            documents = [p["PolicyDocument"] for p in props.get("Policies", [])]
        elif resource.get("Type") == "AWS::IAM::Policy" and {"Ref": role} in props.get("Roles", []):
            documents = [props["PolicyDocument"]]
        else:
            continue
        found += [(rid, statement) for document in documents for statement in document["Statement"]]
    return found


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return action if isinstance(action, list) else [action]


def _targets(statement: dict[str, Any]) -> list[Any]:
    resource = statement["Resource"]
    return resource if isinstance(resource, list) else [resource]


# --- what it merges ----------------------------------------------------------------------


def test_the_stateful_resources_and_an_override_for_every_generated_function_are_merged(
    template: dict[str, Any],
) -> None:
    stateful = _doc("resources.json")["Resources"]
    for rid, resource in stateful.items():
        assert template["Resources"][rid]["Type"] == resource["Type"], rid
    common = _doc("functions.json")["Metadata"]["Awaaz::Build"]["CommonEnvironment"]
    for _, rid, _ in _declared():
        override = template["Resources"][rid]
        assert "Type" not in override, rid  # chalice merges it into the function it generated
        variables = override["Properties"]["Environment"]["Variables"]
        assert {k: variables[k] for k in common} == common, rid
        assert override["Properties"]["FunctionName"] == {"Fn::Sub": f"${{AWS::StackName}}-{_name(rid)}"}
    # The API and the notifier send e-mail: their own variable is kept next to the common ones
    assert template["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]["SENDER_EMAIL"] == {
        "Ref": "SenderEmail"
    }
    # The build's own settings never reach CloudFormation
    assert "Awaaz::Build" not in template.get("Metadata", {})
    assert not [rid for rid, r in template["Resources"].items() if "Awaaz::Requires" in r.get("Metadata", {})]
    assert set(template["Parameters"]) == {
        "SenderEmail",
        "AlarmEmail",
        "WebAclArnForCloudFront",
        "MapTileOrigin",
        "SesMaxSendRate",
        "SmsMaxSendRate",
    }
    assert template["Outputs"]["FailedScheduledRunsQueueUrl"] == {"Value": {"Ref": "FailedScheduledRunsQueue"}}


def _name(rid: str) -> str:
    return next(name for name, logical, _ in _declared() if logical == rid)


def test_what_a_function_chalice_did_not_generate_needed_is_dropped_with_a_note() -> None:
    template, notes = merged(gen=generated(without=("SendNotifications",)))
    resources = template["Resources"]
    for rid in ("SendNotifications", "SendNotificationsLogGroup", "SendNotificationsAccessPolicy"):
        assert rid not in resources
    assert any("SendNotifications" in note for note in notes)
    # The tracing policy names the roles of the functions that exist, and only those
    roles = [r["Ref"] for r in resources["TracingPolicy"]["Properties"]["Roles"]]
    assert "SendNotificationsRole" not in roles and "ApiHandlerRole" in roles
    # SenderEmail is still used (the API sends codes), so it stays
    assert "SenderEmail" in template["Parameters"]


def test_an_override_merges_into_a_stateful_resource_for_aws_only() -> None:
    functions = _doc("functions.json")
    functions["Resources"]["AttachmentsBucket"] = {"Properties": {"Tags": [{"Key": "k", "Value": "v"}]}}
    template, _ = merged(functions=functions)
    bucket = template["Resources"]["AttachmentsBucket"]
    assert bucket["Properties"]["Tags"] == [{"Key": "k", "Value": "v"}]
    assert bucket["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}  # the rest is kept


# --- where it refuses --------------------------------------------------------------------


def test_a_function_that_functions_json_does_not_describe_fails_the_build() -> None:
    gen = generated()
    gen["Resources"]["Surprise"] = copy.deepcopy(gen["Resources"]["APIHandler"])
    with pytest.raises(BuildError, match="Surprise"):
        merged(gen=gen)


def test_a_scheduled_function_without_an_on_failure_destination_fails_the_build() -> None:
    for _, rid, kind in _declared():
        if kind != "schedule":
            continue
        functions = _doc("functions.json")
        del functions["Resources"][f"{rid}InvokeConfig"]
        with pytest.raises(BuildError, match=f"{rid} runs on a schedule"):
            merged(functions=functions)
        functions = _doc("functions.json")
        del functions["Resources"][f"{rid}InvokeConfig"]["Properties"]["DestinationConfig"]
        with pytest.raises(BuildError, match="OnFailure"):
            merged(functions=functions)


def test_a_suppression_without_a_reason_or_a_check_id_fails_the_build() -> None:
    resources_doc = _doc("resources.json")
    resources_doc["Resources"]["Table"]["Metadata"]["checkov"]["skip"][0]["comment"] = "  "
    with pytest.raises(BuildError, match="Table CKV_AWS_119 \\(no reason\\)"):
        merged(resources_doc=resources_doc)
    functions = _doc("functions.json")
    functions["Resources"]["AlarmTopic"]["Metadata"]["checkov"]["skip"][0]["id"] = "encryption"
    with pytest.raises(BuildError, match="AlarmTopic 'encryption' \\(not a check id\\)"):
        merged(functions=functions)
    functions = _doc("functions.json")
    functions["Metadata"]["Awaaz::Build"]["CheckovSkipsByType"]["AWS::Logs::LogGroup"][0].pop("comment")
    with pytest.raises(BuildError, match="LogGroup CKV_AWS_158 \\(no reason\\)"):
        merged(functions=functions)


def test_a_dangling_reference_fails_the_build() -> None:
    functions = _doc("functions.json")
    functions["Resources"]["AlarmTopic"]["Properties"]["KmsMasterKeyId"] = {"Ref": "NoSuchKey"}
    with pytest.raises(BuildError, match="unresolved references: NoSuchKey"):
        merged(functions=functions)


def test_the_command_writes_the_merge_template_and_says_what_it_dropped(tmp_path: Path) -> None:
    gen = tmp_path / "sam.json"
    gen.write_text(json.dumps(generated(without=("RunInsights",))), encoding="utf-8")
    out = tmp_path / "merge.json"
    done = subprocess.run(
        [sys.executable, str(INFRA / "build_template.py"), "--generated", str(gen), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "dropped RunInsightsInvokeConfig" in done.stderr
    assert json.loads(out.read_text(encoding="utf-8")) == merged(gen=generated(without=("RunInsights",)))[0]
    assert build_template.main(["--generated", str(tmp_path / "missing.json"), str(out)]) == 1


# --- what the template must hold ---------------------------------------------------------


def test_every_function_role_names_its_resources(template: dict[str, Any]) -> None:
    """Its logs go to its own log group; every other grant names a resource, but for actions that take none."""
    known = set(template["Resources"]) | set(generated()["Resources"])
    for _, rid, _ in _declared():
        role = _role(rid)
        statements = _statements(template, role)
        logs = [s for _, s in statements if "logs:PutLogEvents" in _actions(s)]
        assert [s["Resource"] for s in logs] == [{"Fn::Sub": f"${{{role.removesuffix('Role')}LogGroup.Arn}}"}]
        for holder, statement in statements:
            assert statement["Effect"] == "Allow", (holder, statement)
            for target in _targets(statement):
                if target == "*":
                    assert set(_actions(statement)) <= NO_RESOURCE_ACTIONS, (holder, statement)
                    continue
                names = build_template.references(target) - {"AWS::Partition", "AWS::Region", "AWS::AccountId"}
                text = json.dumps(target)
                assert names <= known, (holder, names - known)
                assert names or text.startswith('{"Fn::Sub": "arn:${AWS::Partition}:'), (holder, target)


def test_tracing_is_active_for_every_function_and_the_api_stage_and_each_role_may_send_traces(
    template: dict[str, Any],
) -> None:
    config = json.loads((REPO / ".chalice" / "config.json").read_text(encoding="utf-8"))
    assert config["stages"]["prod"]["xray"] is True  # chalice sets Tracing: Active on every function
    assert template["Resources"]["RestAPI"]["Properties"]["TracingEnabled"] is True
    tracing = template["Resources"]["TracingPolicy"]["Properties"]
    assert tracing["Roles"] == [{"Ref": _role(rid)} for _, rid, _ in _declared()]
    assert tracing["PolicyDocument"]["Statement"] == [
        {
            "Sid": "Tracing",
            "Effect": "Allow",
            "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            "Resource": "*",
        }
    ]


def test_each_scheduled_function_sends_its_failed_runs_to_the_failed_runs_queue_and_only_they_may(
    template: dict[str, Any],
) -> None:
    resources = template["Resources"]
    scheduled = [rid for _, rid, kind in _declared() if kind == "schedule"]
    assert {"SweepDeadlines", "RunInsights"} <= set(scheduled)
    configs = {
        r["Properties"]["FunctionName"]["Ref"]: r["Properties"]
        for r in resources.values()
        if r.get("Type") == "AWS::Lambda::EventInvokeConfig"
    }
    assert set(configs) == set(scheduled)
    for props in configs.values():
        assert props["Qualifier"] == "$LATEST"
        assert props["MaximumRetryAttempts"] in (0, 1, 2)
        assert 60 <= props["MaximumEventAgeInSeconds"] <= 21600
        assert props["DestinationConfig"] == {"OnFailure": {"Destination": FAILED_RUNS}}
    queue = resources["FailedScheduledRunsQueue"]
    assert queue["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert queue["Properties"]["SqsManagedSseEnabled"] is True
    alarms = [r for r in resources.values() if r.get("Type") == "AWS::CloudWatch::Alarm"]
    assert any(
        a["Properties"].get("Dimensions")
        == [{"Name": "QueueName", "Value": {"Fn::GetAtt": ["FailedScheduledRunsQueue", "QueueName"]}}]
        for a in alarms
    )
    # Lambda sends a failed run with the function's own role: sqs:SendMessage on that queue, nothing else on it
    for _, rid, _ in _declared():
        grants = [s for _, s in _statements(template, _role(rid)) if FAILED_RUNS in _targets(s)]
        if rid in scheduled:
            assert [(_actions(s), _targets(s)) for s in grants] == [(["sqs:SendMessage"], [FAILED_RUNS])], rid
        else:
            assert grants == [], rid


def test_the_sweeper_and_the_insights_job_run_one_at_a_time() -> None:
    config = json.loads((REPO / ".chalice" / "config.json").read_text(encoding="utf-8"))
    per_function = config["stages"]["prod"]["lambda_functions"]
    for name in ("sweep_deadlines", "run_insights"):
        assert per_function[name]["reserved_concurrency"] == 1, name


def test_the_attachments_bucket_is_versioned_and_its_old_versions_and_abandoned_uploads_expire(
    template: dict[str, Any],
) -> None:
    bucket = template["Resources"]["AttachmentsBucket"]["Properties"]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    rules = bucket["LifecycleConfiguration"]["Rules"]
    assert all(r["Status"] == "Enabled" and "Prefix" not in r for r in rules)  # the whole bucket
    assert [
        r["NoncurrentVersionExpiration"]["NoncurrentDays"] for r in rules if "NoncurrentVersionExpiration" in r
    ] == [30]
    assert [r["AbortIncompleteMultipartUpload"] for r in rules if "AbortIncompleteMultipartUpload" in r] == [
        {"DaysAfterInitiation": 1}
    ]
    assert not [r for r in rules if "ExpirationInDays" in r]  # current files are evidence: never expired
    assert bucket["CorsConfiguration"]["CorsRules"][0]["AllowedMethods"] == ["POST"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())


def test_every_checkov_suppression_gives_its_reason_and_per_type_ones_reach_each_resource(
    template: dict[str, Any],
) -> None:
    resources = template["Resources"]
    skips = {rid: build_template.checkov_skips(r) for rid, r in resources.items()}
    assert sum(len(s) for s in skips.values()) >= 40
    for rid, found in skips.items():
        ids = [s["id"] for s in found]
        assert len(ids) == len(set(ids)), rid
        for skip in found:
            assert re.fullmatch(r"CKV2?_AWS_\d+", skip["id"]), (rid, skip)
            assert len(skip["comment"].split()) >= 8, (rid, skip)  # a reason, not a label
    by_type = _doc("functions.json")["Metadata"]["Awaaz::Build"]["CheckovSkipsByType"]
    generated_types = {rid: r["Type"] for rid, r in generated()["Resources"].items()}
    for rid, resource in resources.items():
        kind = resource.get("Type") or generated_types[rid]
        for skip in by_type.get(kind, []):
            assert skip in skips[rid], (rid, skip["id"])
    assert all(skips[rid] for _, rid, _ in _declared())


def test_no_suppression_outlives_its_fix(template: dict[str, Any]) -> None:
    """A check suppressed 'until' another part fixes it: once the fix lands, the suppression must go."""
    config = json.loads((REPO / ".chalice" / "config.json").read_text(encoding="utf-8"))["stages"]["prod"]
    fixes = {
        "CKV_AWS_115": lambda rid, p: (
            "ReservedConcurrentExecutions" in p
            or "reserved_concurrency" in config
            or "reserved_concurrency" in config.get("lambda_functions", {}).get(_name(rid), {})
        ),
        "CKV_AWS_116": lambda rid, p: "DeadLetterQueue" in p,
        "CKV_AWS_76": lambda rid, p: "AccessLogSetting" in p,
        "CKV_AWS_68": lambda rid, p: "WebACLId" in p.get("DistributionConfig", {}),
        "CKV_AWS_26": lambda rid, p: "KmsMasterKeyId" in p,
        "CKV_AWS_27": lambda rid, p: "KmsMasterKeyId" in p,
        "CKV_AWS_21": lambda rid, p: p.get("VersioningConfiguration", {}).get("Status") == "Enabled",
        "CKV_AWS_173": lambda rid, p: "KmsKeyArn" in p,
    }
    for rid, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        for skip in build_template.checkov_skips(resource):
            fixed = fixes.get(skip["id"])
            assert not (fixed and fixed(rid, props)), f"{rid}: {skip['id']} is fixed now; remove its suppression"


# --- the gate's tools fail on a known bad template -----------------------------------------

CHECKOV = REPO / "build" / "checkov-venv" / "bin" / "checkov"


def _bad_queue(tmp_path: Path, metadata: dict[str, Any] | None = None) -> Path:
    queue: dict[str, Any] = {"Type": "AWS::SQS::Queue", "Properties": {"MessageRetentionPeriod": 345600}}
    if metadata:
        queue["Metadata"] = metadata
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Plain": queue}}))
    return path


@pytest.mark.skipif(not CHECKOV.exists(), reason="checkov is installed by `make template` (make test runs it)")
def test_checkov_in_the_gate_fails_on_an_unencrypted_queue_and_names_it_unless_suppressed_with_a_reason(
    tmp_path: Path,
) -> None:
    def gate(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["make", "-s", "--no-print-directory", "checkov", f"TEMPLATE={path}"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    failed = gate(_bad_queue(tmp_path))
    assert failed.returncode != 0
    assert "CKV_AWS_27" in failed.stdout and "AWS::SQS::Queue.Plain" in failed.stdout
    reasoned = {"checkov": {"skip": [{"id": "CKV_AWS_27", "comment": "a test of the gate's suppressions"}]}}
    passed = gate(_bad_queue(tmp_path, reasoned))
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_cfn_lint_in_the_gate_fails_on_an_invalid_property(tmp_path: Path) -> None:
    path = _bad_queue(tmp_path)
    template = json.loads(path.read_text())
    template["Resources"]["Plain"]["Properties"]["MessageRetentionPeriod"] = 99 * 24 * 3600  # SQS keeps 14 days
    path.write_text(json.dumps(template))
    done = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode != 0 and "E3034" in done.stdout and "maximum of 1209600" in done.stdout
