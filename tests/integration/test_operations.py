"""The operations view and the dead-letter redrive, over HTTP on moto: SQS queues and dead-letter queues as provisioned."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.logic import operations
from chalicelib.models.audit import Actor
from chalicelib.models.common import Principal
from chalicelib.models.operations import DeadLetter, RedriveIn
from chalicelib.store import keys
from tests.harness import Stack, running_stack
from tests.integration.test_journey import complaint_body

DAY = 24 * 60


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    # A dead letter received by a redrive is hidden 30 s; the tests that play a stopped or a concurrent
    # redrive need it visible at once, as it is to the redrive that comes after the 30 s.
    monkeypatch.setattr(operations, "HIDDEN_SECONDS", 0)
    with running_stack() as running:
        yield running


def _sqs() -> Any:
    from chalicelib import aws

    return aws.client("sqs")


def _bodies(url: str) -> list[str]:
    """Every message waiting in a queue (received and left to come back)."""
    got = _sqs().receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", [])
    return [m["Body"] for m in got]


def _stranded_complaint(stack: Stack) -> str:
    """A complaint whose routing message died: filed while the queue refused it, its message now a dead letter."""
    with stack.intake_broken():
        filed = stack.post("/v1/complaints", complaint_body(stack), token=stack.login("citizen"))
    assert filed.status == 201, filed.body
    case_id = str(filed.json["id"])
    _sqs().send_message(QueueUrl=stack.resources["INTAKE_DLQ_URL"], MessageBody=json.dumps({"case_id": case_id}))
    return case_id


def _audited(stack: Stack, queue: str) -> list[dict[str, Any]]:
    from chalicelib.store.audit import entry_of
    from chalicelib.wiring import services

    page = services().table.query(keys.audit_object_pk("queue", queue), index="GSI2", newest_first=True)
    return [entry_of(item).model_dump() for item in page.items]


def test_an_admin_sees_the_queues_their_dead_letters_and_the_organisations_with_overdue_cases(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.wiring import services

    # Given a complaint escalated to LESCO's head office whose deadline there has passed too,
    citizen = stack.login("citizen")
    assert stack.post("/v1/complaints", complaint_body(stack), token=citizen).status == 201
    assert stack.run_route_worker() == 1
    assert stack.run_sweeper(minutes_from_now=50 * DAY)["escalated"] == 1
    # a dead letter in the intake's dead-letter queue, and a notice waiting to be sent
    _stranded_complaint(stack)
    _sqs().send_message(QueueUrl=stack.resources["NOTIFICATIONS_QUEUE_URL"], MessageBody="{}")
    later = datetime.now(UTC) + timedelta(days=60)
    monkeypatch.setattr(services(), "clock", lambda: later)
    # When the admin opens the operations view
    reply = stack.get("/v1/admin/queues", token=stack.login("admin"))
    # Then each queue shows its depths, its dead letters and their age
    assert reply.status == 200, reply.body
    view = reply.json
    queues = {q["name"]: q for q in view["queues"]}
    assert list(queues) == ["intake", "notifications", "due"]
    intake, notifications = queues["intake"], queues["notifications"]
    # The sweeper's due queue was emptied by its worker; nothing is dead there
    assert (queues["due"]["depth"], queues["due"]["dlq"]["depth"]) == (0, 0)
    assert (intake["depth"], intake["in_flight"], intake["delayed"]) == (0, 0, 0)
    assert intake["dlq"]["depth"] == 1 and intake["dlq"]["oldest_age_seconds"] is not None
    assert notifications["depth"] >= 1 and notifications["dlq"] == {
        "depth": 0,
        "in_flight": 0,
        "oldest_age_seconds": None,
    }
    # And the work queues' oldest ages are "not measured" (moto has no SQS metrics in CloudWatch)
    assert intake["oldest_age_seconds"] is None and notifications["oldest_age_seconds"] is None
    # And LESCO is listed with its overdue case, in both languages
    assert [(o["organisation_id"], o["overdue"]) for o in view["overdue"]] == [("lesco", 1)]
    assert "LESCO" in view["overdue"][0]["name"] and "لیسکو" in view["overdue"][0]["name_ur"]
    assert view["at"].startswith(later.isoformat()[:10])
    # And looking did not take the dead letter away
    assert (
        intake["dlq"]["depth"]
        == stack.get("/v1/admin/queues", token=stack.login("admin")).json["queues"][0]["dlq"]["depth"]
    )


def test_a_redrive_sends_the_dead_letter_back_once_the_case_is_routed_and_the_redrive_is_audited(stack: Stack) -> None:
    # Given a complaint whose routing message is a dead letter
    case_id = _stranded_complaint(stack)
    admin = stack.login("admin")
    assert stack.run_route_worker() == 0
    # When the admin redrives the intake queue, with no body at all
    reply = stack.request("POST", "/v1/admin/queues/intake/redrive", b"", token=admin)
    # Then the letter went back to the intake queue and left the dead-letter queue
    assert reply.status == 200, reply.body
    assert reply.json == {"moved": 1, "skipped_duplicates": 0, "remaining": 0}
    # And the route worker routes the complaint
    assert stack.run_route_worker() == 1
    tracked = stack.get(f"/v1/complaints/{case_id}", token=stack.login("citizen")).json
    assert tracked["status"] == "routed" and tracked["office"]["id"] == stack.demo_route["office_id"]
    # And a second redrive finds nothing and sends nothing
    again = stack.post("/v1/admin/queues/intake/redrive", {"max": 5}, token=admin)
    assert again.json == {"moved": 0, "skipped_duplicates": 0, "remaining": 0}
    assert stack.run_route_worker() == 0
    # And each redrive is one audit entry: who, on which queue, what it moved
    entries = _audited(stack, "intake")
    assert [e["after"] for e in entries] == [
        {"moved": 0, "skipped_duplicates": 0, "remaining": 0},
        {"moved": 1, "skipped_duplicates": 0, "remaining": 0},
    ]
    assert {(e["action"], e["object_type"], e["actor_role"]) for e in entries} == {("redrive", "queue", "admin")}


def test_a_redrive_that_stopped_before_deleting_is_finished_by_the_next_without_sending_again(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.integrations.queues import SqsQueueOperations
    from chalicelib.models.errors import ServiceUnavailable

    # Given a dead letter, and a redrive that sent it back but could not delete it (its function stopped there)
    _stranded_complaint(stack)
    admin = stack.login("admin")
    original = SqsQueueOperations.delete_dead_letters

    def lost(self: SqsQueueOperations, queue: Any, letters: Any) -> None:
        raise ServiceUnavailable("the connection dropped")

    monkeypatch.setattr(SqsQueueOperations, "delete_dead_letters", lost)
    first = stack.post("/v1/admin/queues/intake/redrive", {"max": 1}, token=admin)
    assert first.status == 200 and first.json["moved"] == 1, first.body
    monkeypatch.setattr(SqsQueueOperations, "delete_dead_letters", original)
    # When the admin redrives again (the letter is back in the dead-letter queue)
    second = stack.post("/v1/admin/queues/intake/redrive", {}, token=admin)
    # Then it is deleted, not sent a second time
    assert second.json == {"moved": 0, "skipped_duplicates": 1, "remaining": 0}, second.body
    assert len(_bodies(stack.resources["INTAKE_QUEUE_URL"])) == 1
    assert stack.run_route_worker() == 1


def test_two_redrives_at_once_send_a_dead_letter_once(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.integrations.queues import SqsQueueOperations
    from chalicelib.wiring import services

    # Given a dead letter, and a second redrive (a double click) that runs while the first sends it back
    _stranded_complaint(stack)
    admin = Actor(principal=Principal(sub="admin-1", role="admin"))
    original = SqsQueueOperations.send_back
    second: list[Any] = []

    def send_back_while_another_redrives(self: SqsQueueOperations, queue: Any, letters: list[DeadLetter]) -> set[str]:
        if not second:
            second.append(operations.redrive(services(), admin, "intake", RedriveIn(max=3)))
        return original(self, queue, letters)

    monkeypatch.setattr(SqsQueueOperations, "send_back", send_back_while_another_redrives)
    # When the first redrive runs
    first = operations.redrive(services(), admin, "intake", RedriveIn())
    # Then the first moved it; the second, which saw it claimed, left it alone
    assert (first.moved, first.skipped_duplicates) == (1, 0)
    assert (second[0].moved, second[0].skipped_duplicates) == (0, 0)
    # And the intake queue holds it once
    assert len(_bodies(stack.resources["INTAKE_QUEUE_URL"])) == 1


def test_a_notice_goes_back_with_its_body_and_attributes_unchanged(stack: Stack) -> None:
    attributes = {"template": {"DataType": "String", "StringValue": "case_routed"}}
    body = json.dumps({"id": "n-1", "template": "case_routed"})
    _sqs().send_message(
        QueueUrl=stack.resources["NOTIFICATIONS_DLQ_URL"], MessageBody=body, MessageAttributes=attributes
    )
    reply = stack.post("/v1/admin/queues/notifications/redrive", {"max": 1000}, token=stack.login("admin"))
    assert reply.json == {"moved": 1, "skipped_duplicates": 0, "remaining": 0}, reply.body
    got = _sqs().receive_message(
        QueueUrl=stack.resources["NOTIFICATIONS_QUEUE_URL"], MessageAttributeNames=["All"], MaxNumberOfMessages=10
    )["Messages"]
    assert [(m["Body"], m["MessageAttributes"]) for m in got] == [(body, attributes)]


def test_a_queue_nobody_has_is_404_a_bad_max_is_400_in_both_languages_and_an_organisation_admin_is_403(
    stack: Stack,
) -> None:
    from chalicelib import aws

    admin = stack.login("admin")
    missing = stack.post("/v1/admin/queues/parcels/redrive", {}, token=admin)
    assert missing.status == 404 and missing.json["error"]["code"] == "not_found"
    for bad in ({"max": 0}, {"max": 1001}, {"max": "all"}, {"maximum": 5}):
        reply = stack.post("/v1/admin/queues/intake/redrive", bad, token=admin, headers={"Accept-Language": "ur"})
        assert reply.status == 400, (bad, reply.body)
        assert reply.json["error"]["details"][0]["field"] in ("max", "maximum"), reply.body
    # An organisation's admin runs its directory and staff, not the portal's queues
    cognito, pool = aws.client("cognito-idp"), stack.resources["STAFF_POOL_ID"]
    if "org_admin" not in {g["GroupName"] for g in cognito.list_groups(UserPoolId=pool)["Groups"]}:
        cognito.create_group(GroupName="org_admin", UserPoolId=pool)  # until infra/resources.json has the group
    stack._create_account("lesco.admin@example.pk", "org_admin", "lesco-hq")
    org_admin = stack._token("lesco.admin@example.pk")
    assert stack.get("/v1/admin/queues", token=org_admin).status == 403
    assert stack.post("/v1/admin/queues/intake/redrive", {}, token=org_admin).status == 403
    for role in ("citizen", "officer"):
        assert stack.get("/v1/admin/queues", token=stack.login(role)).status == 403
    assert stack.get("/v1/admin/queues").status == 401
