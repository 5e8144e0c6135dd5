"""How a case is shown: whole to its citizen or office (with what the viewer may do now), as a line in a list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.logic import deadlines, uploads, workflow
from chalicelib.logic.allowed import allowed_actions
from chalicelib.logic.directory import Directory
from chalicelib.logic.ports import UploadPresigner
from chalicelib.logic.withholding import withheld
from chalicelib.models.common import Principal
from chalicelib.models.complaints import Case, CaseOut, CaseSummary, OfficeRef, TimelineEvent, TransferRequestOut


def office_ref(directory: Directory, office_id: str | None) -> OfficeRef | None:
    if not office_id:
        return None
    office = directory.offices.get(office_id)
    if office is None:
        return OfficeRef(id=office_id, name=office_id)
    return OfficeRef(id=office.id, name=office.name, name_ur=office.name_ur)


def _organisation_ref(directory: Directory, organisation_id: str | None) -> OfficeRef | None:
    organisation = directory.organisations.get(organisation_id or "")
    if organisation is None:
        return OfficeRef(id=organisation_id, name=organisation_id) if organisation_id else None
    return OfficeRef(id=organisation.id, name=organisation.name, name_ur=organisation.name_ur)


def _headline(case: Case, directory: Directory, now: datetime) -> dict[str, Any]:
    """The fields every view shares (CaseHeadline), with the deadline facts from the case's policy."""
    policy = directory.sla_for(case.category_id)
    return {
        "id": case.id,
        "kind": case.kind,
        "status": case.status,
        "category_id": case.category_id,
        "subject": case.subject,
        "office": office_ref(directory, case.office_id),
        "level": case.level,
        "due_at": case.due_at,
        "remind_at": deadlines.remind_at(case, policy),
        "urgency": deadlines.urgency(case, policy, now),
        "delay": case.delay,
        "transfers": case.transfers,
        "affected": case.affected,
        "moderation_flagged": case.moderation_flag is not None and case.moderation_flag.cleared_at is None,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }


def case_out(
    case: Case,
    events: list[TimelineEvent],
    directory: Directory,
    viewer: Principal | None,
    now: datetime,
    signer: UploadPresigner,
) -> CaseOut:
    """The whole case as `viewer` sees it, with its deadline facts, the actions open to them now, and links to its files.

    Callers have already decided that `viewer` may see the case; the links go only to its
    citizen and to the office holding it (or an admin), not to an office merely asked to take it.
    """
    information = case.kind == "information"
    policy = directory.sla_for(case.category_id)
    standing = workflow.standings(case, viewer, directory) if viewer else frozenset()
    opens = uploads.may_open(case, viewer, staff=bool(standing & {"office", "admin"}))
    return CaseOut(
        **_headline(case, directory, now),
        description=case.description,
        location=case.location,
        attributes=case.attributes,
        attachments=uploads.shown_attachments(signer, case, opens, now),
        version=case.version,
        resolution=case.resolution.model_dump() if case.resolution else None,
        feedback=case.feedback,
        feedback_until=deadlines.feedback_until(case, policy),
        organisation=_organisation_ref(directory, case.organisation_id) if information else None,
        question=case.description if information else None,
        extended_at=case.extended_at,
        answer=case.answer,
        appeal_until=case.appeal_until,
        feedback_kind=case.feedback_kind,
        rating=case.rating,
        published_at=case.published_at,
        display_name=case.display_name,
        hidden=case.hidden,
        moderation_flag=case.moderation_flag,
        public_text_withheld=case.published_at is not None and case.hidden is None and withheld(case),
        triage=case.triage,
        transfer_request=_transfer_request(case, directory),
        merged_into=case.merged_into,
        allowed_actions=allowed_actions(case, viewer, policy, now, standing, directory),
        timeline=events,
    )


def _transfer_request(case: Case, directory: Directory) -> TransferRequestOut | None:
    request = case.transfer_request
    if request is None:
        return None
    return TransferRequestOut(
        office=office_ref(directory, request.office_id) or OfficeRef(id="", name=""),
        from_office=office_ref(directory, request.from_office_id) or OfficeRef(id="", name=""),
        at=request.at,
        note=request.note,
    )


def summary(case: Case, directory: Directory, now: datetime) -> CaseSummary:
    """One line of a list."""
    district = case.location.district if case.location else None
    return CaseSummary(**_headline(case, directory, now), district=district)
