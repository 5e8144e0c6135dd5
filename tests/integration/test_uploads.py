"""Attachments end to end: presign over HTTP, POST the file to S3 (moto), attach it to a complaint."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

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
    assert [a["id"] for a in tracked["attachments"]] == [out["upload_id"]]


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
    own = presign(stack, officer, filename="corrected-bill.pdf").json
    sent = requests.post(own["url"], data=own["fields"], files={"file": ("corrected-bill.pdf", PDF)}, timeout=10)
    assert sent.status_code in (200, 201, 204), sent.text
    resolved = stack.post(path, {**body, "attachments": [own["upload_id"]]}, token=officer)
    assert resolved.status == 200, resolved.body
    assert resolved.json["status"] == "resolved"
    # And the citizen opens the evidence from their case
    tracked = stack.get(f"/v1/complaints/{filed.json['id']}", token=stack.login("citizen")).json
    (shown,) = tracked["attachments"]
    assert shown["filename"] == "corrected-bill.pdf" and requests.get(shown["url"], timeout=10).content == PDF


# A 1×1 JPEG: the smallest photo a browser draws.
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////"
    "////////////////////////////2wBDAf//////////////////////////////////////////////////////////"
    "////////////////////////////wAARCAABAAEDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAP/xAAUEAEAAAAA"
    "AAAAAAAAAAAAAAAA/8QAFAEBAAAAAAAAAAAAAAAAAAAAAP/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAMAwEAAhEDEQA/AKAA/9k="
)


def filed_with_photo(stack: Stack, filename: str = "meter reading.jpg") -> tuple[str, str]:
    """A routed complaint of the demo citizen with one photo in S3: its id and the upload's."""
    citizen = stack.login("citizen")
    out = presign(stack, citizen, filename=filename, content_type="image/jpeg", size=len(JPEG)).json
    sent = requests.post(out["url"], data=out["fields"], files={"file": (filename, JPEG)}, timeout=10)
    assert sent.status_code in (200, 201, 204), sent.text
    filed = stack.post("/v1/complaints", complaint_body(stack, attachments=[out["upload_id"]]), token=citizen)
    assert filed.status == 201, filed.body
    assert stack.run_route_worker() == 1
    return filed.json["id"], out["upload_id"]


def test_the_citizen_and_the_office_open_the_photo_with_a_five_minute_link(stack: Stack) -> None:
    # Given a routed complaint with a photo
    case_id, upload_id = filed_with_photo(stack, 'میٹر "reading".jpg')
    # When its citizen, an officer of its office and one of the office above read it
    views = [
        stack.get(f"/v1/complaints/{case_id}", token=stack.login("citizen")),
        stack.get(f"/v1/officer/cases/{case_id}", token=stack.login("officer")),
        stack.get(f"/v1/officer/cases/{case_id}", token=stack.login("supervisor")),
        stack.get(f"/v1/officer/cases/{case_id}", token=stack.login("admin")),
    ]
    for view in views:
        assert view.status == 200, view.body
        (shown,) = view.json["attachments"]
        assert (shown["id"], shown["content_type"], shown["size"]) == (upload_id, "image/jpeg", len(JPEG))
        # Then the link names the citizen's object and lives five minutes
        url = urlsplit(shown["url"])
        query = parse_qs(url.query)
        assert url.path.endswith(f"/uploads/{stack.subs['citizen']}/{upload_id}")
        assert query["X-Amz-Expires"] == ["300"] and "X-Amz-Signature" in query
        assert shown["url_expires_at"] > view.json["updated_at"]
        # And it opens the photo inline, as a JPEG, under its name
        got = requests.get(shown["url"], timeout=10)
        assert got.status_code == 200 and got.content == JPEG
        assert got.headers["Content-Type"] == "image/jpeg"
        assert got.headers["Content-Disposition"] == (
            "inline; filename=\"____ _reading_.jpg\"; filename*=UTF-8''%D9%85%DB%8C%D9%B9%D8%B1%20%22reading%22.jpg"
        )


def test_the_links_cost_no_call_to_s3_or_the_table(stack: Stack) -> None:
    # Given a complaint with a photo and one without
    case_id, _ = filed_with_photo(stack)
    citizen = stack.login("citizen")
    plain = stack.post("/v1/complaints", complaint_body(stack), token=citizen).json["id"]
    calls: list[str] = []

    def count(event_name: str, **_: Any) -> None:
        calls.append(event_name.split(".", 1)[1])

    # When the citizen reads each
    reads = []
    for service in ("s3", "dynamodb"):
        _client(service).meta.events.register(f"before-call.{service}", count, unique_id="count-links")
    try:
        for read in (case_id, plain):
            calls.clear()
            assert stack.get(f"/v1/complaints/{read}", token=citizen).status == 200
            reads.append(list(calls))
    finally:
        for service in ("s3", "dynamodb"):
            _client(service).meta.events.unregister(f"before-call.{service}", unique_id="count-links")
    # Then both cost the same table calls and none to S3: the link is signed locally
    assert reads[0] == reads[1] == ["dynamodb.GetItem", "dynamodb.Query"]


def test_another_citizen_and_another_organisations_officer_get_the_404_and_no_link(stack: Stack) -> None:
    case_id, _ = filed_with_photo(stack)
    for path, token in (
        (f"/v1/complaints/{case_id}", stack.login("citizen2")),
        (f"/v1/officer/cases/{case_id}", stack.login_officer_of(stack.other_office_id)),
    ):
        refused = stack.get(path, token=token)
        assert refused.status == 404, refused.body
        assert b"X-Amz" not in refused.body and b"uploads/" not in refused.body


def test_a_link_lives_five_minutes_from_when_the_case_was_read(stack: Stack) -> None:
    # Given the citizen reads their complaint with a photo
    case_id, _ = filed_with_photo(stack)
    (shown,) = stack.get(f"/v1/complaints/{case_id}", token=stack.login("citizen")).json["attachments"]
    # Then S3 honours the link for 300 s from its signing time, which is when the view says it stops working
    # (moto does not check signatures, so the refusal after that is S3's, not tested here)
    query = parse_qs(urlsplit(shown["url"]).query)
    signed = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert query["X-Amz-Expires"] == ["300"]
    expires_at = datetime.fromisoformat(shown["url_expires_at"])
    assert abs(expires_at - (signed + timedelta(seconds=300))) <= timedelta(seconds=1)  # the same moment, to the second
    assert abs(datetime.now(UTC) - signed) < timedelta(minutes=1)


def test_an_upload_whose_file_never_reached_storage_is_a_400_naming_it_and_files_nothing(stack: Stack) -> None:
    # Given a citizen presigned a photo, but the browser's POST to storage never arrived
    citizen = stack.login("citizen")
    lost = presign(stack, citizen, filename="IMG_0042.heic", content_type="image/heic", size=len(JPEG)).json
    before = stack.get("/v1/complaints?limit=50", token=citizen).json["items"]
    # When they file with it
    body = complaint_body(stack, attachments=[lost["upload_id"]])
    refused = stack.post("/v1/complaints", body, token=citizen, headers={"Idempotency-Key": "heic-once"})
    # Then 400 names the file (never a 500), and no complaint is filed
    assert refused.status == 400, refused.body
    (detail,) = refused.json["error"]["details"]
    assert detail["field"] == "attachments"
    assert detail["problem"].startswith(f"IMG_0042.heic (upload {lost['upload_id']}) was not received")
    assert stack.get("/v1/complaints?limit=50", token=citizen).json["items"] == before
    # When the browser sends the file again and files with the same key, Then it is filed with the photo
    sent = requests.post(lost["url"], data=lost["fields"], files={"file": ("IMG_0042.heic", JPEG)}, timeout=10)
    assert sent.status_code in (200, 201, 204), sent.text
    filed = stack.post("/v1/complaints", body, token=citizen, headers={"Idempotency-Key": "heic-once"})
    assert filed.status == 201, filed.body
    (shown,) = stack.get(f"/v1/complaints/{filed.json['id']}", token=citizen).json["attachments"]
    assert (shown["filename"], shown["content_type"]) == ("IMG_0042.heic", "image/heic")
    opened = requests.get(shown["url"], timeout=10)
    assert opened.status_code == 200 and opened.headers["Content-Type"] == "image/heic"


def test_a_reply_carries_a_photo_the_office_opens(stack: Stack) -> None:
    # Given a routed complaint whose office asks for details
    citizen = stack.login("citizen")
    filed = stack.post("/v1/complaints", complaint_body(stack), token=citizen)
    assert stack.run_route_worker() == 1
    case_id = filed.json["id"]
    officer = stack.login("officer")
    path = f"/v1/officer/cases/{case_id}/actions"
    assert stack.post(path, {"action": "request_info", "note": "A photo of the meter?"}, token=officer).status == 200
    # And the reply the case offers the citizen takes files
    case = stack.get(f"/v1/complaints/{case_id}", token=citizen).json
    (reply,) = [a for a in case["allowed_actions"] if a["action"] == "reply"]
    assert [(f["name"], f["type"], f["max_items"]) for f in reply["fields"] if f["type"] == "uploads"] == [
        ("attachments", "uploads", 5)
    ]
    # When the citizen replies with a photo
    out = presign(stack, citizen, filename="meter.jpg", content_type="image/jpeg", size=len(JPEG)).json
    requests.post(out["url"], data=out["fields"], files={"file": ("meter.jpg", JPEG)}, timeout=10)
    replied = stack.post(reply["path"], {"message": "Here it is.", "attachments": [out["upload_id"]]}, token=citizen)
    assert replied.status == 200, replied.body
    # Then the office sees the photo on the case, and opens it
    seen = stack.get(f"/v1/officer/cases/{case_id}", token=officer).json
    (shown,) = seen["attachments"]
    assert shown["id"] == out["upload_id"] and requests.get(shown["url"], timeout=10).content == JPEG
    assert [e["attachments"] for e in seen["timeline"] if e["type"] == "citizen_replied"] == [[out["upload_id"]]]
