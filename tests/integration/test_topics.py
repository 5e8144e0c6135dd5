"""Emerging topics on the stack: the weekly task stores an organisation's themes, its staff read them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.insights import weeks
from chalicelib.insights.topics import Doc
from chalicelib.logic.clock import iso
from tests.harness import Stack, running_stack
from tests.integration.test_journey import complaint_body
from tests.topics_fixture import NEW, with_burst


@dataclass
class Seeded:
    stack: Stack
    week: str
    report: dict[str, object]
    planted: set[str]


def _write_cases(stack: Stack, template: object, docs: list[Doc], start: datetime, days: int) -> dict[str, str]:
    """The texts as complaints of LESCO's demo office, filed over `days` from `start`; their ids by the doc's."""
    from chalicelib.logic import tracking
    from chalicelib.store import cases as case_store
    from chalicelib.store.table import Put
    from chalicelib.wiring import services

    table = services().table
    ids = {}
    for n, doc in enumerate(docs):
        filed = iso(start + timedelta(minutes=n * days * 24 * 60 // max(len(docs), 1) + 1))
        case = template.model_copy(  # type: ignore[attr-defined]
            update={
                "id": tracking.new_tracking_number("C"),
                "subject": "",
                "description": doc.text,
                "citizen_sub": doc.author,
                "created_at": filed,
                "updated_at": filed,
                "next_check_at": None,
            }
        )
        table.transact([Put(case_store.case_item(case))])
        ids[doc.case_id] = case.id
    return ids


def _run_insights(stack: Stack, at: datetime) -> dict[str, object]:
    event = stack.client.events.generate_cw_event("aws.events", "Scheduled Event", {}, [])
    event["time"] = iso(at)
    payload: dict[str, object] = stack.invoke("run_insights", event)
    return payload


@pytest.fixture(scope="module")
def seeded() -> Iterator[Seeded]:
    from chalicelib.store import cases as case_store
    from chalicelib.wiring import services

    with running_stack() as stack:
        # A complaint filed and routed to LESCO's demo office: the template of the texts below
        filed = stack.post("/v1/complaints", complaint_body(stack), token=stack.login("citizen"))
        assert filed.status == 201, filed.body
        assert stack.run_route_worker() == 1
        template = case_store.get_case(services().table, filed.json["id"])
        assert template is not None and template.organisation_id == "lesco"
        # Six weeks of steady complaints, then a week with a burst of a new theme
        week = weeks.last_complete(datetime.now(UTC))
        start, _end = weeks.bounds(week)
        this_week, baseline = with_burst(burst=20, week_count=60, baseline_count=240)
        _write_cases(stack, template, baseline, start - timedelta(weeks=6), 41)
        ids = _write_cases(stack, template, this_week, start + timedelta(hours=1), 6)
        planted = {ids[d.case_id] for d in this_week if d.case_id.startswith("N")}
        # When the hourly function runs on the Monday at 02:00 UTC after the week
        monday = weeks.monday(week) + timedelta(days=7)
        report = _run_insights(stack, datetime(monday.year, monday.month, monday.day, 2, 5, tzinfo=UTC))
        yield Seeded(stack, week, report, planted)


def test_the_weekly_task_stores_the_organisations_themes_with_the_burst_first(seeded: Seeded) -> None:
    topics = seeded.report["topics"]
    assert isinstance(topics, dict) and topics["week"] == seeded.week
    assert topics["organisations"]["lesco"]["texts"] == 80, topics  # the template is of this week
    reply = seeded.stack.get(f"/v1/officer/topics?week={seeded.week}", token=seeded.stack.login("officer"))
    assert reply.status == 200, reply.body
    found = reply.json
    assert found["organisation_id"] == "lesco" and found["enough"] and found["computed_at"]
    assert found["texts_week"] == 80 and found["texts_baseline"] == 240 and found["baseline_weeks"] == 6
    top = found["themes"][0]
    assert top["rising"] and top["rise"] > 2
    assert len(set(" ".join(NEW).split()) & set(" ".join(top["keywords"]).split())) >= 4, top["keywords"]
    # The examples are the burst's complaints, which the demo office's officer may open
    assert 3 <= len(top["examples"]) <= 5 and set(top["examples"]) <= seeded.planted
    assert top["examples_hidden"] == 0
    opened = seeded.stack.get(f"/v1/officer/cases/{top['examples'][0]}", token=seeded.stack.login("officer"))
    assert opened.status == 200


def test_the_task_is_due_on_mondays_at_two_only(seeded: Seeded) -> None:
    from chalicelib.insights import topics_job

    assert topics_job.due(datetime(2026, 12, 7, 2, 5, tzinfo=UTC))
    assert not topics_job.due(datetime(2026, 12, 7, 3, 5, tzinfo=UTC))
    assert not topics_job.due(datetime(2026, 12, 8, 2, 5, tzinfo=UTC))
    # Another hour: nothing runs
    assert "topics" not in _run_insights(seeded.stack, datetime(2026, 12, 8, 2, 5, tzinfo=UTC))


def test_other_staff_see_the_themes_but_only_the_examples_they_may_open(seeded: Seeded) -> None:
    from chalicelib.wiring import services

    stack, week = seeded.stack, seeded.week
    # An officer of another LESCO office, outside the demo office's subtree
    directory = services().directory()
    inside = set(directory.subtree(stack.supervisor_office_id)) | set(directory.chain(stack.supervisor_office_id))
    sibling = next(o.id for o in directory.snapshot.offices if o.organisation_id == "lesco" and o.id not in inside)
    reply = stack.get(f"/v1/officer/topics?week={week}", token=stack.login_officer_of(sibling))
    assert reply.status == 200 and reply.json["themes"]
    assert all(not t["examples"] and t["examples_hidden"] >= 3 for t in reply.json["themes"])
    # LESCO's organisation admin: the themes, no case (they do not work cases)
    admin_of_org = stack.get(f"/v1/officer/topics?week={week}", token=stack.login("org_admin"))
    assert admin_of_org.status == 200 and admin_of_org.json["themes"]
    assert all(not t["examples"] for t in admin_of_org.json["themes"])
    # The portal's admin names the organisation and sees the examples
    admin = stack.login("admin")
    named = stack.get(f"/v1/officer/topics?week={week}&organisation=lesco", token=admin)
    assert named.status == 200 and named.json["themes"][0]["examples"]
    unnamed = stack.get(f"/v1/officer/topics?week={week}", token=admin)
    assert unnamed.status == 400 and unnamed.json["error"]["details"][0]["field"] == "organisation"


def test_another_organisations_topics_are_not_there_for_them(seeded: Seeded) -> None:
    stack, week = seeded.stack, seeded.week
    stranger = stack.login_officer_of(stack.other_office_id)
    assert stack.get(f"/v1/officer/topics?week={week}&organisation=lesco", token=stranger).status == 404
    own = stack.get(f"/v1/officer/topics?week={week}", token=stranger)
    assert own.status == 200 and own.json["organisation_id"] != "lesco"
    assert own.json["themes"] == [] and own.json["computed_at"] is None and not own.json["enough"]
    # Citizens have no topics at all
    assert stack.get(f"/v1/officer/topics?week={week}", token=stack.login("citizen")).status == 403


def test_a_bad_week_is_a_400_naming_the_field_in_both_languages(seeded: Seeded) -> None:
    stack = seeded.stack
    for bad in ("2026-49", "2025-W53", "W49", "2026-W4x"):
        reply = stack.get(f"/v1/officer/topics?week={bad}", token=stack.login("officer"))
        assert reply.status == 400, (bad, reply.body)
        assert reply.json["error"]["details"][0]["field"] == "week"
    urdu = stack.get("/v1/officer/topics?week=nope", token=stack.login("officer"), headers={"Accept-Language": "ur"})
    assert urdu.status == 400 and "ہفتہ" in urdu.json["error"]["details"][0]["problem"]


def test_the_latest_week_is_the_default_and_weeks_link_to_their_neighbours(seeded: Seeded) -> None:
    stack, week = seeded.stack, seeded.week
    latest = stack.get("/v1/officer/topics", token=stack.login("officer"))
    assert latest.status == 200 and latest.json["week"] == week and latest.json["next_week"] is None
    assert latest.json["previous_week"] == weeks.shifted(week, -1)
    earlier = stack.get(f"/v1/officer/topics?week={weeks.shifted(week, -1)}", token=stack.login("officer"))
    assert earlier.json["next_week"] == week and earlier.json["themes"] == []
