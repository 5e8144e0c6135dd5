from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.harness import Stack, running_stack


@pytest.fixture
def stack() -> Iterator[Stack]:
    with running_stack() as running:
        yield running


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
