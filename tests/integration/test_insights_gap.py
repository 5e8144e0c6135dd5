"""The satisfaction gap over HTTP, moto behind: the daily job stores the counts, the public reads them in one
BatchGetItem; the monthly report is for admins (an organisation's admin sees their organisation's rows)."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime

from tests.harness import Stack
from tests.integration.test_actions import actions_path, routed_case


def _run_job(stack: Stack) -> dict[str, object]:
    """The hourly insights function at 01:30 today (when the gap task is due)."""
    at = datetime.now(UTC).replace(hour=1, minute=30, second=0, microsecond=0)
    event = stack.client.events.generate_cw_event("aws.events", "Scheduled Event", {}, [])
    event["time"] = at.isoformat().replace("+00:00", "Z")
    payload: dict[str, object] = stack.invoke("run_insights", event)
    return payload


def test_the_public_reads_the_gap_the_job_stored_and_admins_download_the_month(stack: Stack) -> None:
    # Given two complaints resolved, one verdict each way
    ids = [routed_case(stack) for _ in range(2)]
    body = {"action": "resolve", "outcome": "relief_granted", "note": "Corrected."}
    for case_id in ids:
        assert stack.post(actions_path(case_id), body, token=stack.login("officer")).status == 200
    for case_id, satisfied in zip(ids, (True, False), strict=True):
        verdict = {"satisfied": satisfied, "rating": 4 if satisfied else 1}
        assert stack.post(f"/v1/complaints/{case_id}/feedback", verdict, token=stack.login("citizen")).status == 200

    # Before the job: an honest empty answer, not an error
    before = stack.get("/v1/insights/satisfaction")
    assert before.status == 200, before.body
    assert before.json["computed_at"] is None and before.json["rows"] == []

    # When the daily job runs
    started = time.perf_counter()
    ran = _run_job(stack)
    print(f"satisfaction_gap job: {time.perf_counter() - started:.1f} s, {ran}")
    assert "satisfaction_gap" in ran and not ran["satisfaction_gap"].get("failed")  # type: ignore[attr-defined]

    # Then the public answer (no sign-in) reads the three stored months with one BatchGetItem, then none
    # for five minutes; it has the funnel and the office's row, with the figures of the cases
    from bench.run import counting

    with counting() as calls:
        answer = stack.get("/v1/insights/satisfaction?by=office")
    assert calls == {"dynamodb.BatchGetItem": 1}, calls
    with counting() as calls:
        assert stack.get("/v1/insights/satisfaction?by=district").status == 200
    assert sum(calls.values()) == 0, calls
    assert answer.status == 200, answer.body
    headers = {k.lower(): v for k, v in answer.headers.items()}
    assert "max-age" in headers["cache-control"]
    funnel = answer.json["funnel"]
    assert (funnel["filed"], funnel["resolved"], funnel["answered"], funnel["satisfied"]) == (2, 2, 2, 1)
    office = stack.demo_route["office_id"]
    row = next(r for r in answer.json["rows"] if r["id"] == office)
    assert row["counts"]["verdicts"] == 2 and row["counts"]["received"] == 2
    assert row["satisfied_rate"] == 0.5 and row["resolved_rate"] == 1.0
    assert row["too_few_answers"] is True and row["flagged"] is False and row["name_ur"]
    assert {"low", "high"} <= set(row["satisfied_shrunk_interval"])
    for by in ("organisation", "category", "district"):
        grouped = stack.get(f"/v1/insights/satisfaction?by={by}&period=3m")
        assert grouped.status == 200 and grouped.json["rows"], (by, grouped.body)
    bad = stack.get("/v1/insights/satisfaction?by=planet")
    assert bad.status == 400 and bad.json["error"]["details"][0]["field"] == "by"
    bad = stack.get("/v1/insights/satisfaction?period=last-year")
    assert bad.status == 400 and bad.json["error"]["details"][0]["field"] == "period"

    # The month's report: an admin gets every grouping as CSV, with a byte-order mark for Excel
    month = datetime.now(UTC).strftime("%Y-%m")
    path = f"/v1/admin/insights/satisfaction-report?month={month}"
    csv_reply = stack.request("GET", path + "&format=csv", token=stack.login("admin"))
    assert csv_reply.status == 200, csv_reply.body
    text = csv_reply.body.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert {r["group"] for r in rows} == {"all", "office", "organisation", "category", "district"}
    # An organisation's admin: their organisation and its offices only
    scoped = stack.get(path, token=stack.login("org_admin"))
    assert scoped.status == 200, scoped.body
    organisation = office.split("-")[0]
    assert set(scoped.json["sections"]) == {"organisation", "office"} and scoped.json["funnel"] is None
    assert {r["organisation_id"] for rows_ in scoped.json["sections"].values() for r in rows_} == {organisation}
    # A citizen may not; a bad month names the field
    assert stack.get(path, token=stack.login("citizen")).status == 403
    assert stack.get(path, token=stack.login("officer")).status == 403
    for wrong in ("2026-13", "26-01", "2100-01", ""):
        refused = stack.get(f"/v1/admin/insights/satisfaction-report?month={wrong}", token=stack.login("admin"))
        assert refused.status == 400 and refused.json["error"]["details"][0]["field"] == "month", wrong
    refused = stack.get(path + "&format=xlsx", token=stack.login("admin"))
    assert refused.status == 400 and refused.json["error"]["details"][0]["field"] == "format"
