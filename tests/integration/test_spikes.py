"""Spikes end to end: quiet weeks, then a burst of complaints in one district; the hourly insights job flags it
once, the office's staff hear of it in the app and by e-mail, and the public trends show it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.harness import Stack
from tests.integration.test_journey import complaint_body


def _seed_quiet_weeks(category_id: str, district_id: str, today: date, weeks: int = 4) -> None:
    """A few quiet weeks of this (category, district): one or two complaints a weekday, none most weekends."""
    from chalicelib.store import stats as stat_store
    from chalicelib.wiring import services

    table = services().table
    for back in range(weeks * 7, 0, -1):
        day = today - timedelta(days=back)
        count = (1 + back % 2) if day.weekday() < 5 else back % 3 // 2
        if count:
            table.transact([stat_store.pair_daily(category_id, district_id, day.isoformat(), {"submitted": count})])


def _run_insights(stack: Stack, at: datetime) -> dict[str, Any]:
    event = stack.client.events.generate_cw_event("aws.events", "Scheduled Event", {}, [])
    event["time"] = at.isoformat().replace("+00:00", "Z")
    payload: dict[str, Any] = stack.invoke("run_insights", event)
    return payload


def test_a_burst_in_one_district_is_flagged_once_notifies_the_office_and_shows_in_trends(stack: Stack) -> None:
    from local.outbox import sent_texts

    category, district = stack.demo_route["category_id"], stack.demo_route["district"]
    now = datetime.now(UTC)
    _seed_quiet_weeks(category, district, now.date())
    officer = stack.login("officer")  # the staff of the office this (category, district) routes to
    # A quiet day is no spike
    assert _run_insights(stack, now)["spikes"]["new_spikes"] == 0

    # When 30 complaints of one category are filed in one district today (three citizens, ten each)
    for citizen in ("citizen", "citizen2", "citizen3"):
        token = stack.login(citizen)
        for _ in range(10):
            assert stack.post("/v1/complaints", complaint_body(stack), token=token).status == 201
    report = _run_insights(stack, now)

    # Then the job flags one spike, and a second run of the hour flags nothing new
    assert report["spikes"]["new_spikes"] == 1, report
    assert _run_insights(stack, now + timedelta(minutes=5))["spikes"]["new_spikes"] == 0

    # And the office's staff see it in the app, once, in their language
    notices = stack.get("/v1/notifications?limit=50", token=officer).json["items"]
    spikes = [n for n in notices if n["type"] == "office_spike_today"]
    assert len(spikes) == 1, notices
    assert spikes[0]["message"].startswith("Spike: 30 complaints about ")
    assert "today (usually about" in spikes[0]["message"]
    # And by e-mail through the notifications queue
    stack.run_notify_worker()
    assert any(to == "officer@example.pk" and "| Spike: 30 complaints" in text for to, text in sent_texts())

    # And the public trends show it, with names in both languages, and the category's daily counts
    trends = stack.get("/v1/insights/trends?days=7")
    assert trends.status == 200, trends.body
    assert "max-age" in {k.lower(): v for k, v in trends.headers.items()}["cache-control"]
    spike = trends.json["spikes"][0]
    assert (spike["category_id"], spike["district_id"], spike["count"]) == (category, district, 30)
    assert spike["day"] == now.date().isoformat() and spike["expected"] < 5 and spike["district_name_ur"]
    assert len(trends.json["days"]) == 7
    counts = next(c for c in trends.json["categories"] if c["category_id"] == category)["counts"]
    assert counts[-1] == 30 and len(counts) == 7

    bad = stack.get("/v1/insights/trends?days=90")
    assert bad.status == 400 and bad.json["error"]["details"][0]["field"] == "days"


def test_before_the_job_ever_ran_the_trends_are_empty_not_an_error(stack: Stack) -> None:
    answer = stack.get("/v1/insights/trends")
    assert answer.status == 200, answer.body
    assert answer.json["spikes"] == [] and answer.json["categories"] == [] and answer.json["days"] == []


def test_a_surge_in_every_district_at_once_is_flagged_once_as_national_not_per_district(stack: Stack) -> None:
    from chalicelib.store import stats as stat_store
    from chalicelib.wiring import services

    category = stack.demo_route["category_id"]
    directory = services().directory()
    districts = sorted(directory.districts)[:4]
    assert len(districts) >= 3, districts
    now = datetime.now(UTC)
    for district in districts:
        _seed_quiet_weeks(category, district, now.date())
    office = directory.office_for(category, stack.demo_route["district"])
    assert office is not None
    head = directory.head_office(office.organisation_id)
    assert head is not None
    staff = stack.login_officer_of(head.id)

    # When every district files about ten times its usual today (a nationwide outage)
    table = services().table
    for district in districts:
        table.transact([stat_store.pair_daily(category, district, now.date().isoformat(), {"submitted": 15})])
    report = _run_insights(stack, now)

    # Then one spike is flagged: the category across Pakistan, not each district
    assert report["spikes"]["new_spikes"] == 1, report
    trends = stack.get("/v1/insights/trends?days=7").json
    assert [(s["district_id"], s["count"]) for s in trends["spikes"]] == [("all", 15 * len(districts))]
    assert (trends["spikes"][0]["district_name"], trends["spikes"][0]["district_name_ur"]) == ("Pakistan", "پاکستان")
    # And the head office hears of it in those words
    notices = stack.get("/v1/notifications?limit=50", token=staff).json["items"]
    national = [n for n in notices if n["type"] == "office_spike_national_today"]
    assert len(national) == 1, notices
    assert "across Pakistan today (usually about" in national[0]["message"]
