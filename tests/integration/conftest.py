from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.harness import Stack, recording_calls, running_stack
from tests.iam import allowed_by_function, build_packaged_template, refusals


@pytest.fixture(scope="session")
def packaged_template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The template `make package` builds (once per test process).

    `make test` has just built (and linted, and checked) it: it names the file in
    AWAAZ_PACKAGED_TEMPLATE, and each test process reads it instead of building it again.
    """
    built = os.environ.get("AWAAZ_PACKAGED_TEMPLATE")
    if built:
        return dict(json.loads(Path(built).read_text(encoding="utf-8")))
    return build_packaged_template(tmp_path_factory.mktemp("package"))


@pytest.fixture
def stack(packaged_template: dict[str, Any]) -> Iterator[Stack]:
    """A running stack; after the test, every AWS call a function made in it must be allowed by that function's role.

    moto enforces no IAM: a call the packaged template does not allow would be refused in AWS,
    so each test that drives the app is also a test of the functions' policies (tests/iam.py).
    """
    with running_stack() as running, recording_calls() as made:
        yield running
    refused = refusals(made, allowed_by_function(packaged_template))
    assert not refused, f"calls the function's role does not allow (infra/functions.json): {refused}"


@pytest.fixture
def classifier_models(stack: Stack) -> Iterator[Stack]:
    """The stack with the shipped classifiers (category, moderation) in its models bucket, none loaded yet."""
    from chalicelib import aws
    from chalicelib.insights import serving
    from chalicelib.insights.shipped import publish_shipped
    from chalicelib.integrations.models import S3ModelStore

    publish_shipped(S3ModelStore(lambda: aws.client("s3"), stack.resources["MODELS_BUCKET"]))
    serving.forget()
    yield stack
    serving.forget()
