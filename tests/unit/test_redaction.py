"""What a published complaint may show: personal data in its free text is hidden, ordinary content is not."""

from __future__ import annotations

import random
import re
import time

import pytest

from chalicelib.logic import pii
from chalicelib.logic.pii import redact

PHONE, CNIC, NUMBER, EMAIL, NAME = (
    pii.PHONE_HIDDEN,
    pii.CNIC_HIDDEN,
    pii.NUMBER_HIDDEN,
    pii.EMAIL_HIDDEN,
    pii.NAME_HIDDEN,
)


# --- Phone numbers, CNICs, long numbers ------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "03001234567",
        "0300-1234567",
        "0300 1234567",
        "0300 123 4567",
        "0300-123-4567",
        "(0300) 1234567",
        "(0300)1234567",
        "0300.123.4567",
        "0300 - 1234567",
        "+923001234567",
        "+92 300 1234567",
        "+92-300-1234567",
        "+92 (300) 123-4567",
        "+92 (0) 300 1234567",
        "+92 0300 1234567",
        "(+92) 300 1234567",
        "0092 300 1234567",
        "00923001234567",
        "92 300 1234567",
        "923001234567",
        "300 1234567",
        "300-123-4567",
        "3001234567",
        "(0300) - 1234567",
        "042-35761234",
        "(042) 3576 1234",
        "+92 42 3576 1234",
        "0092-42-35761234",
        "051 9201234",
        "021-34567890",
        "+1 (555) 123-4567",
        "+44 20 7946 0958",
        "0044 20 7946 0958",
        "+971 50 123 4567",
        "+8613812345678",
    ],
)
def test_a_phone_number_in_any_common_form_is_hidden(phone: str) -> None:
    # Given a complaint that gives a phone number as citizens write them
    text = f"Please call me on {phone} about the water."
    # When it is redacted for publishing
    published = redact(text)
    # Then the number is gone, the words around it are not
    assert published == f"Please call me on {PHONE} about the water."


@pytest.mark.parametrize("cnic", ["35202-1234567-1", "35202 1234567 1", "3520212345671", "61101-1234567-9"])
def test_a_cnic_with_or_without_dashes_is_hidden(cnic: str) -> None:
    assert redact(f"Mera CNIC {cnic} hai") == f"Mera CNIC {CNIC} hai"


@pytest.mark.parametrize(
    "number",
    ["1234567890", "12 3456 7890 12", "0412 3456 7890", "12-345-678-901", "1234.5678.90", "98765432109876543210"],
)
def test_any_other_run_of_ten_digits_or_more_is_hidden(number: str) -> None:
    # Consumer, account and reference numbers identify a household.
    assert redact(f"consumer no. {number}, bill wrong") == f"consumer no. {NUMBER}, bill wrong"


@pytest.mark.parametrize(
    ("digits", "written"),
    [
        ("urdu", "۰۳۰۰۱۲۳۴۵۶۷"),
        ("arabic-indic", "٠٣٠٠-١٢٣٤٥٦٧"),
        ("fullwidth", "０３００ １２３４５６７"),
        ("devanagari", "०३०० १२३४५६७"),
        ("mixed", "۰3٠0 ١23۴5٦7"),
    ],
)
def test_digits_of_any_script_read_as_digits(digits: str, written: str) -> None:
    assert redact(f"میرا نمبر {written} ہے") == f"میرا نمبر {PHONE} ہے", digits


def test_the_issue_example_publishes_none_of_its_numbers() -> None:
    text = "call me on 0300 123 4567 or +92 300 1234567, CNIC 35202 1234567 1, ۰۳۰۰۱۲۳۴۵۶۷"
    assert redact(text) == f"call me on {PHONE} or {PHONE}, CNIC {CNIC}, {PHONE}"


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("0300 1234567 35202 1234567 1", f"{PHONE} {CNIC}"),
        ("0300 1234567 0301 7654321", f"{PHONE} {PHONE}"),
        ("0300 1234567 2 baar call ki", f"{PHONE} 2 baar call ki"),
        ("+92 300 1234567 2 baar", f"{PHONE} 2 baar"),
        ("on 28.11.2026 0300 1234567", f"on 28.11.2026 {PHONE}"),
        ("call (0300 1234567) today", f"call {PHONE} today"),
        ("Street 4 0300-1234567", f"Street 4 {PHONE}"),
    ],
)
def test_a_number_next_to_other_numbers_is_hidden_alone(text: str, published: str) -> None:
    assert redact(text) == published


@pytest.mark.parametrize(
    "text",
    [
        "Bill Rs 12,500 aya hai, pichle mahine Rs. 4500 tha, 900 units",
        "Rs 1,25,000 ka bill, Rs 15000-20000 har mahine, 15000 - 20000 rupees",
        "on 2026-11-28, again 28/11/2026 and 28.11.2026 and 28-11-26",
        "۲۸/۱۱/۲۰۲۶ کو",
        "at 10:30 am, then 9.45 pm, 28.11.2026 12 baje",
        "House 12, Street 4, Block C-2, Sector G-9/4, Islamabad 44000",
        "no water for 3 days since 2019; 2020 and 2021 too; 45% of homes",
        "12.5% tax, 1.5 kg, 250 ml, 17 tubewells",
        "my complaint C-7K4M-2Q9X and C-1234-5678",
        "helpline 1334 and UAN 111-000-111",
        "ref 123456789 is nine digits",
    ],
)
def test_ordinary_numbers_are_published_as_written(text: str) -> None:
    assert redact(text) == text


# --- E-mail addresses ------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    [
        "ali.raza@gmail.com",
        "Ali_Raza-1@Domain.PK",
        "ali+awaaz@mail.com.pk",
        "ali @ gmail . com",
        "ali@gmail dot com",
        "ali at gmail dot com",
        "ALI AT GMAIL DOT COM",
        "ali at gmail.com",
        "ali [at] gmail [dot] com",
        "ali[at]gmail[dot]com",
        "ali(at)gmail(dot)com",
        "ali (AT) gmail (Dot) com",
        "ali {at} punjab {dot} gov {dot} pk",
        "ali at the rate gmail dot com",
        "ali ایٹ gmail ڈاٹ com",
    ],
)
def test_an_email_address_plain_or_spelled_out_is_hidden(email: str) -> None:
    assert redact(f"Mera email {email} hai, reply karein.") == f"Mera email {EMAIL} hai, reply karein."


def test_an_email_in_urdu_text_is_hidden_and_the_urdu_kept() -> None:
    assert redact("میرا ای میل ali.raza@gmail.com ہے۔") == f"میرا ای میل {EMAIL} ہے۔"


@pytest.mark.parametrize(
    "text",
    [
        "I was at home",
        "I was at home. Then the water came",
        "we met at the office. dot",
        "Complaint registered at pitb.gov.pk and visit us at www.lesco.gov.pk",
        "charged at the rate of Rs. 25 per unit, at the rate of 25.50 per unit",
        "meet me @ 5pm at the XEN office",
        "look at the drain near the mosque",
    ],
)
def test_prose_with_at_and_dot_is_not_taken_for_an_email(text: str) -> None:
    assert redact(text) == text


def test_the_word_before_a_spelled_out_address_is_not_taken_for_its_mailbox() -> None:
    assert redact("contact us at ali.raza at gmail dot com") == f"contact us at {EMAIL}"


# --- The citizen's own name ------------------------------------------------------------

REGISTERED = ("Muhammad Ali Raza", "محمد علی رضا")


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("Mera naam Muhammad Ali Raza hai", f"Mera naam {NAME} hai"),
        ("MUHAMMAD ALI RAZA, House 12", f"{NAME}, House 12"),
        ("muhammad  ali-raza", NAME),
        ("MuhammadAliRaza", NAME),
        ("Ali Raza ne call ki", f"{NAME} {NAME} ne call ki"),
        ("ask for raza or ALI", f"ask for {NAME} or {NAME}"),
        ("Ali's house, ali.raza ka account", f"{NAME}'s house, {NAME}.{NAME} ka account"),
        ("میرا نام محمد علی رضا ہے", f"میرا نام {NAME} ہے"),
        ("علی کا گھر", f"{NAME} کا گھر"),
        ("عَلی کا گھر", f"{NAME} کا گھر"),  # with a zabar
        ("مُحمّد صاحب", f"{NAME} صاحب"),  # pesh and shadd
        ("علي رضا", f"{NAME} {NAME}"),  # Arabic yeh
        ("Raza03001234567", f"{NAME}{PHONE}"),
    ],
)
def test_the_citizens_name_is_hidden_in_any_case_script_and_spelling_of_marks(text: str, published: str) -> None:
    assert redact(text, REGISTERED) == published


@pytest.mark.parametrize("text", ["Aliya aur Alibaba", "Razak sahib", "Bi Amna", "علیم صاحب"])
def test_only_whole_words_are_taken_for_the_name(text: str) -> None:
    assert redact(text, ("Ali Raza", "علی", "Bi Bi")) == text


def test_a_short_part_is_hidden_only_within_the_full_name() -> None:
    assert redact("M. Ali came; M. said", ["M. Ali"]) == f"{NAME} came; M. said"


def test_a_single_name_may_be_given_as_a_string() -> None:
    assert redact("Ali Raza ka ghar", "Ali Raza") == f"{NAME} ka ghar"


def test_without_names_redact_reads_as_before() -> None:
    assert redact("Ali Raza, 0300 1234567") == f"Ali Raza, {PHONE}"


def test_a_name_that_reads_like_a_placeholder_does_not_eat_it() -> None:
    once = redact("Phone Hidden: 0300 1234567", ["Phone Hidden"])
    assert once == f"{NAME}: {PHONE}" and redact(once, ["Phone Hidden"]) == once


# --- Robustness -------------------------------------------------------------------------

_PATHOLOGICAL = {
    "digits": "7" * 4000,
    "digit and space": "1 " * 2000,
    "digit and dash": "0-" * 2000,
    "groups": "123-45 6.7(8) " * 285,
    "random separators": "".join(random.Random(11).choice("0123456789 -.()+") for _ in range(4000)),
}
_PATHOLOGICAL_PROSE = {
    "one long word": "a" * 4000,
    "dotted word": "a." * 2000,
    "ats": "a@" * 2000,
    "spoken ats": "a at " * 800,
    "long domain": "x@" + "a." * 1999,
    "spoken dots": "x at " + "a dot " * 665,
    "bracketed ats": "a[at]" * 800,
    "spaces": "a" + " " * 3990 + "@b",
    "many short numbers": "1," * 2000,
    "many amounts": "Rs 1 " * 800,
}


@pytest.mark.parametrize("name", _PATHOLOGICAL)
def test_four_thousand_characters_of_digits_and_separators_are_redacted_whole(name: str) -> None:
    # Given an adversarial complaint body (the regexes must not backtrack on it)
    text = _PATHOLOGICAL[name]
    # When it is redacted
    began = time.perf_counter()
    published = redact(text)
    print(f"{name}: {1000 * (time.perf_counter() - began):.1f} ms")
    # Then no run of ten digits is left, and a second redaction changes nothing
    assert not re.search(r"[0-9]{10}", published)
    assert redact(published) == published


@pytest.mark.parametrize("name", _PATHOLOGICAL_PROSE)
def test_four_thousand_characters_of_near_addresses_are_left_as_they_are(name: str) -> None:
    text = _PATHOLOGICAL_PROSE[name]
    began = time.perf_counter()
    published = redact(text)
    print(f"{name}: {1000 * (time.perf_counter() - began):.1f} ms")
    assert published == text
