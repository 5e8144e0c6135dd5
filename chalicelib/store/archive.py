"""Finished cases archived to S3 a year after they ended, leaving a slim stub in the table (docs/scale.md, "The archive").

A case's record is one JSON object in the archive bucket, `cases/<id>.json`: its case item, every timeline (EVT)
item and every history (HANDLED) item exactly as they were stored. Then one transaction, conditioned on the
version read and on the case not being archived yet, replaces the case item with its stub and deletes the EVT
items. Order makes it safe to repeat or to race: the object is written first, and again (the same content) by a
turn that finds the case still whole after a crash; two archivers of one case both write the same object and
only one transaction commits, the other fails its condition and the case is no longer due.

The stub keeps the keys, `version`, `archived_at`, the index keys of the citizen's list (GSI1) and, for a published
complaint, of its category's published months (GSI4) and the published lists (GSI5), and exactly what the readers of those lists render from it
(`STUB_FIELDS`): a list never reads S3. It drops the heavy attributes (the description, files, attributes, the
resolution and verdict, the private location details, the public trail of a private case, ...). It has no due key
(GSI3): nothing is due on an archived case, and a private case leaves its category's months (GSI4): their readers
(the similar check: 2 months; topics: 7 weeks; retraining: 12 filing months, which skips stubs) never want a stub,
and its copy there would be kept for the rest of the 5 years for nothing (~600 bytes). HANDLED items stay in the table: the office history lists them through
GSI2 and reads each case's stub, so an archived case still shows there; they are ~200 bytes each.

A reader of one case (`restore`) rebuilds the whole case and its timeline from the object.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

from chalicelib.models.complaints import Case
from chalicelib.models.errors import ConditionFailure, ServiceUnavailable, VersionConflict
from chalicelib.store import keys
from chalicelib.store.table import ARCHIVED, Delete, Item, Key, Put, Table

# A transaction holds at most 100 writes: the stub and this many timeline deletes; a longer timeline's other items
# are deleted in further transactions while the stub stays due (GSI3) until they are gone.
DELETES_WITH_STUB = 99
_DELETES_PER_WRITE = 100

# The index keys a stub keeps: the citizen's list (GSI1), the category's months (GSI4: a published complaint's
# only, `stub_of`), the published lists (GSI5).
STUB_KEYS = ("PK", "SK", "GSI1PK", "GSI1SK", "GSI4PK", "GSI4SK", "GSI5PK", "GSI5SK")
_PUBLISHED_MONTHS = f"{keys.Prefix.SERVICE}PUB#"  # keys.service_pk of a published partition
# What the lists render from a stub alone: a list line (logic/views.py summary: the citizen's list, the office
# history, the followed list's headline), the staff standing (workflow.standings), and a published complaint
# as Open311 and the followed list show it (logic/open311.py public_request, logic/metoo.py followed_view).
STUB_FIELDS = (
    "id",
    "kind",
    "status",
    "category_id",
    "subject",
    "citizen_sub",
    "office_id",
    "organisation_id",
    "level",
    "due_at",
    "paused_at",
    "extended_at",
    "delay",
    "transfers",
    "affected",
    "moderation_pending",
    "moderation_flag",
    "created_at",
    "updated_at",
    "closed_at",
    "closed_by",
    "published_at",
    "display_name",
    "public_subject",
    "hidden",
    "merged_into",
    "transfer_request",
    "feedback_kind",
    "version",
)
# A published complaint keeps what the public reads of it: its published text, its public steps, where it is.
PUBLISHED_FIELDS = ("public_description", "public_trail", "location")


_DEFAULTS = {name: field.default for name, field in Case.model_fields.items() if not field.is_required()}


class CaseArchive(Protocol):
    """The archive bucket: one object a case (`cases/<id>.json`)."""

    def put(self, case_id: str, body: bytes) -> None:
        """Store the case's record (overwriting an earlier one); ServiceUnavailable if it cannot."""

    def get(self, case_id: str) -> bytes | None:
        """The case's record, None when there is none; ServiceUnavailable if it cannot tell."""


def object_key(case_id: str) -> str:
    return f"cases/{case_id}.json"


def is_stub(item: Item) -> bool:
    return item.get(ARCHIVED) is not None


def stub_of(item: Item, archived_at: str) -> Item:
    """The stub that stands for the case item `item` once its record is archived (a field at the model's default
    is left out: reading the stub gives it back)."""
    stub: Item = {name: item[name] for name in STUB_KEYS if name in item}
    stub.update(
        {name: item[name] for name in STUB_FIELDS if item.get(name) is not None and item[name] != _DEFAULTS.get(name)}
    )
    published = item.get("kind", "complaint") == "complaint" and item.get("published_at") is not None
    if published:
        stub.update({name: item[name] for name in PUBLISHED_FIELDS if item.get(name) is not None})
    elif isinstance(item.get("location"), dict):
        stub["location"] = {"district": item["location"]["district"]}  # a list line shows the district alone
    if not str(stub.get("GSI4PK", "")).startswith(_PUBLISHED_MONTHS):
        stub.pop("GSI4PK", None)  # a private case leaves its category's months (the module's text)
        stub.pop("GSI4SK", None)
    stub[ARCHIVED] = archived_at
    return stub


def listed(item: Item) -> Item:
    """A case item as a list reads it: a stub with what it dropped and the model requires (the description)."""
    return {"description": "", **item} if is_stub(item) else item


def record_of(case: Item, events: Sequence[Item], handled: Sequence[Item]) -> bytes:
    """The archived record: the items exactly as stored, in a stable form (the same items give the same bytes)."""
    record = {"case": case, "events": list(events), "handled": list(handled)}
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def restore(archive: CaseArchive | None, stub: Item) -> tuple[Item, list[Item]]:
    """The whole case item (marked archived) and its timeline items, from the record of the case `stub` stands for."""
    case_id = keys.case_id_of(str(stub["PK"]))
    body = archive.get(case_id) if archive is not None else None
    if body is None:
        # The record is written before the stub, so an archived case without one is an outage (or no bucket).
        raise ServiceUnavailable("the archived case cannot be read now, try again shortly")
    record: dict[str, Any] = json.loads(body)
    case: Item = {**record["case"], ARCHIVED: stub[ARCHIVED]}
    return case, sorted(record["events"], key=lambda e: str(e["SK"]))


def partition(table: Table, case_id: str) -> list[Item]:
    """Every item of the case's partition (case, timeline, history, followers), in one Query paged."""
    items: list[Item] = []
    start: Key | None = None
    while True:
        page = table.query(keys.case_pk(case_id), limit=200, start_key=start)
        items.extend(page.items)
        if not page.last_key:
            return items
        start = page.last_key


def archive_case(table: Table, archive: CaseArchive, case_id: str, at: str) -> bool:
    """Archive the case (its record to S3, then the stub); True when it is archived now or was already.

    VersionConflict when the case changed since it was read, or another turn archived it meanwhile (nothing of
    this turn is in the table; the record it wrote is the same, or is written again by the next turn);
    ServiceUnavailable when S3 or the table cannot take it now; False when the timeline read was incomplete
    (fewer timeline items than the case counts: an eventually consistent read that missed a new one).
    """
    items = partition(table, case_id)
    case = next((i for i in items if i["SK"] == keys.CASE_SK), None)
    if case is None:
        return True
    events = [i for i in items if str(i["SK"]).startswith(keys.EVENT_SK_PREFIX)]
    if is_stub(case):
        _finish(table, case, events)  # an earlier turn committed the stub; its timeline may have items left
        return True
    if len(events) != int(case.get("event_seq", len(events))):
        return False
    handled = [i for i in items if str(i["SK"]).startswith(keys.HANDLED_SK_PREFIX)]
    archive.put(case_id, record_of(case, events, handled))
    first, rest = events[:DELETES_WITH_STUB], events[DELETES_WITH_STUB:]
    stub = stub_of(case, at)
    if rest:
        stub.update({"next_check_at": at, **keys.due_gsi(at, case_id)})  # due until its last timeline item is gone
    try:
        table.transact(
            [
                Put(stub, expect_version=int(case["version"]), archived=False),
                *(Delete({"PK": e["PK"], "SK": e["SK"]}) for e in first),
            ]
        )
    except ConditionFailure as exc:
        # Changed since read (its next check is set anew by that change), or archived by another turn meanwhile.
        raise VersionConflict("the case changed while it was being archived") from exc
    if rest:
        _finish(table, stub, rest)
    return True


def _finish(table: Table, stub: Item, events: Sequence[Item]) -> None:
    """Delete the timeline items a stub's transaction could not hold, then take the stub out of the due index."""
    for start in range(0, len(events), _DELETES_PER_WRITE):
        table.transact([Delete({"PK": e["PK"], "SK": e["SK"]}) for e in events[start : start + _DELETES_PER_WRITE]])
    if "GSI3PK" in stub:
        done = {k: v for k, v in stub.items() if k not in ("GSI3PK", "GSI3SK", "next_check_at")}
        table.transact([Put(done, expect_version=int(stub["version"]), archived=True)])
