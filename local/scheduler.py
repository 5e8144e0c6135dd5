"""Scheduler: fires the app's scheduled handlers with a CloudWatch "Scheduled Event".

- `rate(N minutes|hours|days)`: first after one period from start-up, then every period
  (as an EventBridge rule does after it is created).
- `cron(min hour dom month dow year)`: approximated by its minute and hour fields only
  (`*`, `n`, `a-b`, `a,b`, `*/n`, `a/n`; UTC); the day, month and weekday fields are
  ignored. Enough for "every hour at :05" or "daily at 02:00".

`run_job(name, at_iso)` fires one handler once with the event's `time` set to `at_iso`
(the sweeper takes its clock from it): `make job NAME=deadlines AT=2026-12-20T10:00:00Z`.
From another shell, `python -m local.scheduler deadlines 2026-12-20T10:00:00Z` does the
same against a running stack (it reads the stack's settings from its state directory).
"""

from __future__ import annotations

import argparse
import heapq
import json
import logging
import os
import re
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

log = logging.getLogger("local.scheduler")

ALIASES = {"deadlines": "sweep_deadlines", "insights": "run_insights"}
RUNTIME_FILE = "runtime.json"

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$", re.IGNORECASE)
_CRON = re.compile(r"^cron\((.+)\)$", re.IGNORECASE)
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def expression_of(source: Any) -> str:
    expression = source.schedule_expression
    return expression if isinstance(expression, str) else str(expression.to_string())


def _field_matches(spec: str, value: int, low: int) -> bool:
    for part in spec.split(","):
        part = part.strip()
        if part in ("*", "?"):
            return True
        step = 1
        if "/" in part:
            part, raw_step = part.split("/", 1)
            step = int(raw_step)
            if part in ("*", ""):
                part = str(low)
        if "-" in part:
            first, last = (int(x) for x in part.split("-", 1))
        else:
            first = int(part)
            last = first if step == 1 else 10_000
        if first <= value <= last and (value - first) % step == 0:
            return True
    return False


@dataclass
class Schedule:
    expression: str
    period: float | None = None  # rate
    minute: str = "*"  # cron
    hour: str = "*"

    @classmethod
    def parse(cls, expression: str) -> Schedule:
        text = expression.strip()
        rate = _RATE.match(text)
        if rate:
            value, unit = int(rate.group(1)), rate.group(2).lower().rstrip("s")
            if value <= 0:
                raise ValueError(f"rate must be positive: {expression}")
            return cls(text, period=float(value * _UNIT_SECONDS[unit]))
        cron = _CRON.match(text)
        if cron:
            fields = cron.group(1).split()
            if len(fields) != 6:
                raise ValueError(f"cron needs 6 fields: {expression}")
            schedule = cls(text, minute=fields[0], hour=fields[1])
            schedule.next_after(datetime.now(UTC))  # validates the fields
            return schedule
        raise ValueError(f"unsupported schedule expression: {expression}")

    def next_after(self, moment: datetime) -> datetime:
        if self.period is not None:
            return moment + timedelta(seconds=self.period)
        candidate = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
        for _ in range(60 * 24 + 1):
            if _field_matches(self.minute, candidate.minute, 0) and _field_matches(self.hour, candidate.hour, 0):
                return candidate
            candidate += timedelta(minutes=1)
        raise ValueError(f"cron fields never match: {self.expression}")


def iso_z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalise_time(at_iso: str) -> str:
    """An ISO 8601 time (date alone = midnight UTC) as the `time` of a scheduled event."""
    text = at_iso.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an ISO 8601 time: {at_iso!r} (e.g. 2026-12-20T10:00:00Z)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return iso_z(moment)


def scheduled_event(rule_name: str, at_iso: str, *, region: str, account_id: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account_id,
        "time": at_iso,
        "region": region,
        "resources": [f"arn:aws:events:{region}:{account_id}:rule/{rule_name}"],
        "detail": {},
    }


def scheduled_sources(app: Any) -> dict[str, Any]:
    from chalice.app import ScheduledEventConfig

    return {s.name: s for s in app.event_sources if isinstance(s, ScheduledEventConfig)}


def job_names(app: Any) -> list[str]:
    names = sorted(scheduled_sources(app))
    return names + sorted(alias for alias, target in ALIASES.items() if target in names)


def fire(app: Any, name: str, at_iso: str | None = None, *, stage: str = "local", region: str, account_id: str) -> Any:
    from local.pumps import lambda_context

    sources = scheduled_sources(app)
    target = ALIASES.get(name, name)
    if target not in sources:
        raise KeyError(f"no scheduled handler {name!r}; known: {', '.join(job_names(app)) or 'none'}")
    function_name = f"{app.app_name}-{stage}-{target}"
    moment = normalise_time(at_iso) if at_iso else iso_z(datetime.now(UTC))
    event = scheduled_event(function_name, moment, region=region, account_id=account_id)
    started = time.monotonic()
    result = app.handler_map[target](event, lambda_context(function_name, region, account_id, timeout_seconds=300))
    log.info("%s fired (time %s) in %d ms → %s", target, moment, (time.monotonic() - started) * 1000, _brief(result))
    return result


def _brief(result: Any) -> str:
    text = json.dumps(result, default=str) if isinstance(result, dict | list) else repr(result)
    return text if len(text) <= 200 else text[:197] + "..."


# --- the running scheduler -------------------------------------------------------------


class Scheduler:
    def __init__(self, app: Any, *, stage: str, region: str, account_id: str) -> None:
        self._app = app
        self._stage = stage
        self._region = region
        self._account_id = account_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scheduler", daemon=True)
        self.jobs: dict[str, Schedule] = {}
        for name, source in scheduled_sources(app).items():
            expression = expression_of(source)
            try:
                self.jobs[name] = Schedule.parse(expression)
            except ValueError as exc:
                log.warning("%s: %s; not scheduled locally", name, exc)
                continue
            if expression.lower().startswith("cron"):
                log.info("%s: %s runs on its minute and hour fields only (UTC)", name, expression)
        self._lock = threading.Lock()  # one job at a time, like a reserved concurrency of 1

    def start(self) -> None:
        self._thread.start()

    def run_job(self, name: str, at_iso: str | None = None) -> Any:
        with self._lock:
            return fire(self._app, name, at_iso, stage=self._stage, region=self._region, account_id=self._account_id)

    def _run(self) -> None:
        now = datetime.now(UTC)
        queue = [(schedule.next_after(now), name) for name, schedule in self.jobs.items()]
        heapq.heapify(queue)
        while queue and not self._stop.is_set():
            due, name = queue[0]
            wait = (due - datetime.now(UTC)).total_seconds()
            if wait > 0:
                self._stop.wait(min(wait, 1.0))
                continue
            heapq.heappop(queue)
            try:
                self.run_job(name)
            except Exception as exc:
                log.warning("%s raised %s", name, type(exc).__name__)
            heapq.heappush(
                queue, (self.jobs[name].next_after(max(due, datetime.now(UTC) - timedelta(seconds=1))), name)
            )

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def describe(self) -> list[str]:
        return [f"{name}: {schedule.expression}" for name, schedule in self.jobs.items()]


_ACTIVE: Scheduler | None = None


def set_active(scheduler: Scheduler | None) -> None:
    global _ACTIVE
    _ACTIVE = scheduler


def run_job(name: str, at_iso: str | None = None) -> Any:
    """Fire one scheduled handler once, `time` = at_iso (default now).

    Inside the running stack this goes through its scheduler; in another process it
    attaches to the running stack (see `attach`) and calls the handler there.
    """
    if _ACTIVE is not None:
        return _ACTIVE.run_job(name, at_iso)
    app, settings = attach()
    return fire(
        app, name, at_iso, stage=settings["stage"], region=settings["region"], account_id=settings["account_id"]
    )


def attach(state_dir: str | None = None) -> tuple[Any, dict[str, Any]]:
    """Load the app in this process, pointed at the running stack's moto (from its runtime file)."""
    from local.config import REPO_DIR

    directory = state_dir or os.environ.get("LOCAL_STATE_DIR") or str(REPO_DIR / ".local")
    path = os.path.join(directory, RUNTIME_FILE)
    try:
        with open(path, encoding="utf-8") as handle:
            runtime = json.load(handle)
    except OSError:
        raise SystemExit(f"no running local stack found ({path} is missing): start it with `make run`") from None
    try:
        os.kill(int(runtime["pid"]), 0)
    except (OSError, ValueError, KeyError):
        raise SystemExit(f"the local stack that wrote {path} is not running: start it with `make run`") from None
    os.environ.update(runtime["environment"])
    project_dir = runtime["project_dir"]
    if project_dir not in sys.path:
        sys.path.insert(0, project_dir)
    from chalice.cli.factory import CLIFactory

    factory = CLIFactory(project_dir, environ=os.environ)
    config = factory.create_config_obj(chalice_stage_name=runtime["stage"])
    return config.chalice_app, runtime


def wait_for_due_queue(timeout: float = 120.0) -> bool:
    """Wait until the sweeper's due queue is empty (nothing waiting, nothing being worked): the running
    stack's pump has delivered what the finder sent to the worker, and the worker has acted. False on timeout."""
    url = os.environ.get("DUE_QUEUE_URL")
    if not url:
        return True
    from chalicelib import aws

    sqs = aws.client("sqs")
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
        if all(int(counts.get(name, 0)) == 0 for name in names):
            return True
        time.sleep(0.2)
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.scheduler", description=run_job.__doc__)
    parser.add_argument("name", help="the scheduled handler, or an alias (deadlines)")
    parser.add_argument("at", nargs="?", help="the event's time, ISO 8601 (default: now)")
    args = parser.parse_args(argv)
    import warnings

    from local.config import setup_logging

    warnings.filterwarnings("ignore", message="No application metrics to publish")
    setup_logging()
    try:
        result = run_job(args.name, args.at)
    except (KeyError, ValueError) as exc:
        print(exc.args[0] if exc.args else exc, file=sys.stderr)
        return 2
    if ALIASES.get(args.name, args.name) == "sweep_deadlines" and isinstance(result, dict) and result.get("enqueued"):
        # The finder only sent the due cases to the due queue; the stack's pump hands them to the worker.
        # Return once it has acted, so what the job did can be looked at when it returns.
        started = time.monotonic()
        drained = wait_for_due_queue()
        log.info("due queue %s in %.1f s", "worked off" if drained else "still busy", time.monotonic() - started)
    print(json.dumps(result, default=str, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
