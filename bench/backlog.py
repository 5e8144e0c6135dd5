"""The sweeper at a backlog: 10,000 due cases found, sent and acted on through the real logic; the AWS model.

`python -m bench.backlog` (and `make bench`, which prints the same lines). Seeds BACKLOG due cases into the
tests' in-memory table (one complaint filed and routed through the logic, then copied under new ids: half at
75 % of their time, the office to be reminded; half past their deadline, to be escalated), runs the finder
(`sweeper.fan_out`) into an in-memory due queue, then the worker's turn (`sweeper.act_on_due`) on every
message, and counts every table and queue call each makes. The in-memory table answers in microseconds,
so the times measured are the logic's own CPU time; the model adds what AWS's round trips cost, at the
latencies stated in LATENCY (assumptions, not measurements), with the worker's reserved concurrency and
batch as deployed (.chalice/config.json, infra/functions.json).
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

BACKLOG = 10_000
MODELLED_BACKLOG = 100_000
# Assumed round trips from a Lambda function in the table's region (typical single-digit-ms DynamoDB latency,
# a transaction of several items and an SQS send slower): the model's inputs, not measured here.
LATENCY = {"dynamodb": 0.010, "dynamodb_transaction": 0.020, "sqs": 0.020}
REPO = Path(__file__).resolve().parents[1]


class _CountingNotifications:
    """The notifications queue, counting its SendMessageBatch calls (ten notices a call, as SqsNotificationQueue)."""

    def __init__(self) -> None:
        self.calls = 0
        self.notices = 0

    def enqueue(self, notes: Sequence[Any]) -> None:
        self.calls += (len(notes) + 9) // 10
        self.notices += len(notes)


def _deployed() -> tuple[int, int, int]:
    """The worker's reserved concurrency, its event source's batch size (messages) and MaximumConcurrency."""
    config = json.loads((REPO / ".chalice" / "config.json").read_text())["stages"]["prod"]["lambda_functions"]
    reserved = int(config["sweep_due_cases"]["reserved_concurrency"])
    functions = json.loads((REPO / "infra" / "functions.json").read_text())["Resources"]
    event = functions["SweepDueCases"]["Properties"]["Events"]["SweepDueCasesSqsEventSource"]["Properties"]
    from chalicelib.workers.sweeper import DUE_BATCH

    return reserved, DUE_BATCH, int(event["ScalingConfig"]["MaximumConcurrency"])


def measure(backlog: int = BACKLOG) -> dict[str, Any]:
    """Seed `backlog` due cases, run the finder and the worker over them; times and calls."""
    from bench.simulate import MeteredTable
    from chalicelib.logic import sweeper
    from chalicelib.logic.clock import iso, parse_time
    from chalicelib.store import cases as case_store
    from tests.fakes import FakeDueQueue, make_services
    from tests.unit.test_sweeper import routed_case

    table = MeteredTable()
    services, intake, clock = make_services(table)
    notifications = _CountingNotifications()
    services.notifications = notifications
    template = case_store.get_case(table, routed_case(services))
    assert template is not None
    now = clock() + timedelta(days=1)
    items = []
    for n in range(backlog):
        if n % 2:  # at 75 % of its time: the office is reminded
            update = {"due_at": iso(now + timedelta(days=5)), "next_check_at": iso(now - timedelta(minutes=n % 900))}
        else:  # past its deadline: escalated one level
            update = {"due_at": iso(now - timedelta(hours=1)), "next_check_at": iso(now - timedelta(minutes=n % 900))}
        items.append(case_store.case_item(template.model_copy(update={"id": f"C-DUE{n:05d}", **update})))
    table.put_many(items)
    table.calls.clear()
    clock.now = now

    queue = services.due
    assert isinstance(queue, FakeDueQueue)
    started = time.perf_counter()
    found = sweeper.fan_out(services, now)
    finder_seconds = time.perf_counter() - started
    finder_calls = Counter(table.calls)
    finder_calls["sqs:GetQueueAttributes"] = 1
    finder_calls["sqs:SendMessageBatch"] = queue.sends
    assert found.enqueued == backlog, found

    table.calls.clear()
    table.meter.clear()
    intake.sent.clear()
    report = sweeper.SweepReport()
    messages = 0
    started = time.perf_counter()
    while (message := queue.take()) is not None:
        ids, found_at = message
        sweeper.act_on_due(services, ids, parse_time(found_at), report)
        messages += 1
    worker_seconds = time.perf_counter() - started
    cases = found.enqueued
    worker_calls = Counter(table.calls)
    worker_calls["sqs:SendMessageBatch (notices)"] = notifications.calls
    worker_calls["sqs:SendMessage (re-drives)"] = len(intake.sent)
    hottest = max(table.meter.write.items(), key=lambda kv: kv[1])
    return {
        "hottest_write": (f"{hottest[0][0]}:{hottest[0][1]}", hottest[1] / cases),
        "cases": cases,
        "finder_seconds": finder_seconds,
        "finder_calls": dict(finder_calls),
        "messages": messages,
        "worker_seconds": worker_seconds,
        "worker_calls": dict(worker_calls),
        "report": report.as_dict(),
        "notices": notifications.notices,
    }


def model(measured: dict[str, Any], backlog: int = MODELLED_BACKLOG) -> dict[str, Any]:
    """Time to clear `backlog` due cases on AWS: the finder's sends overlap the workers', which run R at once."""
    reserved, batch, maximum = _deployed()
    workers = min(reserved, maximum)
    cases = measured["cases"]
    finder = measured["finder_calls"]
    finder_round_trips = (
        sum(v for k, v in finder.items() if not k.startswith("sqs")) * LATENCY["dynamodb"]
        + sum(v for k, v in finder.items() if k.startswith("sqs")) * LATENCY["sqs"]
    )
    finder_per_case = (measured["finder_seconds"] + finder_round_trips) / cases
    calls = measured["worker_calls"]
    transactions = calls.get("TransactWriteItems", 0)
    single = sum(v for k, v in calls.items() if not k.startswith("sqs") and k != "TransactWriteItems")
    sqs = sum(v for k, v in calls.items() if k.startswith("sqs"))
    wait = single * LATENCY["dynamodb"] + transactions * LATENCY["dynamodb_transaction"] + sqs * LATENCY["sqs"]
    per_case = (measured["worker_seconds"] + wait) / cases
    finder_seconds = finder_per_case * backlog
    worker_seconds = per_case * backlog / workers
    # The workers start on the first messages within seconds; the finder sends ~100 cases per call, faster
    # than R workers act on them, so the backlog clears when the slower of the two is done, plus a minute for
    # the event source to scale out to R (Lambda adds up to 300 concurrent SQS pollers a minute).
    total = max(finder_seconds, worker_seconds) + 60
    return {
        "workers": workers,
        "batch": batch,
        "cases_per_invocation": batch * 10,
        "finder_seconds_per_1000": finder_per_case * 1000,
        "worker_seconds_per_case": per_case,
        "finder_seconds": finder_seconds,
        "worker_seconds": worker_seconds,
        "total_seconds": total,
        "invocation_seconds": per_case * batch * 10,
        "backlog": backlog,
        "cases_per_second": workers / per_case,
        "hottest_wcu_s": measured["hottest_write"][1] * workers / per_case,
    }


def lines(measured: dict[str, Any], modelled: dict[str, Any]) -> list[str]:
    cases = measured["cases"]
    finder = measured["finder_calls"]
    worker = measured["worker_calls"]
    report = measured["report"]
    per_case = sum(worker.values()) / cases
    detail = ", ".join(f"{k} {v / cases:.2f}" for k, v in sorted(worker.items()) if v)
    return [
        f"Sweeper at a backlog: {cases:,} due cases (half reminders, half escalations) through the real logic,",
        " in-memory table and queue (times are the logic's CPU time; AWS round trips are added by the model)",
        f"  finder: {measured['finder_seconds'] * 1000:.0f} ms for {cases:,} cases "
        f"({measured['finder_seconds'] * 1000 / cases * 1000:.1f} ms per 1,000); calls: "
        + ", ".join(f"{k} ×{v}" for k, v in sorted(finder.items()))
        + f"; {measured['messages']:,} messages of up to 10 ids",
        f"  worker: {measured['worker_seconds'] / cases * 1000:.2f} ms per case; "
        f"{per_case:.2f} AWS calls per case ({detail})",
        f"  acted: {report['reminded']:,} reminded, {report['escalated']:,} escalated, "
        f"{report['failed']} failed, {report['not_due']} not due; {measured['notices']:,} notices queued",
        f"  model (DynamoDB {LATENCY['dynamodb'] * 1000:.0f} ms a call, {LATENCY['dynamodb_transaction'] * 1000:.0f} ms "
        f"a transaction, SQS {LATENCY['sqs'] * 1000:.0f} ms a call): {modelled['worker_seconds_per_case'] * 1000:.0f} ms "
        f"per case, {modelled['invocation_seconds']:.1f} s per invocation of {modelled['cases_per_invocation']} cases; "
        f"finder {modelled['finder_seconds_per_1000']:.2f} s per 1,000 cases",
        f"sweeper backlog model: {modelled['backlog']:,} due cases cleared in "
        f"{modelled['total_seconds'] / 60:.1f} min with {modelled['workers']} workers × {modelled['batch']} messages "
        f"of 10 cases (finder {modelled['finder_seconds'] / 60:.1f} min, workers "
        f"{modelled['worker_seconds'] / 60:.1f} min, +1 min scale-out); the hour allows "
        f"{3600 / modelled['worker_seconds_per_case'] * modelled['workers']:,.0f} cases",
        f"  hottest write key while the workers run: {measured['hottest_write'][0]} "
        f"{measured['hottest_write'][1]:.2f} WCU a case, {modelled['hottest_wcu_s']:,.0f} WCU/s at "
        f"{modelled['cases_per_second']:,.0f} cases/s (every case at one office: the worst case)",
        f"  the notices it queues ({measured['notices'] / cases:.1f} a case) are delivered at the notify worker's "
        "pace (SES's send rate), not the sweeper's",
    ]


def main() -> None:
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    measured = measure()
    for line in lines(measured, model(measured)):
        print(line)


if __name__ == "__main__":
    main()
