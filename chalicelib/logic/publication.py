"""Publication: a complaint is private unless its citizen publishes it, and an office may hide a published text.

What becomes public is said once, in both languages (`terms`, GET /v1/publication): the
category, district, dates, status, the office responsible, and the subject and description
with phone numbers, CNICs, e-mail addresses, long numbers and the citizen's own name hidden
— and the citizen's name beside it only if they choose to show it. The texts are redacted
when published (the citizen's registered name is known then) and again whenever shown.
Every change goes through the transition path, so it is on the timeline.
"""

from __future__ import annotations

from chalicelib.logic import audit, complaints
from chalicelib.logic.messages import PUBLICATION_TERMS
from chalicelib.logic.ports import Services
from chalicelib.logic.transition import Transition
from chalicelib.models.actions import HideIn, PublishIn, UnpublishIn
from chalicelib.models.base import Model
from chalicelib.models.common import Principal
from chalicelib.models.complaints import CaseOut, Moderation
from chalicelib.observability import logger, metrics
from chalicelib.store import audit as audit_store

# What a published complaint shows, by field; nothing else of it is ever public.
PUBLISHED_FIELDS = (
    "tracking number",
    "category",
    "district (and a position rounded to about a kilometre)",
    "dates filed and updated",
    "status and its steps",
    "office responsible",
    "subject and description, with personal data hidden",
    "your name, only if you choose to show it",
)


class PublicationTerms(Model):
    statement: str
    statement_ur: str
    published_fields: list[str]


def terms() -> PublicationTerms:
    return PublicationTerms(
        statement=PUBLICATION_TERMS["en"],
        statement_ur=PUBLICATION_TERMS["ur"],
        published_fields=list(PUBLISHED_FIELDS),
    )


def publish(services: Services, principal: Principal, case_id: str, data: PublishIn, if_match: int | None) -> CaseOut:
    """The citizen publishes their complaint."""
    change = complaints.own_change(services, principal, case_id, "publish", if_match)
    change.make_public(principal, data.public_name)
    change.commit()
    metrics.add_metric(name="ComplaintsPublished", unit="Count", value=1)
    return change.case_out()


def unpublish(
    services: Services, principal: Principal, case_id: str, data: UnpublishIn, if_match: int | None
) -> CaseOut:
    """The citizen takes their complaint out of public view: it leaves every public list at once."""
    change = complaints.own_change(services, principal, case_id, "unpublish", if_match)
    case = change.case
    case.published_at = case.display_name = case.public_subject = case.public_description = None
    change.take()
    change.commit()
    return change.case_out()


def hide(change: Transition, data: HideIn) -> None:
    """An office hides a published complaint's text (moderation): it stays listed, its words do not."""
    case = change.case
    before = {"hidden": case.hidden.model_dump(mode="json") if case.hidden else None}
    case.hidden = Moderation(reason=data.reason, note=data.note, at=change.at, office_id=case.office_id or "")
    case.public_subject = case.public_description = None
    change.take(note=data.note, reason=data.reason)
    if change.actor is not None:
        # Moderation is on the audit trail too, written with the case in one transaction.
        entry = audit.entry(
            change.services,
            change.actor,
            "hide",
            "complaint",
            case.id,
            before=before,
            after={"hidden": case.hidden.model_dump(mode="json")},
            organisation_id=case.organisation_id,
        )
        change.also.append(audit_store.entry_put(entry))
    logger.info("published text hidden", extra={"case_id": case.id, "reason": data.reason})
