"""The notify worker over moto: committed notices become e-mails (and SMS), once each."""

from __future__ import annotations

from typing import Any

import moto.backends
import pytest

from tests.harness import REGION, Stack
from tests.integration.test_actions import routed_case


def sent_emails() -> list[Any]:
    return [m for _, _, b in moto.backends.get_backend("ses").iter_backends() for m in getattr(b, "sent_messages", [])]


def sent_sms() -> list[Any]:
    backends = moto.backends.get_backend("sns").iter_backends()
    return [m for _, region, b in backends if region == REGION for m in getattr(b, "sms_messages", {}).values()]


def test_routing_tells_the_citizen_and_the_offices_staff_by_email_once(stack: Stack) -> None:
    # Given the citizen and the office's officer have profiles (e-mail accounts)
    stack.login("citizen"), stack.login("officer")
    before = len(sent_emails())
    # When a complaint is routed and the notify worker runs
    routed_case(stack)
    assert stack.run_notify_worker() == 2  # the citizen's notice and the office's
    # Then one e-mail went to each
    new = sent_emails()[before:]
    recipients = sorted(a for m in new for a in m.destinations["ToAddresses"])
    assert recipients == ["citizen@example.pk", "officer@example.pk"]
    assert any("has been sent to" in m.body for m in new)
    # And nothing is sent twice when the same messages come again
    assert stack.run_notify_worker() == 0


def file_and_route(stack: Stack, token: str) -> None:
    body = {
        "category_id": stack.demo_route["category_id"],
        "subject": "Bill",
        "description": "بل بہت زیادہ آیا ہے، براہ کرم درست کریں۔",
        "location": {"district": stack.demo_route["district"]},
    }
    assert stack.post("/v1/complaints", body, token=token).status == 201
    stack.run_route_worker()
    stack.run_notify_worker()


def test_a_citizen_with_a_phone_gets_an_sms_in_urdu_and_can_turn_messages_off(stack: Stack) -> None:
    from chalicelib.logic.identity import new_profile
    from chalicelib.store import people
    from chalicelib.wiring import services

    # Given an Urdu-speaking citizen registered with a phone number
    citizen = stack.login("citizen2")
    sub = stack.get("/v1/me", token=citizen).json["sub"]
    app = services()
    people.put_profile(app.table, new_profile(app, sub, "ur", phone="+923331234567", email=None))
    sms_before = len(sent_sms())
    # When their complaint is routed
    file_and_route(stack, citizen)
    # Then an SMS in Urdu reaches their phone
    [(phone, text)] = sent_sms()[sms_before:]
    assert phone == "+923331234567" and "آپ کی شکایت" in text
    # A channel without a contact is refused; turning SMS off leaves in-app only
    refused = stack.request("PATCH", "/v1/me", b'{"notify_by": ["email"]}', token=citizen)
    assert refused.status == 400 and refused.json["error"]["details"][0]["field"] == "notify_by"
    chosen = stack.request("PATCH", "/v1/me", b'{"notify_by": []}', token=citizen)
    assert chosen.status == 200 and chosen.json["notify_by"] == [] and chosen.json["phone"].startswith("+92333")
    file_and_route(stack, citizen)
    assert len(sent_sms()) == sms_before + 1
    assert stack.get("/v1/notifications", token=citizen).json["items"][0]["type"] == "case_routed"


def test_notices_refused_for_the_ses_rate_come_back_and_are_sent_once(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.awsrequest import AWSResponse
    from botocore.compat import HTTPHeaders

    from chalicelib import aws
    from chalicelib.workers import notify

    # Handed back for no time at all, so the test need not wait: that they come back at once shows the worker
    # changed their visibility (else they would stay hidden for the queue's 60 s)
    monkeypatch.setattr(notify, "THROTTLED_FIRST_SECONDS", 0)
    stack.login("citizen"), stack.login("officer")
    before = len(sent_emails())
    refused: list[str] = []

    def throttle(model: Any, **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        refused.append(model.name)
        error = {"Code": "Throttling", "Message": "Maximum sending rate exceeded.", "Type": "Sender"}
        return AWSResponse("https://email", 400, HTTPHeaders(), None), {"Error": error, "ResponseMetadata": {}}

    # Given SES refuses every e-mail for its rate
    ses = aws.client("ses")
    ses.meta.events.register("before-call.ses.SendEmail", throttle, unique_id="ses-throttled")
    try:
        routed_case(stack)
        # When the notify worker runs: nothing is sent, nothing counted as delivered
        assert stack.run_notify_worker() == 0
    finally:
        ses.meta.events.unregister("before-call.ses.SendEmail", unique_id="ses-throttled")
    assert refused == ["SendEmail"] and sent_emails()[before:] == []  # the second notice was not even tried
    # Then, the rate free again, both notices come back and are sent, once each
    delivered = 0
    while (more := stack.run_notify_worker()) > 0:
        delivered += more
    assert delivered == 2
    recipients = sorted(a for m in sent_emails()[before:] for a in m.destinations["ToAddresses"])
    assert recipients == ["citizen@example.pk", "officer@example.pk"]
