"""Notices paced under the account's SES/SMS rates; a rate refusal hands the notice and the rest of its batch back.

A fake clock stands in for time: the pacer "sleeps" by moving it, so nothing here waits for real.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber
from chalice.app import SQSEvent

from chalicelib.config import settings_from
from chalicelib.integrations.messaging import SnsSesMessenger
from chalicelib.logic.pacing import NoTimeToSend, PacedMessenger, Pacer, SendRates, TokenBucket
from chalicelib.logic.ports import Services
from chalicelib.models.errors import SendThrottled, ServiceUnavailable
from chalicelib.models.notifications import Notification
from chalicelib.store import keys
from chalicelib.workers import notify
from chalicelib.workers.batch import process_batch
from tests.fakes import FakeMessenger, make_services
from tests.unit.test_delivery import person

REPO = Path(__file__).resolve().parents[2]


@dataclass
class FakeTime:
    """A monotonic clock that only moves when slept on (or told to)."""

    now: float = 1000.0
    slept: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


# --- the token bucket and the pacer --------------------------------------------------------------


def test_a_bucket_gives_its_first_token_at_once_and_the_next_after_one_over_the_rate() -> None:
    time = FakeTime()
    bucket = TokenBucket(rate=2.0, clock=time)
    assert bucket.delay() == 0
    bucket.take()
    assert bucket.delay() == pytest.approx(0.5)
    time.now += 0.2
    assert bucket.delay() == pytest.approx(0.3)
    time.now += 10  # a long pause refills no more than its capacity: one send, not twenty
    bucket.take()
    assert bucket.delay() == pytest.approx(0.5)


def test_a_bucket_refuses_a_rate_of_nothing() -> None:
    with pytest.raises(ValueError):
        TokenBucket(rate=0)


def test_each_container_sends_its_share_of_the_account_rate() -> None:
    time = FakeTime()
    pacer = Pacer(SendRates(email=14, sms=20, senders=10), clock=time, sleep=time.sleep)
    assert pacer.per_second("email") == pytest.approx(1.4) and pacer.per_second("sms") == pytest.approx(2.0)
    waited = [pacer.acquire("email") for _ in range(8)]
    assert waited[0] == 0 and waited[1:] == pytest.approx([1 / 1.4] * 7)
    # Channels are paced apart: an SMS does not wait behind e-mails
    assert pacer.acquire("sms") == 0


def test_ten_containers_together_stay_under_the_account_rate() -> None:
    time = FakeTime()
    pacers = [Pacer(SendRates(email=14, sms=None, senders=10), clock=time, sleep=lambda _: None) for _ in range(10)]
    # Each container sends whenever its bucket allows, for 60 (fake) seconds, stepping the clock by 10 ms
    sent = 0
    while time.now < 1060:
        for pacer in pacers:
            if pacer._buckets["email"].delay() == 0:
                pacer.acquire("email")
                sent += 1
        time.now += 0.01
    assert sent <= 14 * 60 + 10  # the rate, plus each container's one token at start
    assert sent >= 14 * 60 * 0.95  # and close to it: the shares add up to the rate


def test_an_unpaced_channel_never_waits() -> None:
    time = FakeTime()
    pacer = Pacer(SendRates(email=14, sms=None, senders=10), clock=time, sleep=time.sleep)
    assert [pacer.acquire("sms") for _ in range(5)] == [0] * 5 and time.slept == []


def test_a_send_that_could_not_start_before_the_deadline_is_refused_without_waiting() -> None:
    time = FakeTime()
    pacer = Pacer(SendRates(email=1, sms=None, senders=1), clock=time, sleep=time.sleep)
    pacer.acquire("email", deadline=time.now + 0.5)
    with pytest.raises(NoTimeToSend):
        pacer.acquire("email", deadline=time.now + 0.5)  # the next token is 1 s away
    assert time.slept == []
    assert pacer.acquire("email", deadline=time.now + 2) == pytest.approx(1.0)  # the refused turn was not spent


def test_the_paced_messenger_waits_its_turn_then_sends() -> None:
    time = FakeTime()
    inner = FakeMessenger()
    paced = PacedMessenger(inner, Pacer(SendRates(email=2, sms=None), clock=time, sleep=time.sleep))
    for i in range(3):
        paced.send_email(f"p{i}@example.pk", "s", "t")
    assert len(inner.emails) == 3 and time.slept == pytest.approx([0.5, 0.5])


# --- the rate and its configuration -------------------------------------------------------------


def environment(**extra: str) -> dict[str, str]:
    base = {
        "AWS_DEFAULT_REGION": "ap-south-1",
        "STAGE": "test",
        "TABLE_NAME": "t",
        "INTAKE_QUEUE_URL": "q",
        "NOTIFICATIONS_QUEUE_URL": "n",
        "ATTACHMENTS_BUCKET": "b",
        "USER_POOL_ID": "p",
        "USER_POOL_CLIENT_ID": "c",
        "STAFF_POOL_ID": "s",
        "STAFF_POOL_CLIENT_ID": "sc",
        "PII_SECRET_ARN": "arn",
    }
    return {**base, **extra}


def test_send_rates_come_from_the_environment_and_a_bad_one_fails_loudly() -> None:
    unset = settings_from(environment())
    assert unset.ses_max_send_rate is None and unset.sms_max_send_rate is None and unset.notify_senders == 1
    chosen = settings_from(environment(SES_MAX_SEND_RATE="50", SMS_MAX_SEND_RATE="20", NOTIFY_SENDERS="10"))
    assert (chosen.ses_max_send_rate, chosen.sms_max_send_rate, chosen.notify_senders) == (50, 20, 10)
    for bad in ({"SES_MAX_SEND_RATE": "0"}, {"SMS_MAX_SEND_RATE": "fast"}, {"NOTIFY_SENDERS": "0"}):
        with pytest.raises(RuntimeError):
            settings_from(environment(**bad))


def test_the_senders_sharing_the_rate_are_the_workers_concurrency() -> None:
    functions = json.loads((REPO / "infra" / "functions.json").read_text())
    worker = functions["Resources"]["SendNotifications"]["Properties"]
    variables = worker["Environment"]["Variables"]
    concurrency = worker["Events"]["SendNotificationsSqsEventSource"]["Properties"]["ScalingConfig"]
    chalice = json.loads((REPO / ".chalice" / "config.json").read_text())["stages"]["prod"]["lambda_functions"]
    assert int(variables["NOTIFY_SENDERS"]) == concurrency["MaximumConcurrency"]
    assert int(variables["NOTIFY_SENDERS"]) == chalice["send_notifications"]["reserved_concurrency"]
    assert variables["SES_MAX_SEND_RATE"] == {"Ref": "SesMaxSendRate"}
    # The worker's timeout leaves time to pace, and stays under the queue's visibility timeout (Lambda requires it)
    queue = json.loads((REPO / "infra" / "resources.json").read_text())["Resources"]["NotificationsQueue"]
    timeout = chalice["send_notifications"]["lambda_timeout"]
    assert notify.SAFETY_SECONDS * 5 <= timeout <= queue["Properties"]["VisibilityTimeout"]
    assert functions["Parameters"]["SesMaxSendRate"]["Default"] == "14"


# --- SES and SNS refusals, as the messenger reports them ----------------------------------------


def ses_refusing(code: str, message: str) -> tuple[SnsSesMessenger, Stubber]:
    import boto3

    ses = boto3.client("ses", region_name="ap-south-1", aws_access_key_id="x", aws_secret_access_key="x")
    stubber = Stubber(ses)
    stubber.add_client_error("send_email", service_error_code=code, service_message=message, http_status_code=400)
    stubber.activate()
    return SnsSesMessenger(lambda: None, lambda: ses, "notifications@awaaz.example.pk"), stubber


def test_ses_maximum_sending_rate_exceeded_is_a_throttled_send() -> None:
    messenger, _ = ses_refusing("Throttling", "Maximum sending rate exceeded.")
    with pytest.raises(SendThrottled) as refused:
        messenger.send_email("a@example.pk", "s", "t")
    assert refused.value.daily_quota is False


def test_ses_daily_quota_exceeded_is_a_throttled_send_of_the_daily_quota() -> None:
    messenger, _ = ses_refusing("Throttling", "Daily message quota exceeded.")
    with pytest.raises(SendThrottled) as refused:
        messenger.send_email("a@example.pk", "s", "t")
    assert refused.value.daily_quota is True


def test_another_ses_refusal_is_an_outage_not_a_rate() -> None:
    messenger, _ = ses_refusing("MessageRejected", "Email address is not verified.")
    with pytest.raises(ServiceUnavailable) as refused:
        messenger.send_email("a@example.pk", "s", "t")
    assert not isinstance(refused.value, SendThrottled)


def test_sns_throttled_exception_is_a_throttled_sms() -> None:
    import boto3

    sns = boto3.client("sns", region_name="ap-south-1", aws_access_key_id="x", aws_secret_access_key="x")
    stubber = Stubber(sns)
    stubber.add_client_error("publish", service_error_code="ThrottledException", http_status_code=400)
    stubber.activate()
    with pytest.raises(SendThrottled):
        SnsSesMessenger(lambda: sns, lambda: None, None).send_sms("+923001234567", "t")


# --- the worker: a throttled notice and the rest of its batch go back, and come again -----------


@dataclass
class ThrottlingMessenger(FakeMessenger):
    """Sends until `throttle` is set; then refuses every send as SES does for its rate (or its daily quota)."""

    throttle: bool = False
    daily_quota: bool = False
    attempts: int = 0

    def send_email(self, address: str, subject: str, text: str) -> None:
        self.attempts += 1
        if self.throttle:
            raise SendThrottled("e-mail could not be sent", daily_quota=self.daily_quota)
        super().send_email(address, subject, text)


def note(note_id: str, sub: str) -> Notification:
    return Notification(
        id=note_id,
        at="2026-11-27T09:00:00Z",
        template="resolved",
        params={"case_id": "C-0000-0000", "office_name": "LESCO Lahore", "office_name_ur": "لیسکو لاہور"},
        case_id="C-0000-0000",
        sub=sub,
    )


def sqs_event(notes: list[Notification], receive_count: int = 1) -> SQSEvent:
    records = [
        {
            "messageId": f"m-{n.id}",
            "receiptHandle": f"rh-{n.id}",
            "body": json.dumps(n.message()),
            "attributes": {"ApproximateReceiveCount": str(receive_count)},
            "messageAttributes": {},
            "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:ap-south-1:123456789012:awaaz-notifications",
        }
        for n in notes
    ]
    return SQSEvent({"Records": records}, context=None)


def world() -> tuple[Services, ThrottlingMessenger, list[Notification]]:
    services, _, _ = make_services()
    messenger = ThrottlingMessenger()
    services.messenger = messenger
    notes = [note(f"n{i}", f"citizen-{i}") for i in range(4)]
    for i in range(4):
        person(services, f"citizen-{i}", "en", email=f"citizen{i}@example.pk")
    return services, messenger, notes


def run(batch: notify.NoticeBatch, event: SQSEvent) -> set[str]:
    response = process_batch(event, batch.handle, fail_whole_batch=False)
    return {f["itemIdentifier"] for f in response["batchItemFailures"]}


def test_a_throttled_notice_and_the_rest_of_its_batch_go_back_unsent() -> None:
    services, messenger, notes = world()
    batch = notify.NoticeBatch(services)
    # The first notice is sent; SES then refuses the second for its rate
    original = messenger.send_email

    def refuse_after_first(address: str, subject: str, text: str) -> None:
        if messenger.emails:
            messenger.throttle = True
        original(address, subject, text)

    messenger.send_email = refuse_after_first  # type: ignore[method-assign]
    failed = run(batch, sqs_event(notes))
    assert failed == {"m-n1", "m-n2", "m-n3"}  # the refused one and the two after it, which were never tried
    assert messenger.attempts == 2 and [e[0] for e in messenger.emails] == ["citizen0@example.pk"]
    assert batch.stopped == "throttled"
    # The refused notice's claim was given back; the sent one's kept
    assert services.table.get(keys.delivery_key("n1", "citizen-1", "email")) is None
    assert services.table.get(keys.delivery_key("n0", "citizen-0", "email")) is not None
    # Each goes back hidden for a while: 15 to 30 s on a first receive
    waits = batch.waits(lambda: 0.5)
    assert [h for h, _ in waits] == ["rh-n1", "rh-n2", "rh-n3"]
    assert all(15 <= s <= 30 for _, s in waits)


def test_a_throttled_notice_is_sent_when_it_comes_again_and_the_sent_one_is_not_sent_twice() -> None:
    services, messenger, notes = world()
    messenger.throttle = True
    assert run(notify.NoticeBatch(services), sqs_event(notes[:2])) == {"m-n0", "m-n1"}
    assert messenger.emails == []
    messenger.throttle = False
    assert run(notify.NoticeBatch(services), sqs_event(notes[:2], receive_count=2)) == set()
    assert sorted(e[0] for e in messenger.emails) == ["citizen0@example.pk", "citizen1@example.pk"]
    assert run(notify.NoticeBatch(services), sqs_event(notes[:2], receive_count=3)) == set()
    assert len(messenger.emails) == 2


def test_a_spent_daily_quota_hands_the_batch_back_for_an_hour() -> None:
    services, messenger, notes = world()
    messenger.throttle, messenger.daily_quota = True, True
    batch = notify.NoticeBatch(services)
    assert run(batch, sqs_event(notes)) == {f"m-{n.id}" for n in notes}
    assert batch.stopped == "quota" and messenger.attempts == 1
    assert all(1800 <= s <= 3600 for _, s in batch.waits(lambda: 0.99))


def test_a_notice_whose_turn_comes_too_late_goes_back_for_seconds_with_its_claim() -> None:
    services, messenger, notes = world()
    time = FakeTime()
    pacer = Pacer(SendRates(email=1, sms=None), clock=time, sleep=time.sleep)
    batch = notify.NoticeBatch(services, pacer, deadline=time.now + 2.5)  # room for three sends at 1 a second
    assert run(batch, sqs_event(notes)) == {"m-n3"}
    assert len(messenger.emails) == 3 and time.slept == pytest.approx([1.0, 1.0])
    assert services.table.get(keys.delivery_key("n3", "citizen-3", "email")) is None
    assert batch.stopped == "time" and all(1 <= s <= 6 for _, s in batch.waits(lambda: 0.99))


def test_a_batch_that_failed_for_an_outage_still_fails_the_invocation(monkeypatch: pytest.MonkeyPatch) -> None:
    services, messenger, notes = world()
    messenger.broken = True
    monkeypatch.setattr(notify, "services", lambda: services)
    monkeypatch.setattr(notify, "send_pacer", lambda: None)
    with pytest.raises(notify.NoticesFailed):
        notify.send_notifications(sqs_event(notes[:1]).to_dict(), None)


def test_waits_grow_with_each_receive_up_to_a_quarter_hour() -> None:
    longest = [notify.hand_back_seconds("throttled", n, lambda: 0.999) for n in range(1, 9)]
    assert longest == sorted(longest) and longest[0] <= 30 and longest[-1] <= 900
    assert notify.hand_back_seconds("throttled", 1, lambda: 0.0) == 15  # never less than half the wait


def test_handing_back_changes_each_messages_visibility(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.integrations import queues

    calls: list[dict[str, Any]] = []

    class Sqs:
        def change_message_visibility_batch(self, **kwargs: Any) -> dict[str, Any]:
            calls.append(kwargs)
            return {"Successful": [{"Id": e["Id"]} for e in kwargs["Entries"]]}

    receipts = [(f"rh-{i}", 20 + i) for i in range(12)]
    assert queues.postpone(Sqs(), "https://sqs/q", receipts) == 12
    assert [len(c["Entries"]) for c in calls] == [10, 2]  # SQS takes ten at a time
    assert calls[1]["Entries"][1] == {"Id": "1", "ReceiptHandle": "rh-11", "VisibilityTimeout": 31}


def test_waits_and_refusals_are_counted_in_the_metrics(capsys: pytest.CaptureFixture[str]) -> None:
    from chalicelib.observability import metrics

    metrics.clear_metrics()
    time = FakeTime()
    pacer = Pacer(SendRates(email=1, sms=None), clock=time, sleep=time.sleep)
    pacer.acquire("email")
    assert "SendsPaced" not in metrics.metric_set  # no wait, nothing to count
    pacer.acquire("email")
    services, messenger, notes = world()
    messenger.throttle, messenger.daily_quota = True, True
    run(notify.NoticeBatch(services), sqs_event(notes[:2]))  # writes the batch's metrics as one EMF line
    [emf] = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    units = {m["Name"]: m["Unit"] for m in emf["_aws"]["CloudWatchMetrics"][0]["Metrics"]}
    assert units == {"SendsPaced": "Seconds", "SendsThrottled": "Count", "SendQuotaExhausted": "Count"}
    assert (emf["SendsPaced"], emf["SendsThrottled"], emf["SendQuotaExhausted"]) == ([1.0], [1.0], [1.0])
