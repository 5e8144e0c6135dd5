"""`make simulate`: a national burst and one complaint's whole life, driven through the real logic and priced.

moto enforces no partition limits and bills nothing, so this drives the product's own logic
(`chalicelib.logic`: filing, the similar-complaints check, routing, officer actions, the sweeper,
the verdict, notice delivery) against the tests' in-memory table, metered as DynamoDB meters:
- every write is charged per item and per index it lands in, in write units of 1 KB rounded up
  (the larger of the item before and after; a transaction's items at 2×; an index copy by its
  projection, and twice when a write moves the item from one index key to another);
- every read in read units of 4 KB rounded up (a consistent GetItem 1 per 4 KB, a Query or a
  batch read at half: eventually consistent);
- each charge is booked to the partition key it lands on (the table's `PK`, each index's key).

The burst: 50,000 complaints a minute, all one category, one district, one office (one outage).
Each citizen first checks for similar complaints (the filing form does), files, and the intake
worker routes the case as it arrives. `BURST_SAMPLE` complaints are driven at the burst's pace on
a simulated clock; a key's rate is the units booked on it over the simulated time, so keys every
complaint shares show the burst's full rate and a case's own keys their real (tiny) one.

The lifecycle: one complaint (600 characters) from the similar-complaints check to the verdict,
with 20 days of the sweeper's turns that concern it, its notices delivered, then the sweeper's turn a
year after it closed that archives it (its record to S3, a stub in the table: chalicelib/store/archive.py);
priced with the on-demand prices in PRICES (stated below, us-east-1; an operator edits them for their
region). Storage is integrated over time for STORAGE_YEARS from filing: each item counts its size (with
its index copies) from when it is written until it is deleted, replaced by a smaller one or expires.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from chalicelib.store.table import INDEX_KEYS, KEYS_ONLY_INDEXES, Item, Key, Page, Put, SortCondition, Write
from tests.memory_table import MemoryTable

BURST_PER_MINUTE = 50_000
BURST_SAMPLE = (
    400  # enough: once the similar check reads its full pages, every complaint costs the shared keys the same
)
PARTITION_WCU = 1_000  # DynamoDB's per-partition limits, a second
PARTITION_RCU = 3_000
DESCRIPTION = (
    "Since the storm on Tuesday the transformer at the corner of street 9 has been sparking and the whole "
    "block has had no electricity for three days. Children cannot study, the water pump does not run and "
    "the food has gone bad. We called the helpline four times; each time we were told a team is coming, and "
    "no one came. Two elderly neighbours need their oxygen machines. Please send a team to replace the "
    "transformer, and tell us when the power will be back. ٹرانسفارمر خراب ہے، تین دن سے بجلی نہیں ہے۔ "
    "مہربانی کر کے جلد ٹیم بھیجیں۔ Meter 4471, feeder Model Town 12."
)

# On-demand prices, USD, us-east-1, as AWS publishes them (DynamoDB after its November 2024 cut).
PRICES = {
    "dynamodb_write_unit": 0.625 / 1e6,
    "dynamodb_read_unit": 0.125 / 1e6,
    "dynamodb_storage_gb_month": 0.25,
    "dynamodb_ia_storage_gb_month": 0.10,  # the Standard-IA table class: storage 60 % cheaper,
    "dynamodb_ia_request_factor": 1.25,  # requests 25 % dearer
    "dynamodb_pitr_gb_month": 0.20,
    "lambda_request": 0.20 / 1e6,
    "lambda_gb_second": 0.0000166667,
    "api_gateway_rest_request": 3.50 / 1e6,
    "sqs_request": 0.40 / 1e6,
    "logs_ingested_gb": 0.50,
    "logs_stored_gb_month": 0.03,
    "ses_email": 0.10 / 1000,
    "sns_sms_pakistan": 0.2275,  # assumed, per message to a Pakistani number: check SNS's SMS price list, it changes
    "cognito_essentials_mau": 0.015,
    "cognito_lite_mau": 0.0055,
    # S3 Standard, us-east-1 (aws.amazon.com/s3/pricing): storage, first 50 TB a month; PUT, COPY, POST, LIST
    # requests. The archive's records are ~10 KB: the infrequent-access and Glacier classes bill 128 KB an object.
    "s3_standard_gb_month": 0.023,
    "s3_put_request": 0.005 / 1000,
}
STORAGE_YEARS = 5
ITEM_OVERHEAD_BYTES = 100  # DynamoDB adds 100 bytes of index overhead to each item and each index copy
LAMBDA_MEMORY_GB = 0.5  # .chalice/config.json: 512 MB
AWS_CALL_SECONDS = 0.008  # a DynamoDB/SQS call's round trip inside a region, added to the measured CPU time
LOG_BYTES_PER_INVOCATION = 1_200  # Powertools' structured lines: the request or batch, and its outcome
LOG_RETENTION_MONTHS = 3


def size_of(value: Any) -> int:
    """DynamoDB's size of a value: strings in UTF-8, numbers ~1 byte per two digits + 1, lists and maps 3 + their
    elements (1 each besides)."""
    if value is None or isinstance(value, bool):
        return 1
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    if isinstance(value, int | float | Decimal):
        digits = len(str(value).replace("-", "").replace(".", "").lstrip("0")) or 1
        return (digits + 1) // 2 + 1
    if isinstance(value, dict):
        return 3 + sum(len(k.encode("utf-8")) + size_of(v) + 1 for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return 3 + sum(size_of(v) + 1 for v in value)
    return len(str(value).encode("utf-8"))


def item_size(item: Item) -> int:
    return sum(len(k.encode("utf-8")) + size_of(v) for k, v in item.items() if v is not None)


def _projected(item: Item, index: str) -> Item:
    if index not in KEYS_ONLY_INDEXES:
        return item
    pk, sk = INDEX_KEYS[index]
    return {k: item[k] for k in ("PK", "SK", pk, sk) if k in item}


def _units(size: int, unit: int) -> int:
    return max(1, math.ceil(size / unit))


@dataclass
class Meter:
    """Units booked per (index or "table", partition key), and in all."""

    write: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    read: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    totals: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def clear(self) -> None:
        self.write.clear()
        self.read.clear()
        self.totals.clear()


class MeteredTable(MemoryTable):
    """The in-memory table, every write and read booked as DynamoDB would bill it (see the module's text).

    With a `clock` (seconds), it also keeps each item's history: what it held from when (None: deleted), which
    `stored_byte_months` integrates.
    """

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        super().__init__()
        self.meter = Meter()
        self.clock = clock
        self.history: dict[tuple[str, str], list[tuple[float, Item | None]]] = defaultdict(list)

    def _remember(self, key: tuple[str, str]) -> None:
        if self.clock is not None:
            held = self.items.get(key)
            self.history[key].append((self.clock(), dict(held) if held is not None else None))

    def _charge_write(self, before: Item | None, after: Item | None, transactional: bool) -> None:
        size = max(item_size(before) if before else 0, item_size(after) if after else 0)
        units = _units(size, 1024) * (2 if transactional else 1)
        key = (after or before or {}).get("PK", "?")
        self.meter.write[("table", key)] += units
        self.meter.totals["write_units_transactional" if transactional else "write_units"] += units
        if str(key).startswith("STAT#"):  # the statistics counters (keys.Prefix.STAT), already in the totals above
            self.meter.totals["counter_write_units"] += units
        for index, (pk, sk) in INDEX_KEYS.items():
            if index is None:
                continue
            old = before if before and pk in before and sk in before else None
            new = after if after and pk in after and sk in after else None
            moved = old is not None and new is not None and (old[pk], old[sk]) != (new[pk], new[sk])
            if old is not None and (new is None or moved):  # out of the index (or out of its old key)
                gone = _units(item_size(_projected(old, index)), 1024)
                self.meter.write[(index, str(old[pk]))] += gone
                self.meter.totals["index_write_units"] += gone
            if new is not None:
                landed = _units(
                    max(
                        item_size(_projected(new, index)), item_size(_projected(old, index)) if old and not moved else 0
                    ),
                    1024,
                )
                self.meter.write[(index, str(new[pk]))] += landed
                self.meter.totals["index_write_units"] += landed

    def _charge_read(self, index: str | None, pk: str, items: Sequence[Item], consistent: bool) -> None:
        units = _units(sum(item_size(i) for i in items), 4096) * (1 if consistent else 0.5)
        self.meter.read[(index or "table", pk)] += units
        self.meter.totals["read_units"] += units

    def _transact_once(self, writes: Sequence[Write]) -> None:
        named = [(w.item["PK"], w.item["SK"]) if isinstance(w, Put) else (w.key["PK"], w.key["SK"]) for w in writes]
        before = {k: (dict(self.items[k]) if k in self.items else None) for k in named}
        super()._transact_once(writes)
        for k in named:
            # The table writes every change with TransactWriteItems (store/table.py), one item or many: 2x each
            self._charge_write(before[k], self.items.get(k), transactional=True)
            self._remember(k)

    def _count_once(self, key: Key, name: str, expires_at: int) -> int:
        k = (key["PK"], key["SK"])
        before = dict(self.items[k]) if k in self.items else None
        out = super()._count_once(key, name, expires_at)
        self._charge_write(before, self.items.get(k), transactional=False)
        self._remember(k)
        return out

    def get(self, key: Key) -> Item | None:
        found = super().get(key)
        self._charge_read(None, key["PK"], [found] if found else [], consistent=True)
        return found

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
        page = super().query(pk, index=index, sort=sort, newest_first=newest_first, limit=limit, start_key=start_key)
        self._charge_read(index, pk, page.items, consistent=False)
        return page

    def get_many(self, keys: Sequence[Key]) -> list[Item]:
        found = super().get_many(keys)
        for item in found:
            self._charge_read(None, str(item["PK"]), [item], consistent=False)
        return found


def _services(table: MeteredTable) -> Any:
    from tests.fakes import make_services

    services, _, clock = make_services(table)
    return services, clock


def _body(text: str) -> Any:
    from chalicelib.models.complaints import ComplaintIn

    return ComplaintIn.model_validate(
        {
            "category_id": "electricity-overbilling",
            "subject": "No electricity for three days",
            "description": text,
            "location": {"district": "lahore"},
        }
    )


def burst(sample: int = BURST_SAMPLE) -> dict[str, Any]:
    """`sample` complaints at 50,000 a minute, one category, district and office: units per key and second."""
    from chalicelib.logic import complaints, similar
    from chalicelib.logic.routing import route_case
    from chalicelib.observability import metrics
    from tests.fakes import citizen

    table = MeteredTable()
    services, clock = _services(table)
    body = _body(DESCRIPTION)
    gap = timedelta(seconds=60 / BURST_PER_MINUTE)
    for n in range(sample):
        similar.similar(services, "electricity-overbilling", "lahore", DESCRIPTION[:200])
        case_id = str(complaints.submit(services, citizen(f"citizen-{n}"), body, None).case["id"])
        route_case(services, case_id)
        metrics.clear_metrics()  # Powertools prints every 100 values, whatever it is told; a Lambda flushes per call
        clock.now += gap
    seconds = sample * gap.total_seconds()
    return {
        "complaints": sample,
        "seconds": seconds,
        "write": sorted(((u / seconds, k) for k, u in table.meter.write.items()), reverse=True),
        "read": sorted(((u / seconds, k) for k, u in table.meter.read.items()), reverse=True),
    }


@dataclass
class Step:
    """One step of the lifecycle: who runs it, how many API requests and Lambda invocations it takes."""

    name: str
    api_requests: int  # the page's requests (each one preflighted too while the page is on another origin)
    invocations: int
    run: Callable[[], Any]


def lifecycle(archived: bool = True) -> dict[str, Any]:
    """One complaint's life, metered: units, invocations, requests, queue messages, bytes stored.

    `archived` False: the same life without the archive's turn (the case whole in the table to the end).
    """
    from chalicelib.logic import actions, complaints, similar, sweeper
    from chalicelib.logic.delivery import deliver
    from chalicelib.logic.routing import route_case
    from chalicelib.models.actions import AcknowledgeIn, FeedbackIn, ResolveIn
    from chalicelib.store import cases as case_store
    from tests.fakes import citizen, officer

    table = MeteredTable()
    services, clock = _services(table)
    table.clock = lambda: clock.now.timestamp()  # each item's history, for storage integrated over time
    started_at = clock.now.timestamp()
    queue = services.notifications
    archive = services.archive
    state: dict[str, str] = {}
    office = "lesco-lahore"

    def deliver_all() -> int:
        notes = list(queue.queued)
        queue.queued.clear()
        for note in notes:
            deliver(services, note)
        return len(notes)

    def file() -> None:
        state["id"] = str(complaints.submit(services, citizen(), _body(DESCRIPTION), None).case["id"])

    def sweeps() -> int:
        # 20 days of the 15-minute sweeper: the turns that find this case due act on it
        end = clock.now + timedelta(days=20)
        turns = 0
        while True:
            case = case_store.get_case(table, state["id"])
            if case is None or not case.next_check_at or case.next_check_at > end.isoformat():
                return turns
            from chalicelib.logic.clock import parse_time

            clock.now = max(clock.now, parse_time(case.next_check_at)) + timedelta(minutes=15)
            sweeper.sweep(services, clock.now)
            turns += 1

    def archive_a_year_on() -> int:
        # The closed case is due a year after it closed (GSI3): the sweeper's turn then archives it
        from chalicelib.logic.clock import parse_time
        from chalicelib.store import keys

        due = table.items[(keys.case_pk(state["id"]), keys.CASE_SK)]["next_check_at"]
        clock.now = parse_time(str(due)) + timedelta(minutes=15)
        archived = sweeper.sweep(services, clock.now).archived
        if archived != 1:
            raise RuntimeError("the sweeper did not archive the closed case a year on")
        state["archived_at"] = str(clock.now.timestamp())
        return 1

    resolve = ResolveIn.model_validate({"action": "resolve", "outcome": "relief_granted", "note": "Replaced."})
    steps = [
        Step("similar complaints", 1, 1, lambda: similar.similar(services, "electricity-overbilling", "lahore", "x")),
        Step("file", 1, 1, file),
        Step("track (the citizen's case page)", 1, 1, lambda: complaints.track(services, citizen(), state["id"])),
        Step("route (intake worker)", 0, 1, lambda: route_case(services, state["id"])),
        Step(
            "acknowledge",
            2,
            2,
            lambda: actions.act(services, officer(office), state["id"], AcknowledgeIn(action="acknowledge"), None),
        ),
        Step("sweeper turns on this case", 0, 0, sweeps),
        Step("resolve", 2, 2, lambda: actions.act(services, officer(office), state["id"], resolve, None)),
        Step(
            "verdict",
            2,
            2,
            lambda: actions.give_feedback(services, citizen(), state["id"], FeedbackIn(satisfied=True, rating=5), None),
        ),
        Step("archive (sweeper, a year on)", 0, 0, archive_a_year_on),
    ][: None if archived else -1]
    measured: list[dict[str, Any]] = []
    notices = 0
    for step in steps:
        before = Counter(table.calls)
        puts = archive.puts
        started = time.process_time()
        out = step.run()
        sent = deliver_all()
        notices += sent
        cpu = time.process_time() - started
        calls = sum((Counter(table.calls) - before).values()) + archive.puts - puts
        swept = step.name.startswith("sweeper") or step.name.startswith("archive")
        measured.append(
            {
                "step": step.name,
                "api_requests": step.api_requests,
                "invocations": step.invocations + (1 if sent else 0) + (out if swept else 0),
                "aws_calls": calls + sent,
                "seconds": cpu + (calls + sent) * AWS_CALL_SECONDS,
            }
        )
    byte_months = stored_byte_months(table.history, started_at)
    horizon = started_at + 12 * STORAGE_YEARS * MONTH_SECONDS
    archived_at = float(state.get("archived_at", horizon))
    record = len(archive.objects.get(state["id"], b""))
    return {
        "steps": measured,
        "totals": dict(table.meter.totals),
        "stored_bytes": round(byte_months / (12 * STORAGE_YEARS)),
        "byte_months": byte_months,
        "notices": notices,
        "archive": {
            "puts": archive.puts,
            "record_bytes": record,
            "byte_months": record * max(0.0, horizon - archived_at) / MONTH_SECONDS,
            "months_in_table": (archived_at - started_at) / MONTH_SECONDS,
        },
    }


# Counters are shared: one item per (dimension, value, day or month, shard) counts every complaint that drew it.
# At this national volume (the Pakistan Citizen Portal's order: an assumption, stated) and with the seeded
# directory's number of values per dimension, spread evenly, a complaint's share of a counter item is
# 1 / (the complaints that share it), and never more than the whole item.
NATIONAL_COMPLAINTS_A_YEAR = 5_000_000
MONTH_SECONDS = 30.44 * 86400


def dimension_values() -> dict[str, int]:
    """How many values each counted dimension has in the seeded directory (the whole country: 1)."""
    from pathlib import Path

    seed = json.loads((Path(__file__).resolve().parent.parent / "infra" / "seed" / "directory.json").read_text())
    return {
        "all": 1,
        "level": len(seed["levels"]),
        "organisation": len(seed["organisations"]),
        "office": len(seed["offices"]),
        "category": len(seed["categories"]),
        "district": len(seed["districts"]),
    }


def sharers(item: Item) -> float:
    """How many complaints share this item: 1 but for counters (see NATIONAL_COMPLAINTS_A_YEAR)."""
    from chalicelib.store import keys

    pk, sk = str(item["PK"]), str(item["SK"])
    if not pk.startswith(f"{keys.Prefix.STAT}#") or pk.startswith(f"{keys.Prefix.STAT}#PAIRS#"):
        return 1.0
    dimension, _ = keys.stat_group_of(pk)
    per_day = NATIONAL_COMPLAINTS_A_YEAR / 365 / dimension_values().get(dimension, 1)
    per_item = per_day / keys.DAY_STAT_SHARDS if sk.startswith("DAY#") else per_day * 30.44 / keys.STAT_SHARDS
    return max(1.0, per_item)


def footprint(item: Item) -> int:
    """The item's bytes with its index copies and DynamoDB's overhead on each."""
    size = item_size(item) + ITEM_OVERHEAD_BYTES
    for index, (pk, sk) in INDEX_KEYS.items():
        if index and pk in item and sk in item:
            size += item_size(_projected(item, index)) + ITEM_OVERHEAD_BYTES
    return size


def kept_byte_months(item: Item, started_at: float) -> float:
    """The item's bytes (with its index copies and DynamoDB's overhead) × the months it is kept, this complaint's share.

    Kept `STORAGE_YEARS`, or until its time to live (`expires_at`) when it has one.
    """
    months = 12.0 * STORAGE_YEARS
    if "expires_at" in item:
        months = min(months, max(0.0, (float(item["expires_at"]) - started_at) / MONTH_SECONDS))
    return footprint(item) * months / sharers(item)


def stored_byte_months(history: dict[tuple[str, str], list[tuple[float, Item | None]]], started_at: float) -> float:
    """Storage integrated over time until `STORAGE_YEARS` after `started_at`, this complaint's share: each version of
    each item counts its footprint from when it was written until the next write of it (a smaller stub, a delete),
    its time to live, or the end; an item deleted at the archive counts until then, the stub after."""
    horizon = started_at + 12 * STORAGE_YEARS * MONTH_SECONDS
    total = 0.0
    for versions in history.values():
        ends = [at for at, _ in versions[1:]] + [horizon]
        for (at, item), until in zip(versions, ends, strict=True):
            if item is None:
                continue
            end = min(until, horizon, float(item["expires_at"]) if "expires_at" in item else horizon)
            if end > at:
                total += footprint(item) * (end - at) / MONTH_SECONDS / sharers(item)
    return total


def table_class() -> str:
    """The table class the stack deploys (infra/resources.json), which sets DynamoDB's prices."""
    from pathlib import Path

    resources = json.loads((Path(__file__).resolve().parent.parent / "infra" / "resources.json").read_text())
    return str(resources["Resources"]["Table"]["Properties"].get("TableClass", "STANDARD"))


def price(life: dict[str, Any], klass: str | None = None) -> dict[str, float]:
    p = PRICES
    infrequent = (klass or table_class()) == "STANDARD_INFREQUENT_ACCESS"
    request_factor = p["dynamodb_ia_request_factor"] if infrequent else 1.0
    storage = p["dynamodb_ia_storage_gb_month"] if infrequent else p["dynamodb_storage_gb_month"]
    totals = life["totals"]
    write_units = (
        totals.get("write_units", 0) + totals.get("write_units_transactional", 0) + totals.get("index_write_units", 0)
    )
    requests = sum(s["api_requests"] for s in life["steps"])
    invocations = sum(s["invocations"] for s in life["steps"])
    seconds = sum(s["seconds"] for s in life["steps"])
    gb_months = life["byte_months"] / 1e9
    logs_gb = invocations * LOG_BYTES_PER_INVOCATION / 1e9
    archive = life.get("archive", {})
    return {
        "dynamodb requests": (
            write_units * p["dynamodb_write_unit"] + totals.get("read_units", 0) * p["dynamodb_read_unit"]
        )
        * request_factor,
        f"dynamodb storage and backups ({STORAGE_YEARS} years)": gb_months * (storage + p["dynamodb_pitr_gb_month"]),
        "lambda": invocations * p["lambda_request"] + seconds * LAMBDA_MEMORY_GB * p["lambda_gb_second"],
        "api gateway (REST, with preflights)": 2 * requests * p["api_gateway_rest_request"],
        "sqs": (3 * (1 + life["notices"])) * p["sqs_request"],  # send, receive, delete per message
        "cloudwatch logs": logs_gb * (p["logs_ingested_gb"] + p["logs_stored_gb_month"] * LOG_RETENTION_MONTHS),
        f"s3 archive (PUT, storage to {STORAGE_YEARS} years)": archive.get("puts", 0) * p["s3_put_request"]
        + archive.get("byte_months", 0.0) / 1e9 * p["s3_standard_gb_month"],
    }


def main() -> None:
    # Quiet: the logic's log lines are not what this prints (set before the logic is imported)
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    sample = burst()
    print(
        f"National burst: {BURST_PER_MINUTE:,} complaints a minute, one category, one district, one office "
        f"({sample['complaints']:,} driven through the logic at that pace: {sample['seconds']:.1f} s of it)"
    )
    print("Writes, units a second, hottest keys (table or index, partition key):")
    for rate, (index, key) in sample["write"][:8]:
        flag = "  over the 1,000 limit" if rate > PARTITION_WCU else ""
        print(f"  {rate:10,.0f} WCU/s  {index:<5} {key}{flag}")
    print("Reads, units a second, hottest keys:")
    for rate, (index, key) in sample["read"][:5]:
        flag = "  over the 3,000 limit" if rate > PARTITION_RCU else ""
        print(f"  {rate:10,.0f} RCU/s  {index:<5} {key}{flag}")
    top_write, top_read = sample["write"][0], sample["read"][0]
    print(f"hottest write partition: {top_write[1][0]}:{top_write[1][1]} {top_write[0]:.0f} WCU/s")
    print(f"hottest read partition: {top_read[1][0]}:{top_read[1][1]} {top_read[0]:.0f} RCU/s")
    life = lifecycle()
    print()
    print("One complaint's life (600 characters, similar check to verdict, 20 days of sweeps, archived a year on):")
    for s in life["steps"]:
        print(
            f"  {s['step']:<34} {s['api_requests']} requests  {s['invocations']} invocations  "
            f"{s['aws_calls']:3} table and queue calls  {s['seconds'] * 1000:6.1f} ms"
        )
    totals = life["totals"]
    print(
        "  DynamoDB: "
        f"{totals.get('write_units', 0):.0f} write units + {totals.get('write_units_transactional', 0):.0f} transactional "
        f"+ {totals.get('index_write_units', 0):.0f} on indexes, {totals.get('read_units', 0):.1f} read units, "
        f"{life['stored_bytes']:,} bytes kept {STORAGE_YEARS} years on average (with index copies; an item with a time to "
        f"live for its life; a shared counter by this complaint's share); {life['notices']} notices delivered"
    )
    kept = life["archive"]
    print(
        f"  archive: the case whole in the table {kept['months_in_table']:.1f} months, then a stub; its record "
        f"({kept['record_bytes']:,} bytes) in S3 Standard to year {STORAGE_YEARS}"
    )
    klass = table_class()
    lines = price(life, klass)
    print(f"  (table class {klass}, infra/resources.json)")
    for name, cost in lines.items():
        print(f"  {name:<44} ${cost:.7f}")
    infrastructure = sum(lines.values())
    other = "STANDARD" if klass == "STANDARD_INFREQUENT_ACCESS" else "STANDARD_INFREQUENT_ACCESS"
    print(f"  the other table class, {other}, would cost ${sum(price(life, other).values()):.6f}")
    print(
        f"  without the archive (the case whole in the table to year {STORAGE_YEARS}), it would cost "
        f"${sum(price(lifecycle(archived=False), klass).values()):.6f}"
    )
    request_factor = PRICES["dynamodb_ia_request_factor"] if klass == "STANDARD_INFREQUENT_ACCESS" else 1.0
    counter_units = totals.get("counter_write_units", 0)
    counters = counter_units * PRICES["dynamodb_write_unit"] * request_factor
    api = lines["api gateway (REST, with preflights)"]
    print(
        f"  of which the statistics counters (exact: in each change's transaction) {counter_units:.0f} write units, "
        f"${counters:.7f}; without them and without API Gateway it would still cost ${infrastructure - counters - api:.6f}"
    )
    print(f"infrastructure cost per complaint: ${infrastructure:.6f}")
    print(f"  per million complaints a year: ${infrastructure * 1e6:,.0f}")
    citizen_notices = 5
    print("Separate lines (not infrastructure):")
    print(
        f"  e-mail, {citizen_notices} notices to an e-mail citizen (SES)   ${citizen_notices * PRICES['ses_email']:.5f}"
    )
    print(
        f"  SMS, {citizen_notices} notices to a phone citizen (SNS)        ${citizen_notices * PRICES['sns_sms_pakistan']:.4f}"
    )
    print(
        f"  identity, a citizen active that month (Cognito)   ${PRICES['cognito_essentials_mau']:.4f} Essentials, "
        f"${PRICES['cognito_lite_mau']:.4f} Lite"
    )
    print(
        json.dumps(
            {
                "hottest_write_wcu_s": round(top_write[0]),
                "hottest_read_rcu_s": round(top_read[0]),
                "cost": infrastructure,
            }
        )
    )


if __name__ == "__main__":
    main()
