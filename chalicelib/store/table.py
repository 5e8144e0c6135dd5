"""The single table behind a small interface (`Table`), and its DynamoDB implementation.

Repositories describe writes as `Put` / `Increment` / `Delete` values with an
explicit condition; `DynamoTable` turns them into one TransactWriteItems call.
The tests' in-memory implementation (tests/memory_table.py) applies them to
dictionaries with the same semantics: unit tests run the repositories over it,
integration tests over moto, and tests/integration/test_table_contract.py runs
both through the same cases.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, Protocol, TypeVar

from chalicelib.models.errors import ConditionFailure, ServiceUnavailable

Item = dict[str, Any]
Key = dict[str, str]

INDEX_KEYS: dict[str | None, tuple[str, str]] = {
    None: ("PK", "SK"),
    "GSI1": ("GSI1PK", "GSI1SK"),
    "GSI2": ("GSI2PK", "GSI2SK"),
    "GSI3": ("GSI3PK", "GSI3SK"),
    "GSI4": ("GSI4PK", "GSI4SK"),
    "GSI5": ("GSI5PK", "GSI5SK"),
}
# GSI3 projects keys only: the sweeper reads ids, then the cases it acts on.
KEYS_ONLY_INDEXES = {"GSI3", "GSI5"}

T = TypeVar("T")


class Contended(Exception):
    """DynamoDB refused a write for now, not for what it says: a transaction overlapping another on one of its
    items (TransactionConflict) or throttling. Nothing of it was applied, so it may simply be tried again."""


# A transaction's cancellation reasons, and single calls' error codes, that mean "for now" (botocore itself
# retries the throttling of single calls, not a cancelled transaction nor a conflict with one).
CONTENDED = {
    "TransactionConflict",
    "ThrottlingError",
    "ProvisionedThroughputExceeded",
    "TransactionConflictException",
    "TransactionInProgressException",
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
}
# Tries of a contended write, with "full jitter" waits (a random share of 25, 50, 100, 200 ms): at most
# ~0.4 s in all, so an API request still answers well inside its 10 s; the losers of a conflict spread out.
TRIES = 5
BASE_WAIT_SECONDS = 0.025


def retrying(attempt: Callable[[], T], *, sleep: Callable[[float], None] = time.sleep) -> T:
    """`attempt()`, tried again while DynamoDB says Contended; still contended after TRIES: ServiceUnavailable
    (503 with Retry-After; the client's idempotency key makes its own retry safe)."""
    for n in range(TRIES):
        try:
            return attempt()
        except Contended:
            if n == TRIES - 1:
                break
            sleep(random.random() * BASE_WAIT_SECONDS * 2**n)  # jitter, not a secret
    raise ServiceUnavailable("the case store is busy, try again shortly")


# The attribute that marks a case item as an archived stub (chalicelib/store/archive.py): a write of a live case
# requires it absent, the archive's own writes of a stub require it present.
ARCHIVED = "archived_at"


@dataclass(frozen=True)
class Put:
    """Write a whole item. `expect_version=None` means the item must not exist yet.

    `archived`: None checks nothing more; False requires the stored item not to be an archived stub (ARCHIVED
    absent), True requires it to be one; either only together with `expect_version`.
    """

    item: Item
    expect_version: int | None = None
    overwrite: bool = False
    archived: bool | None = None


@dataclass(frozen=True)
class Increment:
    """Add to numeric attributes of an item, creating it when absent.

    With a `ceiling`, the first counter may not pass it: the write fails its condition instead
    (a limit counted in the same transaction as what it limits).
    """

    key: Key
    counts: dict[str, int]
    extra: dict[str, Any] = field(default_factory=dict)
    ceiling: int | None = None

    def within_ceiling(self, current: Item | None) -> bool:
        """Whether adding to `current` (the item as stored, or None) keeps the first counter at or under the ceiling."""
        if self.ceiling is None:
            return True
        name, amount = next(iter(self.counts.items()))
        return int((current or {}).get(name, 0)) + amount <= self.ceiling


@dataclass(frozen=True)
class Delete:
    key: Key


Write = Put | Increment | Delete


@dataclass(frozen=True)
class SortCondition:
    op: Literal["begins_with", "<=", "<", ">=", ">", "between"]
    value: str
    upper: str | None = None

    def matches(self, sk: str) -> bool:
        if self.op == "begins_with":
            return sk.startswith(self.value)
        if self.op == "<=":
            return sk <= self.value
        if self.op == "<":
            return sk < self.value
        if self.op == ">=":
            return sk >= self.value
        if self.op == ">":
            return sk > self.value
        return self.value <= sk <= (self.upper or "")


@dataclass(frozen=True)
class Page:
    items: list[Item]
    last_key: Key | None


class Table(Protocol):
    def get(self, key: Key) -> Item | None: ...

    def query(
        self,
        pk: str,
        *,
        index: str | None = None,
        sort: SortCondition | None = None,
        newest_first: bool = False,
        limit: int = 50,
        start_key: Key | None = None,
    ) -> Page: ...

    def transact(self, writes: Sequence[Write]) -> None: ...

    def get_many(self, keys: Sequence[Key]) -> list[Item]:
        """The items that exist among `keys` (any order), in as few BatchGetItem calls as allowed."""
        ...

    def count(self, key: Key, name: str, expires_at: int) -> int:
        """Add one to a counter (created when absent, expiring by TTL) and return its new value."""
        ...


# --- DynamoDB -----------------------------------------------------------------


def _to_dynamo(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    return value


class DynamoTable:
    """The table in DynamoDB, through the low-level client (cheaper to import than resources)."""

    def __init__(self, name: str, client: Any) -> None:
        from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

        self.name = name
        self._client = client
        self._ser = TypeSerializer()
        self._de = TypeDeserializer()

    def _dump(self, item: Item) -> dict[str, Any]:
        return {k: self._ser.serialize(_to_dynamo(v)) for k, v in item.items() if v is not None}

    def _load(self, raw: dict[str, Any]) -> Item:
        return {k: _from_dynamo(self._de.deserialize(v)) for k, v in raw.items()}

    def _call(self, operation: str, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self._client, operation)(TableName=self.name, **kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code == "ConditionalCheckFailedException":
                raise ConditionFailure([0]) from exc
            if code == "TransactionCanceledException":
                reasons = exc.response.get("CancellationReasons", [])
                failed = [i for i, r in enumerate(reasons) if r.get("Code") == "ConditionalCheckFailed"]
                if failed:
                    raise ConditionFailure(failed) from exc
            if code in CONTENDED:
                raise Contended(code) from exc
            raise ServiceUnavailable("the case store is unavailable, try again shortly") from exc
        except BotoCoreError as exc:
            raise ServiceUnavailable("the case store is unavailable, try again shortly") from exc

    def get(self, key: Key) -> Item | None:
        out = self._call("get_item", Key=self._dump(key), ConsistentRead=True)
        raw = out.get("Item")
        return self._load(raw) if raw else None

    def query(
        self,
        pk: str,
        *,
        index: str | None = None,
        sort: SortCondition | None = None,
        newest_first: bool = False,
        limit: int = 50,
        start_key: Key | None = None,
    ) -> Page:
        pk_name, sk_name = INDEX_KEYS[index]
        expression = "#pk = :pk"
        names = {"#pk": pk_name}
        values: dict[str, Any] = {":pk": {"S": pk}}
        if sort is not None:
            names["#sk"] = sk_name
            values[":sk"] = {"S": sort.value}
            if sort.op == "begins_with":
                expression += " AND begins_with(#sk, :sk)"
            elif sort.op == "between":
                values[":up"] = {"S": sort.upper or ""}
                expression += " AND #sk BETWEEN :sk AND :up"
            else:
                expression += f" AND #sk {sort.op} :sk"
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": expression,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": not newest_first,
            "Limit": limit,
        }
        if index:
            kwargs["IndexName"] = index
        if start_key:
            kwargs["ExclusiveStartKey"] = self._dump(start_key)
        out = self._call("query", **kwargs)
        last = out.get("LastEvaluatedKey")
        return Page([self._load(i) for i in out.get("Items", [])], self._load(last) if last else None)

    def _transact_item(self, write: Write) -> dict[str, Any]:
        if isinstance(write, Put):
            put: dict[str, Any] = {"TableName": self.name, "Item": self._dump(write.item)}
            if write.expect_version is None and not write.overwrite:
                put["ConditionExpression"] = "attribute_not_exists(PK)"
            elif write.expect_version is not None:
                put["ConditionExpression"] = "version = :expected"
                put["ExpressionAttributeValues"] = {":expected": {"N": str(write.expect_version)}}
                if write.archived is not None:
                    marker = "attribute_exists" if write.archived else "attribute_not_exists"
                    put["ConditionExpression"] += f" AND {marker}(#archived)"
                    put["ExpressionAttributeNames"] = {"#archived": ARCHIVED}
            return {"Put": put}
        if isinstance(write, Increment):
            names = {f"#c{i}": k for i, k in enumerate(write.counts)}
            values: dict[str, Any] = {f":c{i}": {"N": str(v)} for i, v in enumerate(write.counts.values())}
            expression = "ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(write.counts)))
            if write.extra:
                names.update({f"#e{i}": k for i, k in enumerate(write.extra)})
                values.update(
                    {f":e{i}": self._ser.serialize(_to_dynamo(v)) for i, v in enumerate(write.extra.values())}
                )
                expression += " SET " + ", ".join(f"#e{i} = :e{i}" for i in range(len(write.extra)))
            update: dict[str, Any] = {
                "TableName": self.name,
                "Key": self._dump(write.key),
                "UpdateExpression": expression,
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
            if write.ceiling is not None:
                update["ConditionExpression"] = "attribute_not_exists(#c0) OR #c0 <= :ceiling"
                values[":ceiling"] = {"N": str(write.ceiling - next(iter(write.counts.values())))}
            return {"Update": update}
        return {"Delete": {"TableName": self.name, "Key": self._dump(write.key)}}

    def transact(self, writes: Sequence[Write]) -> None:
        """All the writes or none; a condition that fails: ConditionFailure (which items); a transaction
        cancelled for another's on the same items, or throttled: tried again (`retrying`)."""
        items = [self._transact_item(w) for w in writes]
        retrying(lambda: self._transact_once(items))

    def _transact_once(self, items: list[dict[str, Any]]) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._client.transact_write_items(TransactItems=items)
        except ClientError as exc:
            reasons = exc.response.get("CancellationReasons", [])
            failed = [i for i, r in enumerate(reasons) if r.get("Code") == "ConditionalCheckFailed"]
            if failed:
                raise ConditionFailure(failed) from exc
            codes = {r.get("Code") for r in reasons} | {exc.response.get("Error", {}).get("Code")}
            if codes & CONTENDED:
                raise Contended(", ".join(sorted(c for c in codes if c in CONTENDED))) from exc
            raise ServiceUnavailable("the case store is unavailable, try again shortly") from exc
        except BotoCoreError as exc:
            raise ServiceUnavailable("the case store is unavailable, try again shortly") from exc

    def count(self, key: Key, name: str, expires_at: int) -> int:
        """Add one to a counter item (a single UpdateItem; one that meets a transaction on it is tried again)."""
        return retrying(lambda: self._count_once(key, name, expires_at))

    def _count_once(self, key: Key, name: str, expires_at: int) -> int:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            out = self._client.update_item(
                TableName=self.name,
                Key=self._dump(key),
                UpdateExpression="ADD #n :one SET expires_at = :exp",
                ExpressionAttributeNames={"#n": name},
                ExpressionAttributeValues={":one": {"N": "1"}, ":exp": {"N": str(expires_at)}},
                ReturnValues="UPDATED_NEW",
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in CONTENDED:
                raise Contended(exc.response["Error"]["Code"]) from exc
            raise ServiceUnavailable("the case store is unavailable, try again shortly") from exc
        except BotoCoreError as exc:
            raise ServiceUnavailable("the case store is unavailable, try again shortly") from exc
        return int(out["Attributes"][name]["N"])

    def get_many(self, keys: Sequence[Key]) -> list[Item]:
        from botocore.exceptions import BotoCoreError, ClientError

        found: list[Item] = []
        for start in range(0, len(keys), 100):
            pending: dict[str, Any] = {self.name: {"Keys": [self._dump(k) for k in keys[start : start + 100]]}}
            while pending:
                try:
                    out = self._client.batch_get_item(RequestItems=pending)
                except (BotoCoreError, ClientError) as exc:
                    raise ServiceUnavailable("the case store is unavailable, try again shortly") from exc
                found.extend(self._load(raw) for raw in out.get("Responses", {}).get(self.name, []))
                pending = out.get("UnprocessedKeys") or {}
        return found
