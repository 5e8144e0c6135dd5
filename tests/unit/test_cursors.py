"""List cursors: signed, bound to the caller and the query, and short-lived."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.logic import complaints, cursors, feedback, information, notifications, officer
from chalicelib.logic.pii import Keyring
from chalicelib.logic.ports import Services
from chalicelib.models.common import Listing, Principal
from chalicelib.models.directory import Office
from chalicelib.models.errors import InvalidCursor
from chalicelib.models.limits import DailyLimits
from chalicelib.store import cases as case_store
from chalicelib.store import keys
from chalicelib.store.table import Key, Page, SortCondition
from tests.fakes import Clock, citizen, make_services, routed_complaint, small_directory
from tests.fakes import officer as officer_principal
from tests.memory_table import MemoryTable

POSITION = {"PK": "CASE#C-2611-0001", "SK": "CASE"}
SCOPE = cursors.scope_of("own_cases", "citizen-1", kind="complaint")


def test_a_sealed_position_unseals_unchanged_for_the_same_scope() -> None:
    # Given a token sealed for one caller's query
    services, _, _ = make_services()
    token = cursors.seal(services, POSITION, SCOPE)
    # Then it is URL-safe text that carries the position back, and no token is no position
    assert token.replace("-", "").replace("_", "").replace(".", "").isalnum()
    assert cursors.unseal(services, token, SCOPE) == POSITION
    assert cursors.unseal(services, None, SCOPE) is None
    assert cursors.unseal(services, "", SCOPE) is None


def test_scopes_name_the_list_the_caller_and_every_filter() -> None:
    scope = cursors.scope_of("office_queue", "officer-1", status=None, kind="complaint", overdue=True)
    assert scope == "office_queue|officer-1|kind=complaint|overdue=true|status="


def test_any_one_character_changed_is_refused() -> None:
    # Given a valid token
    services, _, _ = make_services()
    token = cursors.seal(services, POSITION, SCOPE)
    # When any one character of its payload or its tag is changed
    for index, char in enumerate(token):
        if char == ".":
            continue
        for other in ("A", "B", "_"):
            if other == char:
                continue
            tampered = token[:index] + other + token[index + 1 :]
            # Then it is refused
            with pytest.raises(InvalidCursor):
                cursors.unseal(services, tampered, SCOPE)


def test_a_token_of_another_scope_is_refused() -> None:
    services, _, _ = make_services()
    token = cursors.seal(services, POSITION, SCOPE)
    for other in (
        cursors.scope_of("own_cases", "citizen-2", kind="complaint"),
        cursors.scope_of("own_cases", "citizen-1", kind="information"),
        cursors.scope_of("inbox", "citizen-1"),
    ):
        with pytest.raises(InvalidCursor):
            cursors.unseal(services, token, other)


def test_a_token_signed_under_another_key_is_refused() -> None:
    services, _, _ = make_services()
    elsewhere, _, _ = make_services()
    elsewhere.pii_keys = lambda: Keyring.single(bytes(32))
    with pytest.raises(InvalidCursor):
        cursors.unseal(services, cursors.seal(elsewhere, POSITION, SCOPE), SCOPE)


def test_a_token_older_than_a_day_is_stale() -> None:
    # Given a token issued now
    services, _, clock = make_services()
    token = cursors.seal(services, POSITION, SCOPE)
    # Then it still works 23 hours on, and no longer 25 hours on
    clock.advance(hours=23)
    assert cursors.unseal(services, token, SCOPE) == POSITION
    clock.advance(hours=2)
    with pytest.raises(InvalidCursor):
        cursors.unseal(services, token, SCOPE)


@pytest.mark.parametrize(
    "garbage",
    ["garbage", ".", "a.", ".a", "a.b.c", "eyJ9.", "eyJ9.eyJ9", "not base64!.x", "AAAA.AAAA", "🙂.🙂", "a\nb.c"],
)
def test_garbage_is_refused(garbage: str) -> None:
    services, _, _ = make_services()
    with pytest.raises(InvalidCursor):
        cursors.unseal(services, garbage, SCOPE)


def test_an_over_long_token_is_refused_before_it_is_decoded() -> None:
    # Given a token whose position is too big to be one of ours, though correctly signed
    services, _, _ = make_services()
    token = cursors.seal(services, {"PK": "x" * 2000}, SCOPE)
    assert len(token) > cursors.MAX_TOKEN
    # Then it is refused
    with pytest.raises(InvalidCursor):
        cursors.unseal(services, token, SCOPE)


def test_a_signed_position_of_the_wrong_shape_is_refused() -> None:
    services, _, _ = make_services()
    token = cursors.seal(services, {"PK": 7}, SCOPE)  # type: ignore[dict-item]
    with pytest.raises(InvalidCursor):
        cursors.unseal(services, token, SCOPE)


# --- the lists that hand out cursors -------------------------------------------

Lister = Callable[[Services, Principal, str | None, int], Listing[Any]]
HEAD = officer_principal("lesco-hq")


def own_complaints(services: Services, who: Principal, cursor: str | None, limit: int = 2) -> Listing[Any]:
    return complaints.list_own(services, who, limit, cursor)


def office_queue(services: Services, who: Principal, cursor: str | None, limit: int = 2) -> Listing[Any]:
    return officer.office_queue(services, who, limit=limit, cursor=cursor)


def inbox(services: Services, who: Principal, cursor: str | None, limit: int = 2) -> Listing[Any]:
    return notifications.list_mine(services, who, limit, cursor)


LISTS: dict[str, tuple[Lister, Principal]] = {
    "own_complaints": (own_complaints, citizen()),
    "office_queue": (office_queue, HEAD),
    "inbox": (inbox, citizen()),
    "office_inbox": (inbox, officer_principal("lesco-lahore")),
}


def with_cases(count: int = 5) -> tuple[Services, MemoryTable, Clock]:
    """Services over a table holding `count` complaints of citizen-1, routed to two offices, minutes apart."""
    table = MemoryTable()
    services, _, clock = make_services(table)
    for n in range(count):
        routed_complaint(services, "kasur" if n % 2 else "lahore")
        clock.advance(minutes=5)
    return services, table, clock


def second_page_cursor(name: str) -> tuple[Services, MemoryTable, Clock, str]:
    services, table, clock = with_cases()
    lister, who = LISTS[name]
    cursor = lister(services, who, None, 2).next_cursor
    assert cursor is not None
    table.calls.clear()
    return services, table, clock, cursor


def refused(table: MemoryTable, call: Callable[[], object]) -> None:
    """The call is a 400 invalid_cursor, and the table was not asked anything."""
    with pytest.raises(InvalidCursor) as raised:
        call()
    assert [d.field for d in raised.value.details] == ["cursor"]
    assert table.calls == []


@pytest.mark.parametrize("name", LISTS)
def test_paging_through_a_list_shows_every_item_once(name: str) -> None:
    # Given a list longer than a page
    services, _, _ = with_cases()
    lister, who = LISTS[name]
    # When its pages are followed to the end
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = lister(services, who, cursor, 2)
        seen.extend(item.id for item in page.items)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    # Then every item came once, in the order of one long page
    everything = lister(services, who, None, 100).items
    assert pages >= 2
    assert seen == [item.id for item in everything] and len(set(seen)) == len(seen)


@pytest.mark.parametrize("name", LISTS)
def test_a_cursor_with_one_character_changed_is_refused(name: str) -> None:
    # Given the cursor to a list's second page
    services, table, _, cursor = second_page_cursor(name)
    lister, who = LISTS[name]
    payload, tag = cursor.split(".")
    # When one character of its payload, or of its tag, is changed
    for tampered in (f"{flip(payload)}.{tag}", f"{payload}.{flip(tag)}"):
        # Then it is refused before the table is asked
        refused(table, partial(lister, services, who, tampered, 2))


def flip(text: str, at: int = 3) -> str:
    return text[:at] + ("B" if text[at] != "B" else "C") + text[at + 1 :]


@pytest.mark.parametrize(
    ("name", "someone_else"),
    [
        pytest.param("own_complaints", citizen("citizen-2"), id="own_complaints-another-citizen"),
        pytest.param("office_queue", officer_principal("lesco-hq", sub="officer-2"), id="office_queue-same-office"),
        pytest.param("office_queue", officer_principal("lesco-lahore"), id="office_queue-office-below"),
        pytest.param("inbox", citizen("citizen-2"), id="inbox-another-citizen"),
        pytest.param("inbox", officer_principal("lesco-lahore"), id="inbox-an-officer"),
        pytest.param("office_inbox", officer_principal("lesco-lahore", sub="officer-2"), id="office_inbox-same-office"),
    ],
)
def test_another_callers_cursor_is_refused(name: str, someone_else: Principal) -> None:
    # Given the cursor one caller was given
    services, table, _, cursor = second_page_cursor(name)
    lister, _ = LISTS[name]
    # When someone else presents it, to the same list
    # Then it is refused
    refused(table, lambda: lister(services, someone_else, cursor, 2))


@pytest.mark.parametrize(
    ("name", "other_query"),
    [
        pytest.param("own_complaints", lambda s, c: information.list_own(s, citizen(), 2, c), id="information"),
        pytest.param("own_complaints", lambda s, c: feedback.list_own(s, citizen(), 2, c), id="feedback"),
        pytest.param("own_complaints", lambda s, c: notifications.list_mine(s, citizen(), 2, c), id="to-inbox"),
        pytest.param(
            "office_queue", lambda s, c: officer.office_queue(s, HEAD, limit=2, cursor=c, kind="complaint"), id="kind"
        ),
        pytest.param(
            "office_queue", lambda s, c: officer.office_queue(s, HEAD, limit=2, cursor=c, status="routed"), id="status"
        ),
        pytest.param(
            "office_queue", lambda s, c: officer.office_queue(s, HEAD, limit=2, cursor=c, overdue=True), id="overdue"
        ),
        pytest.param("inbox", lambda s, c: complaints.list_own(s, citizen(), 2, c), id="to-own-complaints"),
    ],
)
def test_a_cursor_of_another_query_is_refused(name: str, other_query: Callable[[Services, str], Listing[Any]]) -> None:
    # Given the cursor to the second page of one query
    services, table, _, cursor = second_page_cursor(name)
    # When it is presented to another list, or with other filters
    # Then it is refused
    refused(table, lambda: other_query(services, cursor))


@pytest.mark.parametrize("name", LISTS)
def test_a_cursor_a_day_old_is_stale(name: str) -> None:
    # Given a cursor issued now
    services, table, clock, cursor = second_page_cursor(name)
    lister, who = LISTS[name]
    # When it comes back 25 hours later
    clock.advance(hours=25)
    # Then it is refused
    refused(table, lambda: lister(services, who, cursor, 2))


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("garbage", ["garbage", "e30", "e30.e30", "a" * 3000, "x." + "A" * 43])
def test_garbage_and_over_long_cursors_are_refused(name: str, garbage: str) -> None:
    services, table, _ = with_cases(0)
    lister, who = LISTS[name]
    refused(table, lambda: lister(services, who, garbage, 2))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(min_size=1, max_size=3000) | st.from_regex(r"[A-Za-z0-9_-]{1,300}\.[A-Za-z0-9_-]{1,60}"))
def test_any_text_as_a_cursor_is_invalid_cursor_and_never_reaches_the_table(text: str) -> None:
    services, table, _ = with_cases(0)
    for lister, who in LISTS.values():
        refused(table, partial(lister, services, who, text, 2))


# --- the store's own check (defence in depth) ---------------------------------


def test_the_store_refuses_a_start_key_outside_the_partition_it_queries() -> None:
    # Given the raw position of the next page of citizen-1's complaints
    _, table, _ = with_cases()
    _, start = case_store.citizen_cases(table, "citizen-1", limit=2, start=None)
    _, note_start = case_store.inbox(table, sub="citizen-1", limit=2, start=None)
    assert start is not None and note_start is not None
    table.calls.clear()
    # Then another citizen's partition, another kind, a start key naming another case or
    # missing an attribute, another inbox, or what is not a queue position is refused
    crossed = {**start, "GSI1SK": start["GSI1SK"].rsplit("#", 1)[0] + "#C-0000-0000"}
    partial = {k: v for k, v in start.items() if k != "GSI1SK"}
    attempts: list[Callable[[], object]] = [
        lambda: case_store.citizen_cases(table, "citizen-2", limit=2, start=start),
        lambda: case_store.citizen_cases(table, "citizen-1", limit=2, start=start, kind="information"),
        lambda: case_store.citizen_cases(table, "citizen-1", limit=2, start=crossed),
        lambda: case_store.citizen_cases(table, "citizen-1", limit=2, start=partial),
        lambda: case_store.inbox(table, sub="citizen-2", limit=2, start=note_start),
        lambda: case_store.inbox(table, office_id="lesco-hq", limit=2, start=note_start),
        lambda: case_store.office_queue(table, ["lesco-lahore"], limit=2, start={"lesco-lahore": "2026"}),
        lambda: case_store.office_queue(table, ["lesco-lahore"], limit=2, start={"GSI2SK": "x" * 1100 + "#C"}),
    ]
    for attempt in attempts:
        refused(table, attempt)


# --- the office queue's cursor ------------------------------------------------


def test_a_head_office_cursor_stays_short_however_many_offices_its_pages_cross() -> None:
    # Given a head office with 40 offices below it, one open case in each
    snapshot = small_directory()
    below = [f"lesco-sub-{n:02d}-of-a-long-office-name" for n in range(40)]
    snapshot.offices.extend(
        Office(id=o, organisation_id="lesco", name=o, name_ur=o, district_id="lahore", parent_id="lesco-hq")
        for o in below
    )
    table = MemoryTable()
    # (one citizen files all 40 today: more than a day's limit of complaints)
    services, _, clock = make_services(table, snapshot, daily_limits=DailyLimits(complaint=len(below)))
    for office_id in below:
        case_id = routed_complaint(services)
        case = case_store.get_case(table, case_id)
        assert case is not None
        table.put_many([case_store.case_item(case.model_copy(update={"office_id": office_id}))])
        clock.advance(minutes=5)
    # When its officer pages through the queue one case at a time
    seen: list[str] = []
    longest = 0
    cursor: str | None = None
    while True:
        page = officer.office_queue(services, HEAD, limit=1, cursor=cursor)
        seen.extend(c.id for c in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
        longest = max(longest, len(cursor))
    # Then every case comes once, soonest deadline first, and no cursor grows past a few hundred characters
    assert len(seen) == len(set(seen)) == 40
    assert seen == [c.id for c in officer.office_queue(services, HEAD, limit=100, cursor=None).items]
    assert longest < 300


class ShortPages(MemoryTable):
    """The table, except that one partition answers a Query one item at a time (as DynamoDB's 1 MB cap can)."""

    def __init__(self, short_pk: str) -> None:
        super().__init__()
        self.short_pk = short_pk

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
        if pk != self.short_pk or len(page.items) < 2:
            return page
        first = page.items[0]
        return Page(page.items[:1], {k: first[k] for k in ("PK", "SK", "GSI2PK", "GSI2SK")})


def test_an_office_whose_query_stops_short_neither_reorders_nor_skips_the_queue() -> None:
    # Given cases alternating between two offices, one of whose queue answers a case at a time
    table = ShortPages(keys.office_queue_pk("lesco-lahore"))
    services, _, clock = make_services(table)
    ids = []
    for n in range(7):
        ids.append(routed_complaint(services, "kasur" if n % 2 else "lahore"))
        clock.advance(minutes=5)
    # When the head office's officer pages through the queue three at a time
    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = officer.office_queue(services, HEAD, limit=3, cursor=cursor)
        seen.extend(c.id for c in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    # Then every case comes once, soonest deadline first
    assert seen == ids
