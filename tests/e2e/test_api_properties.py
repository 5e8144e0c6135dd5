"""Property-based API test: schemathesis generates requests from GET /v1/openapi.json against `make run`'s stack.

Every operation gets a bounded number of generated requests (valid and invalid) as each of
the public, a citizen, an officer and an admin; none may be answered with a server error,
every answer must match the document (status code, content type, schema), and the stack's
log holds no traceback afterwards. The stack runs in a subprocess, as `make run` starts it,
on free ports and a temporary state directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.test_local_stack import Stack, login

pytestmark = pytest.mark.e2e
EXAMPLES_PER_OPERATION = 25  # per role: 100 an operation
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack(tmp_path_factory.mktemp("api-properties"))
    stack.start()
    yield stack
    stack.kill()


def _roles(running: Stack) -> dict[str, dict[str, str]]:
    """The headers of each kind of caller: nobody, then a demo citizen, officer, admin and organisation admin."""
    accounts = running.accounts()["accounts"]
    roles: dict[str, dict[str, str]] = {"public": {}}
    for role in ("citizen", "officer", "admin", "org_admin"):
        account = next(a for a in accounts if a["role"] == role)
        roles[role] = {"Authorization": f"Bearer {login(running, account['username'], account['password'])}"}
    return roles


@pytest.mark.parametrize("role", ["public", "citizen", "officer", "admin", "org_admin"])
def test_generated_requests_never_meet_a_server_error_and_answers_match_the_document(running: Stack, role: str) -> None:
    document = requests.get(f"{running.api}/v1/openapi.json", timeout=10).json()
    headers = _roles(running)[role]
    schema = schemathesis.openapi.from_dict(document)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) == sum(len(methods) for methods in document["paths"].values())
    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def exercise(case: Any) -> None:
            case.call_and_validate(base_url=running.api, headers=headers, checks=CHECKS)

        try:
            exercise()
        except (Exception, BaseExceptionGroup) as exc:  # every operation's first failure, reported together
            failures.append(f"{operation.label}: {str(exc)[:600]}")
    assert not failures, "\n\n".join(failures)


def test_the_stack_logged_no_traceback_while_it_was_fuzzed(running: Stack) -> None:
    # Runs after the fuzzing above (same module, same stack): a server error that was caught
    # and answered in the error shape still leaves a traceback in the log if anything broke.
    log = running.log_path.read_text(errors="replace")
    assert "Traceback" not in log, running.log_tail(120)
