"""The single table in memory, for tests: `chalicelib.store.table.Table` over dictionaries.

Writes have the same conditions and all-or-nothing semantics as `DynamoTable`;
tests/integration/test_table_contract.py runs both through the same cases.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence

from chalicelib.models.errors import ConditionFailure
from chalicelib.store.table import (
    ARCHIVED,
    INDEX_KEYS,
    KEYS_ONLY_INDEXES,
    Contended,
    Increment,
    Item,
    Key,
    Page,
    Put,
    SortCondition,
    Write,
    retrying,
)


class MemoryTable:
    """The same semantics as `DynamoTable` over dictionaries; `calls` names each API call it stands in for."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], Item] = {}
        self._lock = threading.Lock()
        self.calls: list[str] = []
        self.contentions = 0  # writes still to refuse as contended (`contend`)

    def contend(self, times: int) -> None:
        """The next `times` write attempts are refused as real DynamoDB refuses one that meets another's
        transaction on its items (TransactionConflict) or a throttle; nothing of them applies (moto never does this)."""
        self.contentions = times

    def _contended(self) -> None:
        with self._lock:
            if self.contentions:
                self.contentions -= 1
                raise Contended("TransactionConflict")

    @staticmethod
    def _copy(item: Item) -> Item:
        copied: Item = json.loads(json.dumps(item))
        return copied

    def get(self, key: Key) -> Item | None:
        self.calls.append("GetItem")
        item = self.items.get((key["PK"], key["SK"]))
        return self._copy(item) if item else None

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
        self.calls.append("Query")
        pk_name, sk_name = INDEX_KEYS[index]
        rows = [
            i
            for i in self.items.values()
            if i.get(pk_name) == pk and sk_name in i and (sort is None or sort.matches(i[sk_name]))
        ]
        rows.sort(key=lambda i: (i[sk_name], i["PK"], i["SK"]), reverse=newest_first)
        if start_key:
            marker = (start_key[sk_name], start_key["PK"], start_key["SK"])
            rows = [
                r
                for r in rows
                if (
                    (r[sk_name], r["PK"], r["SK"]) < marker if newest_first else (r[sk_name], r["PK"], r["SK"]) > marker
                )
            ]
        page = rows[:limit]
        last = None
        if len(rows) > limit and page:
            tail = page[-1]
            last = {"PK": tail["PK"], "SK": tail["SK"]}
            if index:
                last.update({pk_name: tail[pk_name], sk_name: tail[sk_name]})
        if index in KEYS_ONLY_INDEXES:
            page = [{k: r[k] for k in ("PK", "SK", pk_name, sk_name)} for r in page]
        return Page([self._copy(r) for r in page], last)

    def transact(self, writes: Sequence[Write]) -> None:
        retrying(lambda: self._transact_once(writes))

    def _transact_once(self, writes: Sequence[Write]) -> None:
        self.calls.append("TransactWriteItems")
        self._contended()
        named = [(w.item["PK"], w.item["SK"]) if isinstance(w, Put) else (w.key["PK"], w.key["SK"]) for w in writes]
        if len(set(named)) < len(named):  # DynamoDB (and moto) refuse it: "multiple operations on one item"
            raise ValueError("a transaction may not name one item twice")
        with self._lock:
            failed = []
            for index, write in enumerate(writes):
                if isinstance(write, Put):
                    current = self.items.get((write.item["PK"], write.item["SK"]))
                    if (write.expect_version is None and not write.overwrite and current is not None) or (
                        write.expect_version is not None
                        and (
                            current is None
                            or current.get("version") != write.expect_version
                            or (write.archived is not None and (current.get(ARCHIVED) is not None) != write.archived)
                        )
                    ):
                        failed.append(index)
                elif isinstance(write, Increment) and not write.within_ceiling(
                    self.items.get((write.key["PK"], write.key["SK"]))
                ):
                    failed.append(index)
            if failed:
                raise ConditionFailure(failed)
            for write in writes:
                if isinstance(write, Put):
                    clean = {k: v for k, v in write.item.items() if v is not None}
                    self.items[(write.item["PK"], write.item["SK"])] = self._copy(clean)
                elif isinstance(write, Increment):
                    item = self.items.setdefault((write.key["PK"], write.key["SK"]), dict(write.key))
                    for name, amount in write.counts.items():
                        item[name] = item.get(name, 0) + amount
                    item.update(self._copy(write.extra))
                else:
                    self.items.pop((write.key["PK"], write.key["SK"]), None)

    def count(self, key: Key, name: str, expires_at: int) -> int:
        return retrying(lambda: self._count_once(key, name, expires_at))

    def _count_once(self, key: Key, name: str, expires_at: int) -> int:
        self.calls.append("UpdateItem")
        self._contended()
        item = self.items.setdefault((key["PK"], key["SK"]), dict(key))
        item[name] = item.get(name, 0) + 1
        item["expires_at"] = expires_at
        return int(item[name])

    def get_many(self, keys: Sequence[Key]) -> list[Item]:
        self.calls.extend(["BatchGetItem"] * ((len(keys) + 99) // 100))
        found = (self.items.get((k["PK"], k["SK"])) for k in keys)
        return [self._copy(item) for item in found if item is not None]

    def put_many(self, items: Sequence[Item]) -> None:
        """Write items directly, unconditionally (test setup only: the product has no such call)."""
        self.calls.append("BatchWriteItem")
        for item in items:
            self.items[(item["PK"], item["SK"])] = self._copy(item)
