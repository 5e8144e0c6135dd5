"""Public statistics over HTTP, moto behind: anonymous, JSON and CSV, figures matching the cases made."""

from __future__ import annotations

from tests.harness import Stack
from tests.integration.test_actions import actions_path, routed_case


def test_stats_match_the_cases_created_and_need_no_sign_in(stack: Stack) -> None:
    ids = [routed_case(stack) for _ in range(2)]
    body = {"action": "resolve", "outcome": "relief_granted", "note": "Corrected."}
    assert stack.post(actions_path(ids[0]), body, token=stack.login("officer")).status == 200
    verdict = {"satisfied": False, "rating": 2}
    assert stack.post(f"/v1/complaints/{ids[0]}/feedback", verdict, token=stack.login("citizen")).status == 200
    answer = stack.get("/v1/stats?group_by=organisation&level=federal")
    assert answer.status == 200, answer.body
    totals = answer.json["totals"]
    assert totals["received"] == 2 and totals["resolved"] == 1 and totals["resolved_rate"] == 0.5
    assert totals["satisfied_rate"] == 0.0 and totals["reopened"] == 1
    organisation = stack.demo_route["office_id"].split("-")[0]
    assert next(g for g in answer.json["groups"] if g["id"] == organisation)["figures"]["received"] == 2
    exported = stack.request("GET", "/v1/stats.csv")
    headers = {k.lower(): v for k, v in exported.headers.items()}
    assert exported.status == 200 and headers["content-type"].startswith("text/csv")
    assert exported.body.decode().splitlines()[1].startswith("total,all,")
    bad = stack.get("/v1/stats?group_by=planet")
    assert bad.status == 400 and bad.json["error"]["details"][0]["field"] == "group_by"


def test_a_complaint_resolved_twice_is_one_resolved_case_so_the_rate_never_passes_100(stack: Stack) -> None:
    # Given a complaint resolved, reopened a level up by a citizen not satisfied, and resolved again by the supervisor
    case_id = routed_case(stack)
    body = {"action": "resolve", "outcome": "relief_granted", "note": "Corrected."}
    assert stack.post(actions_path(case_id), body, token=stack.login("officer")).status == 200
    verdict = {"satisfied": False, "rating": 1}
    assert stack.post(f"/v1/complaints/{case_id}/feedback", verdict, token=stack.login("citizen")).status == 200
    assert stack.post(actions_path(case_id), body, token=stack.login("supervisor")).status == 200
    office, organisation = stack.demo_route["office_id"], stack.demo_route["office_id"].split("-")[0]

    # When the public reads the statistics, by office and by category
    by_office = stack.get(f"/v1/stats?organisation_id={organisation}&group_by=office")
    by_category = stack.get("/v1/stats?group_by=category")

    # Then one case received and resolved: 100 %, not 200 %; both resolutions still shown, beside the verdict
    assert by_office.status == 200, by_office.body
    totals = by_office.json["totals"]
    assert (totals["received"], totals["resolved"], totals["resolved_rate"], totals["resolutions"]) == (1, 1, 1.0, 2)
    assert totals["satisfied_rate"] == 0.0
    offices = {g["id"]: g["figures"] for g in by_office.json["groups"]}
    assert offices[office]["resolved_rate"] == 1.0
    supervisor = offices[stack.supervisor_office_id]
    assert (supervisor["received"], supervisor["resolved"], supervisor["resolutions"]) == (0, 0, 1)
    categories = {g["id"]: g["figures"] for g in by_category.json["groups"]}
    assert categories[stack.demo_route["category_id"]]["resolved_rate"] == 1.0

    # Given a second complaint, not resolved; When / Then one case of two: 50 %
    routed_case(stack)
    again = stack.get(f"/v1/stats?organisation_id={organisation}&group_by=office").json
    assert again["totals"]["resolved_rate"] == 0.5
    assert {g["id"]: g["figures"] for g in again["groups"]}[office]["resolved_rate"] == 0.5
    assert "resolutions" in stack.request("GET", "/v1/stats.csv").body.decode().splitlines()[0]


def test_the_whole_country_grouped_by_district_is_one_answer(stack: Stack) -> None:
    # Every district of the seed (a district per boundary of the country) in one answer: the month so far.
    districts = stack.get("/v1/districts").json["items"]
    assert len(districts) > 100
    answer = stack.get("/v1/stats?group_by=district")
    assert answer.status == 200, answer.body
    assert [g["id"] for g in answer.json["groups"]] == [d["id"] for d in districts]
