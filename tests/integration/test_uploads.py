"""Attachments end to end: presign over HTTP, POST the file to S3 (moto), attach it to a complaint."""

from __future__ import annotations

import base64
import json
from typing import Any

import requests

from chalicelib.aws import client as _client
from tests.harness import Stack
from tests.integration.test_journey import complaint_body

PDF = b"%PDF-1.4\n% a two-line bill\n"


def presign(stack: Stack, token: str | None, **overrides: object) -> Any:
    body: dict[str, object] = {"filename": "bill.pdf", "content_type": "application/pdf", "size": len(PDF)}
    body.update(overrides)
    return stack.post("/v1/uploads", body, token=token)


def counting_dynamodb_calls(calls: list[str]) -> None:
    def count(event_name: str, **_: Any) -> None:
        calls.append(event_name.rsplit(".", 1)[-1])

    _client("dynamodb").meta.events.register("before-call.dynamodb", count, unique_id="count-uploads")


def test_a_citizen_uploads_a_file_and_attaches_it_to_a_complaint(stack: Stack) -> None:
    # Given a signed-in citizen
    citizen = stack.login("citizen")
    calls: list[str] = []
    counting_dynamodb_calls(calls)
    try:
        # When they ask to upload a PDF
        presigned = presign(stack, citizen)
    finally:
        _client("dynamodb").meta.events.unregister("before-call.dynamodb", unique_id="count-uploads")
    # Then they get a presigned POST for their own key, after exactly one DynamoDB write (and the
    # authorizer's read of the caller's revocation marker, which API Gateway caches for 60 s per token)
    assert presigned.status == 201, presigned.body
    out = presigned.json
    assert calls == ["GetItem", "TransactWriteItems"]
    assert out["max_bytes"] == len(PDF)
    key = out["fields"]["key"]
    assert key.startswith("uploads/") and key.endswith(f"/{out['upload_id']}")
    policy = json.loads(base64.b64decode(out["fields"]["policy"]))
    conditions = policy["conditions"]
    assert ["content-length-range", 1, len(PDF)] in conditions
    assert {"Content-Type": "application/pdf"} in conditions and {"key": key} in conditions
    # And the file can be POSTed to S3 with that form
    sent = requests.post(out["url"], data=out["fields"], files={"file": ("bill.pdf", PDF)}, timeout=10)
    assert sent.status_code in (200, 201, 204), sent.text
    stored = _client("s3").get_object(Bucket=stack.resources["ATTACHMENTS_BUCKET"], Key=key)
    assert stored["Body"].read() == PDF and stored["ContentType"] == "application/pdf"
    # When they file a complaint with the upload id, Then the case lists it
    filed = stack.post("/v1/complaints", complaint_body(stack, attachments=[out["upload_id"]]), token=citizen)
    assert filed.status == 201, filed.body
    tracked = stack.get(f"/v1/complaints/{filed.json['id']}", token=citizen).json
    assert tracked["attachments"] == [out["upload_id"]]


def test_another_citizens_upload_cannot_be_attached(stack: Stack) -> None:
    theirs = presign(stack, stack.login("citizen2")).json["upload_id"]
    refused = stack.post("/v1/complaints", complaint_body(stack, attachments=[theirs]), token=stack.login("citizen"))
    assert refused.status == 400, refused.body
    assert [d["field"] for d in refused.json["error"]["details"]] == ["attachments"]
    assert "unknown upload id" in refused.json["error"]["details"][0]["problem"]


def test_too_large_a_file_or_a_type_not_allowed_is_a_400_naming_the_field(stack: Stack) -> None:
    citizen = stack.login("citizen")
    for field, value in (("size", 12 * 1024 * 1024), ("content_type", "text/html")):
        refused = presign(stack, citizen, **{field: value})
        assert refused.status == 400, refused.body
        assert [d["field"] for d in refused.json["error"]["details"]] == [field]
    unknown = presign(stack, citizen, acl="public-read")
    assert unknown.status == 400 and unknown.json["error"]["details"][0]["field"] == "acl"
    assert presign(stack, None).status == 401


def test_an_officer_uploads_evidence_for_a_resolution(stack: Stack) -> None:
    filed = stack.post("/v1/complaints", complaint_body(stack), token=stack.login("citizen"))
    assert stack.run_route_worker() == 1
    officer = stack.login("officer")
    path = f"/v1/officer/cases/{filed.json['id']}/actions"
    citizens = presign(stack, stack.login("citizen")).json["upload_id"]
    body = {"action": "resolve", "outcome": "relief_granted", "note": "Bill corrected.", "attachments": [citizens]}
    assert stack.post(path, body, token=officer).status == 400
    own = presign(stack, officer, filename="corrected-bill.png", content_type="image/png").json["upload_id"]
    resolved = stack.post(path, {**body, "attachments": [own]}, token=officer)
    assert resolved.status == 200, resolved.body
    assert resolved.json["status"] == "resolved"
