"""`make bench`: AWS calls per operation and import time, printed as the table the README quotes.

Calls are counted with botocore's `before-call` event on every client the app
uses, against the in-process stack (moto), after one warm-up request so the
per-container directory cache and JWKS are loaded as on a warm Lambda.
"""

from __future__ import annotations

import compileall
import json
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def counting() -> Iterator[Counter[str]]:
    """Count AWS API calls made through the app's cached clients while the block runs."""
    from chalicelib import aws

    calls: Counter[str] = Counter()

    def record(event_name: str, **kwargs: Any) -> None:
        _, service, operation = event_name.split(".", 2)
        calls[f"{service}.{operation}"] += 1

    clients = [aws.client(s) for s in ("dynamodb", "sqs", "cognito-idp", "sns", "ses")]
    for c in clients:
        c.meta.events.register("before-call.*.*", record, unique_id="bench-count")
    try:
        yield calls
    finally:
        for c in clients:
            c.meta.events.unregister("before-call.*.*", unique_id="bench-count")


def compile_sources() -> None:
    """Our modules' bytecode, written as Python writes it, so an import measures loading and not compiling.

    The deployed package carries bytecode (`make package`: infra/precompile.py) and the virtualenv's
    libraries have theirs from pip; without this, and with PYTHONDONTWRITEBYTECODE set, every
    measured import of the app would compile its ~150 modules from source, a cost no cold start pays.
    """
    compileall.compile_file(REPO / "app.py", quiet=1)
    for folder in ("chalicelib", "bench"):
        compileall.compile_dir(REPO / folder, quiet=1)


def _import_once(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def import_seconds(module: str, runs: int = 5) -> float:
    """Median wall time of `import module` in a fresh interpreter (what a cold start pays)."""
    return statistics.median(_import_once(module) for _ in range(runs))


def cold_route_seconds(path: str, runs: int = 5) -> float:
    """Median wall time of `import app` plus registering the modules of one path (a cold start's first request)."""
    code = f"import time; t = time.perf_counter(); import app; app.app.routes[{path!r}]; print(time.perf_counter() - t)"
    samples = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
        samples.append(float(out.stdout.strip()))
    return statistics.median(samples)


# What a cold start's first request adds to `import app`: its route module and what that imports.
COLD_ROUTES = (
    ("filing a complaint (POST /v1/complaints)", "/v1/complaints"),
    ("an officer's case (GET /v1/officer/cases/{id})", "/v1/officer/cases/{case_id}"),
    ("the directory editor (GET /v1/admin/directory)", "/v1/admin/directory"),
)


def import_pair(module: str, yardstick: str, runs: int = 9) -> tuple[float, float]:
    """Medians of `import module` and `import yardstick`, measured alternately so a busy machine slows both alike."""
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(runs):
        ours.append(_import_once(module))
        theirs.append(_import_once(yardstick))
    return statistics.median(ours), statistics.median(theirs)


Row = tuple[str, int, int | None, str]
# The app may import at most this many times what a bare chalice + boto3 + pydantic app does (issue 15).
IMPORT_RATIO_BUDGET = 1.5
# A warm suggestion's 95th percentile (issue 15).
SUGGESTION_P95_MS = 50


def measure_calls() -> list[Row]:
    from local.totp import fresh_code
    from tests.harness import PASSWORD, running_stack
    from tests.integration.test_journey import complaint_body

    rows: list[Row] = []
    with running_stack() as stack:
        citizen = stack.login("citizen")
        officer = stack.login("officer")
        stack.get("/v1/complaints", token=citizen)  # warm: directory cache, JWKS, clients

        def op(name: str, action: Callable[[], Any], budget: int | None = None) -> None:
            with counting() as calls:
                action()
            detail = ", ".join(f"{k} ×{v}" for k, v in sorted(calls.items()))
            rows.append((name, sum(calls.values()), budget, detail))

        created: dict[str, str] = {}

        def submit() -> None:
            reply = stack.post("/v1/complaints", complaint_body(stack), token=citizen)
            created["id"] = reply.json["id"]

        op("submit", submit, budget=3)
        op(
            "submit (Idempotency-Key)",
            lambda: stack.post(
                "/v1/complaints", complaint_body(stack), token=citizen, headers={"Idempotency-Key": "bench-1"}
            ),
            budget=3,
        )
        op(
            "submit (replayed key)",
            lambda: stack.post(
                "/v1/complaints", complaint_body(stack), token=citizen, headers={"Idempotency-Key": "bench-1"}
            ),
        )
        op("list own", lambda: stack.get("/v1/complaints", token=citizen), budget=2)
        op("track", lambda: stack.get(f"/v1/complaints/{created['id']}", token=citizen), budget=2)
        op("route (worker, per case)", lambda: _route_one(stack))
        sign_in = {"username": "citizen@example.pk", "password": PASSWORD}
        op("sign in: citizen", lambda: stack.post("/v1/auth/login", sign_in), budget=2)
        op(
            "sign in: wrong password",
            lambda: stack.post("/v1/auth/login", {**sign_in, "password": "wrong-1"}),
            budget=3,
        )
        challenged: dict[str, str] = {}

        def staff_password() -> None:
            reply = stack.post("/v1/auth/login", {"username": "officer@example.pk", "password": PASSWORD})
            challenged["session"] = reply.json["session"]

        def staff_code() -> None:
            answer = {"challenge": "mfa", "session": challenged["session"], "code": fresh_code()}
            assert stack.post("/v1/auth/challenge", {"username": "officer@example.pk", **answer}).status == 200

        op("sign in: officer's password", staff_password, budget=2)
        op("sign in: officer's authenticator code", staff_code, budget=2)
        supervisor = stack.login("supervisor")
        op("officer queue (one office)", lambda: stack.get("/v1/officer/cases", token=officer))
        op("officer queue (supervisor's subtree)", lambda: stack.get("/v1/officer/cases", token=supervisor))
        op("sweeper (nothing due)", lambda: stack.run_finder())
        _officer_actions(stack, op, created["id"])
        _notifications(stack, op, created["id"])
        _sweeper_against_volume(stack, op, created["id"])
        _public_worst_cases(stack, op, created["id"])
        _administration(stack, op)
        _insights(stack, op, citizen)
    return rows


def _insights(stack: Any, op: Callable[..., None], citizen: str) -> None:
    """Issue 15's requests: a suggestion (the model is read from S3 once per container, then re-checked every
    5 minutes), the public trends and satisfaction gap (each one stored item), similar complaints (the form)."""
    from chalicelib import aws
    from chalicelib.insights.shipped import publish_shipped
    from chalicelib.integrations.models import S3ModelStore
    from chalicelib.store import keys

    publish_shipped(S3ModelStore(lambda: aws.client("s3"), stack.resources["MODELS_BUCKET"]))
    ask = {"text": "bijli ka bill bohat zyada aya hai is mahine"}
    op("insights: suggestion (first)", lambda: stack.post("/v1/category-suggestions", ask))
    op("insights: suggestion (again)", lambda: stack.post("/v1/category-suggestions", ask), budget=1)
    op("insights: trends", lambda: stack.get("/v1/insights/trends"), budget=2)
    op("insights: satisfaction gap", lambda: stack.get("/v1/insights/satisfaction?by=office"), budget=2)
    similar = "/v1/similar-complaints?category_id=electricity-overbilling&district=lahore&text=bill%20zyada"
    # Two published partitions (this month and last) and every shard of the two private ones (keys.SERVICE_SHARDS:
    # a national burst on one category would heat a single key); with the me-too offers' read, under the public
    # ceiling of 10 (bench/public.py) that the same request keeps when anonymous.
    budget = 2 + 2 * keys.SERVICE_SHARDS + 1
    op("insights: similar complaints (filing form)", lambda: stack.get(similar, token=citizen), budget=budget)


def _administration(stack: Any, op: Callable[..., None]) -> None:
    """What the admin pages cost: the directory read whole, a change under If-Match, staff, audit, queues."""
    import json

    admin = stack.login("admin")
    read = stack.get("/v1/admin/directory", token=admin)
    at = read.json["version"]
    op("admin: read the directory", lambda: stack.get("/v1/admin/directory", token=admin))
    office = {
        "organisation_id": "lesco",
        "parent_id": "lesco-lahore-circle",
        "name": "Bench Division",
        "name_ur": "بینچ ڈویژن",
        "district_id": "lahore",
    }

    def change(method: str, path: str, body: Any, version: int) -> Callable[[], None]:
        def send() -> None:
            raw = json.dumps(body, ensure_ascii=False).encode()
            reply = stack.request(method, path, raw, token=admin, headers={"If-Match": f'"{version}"'})
            assert reply.status in (200, 201), reply.body

        return send

    op("admin: open an office", change("POST", "/v1/admin/offices", office, at))
    rule = "/v1/admin/routing-rules/electricity-overbilling/lahore"
    op("admin: dry run of a rule", change("PUT", rule + "?dry_run=true", {"office_id": "lesco-bench-division"}, at + 1))
    op("admin: change a rule", change("PUT", rule, {"office_id": "lesco-bench-division"}, at + 1))
    office_id = "lesco-bench-division"
    op("admin: an office's staff", lambda: stack.get(f"/v1/admin/offices/{office_id}/staff", token=admin))
    invite = {"name": "Bench Officer", "email": "bench@example.pk", "office_id": office_id, "role": "officer"}
    op("admin: invite an officer", lambda: stack.post("/v1/admin/staff", invite, token=admin))
    op("admin: audit trail (a page)", lambda: stack.get("/v1/admin/audit", token=admin))
    op("admin: queues", lambda: stack.get("/v1/admin/queues", token=admin))


def _officer_actions(stack: Any, op: Callable[..., None], case_id: str) -> None:
    """One case through acknowledge → note → resolve → not satisfied (reopened) → resolve → satisfied."""
    officer, supervisor, citizen = stack.login("officer"), stack.login("supervisor"), stack.login("citizen")
    path = f"/v1/officer/cases/{case_id}/actions"
    verdict = f"/v1/complaints/{case_id}/feedback"
    resolve = {"action": "resolve", "outcome": "partial_relief", "note": "Bill corrected."}

    def expect_ok(reply: Any) -> None:
        assert reply.status == 200, reply.body

    op("officer action: acknowledge", lambda: expect_ok(stack.post(path, {"action": "acknowledge"}, token=officer)))
    op(
        "officer action: note",
        lambda: expect_ok(stack.post(path, {"action": "note", "note": "Meter checked."}, token=officer)),
    )
    op("officer action: resolve", lambda: expect_ok(stack.post(path, resolve, token=officer)))
    op(
        "citizen verdict: not satisfied (reopen)",
        lambda: expect_ok(stack.post(verdict, {"satisfied": False, "rating": 2, "comment": "No."}, token=citizen)),
    )
    expect_ok(stack.post(path, resolve, token=supervisor))
    op(
        "citizen verdict: satisfied (close)",
        lambda: expect_ok(stack.post(verdict, {"satisfied": True, "rating": 5}, token=citizen)),
    )


def _notifications(stack: Any, op: Callable[..., None], case_id: str) -> None:
    """The notify worker's calls for one notice: to a person (one channel), and to an office of two staff."""
    from chalicelib.models.notifications import Notification

    stack.login_officer_of(stack.demo_route["office_id"])  # a second member of the office's staff
    sub = stack.get("/v1/me", token=stack.login("citizen")).json["sub"]
    params = {"case_id": case_id, "office_name": "LESCO", "office_name_ur": "لیسکو"}

    def deliver(note: Notification) -> None:
        event = stack.client.events.generate_sqs_event(
            message_bodies=[json.dumps(note.message())], queue_name="awaaz-notifications"
        )
        result = stack.client.lambda_.invoke("send_notifications", event).payload
        assert not result.get("batchItemFailures"), result

    at = "2026-11-28T09:00:00Z"
    op("notify: one notice to a person", lambda: deliver(Notification("bench-1", at, "resolved", params, case_id, sub)))
    office = Notification("bench-2", at, "office_new_case", params, case_id, office_id=stack.demo_route["office_id"])
    op("notify: one notice to an office of 2", lambda: deliver(office))


def _sweeper_against_volume(stack: Any, op: Callable[..., None], case_id: str) -> None:
    """The sweeper's (its finder's) calls with 100, then 10,000 cases at work that are not due: they must not change."""
    from chalicelib import aws
    from chalicelib.store import cases as case_store
    from chalicelib.store.table import DynamoTable

    table = DynamoTable(stack.resources["TABLE_NAME"], aws.client("dynamodb"))
    template = case_store.get_case(table, case_id)
    assert template is not None
    later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 19 * 86400))
    written = 0
    for total in (100, 10_000):
        _write_items(
            aws.client("dynamodb"),
            stack.resources["TABLE_NAME"],
            [
                case_store.case_item(
                    template.model_copy(update={"id": f"C-BENCH-{n:05d}", "status": "routed", "next_check_at": later})
                )
                for n in range(written, total)
            ],
        )
        written = total
        op(f"sweeper ({total:,} cases not due)", lambda: stack.run_finder())


def _public_worst_cases(stack: Any, op: Callable[..., None], case_id: str) -> None:
    """The worst anonymous request of each public endpoint, with 10,000 published complaints written first."""
    from bench.public import CALL_CEILING, published_items, requests_to_try
    from chalicelib import aws
    from chalicelib.store import cases as case_store
    from chalicelib.store.table import DynamoTable

    table = DynamoTable(stack.resources["TABLE_NAME"], aws.client("dynamodb"))
    template = case_store.get_case(table, case_id)
    assert template is not None
    items, ids = published_items(template)
    _write_items(aws.client("dynamodb"), stack.resources["TABLE_NAME"], items)

    def anonymous(path: str) -> Callable[[], None]:
        def ask() -> None:
            reply = stack.get(path)
            assert reply.status == 200, (path, reply.status, reply.body[:300])

        return ask

    for name, path in requests_to_try(ids):
        op(f"public: {name}", anonymous(path), budget=CALL_CEILING - 1)


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _write_items(client: Any, table_name: str, items: list[dict[str, Any]]) -> None:
    """Write items straight into the table (bench set-up, unconditionally): 25 per BatchWriteItem.

    What DynamoDB leaves unprocessed is sent again, after a growing pause, until nothing is left.
    """
    from decimal import Decimal

    from boto3.dynamodb.types import TypeSerializer

    serializer = TypeSerializer()

    def dump(item: dict[str, Any]) -> dict[str, Any]:
        plain = _without_nulls(json.loads(json.dumps(item), parse_float=Decimal))  # DynamoDB numbers are Decimals
        return {name: serializer.serialize(value) for name, value in plain.items()}

    for start in range(0, len(items), 25):
        pending: dict[str, Any] = {
            table_name: [{"PutRequest": {"Item": dump(item)}} for item in items[start : start + 25]]
        }
        pause = 0.05
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            if pending:
                time.sleep(pause)
                pause = min(pause * 2, 2.0)


def _route_one(stack: Any) -> None:
    # Receive/delete belong to the Lambda service in AWS, not to the function: count only the handler.
    import boto3

    sqs = boto3.client("sqs")  # not the app's client: receiving is the Lambda service's work
    got = sqs.receive_message(QueueUrl=stack.resources["INTAKE_QUEUE_URL"], MaxNumberOfMessages=1)["Messages"]
    event = stack.client.events.generate_sqs_event(message_bodies=[got[0]["Body"]], queue_name="awaaz-intake")
    stack.client.lambda_.invoke("route_intake", event)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class BootedStack:
    """A local stack booted as `make run` boots it (`python -m local.stack`, loopback ports, a temporary state)."""

    def __init__(self, tmp: str, daily_complaints: int) -> None:
        import os

        self.tmp = tmp
        self.port = _free_port()
        self.env = dict(os.environ)
        self.env.update(
            {
                "PORT": str(self.port),
                "MOTO_PORT": str(_free_port()),
                "WEB_PORT": str(_free_port()),
                "LOCAL_STATE_DIR": f"{tmp}/state",
                "DEMO_ACCOUNTS_PATH": f"{tmp}/accounts.json",
                # One demo citizen files them all: lift the daily limit (10 by default) for the run.
                "CITIZEN_DAILY_COMPLAINTS": str(daily_complaints),
            }
        )
        self.api = f"http://127.0.0.1:{self.port}"
        self.web = f"http://127.0.0.1:{self.env['WEB_PORT']}"
        self.command = [sys.executable, "-m", "local.stack"]
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        """Start it and wait until healthy; returns the seconds that took."""
        import requests

        began = time.perf_counter()
        with open(f"{self.tmp}/stack.log", "wb") as log:
            self.process = subprocess.Popen(self.command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.api}/v1/health", timeout=2).status_code == 200:
                    return time.perf_counter() - began
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError("the local stack did not become healthy in 90 s")

    def stop(self) -> None:
        import signal

        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def citizen_session(self) -> tuple[Any, dict[str, Any]]:
        """A signed-in demo citizen's session and a complaint body for the demo route."""
        import requests

        accounts = json.loads(Path(f"{self.tmp}/accounts.json").read_text())
        citizen = next(a for a in accounts["accounts"] if a["role"] == "citizen")
        route = accounts["demo_route"]
        session = requests.Session()
        token = session.post(
            f"{self.api}/v1/auth/login",
            json={"username": citizen["username"], "password": citizen["password"]},
            timeout=10,
        ).json()["id_token"]
        session.headers["Authorization"] = f"Bearer {token}"
        body = {
            "category_id": route["category_id"],
            "subject": "Bench complaint",
            "description": "A complaint filed by make bench.",
            "location": {"district": route["district"]},
        }
        return session, body

    def wait_routed(self, session: Any, ids: list[str], seconds: float = 120) -> set[str]:
        """Wait until every case is routed (or the time is up); returns those still not routed.

        The cases are checked in the order they were filed, each until it is routed: one request
        at a time, so the polling takes little from the stack it measures (the pump routes them
        in about that order).
        """
        pending = list(ids)
        deadline = time.monotonic() + seconds
        while pending and time.monotonic() < deadline:
            if session.get(f"{self.api}/v1/complaints/{pending[0]}", timeout=30).json()["status"] == "routed":
                pending.pop(0)
            else:
                time.sleep(0.05)
        return set(pending)


@contextmanager
def booted_stack(daily_complaints: int = 50) -> Iterator[tuple[BootedStack, float]]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        stack = BootedStack(tmp, daily_complaints)
        try:
            yield stack, stack.start()
        finally:
            stack.stop()


def simultaneous_connections(
    url: str, connections: int = 50, body: Any = None, headers: dict[str, str] | None = None
) -> dict[str, int]:
    """`connections` clients connect and ask `url` at the same instant; counts what each got.

    Each client opens its own TCP connection (no pooling), all released together by a barrier;
    with `body`, each POSTs it as JSON. Returns counts: ok (a 2xx), status (another status),
    reset, refused, timeout, other, and `slowest_ms`.
    """
    import threading
    import urllib.error
    import urllib.request

    barrier = threading.Barrier(connections)
    counts: Counter[str] = Counter()
    lock = threading.Lock()

    data = None if body is None else json.dumps(body).encode()
    sent = {**(headers or {}), **({"Content-Type": "application/json"} if data is not None else {})}
    slowest = [0.0]

    def one() -> None:
        barrier.wait()
        outcome = "other"
        began = time.perf_counter()
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=sent), timeout=30) as reply:
                reply.read()
                outcome = "ok" if 200 <= reply.status < 300 else "status"
        except urllib.error.HTTPError:
            outcome = "status"
        except urllib.error.URLError as exc:
            outcome = _connection_outcome(exc.reason)
        except OSError as exc:
            outcome = _connection_outcome(exc)
        with lock:
            counts[outcome] += 1
            slowest[0] = max(slowest[0], time.perf_counter() - began)

    threads = [threading.Thread(target=one, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    got = {key: counts.get(key, 0) for key in ("ok", "status", "reset", "refused", "timeout", "other")}
    got["slowest_ms"] = round(slowest[0] * 1000)
    return got


def _connection_outcome(reason: object) -> str:
    import socket

    if isinstance(reason, ConnectionResetError | BrokenPipeError):
        return "reset"
    if isinstance(reason, ConnectionRefusedError):
        return "refused"
    if isinstance(reason, TimeoutError | socket.timeout):
        return "timeout"
    if isinstance(reason, OSError) and "reset" in str(reason).lower():
        return "reset"
    return "other"


def concurrent_filing(stack: BootedStack, clients: int = 16, each: int = 8) -> dict[str, float]:
    """`clients` threads (each its own HTTP session, one demo citizen's token) file `each` complaints at once.

    Returns complaints/s over the filing, p50/p95 latency of a submission, the seconds until all were
    routed (from the first submission), and how many were not routed in time.
    """
    import threading

    import requests

    session, body = stack.citizen_session()
    token = session.headers["Authorization"]
    barrier = threading.Barrier(clients + 1)
    latencies: list[float] = []
    ids: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        own = requests.Session()
        own.headers["Authorization"] = token
        barrier.wait()
        for _ in range(each):
            began = time.perf_counter()
            try:
                reply = own.post(f"{stack.api}/v1/complaints", json=body, timeout=60)
                took = time.perf_counter() - began
                reply.raise_for_status()
                with lock:
                    latencies.append(took)
                    ids.append(reply.json()["id"])
            except requests.RequestException as exc:
                answer = getattr(exc, "response", None)
                with lock:
                    errors.append(f"{answer.status_code} {answer.text[:200]}" if answer is not None else repr(exc))

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(600)
    filed = time.perf_counter() - started
    pending = stack.wait_routed(session, ids)
    routed = time.perf_counter() - started
    ordered = sorted(latencies)
    for error in sorted(set(errors)):
        print(f"  concurrent filing: {errors.count(error)} × {error}", file=sys.stderr)
    return {
        "filed": len(ids),
        "errors": len(errors),
        "seconds": filed,
        "per_second": len(ids) / filed if filed else 0.0,
        "p50": ordered[len(ordered) // 2] if ordered else float("nan"),
        "p95": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] if ordered else float("nan"),
        "routed_after": routed,
        "not_routed": len(pending),
    }


def concurrency_lines(stack: BootedStack, connections: int = 50, clients: int = 16, each: int = 8) -> list[str]:
    """The rows `make bench` prints for concurrent clients of the local stack."""
    session, body = stack.citizen_session()
    signed_in = {"Authorization": session.headers["Authorization"]}
    asks = (
        ("API: GET /v1/health", f"{stack.api}/v1/health", None, None),
        ("API: POST /v1/complaints", f"{stack.api}/v1/complaints", body, signed_in),
        ("web: GET /", f"{stack.web}/", None, None),
    )
    lines = [f"{connections} simultaneous connections (each its own, released together):"]
    for name, url, sent, headers in asks:
        got = simultaneous_connections(url, connections, sent, headers)
        lost = got["reset"] + got["refused"] + got["timeout"] + got["other"]
        mark = "" if lost == 0 else "  CONNECTIONS LOST !"
        lines.append(
            f"  {name:<50} {got['ok']} answered, {got['reset']} reset, {got['refused']} refused, "
            f"{got['timeout'] + got['other']} other; slowest {got['slowest_ms']} ms{mark}"
        )
    filing = concurrent_filing(stack, clients, each)
    lines.append(
        f"{f'{clients} clients filing {each} complaints each at once':<52} {filing['seconds']:7.2f} s "
        f"({filing['per_second']:.1f} complaints/s, p50 {filing['p50'] * 1000:.0f} ms, p95 {filing['p95'] * 1000:.0f} ms"
        f"{', ' + str(int(filing['errors'])) + ' failed !' if filing['errors'] else ''})"
    )
    lines.append(
        f"{'... all routed by the pump after':<52} {filing['routed_after']:7.2f} s "
        f"({int(filing['filed'] - filing['not_routed'])}/{int(filing['filed'])} routed)"
    )
    return lines


def local_throughput(complaints: int = 50, clients: int = 16, each: int = 8) -> list[str]:
    """Boot the local stack as `make run` does, file complaints over HTTP, wait until all are routed.

    Then 50 simultaneous connections to the API and the web server, and `clients` concurrent
    clients filing. Loopback only, a bounded number of requests, and the stack is stopped afterwards.
    """
    lines: list[str] = []
    with booted_stack(complaints + 50 + clients * each) as (stack, startup):
        lines.append(f"{'start-up to healthy (empty state)':<52} {startup:7.1f} s")
        session, body = stack.citizen_session()
        started = time.perf_counter()
        ids = []
        for _ in range(complaints):
            reply = session.post(f"{stack.api}/v1/complaints", json=body, timeout=10)
            reply.raise_for_status()
            ids.append(reply.json()["id"])
        filed = time.perf_counter() - started
        pending = stack.wait_routed(session, ids, 60)
        routed = time.perf_counter() - started
        lines.append(
            f"{f'{complaints} complaints filed one after another':<52} {filed:7.2f} s "
            f"({complaints / filed:.0f} submissions/s, {filed / complaints * 1000:.0f} ms each)"
        )
        lines.append(
            f"{'... all routed by the pump after':<52} {routed:7.2f} s ({len(ids) - len(pending)}/{len(ids)} routed)"
        )
        lines += concurrency_lines(stack, clients=clients, each=each)
        lines += _public_wall_times(stack.api, int(stack.env["MOTO_PORT"]), ids[0])
    return lines


def _public_wall_times(api: str, moto_port: int, case_id: str) -> list[str]:
    """Each public endpoint's worst anonymous request over loopback HTTP, with 10,000 published complaints (best of 3)."""
    import boto3
    import requests
    from boto3.dynamodb.types import TypeDeserializer

    from bench.public import PUBLISHED, SECONDS_CEILING, published_items, requests_to_try
    from chalicelib.models.complaints import Case
    from local.config import STACK_NAME

    client = boto3.client(
        "dynamodb",
        endpoint_url=f"http://127.0.0.1:{moto_port}",
        region_name="ap-south-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    table = f"{STACK_NAME}-cases"
    raw = client.get_item(TableName=table, Key={"PK": {"S": f"CASE#{case_id}"}, "SK": {"S": "CASE"}})["Item"]
    plain = {k: TypeDeserializer().deserialize(v) for k, v in raw.items()}
    template = Case.model_validate(json.loads(json.dumps(plain, default=float)))
    items, ids = published_items(template)
    _write_items(client, table, items)
    lines = [f"worst anonymous request of each public endpoint, {PUBLISHED:,} published complaints (best of 3):"]
    session = requests.Session()
    for name, path in requests_to_try(ids):
        best = float("inf")
        for _ in range(3):
            began = time.perf_counter()
            reply = session.get(f"{api}{path}", timeout=30)
            best = min(best, time.perf_counter() - began)
            if reply.status_code != 200:
                raise RuntimeError(f"{path}: {reply.status_code} {reply.text[:300]}")
        slow = "" if best < SECONDS_CEILING else "  TOO SLOW !"
        lines.append(f"  {name:<50} {best * 1000:7.0f} ms{slow}")
    return lines


def main() -> int:
    started = time.perf_counter()
    rows = measure_calls()
    compile_sources()
    app_import, bare = import_pair("app", "bench.bare_app")
    print("AWS API calls per operation (warm container, moto in process)")
    print(
        "(a signed-in operation includes the authorizer's read of the caller's revocation marker, one GetItem;\n"
        " API Gateway caches the authorizer's answer 60 s per token, so in AWS that read is at most one a minute)"
    )
    print(f"{'operation':<40} {'calls':>5}  {'budget':>6}  detail")
    failed = False
    for name, count, budget, detail in rows:
        mark = "" if budget is None else (f"≤ {budget}" if count <= budget else f"> {budget} !")
        failed = failed or (budget is not None and count > budget)
        print(f"{name:<40} {count:>5}  {mark:>6}  {detail}")
    sweeps = {name: count for name, count, _, _ in rows if name.startswith("sweeper (")}
    flat = sweeps["sweeper (100 cases not due)"] == sweeps["sweeper (10,000 cases not due)"]
    failed = failed or not flat
    print(f"sweeper calls with 100 vs 10,000 cases not due: {'equal' if flat else 'DIFFERENT !'}")
    print()
    from bench import backlog

    measured = backlog.measure()
    for line in backlog.lines(measured, backlog.model(measured)):
        print(line)
    print()
    print("Import time (median of 9 fresh interpreters, app and bare app alternately; 5 for the others;")
    print(" bytecode compiled first, as the package ships it)")
    print(f"{'app (the API function: every route is registered on first use)':<70} {app_import * 1000:7.0f} ms")
    ratio = app_import / bare
    failed = failed or ratio > IMPORT_RATIO_BUDGET
    verdict = f"≤ {IMPORT_RATIO_BUDGET}" if ratio <= IMPORT_RATIO_BUDGET else f"> {IMPORT_RATIO_BUDGET} !"
    print(f"{'  a bare chalice + boto3 + pydantic app':<70} {bare * 1000:7.0f} ms")
    print(f"{'  ratio app / bare app':<70} {ratio:7.2f} ×  {verdict}")
    for name, path in COLD_ROUTES:
        print(f"{'  app + ' + name:<70} {cold_route_seconds(path) * 1000:7.0f} ms")
    for module in ("boto3", "pydantic", "chalice.app", "aws_lambda_powertools"):
        print(f"{'  ' + module + ' alone':<70} {import_seconds(module) * 1000:7.0f} ms")
    print(f"{'  jwt (authorizer only, imported on first token)':<70} {import_seconds('jwt') * 1000:7.0f} ms")
    batch = import_seconds("aws_lambda_powertools.utilities.batch")
    print(f"{'  powertools batch (route_intake only, on first batch)':<70} {batch * 1000:7.0f} ms")
    print()
    print("Classifiers (python -m bench.classifier: 1,000 texts of 20-2,000 characters, warm, one process)")
    from bench import classifier

    sample = classifier.texts()
    for name in ("category", "moderation"):
        got = classifier.measure(name, sample)
        slow = got["p95_ms"] > SUGGESTION_P95_MS
        failed = failed or slow
        print(
            f"{'  ' + name:<16} {got['bytes'] / 1e6:5.2f} MB, {got['labels']} labels, {got['features']:,} features; "
            f"load + first {got['load_and_first_ms']} ms; p50 {got['p50_ms']} ms, p95 {got['p95_ms']} ms"
            f"{'  > ' + str(SUGGESTION_P95_MS) + ' ms !' if slow else ''}"
        )
    print()
    print("Local stack throughput (one process: chalice local + pumps + moto, which the stack calls in-process;")
    print(" the clients below use loopback HTTP, one demo citizen, 2-core machine)")
    for line in local_throughput():
        print(line)
        failed = failed or any(mark in line for mark in ("TOO SLOW", "CONNECTIONS LOST", "failed !"))
    print()
    print(f"bench finished in {time.perf_counter() - started:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
