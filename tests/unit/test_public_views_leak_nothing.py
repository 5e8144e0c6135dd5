"""No public view publishes personal data: a property over generated complaints, every view, every format.

Hypothesis writes complaints in English, Urdu and Roman Urdu that carry a phone number (every
common Pakistani form, digits in ASCII, Urdu or Arabic-Indic script), a CNIC, an e-mail address
(plain or written to dodge harvesters) and the citizen's own name; the citizen publishes some
and keeps others private. Then every public view — Open311 JSON and XML (list, by id, one
request, with extensions), similar complaints, statistics JSON and CSV — is read, and none of
the secrets may appear in any of them.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.api.open311 import render
from chalicelib.logic import complaints, open311, similar, stats
from chalicelib.logic.routing import route_case
from chalicelib.models.common import Principal
from chalicelib.models.complaints import ComplaintIn
from tests.fakes import make_services

URDU_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
NAMES = st.sampled_from(["Sana Tariq", "Bilal Ahmed", "Ayesha Siddiqa", "Muhammad Usman", "ثنا طارق"])


@st.composite
def digits(draw: st.DrawFn, count: int) -> str:
    return "".join(draw(st.sampled_from("0123456789")) for _ in range(count))


def _script(draw: st.DrawFn, text: str) -> str:
    table = draw(st.sampled_from([None, URDU_DIGITS, ARABIC_DIGITS]))
    return text if table is None else "".join(table[int(c)] if c.isdigit() else c for c in text)


@st.composite
def phones(draw: st.DrawFn) -> tuple[str, str]:
    """(as written, its ten national digits)."""
    national = "3" + draw(digits(9))
    prefix = draw(st.sampled_from(["0", "+92", "0092", "92", "+92 ", "0092-", "(0", ""]))
    gap = draw(st.sampled_from(["", " ", "-", ".", " - "]))
    head = f"{prefix}{national[:3]}{')' if prefix == '(0' else ''}"
    written = f"{head}{gap}{national[3:]}" if draw(st.booleans()) else f"{head}{gap}{national[3:6]}{gap}{national[6:]}"
    return _script(draw, written), national


@st.composite
def cnics(draw: st.DrawFn) -> tuple[str, str]:
    number = draw(digits(13))
    gap = draw(st.sampled_from(["-", " ", ""]))
    return _script(draw, f"{number[:5]}{gap}{number[5:12]}{gap}{number[12]}"), number


@st.composite
def emails(draw: st.DrawFn) -> tuple[str, str, str]:
    local = draw(st.sampled_from(["sana.tariq", "bilal_ahmed", "ayesha1990", "usman.k"]))
    domain = draw(st.sampled_from(["gmail", "example", "ptcl"]))
    style = draw(st.sampled_from(["{l}@{d}.com", "{l} at {d} dot com", "{l}[at]{d}[dot]pk", "{l}(at){d}(dot)net"]))
    return style.format(l=local, d=domain), local, domain


SENTENCES = [
    "My name is {name}. Call me on {phone}, CNIC {cnic}, or write to {email}. The bill is wrong.",
    "میرا نام {name} ہے۔ مجھ سے {phone} پر رابطہ کریں، شناختی کارڈ {cnic}، ای میل {email}۔",
    "Mera naam {name} hai, mera number {phone} hai, CNIC {cnic}, email {email}. Please call karein.",
]


def _number_runs(text: str) -> list[str]:
    """Every run of digits (any script) and the separators people put between them, as ASCII digits alone."""
    ascii_text = "".join(str(int(c)) if c.isdigit() else c for c in text)
    return [re.sub(r"\D", "", run) for run in re.findall(r"[0-9][0-9 ().+\-]*[0-9]", ascii_text)]


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    name=NAMES,
    phone=phones(),
    cnic=cnics(),
    email=emails(),
    sentence=st.sampled_from(SENTENCES),
    publish=st.booleans(),
)
def test_no_public_view_shows_a_phone_cnic_email_or_the_citizens_name(
    name: str, phone: tuple[str, str], cnic: tuple[str, str], email: tuple[str, str, str], sentence: str, publish: bool
) -> None:
    services, _, _ = make_services()
    citizen = Principal(sub="citizen-1", role="citizen", name=name)
    text = sentence.format(name=name, phone=phone[0], cnic=cnic[0], email=email[0])
    body = ComplaintIn.model_validate(
        {
            "category_id": "electricity-overbilling",
            "subject": f"{name}: bill",
            "description": text,
            "location": {"district": "lahore"},
            "publish": publish,
            "public_name": False,
        }
    )
    case_id = str(complaints.submit(services, citizen, body, None).case["id"])
    route_case(services, case_id)
    listed = open311.get_requests(services, {"extensions": "true"})
    by_id = open311.get_requests(services, {"service_request_id": case_id})
    one = open311.get_request(services, case_id, extensions=True) if publish else []
    views = [
        repr(listed),
        repr(by_id),
        repr(one),
        render(listed, "xml", "service_requests").body,
        render(one, "xml", "service_requests").body,
        similar.similar(services, "electricity-overbilling", "lahore", text).model_dump_json(),
        stats.statistics(services, group_by="district").model_dump_json(),
        stats.as_csv(stats.statistics(services, group_by="category")),
    ]
    assert (case_id in views[0]) == publish  # published ones are listed, private ones never
    published = " ".join(str(v) for v in views)
    runs = _number_runs(published)
    assert not [r for r in runs if phone[1] in r or cnic[1] in r], (phone, cnic)
    assert email[1] not in published and f"{email[2]}" not in published.lower().replace("example.pk", "")
    for part in [name, *name.split()]:
        assert part not in published, part
