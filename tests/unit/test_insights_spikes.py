"""Spikes: the method (no look-ahead, flags a burst, not a trend) and `make insights-spikes`'s tool."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from chalicelib.insights import spikes_tool
from chalicelib.insights.spikes import DAILY, MONTHLY, scan


def _quiet(days: int, seed: int = 7) -> list[int]:
    rng = random.Random(seed)
    return [max(0, round(rng.gauss(6 if d % 7 < 5 else 2, 2))) for d in range(days)]


def test_a_burst_after_quiet_weeks_is_flagged_and_the_quiet_days_are_not() -> None:
    counts = [*_quiet(56), 34]
    points = scan(counts, DAILY)
    assert points[-1].flagged
    assert points[-1].expected < 12
    assert sum(p.flagged for p in points[:-1]) <= 2


def test_a_steady_trend_is_not_a_spike() -> None:
    counts = [20 + 2 * month for month in range(48)]
    assert not any(p.flagged for p in scan(counts, MONTHLY))


def test_no_look_ahead_appending_future_periods_never_changes_earlier_points() -> None:
    counts = _quiet(70, seed=3)
    counts[40] = 30
    before = scan(counts[:50], DAILY)
    after = scan([*counts[:50], 90, 0, 0, 200], DAILY)
    assert after[:50] == before


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _run(tmp_path: Path, text: str | None, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    source = tmp_path / "in.csv" if text is None else _write(tmp_path, text)
    status = spikes_tool.main([str(source), str(tmp_path / "out.csv")])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, err.strip()


def _out(tmp_path: Path) -> list[list[str]]:
    return [line.split(",") for line in (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()]


def test_every_row_is_answered_in_input_order_with_other_columns_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [f"a,2024-01-{d:02d},{c},x" for d, c in enumerate(_quiet(28), start=1)]
    rows.insert(0, "a,2024-02-05,40,x")  # out of order, after a gap of missing days
    rows.append("m,2024-03,7,y")
    status, _ = _run(tmp_path, "series,period,count,note\n" + "\n".join(rows) + "\n", capsys)
    assert status == 0
    out = _out(tmp_path)
    assert out[0] == ["series", "period", "score", "flagged"]
    assert [r[:2] for r in out[1:]] == [r.split(",")[:2] for r in rows]
    assert out[1][3] == "1"  # 40 after four quiet weeks
    assert {r[3] for r in out[1:]} <= {"0", "1"}


def test_appending_future_rows_never_changes_earlier_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    early = [f"s,2023-{m:02d},{c}" for m, c in enumerate([5, 7, 6, 30, 8, 6, 7, 9, 6, 5, 7, 8], start=1)]
    _run(tmp_path, "series,period,count\n" + "\n".join(early) + "\n", capsys)
    first = _out(tmp_path)
    later = [*early, "s,2024-01,90", "s,2024-02,0", "s,2024-05,300"]
    _run(tmp_path, "series,period,count\n" + "\n".join(later) + "\n", capsys)
    assert _out(tmp_path)[: len(first)] == first


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (None, "no such file"),
        ("", "empty"),
        ("series,period,count\n", "no rows"),
        ("series,count\na,3\n", "'period'"),
        ("period,count\n2024-01,3\n", "'series'"),
        ("series,period\na,2024-01\n", "'count'"),
        ("series,period,count\na,2024-01,3\na,2024-13,3\n", "row 3"),
        ("series,period,count\na,yesterday,3\n", "row 2"),
        ("series,period,count\na,2024-02-30,3\n", "row 2"),
        ("series,period,count\na,2024-01,three\n", "row 2"),
        ("series,period,count\na,2024-01,-1\n", "row 2"),
        ("series,period,count\na,2024-01,3\na,2024-01-05,3\n", "mixes daily and monthly"),
    ],
)
def test_a_bad_file_is_one_clear_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str | None, says: str
) -> None:
    status, err = _run(tmp_path, text, capsys)
    assert status == 2
    assert says in err
    assert len(err.splitlines()) == 1


def test_the_job_scores_yesterday_without_today_and_skips_pairs_too_small_to_flag() -> None:
    from chalicelib.insights.spike_watch import find

    days = [f"2026-11-{d:02d}" for d in range(1, 31)]
    quiet = _quiet(len(days), seed=11)
    by_day = {day: {("water", "lahore"): quiet[i], ("gas", "multan"): 1} for i, day in enumerate(days)}
    by_day[days[-2]] = {("water", "lahore"): 40, ("gas", "multan"): 4}
    yesterday = find(by_day, days, days[-2])
    assert [(s.category_id, s.district_id, s.count) for s in yesterday] == [("water", "lahore", 40)]
    by_day[days[-1]] = {("water", "lahore"): 500}
    assert find(by_day, days, days[-2]) == yesterday  # today's count changes nothing about yesterday


def _grouped_rows(with_group: bool) -> list[str]:
    """Five monthly series of one group around 30 a month; in 2023-01 every one doubles, in 2023-09 only `a` triples."""
    rng = random.Random(5)
    rows = []
    for name in "abcde":
        for index in range(48):
            year, month = 2020 + index // 12, index % 12 + 1
            count = max(0, round(rng.gauss(30, 3)))
            if (year, month) == (2023, 1) or ((year, month) == (2023, 9) and name == "a"):
                count *= 2 if month == 1 else 3
            rows.append(f"{name},{year}-{month:02d},{count}" + (",g" if with_group else ""))
    return rows


def _flags(out: list[list[str]]) -> dict[tuple[str, str], str]:
    return {(r[0], r[1]): r[3] for r in out[1:]}


def test_with_a_group_the_whole_group_doubling_is_not_flagged_and_one_series_tripling_alone_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(tmp_path, "series,period,count,group\n" + "\n".join(_grouped_rows(True)) + "\n", capsys)[0] == 0
    flags = _flags(_out(tmp_path))
    assert [flags[(name, "2023-01")] for name in "abcde"] == ["0"] * 5
    assert flags[("a", "2023-09")] == "1"
    assert [flags[(name, "2023-09")] for name in "bcde"] == ["0"] * 4
    # Without the group every series is alone: the common doubling is a spike in most
    assert _run(tmp_path, "series,period,count\n" + "\n".join(_grouped_rows(False)) + "\n", capsys)[0] == 0
    alone = _flags(_out(tmp_path))
    assert sum(alone[(name, "2023-01")] == "1" for name in "abcde") >= 3


def test_with_a_group_appending_future_rows_never_changes_earlier_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _grouped_rows(True)
    early = [row for row in rows if row.split(",")[1] < "2023-06"]
    _run(tmp_path, "series,period,count,group\n" + "\n".join(early) + "\n", capsys)
    first = _out(tmp_path)
    later = [*early, *(row for row in rows if row.split(",")[1] >= "2023-06"), "f,2024-02,500,g", "b,2025-01,0,g"]
    _run(tmp_path, "series,period,count,group\n" + "\n".join(later) + "\n", capsys)
    assert _out(tmp_path)[: len(first)] == first


def test_a_series_alone_in_its_group_is_scored_as_without_a_group(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [row for row in _grouped_rows(False) if row.startswith("a,")]
    _run(tmp_path, "series,period,count\n" + "\n".join(rows) + "\n", capsys)
    plain = _out(tmp_path)
    _run(tmp_path, "series,period,count,group\n" + "\n".join(f"{row},solo" for row in rows) + "\n", capsys)
    assert _out(tmp_path) == plain


def test_a_series_in_two_groups_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, err = _run(tmp_path, "series,period,count,group\na,2024-01,3,g\na,2024-02,3,h\n", capsys)
    assert status == 2 and "row 3" in err and "two groups" in err


def test_the_job_sees_a_nationwide_surge_once_as_the_national_total_and_one_districts_burst_as_that_district() -> None:
    from chalicelib.insights.spike_watch import NATIONAL, find

    days = [f"2026-10-{d:02d}" for d in range(1, 32)] + [f"2026-11-{d:02d}" for d in range(1, 29)]
    districts = ("lahore", "multan", "quetta", "sukkur")
    quiet = {d: _quiet(len(days), seed=20 + i) for i, d in enumerate(districts)}
    by_day = {day: {("water", d): quiet[d][i] for d in districts} for i, day in enumerate(days)}
    by_day[days[-1]] = {("water", d): 18 for d in districts}  # every district at once, three times its usual 6
    assert [(s.district_id, s.count) for s in find(by_day, days, days[-1])] == [
        (NATIONAL, sum(by_day[days[-1]].values()))
    ]
    by_day[days[-1]] = {("water", d): quiet[d][-1] for d in districts}
    by_day[days[-1]][("water", "multan")] = 40  # one district alone: told once, as that district
    assert [(s.district_id, s.count) for s in find(by_day, days, days[-1])] == [("multan", 40)]


def _district_rows(with_area: bool) -> list[str]:
    """Four districts × five categories, monthly around 40; in 2023-03 every category of district d0 doubles (the
    council starts sending its reports through the site), in 2023-08 only (d1, c0) triples."""
    rng = random.Random(9)
    rows = []
    for district in ("d0", "d1", "d2", "d3"):
        for category in ("c0", "c1", "c2", "c3", "c4"):
            for index in range(48):
                year, month = 2020 + index // 12, index % 12 + 1
                count = max(0, round(rng.gauss(40, 4)))
                if (year, month) == (2023, 3) and district == "d0":
                    count *= 2
                if (year, month) == (2023, 8) and (district, category) == ("d1", "c0"):
                    count *= 3
                rows.append(
                    f"{district}-{category},{year}-{month:02d},{count},{category}" + (f",{district}" * with_area)
                )
    return rows


def test_with_an_area_a_whole_district_rising_is_mostly_expected_and_one_category_tripling_still_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = "series,period,count,group"
    assert _run(tmp_path, header + "\n" + "\n".join(_district_rows(False)) + "\n", capsys)[0] == 0
    plain = _flags(_out(tmp_path))
    assert _run(tmp_path, header + ",area\n" + "\n".join(_district_rows(True)) + "\n", capsys)[0] == 0
    with_area = _flags(_out(tmp_path))
    district = [f"d0-c{c}" for c in range(5)]
    # Against the category's other districts alone, d0's categories doubling are spikes
    assert sum(plain[(series, "2023-03")] == "1" for series in district) >= 4
    # With the district's other categories, most of it is expected
    assert sum(with_area[(series, "2023-03")] == "1" for series in district) <= 1
    # One category tripling alone in its district is still a spike, and nothing else that month is
    assert with_area[("d1-c0", "2023-08")] == "1"
    assert sum(flag == "1" for (series, month), flag in with_area.items() if month == "2023-08") == 1


def test_with_an_area_appending_future_rows_never_changes_earlier_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _district_rows(True)
    early = [row for row in rows if row.split(",")[1] < "2023-05"]
    header = "series,period,count,group,area\n"
    _run(tmp_path, header + "\n".join(early) + "\n", capsys)
    first = _out(tmp_path)
    later = [*early, *(row for row in rows if row.split(",")[1] >= "2023-05"), "d0-c9,2024-02,900,c9,d0"]
    _run(tmp_path, header + "\n".join(later) + "\n", capsys)
    assert _out(tmp_path)[: len(first)] == first


def test_a_series_in_two_areas_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, err = _run(tmp_path, "series,period,count,area\na,2024-01,3,x\na,2024-02,3,y\n", capsys)
    assert status == 2 and "row 3" in err and "two areas" in err


def test_a_grouped_series_spread_is_shrunk_towards_a_negative_binomial_one_that_grows_with_its_level() -> None:
    from chalicelib.insights.spikes import DISPERSION, MONTHLY_GROUPED, Scanner

    steady = Scanner(MONTHLY_GROUPED)
    for _ in range(36):
        steady.push(400.0)  # no residual at all after the first month
    # A calm history does not make a series of 400 a month look steadier than counts of its size are
    assert steady.spread(400.0) > 0.9 * (1 + DISPERSION * 400) ** 0.5 / 2**0.5
    assert steady.spread(400.0) > steady.spread(20.0)
    assert not steady.judge(480.0).flagged  # +20 % on 400 is no spike
    assert steady.judge(800.0).flagged
