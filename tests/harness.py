"""An in-process Awaaz: moto (mock_aws) provisioned from infra/, seeded, driven through chalice.test.Client.

Used by the integration tests and by `make bench`.
"""

from __future__ import annotations

import contextlib
import contextvars
import gzip
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
REGION = "ap-south-1"
PASSWORD = "Awaaz-test-2026"
SENDER_EMAIL = "notifications@awaaz.example.pk"
SETTINGS = (
    "TABLE_NAME",
    "INTAKE_QUEUE_URL",
    "NOTIFICATIONS_QUEUE_URL",
    "DUE_QUEUE_URL",
    "INTAKE_DLQ_URL",
    "NOTIFICATIONS_DLQ_URL",
    "DUE_DLQ_URL",
    "ATTACHMENTS_BUCKET",
    "MODELS_BUCKET",
    "ARCHIVE_BUCKET",
    "USER_POOL_ID",
    "USER_POOL_CLIENT_ID",
    "STAFF_POOL_ID",
    "STAFF_POOL_CLIENT_ID",
    "PII_SECRET_ARN",
)


def _moto_jwks() -> dict[str, dict[str, Any]]:
    """moto's public signing keys; in process nothing serves them over HTTP."""
    import moto.cognitoidp

    path = Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-public.json.gz"
    document = json.loads(gzip.decompress(path.read_bytes()))
    return {k["kid"]: k for k in document["keys"]}


class _StaticJwks:
    def __init__(self, url: str = "") -> None:
        self._keys = _moto_jwks()

    def key(self, kid: str) -> dict[str, Any] | None:
        return self._keys.get(kid)


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str]

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Stack:
    client: Any
    resources: dict[str, str]
    demo_route: dict[str, str]
    supervisor_office_id: str
    other_office_id: str
    tokens: dict[str, str] = field(default_factory=dict)
    subs: dict[str, str] = field(default_factory=dict)

    # --- HTTP --------------------------------------------------------------

    def request(
        self, method: str, path: str, body: bytes = b"", token: str | None = None, headers: dict[str, str] | None = None
    ) -> Reply:
        sent = {"content-type": "application/json", **{k.lower(): v for k, v in (headers or {}).items()}}
        if token:
            sent["authorization"] = f"Bearer {token}"
        marker = _FUNCTION.set("api")
        _each_call_reads_its_keys()
        try:
            response = self.client.http.request(method, path, headers=sent, body=body)
        finally:
            _FUNCTION.reset(marker)
        return Reply(response.status_code, response.body, dict(response.headers))

    def get(self, path: str, token: str | None = None, headers: dict[str, str] | None = None) -> Reply:
        return self.request("GET", path, token=token, headers=headers)

    def post(self, path: str, body: Any, token: str | None = None, headers: dict[str, str] | None = None) -> Reply:
        return self.request("POST", path, json.dumps(body).encode(), token=token, headers=headers)

    def post_raw(self, path: str, body: bytes, token: str | None = None) -> Reply:
        return self.request("POST", path, body, token=token)

    # --- accounts ----------------------------------------------------------

    def _create_account(self, username: str, group: str, office_id: str | None = None, language: str = "en") -> str:
        """An account as `make run` seeds its demo accounts: staff in the staff pool with an authenticator
        enrolled and their sign-in marker, a profile (contacts, language, channels), office staff. Returns its sub."""
        from chalicelib.logic import pii
        from chalicelib.logic.identity import new_profile
        from chalicelib.store import people
        from chalicelib.wiring import services
        from local.seed import enrol_authenticator

        cognito = _client("cognito-idp")
        staff = group != "citizen"
        pool = self.resources["STAFF_POOL_ID" if staff else "USER_POOL_ID"]
        attributes = [{"Name": "name", "Value": username.split("@")[0]}, {"Name": "custom:language", "Value": language}]
        if "@" in username:
            attributes.append({"Name": "email", "Value": username})
        if office_id:
            attributes.append({"Name": "custom:office_id", "Value": office_id})
        cognito.admin_create_user(
            UserPoolId=pool, Username=username, MessageAction="SUPPRESS", UserAttributes=attributes
        )
        cognito.admin_set_user_password(UserPoolId=pool, Username=username, Password=PASSWORD, Permanent=True)
        cognito.admin_add_user_to_group(UserPoolId=pool, Username=username, GroupName=group)
        app = services()
        if staff:
            enrol_authenticator(pool, self.resources["STAFF_POOL_CLIENT_ID"], username, PASSWORD)
            people.mark_staff(app.table, pii.username_digest(username, app.pii_keys()))
        user = cognito.admin_get_user(UserPoolId=pool, Username=username)
        sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
        email = username if "@" in username else None
        profile = new_profile(
            app,
            sub,
            "ur" if language == "ur" else "en",
            phone=None,
            email=email,
            username=username,
            pool="staff" if staff else "citizens",
        )
        if office_id:
            profile["office_id"] = office_id
        people.put_profile(app.table, profile)
        if office_id:
            people.add_staff(app.table, office_id, sub)
        return str(sub)

    def sign_in(self, username: str, password: str = PASSWORD, source: str | None = None) -> Reply:
        """Sign in over the API as a person would: the password, then for staff the authenticator code."""
        from local.totp import fresh_code

        headers = {"x-forwarded-for": source} if source else None
        reply = self.post("/v1/auth/login", {"username": username, "password": password}, headers=headers)
        if reply.status == 200 and reply.json.get("challenge") == "mfa":
            answer = {"username": username, "session": reply.json["session"], "challenge": "mfa", "code": fresh_code()}
            reply = self.post("/v1/auth/challenge", answer, headers=headers)
        return reply

    def sent_code(self, destination: str) -> str:
        """The code in the last SMS or e-mail the API sent to `destination` (as a person reads it on their phone)."""
        import re

        from local.outbox import sent_texts

        texts = [text for to, text in sent_texts() if to == destination]
        assert texts, f"nothing was sent to {destination}"
        found = re.search(r"\b([0-9]{6})\b", texts[-1])
        assert found, texts[-1]
        return found.group(1)

    def _token(self, username: str) -> str:
        reply = self.sign_in(username)
        assert reply.status == 200, reply.body
        return str(reply.json["id_token"])

    def login(self, role: str) -> str:
        """A token for one of the stack's standing accounts: citizen, citizen2, officer, supervisor, admin,
        org_admin (an admin of the demo office's organisation)."""
        if role not in self.tokens:
            offices = {
                "officer": self.demo_route["office_id"],
                "supervisor": self.supervisor_office_id,
                "org_admin": self.demo_route["office_id"],
            }
            group = "citizen" if role.startswith("citizen") else (role if role in ("admin", "org_admin") else "officer")
            username = f"{role}@example.pk"
            self.subs[role] = self._create_account(
                username, group, offices.get(role), language="ur" if role == "citizen2" else "en"
            )
            self.tokens[role] = self._token(username)
        return self.tokens[role]

    def login_officer_of(self, office_id: str) -> str:
        key = f"officer:{office_id}"
        if key not in self.tokens:
            username = f"officer.{office_id}@example.pk"
            self.subs[key] = self._create_account(username, "officer", office_id)
            self.tokens[key] = self._token(username)
        return self.tokens[key]

    # --- workers -----------------------------------------------------------

    def run_route_worker(self) -> int:
        """Deliver what waits on the intake queue to `route_intake` as Lambda would; return how many."""
        return self._pump("INTAKE_QUEUE_URL", "awaaz-intake", "route_intake")

    def run_notify_worker(self) -> int:
        """Deliver what waits on the notifications queue to `send_notifications`; return how many."""
        return self._pump("NOTIFICATIONS_QUEUE_URL", "awaaz-notifications", "send_notifications")

    def _pump(self, url_setting: str, queue_name: str, handler: str) -> int:
        sqs = _client("sqs")
        url = self.resources[url_setting]
        delivered = 0
        while True:
            got = sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0, AttributeNames=["ApproximateReceiveCount"]
            ).get("Messages", [])
            if not got:
                return delivered
            event = self.client.events.generate_sqs_event(
                message_bodies=[m["Body"] for m in got], queue_name=queue_name
            )
            for record, message in zip(event["Records"], got, strict=True):
                record["messageId"] = message["MessageId"]
                record["receiptHandle"] = message["ReceiptHandle"]  # a worker may change its visibility
                record["attributes"]["ApproximateReceiveCount"] = message["Attributes"]["ApproximateReceiveCount"]
            result = self.invoke(handler, event)
            failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}
            for message in got:
                if message["MessageId"] not in failed:
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                    delivered += 1
            if failed:
                return delivered

    def run_due_worker(self) -> int:
        """Deliver what waits on the sweeper's due queue to `sweep_due_cases`; return how many messages."""
        return self._pump("DUE_QUEUE_URL", "awaaz-due", "sweep_due_cases")

    def run_finder(self, minutes_from_now: float = 0) -> dict[str, int]:
        """One tick of the scheduled sweeper (the finder) as if the clock read now + `minutes_from_now`."""
        at = datetime.now(UTC) + timedelta(minutes=minutes_from_now)
        event = self.client.events.generate_cw_event("aws.events", "Scheduled Event", {}, [])
        event["time"] = at.isoformat().replace("+00:00", "Z")
        payload: dict[str, int] = self.invoke("sweep_deadlines", event)
        return payload

    def run_sweeper(self, minutes_from_now: float = 0) -> dict[str, int]:
        """A tick of the sweeper as deployed: the finder, then the due-queue worker until the queue is empty.

        Returns the finder's report (found, enqueued, ...) and the worker's tallies summed over its batches
        (reminded, escalated, ...), as its "sweep finished" log lines give them.
        """
        with worker_tallies() as tallies:
            found = self.run_finder(minutes_from_now)
            self.run_due_worker()
        return {**found, **tallies}

    def invoke(self, handler: str, event: dict[str, Any]) -> Any:
        """Invoke one of the app's functions as Lambda would, with the timeout it has when deployed (chalice's
        test client gives every function 3 s); its AWS calls are its own (`recording_calls`)."""
        from functools import partial
        from unittest import mock

        from chalice.local import LambdaContext

        context = partial(LambdaContext, max_runtime_ms=deployed_timeout_seconds(handler) * 1000)
        marker = _FUNCTION.set(handler)
        _each_call_reads_its_keys()
        try:
            with mock.patch("chalice.test.LambdaContext", context):
                return self.client.lambda_.invoke(handler, event).payload
        finally:
            _FUNCTION.reset(marker)

    @contextlib.contextmanager
    def intake_broken(self) -> Iterator[None]:
        """The intake queue refuses messages for a while (as during an SQS outage)."""
        from botocore.exceptions import EndpointConnectionError

        sqs = _client("sqs")

        def refuse(**_: Any) -> None:
            raise EndpointConnectionError(endpoint_url="https://sqs.unreachable")

        sqs.meta.events.register("before-call.sqs.SendMessage", refuse, unique_id="intake-broken")
        try:
            yield
        finally:
            sqs.meta.events.unregister("before-call.sqs.SendMessage", unique_id="intake-broken")


@contextlib.contextmanager
def worker_tallies() -> Iterator[dict[str, int]]:
    """The sweeper worker's tallies ("sweep finished" log lines), summed while the block runs."""
    import logging

    from chalicelib.logic.sweeper import SweepReport

    summed: dict[str, int] = dict.fromkeys(SweepReport().as_dict(), 0)

    class Tally(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage() == "sweep finished":
                for name in summed:
                    summed[name] += int(getattr(record, name, 0) or 0)

    handler = Tally(level=logging.INFO)
    awaaz = logging.getLogger("awaaz")
    level = awaaz.level
    awaaz.addHandler(handler)
    awaaz.setLevel(min(level or logging.INFO, logging.INFO))
    try:
        yield summed
    finally:
        awaaz.removeHandler(handler)
        awaaz.setLevel(level)


# The services the app's functions call (chalicelib/aws.py's clients), and their IAM prefixes.
IAM_PREFIX = {
    "dynamodb": "dynamodb",
    "sqs": "sqs",
    "s3": "s3",
    "sns": "sns",
    "ses": "ses",
    "cognito-idp": "cognito-idp",
    "cloudwatch": "cloudwatch",
    "secretsmanager": "secretsmanager",
}
# TransactWriteItems needs no IAM action of its own: each item needs its own.
_TRANSACT_ACTION = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}
# S3 operations IAM authorises under another action's name.
_S3_ACTION = {"HeadObject": "GetObject", "ListObjectsV2": "ListBucket", "ListObjects": "ListBucket"}
_FUNCTION: contextvars.ContextVar[str | None] = contextvars.ContextVar("awaaz_function", default=None)
# ARNs are written with these in place of the region and account (tests/iam.py writes a policy's the same way).
ARN_REGION, ARN_ACCOUNT = "REGION", "ACCOUNT"


@dataclass(frozen=True)
class Call:
    """One AWS call a function made, as IAM judges it: the action and the ARN it touched.

    Resources are named by their logical ids in the template (`table/Table`, not the provisioned name),
    so they compare with a policy's; `*` is a call IAM authorises on no resource (an SMS, a metric read).
    """

    action: str
    resource: str


def _each_call_reads_its_keys() -> None:
    """Forget the PII keyring read so far: each function's first use of personal data reads it, as in its own
    container, so the IAM check sees which functions read it (one process serves them all here)."""
    from chalicelib import wiring

    keys = wiring.services().pii_keys
    if hasattr(keys, "forget"):
        keys.forget()


def deployed_timeout_seconds(handler: str) -> int:
    """A function's timeout in the deployed stage (.chalice/config.json `prod`): its own, or the stage's."""
    prod = json.loads((REPO / ".chalice" / "config.json").read_text())["stages"]["prod"]
    return int(prod.get("lambda_functions", {}).get(handler, {}).get("lambda_timeout", prod["lambda_timeout"]))


def logical_names() -> dict[str, str]:
    """Each provisioned resource's name (as the functions' settings give it) → its logical id in the template."""
    build = json.loads((REPO / "infra" / "functions.json").read_text())["Metadata"]["Awaaz::Build"]
    names: dict[str, str] = {}
    for variable, value in build["CommonEnvironment"].items():
        given = os.environ.get(variable)
        if given and isinstance(value, dict) and "Ref" in value:
            names[given] = value["Ref"]
            names[given.rsplit("/", 1)[-1]] = value["Ref"]  # a queue's URL → its name
    return names


def iam_calls(service: str, operation: str, params: dict[str, Any], names: dict[str, str]) -> list[Call]:
    """What IAM authorises for one API call (a transaction: each item's own action), on which ARN."""

    def named(value: str) -> str:
        return names.get(value, value)

    if service == "dynamodb":
        if operation in ("TransactWriteItems", "TransactGetItems"):
            found = []
            for item in params.get("TransactItems", []):
                for kind, body in item.items():
                    action = "GetItem" if kind == "Get" else _TRANSACT_ACTION[kind]
                    found.append(Call(f"dynamodb:{action}", _table_arn(named(body["TableName"]))))
            return found
        if operation == "BatchGetItem" or operation == "BatchWriteItem":
            return [Call(f"dynamodb:{operation}", _table_arn(named(t))) for t in params.get("RequestItems", {})]
        arn = _table_arn(named(params.get("TableName", "")))
        index = params.get("IndexName")
        return [Call(f"dynamodb:{operation}", f"{arn}/index/{index}" if index else arn)]
    if service == "sqs":
        queue = f"arn:aws:sqs:{ARN_REGION}:{ARN_ACCOUNT}:{named(params.get('QueueUrl', '').rsplit('/', 1)[-1])}"
        return [Call(f"sqs:{operation.removesuffix('Batch')}", queue)]  # a batch is authorised as its single form
    if service == "s3":
        action = _S3_ACTION.get(operation, operation)
        bucket = f"arn:aws:s3:::{named(params.get('Bucket', ''))}"
        return [Call(f"s3:{action}", bucket if action == "ListBucket" else f"{bucket}/{params.get('Key', '')}")]
    if service == "cognito-idp" and "UserPoolId" in params:
        pool = f"arn:aws:cognito-idp:{ARN_REGION}:{ARN_ACCOUNT}:userpool/{named(params['UserPoolId'])}"
        return [Call(f"cognito-idp:{operation}", pool)]
    if service == "ses" and "Source" in params:
        sender = str(params["Source"]).rsplit("<", 1)[-1].rstrip(">")
        return [
            Call(f"ses:{operation}", f"arn:aws:ses:{ARN_REGION}:{ARN_ACCOUNT}:identity/{sender.rsplit('@', 1)[-1]}")
        ]
    if service == "secretsmanager" and "SecretId" in params:
        secret = named(str(params["SecretId"]))
        return [
            Call(f"secretsmanager:{operation}", f"arn:aws:secretsmanager:{ARN_REGION}:{ARN_ACCOUNT}:secret:{secret}")
        ]
    if service == "sns" and "TopicArn" in params:
        topic = f"arn:aws:sns:{ARN_REGION}:{ARN_ACCOUNT}:{named(str(params['TopicArn']).rsplit(':', 1)[-1])}"
        return [Call(f"sns:{operation}", topic)]
    return [Call(f"{IAM_PREFIX[service]}:{operation}", "*")]  # an SMS to a number, a metric read: no resource


def _table_arn(table: str) -> str:
    return f"arn:aws:dynamodb:{ARN_REGION}:{ARN_ACCOUNT}:table/{table}"


@contextlib.contextmanager
def recording_calls() -> Iterator[dict[str, set[Call]]]:
    """Every AWS call made while the block runs, by the function making it (`Stack.invoke` and `Stack.request`)."""
    from chalicelib import aws

    made: dict[str, set[Call]] = {}

    def record(
        model: Any, params: dict[str, Any] | None = None, context: dict[str, Any] | None = None, **_: Any
    ) -> None:
        function = _FUNCTION.get()
        if function is None:
            return  # the test itself (seeding, reading back), not a function
        if model.auth_type == "none":
            return  # a call authorised by the caller's own token (Cognito's sign-in steps), not by IAM
        names = logical_names()
        if (context or {}).get("is_presign_request") and model.name == "CreateBucket":
            # generate_presigned_post signs against a stand-in operation: the upload it allows is a PutObject
            bucket = names.get((params or {}).get("Bucket", ""), "?")
            calls = [Call("s3:PutObject", f"arn:aws:s3:::{bucket}/presigned-upload")]
        else:
            calls = iam_calls(model.service_model.service_name, model.name, params or {}, names)
        made.setdefault(function, set()).update(calls)

    clients = [aws.client(s) for s in IAM_PREFIX]
    for c in clients:
        c.meta.events.register("before-parameter-build.*.*", record, unique_id=f"iam-record-{id(made)}")
    try:
        yield made
    finally:
        for c in clients:
            c.meta.events.unregister("before-parameter-build.*.*", unique_id=f"iam-record-{id(made)}")


def _client(service: str) -> Any:
    from chalicelib import aws

    return aws.client(service)


def test_environment() -> dict[str, str]:
    return {
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "STAGE": "test",
        "POWERTOOLS_METRICS_NAMESPACE": "Awaaz",
        "POWERTOOLS_SERVICE_NAME": "awaaz",
        "SENDER_EMAIL": SENDER_EMAIL,
        # moto checks staff authenticator codes for real (one fixed key: local/totp.py).
        "MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP": "true",
    }


@contextlib.contextmanager
def running_stack() -> Iterator[Stack]:
    """Moto in process, the resources of infra/resources.json, the seeded directory, the app."""
    from chalice.test import Client
    from moto import mock_aws

    from chalicelib import aws, wiring
    from chalicelib.models.directory import DirectorySnapshot
    from chalicelib.models.holidays import HolidaySeed
    from chalicelib.store.directory import write_snapshot
    from chalicelib.store.holidays import seed_missing_years
    from chalicelib.store.table import DynamoTable
    from local import gateway
    from local.motoserver import patch_cognito
    from local.provision import provision

    gateway.install()
    patch_cognito()
    saved = dict(os.environ)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.update(test_environment())
    wiring.reset()
    try:
        with mock_aws():
            provisioned = provision(
                REPO / "infra" / "resources.json",
                aws.client,
                stack_name="awaaz-test",
                region=REGION,
                account_id="123456789012",
            )
            resources = {k: v for k, v in provisioned.environment.items() if k in SETTINGS}
            os.environ.update(resources)
            wiring.reset()
            snapshot = DirectorySnapshot.model_validate_json((REPO / "infra" / "seed" / "directory.json").read_text())
            aws.client("ses").verify_email_identity(EmailAddress=SENDER_EMAIL)
            table = DynamoTable(resources["TABLE_NAME"], aws.client("dynamodb"))
            write_snapshot(table, snapshot)
            holidays = HolidaySeed.model_validate_json((REPO / "infra" / "seed" / "holidays.json").read_text())
            seed_missing_years(table, holidays)
            demo = _demo_route(snapshot)
            offices = {o.id: o for o in snapshot.offices}
            supervisor = offices[demo["office_id"]].parent_id or demo["office_id"]
            other = next(
                o.id for o in snapshot.offices if o.organisation_id != offices[demo["office_id"]].organisation_id
            )
            import app as application

            original_jwks = wiring.jwks
            setattr(wiring, "jwks", _StaticJwks)  # noqa: B010 (swap the JWKS source for moto's keys)
            try:
                with Client(application.app, stage_name="local", project_dir=str(REPO)) as client:
                    yield Stack(client, resources, demo, supervisor, other)
            finally:
                setattr(wiring, "jwks", original_jwks)  # noqa: B010
    finally:
        os.environ.clear()
        os.environ.update(saved)
        wiring.reset()


def _demo_route(snapshot: Any) -> dict[str, str]:
    rule = next(
        r for r in snapshot.routing_rules if (r.category_id, r.district_id) == ("electricity-overbilling", "lahore")
    )
    return {"category_id": rule.category_id, "district": rule.district_id, "office_id": rule.office_id}
