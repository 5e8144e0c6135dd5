"""Delivering notices by SMS and e-mail: per person, channel and language; once; retried after a failure."""

from __future__ import annotations

import pytest

from chalicelib.logic import delivery, identity, pii
from chalicelib.logic.ports import Services
from chalicelib.models.common import Language
from chalicelib.models.errors import InvalidInput, ServiceUnavailable
from chalicelib.models.identity import ConfirmIn, PreferencesIn, RegisterIn
from chalicelib.models.notifications import Notification
from chalicelib.store import keys, people
from tests.fakes import FakeMessenger, citizen, make_services, sent_code


def person(
    services: Services, sub: str, language: Language, *, phone: str | None = None, email: str | None = None
) -> None:
    people.put_profile(services.table, identity.new_profile(services, sub, language, phone=phone, email=email))


def resolved(sub: str | None = "citizen-1", office_id: str | None = None, note_id: str = "n1") -> Notification:
    params = {"case_id": "C-0000-0000", "office_name": "LESCO Lahore", "office_name_ur": "لیسکو لاہور"}
    return Notification(
        id=note_id,
        at="2026-11-27T09:00:00Z",
        template="resolved",
        params=params,
        case_id="C-0000-0000",
        sub=sub,
        office_id=office_id,
    )


def messenger(services: Services) -> FakeMessenger:
    assert isinstance(services.messenger, FakeMessenger)
    return services.messenger


def test_a_citizen_who_registered_with_a_phone_gets_an_sms_in_urdu() -> None:
    services, _, _ = make_services()
    person(services, "citizen-1", "ur", phone="+923001234567")
    done = delivery.deliver(services, resolved())
    assert done.sent == ["sms"]
    [(phone, text)] = messenger(services).sms
    assert phone == "+923001234567" and "لیسکو لاہور" in text and "C-0000-0000" in text
    assert messenger(services).emails == []


def test_a_citizen_who_registered_with_an_email_gets_an_email_in_english() -> None:
    services, _, _ = make_services()
    person(services, "citizen-1", "en", email="ayesha@example.pk")
    delivery.deliver(services, resolved())
    [(address, subject, text)] = messenger(services).emails
    assert address == "ayesha@example.pk" and subject == "Awaaz: C-0000-0000"
    assert text.startswith("LESCO Lahore has marked your complaint C-0000-0000 as resolved")


def test_an_office_notice_reaches_each_of_its_staff_in_their_own_language() -> None:
    services, _, _ = make_services()
    person(services, "officer-1", "en", email="imran@example.pk")
    person(services, "officer-2", "ur", phone="+923009876543")
    for sub in ("officer-1", "officer-2"):
        people.add_staff(services.table, "lesco-lahore", sub)
    done = delivery.deliver(services, resolved(sub=None, office_id="lesco-lahore"))
    assert sorted(done.sent) == ["email", "sms"]
    assert len(messenger(services).emails) == 1 and len(messenger(services).sms) == 1
    assert "لیسکو" in messenger(services).sms[0][1]


def test_a_message_delivered_twice_sends_once() -> None:
    services, _, _ = make_services()
    person(services, "citizen-1", "en", phone="+923001234567")
    delivery.deliver(services, resolved())
    again = delivery.deliver(services, resolved())
    assert again.sent == [] and again.skipped == 1
    assert len(messenger(services).sms) == 1


def test_a_failed_send_gives_its_claim_back_so_the_retry_sends_it() -> None:
    services, _, _ = make_services()
    person(services, "citizen-1", "en", phone="+923001234567")
    messenger(services).broken = True
    with pytest.raises(ServiceUnavailable):
        delivery.deliver(services, resolved())
    assert services.table.get(keys.delivery_key("n1", "citizen-1", "sms")) is None
    messenger(services).broken = False
    assert delivery.deliver(services, resolved()).sent == ["sms"]


def test_someone_without_a_profile_is_skipped_not_an_error() -> None:
    services, _, _ = make_services()
    done = delivery.deliver(services, resolved(sub="gone"))
    assert done.sent == [] and done.skipped == 1


def test_registration_keeps_contacts_encrypted_and_chooses_the_channel_of_the_username() -> None:
    services, _, _ = make_services()
    body = RegisterIn.model_validate(
        {"name": "Ayesha", "phone": "03001234567", "password": "Secret-2026", "language": "ur", "user_type": "resident"}
    )
    identity.register(services, body, "10.0.0.1")
    identity.confirm(services, ConfirmIn(username="+923001234567", code=sent_code(services)), "10.0.0.1")
    [(sub, _)] = [(u["sub"], u) for u in services.identity.users.values()]  # type: ignore[attr-defined]
    profile = people.get_profile(services.table, str(sub))
    assert profile is not None and profile["notify_by"] == ["sms"]
    assert "+923001234567" not in str(profile)
    assert pii.decrypt(profile["phone_encrypted"], services.pii_keys()) == "+923001234567"


def test_preferences_choose_channels_only_with_a_contact_and_change_the_language() -> None:
    services, _, _ = make_services()
    person(services, "citizen-1", "en", phone="+923001234567")
    shown = identity.preferences(services, citizen())
    assert shown.notify_by == ["sms"] and shown.phone == pii.mask_phone("+923001234567") and shown.email is None
    with pytest.raises(InvalidInput) as refused:
        identity.update_preferences(services, citizen(), PreferencesIn(notify_by=["email"]))
    assert refused.value.details[0].field == "notify_by"
    identity.update_preferences(services, citizen(), PreferencesIn(notify_by=[], language="ur"))
    assert delivery.deliver(services, resolved()).sent == []  # in-app only now
    identity.update_preferences(services, citizen(), PreferencesIn(notify_by=["sms"]))
    delivery.deliver(services, resolved(note_id="n2"))
    assert "لیسکو لاہور" in messenger(services).sms[0][1]
