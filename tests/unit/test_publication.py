"""Private unless the citizen publishes: what the public sees, when, and an office's moderation."""

from __future__ import annotations

import pytest

from chalicelib.logic import actions, complaints, information, open311, publication, similar
from chalicelib.logic.routing import route_case
from chalicelib.models.actions import HideIn, InformationRequestIn, NoteIn, PublishIn, UnpublishIn
from chalicelib.models.common import Principal
from chalicelib.models.complaints import ComplaintIn
from chalicelib.models.errors import CaseNotFound, TransitionNotAllowed
from tests.fakes import make_services
from tests.fakes import officer as officer_principal

SANA = Principal(sub="citizen-sana", role="citizen", name="Sana Tariq")
LAHORE = officer_principal("lesco-lahore")
SECRET = "Sana Tariq here: call 0300 123 4567 or sana.tariq@example.pk about meter 12345678901."


def file(services: object, *, publish: bool = False, public_name: bool = False, who: Principal = SANA) -> str:
    body = ComplaintIn.model_validate(
        {
            "category_id": "electricity-overbilling",
            "subject": "Bill too high for Sana Tariq",
            "description": SECRET,
            "location": {"district": "lahore"},
            "publish": publish,
            "public_name": public_name,
        }
    )
    case_id = str(complaints.submit(services, who, body, None).case["id"])  # type: ignore[arg-type]
    route_case(services, case_id)  # type: ignore[arg-type]
    return case_id


def public_texts(services: object) -> str:
    listed = open311.get_requests(services, {})  # type: ignore[arg-type]
    found = similar.similar(services, "electricity-overbilling", "lahore", "meter bill")  # type: ignore[arg-type]
    return repr(listed) + found.model_dump_json()


def test_a_complaint_is_private_by_default_and_only_counted_publicly() -> None:
    services, _, _ = make_services()
    case_id = file(services)
    assert open311.get_requests(services, {}) == []
    with pytest.raises(open311.Open311Error):
        open311.get_request(services, case_id)
    found = similar.similar(services, "electricity-overbilling", "lahore", "meter")
    assert found.items == [] and found.others.count == 1 and found.others.by_status == {"routed": 1}
    assert "0300" not in public_texts(services) and "Sana" not in public_texts(services)


def test_a_published_complaint_is_shown_with_personal_data_and_the_citizens_own_name_hidden() -> None:
    services, _, _ = make_services()
    case_id = file(services, publish=True)
    [shown] = open311.get_requests(services, {})
    assert shown["service_request_id"] == case_id and shown["display_name"] is None
    text = public_texts(services)
    for secret in ("Sana", "Tariq", "0300", "123 4567", "sana.tariq", "example.pk", "12345678901"):
        assert secret not in text, secret
    # The office still reads every word
    assert complaints.track(services, SANA, case_id).description == SECRET
    # The timeline says when it was published; the citizen sees since when
    mine = complaints.track(services, SANA, case_id)
    assert mine.published_at and "published" in [e.type for e in mine.timeline]


def test_the_name_is_shown_only_when_the_citizen_chooses() -> None:
    services, _, _ = make_services()
    file(services, publish=True, public_name=True)
    [shown] = open311.get_requests(services, {})
    assert shown["display_name"] == "Sana Tariq"
    assert similar.similar(services, "electricity-overbilling", "lahore", "").items[0].display_name == "Sana Tariq"


def test_publishing_later_and_taking_it_back() -> None:
    services, _, _ = make_services()
    case_id = file(services)
    published = publication.publish(services, SANA, case_id, PublishIn(), None)
    assert published.published_at and [a.action for a in published.allowed_actions][-1] == "unpublish"
    assert [r["service_request_id"] for r in open311.get_requests(services, {})] == [case_id]
    with pytest.raises(TransitionNotAllowed):
        publication.publish(services, SANA, case_id, PublishIn(), None)  # public already
    back = publication.unpublish(services, SANA, case_id, UnpublishIn(), None)
    assert back.published_at is None and "unpublished" in [e.type for e in back.timeline]
    assert (
        open311.get_requests(services, {}) == []
        and similar.similar(services, "electricity-overbilling", "lahore", "").items == []
    )
    with pytest.raises(TransitionNotAllowed):
        publication.unpublish(services, SANA, case_id, UnpublishIn(), None)  # not public


def test_an_office_hides_a_published_text_with_a_reason_on_the_timeline() -> None:
    services, _, _ = make_services()
    case_id = file(services, publish=True)
    offered = [a.action for a in actions.act(services, LAHORE, case_id, _note(), None).allowed_actions]
    assert "hide" in offered
    hidden = actions.act(
        services, LAHORE, case_id, HideIn(action="hide", reason="identifies_child", note="Names a child."), None
    )
    assert hidden.hidden is not None and hidden.hidden.reason == "identifies_child"
    assert hidden.timeline[-1].type == "hidden" and hidden.timeline[-1].note == "Names a child."
    assert "hide" not in [a.action for a in hidden.allowed_actions]
    # Still listed (it exists and is worked on), its words are not
    [shown] = open311.get_requests(services, {})
    assert shown["description"] == "[text hidden by the office: Identifies a child]"
    assert similar.similar(services, "electricity-overbilling", "lahore", "").items == []
    # And the citizen cannot publish it again
    publication.unpublish(services, SANA, case_id, UnpublishIn(), None)
    with pytest.raises(TransitionNotAllowed):
        publication.publish(services, SANA, case_id, PublishIn(), None)


def test_only_a_published_text_can_be_hidden_and_only_a_complaint_published() -> None:
    services, _, _ = make_services()
    case_id = file(services)
    with pytest.raises(TransitionNotAllowed):
        actions.act(services, LAHORE, case_id, HideIn(action="hide", reason="abusive", note="x"), None)
    body = InformationRequestIn(organisation_id="lesco", subject="Schedule", question="What is the 2026 schedule?")
    request_id = str(information.file_request(services, SANA, body, None).case["id"])
    with pytest.raises(CaseNotFound):  # an information request is not a complaint: not found as one
        publication.publish(services, SANA, request_id, PublishIn(), None)


def test_one_idempotency_key_on_two_endpoints_is_two_keys() -> None:
    services, _, _ = make_services()
    body = ComplaintIn.model_validate(
        {
            "category_id": "electricity-overbilling",
            "subject": "Bill",
            "description": "Too high again.",
            "location": {"district": "lahore"},
        }
    )
    complaint = complaints.submit(services, SANA, body, "same-key")
    request = information.file_request(
        services,
        SANA,
        InformationRequestIn(organisation_id="lesco", subject="Load", question="Peak load in 2026?"),
        "same-key",
    )
    assert complaint.case["id"].startswith("C-") and request.case["id"].startswith("R-") and not request.replayed


def _note() -> NoteIn:
    return NoteIn(action="note", note="Looking into it.")
