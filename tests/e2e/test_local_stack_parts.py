"""The local stack's parts, in-process against moto (seconds, no subprocess).

Provisioning from infra/resources.json (and idempotency), the state round trip, the
SQS pump (Lambda event shape, batchItemFailures, moto's dead-lettering), schedules,
the outbox's masking, and the serialised moto server under concurrent transactions.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from chalice.app import Chalice, Rate
from moto import mock_aws

from local import provision, pumps, scheduler, seed, state
from local.config import ACCOUNT_ID, REGION, REPO_DIR
from local.outbox import Outbox, mask_email, mask_phone, mask_text

TEMPLATE = REPO_DIR / "infra" / "resources.json"
FUNCTIONS = REPO_DIR / "infra" / "functions.json"
SEED = REPO_DIR / "infra" / "seed" / "directory.json"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield


def client(service: str) -> Any:
    return boto3.client(service, region_name=REGION)  # type: ignore[call-overload]


def provision_stack() -> provision.Provisioned:
    return provision.provision(
        TEMPLATE,
        client,
        stack_name="awaaz-local",
        region=REGION,
        account_id=ACCOUNT_ID,
        parameters={"SenderEmail": "no-reply@example.pk", "AlarmEmail": ""},
        functions_path=FUNCTIONS,
    )


# --- provisioning ---------------------------------------------------------------------


def test_a_table_kept_from_an_earlier_run_gets_the_indexes_added_since(aws: None) -> None:
    # Given the table as an earlier version made it, without its newest index and its keys
    props = json.loads(TEMPLATE.read_text())["Resources"]["Table"]["Properties"]
    newest = props["GlobalSecondaryIndexes"][-1]
    older = [i for i in props["GlobalSecondaryIndexes"] if i is not newest]
    kept = {k["AttributeName"] for i in older for k in i["KeySchema"]} | {"PK", "SK"}
    client("dynamodb").create_table(
        TableName="awaaz-local-cases",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[d for d in props["AttributeDefinitions"] if d["AttributeName"] in kept],
        KeySchema=props["KeySchema"],
        GlobalSecondaryIndexes=older,
    )
    # When make run provisions again, Then the table has every index of the template
    provision_stack()
    table = client("dynamodb").describe_table(TableName="awaaz-local-cases")["Table"]
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} == {
        i["IndexName"] for i in props["GlobalSecondaryIndexes"]
    }


def test_provisioning_follows_the_template_and_is_idempotent(aws: None) -> None:
    first = provision_stack()
    template = json.loads(TEMPLATE.read_text())["Resources"]
    supported = [k for k, v in template.items() if v["Type"] in provision.HANDLERS]
    assert sorted(first.created) == sorted(supported) and first.found == []

    second = provision_stack()
    assert second.created == [] and sorted(second.found) == sorted(supported)
    assert second.environment == first.environment

    env = first.environment
    for name in provision.DEFAULT_ENVIRONMENT:
        assert env[name], name
    assert env["TABLE_NAME"] == "awaaz-local-cases"
    assert env["ATTACHMENTS_BUCKET"] == f"awaaz-local-attachments-{ACCOUNT_ID}"

    table = client("dynamodb").describe_table(TableName=env["TABLE_NAME"])["Table"]
    expected_indexes = {i["IndexName"] for i in template["Table"]["Properties"]["GlobalSecondaryIndexes"]}
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} == expected_indexes
    ttl = client("dynamodb").describe_time_to_live(TableName=env["TABLE_NAME"])["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at" and ttl["TimeToLiveStatus"] == "ENABLED"

    sqs = client("sqs")
    for url in (env["INTAKE_QUEUE_URL"], env["NOTIFICATIONS_QUEUE_URL"]):
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        redrive = json.loads(attributes["RedrivePolicy"])
        assert redrive["maxReceiveCount"] == 5
        assert redrive["deadLetterTargetArn"].endswith(url.rsplit("/", 1)[-1] + "-dlq")
        assert attributes["VisibilityTimeout"] == "60"

    cors = client("s3").get_bucket_cors(Bucket=env["ATTACHMENTS_BUCKET"])["CORSRules"]
    assert cors[0]["AllowedMethods"] == ["POST"] and cors[0]["MaxAgeSeconds"] == 3000
    # Versioned: an overwritten or deleted file can be restored; old versions expire, abandoned uploads are aborted
    s3 = client("s3")
    assert s3.get_bucket_versioning(Bucket=env["ATTACHMENTS_BUCKET"])["Status"] == "Enabled"
    rules = {r["ID"]: r for r in s3.get_bucket_lifecycle_configuration(Bucket=env["ATTACHMENTS_BUCKET"])["Rules"]}
    assert rules["expire-old-versions"]["NoncurrentVersionExpiration"]["NoncurrentDays"] == 30
    assert rules["abort-incomplete-uploads"]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    # The scheduled functions' failed runs have their queue (AWS sends them there; docs/deploy.md)
    failed = sqs.get_queue_url(QueueName="awaaz-local-failed-scheduled-runs")["QueueUrl"]
    retention = sqs.get_queue_attributes(QueueUrl=failed, AttributeNames=["MessageRetentionPeriod"])["Attributes"]
    assert retention["MessageRetentionPeriod"] == str(14 * 24 * 3600)

    # The PII keyring: a secret under the stack's own KMS key, generated as CloudFormation does, kept when found
    secret = client("secretsmanager").describe_secret(SecretId=env["PII_SECRET_ARN"])
    assert secret["Name"] == "awaaz-local-pii-keys" and secret["KmsKeyId"]
    ring = json.loads(client("secretsmanager").get_secret_value(SecretId=env["PII_SECRET_ARN"])["SecretString"])
    assert ring["current"] == ring["hash"] == "1" and len(ring["1"]) == 64 and ring["1"].isalnum()
    assert client("kms").get_key_rotation_status(KeyId=secret["KmsKeyId"])["KeyRotationEnabled"] is True

    idp = client("cognito-idp")
    pool = idp.describe_user_pool(UserPoolId=env["USER_POOL_ID"])["UserPool"]
    names = {a["Name"] for a in pool["SchemaAttributes"]}
    assert {"custom:office_id", "custom:language", "custom:district", "custom:user_type"} <= names
    assert pool["Policies"]["PasswordPolicy"]["RequireNumbers"] is True
    app_client = idp.describe_user_pool_client(UserPoolId=env["USER_POOL_ID"], ClientId=env["USER_POOL_CLIENT_ID"])
    assert "ClientSecret" not in app_client["UserPoolClient"]
    assert app_client["UserPoolClient"]["ExplicitAuthFlows"] == [
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    ]
    groups = {g["GroupName"] for g in idp.list_groups(UserPoolId=env["USER_POOL_ID"])["Groups"]}
    assert groups == {"citizen"}
    # Officers and admins are in their own pool, which requires an authenticator app
    staff = idp.get_user_pool_mfa_config(UserPoolId=env["STAFF_POOL_ID"])
    assert staff["MfaConfiguration"] == "ON" and staff["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    staff_groups = {g["GroupName"] for g in idp.list_groups(UserPoolId=env["STAFF_POOL_ID"])["Groups"]}
    assert staff_groups == {"officer", "admin", "org_admin", "supervisor", "triage"}


def test_intrinsics_resolve_like_cloudformation() -> None:
    resolver = provision.Resolver({"AWS::StackName": "s", "AWS::Region": "r", "AWS::AccountId": "1"}, {"P": "p"})
    resolver.resources["Q"] = provision.Physical(ref="https://q", attrs={"Arn": "arn:q"})
    assert resolver.resolve({"Fn::Sub": "${AWS::StackName}-x-${AWS::AccountId}"}) == "s-x-1"
    assert resolver.resolve({"Fn::Sub": "${Q.Arn}/${Q}/${P}/${!Literal}"}) == "arn:q/https://q/p/${Literal}"
    assert resolver.resolve({"Fn::Sub": ["${a}-${Q}", {"a": {"Ref": "P"}}]}) == "p-https://q"
    assert resolver.resolve({"Fn::GetAtt": ["Q", "Arn"]}) == "arn:q"
    assert resolver.resolve({"Fn::Join": ["-", ["a", {"Ref": "P"}]]}) == "a-p"
    resources = {
        "B": {"Properties": {"X": {"Fn::GetAtt": ["A", "Arn"]}}},
        "A": {"Properties": {}},
        "C": {"Properties": {"Y": {"Fn::Sub": "${B}"}}},
    }
    assert provision.creation_order(resources) == ["A", "B", "C"]


# --- state ------------------------------------------------------------------------------


def test_state_round_trip_keeps_items_users_and_messages(aws: None, tmp_path: Path) -> None:
    env = provision_stack().environment
    ddb, idp, sqs = client("dynamodb"), client("cognito-idp"), client("sqs")
    ddb.put_item(TableName=env["TABLE_NAME"], Item={"PK": {"S": "CASE#1"}, "SK": {"S": "CASE"}, "v": {"N": "3"}})
    idp.admin_create_user(UserPoolId=env["USER_POOL_ID"], Username="+923001234567", MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=env["USER_POOL_ID"], Username="+923001234567", Password="Awaaz-demo-2026", Permanent=True
    )
    sqs.send_message(QueueUrl=env["INTAKE_QUEUE_URL"], MessageBody='{"case_id": "1"}')
    keyring = client("secretsmanager").get_secret_value(SecretId=env["PII_SECRET_ARN"])["SecretString"]

    assert state.save(tmp_path) > 0
    import moto.backends

    # A restart loses every backend the stack provisions into, not only those the state saves
    for name in ("dynamodb", "sqs", "s3", "cognitoidp", "sns", "ses", "kms", "secretsmanager"):
        moto.backends.get_backend(name).clear()  # type: ignore[call-overload]
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.describe_table(TableName=env["TABLE_NAME"])

    assert state.restore(tmp_path) is True
    item = ddb.get_item(TableName=env["TABLE_NAME"], Key={"PK": {"S": "CASE#1"}, "SK": {"S": "CASE"}})["Item"]
    assert item["v"] == {"N": "3"}
    tokens = idp.admin_initiate_auth(
        UserPoolId=env["USER_POOL_ID"],
        ClientId=env["USER_POOL_CLIENT_ID"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "+923001234567", "PASSWORD": "Awaaz-demo-2026"},
    )
    assert tokens["AuthenticationResult"]["IdToken"]
    messages = sqs.receive_message(QueueUrl=env["INTAKE_QUEUE_URL"], WaitTimeSeconds=0)["Messages"]
    assert [m["Body"] for m in messages] == ['{"case_id": "1"}']
    # The PII keyring is kept as it was (a rotated one too: nothing sealed with it is lost)
    assert client("secretsmanager").get_secret_value(SecretId=env["PII_SECRET_ARN"])["SecretString"] == keyring
    # provisioning again on the restored state finds everything
    assert provision_stack().created == []


def test_an_unreadable_state_is_moved_aside(tmp_path: Path) -> None:
    (tmp_path / state.STATE_FILE).write_bytes(b"not a pickle")
    assert state.restore(tmp_path) is False
    assert not (tmp_path / state.STATE_FILE).exists()
    assert list(tmp_path.glob(f"{state.STATE_FILE}.unreadable-*"))


# --- pumps ------------------------------------------------------------------------------


def make_queue(name: str, max_receives: int) -> tuple[str, str]:
    sqs = client("sqs")
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(
        QueueName=name,
        Attributes={
            "VisibilityTimeout": "0",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receives}),
        },
    )["QueueUrl"]
    return url, dlq


def test_pump_delivers_lambda_events_and_honours_batch_item_failures(aws: None) -> None:
    url, dlq = make_queue("awaaz-local-intake", max_receives=2)
    sqs = client("sqs")
    ids = {body: sqs.send_message(QueueUrl=url, MessageBody=body)["MessageId"] for body in ("good", "bad")}
    events: list[dict[str, Any]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        events.append(event)
        assert context.function_name == "awaaz-local-route_intake"
        failures = [{"itemIdentifier": r["messageId"]} for r in event["Records"] if r["body"] == "bad"]
        return {"batchItemFailures": failures}

    pump = pumps.Pump(
        pumps.PumpSpec("route_intake", "awaaz-local-intake", 10, handler),
        sqs,
        region=REGION,
        function_prefix="awaaz-local",
    )
    assert pump.poll_once(wait_seconds=0) == 2
    record = next(r for r in events[0]["Records"] if r["body"] == "good")
    assert record["messageId"] == ids["good"]
    assert record["eventSource"] == "aws:sqs" and record["awsRegion"] == REGION
    assert record["eventSourceARN"].endswith(":awaaz-local-intake")
    assert record["receiptHandle"] and record["md5OfBody"]
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= set(record["attributes"])

    assert pump.poll_once(wait_seconds=0) == 1  # only "bad" came back: "good" was deleted
    assert events[1]["Records"][0]["attributes"]["ApproximateReceiveCount"] == "2"
    assert pump.poll_once(wait_seconds=0) == 0  # received twice = maxReceiveCount: moto dead-letters it
    moved = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=0)["Messages"]
    assert [m["Body"] for m in moved] == ["bad"]


def test_pump_keeps_the_whole_batch_when_the_handler_raises(aws: None) -> None:
    url, _ = make_queue("awaaz-local-notifications", max_receives=5)
    sqs = client("sqs")
    sqs.send_message(QueueUrl=url, MessageBody="x")
    calls = []

    def handler(event: dict[str, Any], context: Any) -> None:
        calls.append(len(event["Records"]))
        if len(calls) == 1:
            raise RuntimeError("boom")

    pump = pumps.Pump(
        pumps.PumpSpec("notify", "awaaz-local-notifications", 10, handler), sqs, region=REGION, function_prefix="p"
    )
    pump.poll_once(wait_seconds=0)
    pump.poll_once(wait_seconds=0)  # redelivered after the exception, then succeeds
    assert calls == [1, 1]
    assert pump.poll_once(wait_seconds=0) == 0


def test_malformed_batch_item_failures_fail_the_whole_batch() -> None:
    assert pumps.failed_ids({"batchItemFailures": [{"itemIdentifier": "a"}]}, ["a", "b"]) == {"a"}
    assert pumps.failed_ids({"batchItemFailures": [{"itemIdentifier": ""}]}, ["a", "b"]) == {"a", "b"}
    assert pumps.failed_ids({"batchItemFailures": [{"itemIdentifier": "zzz"}]}, ["a"]) == {"a"}
    assert pumps.failed_ids({"batchItemFailures": []}, ["a"]) == set()
    assert pumps.failed_ids(None, ["a"]) == set()


def test_pump_specs_map_chalice_queue_names_to_the_stack() -> None:
    app = Chalice(app_name="awaaz")

    @app.on_sqs_message(queue="awaaz-intake", batch_size=7)
    def route_intake(event: Any) -> None:
        return None

    (spec,) = pumps.pump_specs(app, "awaaz-local")
    assert (spec.name, spec.queue_name, spec.batch_size) == ("route_intake", "awaaz-local-intake", 7)
    assert pumps.physical_queue_name("awaaz-notifications", "awaaz-local") == "awaaz-local-notifications"


# --- scheduler ----------------------------------------------------------------------------


def test_schedule_expressions() -> None:
    assert scheduler.Schedule.parse("rate(15 minutes)").period == 900
    assert scheduler.Schedule.parse("rate(1 hour)").period == 3600
    assert scheduler.Schedule.parse("rate(2 days)").period == 172800
    moment = datetime(2026, 11, 28, 10, 7, 30, tzinfo=UTC)
    assert scheduler.Schedule.parse("cron(5 * * * ? *)").next_after(moment) == datetime(2026, 11, 28, 11, 5, tzinfo=UTC)
    assert scheduler.Schedule.parse("cron(0 2 * * ? *)").next_after(moment) == datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
    assert scheduler.Schedule.parse("cron(*/15 * * * ? *)").next_after(moment) == datetime(
        2026, 11, 28, 10, 15, tzinfo=UTC
    )
    for bad in ("rate(0 minutes)", "rate(5 weeks)", "cron(1 2 3)", "every day"):
        with pytest.raises(ValueError):
            scheduler.Schedule.parse(bad)


def test_run_job_fires_the_handler_with_a_scheduled_event_at_the_given_time() -> None:
    app = Chalice(app_name="awaaz")
    seen: list[dict[str, Any]] = []

    @app.schedule(Rate(15, unit=Rate.MINUTES))
    def sweep_deadlines(event: Any) -> dict[str, str]:
        seen.append(event.to_dict())
        return {"time": event.time}

    jobs = scheduler.Scheduler(app, stage="local", region=REGION, account_id=ACCOUNT_ID)
    assert jobs.describe() == ["sweep_deadlines: rate(15 minutes)"]
    scheduler.set_active(jobs)
    try:
        assert scheduler.run_job("deadlines", "2026-12-20T15:00:00+05:00") == {"time": "2026-12-20T10:00:00Z"}
    finally:
        scheduler.set_active(None)
    event = seen[0]
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert event["account"] == ACCOUNT_ID and event["region"] == REGION and event["detail"] == {}
    assert event["resources"] == [f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/awaaz-local-sweep_deadlines"]
    with pytest.raises(KeyError):
        jobs.run_job("nope")
    with pytest.raises(ValueError):
        jobs.run_job("deadlines", "next tuesday")


# --- seed and outbox -------------------------------------------------------------------------


def test_demo_route_and_accounts_come_from_the_seed(tmp_path: Path) -> None:
    directory = json.loads(SEED.read_text(encoding="utf-8"))
    route = seed.demo_route(directory)
    rule = next(
        r
        for r in directory["routing_rules"]
        if r["category_id"] == "electricity-overbilling" and r["district_id"] == "lahore"
    )
    assert route.office_id == rule["office_id"]
    offices = {o["id"]: o for o in directory["offices"]}
    assert offices[route.office_id]["parent_id"] == route.parent_office_id

    accounts = seed.demo_accounts(route)
    path = tmp_path / "accounts.json"
    seed.write_accounts_file(path, accounts, route)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["demo_route"] == {
        "category_id": "electricity-overbilling",
        "district": "lahore",
        "office_id": route.office_id,
    }
    for entry in document["accounts"]:
        assert set(entry) <= {
            "role",
            "name",
            "username",
            "password",
            "office_id",
            "totp_secret",
            "supervisor",
            "triage",
        }
        assert ("totp_secret" in entry) == (entry["role"] != "citizen")  # staff type an authenticator code
    officers = {a["office_id"] for a in document["accounts"] if a["role"] == "officer"}
    assert officers == {route.office_id, route.parent_office_id, route.information_office_id}
    organisation = next(o for o in directory["organisations"] if o["id"] == route.organisation_id)
    assert organisation["information_office_id"] == route.information_office_id
    assert document["demo_information"] == {
        "organisation_id": route.organisation_id,
        "official_username": seed.DEMO_OFFICIAL,
    }


def test_masking() -> None:
    assert mask_phone("+923001234567") == "+92300*****67"
    assert mask_email("ali@example.pk") == "a***@example.pk"
    text = mask_text("Call 03001234567 or +923001234567, mail ali@example.pk, CNIC 35202-1234567-1 by 2026-12-18")
    assert "1234567" not in text and "ali@" not in text
    assert "2026-12-18" in text


def test_outbox_prints_new_messages_masked(aws: None, caplog: pytest.LogCaptureFixture) -> None:
    client("sns").publish(PhoneNumber="+923001111111", Message="sent before start")
    outbox = Outbox()
    client("sns").publish(PhoneNumber="+923001234567", Message="Your complaint C-1 was received")
    ses = client("ses")
    ses.verify_email_identity(EmailAddress="no-reply@example.pk")
    ses.send_email(
        Source="no-reply@example.pk",
        Destination={"ToAddresses": ["bilal@example.pk"]},
        Message={"Subject": {"Data": "Awaaz"}, "Body": {"Text": {"Data": "آپ کی شکایت موصول ہو گئی"}}},
    )
    with caplog.at_level(logging.INFO, logger="local.outbox"):
        outbox.poll()
        outbox.poll()  # nothing twice
    lines = [r.getMessage() for r in caplog.records if r.name == "local.outbox"]
    assert len(lines) == 2
    assert "+92300*****67" in lines[0] and "C-1 was received" in lines[0]
    assert "b***@example.pk" in lines[1] and "آپ کی شکایت" in lines[1]
    joined = "\n".join(lines)
    assert "+923001234567" not in joined and "bilal@" not in joined and "sent before start" not in joined


# --- the moto server under concurrent requests ------------------------------------------


def test_serialised_moto_runs_one_request_at_a_time_except_sqs() -> None:
    from local.motoserver import SerialisedMoto

    active: list[str] = []
    peak = {"dynamodb": 0}
    release = threading.Event()

    def fake_moto(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        active.append(target)
        if target.startswith("DynamoDB"):
            peak["dynamodb"] = max(peak["dynamodb"], sum(t.startswith("DynamoDB") for t in active))
            release.wait(0.2)
        active.remove(target)
        start_response("200 OK", [])
        return [b"ok"]

    app = SerialisedMoto(fake_moto, threading.RLock())
    results: list[list[bytes]] = []

    def call(target: str) -> None:
        results.append(app({"HTTP_X_AMZ_TARGET": target}, lambda *a: None))

    writers = [threading.Thread(target=call, args=("DynamoDB_20120810.TransactWriteItems",)) for _ in range(3)]
    for thread in writers:
        thread.start()
    sqs_started = time_of(lambda: call("AmazonSQS.ReceiveMessage"))
    release.set()
    for thread in writers:
        thread.join(5)
    assert peak["dynamodb"] == 1  # never two DynamoDB requests inside moto at once
    assert sqs_started < 0.15  # SQS (long polls) does not wait for the lock
    assert results.count([b"ok"]) == 4


def time_of(action: Any) -> float:
    import time

    began = time.monotonic()
    action()
    return time.monotonic() - began


PATCHED_MOTO_CHECK = """
import os
os.environ.update(AWS_DEFAULT_REGION="ap-south-1", AWS_ACCESS_KEY_ID="t", AWS_SECRET_ACCESS_KEY="t")
os.environ.pop("AWS_ENDPOINT_URL", None)
from local.motoserver import patch_moto
patch_moto()
import boto3
from moto import mock_aws
from moto.dynamodb.models.table import Table
with mock_aws():
    d = boto3.client("dynamodb")
    d.create_table(TableName="t", KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    d.put_item(TableName="t", Item={"PK": {"S": "old"}, "n": {"N": "1"}})
    d.transact_write_items(TransactItems=[{"Put": {"TableName": "t", "Item": {"PK": {"S": f"k{i}"}}}} for i in range(9)])
    assert all("Item" in d.get_item(TableName="t", Key={"PK": {"S": f"k{i}"}}) for i in range(9))
    try:
        d.transact_write_items(TransactItems=[
            {"Put": {"TableName": "t", "Item": {"PK": {"S": "new"}}}},
            {"Update": {"TableName": "t", "Key": {"PK": {"S": "old"}}, "UpdateExpression": "SET n = :two",
                        "ExpressionAttributeValues": {":two": {"N": "2"}}}},
            {"ConditionCheck": {"TableName": "t", "Key": {"PK": {"S": "k1"}},
                                "ConditionExpression": "attribute_not_exists(PK)"}},
        ])
        raise SystemExit("the transaction should have been cancelled")
    except d.exceptions.TransactionCanceledException:
        pass
    assert "Item" not in d.get_item(TableName="t", Key={"PK": {"S": "new"}}), "put not rolled back"
    assert d.get_item(TableName="t", Key={"PK": {"S": "old"}})["Item"]["n"] == {"N": "1"}, "update not rolled back"
    d.create_table(TableName="r", KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"},
                                             {"AttributeName": "SK", "KeyType": "RANGE"}],
                   AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"},
                                         {"AttributeName": "SK", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    d.put_item(TableName="r", Item={"PK": {"S": "p"}, "SK": {"S": "a"}, "n": {"N": "1"}})
    try:
        d.transact_write_items(TransactItems=[
            {"Put": {"TableName": "r", "Item": {"PK": {"S": "p"}, "SK": {"S": "b"}}}},
            {"Put": {"TableName": "t", "Item": {"PK": {"S": "other"}}}},
            {"Delete": {"TableName": "r", "Key": {"PK": {"S": "p"}, "SK": {"S": "a"}}}},
            {"Update": {"TableName": "r", "Key": {"PK": {"S": "q"}, "SK": {"S": "a"}}, "UpdateExpression": "SET n = :n",
                        "ExpressionAttributeValues": {":n": {"N": "5"}}, "ConditionExpression": "attribute_exists(PK)"}},
        ])
        raise SystemExit("the transaction should have been cancelled")
    except d.exceptions.TransactionCanceledException:
        pass
    left = d.query(TableName="r", KeyConditionExpression="PK = :p", ExpressionAttributeValues={":p": {"S": "p"}})
    assert [i["SK"]["S"] for i in left["Items"]] == ["a"], "range-key items not rolled back"
    assert left["Items"][0]["n"] == {"N": "1"}, "deleted item not put back as it was"
    assert "Item" not in d.get_item(TableName="t", Key={"PK": {"S": "other"}}), "the other table's put not rolled back"
    assert "Item" not in d.get_item(TableName="r", Key={"PK": {"S": "q"}, "SK": {"S": "a"}}), "update not rolled back"
    assert not getattr(Table, "instances_tracked", []), "moto still tracks instances"
print("ok")
"""


def test_patched_moto_still_rolls_transactions_back() -> None:
    """patch_moto changes moto process-wide, so it is checked in a child process."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    done = subprocess.run(
        [sys.executable, "-c", PATCHED_MOTO_CHECK], cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


def test_a_query_that_reads_only_its_partition_answers_as_moto_does(aws: None) -> None:
    # Given a table with a keys-only and an ALL index, items spread over partitions

    from moto.dynamodb.models.table import Table

    from local import motoserver

    motoserver._query_one_partition()
    fast, slow = Table.query, motoserver._ORIGINAL_QUERY[0]
    try:
        _compare_queries(fast, slow)
    finally:  # this process's other tests write without the server's write count: moto's own query for them
        Table.query = slow  # type: ignore[method-assign]
        motoserver._ORIGINAL_QUERY.clear()
        motoserver._maps.clear()


def _compare_queries(fast: Any, slow: Any) -> None:
    import random

    from moto.dynamodb.models.table import Table

    from local import motoserver

    ddb = client("dynamodb")
    key = lambda n: {"AttributeName": n, "AttributeType": "S"}  # noqa: E731
    ddb.create_table(
        TableName="q",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[key("PK"), key("SK"), key("G"), key("GS")],
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": name,
                "KeySchema": [{"AttributeName": "G", "KeyType": "HASH"}, {"AttributeName": "GS", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": projection},
            }
            for name, projection in (("KEYS", "KEYS_ONLY"), ("ALL", "ALL"))
        ],
    )
    rng = random.Random(7)
    for n in range(600):
        item = {"PK": {"S": f"P{n % 13}"}, "SK": {"S": f"{rng.randrange(10_000):05d}"}, "x": {"S": str(n)}}
        if n % 4:
            item |= {"G": {"S": f"G{n % 5}"}, "GS": {"S": f"{rng.randrange(1000):04d}#{n}"}}
        ddb.put_item(TableName="q", Item=item)

    def ask(**query: Any) -> list[Any]:
        pages, start = [], None
        while True:
            extra: dict[str, Any] = {"ExclusiveStartKey": start} if start else {}
            out = ddb.query(TableName="q", Limit=17, **query, **extra)
            pages.append(out["Items"])
            start = out.get("LastEvaluatedKey")
            if not start:
                return pages

    queries: list[dict[str, Any]] = [
        {"KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "P3"}}},
        {"IndexName": "KEYS", "KeyConditionExpression": "G = :g", "ExpressionAttributeValues": {":g": {"S": "G2"}}},
        {
            "IndexName": "ALL",
            "KeyConditionExpression": "G = :g AND GS BETWEEN :a AND :b",
            "ExpressionAttributeValues": {":g": {"S": "G1"}, ":a": {"S": "0100"}, ":b": {"S": "0700"}},
            "ScanIndexForward": False,
        },
    ]
    for query in queries:
        # When it is asked page by page with the patch, between writes, and without it
        Table.query = fast  # type: ignore[method-assign]
        motoserver._writes[0] += 1
        patched = ask(**query)
        Table.query = slow  # type: ignore[method-assign]
        try:
            plain = ask(**query)
        finally:
            Table.query = fast  # type: ignore[method-assign]
        # Then the answers are the same, page for page
        assert patched == plain and sum(map(len, plain)) > 17, query


# --- the HTTP servers under simultaneous connections ----------------------------------


def _busy_then_serving(server: Any, url: str, body: Any = None) -> dict[str, int]:
    """50 clients connect and send at once while the server is not yet accepting; then it serves.

    Each connection waits in the kernel's listen queue until accepted: with socketserver's
    backlog of 5, of 50 POSTs with a body 35 were reset (GETs were only delayed, by SYN
    retransmissions), with the stack's backlog every one is answered.
    """
    import time

    from bench.run import simultaneous_connections

    got: dict[str, dict[str, int]] = {}
    asking = threading.Thread(target=lambda: got.update(answer=simultaneous_connections(url, 50, body)))
    asking.start()
    time.sleep(0.5)  # the connections arrive while nothing accepts them (not a timing assertion)
    serving = threading.Thread(target=lambda: server.serve_forever(poll_interval=0.05), daemon=True)
    serving.start()
    asking.join(120)
    server.shutdown()
    server.server_close()
    serving.join(5)
    return got["answer"]


def test_the_api_server_answers_50_simultaneous_connections() -> None:
    from chalice.config import Config
    from chalice.local import LocalDevServer

    from local.gateway import ApiServer
    from local.web import LISTEN_BACKLOG

    app = Chalice("backlog")

    @app.route("/echo", methods=["POST"])
    def echo() -> dict[str, Any]:
        request = app.current_request
        return {"got": request.json_body if request is not None else None}

    config = Config.create(chalice_app=app, app_name="backlog", chalice_stage="local")
    server = LocalDevServer(app, config, "127.0.0.1", 0, server_cls=ApiServer)
    assert server.server.request_queue_size == LISTEN_BACKLOG >= 128
    assert server.server.daemon_threads  # a client holding a connection open never delays a stop
    port = server.server.server_address[1]
    got = _busy_then_serving(server.server, f"http://127.0.0.1:{port}/echo", {"text": "x" * 2000})
    assert got["ok"] == 50, got


def test_the_web_server_answers_50_simultaneous_connections(tmp_path: Path) -> None:
    from local.web import WebServer

    (tmp_path / "index.html").write_text("<!doctype html><title>t</title>")
    from local.web import LISTEN_BACKLOG

    web = WebServer(tmp_path, "127.0.0.1", 0, {"apiBaseUrl": "http://127.0.0.1:1"})
    assert web.server.request_queue_size == LISTEN_BACKLOG >= 128
    assert web.server.daemon_threads
    port = web.server.server_address[1]
    got = _busy_then_serving(web.server, f"http://127.0.0.1:{port}/")
    assert got["ok"] == 50, got


IN_PROCESS_CHECK = """
import os, threading
os.environ.update(AWS_DEFAULT_REGION="ap-south-1", AWS_ACCESS_KEY_ID="t", AWS_SECRET_ACCESS_KEY="t")
import boto3
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from local import inprocess
from local.motoserver import SerialisedMoto, patch_moto
patch_moto()
endpoint = "http://127.0.0.1:9"  # nothing listens there: an answer can only come in-process
inprocess.install(SerialisedMoto(DomainDispatcherApplication(create_backend_app), threading.RLock()), endpoint)
session = boto3.session.Session()
d = session.client("dynamodb", endpoint_url=endpoint)
d.create_table(TableName="t", KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
               AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
d.put_item(TableName="t", Item={"PK": {"S": "k"}, "text": {"S": "اردو"}})
assert d.get_item(TableName="t", Key={"PK": {"S": "k"}})["Item"]["text"] == {"S": "اردو"}
try:
    d.get_item(TableName="missing", Key={"PK": {"S": "k"}})
    raise SystemExit("a missing table should be an error")
except d.exceptions.ResourceNotFoundException:
    pass
s3 = session.client("s3", endpoint_url=endpoint)
s3.create_bucket(Bucket="bucket-one", CreateBucketConfiguration={"LocationConstraint": "ap-south-1"})
s3.put_object(Bucket="bucket-one", Key="models/a b+c.json", Body=b"x" * 100000)
assert s3.get_object(Bucket="bucket-one", Key="models/a b+c.json")["Body"].read() == b"x" * 100000
assert s3.head_object(Bucket="bucket-one", Key="models/a b+c.json")["ContentLength"] == 100000
sqs = session.client("sqs", endpoint_url=endpoint)
url = sqs.create_queue(QueueName="q")["QueueUrl"]
sqs.send_message(QueueUrl=url, MessageBody="hello")
assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"][0]["Body"] == "hello"
other = session.client("dynamodb", endpoint_url="http://127.0.0.1:10", config=__import__("botocore.config").config.Config(
    retries={"max_attempts": 1}, connect_timeout=1))
try:
    other.list_tables()
    raise SystemExit("another endpoint must not be answered in-process")
except Exception as exc:
    assert "Could not connect" in str(exc), exc
print("ok")
"""


def test_the_stacks_own_calls_reach_moto_in_process() -> None:
    """local/inprocess.py: the calls of the stack's clients are answered without HTTP, exactly as moto answers them."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    done = subprocess.run(
        [sys.executable, "-c", IN_PROCESS_CHECK], cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
