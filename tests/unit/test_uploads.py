"""Presigned uploads and attachment ownership over the in-memory table and a fake presigner."""

from __future__ import annotations

from typing import cast

import pytest
from pydantic import ValidationError

from chalicelib.logic import actions, complaints, uploads
from chalicelib.logic import officer as staff
from chalicelib.logic.ports import Services
from chalicelib.logic.routing import route_case
from chalicelib.models.actions import ReplyIn, RequestInfoIn, ResolveIn, TransferIn
from chalicelib.models.common import Principal
from chalicelib.models.complaints import ComplaintIn
from chalicelib.models.errors import CaseNotFound, Forbidden, InvalidInput, ServiceUnavailable
from chalicelib.models.uploads import MAX_UPLOAD_BYTES, UploadIn
from chalicelib.store import keys
from tests.fakes import FakePresigner, citizen, make_services, officer
from tests.memory_table import MemoryTable

LAHORE_OFFICER = officer("lesco-lahore")


def upload_in(**overrides: object) -> UploadIn:
    body: dict[str, object] = {"filename": "bill.pdf", "content_type": "application/pdf", "size": 2048}
    body.update(overrides)
    return UploadIn.model_validate(body)


def presigner(services: Services) -> FakePresigner:
    return cast(FakePresigner, services.uploads)


def complaint(attachments: list[str]) -> ComplaintIn:
    return ComplaintIn.model_validate(
        {
            "category_id": "electricity-overbilling",
            "subject": "Bill three times the usual",
            "description": "My November bill charges 900 units for a closed house.",
            "location": {"district": "lahore"},
            "attachments": attachments,
        }
    )


def upload_id(services: Services, who: Principal) -> str:
    return uploads.start(services, who, upload_in()).upload_id


# --- validation ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("content_type", "text/html"),
        ("content_type", "image/gif"),
        ("size", 0),
        ("size", MAX_UPLOAD_BYTES + 1),
        ("size", 12 * 1024 * 1024),
        ("size", "2048"),
        ("size", True),
        ("filename", ""),
        ("filename", "x" * 201),
        ("filename", "../etc/passwd"),
        ("filename", "C:\\bill.pdf"),
    ],
)
def test_a_bad_field_is_refused_naming_it(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as raised:
        upload_in(**{field: value})
    assert [e["loc"][0] for e in raised.value.errors()] == [field]


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        upload_in(bucket="elsewhere")
    assert raised.value.errors()[0]["type"] == "extra_forbidden"


def test_every_allowed_type_and_the_10_mb_limit_are_accepted() -> None:
    for content_type in ("image/jpeg", "image/png", "image/heic", "image/heif", "application/pdf", "video/mp4"):
        assert upload_in(content_type=content_type, size=MAX_UPLOAD_BYTES).content_type == content_type


# --- presigning and the record ------------------------------------------------------


def test_presigning_writes_one_record_and_signs_the_callers_key() -> None:
    # Given
    table = MemoryTable()
    services, _, clock = make_services(table)
    # When a citizen asks to upload a 2 KB PDF
    out = uploads.start(services, citizen("c-1"), upload_in())
    # Then one conditional write stores who owns it, and nothing else is read or written
    assert table.calls == ["TransactWriteItems"]
    record = table.items[(f"UPLOAD#{out.upload_id}", "UPLOAD")]
    assert record["owner_sub"] == "c-1"
    assert record["object_key"] == f"uploads/c-1/{out.upload_id}"
    assert (record["content_type"], record["size"], record["filename"]) == ("application/pdf", 2048, "bill.pdf")
    assert record["created_at"] == "2026-11-27T09:00:00Z"
    assert record["expires_at"] == int(clock.now.timestamp()) + 30 * 24 * 3600
    # And the POST is signed for exactly that key and type, capped at the declared size, for 15 minutes
    assert presigner(services).signed == [
        {"key": f"uploads/c-1/{out.upload_id}", "content_type": "application/pdf", "max_bytes": 2048, "expires_in": 900}
    ]
    assert out.max_bytes == 2048 and out.url and out.fields["key"] == f"uploads/c-1/{out.upload_id}"


def test_officers_upload_too_but_admins_do_not() -> None:
    services, _, _ = make_services()
    assert uploads.start(services, LAHORE_OFFICER, upload_in()).upload_id
    with pytest.raises(Forbidden):
        uploads.start(services, Principal(sub="a-1", role="admin"), upload_in())


def test_each_upload_gets_its_own_id_and_a_signing_failure_is_503() -> None:
    services, _, _ = make_services()
    ids = {upload_id(services, citizen()) for _ in range(5)}
    assert len(ids) == 5
    presigner(services).broken = True
    with pytest.raises(ServiceUnavailable):
        uploads.start(services, citizen(), upload_in())


# --- ownership ------------------------------------------------------------------


def test_a_complaint_attaches_the_citizens_own_uploads() -> None:
    # Given two uploads of the citizen
    table = MemoryTable()
    services, _, _ = make_services(table)
    first, second = upload_id(services, citizen()), upload_id(services, citizen())
    table.calls.clear()
    # When they file a complaint with both
    case = complaints.submit(services, citizen(), complaint([first, second]), None).case
    # Then it lists them, after one GetItem per attachment
    assert [a["id"] for a in case["attachments"]] == [first, second]
    assert table.calls == ["GetItem", "GetItem", "TransactWriteItems"]
    stored = table.items[(keys.case_pk(case["id"]), keys.CASE_SK)]
    assert stored["attachments"] == [first, second]
    # And the case keeps what each file is, for when the upload record has expired
    assert [(f["id"], f["filename"], f["content_type"]) for f in stored["files"]] == [
        (first, "bill.pdf", "application/pdf"),
        (second, "bill.pdf", "application/pdf"),
    ]


def test_no_attachments_means_no_reads() -> None:
    table = MemoryTable()
    services, _, _ = make_services(table)
    complaints.submit(services, citizen(), complaint([]), None)
    assert table.calls == ["TransactWriteItems"]


def test_someone_elses_or_an_unknown_upload_is_a_400_on_attachments() -> None:
    services, intake, _ = make_services()
    others = upload_id(services, citizen("c-2"))
    own = upload_id(services, citizen("c-1"))
    for attachments, bad in (([others], others), (["no-such-upload"], "no-such-upload"), ([own, others], others)):
        with pytest.raises(InvalidInput) as raised:
            complaints.submit(services, citizen("c-1"), complaint(attachments), None)
        # Then one problem names the id that is not theirs (the same words as one that does not exist)
        assert [(d.field, d.problem) for d in raised.value.details] == [
            ("attachments", f"unknown upload id {bad}; upload files with POST /v1/uploads first")
        ]
    assert intake.sent == []


def test_an_iphones_heic_photo_is_presigned_attached_and_opened_as_a_photo() -> None:
    # Given a citizen uploads a HEIC photo
    services, _, _ = make_services()
    heic = uploads.start(services, citizen(), upload_in(filename="IMG_0042.HEIC", content_type="image/heic"))
    assert presigner(services).signed[-1]["content_type"] == "image/heic"
    # When they file with it, Then it is kept and shown as a HEIC photo they may open inline
    case_id = str(complaints.submit(services, citizen(), complaint([heic.upload_id]), None).case["id"])
    (shown,) = complaints.track(services, citizen(), case_id).attachments
    assert (shown.filename, shown.content_type) == ("IMG_0042.HEIC", "image/heic")
    assert shown.url is not None and shown.url.endswith("inline=True")


def test_an_upload_whose_file_never_arrived_is_a_400_naming_it_and_nothing_is_filed() -> None:
    # Given two uploads of the citizen, the second of which never reached storage
    table = MemoryTable()
    services, intake, _ = make_services(table)
    arrived = upload_id(services, citizen())
    lost = uploads.start(services, citizen(), upload_in(filename="meter.jpg", content_type="image/jpeg")).upload_id
    presigner(services).missing.add(f"uploads/citizen-1/{lost}")
    before = dict(table.items)
    # When they file with both
    with pytest.raises(InvalidInput) as raised:
        complaints.submit(services, citizen(), complaint([arrived, lost]), None)
    # Then the problem names that file, and no case (nor anything else) is written
    assert [(d.field, d.problem) for d in raised.value.details] == [
        ("attachments", f"meter.jpg (upload {lost}) was not received: upload it again, or leave it out")
    ]
    assert table.items == before and intake.sent == []
    # And once it arrives (the browser sent it again), the same complaint files with both
    presigner(services).missing.clear()
    filed = complaints.submit(services, citizen(), complaint([arrived, lost]), None).case
    assert [a["id"] for a in filed["attachments"]] == [arrived, lost]


def test_when_storage_cannot_say_whether_a_file_arrived_it_is_a_503_not_a_500() -> None:
    services, _, _ = make_services()
    own = upload_id(services, citizen())
    presigner(services).broken = True
    with pytest.raises(ServiceUnavailable):
        complaints.submit(services, citizen(), complaint([own]), None)


def routed_case(services: Services) -> str:
    case_id = str(complaints.submit(services, citizen(), complaint([]), None).case["id"])
    route_case(services, case_id)
    return case_id


def test_an_officer_resolves_with_their_own_uploads_only() -> None:
    services, _, _ = make_services()
    case_id = routed_case(services)
    citizens = upload_id(services, citizen())
    theirs = upload_id(services, LAHORE_OFFICER)
    # When the officer attaches the citizen's upload, Then 400
    body = ResolveIn(action="resolve", outcome="relief_granted", note="Fixed.", attachments=[citizens])
    with pytest.raises(InvalidInput) as raised:
        actions.act(services, LAHORE_OFFICER, case_id, body, None)
    assert [d.field for d in raised.value.details] == ["attachments"]
    # When they attach their own, Then it is resolved
    body = ResolveIn(action="resolve", outcome="relief_granted", note="Fixed.", attachments=[theirs])
    assert actions.act(services, LAHORE_OFFICER, case_id, body, None).status == "resolved"


def test_a_citizen_replies_with_their_own_uploads_only() -> None:
    services, _, _ = make_services()
    case_id = routed_case(services)
    actions.act(services, LAHORE_OFFICER, case_id, RequestInfoIn(action="request_info", note="Meter?"), None)
    officers = upload_id(services, LAHORE_OFFICER)
    with pytest.raises(InvalidInput) as raised:
        actions.reply(services, citizen(), case_id, ReplyIn(message="Here", attachments=[officers]), None)
    assert [d.field for d in raised.value.details] == ["attachments"]
    own = upload_id(services, citizen())
    replied = actions.reply(services, citizen(), case_id, ReplyIn(message="Here", attachments=[own]), None)
    assert replied.status == "in_progress"


def test_a_replys_photo_is_kept_on_the_case_for_the_citizen_and_the_office() -> None:
    # Given a routed complaint with a photo, and the office asks for the meter's reading
    services, _, _ = make_services()
    case_id, filed_photo = photo_complaint(services)
    actions.act(services, LAHORE_OFFICER, case_id, RequestInfoIn(action="request_info", note="Meter?"), None)
    # When the citizen replies with a photo of it
    meter = uploads.start(services, citizen(), upload_in(filename="reading.heic", content_type="image/heic")).upload_id
    actions.reply(services, citizen(), case_id, ReplyIn(message="Here it is", attachments=[meter]), None)
    # Then the citizen, the office and the office above each see both photos, with a link to each
    for view in (
        complaints.track(services, citizen(), case_id),
        staff.case_for_officer(services, LAHORE_OFFICER, case_id),
        staff.case_for_officer(services, officer("lesco-hq", sub="officer-hq"), case_id),
    ):
        assert [(a.id, a.filename) for a in view.attachments] == [(filed_photo, "meter.jpg"), (meter, "reading.heic")]
        assert all(a.url for a in view.attachments)
        # And the reply on the timeline names the photo that came with it
        (reply,) = [e for e in view.timeline if e.type == "citizen_replied"]
        assert (reply.note, reply.attachments) == ("Here it is", [meter])


def test_a_reply_with_a_file_that_never_arrived_is_refused_and_the_case_waits_unchanged() -> None:
    services, _, _ = make_services()
    case_id = routed_case(services)
    actions.act(services, LAHORE_OFFICER, case_id, RequestInfoIn(action="request_info", note="Meter?"), None)
    lost = upload_id(services, citizen())
    presigner(services).missing.add(lost)
    with pytest.raises(InvalidInput) as raised:
        actions.reply(services, citizen(), case_id, ReplyIn(message="Here", attachments=[lost]), None)
    assert raised.value.message == "the reply needs correcting"
    assert [d.field for d in raised.value.details] == ["attachments"] and lost in raised.value.details[0].problem
    view = complaints.track(services, citizen(), case_id)
    assert view.status == "awaiting_citizen" and view.attachments == []


def test_a_resolutions_evidence_is_kept_on_the_case_for_the_citizen() -> None:
    services, _, _ = make_services()
    case_id = routed_case(services)
    evidence = uploads.start(services, LAHORE_OFFICER, upload_in(filename="corrected.pdf")).upload_id
    body = ResolveIn(action="resolve", outcome="relief_granted", note="Fixed.", attachments=[evidence])
    actions.act(services, LAHORE_OFFICER, case_id, body, None)
    (shown,) = complaints.track(services, citizen(), case_id).attachments
    assert (shown.id, shown.filename) == (evidence, "corrected.pdf")
    assert shown.url is not None and f"uploads/officer-1/{evidence}" in shown.url


# --- opening attached files -------------------------------------------------------


def photo_complaint(services: Services) -> tuple[str, str]:
    """A routed complaint of citizen-1 with one JPEG; its id and the upload's."""
    photo = uploads.start(services, citizen(), upload_in(filename="meter.jpg", content_type="image/jpeg")).upload_id
    case_id = str(complaints.submit(services, citizen(), complaint([photo]), None).case["id"])
    route_case(services, case_id)
    return case_id, photo


def test_the_citizen_and_the_office_get_a_five_minute_link_to_each_file() -> None:
    # Given a routed complaint with a photo
    services, _, _ = make_services()
    case_id, photo = photo_complaint(services)
    # When its citizen, an officer of the office, one of the office above and an admin read it
    views = [
        complaints.track(services, citizen(), case_id),
        staff.case_for_officer(services, LAHORE_OFFICER, case_id),
        staff.case_for_officer(services, officer("lesco-hq", sub="officer-hq"), case_id),
        staff.case_for_officer(services, Principal(sub="admin-1", role="admin"), case_id),
    ]
    # Then each gets a link to the citizen's object, served inline as a JPEG, for five minutes
    for view in views:
        (shown,) = view.attachments
        assert (shown.id, shown.filename, shown.content_type) == (photo, "meter.jpg", "image/jpeg")
        assert shown.url == f"https://uploads.example/uploads/citizen-1/{photo}?X-Amz-Expires=300&inline=True"
        assert shown.url_expires_at == "2026-11-27T09:05:00Z"


def test_links_cost_no_table_call() -> None:
    # Given a complaint with a photo and one without
    table = MemoryTable()
    services, _, _ = make_services(table)
    with_photo, _ = photo_complaint(services)
    without = routed_case(services)
    # When the citizen reads each
    table.calls.clear()
    complaints.track(services, citizen(), with_photo)
    read_with_photo = list(table.calls)
    table.calls.clear()
    complaints.track(services, citizen(), without)
    # Then both cost the same calls: the link is signed locally, from what the case keeps
    assert read_with_photo == table.calls


def test_another_citizen_or_another_organisations_officer_gets_the_cases_404_and_no_link() -> None:
    services, _, _ = make_services()
    case_id, _ = photo_complaint(services)
    with pytest.raises(CaseNotFound):
        complaints.track(services, citizen("citizen-2"), case_id)
    with pytest.raises(CaseNotFound):
        staff.case_for_officer(services, officer("pmdu-hq", sub="officer-pmdu"), case_id)
    with pytest.raises(CaseNotFound):
        staff.case_for_officer(services, officer("lesco-kasur", sub="officer-kasur"), case_id)


def test_an_office_only_asked_to_take_the_case_sees_the_file_but_gets_no_link() -> None:
    # Given LESCO Lahore asks PMDU to take the complaint
    services, _, _ = make_services()
    case_id, photo = photo_complaint(services)
    body = TransferIn(action="transfer", office_id="pmdu-hq", note="The Prime Minister's cell handles this.")
    actions.act(services, LAHORE_OFFICER, case_id, body, None)
    # When a PMDU officer reads it, Then the file is named but not opened
    (shown,) = staff.case_for_officer(services, officer("pmdu-hq", sub="officer-pmdu"), case_id).attachments
    assert (shown.id, shown.filename, shown.url, shown.url_expires_at) == (photo, "meter.jpg", None, None)


def test_the_view_after_an_action_carries_fresh_links() -> None:
    services, _, _ = make_services()
    case_id, photo = photo_complaint(services)
    body = RequestInfoIn(action="request_info", note="Which meter?")
    (shown,) = actions.act(services, LAHORE_OFFICER, case_id, body, None).attachments
    assert shown.url is not None and f"uploads/citizen-1/{photo}" in shown.url


def test_a_case_filed_before_files_were_kept_opens_its_upload_as_a_download() -> None:
    # Given a stored case that names an upload but keeps no file details (filed before they were kept)
    table = MemoryTable()
    services, _, _ = make_services(table)
    case_id, photo = photo_complaint(services)
    table.items[(keys.case_pk(case_id), keys.CASE_SK)]["files"] = []
    # When its citizen reads it, Then the link is to their object, as a download of unknown type
    (shown,) = complaints.track(services, citizen(), case_id).attachments
    assert (shown.filename, shown.content_type, shown.size) == (photo, "application/octet-stream", None)
    assert shown.url == f"https://uploads.example/uploads/citizen-1/{photo}?X-Amz-Expires=300&inline=False"


def test_when_links_cannot_be_signed_the_case_still_shows() -> None:
    services, _, _ = make_services()
    case_id, photo = photo_complaint(services)
    presigner(services).broken = True
    (shown,) = complaints.track(services, citizen(), case_id).attachments
    assert (shown.id, shown.url) == (photo, None)
