"""Emerging topics as an organisation's staff see them: the stored themes of a week, examples they may open.

Officers and organisation admins see their own organisation's topics only (another's is a 404,
as if it had none); the portal's admins any organisation's (`organisation`). An example case is
shown only to one who may open it in the officer's case view: an officer, the cases of their
office's subtree; an admin, any complaint; an organisation admin, none (they do not work cases).
"""

from __future__ import annotations

from datetime import timedelta

from chalicelib.insights import weeks
from chalicelib.logic import workflow
from chalicelib.logic.messages import field_problem
from chalicelib.logic.ports import Services
from chalicelib.models.common import Principal
from chalicelib.models.errors import FieldProblem, Forbidden, InvalidInput, NotFound
from chalicelib.models.topics import ThemeOut, TopicsOut
from chalicelib.store import cases as case_store
from chalicelib.store import topics as topics_store

_NOT_YOURS = "no topics of this organisation for you"


def _organisation(services: Services, principal: Principal, named: str | None) -> str:
    directory = services.directory()
    if principal.role == "admin":
        if not named:
            texts = field_problem("missing")
            raise InvalidInput("name the organisation", [FieldProblem("organisation", texts["en"], texts["ur"])])
        if named not in directory.organisations:
            raise InvalidInput(
                "unknown organisation",
                [FieldProblem("organisation", "unknown organisation; see GET /v1/organisations")],
            )
        return named
    office = directory.offices.get(principal.office_id or "")
    if principal.role not in ("officer", "org_admin") or office is None:
        raise Forbidden("this is for an organisation's staff only")
    if named and named != office.organisation_id:
        raise NotFound(_NOT_YOURS)
    return office.organisation_id


def _week(services: Services, raw: str | None) -> tuple[str, str]:
    """(the week asked, the latest week there can be topics of)."""
    latest = weeks.last_complete(services.clock())
    if raw is None or raw == "":
        return latest, latest
    week = weeks.parse(raw)
    if week is None:
        raise InvalidInput(
            "bad week",
            [FieldProblem("week", "a week as YYYY-Www, e.g. 2026-W49", "ہفتہ اس طرح لکھیں: YYYY-Www، مثلاً 2026-W49")],
        )
    return week, latest


def topics_of(services: Services, principal: Principal, *, week: str | None, organisation: str | None) -> TopicsOut:
    organisation_id = _organisation(services, principal, organisation)
    asked, latest = _week(services, week)
    directory = services.directory()
    org = directory.organisations[organisation_id]
    first = weeks.monday(asked)
    out = TopicsOut(
        organisation_id=organisation_id,
        organisation_name=org.name,
        organisation_name_ur=org.name_ur,
        week=asked,
        week_starts=first.isoformat(),
        week_ends=(first + timedelta(days=6)).isoformat(),
        previous_week=weeks.shifted(asked, -1),
        next_week=weeks.shifted(asked, 1) if asked < latest else None,
    )
    stored = topics_store.get_topics(services.table, organisation_id, asked)
    if stored is None:
        return out
    out.computed_at, found = stored
    out.texts_week = int(found.get("texts_week", 0))
    out.texts_baseline = int(found.get("texts_baseline", 0))
    out.baseline_weeks = int(found.get("baseline_weeks", 0))
    out.enough = bool(found.get("enough", False))
    themes = list(found.get("themes", []))
    visible = _openable(services, principal, [str(i) for t in themes for i in t.get("examples", [])])
    for theme in themes:
        examples = [str(i) for i in theme.get("examples", [])]
        shown = [i for i in examples if i in visible]
        out.themes.append(
            ThemeOut(
                keywords=[str(k) for k in theme.get("keywords", [])],
                week_count=int(theme.get("week_count", 0)),
                baseline_count=int(theme.get("baseline_count", 0)),
                share_week=float(theme.get("share_week", 0.0)),
                share_baseline=theme.get("share_baseline"),
                rise=theme.get("rise"),
                rising=bool(theme.get("rising", False)),
                examples=shown,
                examples_hidden=len(examples) - len(shown),
            )
        )
    return out


def _openable(services: Services, principal: Principal, case_ids: list[str]) -> set[str]:
    """The cases among `case_ids` the caller may open in the officer's case view (one BatchGetItem)."""
    if not case_ids or principal.role == "org_admin":
        return set()
    directory = services.directory()
    return {
        case.id
        for case in case_store.cases_by_ids(services.table, case_ids)
        if workflow.standings(case, principal, directory)
    }
