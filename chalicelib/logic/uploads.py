"""Attachments: presigning an upload, and checking that attached upload ids are the caller's own."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import timedelta

from chalicelib.logic import clock
from chalicelib.logic.ports import Services
from chalicelib.models.common import Principal
from chalicelib.models.errors import ConditionFailure, FieldProblem, Forbidden, ServiceUnavailable
from chalicelib.models.uploads import MAX_UPLOAD_BYTES, Upload, UploadIn, UploadOut
from chalicelib.observability import logger, metrics
from chalicelib.store import uploads as upload_store

PRESIGN_EXPIRY = timedelta(minutes=15)
# The record outlives the POST so a slow form can still attach it; TTL only cleans up.
RECORD_TTL = timedelta(days=30)
UNKNOWN_UPLOAD = "unknown upload id; upload files with POST /v1/uploads first"
_ID_ATTEMPTS = 3


def object_key(owner_sub: str, upload_id: str) -> str:
    """Where an upload lands in the attachments bucket."""
    return f"uploads/{owner_sub}/{upload_id}"


def start(services: Services, principal: Principal, data: UploadIn) -> UploadOut:
    """Presign a POST for one file (no AWS call) and record whose it is (one conditional Put)."""
    if principal.role not in ("citizen", "officer"):
        raise Forbidden("only citizens and officers upload attachments")
    now = services.clock()
    max_bytes = min(data.size, MAX_UPLOAD_BYTES)
    stamp = clock.iso(now)
    for _ in range(_ID_ATTEMPTS):
        upload_id = secrets.token_hex(16)
        upload = Upload(
            id=upload_id,
            owner_sub=principal.sub,
            object_key=object_key(principal.sub, upload_id),
            content_type=data.content_type,
            size=data.size,
            filename=data.filename,
            created_at=stamp,
        )
        try:
            upload_store.create_upload(services.table, upload, int((now + RECORD_TTL).timestamp()))
        except ConditionFailure:
            continue  # the id was taken: draw another
        break
    else:
        raise ServiceUnavailable("could not allocate an upload id; try again")
    post = services.uploads.presign_post(
        upload.object_key, data.content_type, max_bytes, int(PRESIGN_EXPIRY.total_seconds())
    )
    logger.info("upload presigned", extra={"upload_id": upload.id, "content_type": data.content_type})
    metrics.add_metric(name="UploadsPresigned", unit="Count", value=1)
    return UploadOut(upload_id=upload.id, url=post.url, fields=post.fields, max_bytes=max_bytes)


def attachment_problems(services: Services, principal: Principal, upload_ids: Sequence[str]) -> list[FieldProblem]:
    """Nothing if every id is an upload of the caller's; one `attachments` problem otherwise.

    One GetItem per distinct id (at most 5); none for an empty list. Someone else's
    upload is indistinguishable from one that does not exist.
    """
    for upload_id in dict.fromkeys(upload_ids):
        found = upload_store.get_upload(services.table, upload_id)
        if found is None or found.owner_sub != principal.sub:
            return [FieldProblem("attachments", UNKNOWN_UPLOAD)]
    return []
