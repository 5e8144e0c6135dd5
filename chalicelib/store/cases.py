"""Cases and their timelines in the table: item mapping and conditional writes."""

from __future__ import annotations

import heapq
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from chalicelib.logic.clock import parse_time
from chalicelib.models.complaints import (
    DUE_INDEXED_STATUSES,
    FINISHED_STATUSES,
    NOT_SURE,
    OPEN_STATUSES,
    Case,
    TimelineEvent,
)
from chalicelib.models.errors import ConditionFailure, InvalidCursor, NewCaseRefused, VersionConflict
from chalicelib.models.notifications import Notification
from chalicelib.store import archive as archive_store
from chalicelib.store import keys
from chalicelib.store import stats as stat_store
from chalicelib.store.archive import CaseArchive
from chalicelib.store.table import (
    Delete,
    Increment,
    Item,
    Key,
    Page,
    Put,
    SortCondition,
    Table,
    Write,
)


@dataclass(frozen=True)
class CountedOnce:
    """Counters that count only with their marker, a conditional put that fails once the marker exists."""

    marker: Put
    counters: Sequence[Increment]


@dataclass(frozen=True)
class Handled:
    """An office let a case go (`outcome`: resolved, rejected, escalated, transferred…): its history entry."""

    office_id: str
    outcome: str
    at: str


@dataclass(frozen=True)
class CaseChange:
    """Everything one state change writes, in one transaction."""

    case: Case
    events: Sequence[TimelineEvent]
    notifications: Sequence[Notification] = ()
    counters: Sequence[Increment] = ()
    # Counted only the first time (a citizen's rating of an office in a month); new cases only.
    once: Sequence[CountedOnce] = ()
    # History entries of the offices that let the case go; offices whose entry ends (the case is back with them).
    handled: Sequence[Handled] = ()
    back_with: Sequence[str] = ()
    # Other writes of the same change (the audit entry of a moderation).
    also: Sequence[Write] = ()

    def uncounted(self) -> CaseChange:
        """The same change without what counts only once: written again after a marker was found."""
        return replace(self, once=())


def case_item(case: Case) -> Item:
    item: Item = {"PK": keys.case_pk(case.id), "SK": keys.CASE_SK, **case.model_dump()}
    item.update(keys.citizen_gsi(case.citizen_sub, case.created_at, case.id, case.kind))
    open_case = case.status in OPEN_STATUSES
    if open_case and case.office_id and case.due_at:
        item.update(keys.office_queue_gsi(case.office_id, case.due_at, case.id))
    elif awaits_triage(case) and case.triage is not None:
        item.update(keys.triage_gsi(case.triage.since, case.id))
    if case.status in DUE_INDEXED_STATUSES and case.next_check_at:
        item.update(keys.due_gsi(case.next_check_at, case.id))
    public = case.kind == "complaint" and case.published_at is not None
    closed = case.status in FINISHED_STATUSES
    if case.status != "submitted":
        # In the category's index once routed (seconds after filing), not before: at a national burst each
        # complaint then writes the index once, not twice, which is what lets 3 shards carry it (keys.py).
        item.update(keys.service_gsi(case.category_id, case.created_at, case.id, public=public, closed=closed))
    if public:
        item.update(keys.published_gsi(case.created_at, case.id, closed=closed))
    return item


def awaits_triage(case: Case) -> bool:
    """Whether the case waits in the triage queue: filed "not sure" of its category, and nobody has chosen it yet."""
    return (
        case.status == "submitted"
        and case.category_id == NOT_SURE
        and case.triage is not None
        and case.triage.categorised_at is None
    )


def event_item(case_id: str, seq: int, event: TimelineEvent, actor_sub: str | None) -> Item:
    return {
        "PK": keys.case_pk(case_id),
        "SK": keys.event_sk(event.at, seq),
        "actor_sub": actor_sub,
        **event.model_dump(exclude_none=True),
    }


def inbox_pk(*, sub: str | None = None, office_id: str | None = None, note_id: str | None = None) -> str:
    """A person's in-app inbox, or (the shard `note_id` draws of) the one an office's staff share."""
    if sub:
        return keys.user_pk(sub)
    if office_id:
        return keys.office_inbox_pk(office_id, note_id)
    raise ValueError("an inbox belongs to a person or an office")


# An in-app notice is kept a year, then expires (TTL): the case's timeline keeps what happened for good.
NOTICE_KEPT_DAYS = 365


def notification_item(note: Notification) -> Item:
    expires_at = int(parse_time(note.at).timestamp()) + NOTICE_KEPT_DAYS * 86400
    return {
        "PK": inbox_pk(sub=note.sub, office_id=note.office_id, note_id=note.id),
        "SK": keys.note_sk(note.at, note.id),
        "id": note.id,
        "at": note.at,
        "template": note.template,
        "params": note.params,
        "case_id": note.case_id,
        "expires_at": expires_at,
    }


def handled_item(case: Case, entry: Handled) -> Item:
    """An office's history entry of a case: in the case's partition, listed by GSI2 under the office's history."""
    return {
        **keys.handled_key(case.id, entry.office_id),
        **keys.office_history_gsi(entry.office_id, entry.at, case.id),
        "case_id": case.id,
        "office_id": entry.office_id,
        "kind": case.kind,
        "outcome": entry.outcome,
        "left_at": entry.at,
    }


def _writes_for(change: CaseChange, *, first_seq: int, actor_sub: str | None) -> list[Write]:
    writes: list[Write] = []
    for offset, event in enumerate(change.events):
        writes.append(Put(event_item(change.case.id, first_seq + offset, event, actor_sub)))
    writes.extend(Put(notification_item(n)) for n in change.notifications)
    writes.extend(change.counters)
    # One entry per (office, case): a later letting-go replaces the earlier one.
    writes.extend(Put(handled_item(change.case, entry), overwrite=True) for entry in change.handled)
    writes.extend(Delete(keys.handled_key(change.case.id, office_id)) for office_id in change.back_with)
    return writes


def create_case(
    table: Table,
    change: CaseChange,
    *,
    actor_sub: str,
    idempotency: Item | None = None,
    quota: Increment | None = None,
) -> None:
    """Write a new case, its first events, counters, the idempotency record and the quota's count together.

    Raises NewCaseRefused saying which part failed its condition: the id is taken, the
    idempotency key was used already, the quota's counter is at its ceiling, or a marker of
    what counts only once exists (then `change.uncounted()` is the change to write instead).
    """
    writes: list[Write] = [Put(case_item(change.case))]
    writes.extend(_writes_for(change, first_seq=1, actor_sub=actor_sub))
    key_at = quota_at = -1
    if idempotency is not None:
        key_at = len(writes)
        writes.append(Put(idempotency))
    if quota is not None:
        quota_at = len(writes)
        writes.append(quota)
    markers_at = set()
    for once in change.once:
        markers_at.add(len(writes))
        writes.append(once.marker)
        writes.extend(once.counters)
    try:
        table.transact(writes)
    except ConditionFailure as exc:
        failed = set(exc.failed_indexes)
        raise NewCaseRefused(
            id_taken=0 in failed,
            key_used=key_at in failed,
            over_limit=quota_at in failed,
            counted_already=bool(markers_at & failed),
        ) from exc


def save_change(table: Table, change: CaseChange, *, expected_version: int, actor_sub: str | None) -> None:
    """Apply a state change if nobody changed the case since `expected_version`."""
    if change.once:
        raise ValueError("what counts only once is counted when a case is created (create_case)")
    first_seq = change.case.event_seq - len(change.events) + 1
    # Never onto an archived case's stub: the logic refuses first (CaseArchived), this is the safety net.
    writes: list[Write] = [Put(case_item(change.case), expect_version=expected_version, archived=False)]
    writes.extend(_writes_for(change, first_seq=first_seq, actor_sub=actor_sub))
    writes.extend(change.also)
    try:
        table.transact(writes)
    except ConditionFailure as exc:
        if 0 in exc.failed_indexes:
            raise VersionConflict("the case changed since you read it; reload and try again") from exc
        raise


def save_changes(
    table: Table, changes: Sequence[tuple[CaseChange, int]], *, actor_sub: str | None, also: Sequence[Write] = ()
) -> None:
    """Apply changes of several cases (each at the version read) and `also` in one transaction (a merge).

    VersionConflict when one of the cases changed since; ConditionFailure when something of `also` failed.
    """
    writes: list[Write] = [Put(case_item(c.case), expect_version=v, archived=False) for c, v in changes]
    for change, _ in changes:
        first_seq = change.case.event_seq - len(change.events) + 1
        writes.extend(_writes_for(replace(change, counters=()), first_seq=first_seq, actor_sub=actor_sub))
        writes.extend(change.also)
    # One write per counter item, whichever change counted on it.
    writes.extend(stat_store.merged([i for c, _ in changes for i in c.counters]))
    writes.extend(also)
    try:
        table.transact(writes)
    except ConditionFailure as exc:
        if set(exc.failed_indexes) & set(range(len(changes))):
            raise VersionConflict("a case changed since you read it; reload and try again") from exc
        raise


def listed_case(item: Item) -> Case:
    """A case as a list shows it: an archived case's stub holds what a list line needs (store/archive.py)."""
    return Case.model_validate(archive_store.listed(item))


def get_case(table: Table, case_id: str, archive: CaseArchive | None = None) -> Case | None:
    """The case (one GetItem). Archived: with `archive`, the whole case from its record (one GetObject more);
    without, its stub as a list shows it (`archived_at` set), enough for a guard or a refusal, never to show whole."""
    item = table.get({"PK": keys.case_pk(case_id), "SK": keys.CASE_SK})
    if item is None:
        return None
    if archive_store.is_stub(item) and archive is not None:
        return Case.model_validate(archive_store.restore(archive, item)[0])
    return listed_case(item)


def get_case_with_timeline(
    table: Table, case_id: str, archive: CaseArchive | None
) -> tuple[Case, list[TimelineEvent]] | None:
    """The case and its whole timeline in one Query of the case's partition (and its record, once archived)."""
    found = get_case_with_history(table, case_id, archive)
    return (found[0], found[1]) if found else None


def get_case_with_history(
    table: Table, case_id: str, archive: CaseArchive | None
) -> tuple[Case, list[TimelineEvent], list[str]] | None:
    """The case, its whole timeline and the offices that had it and let it go, in one Query of its partition.

    An archived case (its stub in the table) is rebuilt whole from its record in `archive` (one GetObject);
    its history entries stay in the table.
    """
    items = archive_store.partition(table, case_id)
    case = next((i for i in items if i["SK"] == keys.CASE_SK), None)
    if case is None:
        return None
    timeline = [i for i in items if i["SK"].startswith(keys.EVENT_SK_PREFIX)]
    if archive_store.is_stub(case):
        case, timeline = archive_store.restore(archive, case)
    events = [TimelineEvent.model_validate(i) for i in timeline]
    handled = [str(i["office_id"]) for i in items if i["SK"].startswith(keys.HANDLED_SK_PREFIX)]
    return Case.model_validate(case), events, handled


def _check_start(start: Key | None, expected: Key, prefixes: Key) -> None:
    """A start key must be one this Query could have returned: the same attributes, the same partition.

    Positions reach the store only from cursors this service signed; this is the defence in
    depth that keeps a wrong one from ever reaching DynamoDB as an ExclusiveStartKey.
    """
    if start is None:
        return
    if set(start) != set(expected) | set(prefixes) or not all(isinstance(v, str) for v in start.values()):
        raise InvalidCursor()
    if any(start[name] != value for name, value in expected.items()):
        raise InvalidCursor()
    if any(not start[name].startswith(prefix) or start[name] == prefix for name, prefix in prefixes.items()):
        raise InvalidCursor()


def citizen_cases(
    table: Table, sub: str, *, limit: int, start: Key | None, kind: str = "complaint"
) -> tuple[list[Case], Key | None]:
    """One page of a citizen's cases of one kind, newest first, and where the next page starts (or None)."""
    pk = keys.citizen_pk(sub, kind)
    _check_start(start, {"GSI1PK": pk, "SK": keys.CASE_SK}, {"PK": keys.case_pk(""), "GSI1SK": ""})
    if start and not start["GSI1SK"].endswith("#" + keys.case_id_of(start["PK"])):
        raise InvalidCursor()  # the index key of another case than the one named
    page = table.query(pk, index="GSI1", newest_first=True, limit=limit, start_key=start)
    return [listed_case(i) for i in page.items], page.last_key


_MAX_SORT_KEY_BYTES = 1024  # DynamoDB's limit on a sort key value


def office_queue(
    table: Table,
    office_ids: Sequence[str],
    *,
    limit: int,
    start: Key | None,
    due_before: str | None = None,
) -> tuple[list[Case], Key | None]:
    """Open cases of several offices, soonest deadline first: a k-way merge of one Query per office and shard.

    Queue positions (`<due>#<id>`) are unique across offices, so `start` is one position
    (`{"GSI2SK": …}`) and the next one comes back, or None at the end (`merged_query`); its size
    does not grow with the offices a page crosses. `due_before` keeps only cases whose deadline
    has passed (a key condition, not a filter).
    """
    after = _queue_position(start)
    sort: SortCondition | None = SortCondition(">", after) if after else None
    if due_before is not None:
        lower = after + "\x00" if after else ""
        if lower > due_before:
            return [], None  # everything overdue was shown already
        sort = SortCondition("between", lower, due_before) if after else SortCondition("<=", due_before)
    pks = [pk for office_id in office_ids for pk in keys.office_queue_pks(office_id)]
    shown, position = merged_query(table, pks, "GSI2", "GSI2SK", sort=sort, newest_first=False, limit=limit)
    return [listed_case(i) for i in shown], ({"GSI2SK": position} if position else None)


def merged_query(
    table: Table,
    pks: Sequence[str],
    index: str | None,
    position_of: str,
    *,
    sort: SortCondition | None,
    newest_first: bool,
    limit: int,
) -> tuple[list[Item], str | None]:
    """One page of several partitions read as one list (offices, or the shards of one): a Query each, merged.

    Positions (the sort key, `position_of`) are unique across the partitions, so one position says where
    the next page starts in all of them: the page that ends at it showed everything before it. A Query
    that stops short (the page limit, or DynamoDB's 1 MB) may hide items that sort before another
    partition's, so the page ends at the nearest position where one stopped. Returns the page and the
    position the next page starts after (None at the end).
    """
    streams: list[list[Item]] = []
    stopped_at: str | None = None
    more_on_server = False
    nearest = max if newest_first else min
    for pk in pks:
        page: Page = table.query(pk, index=index, sort=sort, newest_first=newest_first, limit=limit)
        streams.append(page.items)
        if page.last_key is not None and page.items:
            last = page.items[-1][position_of]
            stopped_at = last if stopped_at is None else nearest(stopped_at, last)
        more_on_server = more_on_server or page.last_key is not None
    merged = heapq.merge(*streams, key=lambda i: i[position_of], reverse=newest_first)
    known = [
        i
        for i in merged
        if stopped_at is None or (i[position_of] >= stopped_at if newest_first else i[position_of] <= stopped_at)
    ]
    shown = known[:limit]
    has_more = len(known) > limit or more_on_server
    return shown, (shown[-1][position_of] if has_more and shown else None)


def _queue_position(start: Key | None) -> str | None:
    """The queue position a start key names; anything else is an InvalidCursor."""
    if start is None:
        return None
    position = start.get("GSI2SK")
    if set(start) != {"GSI2SK"} or not isinstance(position, str) or "#" not in position:
        raise InvalidCursor()
    if len(position.encode()) > _MAX_SORT_KEY_BYTES:
        raise InvalidCursor()  # DynamoDB would refuse it in a key condition: a 503, not a 400
    return position


def triage_queue(table: Table, *, limit: int, start: Key | None) -> tuple[list[Case], Key | None]:
    """One page of the triage queue (GSI2), oldest first, and where the next page starts (or None)."""
    _check_start(start, {"GSI2PK": keys.TRIAGE_PK, "SK": keys.CASE_SK}, {"PK": keys.case_pk(""), "GSI2SK": ""})
    if start and not start["GSI2SK"].endswith("#" + keys.case_id_of(start["PK"])):
        raise InvalidCursor()
    page = table.query(keys.TRIAGE_PK, index="GSI2", limit=limit, start_key=start)
    return [listed_case(i) for i in page.items], page.last_key


def office_history(
    table: Table, office_ids: Sequence[str], *, limit: int, start: Key | None
) -> tuple[list[Item], Key | None]:
    """History entries of several offices, newest first: a k-way merge of one Query per office, as the queue's.

    Positions (`<left at>#<case id>`) are unique within an office; one position says where the next
    page starts in every office (`{"GSI2SK": …}`, `merged_query`). The entries come as stored
    (`case_id`, `office_id`, `kind`, `outcome`, `left_at`); the cases are read apart.
    """
    before = _queue_position(start)
    sort = SortCondition("<", before) if before else None
    pks = [keys.office_history_pk(office_id) for office_id in office_ids]
    shown, position = merged_query(table, pks, "GSI2", "GSI2SK", sort=sort, newest_first=True, limit=limit)
    return shown, ({"GSI2SK": position} if position else None)


def due_case_ids(table: Table, months: Sequence[str], *, until_iso: str, page_size: int = 100) -> list[str]:
    """Ids of cases whose next check, in one of `months` (`YYYY-MM`), is at or before `until_iso`.

    One Query per (month, shard) of the keys-only due index, paged.
    """
    ids: list[str] = []
    for month in months:
        for shard in range(keys.DUE_SHARDS):
            start: Key | None = None
            while True:
                page = table.query(
                    keys.due_pk(month, shard),
                    index="GSI3",
                    sort=SortCondition("<=", until_iso + "\uffff"),
                    limit=page_size,
                    start_key=start,
                )
                ids.extend(keys.case_id_of(item["PK"]) for item in page.items)
                if not page.last_key:
                    break
                start = page.last_key
    return ids


def latest_service_cases(table: Table, service_code: str, month: str, *, public: bool, limit: int) -> list[Case]:
    """GSI4: about `limit` of the newest open (routed) cases of one service filed in `month`, private or published.

    A private partition's shards each give their newest `limit / shards` (a Query each), merged newest
    first: the shards are drawn from case ids, so at a burst these are the newest cases of the month but
    for a few at the edges, and the hot key is read no more than a single one was.
    """
    pks = keys.service_pks(service_code, month, public=public, closed=False)
    each = -(-limit // len(pks))
    streams = [table.query(pk, index="GSI4", newest_first=True, limit=each).items for pk in pks]
    merged = heapq.merge(*streams, key=lambda i: i["GSI4SK"], reverse=True)
    return [listed_case(item) for item in list(merged)[:limit]]


def published_in_service(
    table: Table,
    service_code: str,
    month: str,
    window: tuple[str, str],
    *,
    closed: bool,
    limit: int,
    start: Key | None = None,
) -> tuple[list[Case], Key | None]:
    """GSI4, published partitions: one page of a service's open (or closed) published complaints of `month`."""
    page = table.query(
        keys.service_pk(service_code, month, public=True, closed=closed),
        index="GSI4",
        sort=SortCondition("between", window[0], window[1] + "\uffff"),
        newest_first=True,
        limit=limit,
        start_key=start,
    )
    return [listed_case(item) for item in page.items], page.last_key


def published_ids(
    table: Table, month: str, window: tuple[str, str], *, closed: bool, limit: int, start: Key | None = None
) -> tuple[list[tuple[str, str]], Key | None]:
    """GSI5 (keys only): one page of (filed#id, id) of open (or closed) complaints published and filed in `month`."""
    page = table.query(
        keys.published_pk(month, closed=closed),
        index="GSI5",
        sort=SortCondition("between", window[0], window[1] + "\uffff"),
        newest_first=True,
        limit=limit,
        start_key=start,
    )
    return [(item["GSI5SK"], keys.case_id_of(item["PK"])) for item in page.items], page.last_key


def cases_by_ids(table: Table, case_ids: Sequence[str], archive: CaseArchive | None = None) -> list[Case]:
    """The cases among `case_ids` that exist, in the order asked (BatchGetItem, 100 keys a call).

    Archived ones as their stubs show them in a list (`listed_case`: no S3 read, what public lists need); with
    `archive`, whole from their records (one GetObject each), for a list that shows more than a stub holds.
    """
    items = table.get_many([{"PK": keys.case_pk(i), "SK": keys.CASE_SK} for i in dict.fromkeys(case_ids)])
    found = {
        keys.case_id_of(item["PK"]): (
            Case.model_validate(archive_store.restore(archive, item)[0])
            if archive is not None and archive_store.is_stub(item)
            else listed_case(item)
        )
        for item in items
    }
    return [found[i] for i in case_ids if i in found]


def get_idempotency(table: Table, sub: str, key: str) -> Item | None:
    return table.get(keys.idempotency_key(sub, key))


def idempotency_item(sub: str, key: str, body_hash: str, response: dict[str, Any], expires_at: int) -> Item:
    return {
        **keys.idempotency_key(sub, key),
        "body_hash": body_hash,
        # As JSON text: the replay must be byte-for-byte the first answer, nulls included.
        "response": json.dumps(response, ensure_ascii=False, separators=(",", ":")),
        "expires_at": expires_at,
    }


def inbox(
    table: Table, *, sub: str | None = None, office_id: str | None = None, limit: int, start: Key | None
) -> tuple[list[Item], Key | None]:
    """A person's or an office's in-app notifications, newest first, and where the next page starts (or None).

    An office's inbox is sharded (every filing at a burst writes it): its shards are merged, and its
    position is the notice's sort key alone (`{"SK": …}`), unique across shards.
    """
    if office_id and not sub:
        before = _inbox_position(start)
        # The partition holds notices only, so "before the last one shown" needs no prefix.
        sort = SortCondition("<", before) if before else SortCondition("begins_with", keys.NOTE_SK_PREFIX)
        shown, position = merged_query(
            table, keys.office_inbox_pks(office_id), None, "SK", sort=sort, newest_first=True, limit=limit
        )
        return shown, ({"SK": position} if position else None)
    pk = inbox_pk(sub=sub, office_id=office_id)
    _check_start(start, {"PK": pk}, {"SK": keys.NOTE_SK_PREFIX})
    page = table.query(
        pk,
        sort=SortCondition("begins_with", keys.NOTE_SK_PREFIX),
        newest_first=True,
        limit=limit,
        start_key=start,
    )
    return page.items, page.last_key


def _inbox_position(start: Key | None) -> str | None:
    """The notice an office's inbox page ended at; anything else is an InvalidCursor."""
    if start is None:
        return None
    position = start.get("SK")
    if set(start) != {"SK"} or not isinstance(position, str) or not position.startswith(keys.NOTE_SK_PREFIX):
        raise InvalidCursor()
    if len(position) <= len(keys.NOTE_SK_PREFIX) or len(position.encode()) > _MAX_SORT_KEY_BYTES:
        raise InvalidCursor()
    return position


def office_has_open_cases(table: Table, office_id: str) -> bool:
    """Whether any case is open at the office (one item read from each shard of its queue, GSI2, until one is found)."""
    return any(table.query(pk, index="GSI2", limit=1).items for pk in keys.office_queue_pks(office_id))
