"""The deadlines sweeper as deployed, moto behind: the finder fills the due queue, the worker empties it.

Each function's AWS calls are checked against its own role by the `stack` fixture (the finder may only
read the due index and send to the due queue; the worker acts).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.harness import Stack, worker_tallies
from tests.integration.test_journey import complaint_body

DAY = 24 * 60


def _sqs() -> Any:
    from chalicelib import aws

    return aws.client("sqs")


def file_routed_complaints(stack: Stack, count: int) -> list[str]:
    """`count` complaints filed by two citizens (a citizen's daily limit is 10) and routed."""
    tokens = [stack.login("citizen"), stack.login("citizen2")]
    ids = []
    for n in range(count):
        reply = stack.post("/v1/complaints", complaint_body(stack), token=tokens[n % 2])
        assert reply.status == 201, reply.body
        ids.append(reply.json["id"])
    stack.run_route_worker()
    return ids


def waiting_messages(stack: Stack) -> list[dict[str, Any]]:
    """Every message of the due queue, received (hidden for the queue's visibility timeout)."""
    got: list[dict[str, Any]] = []
    while (
        batch := _sqs()
        .receive_message(QueueUrl=stack.resources["DUE_QUEUE_URL"], MaxNumberOfMessages=10, WaitTimeSeconds=0)
        .get("Messages", [])
    ):
        got.extend(batch)
    return got


def deliver(stack: Stack, messages: list[dict[str, Any]]) -> Any:
    """The messages to `sweep_due_cases` as Lambda's event source delivers a batch."""
    event = stack.client.events.generate_sqs_event(message_bodies=[m["Body"] for m in messages], queue_name="awaaz-due")
    for record, message in zip(event["Records"], messages, strict=True):
        record["messageId"] = message["MessageId"]
    return stack.invoke("sweep_due_cases", event)


@contextmanager
def contended_forever(case_id: str) -> Iterator[None]:
    """Every transaction that writes `case_id` is cancelled as real DynamoDB cancels overlapping ones."""
    from botocore.exceptions import ClientError

    from chalicelib import aws

    dynamodb = aws.client("dynamodb")

    def refuse(params: dict[str, Any], **_: Any) -> None:
        if f"CASE#{case_id}" in json.dumps(params.get("TransactItems", []), default=str):
            error = {"Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"}}
            error["CancellationReasons"] = [{"Code": "TransactionConflict"}]  # type: ignore[assignment]
            raise ClientError(error, "TransactWriteItems")  # type: ignore[arg-type]

    dynamodb.meta.events.register("before-parameter-build.dynamodb.TransactWriteItems", refuse, unique_id="contend")
    try:
        yield
    finally:
        dynamodb.meta.events.unregister("before-parameter-build.dynamodb.TransactWriteItems", unique_id="contend")


def levels(stack: Stack, case_ids: list[str]) -> list[int]:
    """Each case's level, read from the table (by the test, not a function)."""
    from chalicelib.store import cases as case_store
    from chalicelib.wiring import services

    found = [case_store.get_case(services().table, c) for c in case_ids]
    return [c.level if c is not None else -1 for c in found]


def test_a_backlog_is_found_enqueued_and_worked_and_a_failed_case_returns_only_its_own_message(stack: Stack) -> None:
    # Given 12 complaints nobody touched, all past their deadline
    cases = file_routed_complaints(stack, 12)
    # When the finder ticks 25 days later
    found = stack.run_finder(minutes_from_now=25 * DAY)
    # Then it found them all and sent them in two messages (ten ids and two), acting on none itself
    assert (found["found"], found["enqueued"], found["messages"], found["queue_busy"]) == (12, 12, 2, 0)
    messages = waiting_messages(stack)
    bodies = [json.loads(m["Body"]) for m in messages]
    assert sorted(len(b["case_ids"]) for b in bodies) == [2, 10]
    assert sorted(c for b in bodies for c in b["case_ids"]) == sorted(cases)
    assert levels(stack, cases) == [0] * 12
    # When the worker gets both messages while one case's writes are always contended
    stuck = bodies[0]["case_ids"][0]
    with worker_tallies() as tallies, contended_forever(stuck):
        response = deliver(stack, messages)
    # Then only the message holding that case goes back to the queue; every other case climbed a level
    assert response == {"batchItemFailures": [{"itemIdentifier": messages[0]["MessageId"]}]}
    assert (tallies["escalated"], tallies["failed"]) == (11, 1)
    assert levels(stack, cases) == [0 if c == stuck else 1 for c in cases]
    # When that message comes back (the contention eased)
    with worker_tallies() as again:
        assert deliver(stack, messages[:1]) == {"batchItemFailures": []}
    # Then the case left behind climbs, and its message's other cases (acted on already) not twice
    assert (again["escalated"], again["not_due"]) == (1, len(bodies[0]["case_ids"]) - 1)
    assert levels(stack, cases) == [1] * 12


def test_the_same_case_sent_twice_or_found_by_two_ticks_is_reminded_once(stack: Stack) -> None:
    # Given a complaint at 75 % of its time, found by one tick
    (case_id,) = file_routed_complaints(stack, 1)
    first = stack.run_finder(minutes_from_now=16 * DAY)
    assert first["enqueued"] == 1
    # When the next tick comes while that message still waits, it sends nothing again
    second = stack.run_finder(minutes_from_now=16 * DAY + 15)
    assert (second["queue_busy"], second["enqueued"]) == (1, 0)
    # And when the same message is delivered twice (SQS delivers at least once)
    (message,) = waiting_messages(stack)
    with worker_tallies() as tallies:
        deliver(stack, [message])
        deliver(stack, [message])
    # Then the office is reminded once
    assert (tallies["reminded"], tallies["not_due"]) == (1, 1)
    citizen = stack.login("citizen")
    timeline = stack.get(f"/v1/complaints/{case_id}", token=citizen).json["timeline"]
    assert [e["type"] for e in timeline].count("reminded") == 1
