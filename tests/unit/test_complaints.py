"""Filing, listing and tracking complaints over the in-memory table."""

from __future__ import annotations

import pytest

from chalicelib.logic import complaints
from chalicelib.models.complaints import ComplaintIn
from chalicelib.models.directory import Category, ServiceAttribute
from chalicelib.models.errors import CaseNotFound, Forbidden, IdempotencyKeyReused, InvalidInput
from tests.fakes import citizen, make_services, officer
from tests.memory_table import MemoryTable


def complaint(**overrides: object) -> ComplaintIn:
    body: dict[str, object] = {
        "category_id": "electricity-overbilling",
        "subject": "Bill three times the usual",
        "description": "My November bill charges 900 units for a closed house.",
        "location": {"district": "lahore"},
    }
    body.update(overrides)
    return ComplaintIn.model_validate(body)


def test_submission_stores_case_event_and_counters_in_one_transaction_then_enqueues() -> None:
    # Given
    table = MemoryTable()
    services, intake, _ = make_services(table)
    # When
    result = complaints.submit(services, citizen(), complaint(), None)
    # Then
    case_id = result.case["id"]
    assert result.case["status"] == "submitted"
    assert [e["type"] for e in result.case["timeline"]] == ["submitted"]
    assert table.calls == ["TransactWriteItems"]
    assert intake.sent == [case_id]
    counters = [i for (pk, sk), i in table.items.items() if pk.startswith("STAT#") and sk.startswith("DAY#")]
    assert sum(i.get("submitted", 0) for i in counters) == 3  # all, category, district (and the same by month)


def test_tracking_numbers_are_short_and_checkable() -> None:
    services, _, _ = make_services()
    case_id = complaints.submit(services, citizen(), complaint(), None).case["id"]
    assert len(case_id) == 11 and case_id.startswith("C-")
    # Read out over the phone in lower case without dashes, it still finds the case.
    found = complaints.track(services, citizen(), case_id.replace("-", "").lower())
    assert found.id == case_id


def test_unknown_category_and_district_are_named_in_the_error() -> None:
    services, intake, _ = make_services()
    with pytest.raises(InvalidInput) as raised:
        complaints.submit(
            services, citizen(), complaint(category_id="no-such", location={"district": "atlantis"}), None
        )
    fields = {d.field for d in raised.value.details}
    assert fields == {"category_id", "location.district"}
    assert intake.sent == []


def test_a_category_for_information_requests_is_not_a_complaint() -> None:
    services, _, _ = make_services()
    with pytest.raises(InvalidInput) as raised:
        complaints.submit(services, citizen(), complaint(category_id="information-request"), None)
    assert raised.value.details[0].field == "category_id"


def test_same_idempotency_key_and_body_returns_the_first_response_and_creates_one_case() -> None:
    table = MemoryTable()
    services, intake, _ = make_services(table)
    first = complaints.submit(services, citizen(), complaint(), "key-1")
    again = complaints.submit(services, citizen(), complaint(), "key-1")
    assert again.replayed and again.case == first.case
    cases = [k for k in table.items if k[1] == "CASE"]
    assert len(cases) == 1
    assert intake.sent == [first.case["id"]]


def test_same_idempotency_key_with_another_body_is_refused() -> None:
    services, _, _ = make_services()
    complaints.submit(services, citizen(), complaint(), "key-1")
    with pytest.raises(IdempotencyKeyReused):
        complaints.submit(services, citizen(), complaint(subject="Something else entirely"), "key-1")


def test_idempotency_keys_belong_to_their_citizen() -> None:
    services, _, _ = make_services()
    mine = complaints.submit(services, citizen("a"), complaint(), "shared")
    theirs = complaints.submit(services, citizen("b"), complaint(), "shared")
    assert mine.case["id"] != theirs.case["id"]


def test_a_failed_enqueue_still_accepts_the_complaint() -> None:
    services, intake, _ = make_services()
    intake.broken = True
    result = complaints.submit(services, citizen(), complaint(), None)
    assert complaints.track(services, citizen(), result.case["id"]).status == "submitted"


def test_another_citizens_case_is_not_found() -> None:
    services, _, _ = make_services()
    case_id = complaints.submit(services, citizen("owner"), complaint(), None).case["id"]
    with pytest.raises(CaseNotFound):
        complaints.track(services, citizen("someone-else"), case_id)
    with pytest.raises(CaseNotFound):
        complaints.track(services, citizen("owner"), "C-0000-0000")


def test_only_citizens_file_complaints() -> None:
    services, _, _ = make_services()
    with pytest.raises(Forbidden):
        complaints.submit(services, officer("lesco-lahore"), complaint(), None)


def test_own_list_is_newest_first_and_paged() -> None:
    services, _, clock = make_services()
    ids = []
    for n in range(5):
        ids.append(complaints.submit(services, citizen(), complaint(subject=f"Complaint number {n}"), None).case["id"])
        clock.advance(minutes=1)
    complaints.submit(services, citizen("other"), complaint(), None)
    first = complaints.list_own(services, citizen(), 2, None)
    second = complaints.list_own(services, citizen(), 2, first.next_cursor)
    third = complaints.list_own(services, citizen(), 2, second.next_cursor)
    seen = [c.id for c in first.items + second.items + third.items]
    assert seen == list(reversed(ids))
    assert third.next_cursor is None


def test_urdu_text_round_trips_unchanged() -> None:
    services, _, _ = make_services()
    text = "میرا بجلی کا بل تین گنا زیادہ آیا ہے، براہ کرم درستی کریں۔"
    case_id = complaints.submit(services, citizen(language="ur"), complaint(description=text), None).case["id"]
    assert complaints.track(services, citizen(language="ur"), case_id).description == text


def test_a_number_answer_is_ascii_digits_with_an_optional_sign_and_point() -> None:
    meter = ServiceAttribute(code="units", datatype="number", description="Units billed")
    category = Category(id="c", name="C", name_ur="ج", group="g", kind="complaint", attributes=[meter])
    for good in ("900", "-3", "2.5", "7.", ".5"):
        assert complaints.attribute_problems(category, {"units": good}) == [], good
    for bad in ("²", "١٢", "９００", "--5", "1_0", "5e3", "1.2.3", "-"):
        assert [p.field for p in complaints.attribute_problems(category, {"units": bad})] == ["attributes.units"], bad
