"""The archive (store/archive.py): an ended case goes to S3 a year on, a stub stays, every reader sees the same case.

Every citizen, officer and public read is taken before and after the sweeper archives; they must agree (but for
`allowed_actions`, which an archived case no longer offers: it is read-only). Then every write path is refused
with `case_archived`, and the archive is shown safe to repeat, to race and to crash half-way.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.logic import (
    actions,
    complaints,
    deadlines,
    feedback,
    information,
    metoo,
    officer,
    open311,
    publication,
    sweeper,
)
from chalicelib.logic.clock import iso, parse_time
from chalicelib.logic.ports import Services
from chalicelib.logic.routing import route_case
from chalicelib.models.actions import (
    AcknowledgeIn,
    AnswerIn,
    AppealIn,
    FeedbackChannelIn,
    FeedbackIn,
    HideIn,
    InformationRequestIn,
    NoteIn,
    PublishIn,
    RejectIn,
    ResolveIn,
    ReviewIn,
    UnpublishIn,
)
from chalicelib.models.common import Principal
from chalicelib.models.complaints import ComplaintIn
from chalicelib.models.errors import CaseArchived, ServiceUnavailable, VersionConflict
from chalicelib.store import archive as archive_store
from chalicelib.store import cases as case_store
from chalicelib.store import keys
from chalicelib.store.table import ARCHIVED, TRIES
from tests.fakes import Clock, FakeArchive, citizen, make_services, small_directory
from tests.fakes import officer as officer_principal
from tests.memory_table import MemoryTable

SANA = citizen("citizen-1")
BILAL = citizen("citizen-2")
LAHORE = officer_principal("lesco-lahore", "official")
HQ = officer_principal("lesco-hq", "officer-hq")
YEAR = timedelta(days=365)


@pytest.fixture
def world() -> tuple[Services, Clock, MemoryTable, FakeArchive]:
    snapshot = small_directory()
    snapshot.organisations = [
        o.model_copy(update={"information_office_id": "lesco-lahore"}) if o.id == "lesco" else o
        for o in snapshot.organisations
    ]
    table = MemoryTable()
    services, _, clock = make_services(table, snapshot)
    assert isinstance(services.archive, FakeArchive)
    return services, clock, table, services.archive


def file(services: Services, who: Principal = SANA, *, publish: bool = False) -> str:
    body = ComplaintIn.model_validate(
        {
            "category_id": "electricity-overbilling",
            "subject": "Over-billing again",
            "description": "The meter reading on my bill is wrong, for the third month.",
            "location": {"district": "lahore", "address": "House 12, Street 4, Gulberg", "lat": 31.52, "lon": 74.35},
            "publish": publish,
        }
    )
    case_id = str(complaints.submit(services, who, body, None).case["id"])
    assert route_case(services, case_id)
    return case_id


def ended_cases(services: Services, clock: Clock) -> dict[str, str]:
    """A published complaint closed by a satisfied citizen (followed by another), a private one rejected, an
    information request closed when its appeal window passed, an adopted suggestion, an appreciation."""
    published = file(services, publish=True)
    metoo.join(services, BILAL, published, metoo.MeTooIn())
    actions.act(services, LAHORE, published, AcknowledgeIn(action="acknowledge"), None)
    actions.act(services, LAHORE, published, NoteIn(action="note", note="Meter reader sent."), None)
    clock.advance(hours=2)
    resolve = ResolveIn(action="resolve", outcome="relief_granted", note="Bill corrected, Rs 4,000 refunded.")
    actions.act(services, LAHORE, published, resolve, None)
    actions.give_feedback(services, SANA, published, FeedbackIn(satisfied=True, rating=5, comment="Thanks."), None)
    private = file(services)
    reject = RejectIn(action="reject", reason="duplicate", note="Same as an earlier complaint.")
    actions.act(services, LAHORE, private, reject, None)
    question = InformationRequestIn(organisation_id="lesco", subject="Load-shedding", question="What is the schedule?")
    request = str(information.file_request(services, SANA, question, None).case["id"])
    actions.act(services, LAHORE, request, AnswerIn(action="answer", note="Attached."), None)
    suggestion = _feedback(services, kind="suggestion", message="Print the meter photo on every bill.")
    review = ReviewIn(action="review", decision="adopted", note="From January.")
    actions.act(services, HQ, suggestion, review, None)
    thanks = _feedback(services, kind="appreciation", message="The Gulberg office was quick.")
    clock.advance(days=31)
    sweeper.sweep(services, clock())  # the request's appeal window passed: closed
    assert information.track(services, SANA, request).status == "closed"
    return {
        "published": published,
        "private": private,
        "request": request,
        "suggestion": suggestion,
        "thanks": thanks,
    }


def _feedback(services: Services, **body: object) -> str:
    data = FeedbackChannelIn.model_validate({"organisation_id": "lesco", **body})
    return str(feedback.give(services, SANA, data, None).case["id"])


def reads(services: Services, ids: dict[str, str], filed_at: str) -> dict[str, Any]:
    """Every read endpoint's answer (through the logic layer) that shows one of the cases."""
    published, private, request, suggestion = ids["published"], ids["private"], ids["request"], ids["suggestion"]
    window = {"start_date": filed_at, "end_date": iso(parse_time(filed_at) + timedelta(days=30))}
    out: dict[str, Any] = {
        "own complaints": complaints.list_own(services, SANA, 20, None),
        "own requests": information.list_own(services, SANA, 20, None),
        "own feedback": feedback.list_own(services, SANA, 20, None),
        "tracked published": complaints.track(services, SANA, published),
        "tracked private": complaints.track(services, SANA, private),
        "tracked request": information.track(services, SANA, request),
        "tracked suggestion": feedback.track(services, SANA, suggestion),
        "tracked thanks": feedback.track(services, SANA, ids["thanks"]),
        "followed list": metoo.list_followed(services, BILAL, 20, None),
        "followed one": metoo.followed_case(services, BILAL, published),
        "office history": officer.office_history(services, LAHORE, limit=50, cursor=None),
        "head office history": officer.office_history(services, HQ, limit=50, cursor=None),
        "officer published": officer.case_for_officer(services, LAHORE, published),
        "officer private": officer.case_for_officer(services, LAHORE, private),
        "officer request": officer.case_for_officer(services, LAHORE, request),
        "officer suggestion": officer.case_for_officer(services, HQ, suggestion),
        "open311 one": open311.get_request(services, published, extensions=True),
        "open311 by ids": open311.get_requests(
            services, {"service_request_id": f"{published},{private}", "extensions": "true"}
        ),
        "open311 published": open311.get_requests(services, {**window, "extensions": "true"}),
        "open311 by service": open311.get_requests(
            services, {**window, "service_code": "electricity-overbilling", "status": "closed"}
        ),
    }
    return {name: _plain(value) for name, value in out.items()}


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value.model_dump(mode="json") if hasattr(value, "model_dump") else value))


def _without_actions(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_actions(v) for k, v in value.items() if k != "allowed_actions"}
    if isinstance(value, list):
        return [_without_actions(v) for v in value]
    return value


def _actions(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [*value.get("allowed_actions", []), *(a for v in value.values() for a in _actions(v))]
    if isinstance(value, list):
        return [a for v in value for a in _actions(v)]
    return []


def partition(table: MemoryTable, case_id: str) -> dict[str, dict[str, Any]]:
    return {sk: item for (pk, sk), item in table.items.items() if pk == keys.case_pk(case_id)}


def test_every_reader_sees_the_same_case_after_archiving_and_lists_read_no_s3(
    world: tuple[Services, Clock, MemoryTable, FakeArchive],
) -> None:
    services, clock, table, archive = world
    filed_at = iso(clock())
    ids = ended_cases(services, clock)
    clock.advance(days=369)  # 400 days from filing: a year after each ended
    before = reads(services, ids, filed_at)
    assert before["open311 published"] and before["office history"]["items"] and before["followed list"]["items"]

    report = sweeper.sweep(services, clock())
    assert report.archived == 5 and report.failed == 0
    assert set(archive.objects) == set(ids.values())
    for case_id in ids.values():
        items = partition(table, case_id)
        assert items["CASE"][ARCHIVED] == iso(clock())
        assert not [sk for sk in items if sk.startswith(keys.EVENT_SK_PREFIX)], "the timeline left the table"
        assert "GSI3PK" not in items["CASE"] and "description" not in items["CASE"]
    # The private complaint's stub keeps the district alone; the published one what the public reads of it
    assert partition(table, ids["private"])["CASE"]["location"] == {"district": "lahore"}
    assert "public_trail" not in partition(table, ids["private"])["CASE"]
    assert partition(table, ids["published"])["CASE"]["location"]["lat"] == 31.52
    # A private case leaves its category's months; a published one stays in its published partition (Open311)
    assert "GSI4PK" not in partition(table, ids["private"])["CASE"]
    assert partition(table, ids["published"])["CASE"]["GSI4PK"].startswith("SVCPUB#")
    # HANDLED items stay: the office history lists them
    assert [sk for sk in partition(table, ids["private"]) if sk.startswith(keys.HANDLED_SK_PREFIX)]

    after = reads(services, ids, filed_at)
    assert _without_actions(after) == _without_actions(before)
    assert _actions(before), "a closed complaint still offered publication changes before it was archived"
    assert _actions(after) == [], "an archived case offers nothing"

    # Public reads and lists never read S3; one case shown whole reads its record once
    gets = archive.gets
    open311.get_request(services, ids["published"], extensions=True)
    open311.get_requests(services, {"service_request_id": ids["published"]})
    complaints.list_own(services, SANA, 20, None)
    officer.office_history(services, LAHORE, limit=50, cursor=None)
    assert archive.gets == gets
    complaints.track(services, SANA, ids["private"])
    assert archive.gets == gets + 1

    # A second sweep finds nothing due and changes nothing
    snapshot = dict(table.items)
    assert sweeper.sweep(services, clock() + timedelta(days=40)).examined == 0
    assert table.items == snapshot


def test_an_archived_case_is_read_only(world: tuple[Services, Clock, MemoryTable, FakeArchive]) -> None:
    services, clock, table, _ = world
    ids = ended_cases(services, clock)
    clock.advance(days=369)  # 400 days from filing: a year after each ended
    sweeper.sweep(services, clock())
    snapshot = dict(table.items)
    published, private = ids["published"], ids["private"]
    hide = HideIn(action="hide", reason="personal_data", note="A neighbour's phone number.")
    writes = [
        lambda: publication.publish(services, SANA, private, PublishIn(), None),
        lambda: publication.unpublish(services, SANA, published, UnpublishIn(), None),
        lambda: actions.act(services, LAHORE, published, hide, None),
        lambda: actions.act(services, LAHORE, published, NoteIn(action="note", note="Late note."), None),
        lambda: actions.give_feedback(services, SANA, published, FeedbackIn(satisfied=False, rating=1), 1),
        lambda: metoo.join(services, citizen("citizen-3"), published, metoo.MeTooIn()),
        lambda: metoo.leave(services, BILAL, published),
        lambda: information.appeal(services, SANA, ids["request"], AppealIn(grounds="Incomplete."), None),
        lambda: actions.act(services, HQ, ids["suggestion"], NoteIn(action="note", note="Again."), None),
    ]
    for write in writes:
        with pytest.raises(CaseArchived) as refused:
            write()
        assert refused.value.code == "case_archived"
    assert table.items == snapshot


def test_the_conditional_write_is_the_safety_net(world: tuple[Services, Clock, MemoryTable, FakeArchive]) -> None:
    # Given a writer that read the case whole just before it was archived
    services, clock, table, _ = world
    case_id = file(services)
    actions.act(services, LAHORE, case_id, RejectIn(action="reject", reason="duplicate", note="Repeat."), None)
    clock.advance(days=366)
    stale = case_store.get_case(services.table, case_id)
    assert stale is not None and not stale.archived_at
    sweeper.sweep(services, clock())
    snapshot = dict(table.items)
    # When it writes with the version it read (the stub keeps it), the write fails its condition
    change = case_store.CaseChange(case=stale, events=[])
    with pytest.raises(VersionConflict):
        case_store.save_change(services.table, change, expected_version=stale.version, actor_sub=None)
    assert table.items == snapshot


def test_the_archive_waits_a_year_and_the_finder_finds_it_in_its_month(
    world: tuple[Services, Clock, MemoryTable, FakeArchive],
) -> None:
    services, clock, table, _ = world
    case_id = file(services)
    actions.act(services, LAHORE, case_id, RejectIn(action="reject", reason="duplicate", note="Repeat."), None)
    rejected_at = clock()
    item = partition(table, case_id)["CASE"]
    due = iso(rejected_at + YEAR)
    assert item["next_check_at"] == due and item["GSI3PK"].startswith(f"DUE#{due[:7]}#")
    # Not found a day before, nor acted on
    assert case_id not in sweeper.due_case_ids(services, rejected_at + YEAR - timedelta(days=1))
    # Found when its month comes, and up to LOOKBACK_MONTHS later
    assert case_id in sweeper.due_case_ids(services, rejected_at + YEAR)
    late = rejected_at + YEAR + timedelta(days=31 * sweeper.LOOKBACK_MONTHS)
    assert case_id in sweeper.due_case_ids(services, late)
    assert sweeper.sweep(services, late).archived == 1


def test_never_while_the_citizen_may_still_act() -> None:
    # A policy whose reopen window is longer than a year: the archive waits for it
    snapshot = small_directory()
    snapshot.sla_policies = [p.model_copy(update={"reopen_window_days": 400}) for p in snapshot.sla_policies]
    services, _, clock = make_services(MemoryTable(), snapshot)
    case_id = file(services)
    resolve = ResolveIn(action="resolve", outcome="relief_granted", note="Done.")
    actions.act(services, LAHORE, case_id, resolve, None)
    resolved_at = clock()
    clock.advance(days=8)
    assert sweeper.sweep(services, clock()).closed == 1  # closed in silence: the verdict stays open 400 days
    case = case_store.get_case(services.table, case_id)
    assert case is not None and case.next_check_at == iso(resolved_at + timedelta(days=400))
    policy = services.directory().sla_for(case.category_id)
    assert not deadlines.archivable(case, policy, resolved_at + YEAR + timedelta(days=8))
    # The seeded policies' windows are days: a year covers every one of them
    for each in small_directory().sla_policies:
        assert timedelta(days=max(each.reopen_window_days, each.feedback_window_days)) < deadlines.ARCHIVE_AFTER
    assert deadlines.APPEAL_WINDOW < deadlines.ARCHIVE_AFTER


def test_a_crash_between_the_record_and_the_stub_leaves_the_case_due_and_whole(
    world: tuple[Services, Clock, MemoryTable, FakeArchive],
) -> None:
    services, clock, table, archive = world
    case_id = file(services)
    actions.act(services, LAHORE, case_id, RejectIn(action="reject", reason="duplicate", note="Repeat."), None)
    clock.advance(days=366)
    table.contend(TRIES)  # the stub's transaction cannot be written this turn
    report = sweeper.sweep(services, clock())
    assert report.failed == 1 and report.archived == 0
    first = archive.objects[case_id]
    assert not partition(table, case_id)["CASE"].get(ARCHIVED)
    assert complaints.track(services, SANA, case_id).status == "rejected"
    # The next turn writes the same record again and commits
    assert sweeper.sweep(services, clock()).archived == 1
    assert archive.puts == 2 and archive.objects[case_id] == first
    # S3 down: nothing is written to the table, the case stays due
    other = file(services)
    actions.act(services, LAHORE, other, RejectIn(action="reject", reason="duplicate", note="Repeat."), None)
    clock.advance(days=366)
    archive.broken = True
    assert sweeper.sweep(services, clock()).failed == 1
    assert not partition(table, other)["CASE"].get(ARCHIVED)


def test_two_archivers_of_one_case_commit_once(world: tuple[Services, Clock, MemoryTable, FakeArchive]) -> None:
    services, clock, table, archive = world
    case_id = file(services)
    actions.act(services, LAHORE, case_id, RejectIn(action="reject", reason="duplicate", note="Repeat."), None)
    clock.advance(days=366)

    class Racing(FakeArchive):
        """Another turn archives the case while this one writes its record."""

        def put(self, racing_id: str, body: bytes) -> None:
            super().put(racing_id, body)
            if self.puts == 1:
                assert archive_store.archive_case(table, self, racing_id, iso(clock()))

    racing = Racing()
    with pytest.raises(VersionConflict):
        archive_store.archive_case(table, racing, case_id, iso(clock()))
    assert racing.puts == 2 and len(set(racing.objects.values())) == 1
    assert archive_store.archive_case(table, racing, case_id, iso(clock()))  # again: already archived
    assert archive.puts == 0


def rejected_after_notes(services: Services, notes: int) -> str:
    """A complaint with a long timeline (`notes` officer notes), then rejected: ended."""
    case_id = file(services)
    for n in range(notes):
        actions.act(services, LAHORE, case_id, NoteIn(action="note", note=f"Visit {n}."), None)
    actions.act(services, LAHORE, case_id, RejectIn(action="reject", reason="duplicate", note="Repeat."), None)
    return case_id


def test_a_long_timeline_is_archived_whole_over_several_transactions(
    world: tuple[Services, Clock, MemoryTable, FakeArchive],
) -> None:
    services, clock, table, _ = world
    case_id = rejected_after_notes(services, 120)
    whole = complaints.track(services, SANA, case_id)
    assert len(whole.timeline) > archive_store.DELETES_WITH_STUB
    clock.advance(days=366)
    assert sweeper.sweep(services, clock()).archived == 1
    items = partition(table, case_id)
    assert not [sk for sk in items if sk.startswith(keys.EVENT_SK_PREFIX)] and "GSI3PK" not in items["CASE"]
    after = complaints.track(services, SANA, case_id)
    assert after.timeline == whole.timeline and after.model_copy(update={"allowed_actions": []}) == (
        whole.model_copy(update={"allowed_actions": []})
    )


def test_a_stub_left_due_by_a_crash_finishes_its_timeline(
    world: tuple[Services, Clock, MemoryTable, FakeArchive],
) -> None:
    services, clock, table, archive = world
    case_id = rejected_after_notes(services, 110)
    clock.advance(days=366)
    # The stub's transaction commits, then the turn dies before deleting the rest of the timeline
    real = table.transact
    calls = {"n": 0}

    def dies_after_the_stub(writes: Any) -> None:
        calls["n"] += 1
        if calls["n"] > 1:
            raise ServiceUnavailable("the function timed out")
        real(writes)

    table.transact = dies_after_the_stub  # type: ignore[method-assign]
    assert sweeper.sweep(services, clock()).failed == 1
    table.transact = real  # type: ignore[method-assign]
    stub = partition(table, case_id)["CASE"]
    assert stub[ARCHIVED] and "GSI3PK" in stub  # still due: timeline items are left
    assert complaints.track(services, SANA, case_id).timeline[-1].type == "rejected"  # readers use the record
    assert sweeper.sweep(services, clock()).archived == 0  # finished, not counted twice
    items = partition(table, case_id)
    assert not [sk for sk in items if sk.startswith(keys.EVENT_SK_PREFIX)] and "GSI3PK" not in items["CASE"]
    assert archive.puts == 1


def test_the_retraining_reads_no_archived_text(world: tuple[Services, Clock, MemoryTable, FakeArchive]) -> None:
    from chalicelib.insights.retrain import case_rows

    services, clock, _, _ = world
    case_id = file(services)
    resolve = ResolveIn(action="resolve", outcome="relief_granted", note="Done.")
    actions.act(services, LAHORE, case_id, resolve, None)
    actions.give_feedback(services, SANA, case_id, FeedbackIn(satisfied=True, rating=5), None)
    assert case_rows(services, clock(), {"electricity-overbilling"})
    clock.advance(days=366)
    sweeper.sweep(services, clock())
    # A year on, the filing month is past the retraining's window, and the private stub left the category's months
    assert case_rows(services, clock() - timedelta(days=300), {"electricity-overbilling"}) == []
