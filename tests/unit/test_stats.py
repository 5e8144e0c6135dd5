"""Public statistics from counters: figures match the cases, satisfied next to resolved, cost per day and group."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import pytest

from chalicelib.logic import actions, stats
from chalicelib.logic.ports import Services
from chalicelib.models.actions import FeedbackIn, ResolveIn
from chalicelib.models.common import Principal
from chalicelib.models.errors import InvalidInput
from chalicelib.models.limits import DailyLimits
from chalicelib.store import keys
from tests.fakes import Clock, citizen, make_services
from tests.fakes import officer as officer_principal
from tests.memory_table import MemoryTable
from tests.unit.test_sweeper import routed_case

LAHORE = officer_principal("lesco-lahore")
HEAD_OFFICE = officer_principal("lesco-hq", sub="officer-2")


def resolve(services: Services, case_id: str, by: Principal = LAHORE) -> None:
    body = ResolveIn(action="resolve", outcome="relief_granted", note="Bill corrected.")
    actions.act(services, by, case_id, body, None)


@pytest.fixture
def history() -> tuple[Services, Clock, MemoryTable]:
    """Four complaints to LESCO Lahore: three resolved (after 2, 2 and 5 days), two verdicts (one of each)."""
    table = MemoryTable()
    services, _, clock = make_services(table)
    ids = [routed_case(services) for _ in range(4)]
    clock.advance(days=2)
    resolve(services, ids[0])
    resolve(services, ids[1])
    clock.advance(days=3)
    resolve(services, ids[2])
    actions.give_feedback(services, citizen(), ids[0], FeedbackIn(satisfied=True, rating=5), None)
    actions.give_feedback(services, citizen(), ids[1], FeedbackIn(satisfied=False, rating=1), None)
    return services, clock, table


def test_the_figures_match_the_cases_and_satisfied_stands_next_to_resolved(
    history: tuple[Services, Clock, MemoryTable],
) -> None:
    services, _, _ = history
    figures = stats.statistics(services).totals
    assert figures.received == 4 and figures.resolved == 3 and figures.resolved_rate == 0.75
    assert figures.satisfied == 1 and figures.not_satisfied == 1 and figures.satisfied_rate == 0.5
    assert figures.reopened == 1 and figures.closed == 1
    assert figures.median_days_to_resolve == 2
    by_org = stats.statistics(services, level="federal", group_by="organisation")
    lesco = next(g for g in by_org.groups if g.id == "lesco")
    assert lesco.figures.resolved == 3 and lesco.name_ur
    assert next(g for g in by_org.groups if g.id == "pmdu").figures.received == 0
    by_office = stats.statistics(services, organisation_id="lesco", group_by="office")
    assert {g.id: g.figures.received for g in by_office.groups}["lesco-lahore"] == 4
    by_district = stats.statistics(services, group_by="district")
    assert {g.id: g.figures.received for g in by_district.groups}["lahore"] == 4


def test_a_case_resolved_reopened_and_resolved_again_is_one_resolved_case(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a complaint to LESCO Lahore resolved, reopened at the head office (not satisfied), resolved there again,
    # every counter on one shard, so the day's resolution and the case's count name the same counter items
    monkeypatch.setattr(keys, "random", SimpleNamespace(randrange=lambda _: 0))
    services, _, clock = make_services()
    case_id = routed_case(services)
    resolve(services, case_id)
    actions.give_feedback(services, citizen(), case_id, FeedbackIn(satisfied=False, rating=1), None)
    clock.advance(days=1)
    resolve(services, case_id, by=HEAD_OFFICE)
    # When
    totals = stats.statistics(services).totals
    offices = {g.id: g.figures for g in stats.statistics(services, organisation_id="lesco", group_by="office").groups}
    categories = {g.id: g.figures for g in stats.statistics(services, group_by="category").groups}
    # Then one case received, one resolved: 100 %, not 200 %; the two resolutions are still there to see
    assert totals.received == 1 and totals.resolved == 1 and totals.resolved_rate == 1.0 and totals.resolutions == 2
    assert totals.not_satisfied == 1 and totals.reopened == 1
    assert offices["lesco-lahore"].resolved_rate == 1.0 and offices["lesco-lahore"].resolutions == 1
    # the head office received nothing: its resolution of a reopened case is not a case of its own
    assert offices["lesco-hq"].resolved == 0 and offices["lesco-hq"].resolved_rate is None
    assert offices["lesco-hq"].resolutions == 1
    assert categories["electricity-overbilling"].resolved_rate == 1.0

    # Given a second complaint, not resolved
    routed_case(services)
    # When / Then one case of two is resolved: 50 %
    assert stats.statistics(services).totals.resolved_rate == 0.5
    offices = {g.id: g.figures for g in stats.statistics(services, organisation_id="lesco", group_by="office").groups}
    assert offices["lesco-lahore"].resolved_rate == 0.5


def test_a_case_counts_as_resolved_in_the_period_it_was_received() -> None:
    # Given a complaint routed on 27 November and resolved on 2 December
    services, _, clock = make_services()
    case_id = routed_case(services)
    clock.advance(days=5)
    resolve(services, case_id)
    # When
    november = stats.statistics(services, from_raw="2026-11-01", to_raw="2026-11-30").totals
    december = stats.statistics(services, from_raw="2026-12-01", to_raw="2026-12-31").totals
    # Then November's case is resolved; December received none, and made the resolution
    assert (november.received, november.resolved, november.resolved_rate, november.resolutions) == (1, 1, 1.0, 0)
    assert (december.received, december.resolved, december.resolved_rate, december.resolutions) == (0, 0, None, 1)


def test_a_case_routed_before_its_office_was_kept_counts_where_its_routed_event_says() -> None:
    # Given a complaint routed before cases kept `routed_office_id`
    table = MemoryTable()
    services, _, _ = make_services(table)
    case_id = routed_case(services)
    del table.items[(keys.case_pk(case_id), keys.CASE_SK)]["routed_office_id"]
    # When it is resolved
    resolve(services, case_id)
    # Then it counts as resolved for the office its `routed` event names
    offices = {g.id: g.figures for g in stats.statistics(services, organisation_id="lesco", group_by="office").groups}
    assert offices["lesco-lahore"].resolved == 1 and offices["lesco-lahore"].resolved_rate == 1.0


def test_a_period_outside_the_cases_counts_nothing(history: tuple[Services, Clock, MemoryTable]) -> None:
    services, _, _ = history
    empty = stats.statistics(services, from_raw="2026-10-01", to_raw="2026-10-31").totals
    assert empty.received == 0 and empty.resolved_rate is None and empty.satisfied_rate is None


def test_the_cost_follows_days_and_groups_never_the_number_of_cases() -> None:
    reads = []
    for count in (1, 12):
        table = MemoryTable()
        services, _, _ = make_services(table, daily_limits=DailyLimits(complaint=count))  # one citizen files them all
        for _ in range(count):
            routed_case(services)
        table.calls.clear()
        stats.statistics(services, from_raw="2026-11-01", to_raw="2026-11-30")
        stats.statistics(services, from_raw="2026-11-03", to_raw="2026-11-30")
        reads.append(list(table.calls))
    # A whole month: its monthly counter, 8 shards in one call; days 3 to 27 (today): 25 × 16 = 400 keys, 4 calls
    assert reads[0] == reads[1] == ["BatchGetItem"] * 5


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from_raw": "2026-13-01"}, "from"),
        ({"from_raw": "2026-12-01", "to_raw": "2026-11-01"}, "from"),
        ({"from_raw": "2024-01-01", "to_raw": "2026-11-01"}, "from"),
        ({"level": "mars"}, "level"),
        ({"organisation_id": "nowhere"}, "organisation_id"),
        ({"group_by": "planet"}, "group_by"),
        ({"level": "federal", "group_by": "category"}, "group_by"),
        ({"group_by": "office"}, "organisation_id"),
    ],
)
def test_a_bad_query_is_a_400_naming_the_field(params: dict[str, str], field: str) -> None:
    services, _, _ = make_services()
    with pytest.raises(InvalidInput) as raised:
        stats.statistics(services, **params)
    assert field in [p.field for p in raised.value.details]


def test_the_csv_has_the_same_figures_one_row_per_group(history: tuple[Services, Clock, MemoryTable]) -> None:
    services, _, _ = history
    answer = stats.statistics(services, organisation_id="lesco", group_by="office")
    rows = list(csv.DictReader(io.StringIO(stats.as_csv(answer))))
    assert rows[0]["group"] == "total" and rows[0]["received"] == "4" and rows[0]["satisfied_rate"] == "0.5"
    assert {r["id"] for r in rows[1:]} == {"lesco-hq", "lesco-lahore", "lesco-kasur"}
    assert "citizen" not in stats.as_csv(answer)
