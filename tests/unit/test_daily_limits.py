"""A citizen's daily limits: complaints, information requests and feedback, per Pakistan day."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.config import settings_from
from chalicelib.logic import apikeys, complaints, feedback, information, open311
from chalicelib.logic.ports import Services
from chalicelib.models.actions import FeedbackChannelIn, InformationRequestIn
from chalicelib.models.errors import DailyLimitReached
from chalicelib.models.limits import DailyLimits
from tests.fakes import Clock, citizen, make_services
from tests.memory_table import MemoryTable
from tests.unit.test_complaints import complaint

# 14:00 in Pakistan (UTC+5): ten hours to midnight there.
AFTERNOON = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def cases_in(table: MemoryTable) -> int:
    return sum(1 for pk, sk in table.items if pk.startswith("CASE#") and sk == "CASE")


def test_the_eleventh_complaint_of_a_day_is_a_429_until_midnight_in_pakistan_and_writes_nothing() -> None:
    # Given a citizen who filed ten complaints today
    table = MemoryTable()
    services, intake, clock = make_services(table, clock=Clock(AFTERNOON))
    for _ in range(10):
        complaints.submit(services, citizen(), complaint(), None)
    # When they file an eleventh
    with pytest.raises(DailyLimitReached) as refused:
        complaints.submit(services, citizen(), complaint(), None)
    # Then it is refused until midnight in Pakistan (19:00 UTC), saying so, and nothing is stored or sent
    assert refused.value.retry_after == 10 * 3600
    assert "10 complaints today" in refused.value.message
    assert cases_in(table) == 10 and len(intake.sent) == 10
    # And another citizen is not held back
    complaints.submit(services, citizen("citizen-2"), complaint(), None)
    # And a second before midnight in Pakistan it is still today; at midnight the count starts afresh
    clock.now = datetime(2026, 11, 27, 18, 59, 59, tzinfo=UTC)
    with pytest.raises(DailyLimitReached) as still:
        complaints.submit(services, citizen(), complaint(), None)
    assert still.value.retry_after == 1
    clock.now = datetime(2026, 11, 27, 19, 0, tzinfo=UTC)
    complaints.submit(services, citizen(), complaint(), None)


def test_a_replayed_idempotency_key_counts_once_and_still_answers_once_the_limit_is_reached() -> None:
    # Given a limit of three and a complaint filed with an Idempotency-Key
    services, _, _ = make_services(daily_limits=DailyLimits(complaint=3))
    first = complaints.submit(services, citizen(), complaint(), "key-1")
    # When the same request is retried five times
    for _ in range(5):
        assert complaints.submit(services, citizen(), complaint(), "key-1").replayed
    # Then it counted once: two more may be filed, and the third is refused
    complaints.submit(services, citizen(), complaint(), None)
    complaints.submit(services, citizen(), complaint(), None)
    with pytest.raises(DailyLimitReached):
        complaints.submit(services, citizen(), complaint(), None)
    # And the retry still gets its first answer, limit or not
    again = complaints.submit(services, citizen(), complaint(), "key-1")
    assert again.replayed and again.case["id"] == first.case["id"]


def ask(services: Services, sub: str = "citizen-1") -> None:
    body = InformationRequestIn(organisation_id="lesco", subject="Feeder load", question="What was the load?")
    information.file_request(services, citizen(sub), body, None)


def thank(services: Services) -> None:
    body = FeedbackChannelIn(kind="appreciation", organisation_id="lesco", message="Thank you.")
    feedback.give(services, citizen(), body, None)


def test_information_requests_and_feedback_have_limits_of_their_own() -> None:
    # Given the defaults: 10 information requests and 20 pieces of feedback a day
    services, _, _ = make_services()
    for _ in range(10):
        ask(services)
    with pytest.raises(DailyLimitReached) as asked:
        ask(services)
    assert "10 information requests today" in asked.value.message
    # Then feedback and complaints still count from nothing
    for _ in range(20):
        thank(services)
    with pytest.raises(DailyLimitReached):
        thank(services)
    complaints.submit(services, citizen(), complaint(), None)


def test_an_open311_client_files_for_many_people_past_a_citizens_daily_limit() -> None:
    # Given a limit of one complaint a day and an Open311 client's key
    services, _, _ = make_services(daily_limits=DailyLimits(complaint=1))
    api_key = apikeys.issue(services, None, apikeys.ApiKeyIn(name="city app")).api_key or ""
    form = {"api_key": [api_key], "service_code": ["electricity-overbilling"], "address_string": ["Lahore"]}
    # When it posts three requests, Then each is filed (its own limit is per key and hour)
    filed = [open311.post_request(services, {**form, "description": [f"Bill {n} is wrong."]}) for n in range(3)]
    assert len({f[0]["service_request_id"] for f in filed}) == 3


ENVIRONMENT = {
    "AWS_DEFAULT_REGION": "ap-south-1",
    "STAGE": "test",
    "TABLE_NAME": "t",
    "INTAKE_QUEUE_URL": "q",
    "NOTIFICATIONS_QUEUE_URL": "n",
    "ATTACHMENTS_BUCKET": "b",
    "USER_POOL_ID": "ap-south-1_x",
    "USER_POOL_CLIENT_ID": "c",
    "STAFF_POOL_ID": "s",
    "STAFF_POOL_CLIENT_ID": "sc",
    "PII_SECRET_ARN": "arn:aws:secretsmanager:ap-south-1:123456789012:secret:awaaz-PiiSecret",
}


def test_the_limits_are_settings_with_defaults_and_a_bad_one_fails_loudly() -> None:
    assert settings_from(ENVIRONMENT).daily_limits == DailyLimits(complaint=10, information=10, feedback=20)
    chosen = settings_from(
        {**ENVIRONMENT, "CITIZEN_DAILY_COMPLAINTS": "3", "CITIZEN_DAILY_INFORMATION_REQUESTS": "4"}
    ).daily_limits
    assert (chosen.complaint, chosen.information, chosen.feedback) == (3, 4, 20)
    for bad in ("0", "-1", "ten", "٣"):
        with pytest.raises(RuntimeError, match="CITIZEN_DAILY_FEEDBACK"):
            settings_from({**ENVIRONMENT, "CITIZEN_DAILY_FEEDBACK": bad})
