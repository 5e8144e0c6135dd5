"""The satisfaction gap's statistics: intervals that cover, shrinkage that pulls the small more, flags that fire
on a clearly bad large office and not on luck; and the figures read from the counters the write paths add to."""

from __future__ import annotations

import csv
import io
import random

import pytest

from chalicelib.insights import gap
from chalicelib.insights.gap_stats import beta_cdf, beta_interval, beta_ppf, fit_prior, wilson
from chalicelib.logic import actions
from chalicelib.logic.directory import Directory
from chalicelib.models.actions import FeedbackIn, ResolveIn
from chalicelib.models.directory import Office
from chalicelib.models.errors import InvalidInput
from chalicelib.store import keys
from tests.fakes import citizen, make_services, small_directory
from tests.fakes import officer as officer_principal
from tests.unit.test_sweeper import routed_case


def _binomial(rng: random.Random, n: int, p: float) -> int:
    return sum(rng.random() < p for _ in range(n))


def directory_of(offices: int) -> Directory:
    """The small directory with `offices` more LESCO offices, o0 … o<n-1>."""
    snapshot = small_directory()
    extra = [
        Office(id=f"o{i}", organisation_id="lesco", name=f"Office {i}", name_ur=f"دفتر {i}", district_id="lahore")
        for i in range(offices)
    ]
    return Directory(snapshot.model_copy(update={"offices": [*snapshot.offices, *extra]}))


def row(filed: int, resolved: int, rejected: int, satisfied: int, not_satisfied: int) -> list[int]:
    return [filed, resolved, rejected, satisfied, not_satisfied]


# --- intervals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("p", "n"), [(0.05, 40), (0.3, 20), (0.6, 100), (0.95, 60)])
def test_the_wilson_interval_covers_the_true_rate_about_95_percent_of_the_time(p: float, n: int) -> None:
    rng = random.Random(15)
    covered = 0
    for _ in range(2000):
        low, high = wilson(_binomial(rng, n, p), n) or (0.0, 1.0)
        covered += low <= p <= high
    assert 0.92 <= covered / 2000 <= 0.99


def test_the_beta_quantile_inverts_the_cdf() -> None:
    for a, b in ((0.4, 0.6), (1, 1), (3, 71), (300, 5), (5000, 4000)):
        for p in (0.025, 0.5, 0.975):
            assert beta_cdf(beta_ppf(p, a, b), a, b) == pytest.approx(p, abs=1e-8)
    assert beta_cdf(0.5, 2, 3) == pytest.approx(11 / 16)
    assert beta_interval(1, 1) == pytest.approx((0.025, 0.975))


def test_the_shrunk_posterior_interval_covers_offices_true_rates() -> None:
    # Given 300 offices whose true satisfied rates spread as Beta(6, 4) (mean 0.6), 5 to 200 verdicts each
    rng = random.Random(4)
    truths = [rng.betavariate(6, 4) for _ in range(300)]
    sizes = [rng.randint(5, 200) for _ in truths]
    counts = [(_binomial(rng, n, t), n) for t, n in zip(truths, sizes, strict=True)]
    # When a prior is fitted to them by the method of moments
    prior = fit_prior(counts)
    # Then it finds their spread (α + β near 10, the mean near 0.6) and its posterior intervals cover ~95 %
    assert prior.mean == pytest.approx(0.6, abs=0.03)
    assert 5 < prior.strength < 20
    covered = 0
    for (k, n), truth in zip(counts, truths, strict=True):
        low, high = beta_interval(*prior.posterior(k, n))
        covered += low <= truth <= high
    assert covered / len(truths) >= 0.92


def test_a_peer_group_without_spread_beyond_chance_pools_strongly() -> None:
    rng = random.Random(7)
    prior = fit_prior([(_binomial(rng, 50, 0.6), 50) for _ in range(200)])
    assert prior.strength > 200


# --- shrinkage and flags --------------------------------------------------------------------------


def _peers(rng: random.Random, offices: int) -> dict[str, list[int]]:
    """Offices resolving ~95 % and satisfying ~60 % (spread as real offices spread), 40–120 verdicts each."""
    counts = {}
    for i in range(offices):
        verdicts, decided = rng.randint(40, 120), rng.randint(100, 200)
        resolved = _binomial(rng, decided, 0.95)
        satisfied = _binomial(rng, verdicts, rng.betavariate(12, 8))
        counts[f"o{i}"] = row(decided + 10, resolved, decided - resolved, satisfied, verdicts - satisfied)
    return counts


def test_shrinkage_pulls_a_3_of_3_office_toward_the_peers_more_than_a_300_of_300_office() -> None:
    rng = random.Random(1)
    counts = _peers(rng, 30)
    counts["o30"] = row(3, 3, 0, 3, 0)
    counts["o31"] = row(300, 300, 0, 300, 0)
    rows = {r.id: r for r in gap.rows_of(directory_of(32), "office", counts)}
    small, large = rows["o30"], rows["o31"]
    mean = small.peer_satisfied_mean
    assert small.peer_group == large.peer_group == "organisation:lesco"
    # Both had every answer satisfied; the small one is pulled most of the way back, the large one hardly
    assert (1 - small.satisfied_shrunk) / (1 - mean) > 0.5
    assert (1 - large.satisfied_shrunk) / (1 - mean) < 0.2
    assert small.satisfied_shrunk < large.satisfied_shrunk
    assert small.too_few_answers and not large.too_few_answers
    # And the ranking by the shrunk gap does not put the lucky small office at the narrowest gap
    assert large.rank > small.rank


def test_the_flag_fires_on_a_clearly_bad_large_office_and_not_on_a_small_one_with_the_same_rates() -> None:
    rng = random.Random(2)
    counts = _peers(rng, 30)
    counts["o30"] = row(400, 297, 3, 60, 240)  # 99 % resolved, 20 % satisfied, 300 verdicts
    counts["o31"] = row(5, 4, 0, 1, 4)  # about the same rates on 5 verdicts
    counts["o32"] = row(14, 12, 0, 2, 8)  # and on 10 verdicts: answered enough to be judged, not enough to flag
    rows = {r.id: r for r in gap.rows_of(directory_of(33), "office", counts)}
    assert rows["o30"].flagged and rows["o30"].rank == 1
    assert rows["o30"].gap == pytest.approx(0.79, abs=0.005)
    assert not rows["o31"].flagged and rows["o31"].too_few_answers
    assert not rows["o32"].flagged and not rows["o32"].too_few_answers


def test_offices_as_good_as_their_peers_are_rarely_flagged() -> None:
    # Given 40 peer groups of 25 offices, every office truly satisfying its citizens at the same rate
    rng = random.Random(3)
    flagged = total = 0
    for _ in range(40):
        counts = {}
        for i in range(25):
            verdicts = rng.randint(10, 300)
            satisfied = _binomial(rng, verdicts, 0.55)
            counts[f"o{i}"] = row(verdicts, verdicts, 0, satisfied, verdicts - satisfied)
        rows = gap.rows_of(directory_of(25), "office", counts)
        flagged += sum(r.flagged for r in rows)
        total += len(rows)
    # Then under 1 % of them are flagged (a 95 % interval per office alone would flag ~2.5 %)
    assert flagged / total < 0.01


# --- from the counters --------------------------------------------------------------------------


def test_the_job_stores_the_counters_the_write_paths_add_and_the_answer_reads_them() -> None:
    services, _, clock = make_services()
    lahore = officer_principal("lesco-lahore")
    ids = [routed_case(services) for _ in range(3)]
    for case_id in ids:
        actions.act(
            services, lahore, case_id, ResolveIn(action="resolve", outcome="relief_granted", note="Done."), None
        )
    actions.give_feedback(services, citizen(), ids[0], FeedbackIn(satisfied=True, rating=5), None)
    actions.give_feedback(services, citizen(), ids[1], FeedbackIn(satisfied=False, rating=1), None)
    # Before the job ran: nothing stored, nothing computed, an honest empty answer
    before = gap.satisfaction(services)
    assert before.computed_at is None and before.rows == [] and before.funnel.filed == 0
    # When the daily job runs
    report = gap.run(services, clock())
    assert set(report) == {"2026-09", "2026-10", "2026-11"}
    out = gap.satisfaction(services)
    assert out.computed_at is not None and out.period == "3m"
    assert (out.funnel.filed, out.funnel.resolved, out.funnel.answered, out.funnel.satisfied) == (3, 3, 2, 1)
    lahore_row = next(r for r in out.rows if r.id == "lesco-lahore")
    assert lahore_row.counts.decided == 3 and lahore_row.counts.verdicts == 2
    assert lahore_row.resolved_rate == 1 and lahore_row.satisfied_rate == 0.5 and lahore_row.gap == 0.5
    assert lahore_row.too_few_answers and not lahore_row.flagged
    assert lahore_row.name_ur
    by_category = gap.satisfaction(services, by="category", period="2026-11")
    assert [r.id for r in by_category.rows] == ["electricity-overbilling"]
    assert gap.satisfaction(services, by="office", organisation_id="pmdu").rows == []


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("by", {"by": "province"}),
        ("period", {"period": "2026-13"}),
        ("period", {"period": "2027-01"}),
        ("period", {"period": "6m"}),
        ("organisation_id", {"organisation_id": "nobody"}),
        ("organisation_id", {"organisation_id": "lesco", "by": "district"}),
    ],
)
def test_a_bad_query_names_its_field(field: str, kwargs: dict[str, str]) -> None:
    services, _, _ = make_services()
    with pytest.raises(InvalidInput) as caught:
        gap.satisfaction(services, **kwargs)
    assert [p.field for p in caught.value.details] == [field]
    assert all(p.problem_ur for p in caught.value.details)


def test_the_report_csv_opens_in_excel_with_urdu_and_runs_no_formula() -> None:
    services, _, _ = make_services()
    routed_case(services)
    made = gap.report(services, "2026-11", None)  # not stored yet: read from the counters, then stored
    assert made.computed_at is not None
    assert services.table.get(keys.gap_month_key("2026-11")) is not None
    # A name that looks like a formula
    made.sections["office"] = [
        made.sections["category"][0].model_copy(update={"name": "=HYPERLINK(1)", "name_ur": "لیسکو"})
    ]
    body = gap.report_csv(made)
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0]["group"] == "all" and rows[0]["filed"] == "1"
    named = next(r for r in rows if r["name_ur"] == "لیسکو")
    assert named["name"] == "'=HYPERLINK(1)" and named["name_ur"] == "لیسکو"
    only_lesco = gap.report(services, "2026-11", "lesco")
    assert set(only_lesco.sections) == {"organisation", "office"} and only_lesco.funnel is None
    assert all(r.organisation_id == "lesco" for rows_ in only_lesco.sections.values() for r in rows_)


def test_one_or_two_groups_say_nothing_of_the_spread_so_the_prior_is_weak() -> None:
    assert fit_prior([(1, 2)]).strength == 2
    assert fit_prior([(1, 2), (30, 40)]).strength == 2
    assert fit_prior([]).mean == 0.5


def test_the_insights_job_runs_the_gap_once_a_day_in_its_0100_run() -> None:
    from datetime import UTC, datetime

    from chalicelib.insights import jobs

    services, _, _ = make_services()
    routed_case(services)
    assert "satisfaction_gap" not in jobs.run_due(services, datetime(2026, 11, 27, 2, 5, tzinfo=UTC))
    ran = jobs.run_due(services, datetime(2026, 11, 27, 1, 5, tzinfo=UTC))
    assert set(ran["satisfaction_gap"]) == {"2026-09", "2026-10", "2026-11"}
    assert ran["satisfaction_gap"]["2026-11"]["groups_stored"] > 0
