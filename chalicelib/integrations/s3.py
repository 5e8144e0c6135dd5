"""S3: presigned POSTs, so files go straight to the attachments bucket and never through Lambda."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.models.errors import ServiceUnavailable
from chalicelib.models.uploads import PresignedPost


class S3UploadPresigner:
    """Signs POST policies for the attachments bucket; signing is local, it makes no AWS call."""

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
