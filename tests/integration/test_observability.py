"""Logs carry ids, never personal data; business metrics are emitted as EMF."""

from __future__ import annotations

import json
import logging

import pytest

from tests.harness import Stack
from tests.integration.test_journey import complaint_body

PHONE = "+923331112233"
CNIC_DIGITS = "6110112345671"
SECRET_TEXT = "Meter 88231 at House 7, Street 9"


def test_no_personal_data_reaches_any_log_line(stack: Stack, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)  # the deployed level; botocore logs bodies only at DEBUG
    # Given a registration with phone and CNIC, and a complaint with an address and personal text
    stack.post(
        "/v1/auth/register",
        {
            "name": "Zainab Bibi",
            "phone": "0333-1112233",
            "cnic": "61101-1234567-1",
            "password": "Pakistan2026",
            "language": "ur",
        },
    )
    stack.post("/v1/auth/confirm", {"username": PHONE, "code": stack.sent_code(PHONE)})
    token = stack.post("/v1/auth/login", {"username": PHONE, "password": "Pakistan2026"}).json["id_token"]
    body = complaint_body(
        stack,
        description=SECRET_TEXT + " — bill is wrong.",
        location={"district": "lahore", "address": "House 7, Street 9, Gulberg"},
    )
    case_id = stack.post("/v1/complaints", body, token=token).json["id"]
    stack.run_route_worker()
    stack.get("/v1/complaints/C-0000-0000", token="forged.token.value")
    # Then the logs name the case but nothing personal
    text = "\n".join(f"{r.getMessage()} {json.dumps(r.__dict__, default=str)}" for r in caplog.records)
    assert case_id in text
    for secret in (PHONE, "3331112233", CNIC_DIGITS, "61101-1234567-1", "Zainab", "Gulberg", "88231", "Pakistan2026"):
        assert secret not in text, secret


def test_submitted_and_routed_complaints_are_counted_as_emf_metrics(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    token = stack.login("citizen")
    capsys.readouterr()
    stack.post("/v1/complaints", complaint_body(stack), token=token)
    stack.run_route_worker()
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]
    emitted = {m["Name"] for line in lines for d in line["_aws"]["CloudWatchMetrics"] for m in d["Metrics"]}
    assert {"ComplaintsSubmitted", "ComplaintsRouted"} <= emitted
