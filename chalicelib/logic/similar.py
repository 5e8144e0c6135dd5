"""Open complaints that look like the one a citizen is about to file (shown before submitting).

Published ones are shown with their published words (personal data hidden), ranked by the
words they share with the draft; private ones only ever as a count (by status, and how old
the oldest is) — never their words. Two Queries of the service index per month (the
published and the private partition of open complaints; this month and the last): four,
each of the newest `_PER_MONTH` — so `others.count` counts among those, a floor when there are more.
"""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel

from chalicelib.logic import clock, pii
from chalicelib.logic.ports import Services
from chalicelib.logic.withholding import withheld
from chalicelib.models.complaints import OPEN_STATUSES, Case
from chalicelib.models.errors import FieldProblem, InvalidInput
from chalicelib.store import cases as case_store

MONTHS_BACK = 1
SHOWN = 5
MAX_TEXT = 4000
SHOWN_CHARACTERS = 300
_PER_MONTH = 50
_WORD = re.compile(r"\w{3,}", re.UNICODE)


class SimilarComplaint(BaseModel):
    id: str
    subject: str
    description: str
    status: str
    district: str | None
    created_at: str
    similarity: float
    # The name its citizen chose to show with it, if any.
    display_name: str | None = None


class OthersLikeIt(BaseModel):
    """Open complaints of the category and district that are not public: how many, never what they say."""

    count: int
    by_status: dict[str, int]
    oldest_days: int | None


class SimilarList(BaseModel):
    items: list[SimilarComplaint]
    others: OthersLikeIt


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def _open_here(cases: list[Case], district: str | None) -> list[Case]:
    return [c for c in cases if c.status in OPEN_STATUSES and c.location and c.location.district == district]


def similar(services: Services, category_id: str | None, district: str | None, text: str | None) -> SimilarList:
    directory = services.directory()
    problems = []
    if not category_id or category_id not in directory.categories:
        problems.append(FieldProblem("category_id", "a category id; see GET /v1/categories"))
    if not district or district not in directory.districts:
        problems.append(FieldProblem("district", "a district id; see GET /v1/districts"))
    if text and len(text) > MAX_TEXT:
        problems.append(FieldProblem("text", f"at most {MAX_TEXT} characters"))
    if problems:
        raise InvalidInput("the search needs correcting", problems)
    now = services.clock()
    published: list[Case] = []
    private: list[Case] = []
    for month in clock.months_back(now, MONTHS_BACK):
        for public, found in ((True, published), (False, private)):
            found += case_store.latest_service_cases(
                services.table, category_id or "", month, public=public, limit=_PER_MONTH
            )
    # A text an office hid, or one withheld by moderation at filing, is counted, never shown.
    shown = [
        c for c in _open_here(published, district) if c.hidden is None and not withheld(c) and c.public_description
    ]
    unseen = _open_here(private, district) + [c for c in _open_here(published, district) if c not in shown]
    draft = _words(text or "")
    ranked = sorted(
        ((_overlap(draft, c), c) for c in shown), key=lambda pair: (pair[0], pair[1].created_at), reverse=True
    )
    return SimilarList(items=[_public(c, score) for score, c in ranked[:SHOWN]], others=_count(unseen, now))


def _overlap(draft: set[str], case: Case) -> float:
    words = _words(f"{case.public_subject or ''} {case.public_description or ''}")
    return len(draft & words) / len(draft | words) if draft and words else 0.0


def _public(case: Case, score: float) -> SimilarComplaint:
    return SimilarComplaint(
        id=case.id,
        subject=pii.redact(case.public_subject or ""),
        description=_clip(pii.redact(case.public_description or ""), SHOWN_CHARACTERS),
        status=case.status,
        district=case.location.district if case.location else None,
        created_at=case.created_at,
        similarity=round(score, 3),
        display_name=case.display_name,
    )


def _clip(text: str, most: int) -> str:
    """At most `most` characters, cut at a space so no word (or `[… hidden]`) is cut in half."""
    if len(text) <= most:
        return text
    return text[:most].rsplit(" ", 1)[0].rstrip(" [") + " …"


def _count(cases: list[Case], now: datetime) -> OthersLikeIt:
    by_status: dict[str, int] = {}
    for case in cases:
        by_status[case.status] = by_status.get(case.status, 0) + 1
    oldest = min((c.created_at for c in cases), default=None)
    return OthersLikeIt(
        count=len(cases),
        by_status=by_status,
        oldest_days=(now - clock.parse_time(oldest)).days if oldest else None,
    )
