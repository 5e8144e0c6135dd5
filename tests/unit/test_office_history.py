"""An office's history: the entry each change writes for the office that let a case go, and the paged,
newest-first list of a subtree's entries (one Query per office, merged), as the officer reads it."""

from __future__ import annotations

import pytest

from chalicelib.logic import actions, history, officer, sweeper
from chalicelib.logic.ports import Services
from chalicelib.models.actions import RejectIn, ResolveIn, TransferIn, WithdrawIn
from chalicelib.models.common import Principal
from chalicelib.models.complaints import Case
from chalicelib.models.errors import InvalidCursor, InvalidInput
from chalicelib.store import keys
from tests.fakes import citizen, make_services, routed_complaint
from tests.fakes import officer as officer_principal
from tests.memory_table import MemoryTable

HEAD = officer_principal("lesco-hq", "officer-hq")  # lesco-lahore and lesco-kasur are below it
LAHORE = officer_principal("lesco-lahore", "officer-lahore")
KASUR = officer_principal("lesco-kasur", "officer-kasur")


def resolve(services: Services, case_id: str, by: Principal = LAHORE) -> None:
    body = ResolveIn(action="resolve", outcome="relief_granted", note="Bill corrected.")
    actions.act(services, by, case_id, body, None)


def listed(
    services: Services, who: Principal, kind: str | None = None, outcome: str | None = None
) -> list[tuple[str, str, str]]:
    page = officer.office_history(services, who, limit=50, cursor=None, kind=kind, outcome=outcome)
    return [(line.id, line.outcome, line.handled_by.id) for line in page.items]


def test_each_way_a_case_leaves_an_office_is_its_entry_and_a_case_back_in_the_queue_has_none() -> None:
    # Given four complaints at LESCO Lahore
    services, _, clock = make_services()
    resolved, rejected, withdrawn, moved = (routed_complaint(services) for _ in range(4))
    # When the office resolves one, rejects one, the citizen withdraws one and the office transfers the last
    resolve(services, resolved)
    clock.advance(minutes=1)
    reject = RejectIn(action="reject", reason="duplicate", note="Filed twice.")
    actions.act(services, LAHORE, rejected, reject, None)
    clock.advance(minutes=1)
    actions.withdraw(services, citizen(), withdrawn, WithdrawIn(reason="Sorted out."), None)
    clock.advance(minutes=1)
    transfer = TransferIn(action="transfer", office_id="lesco-kasur", note="Kasur's feeder.")
    actions.act(services, LAHORE, moved, transfer, None)
    # Then the office's history has all four, newest first, each as it left
    assert listed(services, LAHORE) == [
        (moved, "transferred", "lesco-lahore"),
        (withdrawn, "withdrawn", "lesco-lahore"),
        (rejected, "rejected", "lesco-lahore"),
        (resolved, "resolved", "lesco-lahore"),
    ]
    assert listed(services, KASUR) == []
    # And the entry sits in the case's own partition, listed under the office's history in GSI2
    item = services.table.get(keys.handled_key(moved, "lesco-lahore"))
    assert item is not None and item["GSI2PK"] == "OFFICE#lesco-lahore#HISTORY"
    assert item["GSI2SK"].endswith(f"#{moved}")
    # When Kasur sends the case back
    back = TransferIn(action="transfer", office_id="lesco-lahore", note="Lahore's after all.")
    actions.act(services, KASUR, moved, back, None)
    # Then it is in Lahore's queue again and out of its history, and in Kasur's history instead
    assert moved not in [c[0] for c in listed(services, LAHORE)]
    assert services.table.get(keys.handled_key(moved, "lesco-lahore")) is None
    assert listed(services, KASUR) == [(moved, "transferred", "lesco-kasur")]
    # And filters keep one outcome, or one kind; unknown ones are a 400 naming the field
    assert listed(services, LAHORE, outcome="rejected") == [(rejected, "rejected", "lesco-lahore")]
    assert listed(services, LAHORE, kind="information") == []
    with pytest.raises(InvalidInput) as refused:
        listed(services, LAHORE, outcome="lost")
    assert [p.field for p in refused.value.details] == ["outcome"]


def test_an_escalated_case_is_in_the_history_of_the_office_it_left_and_readable_there_only() -> None:
    # Given a complaint at LESCO Lahore past its deadline
    services, _, clock = make_services()
    case_id = routed_complaint(services)
    clock.advance(days=21)
    assert sweeper.sweep(services, clock()).escalated == 1
    # Then Lahore's history says it escalated, and Lahore reads it with nothing to do
    assert listed(services, LAHORE) == [(case_id, "escalated", "lesco-lahore")]
    seen = officer.case_for_officer(services, LAHORE, case_id)
    assert seen.office is not None and seen.office.id == "lesco-hq" and seen.allowed_actions == []
    # And the head office, which has it now, works it
    assert officer.case_for_officer(services, HEAD, case_id).allowed_actions


def test_a_subtrees_history_pages_newest_first_across_its_offices_without_gaps_or_repeats() -> None:
    # Given cases let go by Lahore and Kasur, alternately, a minute apart
    services, _, clock = make_services()
    expected = []
    for n in range(7):
        district, by = ("lahore", LAHORE) if n % 2 == 0 else ("kasur", KASUR)
        case_id = routed_complaint(services, district)
        clock.advance(minutes=1)
        resolve(services, case_id, by)
        expected.append((case_id, "resolved", by.office_id))
    expected.reverse()
    # When the head office reads its subtree's history two at a time
    seen: list[tuple[str, str, str]] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = officer.office_history(services, HEAD, limit=2, cursor=cursor)
        seen.extend((line.id, line.outcome, line.handled_by.id) for line in page.items)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    # Then every entry comes once, newest first, in four pages
    assert seen == expected and pages == 4
    # And a cursor of another list, or another caller's, is refused
    first = officer.office_history(services, HEAD, limit=2, cursor=None).next_cursor
    with pytest.raises(InvalidCursor):
        officer.office_history(services, LAHORE, limit=2, cursor=first)
    with pytest.raises(InvalidCursor):
        officer.office_queue(services, HEAD, limit=2, cursor=first)


def _case(status: str, office_id: str | None) -> Case:
    return Case.model_validate(
        {
            "id": "C-TEST-0001",
            "citizen_sub": "c",
            "category_id": "electricity-overbilling",
            "subject": "s",
            "description": "d",
            "status": status,
            "office_id": office_id,
            "level": 0,
            "created_at": "2026-11-27T09:00:00Z",
            "updated_at": "2026-11-27T09:00:00Z",
            "version": 1,
            "event_seq": 1,
        }
    )


@pytest.mark.parametrize(
    ("before", "after", "action", "written", "back"),
    [
        # first routing: nobody had it, nothing to write or end
        (("submitted", None), ("routed", "a"), "route", [], []),
        # worked and kept: nothing
        (("routed", "a"), ("in_progress", "a"), "acknowledge", [], []),
        # closed where it is: the status it closed in
        (("in_progress", "a"), ("resolved", "a"), "resolve", [("a", "resolved")], []),
        # sent elsewhere, still open: how it left; the office it reached has it now
        (("routed", "a"), ("routed", "b"), "escalate", [("a", "escalated")], ["b"]),
        (("routed", "a"), ("routed", "b"), "accept_transfer", [("a", "transferred")], ["b"]),
        # a resolution reopened a level up: the resolver's entry stays as it was; the office above has it
        (("resolved", "a"), ("reopened", "b"), "feedback_unsatisfied", [], ["b"]),
        # a verdict closing a resolved case changes nothing of any office's entry
        (("resolved", "a"), ("closed", "a"), "feedback_satisfied", [], []),
    ],
)
def test_the_entry_a_change_writes(
    before: tuple[str, str | None],
    after: tuple[str, str | None],
    action: str,
    written: list[tuple[str, str]],
    back: list[str],
) -> None:
    handled, back_with = history.of_change(_case(*after), before[1], before[0], action, "2026-11-27T10:00:00Z")
    assert [(h.office_id, h.outcome) for h in handled] == written
    assert back_with == back


def test_the_store_refuses_a_start_that_is_no_history_position() -> None:
    from chalicelib.store import cases as case_store

    with pytest.raises(InvalidCursor):
        case_store.office_history(MemoryTable(), ["lesco-lahore"], limit=2, start={"PK": "CASE#x"})
    assert case_store.office_history(MemoryTable(), ["lesco-lahore"], limit=2, start=None) == ([], None)
