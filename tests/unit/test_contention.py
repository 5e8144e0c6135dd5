"""Writes real DynamoDB refuses for now (a transaction meeting another on its items, a throttle), tried again.

moto never cancels overlapping transactions; `DynamoTable` is checked here against DynamoDB's own answers
(botocore's Stubber), and the in-memory table (`MemoryTable.contend`) puts the hot paths through them.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from chalicelib.logic import complaints
from chalicelib.logic.routing import route_case
from chalicelib.models.complaints import ComplaintIn
from chalicelib.models.errors import ConditionFailure, ServiceUnavailable
from chalicelib.store import cases as case_store
from chalicelib.store.table import TRIES, Contended, DynamoTable, Put, retrying
from tests.fakes import citizen, make_services
from tests.memory_table import MemoryTable


def _cancelled(*codes: str) -> dict[str, Any]:
    return {
        "service_error_code": "TransactionCanceledException",
        "service_message": "Transaction cancelled, please refer cancellation reasons for specific reasons",
        "http_status_code": 400,
        "response_meta": {},
        "modeled_fields": {"CancellationReasons": [{"Code": c} for c in codes]},
    }


def _stubbed() -> tuple[DynamoTable, Stubber]:
    client = boto3.client("dynamodb", region_name="ap-south-1", aws_access_key_id="x", aws_secret_access_key="x")
    return DynamoTable("awaaz", client), Stubber(client)


PUT = Put({"PK": "CASE#C-1", "SK": "CASE", "version": 1}, expect_version=None)


def test_a_transaction_cancelled_for_a_conflict_is_sent_again_and_lands() -> None:
    table, stub = _stubbed()
    stub.add_client_error("transact_write_items", **_cancelled("None", "TransactionConflict"))
    stub.add_client_error("transact_write_items", **_cancelled("ThrottlingError"))
    stub.add_response("transact_write_items", {})
    with stub:
        table.transact([PUT])
    stub.assert_no_pending_responses()


def test_a_failed_condition_is_never_retried_even_beside_a_conflict() -> None:
    table, stub = _stubbed()
    stub.add_client_error("transact_write_items", **_cancelled("ConditionalCheckFailed", "TransactionConflict"))
    with stub, pytest.raises(ConditionFailure) as failed:
        table.transact([PUT])
    assert failed.value.failed_indexes == [0]


def test_a_conflict_that_outlasts_the_tries_is_a_503_and_another_cancellation_is_not_retried() -> None:
    table, stub = _stubbed()
    for _ in range(TRIES):
        stub.add_client_error("transact_write_items", **_cancelled("TransactionConflict"))
    with stub, pytest.raises(ServiceUnavailable):
        table.transact([PUT])
    stub.assert_no_pending_responses()
    table, stub = _stubbed()
    stub.add_client_error("transact_write_items", **_cancelled("ValidationError"))
    with stub, pytest.raises(ServiceUnavailable):
        table.transact([PUT])
    stub.assert_no_pending_responses()  # sent once


def test_a_counter_that_meets_a_transaction_on_its_item_is_counted_once_it_passes() -> None:
    table, stub = _stubbed()
    stub.add_client_error("update_item", service_error_code="TransactionConflictException", http_status_code=400)
    stub.add_response("update_item", {"Attributes": {"n": {"N": "3"}}})
    with stub:
        assert table.count({"PK": "LIMIT#x", "SK": "DAY"}, "n", 0) == 3


def test_the_waits_between_tries_are_jittered_and_bounded() -> None:
    waits: list[float] = []
    tries = iter(range(TRIES))

    def attempt() -> int:
        n = next(tries)
        if n < TRIES - 1:
            raise Contended("TransactionConflict")
        return n

    assert retrying(attempt, sleep=waits.append) == TRIES - 1
    assert len(waits) == TRIES - 1 and all(0 <= w <= 0.025 * 2**i for i, w in enumerate(waits))
    assert sum(waits) < 0.4


def test_a_complaint_filed_and_routed_while_its_items_are_contended_is_stored_and_routed_once() -> None:
    table = MemoryTable()
    services, intake, _ = make_services(table)
    body = ComplaintIn.model_validate(
        {
            "category_id": "electricity-overbilling",
            "subject": "Over-billing again",
            "description": "The meter reading on my bill is wrong.",
            "location": {"district": "lahore"},
        }
    )
    table.contend(2)  # the filing's transaction (case, counters, inbox) meets two others
    case_id = str(complaints.submit(services, citizen(), body, None).case["id"])
    assert table.contentions == 0 and intake.sent == [case_id]
    table.contend(3)  # and routing's, three times
    assert route_case(services, case_id)
    case = case_store.get_case(table, case_id)
    assert case is not None and case.status == "routed" and case.version == 2
