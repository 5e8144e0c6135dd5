"""Keys a national burst would heat are written in shards and read back whole (docs/scale.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.logic.clock import iso
from chalicelib.models.errors import InvalidCursor
from chalicelib.models.notifications import Notification
from chalicelib.store import cases as case_store
from chalicelib.store import keys
from tests.fakes import Clock
from tests.memory_table import MemoryTable


def test_shard_zero_keeps_the_unsharded_name_so_items_written_before_shards_are_still_read() -> None:
    assert keys.office_queue_pks("lahore")[0] == "OFFICE#lahore#OPEN"
    assert keys.office_inbox_pks("lahore")[0] == "OFFICE#lahore#INBOX"
    private = keys.service_pks("water", "2026-11", public=False, closed=False)
    assert private[0] == "SVC#water#2026-11#O" and len(private) == keys.SERVICE_SHARDS
    # A published partition is written only when an office publishes: one key
    assert keys.service_pks("water", "2026-11", public=True, closed=False) == ["SVCPUB#water#2026-11#O"]


def test_a_burst_of_case_ids_lands_in_every_shard() -> None:
    ids = [f"C-{n:04d}-TEST" for n in range(400)]
    queue_keys = {keys.office_queue_gsi("lahore", "2026-12-01", i)["GSI2PK"] for i in ids}
    service_keys = {
        keys.service_gsi("water", "2026-11-03T10:00:00Z", i, public=False, closed=False)["GSI4PK"] for i in ids
    }
    assert queue_keys == set(keys.office_queue_pks("lahore"))
    assert service_keys == set(keys.service_pks("water", "2026-11", public=False, closed=False))


def _notices(table: MemoryTable, count: int) -> list[str]:
    clock = Clock()
    written = []
    for n in range(count):
        note = Notification(id=f"{n:06d}-note", at=iso(clock.now), template="assigned", params={}, office_id="lahore")
        table.put_many([case_store.notification_item(note)])
        written.append(note.id)
        clock.now += timedelta(seconds=1)
    return written


def test_an_office_inbox_in_shards_pages_newest_first_each_notice_once() -> None:
    # Given 23 notices to one office, spread over its inbox's shards
    table = MemoryTable()
    written = _notices(table, 23)
    assert len({pk for pk, _ in table.items}) == keys.QUEUE_SHARDS
    # When the officer pages through five at a time
    seen: list[str] = []
    start = None
    while True:
        items, start = case_store.inbox(table, office_id="lahore", limit=5, start=start)
        seen += [i["id"] for i in items]
        if start is None:
            break
    # Then every notice comes once, newest first
    assert seen == list(reversed(written))


def test_a_notice_written_before_the_shards_is_still_in_the_inbox() -> None:
    table = MemoryTable()
    table.put_many([{"PK": "OFFICE#lahore#INBOX", "SK": "NOTE#2026-01-01T00:00:00Z#old", "id": "old", "at": "x"}])
    written = _notices(table, 3)
    items, start = case_store.inbox(table, office_id="lahore", limit=10, start=None)
    assert [i["id"] for i in items] == [*reversed(written), "old"] and start is None


@pytest.mark.parametrize(
    "start",
    [
        {"PK": "OFFICE#lahore#INBOX", "SK": "NOTE#x"},
        {"SK": "CASE"},
        {"SK": "NOTE#"},
        {"SK": 7},
        {"SK": "NOTE#" + "x" * 1100},
    ],
)
def test_an_office_inbox_position_of_another_shape_is_refused(start: dict[str, object]) -> None:
    with pytest.raises(InvalidCursor):
        case_store.inbox(MemoryTable(), office_id="lahore", limit=5, start=start)  # type: ignore[arg-type]


def test_an_in_app_notice_expires_a_year_after_it_was_written() -> None:
    note = Notification(id="n1", at="2026-12-01T10:00:00Z", template="assigned", params={}, office_id="lahore")
    item = case_store.notification_item(note)
    assert item["expires_at"] - 1_796_119_200 == case_store.NOTICE_KEPT_DAYS * 86400


def test_a_case_enters_its_category_index_when_routed_not_when_filed() -> None:
    from chalicelib.logic.routing import route_case
    from tests.fakes import make_services, routed_complaint

    table = MemoryTable()
    services, _, _ = make_services(table)
    case_id = routed_complaint(services, routed=False)
    filed = table.get({"PK": keys.case_pk(case_id), "SK": keys.CASE_SK})
    assert filed is not None and "GSI4PK" not in filed  # filed: not yet in the index a burst would heat twice
    route_case(services, case_id)
    routed = table.get({"PK": keys.case_pk(case_id), "SK": keys.CASE_SK})
    assert routed is not None
    month = routed["created_at"][:7]
    assert routed["GSI4PK"] in keys.service_pks("electricity-overbilling", month, public=False, closed=False)
