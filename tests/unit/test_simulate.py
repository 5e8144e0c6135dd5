"""`make simulate`'s meter: DynamoDB's units, booked to the partition keys they land on."""

from __future__ import annotations

import pytest

from bench import simulate
from bench.simulate import MeteredTable, item_size
from chalicelib.store import keys
from chalicelib.store.table import Delete, Put


def _item(pk: str, kilobytes: float, **keys: str) -> dict[str, str]:
    item = {"PK": pk, "SK": "A", **keys}
    item["text"] = "x" * (int(kilobytes * 1024) - item_size(item) - len("text"))
    assert item_size(item) == int(kilobytes * 1024)
    return item


def test_writes_round_up_per_kilobyte_double_in_a_transaction_and_land_in_each_index_by_projection() -> None:
    table = MeteredTable()
    big = _item("CASE#1", 1.5, GSI2PK="OFFICE#x#OPEN", GSI2SK="1", GSI3PK="DUE#1", GSI3SK="1")
    table.transact([Put(big, expect_version=None), Put(_item("CASE#2", 0.2), expect_version=None)])
    write = table.meter.write
    assert write[("table", "CASE#1")] == 4  # 2 KB rounded, ×2 in a transaction
    assert write[("table", "CASE#2")] == 2
    assert write[("GSI2", "OFFICE#x#OPEN")] == 2  # projection ALL: the whole item, not doubled
    assert write[("GSI3", "DUE#1")] == 1  # keys only
    # Moving the item to another index key: out of the old one and into the new one
    moved = {**big, "GSI2PK": "OFFICE#y#OPEN", "version": 1}
    table.transact([Put(moved, overwrite=True)])
    assert write[("GSI2", "OFFICE#x#OPEN")] == 4 and write[("GSI2", "OFFICE#y#OPEN")] == 2
    assert write[("table", "CASE#1")] == 8  # one item is a TransactWriteItems too (store/table.py): doubled


def test_the_counters_write_units_are_booked_apart_as_well() -> None:
    table = MeteredTable()
    table.transact([Put(_item("STAT#all#all#3", 0.1), expect_version=None), Put(_item("CASE#1", 1.5))])
    totals = table.meter.totals
    assert totals["counter_write_units"] == 2  # the counter: 1 KB ×2 in the transaction
    assert totals["write_units_transactional"] == 6  # and both items in the table's total


def test_reads_round_up_per_4_kilobytes_and_queries_are_half() -> None:
    table = MeteredTable()
    table.put_many([_item("CASE#1", 5), {**_item("CASE#1", 1), "SK": "B"}])
    table.get({"PK": "CASE#1", "SK": "A"})
    assert table.meter.read[("table", "CASE#1")] == 2  # consistent: 5 KB → 2 units
    table.query("CASE#1")
    assert table.meter.read[("table", "CASE#1")] == 3  # 6 KB eventually consistent: 2 units at half


def test_the_burst_books_the_shared_keys_at_the_bursts_rate(capsys: pytest.CaptureFixture[str]) -> None:
    out = simulate.burst(30)
    per_second = simulate.BURST_PER_MINUTE / 60
    rates = {key: rate for rate, key in out["write"]}
    # Every complaint writes one notice to the office's inbox (1 KB in a transaction: 2 units), in one of its shards
    shards = [rates.get(("table", pk), 0.0) for pk in keys.office_inbox_pks("lesco-lahore")]
    assert sum(shards) == pytest.approx(per_second * 2, rel=0.01)
    assert all(0 < rate < sum(shards) for rate in shards)
    assert out["write"][0][0] >= max(shards) and out["read"][0][0] > 0


def test_make_simulate_prints_the_three_lines_the_readme_quotes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(simulate, "BURST_SAMPLE", 20)
    simulate.main()
    printed = capsys.readouterr().out
    for line in ("hottest write partition: ", "hottest read partition: ", "infrastructure cost per complaint: $"):
        assert any(row.startswith(line) for row in printed.splitlines()), (line, printed)


def test_storage_counts_an_item_with_a_time_to_live_for_its_life_and_a_shared_counter_by_its_share() -> None:
    whole = simulate.kept_byte_months(_item("CASE#1", 1), started_at=0)
    assert whole == pytest.approx((1024 + simulate.ITEM_OVERHEAD_BYTES) * 12 * simulate.STORAGE_YEARS)
    notice = {**_item("USER#1", 1), "expires_at": 365 * 86400}
    a_year = simulate.kept_byte_months(notice, started_at=0)
    months = 365 * 86400 / simulate.MONTH_SECONDS
    assert a_year == pytest.approx((item_size(notice) + simulate.ITEM_OVERHEAD_BYTES) * months)
    # The whole country's monthly counter is shared by every complaint of the month that drew its shard
    counter = {"PK": "STAT#all#all#3", "SK": "MONTH#2026-11", "submitted": 5}
    share = simulate.NATIONAL_COMPLAINTS_A_YEAR / 365 * 30.44 / keys.STAT_SHARDS
    assert simulate.sharers(counter) == pytest.approx(share)
    assert simulate.sharers({"PK": "CASE#1", "SK": "CASE"}) == 1


def test_the_table_class_trades_storage_for_requests_and_the_stack_deploys_the_one_priced() -> None:
    life = {
        "totals": {"write_units_transactional": 100, "read_units": 20},
        "steps": [{"api_requests": 1, "invocations": 1, "seconds": 0.01}],
        "byte_months": 10_000 * 60,
        "notices": 1,
    }
    standard, infrequent = simulate.price(life, "STANDARD"), simulate.price(life, "STANDARD_INFREQUENT_ACCESS")
    assert infrequent["dynamodb requests"] == pytest.approx(standard["dynamodb requests"] * 1.25)
    stored = "dynamodb storage and backups (5 years)"
    assert infrequent[stored] == pytest.approx(standard[stored] * (0.10 + 0.20) / (0.25 + 0.20))
    assert simulate.table_class() == "STANDARD_INFREQUENT_ACCESS"


def test_storage_is_integrated_over_time_a_deleted_item_until_then_a_stub_after() -> None:
    # Given a table whose clock the test sets, and a case item that is replaced by a smaller stub a year on
    now = {"t": 0.0}
    table = MeteredTable(clock=lambda: now["t"])
    whole, event = _item("CASE#1", 4), {**_item("CASE#1", 1), "SK": "EVT#1"}
    table.transact([Put(whole), Put(event)])
    year = 12 * simulate.MONTH_SECONDS
    now["t"] = year
    stub = {**_item("CASE#1", 0.5), "version": 1}
    table.transact([Put(stub, overwrite=True), Delete({"PK": "CASE#1", "SK": "EVT#1"})])
    months = 12.0 * simulate.STORAGE_YEARS
    stored = simulate.stored_byte_months(table.history, started_at=0)
    expected = (
        simulate.footprint(whole) * 12 + simulate.footprint(event) * 12 + simulate.footprint(stub) * (months - 12)
    )
    assert stored == pytest.approx(expected)
    # Without the archive, both would have counted in full
    assert stored < (simulate.footprint(whole) + simulate.footprint(event)) * months


def test_the_life_goes_on_to_the_archive_a_year_after_closing_and_s3_is_its_own_line() -> None:
    archived, whole = simulate.lifecycle(), simulate.lifecycle(archived=False)
    assert archived["steps"][-1]["step"].startswith("archive") and archived["archive"]["puts"] == 1
    assert 12 < archived["archive"]["months_in_table"] < 13  # closed within a month of filing, a year on
    assert archived["byte_months"] < whole["byte_months"]
    lines = simulate.price(archived)
    s3 = next(cost for name, cost in lines.items() if name.startswith("s3 archive"))
    assert 0 < s3 < lines["dynamodb storage and backups (5 years)"]
    assert sum(lines.values()) < sum(simulate.price(whole).values())
