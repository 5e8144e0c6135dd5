"""S3: the classifier artefacts in the models bucket (`models/<name>/current.bin`, versioned bucket).

Re-checking a loaded model is one conditional GetObject (If-None-Match: its ETag), answered 304
with no body while the model is unchanged — authorised by s3:GetObject alone, like a HeadObject.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.logic.ports import StoredModel

_MISSING = frozenset({"404", "NoSuchKey", "NotFound"})
_UNCHANGED = frozenset({"304", "NotModified"})


def model_key(name: str) -> str:
    return f"models/{name}/current.bin"


class S3ModelStore:
    def __init__(self, client: Callable[[], Any], bucket: str) -> None:
        self._client = client  # a factory: the client is made on first use
        self._bucket = bucket

    def fetch(self, name: str, etag: str | None = None) -> StoredModel | None:
        from botocore.exceptions import ClientError

        request: dict[str, Any] = {"Bucket": self._bucket, "Key": model_key(name)}
        if etag:
            request["IfNoneMatch"] = etag
        try:
            answer = self._client().get_object(**request)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            status = str(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
            if code in _UNCHANGED or status == "304":
                return StoredModel(data=None, etag=etag or "")
            if code in _MISSING or status == "404":
                return None
            raise
        return StoredModel(data=answer["Body"].read(), etag=str(answer.get("ETag", "")))

    def publish(self, name: str, data: bytes) -> str:
        answer = self._client().put_object(
            Bucket=self._bucket, Key=model_key(name), Body=data, ContentType="application/octet-stream"
        )
        return str(answer.get("ETag", ""))
