"""The in-memory table the unit tests use behaves like DynamoDB (moto) for everything the store does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.models.errors import ConditionFailure
from chalicelib.store.table import DynamoTable, Increment, Put, SortCondition, Table
from tests.harness import running_stack
from tests.memory_table import MemoryTable


@pytest.fixture(params=["memory", "dynamodb"])
def table(request: pytest.FixtureRequest) -> Iterator[Table]:
    if request.param == "memory":
        yield MemoryTable()
        return
    from chalicelib import aws

    with running_stack() as stack:
        yield DynamoTable(stack.resources["TABLE_NAME"], aws.client("dynamodb"))


def item(pk: str, sk: str, version: int = 1, **extra: object) -> dict[str, object]:
    return {"PK": pk, "SK": sk, "version": version, **extra}


def test_create_only_once_and_versioned_replace(table: Table) -> None:
    table.transact([Put(item("A", "1"))])
    with pytest.raises(ConditionFailure) as taken:
        table.transact([Put(item("B", "1")), Put(item("A", "1"))])
    assert taken.value.failed_indexes == [1]
    assert table.get({"PK": "B", "SK": "1"}) is None  # all or nothing
    table.transact([Put(item("A", "1", version=2, note="ok"), expect_version=1)])
    with pytest.raises(ConditionFailure):
        table.transact([Put(item("A", "1", version=3), expect_version=1)])
    assert table.get({"PK": "A", "SK": "1"}) == item("A", "1", version=2, note="ok")


def test_a_versioned_write_may_require_the_item_archived_or_not(table: Table) -> None:
    # A live case's write requires it not archived; the archive's own writes of a stub require it archived
    table.transact([Put(item("A", "1"))])
    with pytest.raises(ConditionFailure):
        table.transact([Put(item("A", "1", archived_at="t"), expect_version=1, archived=True)])
    table.transact([Put(item("A", "1", archived_at="t"), expect_version=1, archived=False)])
    with pytest.raises(ConditionFailure) as refused:
        table.transact([Put(item("B", "1")), Put(item("A", "1", version=2), expect_version=1, archived=False)])
    assert refused.value.failed_indexes == [1] and table.get({"PK": "B", "SK": "1"}) is None
    table.transact([Put(item("A", "1", note="stub"), expect_version=1, archived=True)])
    assert table.get({"PK": "A", "SK": "1"}) == item("A", "1", note="stub")


def test_query_order_conditions_and_pages(table: Table) -> None:
    table.transact([Put(item("P", f"EVT#{n:02d}", GSI1PK="G", GSI1SK=f"{n:02d}")) for n in range(5)])
    table.transact([Put(item("P", "CASE"))])
    newest = table.query("P", sort=SortCondition("begins_with", "EVT#"), newest_first=True, limit=2)
    assert [i["SK"] for i in newest.items] == ["EVT#04", "EVT#03"]
    rest = table.query(
        "P", sort=SortCondition("begins_with", "EVT#"), newest_first=True, limit=10, start_key=newest.last_key
    )
    assert [i["SK"] for i in rest.items] == ["EVT#02", "EVT#01", "EVT#00"] and rest.last_key is None
    assert [i["GSI1SK"] for i in table.query("G", index="GSI1", sort=SortCondition(">", "02"), limit=10).items] == [
        "03",
        "04",
    ]
    assert [i["GSI1SK"] for i in table.query("G", index="GSI1", sort=SortCondition("<=", "01"), limit=10).items] == [
        "00",
        "01",
    ]


def test_due_index_projects_keys_only(table: Table) -> None:
    table.transact([Put(item("CASE#1", "CASE", GSI3PK="DUE#d#0", GSI3SK="t#1", secret="x"))])
    found = table.query("DUE#d#0", index="GSI3", limit=10).items
    assert found == [{"PK": "CASE#1", "SK": "CASE", "GSI3PK": "DUE#d#0", "GSI3SK": "t#1"}]


def test_counters_add_and_unicode_round_trips(table: Table) -> None:
    key = {"PK": "STAT#x", "SK": "DAY#1"}
    table.transact([Increment(key, {"submitted": 1})])
    table.transact([Increment(key, {"submitted": 2, "routed": 1})])
    stored = table.get(key)
    assert stored is not None and (stored["submitted"], stored["routed"]) == (3, 1)
    table.transact([Put(item("U", "1", text="بجلی کا بل", lat=31.5204))])
    stored = table.get({"PK": "U", "SK": "1"})
    assert stored is not None and stored["text"] == "بجلی کا بل" and stored["lat"] == 31.5204


def test_a_counter_with_a_ceiling_fails_its_condition_past_it_and_takes_the_transaction_with_it(table: Table) -> None:
    # Given a counter that may reach 2, counted with what it limits
    key = {"PK": "RATE#x", "SK": "W#1"}
    for n in range(2):
        table.transact([Put(item("CASE#" + str(n), "CASE")), Increment(key, {"hits": 1}, {"expires_at": 9}, 2)])
    # When a third is tried, Then that item fails its condition and nothing of the transaction is written
    with pytest.raises(ConditionFailure) as refused:
        table.transact([Put(item("CASE#2", "CASE")), Increment(key, {"hits": 1}, {"expires_at": 9}, 2)])
    assert refused.value.failed_indexes == [1]
    assert table.get({"PK": "CASE#2", "SK": "CASE"}) is None
    assert table.get(key) == {"PK": "RATE#x", "SK": "W#1", "hits": 2, "expires_at": 9}
