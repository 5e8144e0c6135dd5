"""Attachments: presigning an upload, checking that attached upload ids are the caller's own, and opening them."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from chalicelib.logic import clock
from chalicelib.logic.ports import Services, UploadPresigner
from chalicelib.models.common import Principal
from chalicelib.models.complaints import Case
from chalicelib.models.errors import ConditionFailure, FieldProblem, Forbidden, InvalidInput, ServiceUnavailable
from chalicelib.models.uploads import (
    MAX_UPLOAD_BYTES,
    UPLOAD_CONTENT_TYPES,
    AttachedFile,
    AttachmentOut,
    Upload,
    UploadIn,
    UploadOut,
)
from chalicelib.observability import logger, metrics
from chalicelib.store import uploads as upload_store

PRESIGN_EXPIRY = timedelta(minutes=15)
# A link to an attached file: long enough to load a page's thumbnails, short enough that a
# copied link soon stops working. The case view signs fresh links every time it is read.
OPEN_EXPIRY = timedelta(minutes=5)
# Every type an upload may have shows safely in the browser (no HTML, no SVG); anything
# else (never expected) is offered as a download.
INLINE_TYPES = UPLOAD_CONTENT_TYPES
UNKNOWN_TYPE = "application/octet-stream"
# The record outlives the POST so a slow form can still attach it; TTL only cleans up.
RECORD_TTL = timedelta(days=30)
UNKNOWN_UPLOAD = "unknown upload id {id}; upload files with POST /v1/uploads first"
NOT_RECEIVED = "{name} (upload {id}) was not received: upload it again, or leave it out"
# Every file a case keeps (its complaint's, its replies', its resolutions'): well inside an item's size.
MAX_CASE_FILES = 30
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
    """Nothing if every id is an upload of the caller's, stored; one `attachments` problem per one that is not."""
    return check_attachments(services, principal, upload_ids)[1]


def check_attachments(
    services: Services, principal: Principal, upload_ids: Sequence[str]
) -> tuple[list[AttachedFile], list[FieldProblem]]:
    """The caller's uploads named by `upload_ids`, as a case keeps them; or an `attachments` problem for each bad one.

    Per distinct id (at most 5; nothing for an empty list): one GetItem, and one S3 HeadObject
    that the file arrived (a presigned POST's outcome is the browser's: a failed one leaves a
    record and no object). Someone else's upload is indistinguishable from one that does not
    exist; every problem names the attachment (its id, or its file name), so a client knows
    which file to send again or leave out, and nothing is written.
    """
    files, problems = [], []
    for upload_id in dict.fromkeys(upload_ids):
        found = upload_store.get_upload(services.table, upload_id)
        if found is None or found.owner_sub != principal.sub:
            problems.append(FieldProblem("attachments", UNKNOWN_UPLOAD.format(id=upload_id)))
            continue
        size = services.uploads.stored_size(found.object_key)
        if size is None:
            problems.append(FieldProblem("attachments", NOT_RECEIVED.format(name=found.filename, id=upload_id)))
            continue
        files.append(AttachedFile(**found.model_dump(include={"id", "object_key", "content_type", "size", "filename"})))
    return ([], problems) if problems else (files, [])


def attach(case: Case, files: Sequence[AttachedFile]) -> list[str]:
    """Keep `files` on the case (the links its viewers open), after those it has; their ids, for the event.

    A reply's or a resolution's files join the complaint's: every file of the case is shown
    (and opened) the same way, and the event names those that came with it.
    """
    kept = {f.id for f in case.files} | set(case.attachments)
    added = [f for f in files if f.id not in kept]
    case.files = [*case.files, *added]
    case.attachments = [*case.attachments, *(f.id for f in added)]
    return [f.id for f in files]


def attach_checked(
    services: Services, principal: Principal, case: Case, upload_ids: Sequence[str], what: str
) -> list[str]:
    """Check `upload_ids` (InvalidInput naming each bad one, "the `what` needs correcting") and keep them on the case."""
    files, problems = check_attachments(services, principal, upload_ids)
    if not problems and len({*case.attachments, *upload_ids}) > MAX_CASE_FILES:
        problems = [FieldProblem("attachments", f"a case keeps at most {MAX_CASE_FILES} files")]
    if problems:
        raise InvalidInput(f"the {what} needs correcting", problems)
    return attach(case, files)


def may_open(case: Case, viewer: Principal | None, staff: bool) -> bool:
    """Whether `viewer` may open the case's files: its citizen, or staff of the office holding it (or an admin)."""
    if viewer is None:
        return False
    if viewer.role == "citizen":
        return viewer.sub == case.citizen_sub
    return staff


def shown_attachments(signer: UploadPresigner, case: Case, opens: bool, now: datetime) -> list[AttachmentOut]:
    """The case's files, each with a short-lived link to open it when `opens` (signing is local: no AWS call).

    A case filed before files were kept on it has only the upload ids: those are opened
    from the citizen's key, as a download of unknown type.
    """
    kept = {f.id: f for f in case.files}
    expires_at = clock.iso(now + OPEN_EXPIRY)
    shown = []
    for upload_id in case.attachments:
        found = kept.get(upload_id)
        key = found.object_key if found else object_key(case.citizen_sub, upload_id)
        content_type = found.content_type if found else UNKNOWN_TYPE
        filename = found.filename if found else upload_id
        url = None
        if opens:
            try:
                url = signer.presign_get(
                    key, content_type, filename, content_type in INLINE_TYPES, int(OPEN_EXPIRY.total_seconds())
                )
            except ServiceUnavailable:
                logger.warning("attachment link not signed", extra={"case_id": case.id, "upload_id": upload_id})
        shown.append(
            AttachmentOut(
                id=upload_id,
                filename=filename,
                content_type=content_type,
                size=found.size if found else None,
                url=url,
                url_expires_at=expires_at if url else None,
            )
        )
    return shown
