"""Placeholder of the classifier's serving interface (the engine replaces this module whole at merge)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.logic.ports import Services

SUGGESTION_CONFIDENCE: float = 0.5  # top-1 confidence below which the form says it is not sure
MODERATION_THRESHOLD: float = 0.5  # probability of abusive at or above which a text is flagged


def suggest(services: Services, text: str, k: int = 3) -> list[tuple[str, float]]:
    """(category_id, calibrated confidence), descending; [] when no model."""
    return []


def moderate(services: Services, text: str) -> float:
    """The probability that `text` is abusive; 0.0 when no model."""
    return 0.0
