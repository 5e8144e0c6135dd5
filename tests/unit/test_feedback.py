"""The feedback channels: appreciation shown to the office, suggestions reviewed, ratings averaged per month."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.logic import actions, feedback, officer, sweeper, workflow
from chalicelib.logic.notifications import list_mine
from chalicelib.logic.ports import Services
from chalicelib.models.actions import FeedbackChannelIn, NoteIn, ResolveIn, ReviewIn
from chalicelib.models.errors import CaseNotFound, Forbidden, InvalidInput, TransitionNotAllowed
from chalicelib.store import stats as stat_store
from tests.fakes import Clock, citizen, make_services
from tests.fakes import officer as officer_principal
from tests.memory_table import MemoryTable

LAHORE = officer_principal("lesco-lahore")
HQ = officer_principal("lesco-hq", "officer-hq")


def give(services: Services, **body: object) -> str:
    return give_as(services, "citizen-1", **body)


def give_as(services: Services, sub: str, **body: object) -> str:
    data = FeedbackChannelIn.model_validate({"organisation_id": "lesco", "message": "Thank you.", **body})
    return str(feedback.give(services, citizen(sub), data, None).case["id"])


def test_an_appreciation_is_counted_and_shown_to_the_office_it_names() -> None:
    services, _, _ = make_services()
    feedback_id = give(services, kind="appreciation", office_id="lesco-lahore", message="The lineman came at night.")
    assert feedback_id.startswith("F-")
    mine = feedback.track(services, citizen(), feedback_id)
    assert mine.kind == "feedback" and mine.feedback_kind == "appreciation" and mine.status == "received"
    assert [n.type for n in list_mine(services, LAHORE, 10, None).items] == ["office_appreciation"]
    # The office (and the one above it) can open it; it is not a queue item with a deadline
    assert officer.case_for_officer(services, HQ, feedback_id).description == "The lineman came at night."
    assert feedback.month_summary(services, LAHORE, None, None).appreciations == 1
    assert [f.id for f in feedback.list_own(services, citizen(), 10, None).items] == [feedback_id]


def test_ratings_are_averaged_per_office_and_month() -> None:
    services, _, clock = make_services()
    for n, value in enumerate((5, 4, 2)):
        give_as(services, f"citizen-{n}", kind="rating", office_id="lesco-lahore", rating=value)
    summary = feedback.month_summary(services, LAHORE, None, "2026-11")
    assert summary.ratings == 3 and summary.average_rating == pytest.approx(3.67)
    clock.advance(days=10)  # December
    give(services, kind="rating", office_id="lesco-lahore", rating=1)
    assert feedback.month_summary(services, LAHORE, None, "2026-12").average_rating == 1
    assert feedback.month_summary(services, HQ, "lesco-lahore", "2026-11").ratings == 3
    with pytest.raises(CaseNotFound):
        feedback.month_summary(services, LAHORE, "lesco-kasur", "2026-11")
    with pytest.raises(InvalidInput):
        feedback.month_summary(services, LAHORE, None, "2026-13")


def test_a_suggestion_waits_in_the_queue_is_reviewed_and_the_citizen_is_told() -> None:
    services, _, clock = make_services()
    suggestion = give(services, kind="suggestion", message="Print the meter photo on every bill.")
    # It goes to the organisation's head office, in its queue with a 30-day review deadline
    queue = officer.office_queue(services, HQ, limit=10, cursor=None, kind="feedback")
    assert [c.id for c in queue.items] == [suggestion] and queue.items[0].status == "under_review"
    assert officer.office_queue(services, HQ, limit=10, cursor=None, kind="complaint").items == []
    # A complaint's action does not apply to it
    resolve = ResolveIn(action="resolve", outcome="relief_granted", note="Done.")
    with pytest.raises(TransitionNotAllowed):
        actions.act(services, HQ, suggestion, resolve, None)
    actions.act(services, HQ, suggestion, NoteIn(action="note", note="Asked the billing team."), None)
    clock.advance(hours=1)
    review = ReviewIn(action="review", decision="adopted", note="Bills from January show the photo.")
    reviewed = actions.act(services, HQ, suggestion, review, None)
    assert reviewed.status == "adopted" and reviewed.timeline[-1].type == "reviewed"
    told = list_mine(services, citizen(), 10, None).items[0]
    assert told.type == "suggestion_adopted" and "Bills from January" in told.message
    assert feedback.month_summary(services, HQ, None, None).adopted == 1
    assert officer.office_queue(services, HQ, limit=10, cursor=None, kind="feedback").items == []
    with pytest.raises(TransitionNotAllowed):
        actions.act(services, HQ, suggestion, review, None)


def test_a_suggestion_not_reviewed_in_time_reminds_the_office_once() -> None:
    services, _, clock = make_services()
    give(services, kind="suggestion", message="Open on Saturdays.")
    clock.advance(days=31)
    assert sweeper.sweep(services, clock()).reminded == 1
    assert sweeper.sweep(services, clock() + timedelta(days=1)).examined == 0
    assert "office_suggestion_overdue" in [n.type for n in list_mine(services, HQ, 10, None).items]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "rating"}, "rating"),
        ({"kind": "appreciation", "rating": 4}, "rating"),
        ({"kind": "appreciation", "organisation_id": "nowhere"}, "organisation_id"),
        ({"kind": "appreciation", "office_id": "pmdu-hq"}, "office_id"),
    ],
)
def test_bad_feedback_is_a_400_naming_the_field(body: dict[str, object], field: str) -> None:
    services, _, _ = make_services()
    with pytest.raises(InvalidInput) as raised:
        give(services, **body)
    assert field in [p.field for p in raised.value.details]


def test_only_citizens_give_feedback_and_only_their_own_is_theirs() -> None:
    services, _, _ = make_services()
    feedback_id = give(services, kind="appreciation")
    data = FeedbackChannelIn(kind="appreciation", organisation_id="lesco", message="Thanks")
    with pytest.raises(Forbidden):
        feedback.give(services, LAHORE, data, None)
    with pytest.raises(CaseNotFound):
        feedback.track(services, citizen("citizen-2"), feedback_id)


FEEDBACK_PAIRS = [(s, a) for s in workflow.STATUSES for a in workflow.FEEDBACK_OFFICER_ACTIONS]


@pytest.mark.parametrize(("status", "action"), FEEDBACK_PAIRS, ids=[f"{s}-{a}" for s, a in FEEDBACK_PAIRS])
def test_every_feedback_status_and_action_pair(status: str, action: str) -> None:
    from chalicelib.models.actions import AcknowledgeIn, OfficerAction
    from chalicelib.store import cases as case_store

    services, _, clock = make_services()
    feedback_id = give(services, kind="suggestion", message="Open on Saturdays.")
    case = case_store.get_case(services.table, feedback_id)
    assert case is not None
    expected_version = case.version
    case.status, case.version = status, case.version + 1  # type: ignore[assignment]
    case_store.save_change(
        services.table, case_store.CaseChange(case=case, events=[]), expected_version=expected_version, actor_sub=None
    )
    before = feedback.track(services, citizen(), feedback_id)
    clock.advance(hours=1)
    bodies: dict[str, OfficerAction] = {
        "acknowledge": AcknowledgeIn(action="acknowledge"),
        "note": NoteIn(action="note", note="Noted."),
        "review_adopted": ReviewIn(action="review", decision="adopted", note="Yes."),
        "review_not_adopted": ReviewIn(action="review", decision="not_adopted", note="No."),
    }
    expected = workflow.FEEDBACK_TRANSITIONS.get((status, action))
    if expected is None:
        with pytest.raises(TransitionNotAllowed):
            actions.act(services, HQ, feedback_id, bodies[action], None)
        assert feedback.track(services, citizen(), feedback_id) == before
        return
    after = actions.act(services, HQ, feedback_id, bodies[action], None)
    assert after.status == expected and after.version == before.version + 1


# --- one rating per citizen, office and month counts ------------------------------------------


def test_thirty_one_star_ratings_by_one_citizen_count_as_one() -> None:
    # Given three citizens who rated LESCO Lahore 5, 4 and 4 this month
    services, _, clock = make_services(clock=Clock(datetime(2026, 11, 2, 6, 0, tzinfo=UTC)))
    for n, value in enumerate((5, 4, 4)):
        give_as(services, f"neighbour-{n}", kind="rating", office_id="lesco-lahore", rating=value)
    # When one citizen rates it one star thirty times over the month (two a day, within the daily limit)
    given = []
    for _ in range(30):
        given.append(give_as(services, "angry", kind="rating", office_id="lesco-lahore", rating=1))
        clock.advance(hours=12)
    # Then every rating is stored and theirs, but only the first counts: four ratings, average 3.5, not 1.3
    assert len(set(given)) == 30
    assert {f.id for f in feedback.list_own(services, citizen("angry"), 50, None).items} == set(given)
    assert feedback.track(services, citizen("angry"), given[-1]).rating == 1
    summary = feedback.month_summary(services, LAHORE, None, "2026-11")
    assert (summary.ratings, summary.average_rating) == (4, 3.5)
    assert feedback.month_summary(services, HQ, "lesco-lahore", "2026-11").ratings == 4


def test_the_first_rating_of_the_month_counts_another_office_or_month_counts_afresh() -> None:
    services, _, clock = make_services(clock=Clock(datetime(2026, 11, 20, 6, 0, tzinfo=UTC)))
    # The first counts, a later change of heart does not
    give(services, kind="rating", office_id="lesco-lahore", rating=1)
    give(services, kind="rating", office_id="lesco-lahore", rating=5)
    assert feedback.month_summary(services, LAHORE, None, "2026-11").average_rating == 1
    # Another office of the same month counts
    give(services, kind="rating", office_id="lesco-kasur", rating=3)
    assert feedback.month_summary(services, HQ, "lesco-kasur", "2026-11").ratings == 1
    # And so does the next month
    clock.advance(days=15)
    give(services, kind="rating", office_id="lesco-lahore", rating=4)
    assert feedback.month_summary(services, LAHORE, None, "2026-12").average_rating == 4
    # Other kinds of feedback count every time
    for _ in range(3):
        give(services, kind="appreciation", office_id="lesco-lahore")
    assert feedback.month_summary(services, LAHORE, None, "2026-12").appreciations == 3


def test_a_rating_that_finds_the_marker_of_a_concurrent_first_one_is_stored_and_counts_nothing() -> None:
    # Given the marker of the citizen's first rating this month, committed by a request that raced this one
    table = MemoryTable()
    services, _, _ = make_services(table)
    table.transact([stat_store.counted_once("rating", "citizen-1", "lesco-lahore", "2026-11")])
    # When the rating is written, Then its first transaction fails on the marker and the retry counts nothing
    feedback_id = give(services, kind="rating", office_id="lesco-lahore", rating=1)
    assert table.calls.count("TransactWriteItems") == 3
    assert feedback.track(services, citizen(), feedback_id).rating == 1
    assert feedback.month_summary(services, LAHORE, None, "2026-11").ratings == 0


def test_ratings_sent_at_once_count_once() -> None:
    # Given one citizen's eight ratings of one office sent at the same moment
    services, _, _ = make_services()
    with ThreadPoolExecutor(max_workers=8) as pool:
        given = list(
            pool.map(lambda n: give(services, kind="rating", office_id="lesco-lahore", rating=n % 5 + 1), range(8))
        )
    # Then all are stored and exactly one counts
    assert len(set(given)) == 8
    assert feedback.month_summary(services, LAHORE, None, "2026-11").ratings == 1
