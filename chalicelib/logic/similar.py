"""Open complaints that look like the one a citizen is about to file (shown before submitting).

Published ones are shown with their published words (personal data hidden), ranked by the
near-duplicate score (`insights.duplicates`: text, place, recency; docs/insights.md); private
ones only ever as a count (by status, and how old the oldest is) — never their words — and,
when one is a near-duplicate, as an offer to join it ("me too": `duplicates`, with a signed
`offer`, its status, age and how many it affects, never its words). Two Queries of the service index per month (the
published and the private partition of open complaints; this month and the last): four,
each of the newest `_PER_MONTH` — so `others.count` counts among those, a floor when there are more.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.logic import clock, pii
from chalicelib.logic.ports import Services
from chalicelib.logic.withholding import withheld
from chalicelib.models.base import Model
from chalicelib.models.complaints import OPEN_STATUSES, Case
from chalicelib.models.errors import FieldProblem, InvalidInput
from chalicelib.store import cases as case_store
from chalicelib.store import keys

MONTHS_BACK = 1
SHOWN = 5
MAX_TEXT = 4000
SHOWN_CHARACTERS = 300
_PER_MONTH = 50
# Private partitions are read 12 from each of their shards (keys.SERVICE_SHARDS): the newest 36 of a month. At a
# national burst every citizen's check reads them, so this bounds the read rate of each shard (docs/scale.md).
_PRIVATE_PER_MONTH = 12 * keys.SERVICE_SHARDS


class SimilarComplaint(Model):
    id: str
    subject: str
    description: str
    status: str
    district: str | None
    created_at: str
    # The near-duplicate score (0–1); `duplicate` when at or above the threshold: the form offers "me too".
    similarity: float
    # The name its citizen chose to show with it, if any.
    display_name: str | None = None
    duplicate: bool = False
    # How many citizens it affects (its citizen and those who joined), and whether it may be joined now.
    affected: int = 1
    can_join: bool = True


class PrivateDuplicate(Model):
    """A near-duplicate nobody published: never its words; `offer` lets the citizen join it (POST …/me-too)."""

    id: str
    status: str
    district: str | None
    created_at: str
    affected: int
    offer: str


class OthersLikeIt(Model):
    """Open complaints of the category and district that are not public: how many, never what they say."""

    count: int
    by_status: dict[str, int]
    oldest_days: int | None


class SimilarList(Model):
    items: list[SimilarComplaint]
    others: OthersLikeIt
    # Private near-duplicates, best first (at most SHOWN).
    duplicates: list[PrivateDuplicate] = []


def _open_here(cases: list[Case], district: str | None) -> list[Case]:
    return [c for c in cases if c.status in OPEN_STATUSES and c.location and c.location.district == district]


def position(lat: str | None, lon: str | None) -> tuple[float | None, float | None]:
    """The draft's position from the query (`lat`, `lon`, both or neither); 400 naming the field otherwise."""
    if lat is None and lon is None:
        return None, None
    found: list[float] = []
    for name, value, most in (("lat", lat, 90.0), ("lon", lon, 180.0)):
        try:
            number = float(value or "")
        except ValueError:
            number = float("nan")
        if not -most <= number <= most:
            raise InvalidInput(
                "the search needs correcting", [FieldProblem(name, f"a number from {-most:g} to {most:g}")]
            )
        found.append(number)
    return found[0], found[1]


def similar(
    services: Services,
    category_id: str | None,
    district: str | None,
    text: str | None,
    lat: float | None = None,
    lon: float | None = None,
) -> SimilarList:
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
                services.table,
                category_id or "",
                month,
                public=public,
                limit=_PER_MONTH if public else _PRIVATE_PER_MONTH,
            )
    # A text an office hid, or one withheld by moderation at filing, is counted, never shown.
    shown = [
        c for c in _open_here(published, district) if c.hidden is None and not withheld(c) and c.public_description
    ]
    unseen = _open_here(private, district) + [c for c in _open_here(published, district) if c not in shown]
    from chalicelib.insights import duplicates

    draft = duplicates.Complaint(text or "", category_id or "", district, lat, lon)
    public_scores = duplicates.score_all(draft, [_as_candidate(c, now, public=True) for c in shown])
    ranked = sorted(
        zip(public_scores, shown, strict=True), key=lambda pair: (pair[0].score, pair[1].created_at), reverse=True
    )
    private_scores = duplicates.score_all(draft, [_as_candidate(c, now, public=False) for c in unseen])
    offered = sorted(
        ((s, c) for s, c in zip(private_scores, unseen, strict=True) if s.duplicate),
        key=lambda pair: (pair[0].score, pair[1].created_at),
        reverse=True,
    )
    return SimilarList(
        items=[_public(c, found.score, found.duplicate) for found, c in ranked[:SHOWN]],
        others=_count(unseen, now),
        duplicates=[_private(services, c) for _, c in offered[:SHOWN]],
    )


def _as_candidate(case: Case, now: datetime, *, public: bool) -> Any:
    from chalicelib.insights import duplicates

    location = case.location
    words = (
        f"{case.public_subject or ''} {case.public_description or ''}"
        if public
        else f"{case.subject} {case.description}"
    )
    return duplicates.Complaint(
        text=words,
        category_id=case.category_id,
        district=location.district if location else None,
        lat=location.lat if location else None,
        lon=location.lon if location else None,
        age_days=max((now - clock.parse_time(case.created_at)).total_seconds() / 86400, 0.0),
    )


def _private(services: Services, case: Case) -> PrivateDuplicate:
    from chalicelib.logic.metoo import offer_for

    return PrivateDuplicate(
        id=case.id,
        status=case.status,
        district=case.location.district if case.location else None,
        created_at=case.created_at,
        affected=case.affected,
        offer=offer_for(services, case.id),
    )


def _public(case: Case, score: float, duplicate: bool = False) -> SimilarComplaint:
    return SimilarComplaint(
        id=case.id,
        subject=pii.redact(case.public_subject or ""),
        description=_clip(pii.redact(case.public_description or ""), SHOWN_CHARACTERS),
        status=case.status,
        district=case.location.district if case.location else None,
        created_at=case.created_at,
        similarity=round(min(score, 1.0), 3),
        display_name=case.display_name,
        duplicate=duplicate,
        affected=case.affected,
        can_join=case.merged_into is None,
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
