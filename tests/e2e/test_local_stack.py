"""End to end: boot `python -m local.stack` as `make run` does and drive the API over HTTP.

The stack runs in a subprocess on free ports with a temporary state directory and
demo-accounts file. The tests below run in order and share one stack: a citizen files
a complaint that the intake pump routes, the office's officer sees it, another citizen
cannot; a new citizen registers; finally SIGTERM must stop the stack cleanly (exit 0,
no child process left) and a restart on the same state must still know the complaint.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from local.totp import fresh_code

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
HEALTHY_WITHIN = 60.0
ROUTED_WITHIN = 20.0
EXIT_WITHIN = 15.0
PASSWORD = "Awaaz-e2e-2026"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children_of(pid: int) -> list[str]:
    """Processes whose parent is `pid` (Linux /proc), as 'pid command' strings."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        if fields.get("PPid", "").strip() == str(pid):
            found.append(f"{entry.name} {fields.get('Name', '').strip()}")
    return found


@dataclass
class Stack:
    tmp: Path
    port: int = field(default_factory=free_port)
    moto_port: int = field(default_factory=free_port)
    web_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    healthy_after: float = 0.0
    starts: int = 0

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def state_dir(self) -> Path:
        return self.tmp / "state"

    @property
    def accounts_path(self) -> Path:
        return self.tmp / "demo-accounts.json"

    @property
    def log_path(self) -> Path:
        return self.tmp / "stack.log"

    def log_tail(self, lines: int = 80) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def start(self) -> None:
        env = dict(os.environ)
        env.update(
            {
                "PORT": str(self.port),
                "MOTO_PORT": str(self.moto_port),
                "WEB_PORT": str(self.web_port),
                "LOCAL_STATE_DIR": str(self.state_dir),
                "DEMO_ACCOUNTS_PATH": str(self.accounts_path),
                "AWS_EC2_METADATA_DISABLED": "true",
                "PYTHONUNBUFFERED": "1",
            }
        )
        self.starts += 1
        log = self.log_path.open("ab")
        log.write(f"\n===== start {self.starts} =====\n".encode())
        log.flush()
        self.started_at = time.monotonic()
        # Exactly what `make run` runs (the Makefile adds nothing but the ports).
        self.process = subprocess.Popen(
            [sys.executable, "-m", "local.stack"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        self.wait_healthy()

    def wait_healthy(self) -> None:
        assert self.process is not None
        deadline = self.started_at + HEALTHY_WITHIN
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"the stack exited with {self.process.returncode} before it was healthy:\n{self.log_tail()}"
                )
            try:
                response = requests.get(f"{self.api}/v1/health", timeout=2)
                if response.status_code == 200:
                    self.healthy_after = time.monotonic() - self.started_at
                    return
                last = f"{response.status_code} {response.text[:200]}"
            except requests.RequestException as exc:
                last = type(exc).__name__
            time.sleep(0.2)
        pytest.fail(f"GET /v1/health not 200 within {HEALTHY_WITHIN:.0f} s (last: {last}):\n{self.log_tail()}")

    def terminate(self) -> tuple[int | None, float, list[str]]:
        """SIGTERM; returns (exit code or None if still running, seconds taken, children seen before)."""
        assert self.process is not None
        children = children_of(self.process.pid)
        began = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            code: int | None = self.process.wait(EXIT_WITHIN)
        except subprocess.TimeoutExpired:
            code = None
        return code, time.monotonic() - began, children

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def accounts(self) -> dict[str, Any]:
        return dict(json.loads(self.accounts_path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Stack]:
    running = Stack(tmp_path_factory.mktemp("local-stack"))
    failed_before = request.session.testsfailed
    running.start()
    yield running
    running.kill()
    if request.session.testsfailed > failed_before:
        print(f"\n--- local stack log (tail) ---\n{running.log_tail()}")


# State shared by the ordered steps below.
journey: dict[str, Any] = {}


def login(stack: Stack, username: str, password: str) -> str:
    """Sign in as a person would: the password, then for officers and admins their authenticator's code."""
    response = requests.post(
        f"{stack.api}/v1/auth/login", json={"username": username, "password": password}, timeout=10
    )
    assert response.status_code == 200, f"login of {username}: {response.status_code} {response.text}"
    if response.json().get("challenge") == "mfa":
        assert "id_token" not in response.json()
        answer = {"username": username, "session": response.json()["session"], "challenge": "mfa", "code": fresh_code()}
        response = requests.post(f"{stack.api}/v1/auth/challenge", json=answer, timeout=10)
        assert response.status_code == 200, f"code of {username}: {response.status_code} {response.text}"
    token = response.json()["id_token"]
    assert isinstance(token, str) and token.count(".") == 2
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def account(stack: Stack, role: str, *, index: int = 0, office_id: str | None = None) -> dict[str, Any]:
    matches = [
        a
        for a in stack.accounts()["accounts"]
        if a["role"] == role and (office_id is None or a.get("office_id") == office_id)
    ]
    assert len(matches) > index, f"no {role} account #{index} (office {office_id}) in the demo accounts file"
    return dict(matches[index])


def need(*keys: str) -> None:
    missing = [k for k in keys if k not in journey]
    if missing:
        pytest.skip(f"an earlier step did not produce {', '.join(missing)}")


def test_health_and_demo_accounts_file(stack: Stack) -> None:
    response = requests.get(f"{stack.api}/v1/health", timeout=5)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert stack.healthy_after < HEALTHY_WITHIN

    document = stack.accounts()
    assert set(document) == {"accounts", "demo_route", "demo_information", "open311_api_key"}
    route = document["demo_route"]
    assert set(route) == {"category_id", "district", "office_id"}
    assert route["category_id"] == "electricity-overbilling"
    assert route["district"] == "lahore"
    roles = [a["role"] for a in document["accounts"]]
    assert roles.count("citizen") == 2 and roles.count("officer") == 3 and roles.count("admin") == 1
    for entry in document["accounts"]:
        assert {"role", "username", "password", "name"} <= set(entry)
        assert len(entry["password"]) >= 8 and any(c.isdigit() for c in entry["password"])
        if entry["role"] == "officer":
            assert entry.get("office_id")
    officers = [a for a in document["accounts"] if a["role"] == "officer"]
    assert route["office_id"] in {o["office_id"] for o in officers}
    # the officer, their supervisor, and the designated official for information requests
    assert len({o["office_id"] for o in officers}) == 3
    information = document["demo_information"]
    assert information["official_username"] in {o["username"] for o in officers}
    citizens = [a["username"] for a in document["accounts"] if a["role"] == "citizen"]
    assert any(u.startswith("+92") for u in citizens) and any("@" in u for u in citizens)


def test_categories_are_public(stack: Stack) -> None:
    response = requests.get(f"{stack.api}/v1/categories", timeout=10)
    assert response.status_code == 200
    items = response.json()["items"]
    route = stack.accounts()["demo_route"]
    assert route["category_id"] in {c["id"] for c in items}
    for category in items:
        assert {"id", "name", "name_ur", "group", "kind"} <= set(category)


def test_50_simultaneous_connections_are_all_answered(stack: Stack) -> None:
    """The API's and the web's ports queue 50 clients connecting at once (a listen backlog of 5 reset most).

    On the API each POSTs a body to a path no route matches, so nothing is filed: every one is
    answered 404. The web page is asked for as a browser does.
    """
    from bench.run import simultaneous_connections

    got = simultaneous_connections(f"{stack.api}/v1/no-such-route", 50, {"text": "x" * 2000})
    assert got["status"] == 50 and got["reset"] == got["refused"] == got["timeout"] == got["other"] == 0, got
    got = simultaneous_connections(f"http://127.0.0.1:{stack.web_port}/", 50)
    assert got["ok"] == 50, got


def test_calls_without_a_valid_token_get_401(stack: Stack) -> None:
    for headers in ({}, {"Authorization": "Bearer not.a.token"}, {"Authorization": "Basic abc"}):
        response = requests.get(f"{stack.api}/v1/complaints", headers=headers, timeout=10)
        assert response.status_code == 401, (headers, response.status_code, response.text)


def test_crafted_requests_get_a_4xx_in_the_error_shape_in_urdu_from_chalice_local(stack: Stack) -> None:
    """Issue 11 over real HTTP: chalice local's own answers (405, 415, unknown path) and the parsers' (400)."""
    from chalicelib.logic.messages import ERRORS

    citizen = account(stack, "citizen", index=0)
    token = login(stack, citizen["username"], citizen["password"])
    urdu = {**bearer(token), "Accept-Language": "ur"}
    complaints = f"{stack.api}/v1/complaints"
    answers = {
        "DELETE /v1/complaints": (requests.delete(complaints, headers=urdu, timeout=10), 405, "method_not_allowed"),
        "text/plain body": (
            requests.post(complaints, data=b"{}", headers={**urdu, "Content-Type": "text/plain"}, timeout=10),
            415,
            "unsupported_media_type",
        ),
        "unknown API path": (requests.get(f"{stack.api}/v1/nowhere", headers=urdu, timeout=10), 404, "not_found"),
        "unknown path, no token": (
            requests.get(f"{stack.api}/v1/nowhere", headers={"Accept-Language": "ur"}, timeout=10),
            404,
            "not_found",
        ),
        "5,000 nested brackets": (
            requests.post(complaints, data=b'{"a": ' + b"[" * 5000 + b"]" * 5000 + b"}", headers=urdu, timeout=10),
            400,
            "invalid_input",
        ),
        "5,000-digit integer": (
            requests.post(complaints, data=b'{"a": ' + b"9" * 5000 + b"}", headers=urdu, timeout=10),
            400,
            "invalid_input",
        ),
        # Not the caller's case: its 404 comes before anything about the header (issue 12)
        "If-Match ² on a case not theirs": (
            requests.post(f"{complaints}/C-0000-0000/withdraw", json={}, headers={**urdu, "If-Match": "²"}, timeout=10),
            404,
            "case_not_found",
        ),
    }
    for name, (response, status, code) in answers.items():
        assert response.status_code == status, (name, response.status_code, response.text)
        assert response.headers["Content-Type"].startswith("application/json"), name
        error = response.json()["error"]
        assert error["code"] == code and error["message"] == ERRORS[code]["ur"], (name, error)
        assert token not in response.text, name


def test_citizen_files_a_complaint_and_the_pump_routes_it(stack: Stack) -> None:
    route = stack.accounts()["demo_route"]
    citizen = account(stack, "citizen", index=0)
    token = login(stack, citizen["username"], citizen["password"])
    journey["citizen_token"] = token
    description = "My bill for November is three times the usual amount. نومبر کا بل معمول سے تین گنا زیادہ ہے۔"
    response = requests.post(
        f"{stack.api}/v1/complaints",
        headers=bearer(token),
        json={
            "category_id": route["category_id"],
            "subject": "Over-billing / زائد بل",
            "description": description,
            "location": {"district": route["district"]},
        },
        timeout=10,
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["status"] == "submitted"
    assert isinstance(created["id"], str) and created["id"]
    journey["case_id"] = created["id"]

    deadline = time.monotonic() + ROUTED_WITHIN
    case: dict[str, Any] = {}
    while time.monotonic() < deadline:
        tracked = requests.get(f"{stack.api}/v1/complaints/{created['id']}", headers=bearer(token), timeout=10)
        assert tracked.status_code == 200, tracked.text
        case = tracked.json()
        if case["status"] == "routed":
            break
        time.sleep(0.3)
    assert case.get("status") == "routed", f"not routed within {ROUTED_WITHIN:.0f} s: {case}"
    assert case["office"]["id"] == route["office_id"]
    assert case["due_at"]
    assert case["description"] == description  # Urdu round-trips unchanged
    types = [event["type"] for event in case["timeline"]]
    assert "submitted" in types and "routed" in types
    journey["routed_case"] = case


def test_the_offices_officer_sees_the_case(stack: Stack) -> None:
    need("case_id")
    route = stack.accounts()["demo_route"]
    officer = account(stack, "officer", office_id=route["office_id"])
    token = login(stack, officer["username"], officer["password"])
    response = requests.get(f"{stack.api}/v1/officer/cases", headers=bearer(token), timeout=10)
    assert response.status_code == 200, response.text
    listing = response.json()
    assert "items" in listing and "next_cursor" in listing
    assert journey["case_id"] in {item["id"] for item in listing["items"]}


def test_another_citizen_gets_404_for_the_case(stack: Stack) -> None:
    need("case_id")
    other = account(stack, "citizen", index=1)
    token = login(stack, other["username"], other["password"])
    response = requests.get(f"{stack.api}/v1/complaints/{journey['case_id']}", headers=bearer(token), timeout=10)
    assert response.status_code == 404, response.text
    assert "error" in response.json()


def test_registration_confirmation_and_login(stack: Stack) -> None:
    email = f"e2e-{uuid.uuid4().hex[:10]}@example.pk"
    response = requests.post(
        f"{stack.api}/v1/auth/register",
        json={
            "name": "Sana Tariq",
            "email": email,
            "password": PASSWORD,
            "language": "ur",
            "user_type": "resident",
        },
        timeout=10,
    )
    assert response.status_code == 201, response.text
    registered = response.json()
    assert registered["delivery"]["channel"] == "email"
    assert email not in json.dumps(registered["delivery"])  # the destination is masked
    username = registered["username"]
    # The code went to the address (the stack prints what it sends, destination masked, as a phone would show it)
    code = sent_code(stack, registered["delivery"]["destination"])
    wrong = requests.post(f"{stack.api}/v1/auth/confirm", json={"username": username, "code": "1234"}, timeout=10)
    assert wrong.status_code == 400 and wrong.json()["error"]["details"][0]["field"] == "code"
    confirmed = requests.post(f"{stack.api}/v1/auth/confirm", json={"username": username, "code": code}, timeout=10)
    assert confirmed.status_code == 200, confirmed.text
    token = login(stack, username, PASSWORD)
    me = requests.get(f"{stack.api}/v1/me", headers=bearer(token), timeout=10)
    assert me.status_code == 200, me.text
    assert me.json()["role"] == "citizen"


def sent_code(stack: Stack, masked_destination: str) -> str:
    """The code in the last message the stack's console shows for `masked_destination`."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = [line for line in stack.log_path.read_text(errors="replace").splitlines() if masked_destination in line]
        codes = [
            found.group(1)
            for line in lines
            if (found := re.search(r"(?<![0-9])([0-9]{6})(?![0-9])", line.split(masked_destination, 1)[1]))
        ]
        if codes:
            return codes[-1]
        time.sleep(0.3)
    pytest.fail(f"no code sent to {masked_destination}:\n{stack.log_tail()}")


def wait_for_status(stack: Stack, case_id: str, token: str, status: str) -> dict[str, Any]:
    deadline = time.monotonic() + ROUTED_WITHIN
    case: dict[str, Any] = {}
    while time.monotonic() < deadline:
        tracked = requests.get(f"{stack.api}/v1/complaints/{case_id}", headers=bearer(token), timeout=10)
        assert tracked.status_code == 200, tracked.text
        case = tracked.json()
        if case["status"] == status:
            return case
        time.sleep(0.3)
    pytest.fail(f"{case_id} not {status} within {ROUTED_WITHIN:.0f} s: {case}")


def supervisor_account(stack: Stack) -> dict[str, Any]:
    """The demo officer of the office above the demo route's office."""
    route = stack.accounts()["demo_route"]
    officers = [a for a in stack.accounts()["accounts"] if a["role"] == "officer"]
    return next(a for a in officers if a.get("office_id") not in (None, route["office_id"]))


def act(stack: Stack, token: str, case_id: str, body: dict[str, Any], version: int | None = None) -> Any:
    headers = bearer(token) | ({"If-Match": str(version)} if version is not None else {})
    return requests.post(f"{stack.api}/v1/officer/cases/{case_id}/actions", headers=headers, json=body, timeout=10)


def verdict(stack: Stack, case_id: str, body: dict[str, Any]) -> Any:
    url = f"{stack.api}/v1/complaints/{case_id}/feedback"
    return requests.post(url, headers=bearer(journey["citizen_token"]), json=body, timeout=10)


def test_resolved_not_satisfied_reopens_above_and_the_supervisor_closes_it(stack: Stack) -> None:
    need("case_id", "citizen_token")
    case_id = journey["case_id"]
    route = stack.accounts()["demo_route"]
    officer = account(stack, "officer", office_id=route["office_id"])
    officer_token = login(stack, officer["username"], officer["password"])
    version = journey["routed_case"]["version"]
    # The officer resolves with the version they read; a stale If-Match afterwards gets 409
    resolve = {"action": "resolve", "outcome": "partial_relief", "note": "The bill was corrected by half."}
    resolved = act(stack, officer_token, case_id, resolve, version)
    assert resolved.status_code == 200, resolved.text
    stale = act(stack, officer_token, case_id, {"action": "note", "note": "Late note."}, version)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "version_conflict", stale.text
    # The citizen is not satisfied: reopened one level up, at the supervisor's office
    reopened = verdict(stack, case_id, {"satisfied": False, "rating": 2, "comment": "Only half was corrected."})
    assert reopened.status_code == 200, reopened.text
    supervisor = supervisor_account(stack)
    assert reopened.json()["status"] == "reopened" and reopened.json()["level"] == 1
    assert reopened.json()["office"]["id"] == supervisor["office_id"]
    # The supervisor resolves it; the citizen is satisfied; the case is closed
    supervisor_token = login(stack, supervisor["username"], supervisor["password"])
    assert act(stack, supervisor_token, case_id, {"action": "acknowledge"}).status_code == 200
    resolve["note"] = "The rest was credited on the December bill."
    assert act(stack, supervisor_token, case_id, resolve).status_code == 200
    closed = verdict(stack, case_id, {"satisfied": True, "rating": 5})
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    types = [e["type"] for e in closed.json()["timeline"]]
    assert types == [
        "submitted",
        "routed",
        "resolved",
        "feedback",
        "reopened",
        "acknowledged",
        "resolved",
        "feedback",
        "closed",
    ]
    journey["final_case"] = closed.json()


def test_make_job_deadlines_25_days_later_escalates_an_untouched_complaint(stack: Stack) -> None:
    need("citizen_token")
    route = stack.accounts()["demo_route"]
    token = journey["citizen_token"]
    body = {
        "category_id": route["category_id"],
        "subject": "Nobody answered",
        "description": "A complaint nobody acts on, to see it escalate.",
        "location": {"district": route["district"]},
    }
    filed = requests.post(f"{stack.api}/v1/complaints", headers=bearer(token), json=body, timeout=10)
    assert filed.status_code == 201, filed.text
    case_id = filed.json()["id"]
    wait_for_status(stack, case_id, token, "routed")
    at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 25 * 86400))
    env = dict(os.environ) | {
        "PORT": str(stack.port),
        "MOTO_PORT": str(stack.moto_port),
        "LOCAL_STATE_DIR": str(stack.state_dir),
    }
    job = subprocess.run(
        ["make", "--no-print-directory", "job", "NAME=deadlines", f"AT={at}"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert job.returncode == 0, job.stdout + job.stderr
    # The job runs the sweeper's finder, and returns once the stack's worker has acted on what it sent
    report = json.loads(job.stdout.strip().splitlines()[-1])
    assert report["found"] >= 1 and report["enqueued"] == report["found"], report
    case = requests.get(f"{stack.api}/v1/complaints/{case_id}", headers=bearer(token), timeout=10).json()
    supervisor = supervisor_account(stack)
    assert case["level"] == 1 and case["office"]["id"] == supervisor["office_id"]
    assert case["timeline"][-1]["type"] == "escalated"


def test_information_request_answered_after_an_extension(stack: Stack) -> None:
    need("citizen_token")
    token = journey["citizen_token"]
    demo = stack.accounts()["demo_information"]
    official = next(a for a in stack.accounts()["accounts"] if a["username"] == demo["official_username"])
    official_token = login(stack, official["username"], official["password"])
    # The seed made the demo citizen two requests already, one of them answered
    seeded = requests.get(f"{stack.api}/v1/information-requests", headers=bearer(token), timeout=10).json()["items"]
    assert {r["status"] for r in seeded} == {"routed", "answered"}
    body = {
        "organisation_id": demo["organisation_id"],
        "subject": "Meter testing fees",
        "question": "What fee does the meter testing laboratory charge for a single-phase meter?",
    }
    filed = requests.post(f"{stack.api}/v1/information-requests", headers=bearer(token), json=body, timeout=10)
    assert filed.status_code == 201, filed.text
    request_id, due = filed.json()["id"], filed.json()["due_at"]
    queue = requests.get(
        f"{stack.api}/v1/officer/cases?kind=information", headers=bearer(official_token), timeout=10
    ).json()["items"]
    assert request_id in {c["id"] for c in queue}
    extended = act(stack, official_token, request_id, {"action": "extend", "note": "The fee notice is being revised."})
    assert extended.status_code == 200, extended.text
    assert extended.json()["due_at"] > due
    refused = act(stack, official_token, request_id, {"action": "refuse", "note": "No."})
    assert refused.status_code == 400, refused.text  # no exemption named
    answered = act(stack, official_token, request_id, {"action": "answer", "note": "Rs 1,500 per meter."})
    assert answered.status_code == 200, answered.text
    mine = requests.get(f"{stack.api}/v1/information-requests/{request_id}", headers=bearer(token), timeout=10).json()
    assert mine["status"] == "answered" and mine["answer"]["note"] == "Rs 1,500 per meter."
    assert [e["type"] for e in mine["timeline"]] == ["submitted", "routed", "extended", "answered"]


def test_an_appreciation_and_a_suggestion_show_up_for_the_office(stack: Stack) -> None:
    need("citizen_token")
    token = journey["citizen_token"]
    route = stack.accounts()["demo_route"]
    organisation_id = stack.accounts()["demo_information"]["organisation_id"]
    for kind, message in (("appreciation", "Thank you for the quick repair."), ("suggestion", "Open on Saturdays.")):
        body = {"kind": kind, "organisation_id": organisation_id, "office_id": route["office_id"], "message": message}
        given = requests.post(f"{stack.api}/v1/feedback", headers=bearer(token), json=body, timeout=10)
        assert given.status_code == 201, given.text
        journey[kind] = given.json()["id"]
    officer = account(stack, "officer", office_id=route["office_id"])
    officer_token = login(stack, officer["username"], officer["password"])
    inbox = requests.get(f"{stack.api}/v1/notifications", headers=bearer(officer_token), timeout=10).json()["items"]
    assert {"office_appreciation", "office_suggestion"} <= {n["type"] for n in inbox}
    queue = requests.get(
        f"{stack.api}/v1/officer/cases?kind=feedback", headers=bearer(officer_token), timeout=10
    ).json()["items"]
    assert journey["suggestion"] in {c["id"] for c in queue}
    summary = requests.get(f"{stack.api}/v1/officer/feedback-summary", headers=bearer(officer_token), timeout=10)
    assert summary.json()["appreciations"] >= 2  # the seed's and this one


def test_sigterm_stops_cleanly_and_a_restart_keeps_the_complaint(stack: Stack) -> None:
    code, seconds, children = stack.terminate()
    assert code == 0, f"exit code {code} after {seconds:.1f} s:\n{stack.log_tail()}"
    assert seconds < EXIT_WITHIN
    assert children == [], f"child processes of the stack: {children}"

    stack.start()  # same state dir, same ports
    need("case_id", "routed_case")
    citizen = account(stack, "citizen", index=0)
    token = login(stack, citizen["username"], citizen["password"])  # the Cognito user survived
    response = requests.get(f"{stack.api}/v1/complaints/{journey['case_id']}", headers=bearer(token), timeout=10)
    assert response.status_code == 200, response.text
    case = response.json()
    assert case["id"] == journey["case_id"]
    last_seen = journey.get("final_case", journey["routed_case"])
    assert case["office"]["id"] == last_seen["office"]["id"] and case["status"] == last_seen["status"]
    assert case["version"] >= journey["routed_case"]["version"]

    code, seconds, _ = stack.terminate()
    assert code == 0, f"second stop: exit code {code} after {seconds:.1f} s"
