"""Attachments: what a caller asks to upload, the presigned POST it gets back, the stored record."""

from dataclasses import dataclass
from typing import Annotated, Literal, get_args

from pydantic import ConfigDict, Field, field_validator

from chalicelib.models.base import Model
from chalicelib.models.common import StrictInput

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# HEIC/HEIF: what an iPhone's camera saves. Kept as sent (not converted): a browser that draws it
# (Safari) shows a thumbnail, the others a "Photo (HEIC)" card that downloads it (docs/attachments.md).
UploadContentType = Literal["image/jpeg", "image/png", "image/heic", "image/heif", "application/pdf", "video/mp4"]
UPLOAD_CONTENT_TYPES: frozenset[str] = frozenset(get_args(UploadContentType))


class UploadIn(StrictInput):
    filename: Annotated[str, Field(min_length=1, max_length=200)]
    content_type: UploadContentType
    size: Annotated[int, Field(strict=True, ge=1, le=MAX_UPLOAD_BYTES)]

    @field_validator("filename")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if "/" in value or "\\" in value:
            raise ValueError("a file name, without path separators")
        if not value.isprintable():
            raise ValueError("printable characters only")
        return value


@dataclass(frozen=True)
class PresignedPost:
    """Where and how to POST one file: the form `fields` come first, the file last."""

    url: str
    fields: dict[str, str]


class UploadOut(Model):
    """A presigned S3 POST: send `fields` and then the file as `file` to `url`, at most `max_bytes`."""

    upload_id: str
    url: str
    fields: dict[str, str]
    max_bytes: int


class Upload(Model):
    """The record of an upload (the `UPLOAD` item): who may attach it, and what was promised."""

    model_config = ConfigDict(extra="ignore")

    id: str
    owner_sub: str
    object_key: str
    content_type: str
    size: int
    filename: str
    created_at: str


class AttachedFile(Model):
    """An upload as a case keeps it once attached: the upload record expires, the case's copy does not."""

    model_config = ConfigDict(extra="ignore")

    id: str
    object_key: str
    content_type: str
    size: int
    filename: str


class AttachmentOut(Model):
    """An attached file as the case's citizen or office sees it; `url` opens it until `url_expires_at`.

    `url` is null for a viewer who may see that there are files but not open them.
    """

    id: str
    filename: str
    content_type: str
    size: int | None = None
    url: str | None = None
    url_expires_at: str | None = None
