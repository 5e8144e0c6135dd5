"""The archive through the real app over moto (chalicelib/store/archive.py): the deployed sweeper archives a case
that ended a year ago (finder, then the due-queue worker putting the record to S3), every read answers as before,
every write is a 409 in the caller's language; the IAM recorder checks each function's S3 calls against its role."""

from __future__ import annotations

from typing import Any

from chalicelib.logic.messages import ERRORS
from tests.harness import Stack
from tests.integration.test_journey import complaint_body
from tests.unit.test_archive import _without_actions

YEAR_AND_A_DAY = 366 * 24 * 60  # minutes


def test_a_case_closed_a_year_ago_is_archived_and_reads_the_same_and_takes_no_change(stack: Stack) -> None:
    # Given a published complaint, followed by another citizen, resolved and closed by its satisfied citizen
    citizen, other, officer = stack.login("citizen"), stack.login("citizen2"), stack.login("officer")
    body = complaint_body(
        stack, publish=True, location={"district": stack.demo_route["district"], "lat": 31.5, "lon": 74.3}
    )
    case_id = stack.post("/v1/complaints", body, token=citizen).json["id"]
    assert stack.run_route_worker() == 1
    assert stack.post(f"/v1/complaints/{case_id}/me-too", {}, token=other).status == 200
    resolve = {"action": "resolve", "outcome": "relief_granted", "note": "Bill corrected."}
    assert stack.post(f"/v1/officer/cases/{case_id}/actions", resolve, token=officer).status == 200
    verdict = {"satisfied": True, "rating": 5}
    assert stack.post(f"/v1/complaints/{case_id}/feedback", verdict, token=citizen).json["status"] == "closed"
    reads = {
        "own list": ("/v1/complaints", citizen),
        "own case": (f"/v1/complaints/{case_id}", citizen),
        "followed list": ("/v1/followed-complaints", other),
        "followed case": (f"/v1/followed-complaints/{case_id}", other),
        "officer case": (f"/v1/officer/cases/{case_id}", officer),
        "office history": ("/v1/officer/history", officer),
        "open311 request": (f"/open311/v2/requests/{case_id}.json?extensions=true", None),
        "open311 by id": (f"/open311/v2/requests.json?service_request_id={case_id}&extensions=true", None),
        "open311 list": ("/open311/v2/requests.json?extensions=true", None),
    }

    def read_all() -> dict[str, Any]:
        answers = {}
        for name, (path, token) in reads.items():
            answer = stack.get(path, token=token)
            assert answer.status == 200, (name, answer.body)
            answers[name] = answer.json
        return answers

    before = read_all()
    assert case_id in str(before["open311 list"]) and case_id in str(before["office history"])
    # When the sweeper runs as deployed a year and a day later
    swept = stack.run_sweeper(minutes_from_now=YEAR_AND_A_DAY)
    # Then the case is archived: its record in the archive bucket, a stub in the table
    assert swept["archived"] == 1 and swept["failed"] == 0, swept
    from chalicelib import aws

    record = aws.client("s3").get_object(Bucket=stack.resources["ARCHIVE_BUCKET"], Key=f"cases/{case_id}.json")
    assert case_id.encode() in record["Body"].read()
    # And every read answers as before; only the actions it offered are gone
    after = read_all()
    assert _without_actions(after) == _without_actions(before)
    assert before["own case"]["allowed_actions"] and after["own case"]["allowed_actions"] == []
    # And every write is a 409 saying so, in Urdu to an Urdu reader
    urdu = {"Accept-Language": "ur"}
    for path, payload, token in (
        (f"/v1/complaints/{case_id}/unpublish", {}, citizen),
        (f"/v1/officer/cases/{case_id}/actions", {"action": "hide", "reason": "personal_data", "note": "x"}, officer),
    ):
        refused = stack.post(path, payload, token=token, headers=urdu)
        assert refused.status == 409 and refused.json["error"]["code"] == "case_archived", refused.body
        assert refused.json["error"]["message"] == ERRORS["case_archived"]["ur"]
    left = stack.request("DELETE", f"/v1/complaints/{case_id}/me-too", token=other)
    assert left.status == 409 and left.json["error"]["code"] == "case_archived"
    assert _without_actions(read_all()) == _without_actions(before)
