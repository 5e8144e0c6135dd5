"""Open complaints that look like the one a citizen is about to file (shown before submitting).

One Query of the service index per month (this one and the two before) for the category,
then the open ones in the same district ranked by the words they share with the draft.
Only what Open311 publishes is shown: no identity, contact details hidden in the text.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from chalicelib.logic import clock, pii
from chalicelib.logic.ports import Services
from chalicelib.models.complaints import OPEN_STATUSES, Case
from chalicelib.models.errors import FieldProblem, InvalidInput
from chalicelib.store import cases as case_store

MONTHS_BACK = 2
SHOWN = 5
_PER_MONTH = 200
_WORD = re.compile(r"\w{3,}", re.UNICODE)


class SimilarComplaint(BaseModel):
    id: str
    subject: str
    description: str
    status: str
    district: str | None
    created_at: str
    similarity: float


class SimilarList(BaseModel):
    items: list[SimilarComplaint]


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def similar(services: Services, category_id: str | None, district: str | None, text: str | None) -> SimilarList:
    directory = services.directory()
    problems = []
    if not category_id or category_id not in directory.categories:
        problems.append(FieldProblem("category_id", "a category id; see GET /v1/categories"))
    if not district or district not in directory.districts:
        problems.append(FieldProblem("district", "a district id; see GET /v1/districts"))
    if problems:
        raise InvalidInput("the search needs correcting", problems)
    draft = _words(text or "")
    candidates: list[tuple[float, Case]] = []
    for month in clock.months_back(services.clock(), MONTHS_BACK):
        for case in case_store.latest_service_cases(services.table, category_id or "", month, limit=_PER_MONTH):
            if case.status not in OPEN_STATUSES or not case.location or case.location.district != district:
                continue
            words = _words(f"{case.subject} {case.description}")
            score = len(draft & words) / len(draft | words) if draft and words else 0.0
            candidates.append((score, case))
    candidates.sort(key=lambda pair: (pair[0], pair[1].created_at), reverse=True)
    return SimilarList(
        items=[
            SimilarComplaint(
                id=c.id,
                subject=pii.redact(c.subject),
                description=pii.redact(c.description)[:300],
                status=c.status,
                district=c.location.district if c.location else None,
                created_at=c.created_at,
                similarity=round(score, 3),
            )
            for score, c in candidates[:SHOWN]
        ]
    )
