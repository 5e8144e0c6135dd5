"""The local stack's moto writes a read's items with one `json.dumps` (local/motoserver.py, 8): the same answers.

Every read the product makes (Query of the table and of an index, paged; GetItem, whole and projected,
found and not; BatchGetItem) is asked of moto twice, through its own serialiser and through the
shortcut, and the parsed answers must be equal. A binary value takes moto's own way, and is still right.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb.responses import DynamoResult

from local import motoserver

TABLE = "reads"

ITEMS: list[dict[str, Any]] = [
    {
        "PK": "CASE#1",
        "SK": "CASE",
        "GSI1PK": "CITIZEN#a",
        "GSI1SK": "2026-11-01#1",
        "text": 'بجلی کا بل بہت زیادہ ہے — "quoted" \\ and a newline\n',
        "count": 7,
        "ratio": Decimal("0.125"),
        "big": Decimal("123456789012345678901234567890"),
        "flag": True,
        "off": False,
        "nothing": None,
        "trail": [{"at": "2026-11-01T09:00:00Z", "type": "submitted"}, "x", 3, None],
        "location": {"district": "lahore", "lat": None, "inner": {"deep": [1, 2]}},
        "tags": {"a", "b"},
        "numbers": {1, 2, 3},
        "empty_list": [],
        "empty_map": {},
    },
    *(
        {"PK": "CASE#1", "SK": f"EVT#{n:04d}", "GSI1PK": "CITIZEN#a", "GSI1SK": f"2026-11-02#{n}", "n": n}
        for n in range(12)
    ),
    {"PK": "CASE#2", "SK": "CASE", "GSI1PK": "CITIZEN#b", "GSI1SK": "2026-11-03#2", "subject": "Water"},
]
BINARY = {"PK": "CASE#3", "SK": "CASE", "blob": b"\x00\xffbytes", "GSI1PK": "CITIZEN#c", "GSI1SK": "x"}


def _reads(client: Any) -> list[Callable[[], Any]]:
    key = {"PK": {"S": "CASE#1"}, "SK": {"S": "CASE"}}
    return [
        lambda: client.query(
            TableName=TABLE, KeyConditionExpression="PK = :p", ExpressionAttributeValues={":p": {"S": "CASE#1"}}
        ),
        lambda: client.query(
            TableName=TABLE,
            KeyConditionExpression="PK = :p AND begins_with(SK, :e)",
            ExpressionAttributeValues={":p": {"S": "CASE#1"}, ":e": {"S": "EVT#"}},
            Limit=5,
            ScanIndexForward=False,
        ),
        lambda: client.query(
            TableName=TABLE,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :p",
            ExpressionAttributeValues={":p": {"S": "CITIZEN#a"}},
            Limit=4,
            ExclusiveStartKey={
                "PK": {"S": "CASE#1"},
                "SK": {"S": "EVT#0001"},
                "GSI1PK": {"S": "CITIZEN#a"},
                "GSI1SK": {"S": "2026-11-02#1"},
            },
        ),
        lambda: client.query(
            TableName=TABLE,
            KeyConditionExpression="PK = :p",
            ExpressionAttributeValues={":p": {"S": "CASE#9"}},
        ),
        lambda: client.get_item(TableName=TABLE, Key=key),
        lambda: client.get_item(TableName=TABLE, Key=key, ConsistentRead=True, ProjectionExpression="PK, ratio"),
        lambda: client.get_item(TableName=TABLE, Key={"PK": {"S": "CASE#9"}, "SK": {"S": "CASE"}}),
        lambda: client.batch_get_item(
            RequestItems={
                TABLE: {
                    "Keys": [key, {"PK": {"S": "CASE#2"}, "SK": {"S": "CASE"}}, {"PK": {"S": "N"}, "SK": {"S": "N"}}]
                }
            }
        ),
        lambda: client.get_item(TableName=TABLE, Key={"PK": {"S": "CASE#3"}, "SK": {"S": "CASE"}}),
        lambda: client.query(
            TableName=TABLE,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :p",
            ExpressionAttributeValues={":p": {"S": "CITIZEN#c"}},
        ),
    ]


@pytest.fixture
def client() -> Iterator[Any]:
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="ap-south-1")
        dynamodb.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": name, "AttributeType": "S"} for name in ("PK", "SK", "GSI1PK", "GSI1SK")
            ],
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "GSI1",
                    "KeySchema": [
                        {"AttributeName": "GSI1PK", "KeyType": "HASH"},
                        {"AttributeName": "GSI1SK", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )
        table = boto3.resource("dynamodb", region_name="ap-south-1").Table(TABLE)
        for item in [*ITEMS, BINARY]:
            table.put_item(Item=item)
        yield dynamodb


def _answers(reads: list[Callable[[], Any]]) -> list[Any]:
    out = []
    for read in reads:
        reply = read()
        reply.pop("ResponseMetadata")
        out.append(reply)
    return out


def test_every_read_answers_the_same_through_the_shortcut(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _reads(client)
    slow = _answers(reads)
    # Installed for this test only: monkeypatch puts moto's own method back afterwards
    monkeypatch.setattr(DynamoResult, "execute_result", DynamoResult.execute_result)
    monkeypatch.setattr(motoserver, "_ORIGINAL_EXECUTE", [])
    motoserver._serialise_reads_as_json()
    own_way: list[str] = []
    moto_own = motoserver._ORIGINAL_EXECUTE[0]

    def counted(result: Any, context: Any) -> Any:
        own_way.append(context.operation_model.name)
        return moto_own(result, context)

    motoserver._ORIGINAL_EXECUTE[0] = counted
    fast = _answers(reads)
    assert fast == slow
    assert own_way == ["GetItem", "Query"]  # the two reads of the item with a binary value; every other: the shortcut
    # What was read: the values, not only their sameness
    whole = fast[4]["Item"]
    assert whole["text"] == {"S": ITEMS[0]["text"]} and whole["big"] == {"N": "123456789012345678901234567890"}
    assert whole["nothing"] == {"NULL": True} and whole["empty_map"] == {"M": {}}
    assert fast[1]["Count"] == 5 and "LastEvaluatedKey" in fast[1]
    assert fast[3] == {"Count": 0, "ScannedCount": 0, "Items": []}
    assert fast[6] == {}
    assert fast[8]["Item"]["blob"] == {"B": b"\x00\xffbytes"}  # moto's own way for a binary value
