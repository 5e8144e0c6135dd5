"""Upload records in the table: one conditional Put when presigned, one GetItem per attachment checked."""

from __future__ import annotations

from chalicelib.models.uploads import Upload
from chalicelib.store import keys
from chalicelib.store.table import Item, Put, Table


def upload_item(upload: Upload, expires_at: int) -> Item:
    # TTL only cleans up: nothing reads `expires_at`, an expired record is simply gone.
    return {**keys.upload_key(upload.id), **upload.model_dump(), "expires_at": expires_at}


def create_upload(table: Table, upload: Upload, expires_at: int) -> None:
    """Store the record; raises ConditionFailure if the id is taken."""
    table.transact([Put(upload_item(upload, expires_at))])


def get_upload(table: Table, upload_id: str) -> Upload | None:
    item = table.get(keys.upload_key(upload_id))
    return Upload.model_validate(item) if item else None
