"""Category suggestion and moderation: the shipped text classifiers, served in pure Python.

The artefacts (chalicelib/insights/model.py) live in the models bucket as `models/category/current.bin`
and `models/moderation/current.bin`. A container loads one on first use, keeps it, and asks S3
at most every `RECHECK_SECONDS` whether it changed (a conditional GET by ETag: no body while it has
not), so a retrained model (the weekly `category-model` task) is picked up within minutes. A model
that cannot be had is logged and answered with nothing — never an error to the citizen.

No numpy here, and the model module is imported on first use only: the API's cold path is unchanged.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.logic.ports import Services
from chalicelib.observability import logger

if TYPE_CHECKING:
    from chalicelib.insights.model import TextModel

# Top-1 confidence below which the form says it is not sure (and triage takes over). On the seed
# corpus's held-out rows 95 % of texts reach it and their top suggestion is right 93 % of the time
# (docs/insights.md).
SUGGESTION_CONFIDENCE: float = 0.5
# Probability of "abusive" at or above which a text is flagged: the model's own decision (the
# threshold tuned on RUHSOLD's validation file did not beat it; docs/insights.md).
MODERATION_THRESHOLD: float = 0.5

CATEGORY_MODEL = "category"
MODERATION_MODEL = "moderation"
ABUSIVE_LABEL = "abusive"
RECHECK_SECONDS = 300.0


@dataclass
class _Loaded:
    model: TextModel | None
    etag: str | None
    checked: float


_cache: dict[str, _Loaded] = {}
_lock = threading.Lock()


def forget() -> None:
    """Drop every loaded model (tests; a container never needs to)."""
    with _lock:
        _cache.clear()


def install(name: str, model: TextModel | None) -> None:
    """Use `model` for `name` in this process until the next re-check (tests and tools)."""
    with _lock:
        _cache[name] = _Loaded(model=model, etag=None, checked=time.monotonic())


def current_model(services: Services, name: str) -> TextModel | None:
    """The model `name` of this container: loaded on first use, re-checked every few minutes; None if none."""
    now = time.monotonic()
    loaded = _cache.get(name)
    if loaded is not None and now - loaded.checked < RECHECK_SECONDS:
        return loaded.model
    with _lock:
        loaded = _cache.get(name)
        if loaded is not None and now - loaded.checked < RECHECK_SECONDS:
            return loaded.model
        _cache[name] = _refresh(services, name, loaded, now)
        return _cache[name].model


def _refresh(services: Services, name: str, loaded: _Loaded | None, now: float) -> _Loaded:
    previous = loaded.model if loaded else None
    if services.models is None:
        logger.warning("no models bucket configured: %s model unavailable", name)
        return _Loaded(model=None, etag=None, checked=now)
    try:
        stored = services.models.fetch(name, loaded.etag if loaded else None)
        if stored is None:
            logger.warning("no %s model in the models bucket", name)
            return _Loaded(model=None, etag=None, checked=now)
        if stored.data is None and previous is not None:
            return _Loaded(model=previous, etag=stored.etag, checked=now)
        if stored.data is None:  # unchanged, yet nothing loaded: ask again without the ETag
            stored = services.models.fetch(name, None)
            if stored is None or stored.data is None:
                return _Loaded(model=None, etag=None, checked=now)
        from chalicelib.insights.model import TextModel

        started = time.perf_counter()
        model = TextModel.from_bytes(stored.data)
        logger.info(
            "loaded the %s model",
            name,
            extra={
                "version": model.version,
                "bytes": len(stored.data),
                "ms": round(1000 * (time.perf_counter() - started)),
            },
        )
        return _Loaded(model=model, etag=stored.etag, checked=now)
    except Exception:  # a broken bucket or artefact must not break filing: keep what we had
        logger.exception("could not load the %s model", name)
        return _Loaded(model=previous, etag=loaded.etag if loaded else None, checked=now)


def suggest(services: Services, text: str, k: int = 3) -> list[tuple[str, float]]:
    """Up to k (category id, calibrated confidence), most likely first; only live categories; [] without a model."""
    if not text or not text.strip() or k <= 0:
        return []
    model = current_model(services, CATEGORY_MODEL)
    if model is None:
        return []
    try:
        directory = services.directory()
        ranked = model.probabilities(text)
    except Exception:
        logger.exception("category suggestion failed")
        return []
    out: list[tuple[str, float]] = []
    for category_id, confidence in ranked:
        if directory.live_category(category_id) is not None:
            out.append((category_id, confidence))
            if len(out) == k:
                break
    return out


def moderate(services: Services, text: str) -> float:
    """The probability that `text` is abusive or offensive; 0.0 without a model (logged)."""
    if not text or not text.strip():
        return 0.0
    model = current_model(services, MODERATION_MODEL)
    if model is None:
        return 0.0
    try:
        return model.probability(text, ABUSIVE_LABEL)
    except Exception:
        logger.exception("moderation failed")
        return 0.0
