"""Category suggestion while filing: the best three categories for the text typed so far.

Public (anonymous or signed in) and limited per source address like other public writes. The
text is neither stored nor logged: it is a draft of a complaint, and may name people.
"""

from __future__ import annotations

from chalicelib.logic import ratelimit
from chalicelib.logic.ports import Services
from chalicelib.models.suggestions import SuggestionIn, SuggestionList, SuggestionOut
from chalicelib.observability import logger, metrics

SHOWN = 3
# Asked of the model, so that three remain once other kinds and retired categories are left out.
ASKED = 12


def suggest(services: Services, data: SuggestionIn, source: str) -> SuggestionList:
    """The best categories for `data.text` among live categories (of `data.kind`, when given), best first."""
    ratelimit.check(services, "suggest_source", source)
    from chalicelib.insights import serving  # the model loads on first use, never on the API's cold path

    threshold = serving.SUGGESTION_CONFIDENCE
    try:
        found = serving.suggest(services, data.text, k=ASKED)
    except Exception:  # the model or its artefact failed: the form offers nothing, the citizen picks as before
        logger.warning("suggestion model unavailable")
        metrics.add_metric(name="SuggestionUnavailable", unit="Count", value=1)
        found = []
    directory = services.directory()
    items: list[SuggestionOut] = []
    for category_id, confidence in found:
        category = directory.live_category(category_id)
        if category is None or (data.kind is not None and category.kind != data.kind):
            continue
        items.append(
            SuggestionOut(
                category_id=category.id,
                name=category.name,
                name_ur=category.name_ur,
                group=category.group,
                group_ur=category.group_ur or category.group,
                confidence=round(min(max(float(confidence), 0.0), 1.0), 3),
            )
        )
        if len(items) == SHOWN:
            break
    return SuggestionList(items=items, sure=bool(items) and items[0].confidence >= threshold, threshold=threshold)
