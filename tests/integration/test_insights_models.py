"""The shipped classifiers served from the stack's models bucket (moto): suggestion and moderation."""

from __future__ import annotations

from chalicelib import aws, wiring
from chalicelib.insights import serving
from chalicelib.insights.shipped import publish_shipped
from chalicelib.integrations.models import S3ModelStore, model_key
from tests.harness import Stack


def test_suggestions_and_moderation_from_the_models_bucket(classifier_models: Stack) -> None:
    services = wiring.services()
    assert services.models is not None
    suggestions = serving.suggest(services, "Mera bijli ka bill is mahine 40 hazar aya hai, meter reading ghalat hai")
    assert 1 <= len(suggestions) <= 3
    live = {c.id for c in services.directory().categories.values() if not c.retired}
    assert all(category in live for category, _ in suggestions)
    assert suggestions[0][0] == "electricity-overbilling"
    assert [p for _, p in suggestions] == sorted((p for _, p in suggestions), reverse=True)
    abusive = serving.moderate(services, "tum log kutte ho, harami ghatiya insaan")
    normal = serving.moderate(services, "Please fix the street light on our road, it has been off for a week")
    assert abusive >= serving.MODERATION_THRESHOLD > normal


def test_the_bucket_is_versioned_and_the_shipped_models_are_not_published_twice(classifier_models: Stack) -> None:
    s3 = aws.client("s3")
    bucket = classifier_models.resources["MODELS_BUCKET"]
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    store = S3ModelStore(lambda: s3, bucket)
    assert publish_shipped(store) == {"category": "kept", "moderation": "kept"}
    stored = store.fetch("category")
    assert stored is not None and stored.data
    assert store.fetch("category", stored.etag) == type(stored)(data=None, etag=stored.etag)
    assert store.fetch("absent") is None
    assert s3.head_object(Bucket=bucket, Key=model_key("moderation"))["ContentLength"] > 0
