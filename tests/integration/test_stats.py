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
