"""Operable (issue 16, point 8): the dashboard, the alarms to the ops topic, and the runbook that answers each.

The template is built from infra/*.json over the functions the app declares (as tests/unit/test_edge.py
does), so a function, a queue or a dead-letter queue added later fails here until it has its alarms,
its place on the dashboard and its runbook section. The metric names the dashboard and the alarms
read from the `Awaaz` namespace must be names the code emits.
"""

from __future__ import annotations

import ast
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from infra.build_template import build
from tests.unit.test_build_template import _doc, generated

REPO = Path(__file__).resolve().parents[2]
RUNBOOK = REPO / "docs" / "runbook.md"
OPS_TOPIC = {"Ref": "AlarmTopic"}
# The business on the dashboard: filed, routed, resolved, verdicts (satisfied or not), escalated, spikes.
BUSINESS = (
    "ComplaintsSubmitted",
    "ComplaintsRouted",
    "CasesResolved",
    "CitizensSatisfied",
    "CitizensNotSatisfied",
    "CasesEscalated",
    "SpikesFlagged",
)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return build(_doc("resources.json"), _doc("functions.json"), generated())[0]


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {rid: r for rid, r in template["Resources"].items() if r.get("Type") == kind}


def alarms(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {rid: r["Properties"] for rid, r in of_type(template, "AWS::CloudWatch::Alarm").items()}


def watched(alarm: dict[str, Any]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(namespace, metric, dimensions) of each metric an alarm reads: its own, or each of its metric math's."""
    if "MetricName" in alarm:
        return [(alarm["Namespace"], alarm["MetricName"], alarm.get("Dimensions", []))]
    return [
        (
            q["MetricStat"]["Metric"]["Namespace"],
            q["MetricStat"]["Metric"]["MetricName"],
            q["MetricStat"]["Metric"]["Dimensions"],
        )
        for q in alarm["Metrics"]
        if "MetricStat" in q
    ]


def alarms_on(template: dict[str, Any], namespace: str, metric: str, dimension: dict[str, Any]) -> list[str]:
    return [
        rid
        for rid, alarm in alarms(template).items()
        if any(ns == namespace and name == metric and dimension in dims for ns, name, dims in watched(alarm))
    ]


def dashboard(template: dict[str, Any]) -> dict[str, Any]:
    (board,) = of_type(template, "AWS::CloudWatch::Dashboard").values()
    body = board["Properties"]["DashboardBody"]["Fn::Sub"]  # ${...} sits inside JSON strings
    return dict(json.loads(body))


def dashboard_metrics(template: dict[str, Any]) -> list[list[Any]]:
    return [m for w in dashboard(template)["widgets"] if w["type"] == "metric" for m in w["properties"]["metrics"]]


def searches(template: dict[str, Any]) -> list[str]:
    return [m[0]["expression"] for m in dashboard_metrics(template) if isinstance(m[0], dict) and "expression" in m[0]]


def plotted(template: dict[str, Any], namespace: str, metric: str) -> list[list[Any]]:
    return [m for m in dashboard_metrics(template) if m[:2] == [namespace, metric]]


def dead_letter_queues(template: dict[str, Any]) -> set[str]:
    """Every queue a queue's RedrivePolicy or a function's on-failure destination sends failures to."""
    found = set()
    for queue in of_type(template, "AWS::SQS::Queue").values():
        target = queue["Properties"].get("RedrivePolicy", {}).get("deadLetterTargetArn")
        if target:
            found.add(target["Fn::GetAtt"][0])
    for config in of_type(template, "AWS::Lambda::EventInvokeConfig").values():
        found.add(config["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0])
    return found


def functions(template: dict[str, Any]) -> dict[str, str]:
    """Logical id → the function's name (`${AWS::StackName}-<chalice name>`) of every generated function."""
    gen = generated()["Resources"]
    names = {}
    for rid, resource in gen.items():
        if resource["Type"] == "AWS::Serverless::Function":
            names[rid] = template["Resources"][rid]["Properties"]["FunctionName"]["Fn::Sub"]
    return names


def test_the_ops_topic_takes_an_optional_email_subscription(template: dict[str, Any]) -> None:
    assert template["Resources"]["AlarmTopic"]["Type"] == "AWS::SNS::Topic"
    subscription = template["Resources"]["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["TopicArn"] == OPS_TOPIC
    assert template["Parameters"]["AlarmEmail"]["Default"] == ""


def test_every_alarm_reaches_the_ops_topic_names_itself_and_says_what_missing_data_means(
    template: dict[str, Any],
) -> None:
    found = alarms(template)
    assert len(found) >= 30
    for rid, alarm in found.items():
        assert alarm["AlarmActions"] == [OPS_TOPIC], rid
        assert alarm["OKActions"] == [OPS_TOPIC], rid
        assert alarm["AlarmName"] == {"Fn::Sub": "${AWS::StackName}-" + rid}, rid
        assert alarm["TreatMissingData"] in ("notBreaching", "breaching"), rid
        description = alarm["AlarmDescription"]
        text = description["Fn::Sub"] if isinstance(description, dict) else description
        assert text.endswith(f"Runbook: docs/runbook.md#{rid.lower()}"), rid
        assert len(text) <= 1024, rid  # CloudWatch's limit
        # It names what it watches: a stack-named resource, a function, a queue, a metric of the code
        assert re.search(r"\$\{AWS::StackName\}|Lambda function \w+|Metric Awaaz \w+|API stage|SES account", text), rid
        if "Metrics" in alarm:
            assert len(alarm["Metrics"]) <= 10, rid  # a metric math alarm reads at most 10 metrics
            assert [q["Id"] for q in alarm["Metrics"] if q.get("ReturnData")] == ["result"], rid


def unwatched_dead_letter_queues(template: dict[str, Any]) -> list[str]:
    """Dead-letter queues without exactly one alarm on their first message."""
    unwatched = []
    for queue in sorted(dead_letter_queues(template)):
        dimension = {"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}
        found = alarms_on(template, "AWS/SQS", "ApproximateNumberOfMessagesVisible", dimension)
        alarm = alarms(template)[found[0]] if len(found) == 1 else {}
        if (alarm.get("Statistic"), alarm.get("Threshold"), alarm.get("ComparisonOperator")) != (
            "Maximum",
            0,
            "GreaterThanThreshold",
        ) or alarm.get("TreatMissingData") != "notBreaching":  # an empty queue publishes nothing
            unwatched.append(queue)
    return unwatched


def test_every_dead_letter_queue_and_the_failed_runs_queue_alarm_when_not_empty(template: dict[str, Any]) -> None:
    assert {"IntakeDeadLetterQueue", "NotificationsDeadLetterQueue", "FailedScheduledRunsQueue"} <= dead_letter_queues(
        template
    )
    assert unwatched_dead_letter_queues(template) == []


def test_a_dead_letter_queue_added_without_its_alarm_is_found() -> None:
    resources = _doc("resources.json")
    resources["Resources"]["SweepDeadLetterQueue"] = {"Type": "AWS::SQS::Queue", "Properties": {}}
    resources["Resources"]["SweepQueue"] = {
        "Type": "AWS::SQS::Queue",
        "Properties": {"RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["SweepDeadLetterQueue", "Arn"]}}},
    }
    template = build(resources, _doc("functions.json"), generated())[0]
    assert unwatched_dead_letter_queues(template) == ["SweepDeadLetterQueue"]


def test_every_work_queue_alarms_when_its_oldest_message_waits_too_long(template: dict[str, Any]) -> None:
    work = [rid for rid, q in of_type(template, "AWS::SQS::Queue").items() if "RedrivePolicy" in q["Properties"]]
    assert {"IntakeQueue", "NotificationsQueue"} <= set(work)
    for queue in work:
        dimension = {"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}
        assert alarms_on(template, "AWS/SQS", "ApproximateAgeOfOldestMessage", dimension), queue


def test_every_function_has_an_errors_and_a_throttles_alarm(template: dict[str, Any]) -> None:
    names = functions(template)
    assert {"APIHandler", "JwtAuthorizer", "RouteIntake", "SweepDeadlines", "RunInsights", "SendNotifications"} <= set(
        names
    )
    for rid in names:
        dimension = {"Name": "FunctionName", "Value": {"Ref": rid}}
        for metric in ("Errors", "Throttles"):
            found = alarms_on(template, "AWS/Lambda", metric, dimension)
            assert found == [f"{rid}{metric}Alarm"], (rid, metric)
            # Dropped with its function when chalice does not generate it
            meta = _doc("functions.json")["Resources"][found[0]]["Metadata"]
            assert meta["Awaaz::Requires"] == [rid]


def test_a_scheduled_function_that_stops_running_alarms(template: dict[str, Any]) -> None:
    gen = generated()["Resources"]
    scheduled = [
        rid
        for rid, r in gen.items()
        if any(e["Type"] == "Schedule" for e in r["Properties"].get("Events", {}).values())
    ]
    assert {"SweepDeadlines", "RunInsights"} <= set(scheduled)
    for rid in scheduled:
        (name,) = alarms_on(template, "AWS/Lambda", "Invocations", {"Name": "FunctionName", "Value": {"Ref": rid}})
        alarm = alarms(template)[name]
        # No invocation publishes no datapoint: missing data is the very thing watched
        assert (alarm["ComparisonOperator"], alarm["Threshold"], alarm["TreatMissingData"]) == (
            "LessThanThreshold",
            1,
            "breaching",
        )


def test_the_table_and_every_index_alarm_on_read_and_write_throttling(template: dict[str, Any]) -> None:
    table = {"Name": "TableName", "Value": {"Ref": "Table"}}
    for metric in ("ReadThrottleEvents", "WriteThrottleEvents"):
        watching = [
            rid
            for rid, alarm in alarms(template).items()
            if any(name == metric and dims == [table] for _, name, dims in watched(alarm))
        ]
        assert watching == ["TableThrottleAlarm"], metric
    indexes = [i["IndexName"] for i in template["Resources"]["Table"]["Properties"]["GlobalSecondaryIndexes"]]
    assert len(indexes) >= 5
    for index in indexes:
        dimension = {"Name": "GlobalSecondaryIndexName", "Value": index}
        assert alarms_on(template, "AWS/DynamoDB", "ReadThrottleEvents", dimension) == ["IndexReadThrottleAlarm"], index
        assert alarms_on(template, "AWS/DynamoDB", "WriteThrottleEvents", dimension) == ["IndexWriteThrottleAlarm"], (
            index
        )


def test_the_api_alarms_on_its_5xx_rate_and_p99_latency_and_measures_each_route(template: dict[str, Any]) -> None:
    found = alarms(template)
    rate = found["Api5xxAlarm"]
    assert [q["MetricStat"]["Metric"]["MetricName"] for q in rate["Metrics"] if "MetricStat" in q] == [
        "5XXError",
        "Count",
    ]
    assert "errors / requests" in rate["Metrics"][-1]["Expression"]
    latency = found["ApiLatencyP99Alarm"]
    assert (latency["MetricName"], latency["ExtendedStatistic"]) == ("Latency", "p99")
    # Per-route metrics are the stage's detailed metrics: on for every method setting
    settings = template["Resources"]["RestAPI"]["Properties"]["MethodSettings"]
    assert all(s.get("MetricsEnabled") is True for s in settings)
    filing = {d["Name"]: d["Value"] for d in found["ApiFilingLatencyP99Alarm"]["Dimensions"]}
    from app import app

    assert filing["Method"] in app.routes[filing["Resource"]]


def test_the_dashboard_shows_the_business(template: dict[str, Any]) -> None:
    shown = {m[1] for m in dashboard_metrics(template) if m and m[0] == "Awaaz"}
    assert set(BUSINESS) <= shown, set(BUSINESS) - shown


def test_the_dashboard_shows_the_machine(template: dict[str, Any]) -> None:
    body = json.dumps(dashboard(template))
    # Every queue: work queues' age and depth, each dead-letter queue's depth
    for queue in of_type(template, "AWS::SQS::Queue"):
        plots = plotted(template, "AWS/SQS", "ApproximateNumberOfMessagesVisible")
        assert any(m[3] == "${" + queue + ".QueueName}" for m in plots), queue
    for queue in (rid for rid, q in of_type(template, "AWS::SQS::Queue").items() if "RedrivePolicy" in q["Properties"]):
        assert any(
            m[3] == "${" + queue + ".QueueName}" for m in plotted(template, "AWS/SQS", "ApproximateAgeOfOldestMessage")
        )
    # Every function's errors and throttles
    for name in functions(template).values():
        for metric in ("Errors", "Throttles"):
            assert any(m[3] == name for m in plotted(template, "AWS/Lambda", metric)), (name, metric)
    # Latency p50 and p99 per route (SEARCH over the stage's detailed metrics), the sweeper's duration and backlog
    per_route = [s for s in searches(template) if "Method,Resource" in s and 'MetricName="Latency"' in s]
    assert {stat for s in per_route for stat in re.findall(r"', '(p\d+)', ", s)} == {"p50", "p99"}
    assert any(m[3] == "${AWS::StackName}-sweep_deadlines" for m in plotted(template, "AWS/Lambda", "Duration"))
    assert {"SweepBacklog", "SweepExamined", "SweepDeferred", "SweepFailures"} <= {
        m[1] for m in dashboard_metrics(template) if m[0] == "Awaaz"
    }
    # DynamoDB throttles on the table and per index
    assert plotted(template, "AWS/DynamoDB", "WriteThrottleEvents") and "GlobalSecondaryIndexName" in body


@cache
def emitted_metric_names() -> frozenset[str]:
    """Names a module of chalicelib passes to metrics.add_metric: literally, or as a CamelCase constant of a module that does."""
    names: set[str] = set()
    for path in (REPO / "chalicelib").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_metric"
        ]
        if not calls:
            continue
        for call in calls:
            for keyword in call.keywords:
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    names.add(str(keyword.value.value))
        # A name passed as a variable (a tuple of (name, count) pairs, a table of names per action)
        names |= {
            str(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and re.fullmatch(r"[A-Z][a-z]+(?:[A-Z][a-z]+)+", node.value)
        }
    return frozenset(names)


def test_every_awaaz_metric_on_the_dashboard_and_in_an_alarm_is_one_the_code_emits(template: dict[str, Any]) -> None:
    read = {m[1] for m in dashboard_metrics(template) if m and m[0] == "Awaaz"}
    read |= {name for alarm in alarms(template).values() for ns, name, _ in watched(alarm) if ns == "Awaaz"}
    assert read - emitted_metric_names() == set()
    assert {"SweepBacklog", "SweepExamined", "IntakeEnqueueFailed", "InsightsTaskFailed"} <= read


def test_the_sweeper_publishes_its_backlog_every_run_zero_included() -> None:
    from chalicelib.observability import metrics
    from chalicelib.workers.sweeper import publish_backlog

    metrics.clear_metrics()
    try:
        publish_backlog({"found": 40, "enqueued": 40, "deferred": 0, "failed": 0})
        assert metrics.metric_set["SweepBacklog"]["Value"] == [0.0]
        assert metrics.metric_set["SweepExamined"]["Value"] == [40.0]
    finally:
        metrics.clear_metrics()


def runbook_headings() -> set[str]:
    return {line[4:].strip() for line in RUNBOOK.read_text(encoding="utf-8").splitlines() if line.startswith("### ")}


def test_every_alarm_has_its_section_in_the_runbook(template: dict[str, Any]) -> None:
    # The heading is the alarm's logical id, so the alarm's link (docs/runbook.md#<id in lower case>) lands on it
    missing = set(alarms(template)) - runbook_headings()
    assert missing == set(), f"docs/runbook.md has no '### <alarm>' section for {sorted(missing)}"


def test_the_runbook_covers_redrive_key_rotation_and_restoring_the_table() -> None:
    text = RUNBOOK.read_text(encoding="utf-8")
    for needed in (
        "/v1/admin/queues/",
        "make rotate-pii-key",
        "restore-table-to-point-in-time",
        "docs/scale.md",
        "PointInTimeRecoveryEnabled",
    ):
        assert needed in text, needed
    for doc in ("README.md", "docs/operations.md", "docs/deploy.md"):
        assert "runbook.md" in (REPO / doc).read_text(encoding="utf-8"), doc
