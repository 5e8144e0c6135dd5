"""S3: presigned POSTs and GETs, so files go to and from the attachments bucket and never through Lambda."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from chalicelib.models.errors import ServiceUnavailable
from chalicelib.models.uploads import PresignedPost

_MISSING = frozenset({"404", "NoSuchKey", "NotFound"})


class S3UploadPresigner:
    """Signs POST policies and GET links for the attachments bucket; signing is local, it makes no AWS call.

    The links point wherever the client does: at S3 in AWS, at the embedded moto server
    locally (AWS_ENDPOINT_URL), so a browser can use them in both.
    """

    def __init__(self, client: Callable[[], Any], bucket: str) -> None:
        self._client = client  # a factory: the client is made on first presign
        self._bucket = bucket

    def presign_post(self, key: str, content_type: str, max_bytes: int, expires_in: int) -> PresignedPost:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            # botocore adds the exact-bucket and exact-key conditions itself.
            out = self._client().generate_presigned_post(
                Bucket=self._bucket,
                Key=key,
                Fields={"Content-Type": content_type},
                Conditions=[["content-length-range", 1, max_bytes], {"Content-Type": content_type}],
                ExpiresIn=expires_in,
            )
        except (BotoCoreError, ClientError) as exc:
            raise ServiceUnavailable("uploads are unavailable, try again shortly") from exc
        return PresignedPost(url=str(out["url"]), fields={k: str(v) for k, v in out["fields"].items()})

    def presign_get(self, key: str, content_type: str, filename: str, inline: bool, expires_in: int) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            # S3 serves the object with these headers instead of the stored ones: the type the
            # upload was checked against, and the citizen's file name as a header-safe value.
            url = self._client().generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self._bucket,
                    "Key": key,
                    "ResponseContentType": content_type,
                    "ResponseContentDisposition": content_disposition(filename, inline),
                    "ResponseCacheControl": f"private, max-age={expires_in}",
                },
                ExpiresIn=expires_in,
            )
        except (BotoCoreError, ClientError) as exc:
            raise ServiceUnavailable("attachments are unavailable, try again shortly") from exc
        return str(url)

    def stored_size(self, key: str) -> int | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            # One HeadObject: S3 answers 404 for a missing key only to a role that may list the
            # bucket (s3:ListBucket), else 403, which would hide a real denial; so the role may.
            head = self._client().head_object(Bucket=self._bucket, Key=key)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in _MISSING:
                return None
            raise ServiceUnavailable("attachments are unavailable, try again shortly") from exc
        except BotoCoreError as exc:
            raise ServiceUnavailable("attachments are unavailable, try again shortly") from exc
        return int(head.get("ContentLength", 0))


def content_disposition(filename: str, inline: bool) -> str:
    """`inline` or `attachment`, with an ASCII file name and the exact one (RFC 6266, RFC 8187)."""
    plain = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;%' else "_" for c in filename)
    exact = quote(filename, safe="")
    return f"{'inline' if inline else 'attachment'}; filename=\"{plain}\"; filename*=UTF-8''{exact}"


class S3CaseArchive:
    """The archive bucket (chalicelib/store/archive.py): one JSON record a finished case, `cases/<id>.json`.

    S3 Standard: a record is ~10 KB, and the infrequent-access and Glacier classes bill every object as 128 KB.
    """

    def __init__(self, client: Callable[[], Any], bucket: str) -> None:
        self._client = client  # a factory: the client is made on first use
        self._bucket = bucket

    def put(self, case_id: str, body: bytes) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        from chalicelib.store.archive import object_key

        try:
            self._client().put_object(
                Bucket=self._bucket, Key=object_key(case_id), Body=body, ContentType="application/json"
            )
        except (BotoCoreError, ClientError) as exc:
            raise ServiceUnavailable("the archive is unavailable, try again shortly") from exc

    def get(self, case_id: str) -> bytes | None:
        from botocore.exceptions import BotoCoreError, ClientError

        from chalicelib.store.archive import object_key

        try:
            answer = self._client().get_object(Bucket=self._bucket, Key=object_key(case_id))
            body: bytes = answer["Body"].read()
        except ClientError as exc:
            # Without s3:ListBucket a missing key is a 403, like a denial: both are an outage here (the record
            # is written before its stub, so a stub's record is never missing).
            if str(exc.response.get("Error", {}).get("Code", "")) in _MISSING:
                return None
            raise ServiceUnavailable("the archive is unavailable, try again shortly") from exc
        except BotoCoreError as exc:
            raise ServiceUnavailable("the archive is unavailable, try again shortly") from exc
        return body
