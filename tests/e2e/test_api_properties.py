"""Property-based API test: schemathesis generates requests from GET /v1/openapi.json against `make run`'s stack.

Every operation gets a bounded number of generated requests (valid and invalid) as the
English demo citizen; none may be answered with a server error, and every answer must
match the document (status code, content type, schema). The stack runs in a subprocess,
as `make run` starts it, on free ports and a temporary state directory.
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
EXAMPLES_PER_OPERATION = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack(tmp_path_factory.mktemp("api-properties"))
    stack.start()
    yield stack
    stack.kill()


def test_generated_requests_never_meet_a_server_error_and_answers_match_the_document(running: Stack) -> None:
    document = requests.get(f"{running.api}/v1/openapi.json", timeout=10).json()
    citizen = next(a for a in running.accounts()["accounts"] if a["role"] == "citizen")
    headers = {"Authorization": f"Bearer {login(running, citizen['username'], citizen['password'])}"}
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
