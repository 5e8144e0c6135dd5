"""Complete the directory seed to the whole country (run by hand, output committed; never at `make run`).

    .venv/bin/python -m infra.seed_country [/work/shared/data/boundaries/pakistan-districts-2019.geojson]

Reads infra/seed/directory.json and writes it back with:

- a district for every shape of the geoBoundaries districts of Pakistan (2019, public domain; see
  chalicelib/data/boundaries/NOTICE.md), plus the districts the source has no shape of their own for
  (Larkana, inside its Qambar Shahdadkot; the ten districts of Azad Jammu and Kashmir, one shape), each
  with its province or territory (`level_id`), its Urdu name and a point inside its boundary (`lat`/`lon`:
  the seat already seeded if it lies in the district's own shape, else the shape's centroid if inside,
  else the interior point farthest from its edges);
- an office in every district for the departments that have one there (police, health, education,
  municipal services, land records, the Punjab Food Authority, the electricity company serving the
  district), under the regional office of the district's division where the department has one;
- a routing rule for every (complaint category, district) pair that has none: the district's own office
  of the organisation serving it, else that organisation's nearest regional office in the district's
  province (the level below its head office: NADRA's regions, FIA's zones, the post's circles, SNGPL's
  regions...; Islamabad's offices count as Punjab's, and AJK and Gilgit-Baltistan, where most federal
  bodies have no office, take the nearest anywhere). A pair whose office would be the category's fallback gets no rule (the fallback
  answers), nor does a category the seed routes by its fallback alone (telecoms, highways, arms licences).

Entries already in the file are kept as they are (its 32 original districts, their offices and rules), so a
second run changes nothing; district entries are rewritten from the tables below.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from chalicelib.logic import geo  # noqa: E402

SEED = REPO / "infra" / "seed" / "directory.json"
SOURCE = Path("/work/shared/data/boundaries/pakistan-districts-2019.geojson")

Entry = dict[str, Any]

# Every district by province or territory: id → (English name, Urdu name, the seat of its division).
# Boundary names that are not the district's id are in geo.ALIASES (Sheikhpura, Vihari, Nawabshah, ...).
PUNJAB = {
    "lahore": ("Lahore", "لاہور", "lahore"),
    "kasur": ("Kasur", "قصور", "lahore"),
    "sheikhupura": ("Sheikhupura", "شیخوپورہ", "lahore"),
    "gujranwala": ("Gujranwala", "گوجرانوالہ", "gujranwala"),
    "gujrat": ("Gujrat", "گجرات", "gujranwala"),
    "hafizabad": ("Hafizabad", "حافظ آباد", "gujranwala"),
    "mandi-bahauddin": ("Mandi Bahauddin", "منڈی بہاؤالدین", "gujranwala"),
    "narowal": ("Narowal", "نارووال", "gujranwala"),
    "sialkot": ("Sialkot", "سیالکوٹ", "gujranwala"),
    "rawalpindi": ("Rawalpindi", "راولپنڈی", "rawalpindi"),
    "attock": ("Attock", "اٹک", "rawalpindi"),
    "chakwal": ("Chakwal", "چکوال", "rawalpindi"),
    "jhelum": ("Jhelum", "جہلم", "rawalpindi"),
    "sargodha": ("Sargodha", "سرگودھا", "sargodha"),
    "bhakkar": ("Bhakkar", "بھکر", "sargodha"),
    "khushab": ("Khushab", "خوشاب", "sargodha"),
    "mianwali": ("Mianwali", "میانوالی", "sargodha"),
    "faisalabad": ("Faisalabad", "فیصل آباد", "faisalabad"),
    "jhang": ("Jhang", "جھنگ", "faisalabad"),
    "toba-tek-singh": ("Toba Tek Singh", "ٹوبہ ٹیک سنگھ", "faisalabad"),
    "sahiwal": ("Sahiwal", "ساہیوال", "sahiwal"),
    "okara": ("Okara", "اوکاڑہ", "sahiwal"),
    "pakpattan": ("Pakpattan", "پاکپتن", "sahiwal"),
    "multan": ("Multan", "ملتان", "multan"),
    "khanewal": ("Khanewal", "خانیوال", "multan"),
    "lodhran": ("Lodhran", "لودھراں", "multan"),
    "vehari": ("Vehari", "وہاڑی", "multan"),
    "dera-ghazi-khan": ("Dera Ghazi Khan", "ڈیرہ غازی خان", "dera-ghazi-khan"),
    "layyah": ("Layyah", "لیہ", "dera-ghazi-khan"),
    "muzaffargarh": ("Muzaffargarh", "مظفر گڑھ", "dera-ghazi-khan"),
    "rajanpur": ("Rajanpur", "راجن پور", "dera-ghazi-khan"),
    "bahawalpur": ("Bahawalpur", "بہاولپور", "bahawalpur"),
    "bahawalnagar": ("Bahawalnagar", "بہاولنگر", "bahawalpur"),
    "rahim-yar-khan": ("Rahim Yar Khan", "رحیم یار خان", "bahawalpur"),
}
SINDH = {
    "karachi": ("Karachi", "کراچی", "karachi"),
    "hyderabad": ("Hyderabad", "حیدرآباد", "hyderabad"),
    "badin": ("Badin", "بدین", "hyderabad"),
    "dadu": ("Dadu", "دادو", "hyderabad"),
    "jamshoro": ("Jamshoro", "جامشورو", "hyderabad"),
    "matiari": ("Matiari", "مٹیاری", "hyderabad"),
    "tando-allahyar": ("Tando Allahyar", "ٹنڈو الہ یار", "hyderabad"),
    "tando-muhammad-khan": ("Tando Muhammad Khan", "ٹنڈو محمد خان", "hyderabad"),
    "thatta": ("Thatta", "ٹھٹھہ", "hyderabad"),
    "mirpurkhas": ("Mirpurkhas", "میرپورخاص", "mirpurkhas"),
    "tharparkar": ("Tharparkar", "تھرپارکر", "mirpurkhas"),
    "umerkot": ("Umerkot", "عمرکوٹ", "mirpurkhas"),
    "shaheed-benazirabad": ("Shaheed Benazirabad", "شہید بینظیر آباد", "shaheed-benazirabad"),
    "naushehro-feroze": ("Naushehro Feroze", "نوشہرو فیروز", "shaheed-benazirabad"),
    "sanghar": ("Sanghar", "سانگھڑ", "shaheed-benazirabad"),
    "sukkur": ("Sukkur", "سکھر", "sukkur"),
    "ghotki": ("Ghotki", "گھوٹکی", "sukkur"),
    "khairpur": ("Khairpur", "خیرپور", "sukkur"),
    "larkana": ("Larkana", "لاڑکانہ", "larkana"),
    "jacobabad": ("Jacobabad", "جیکب آباد", "larkana"),
    "kashmore": ("Kashmore", "کشمور", "larkana"),
    "qambar-shahdadkot": ("Qambar Shahdadkot", "قمبر شہداد کوٹ", "larkana"),
    "shikarpur": ("Shikarpur", "شکارپور", "larkana"),
}
KHYBER_PAKHTUNKHWA = {
    "peshawar": ("Peshawar", "پشاور", "peshawar"),
    "charsadda": ("Charsadda", "چارسدہ", "peshawar"),
    "nowshera": ("Nowshera", "نوشہرہ", "peshawar"),
    "khyber": ("Khyber", "خیبر", "peshawar"),
    "mohmand": ("Mohmand", "مہمند", "peshawar"),
    "mardan": ("Mardan", "مردان", "mardan"),
    "swabi": ("Swabi", "صوابی", "mardan"),
    "swat": ("Swat", "سوات", "swat"),
    "upper-dir": ("Upper Dir", "اپر دیر", "swat"),
    "lower-dir": ("Lower Dir", "لوئر دیر", "swat"),
    "chitral": ("Chitral", "چترال", "swat"),
    "buner": ("Buner", "بونیر", "swat"),
    "shangla": ("Shangla", "شانگلہ", "swat"),
    "malakand": ("Malakand", "ملاکنڈ", "swat"),
    "bajaur": ("Bajaur", "باجوڑ", "swat"),
    "abbottabad": ("Abbottabad", "ایبٹ آباد", "abbottabad"),
    "haripur": ("Haripur", "ہری پور", "abbottabad"),
    "mansehra": ("Mansehra", "مانسہرہ", "abbottabad"),
    "battagram": ("Battagram", "بٹگرام", "abbottabad"),
    "kohistan": ("Kohistan", "کوہستان", "abbottabad"),
    "kohat": ("Kohat", "کوہاٹ", "kohat"),
    "hangu": ("Hangu", "ہنگو", "kohat"),
    "karak": ("Karak", "کرک", "kohat"),
    "kurram": ("Kurram", "کرم", "kohat"),
    "orakzai": ("Orakzai", "اورکزئی", "kohat"),
    "bannu": ("Bannu", "بنوں", "bannu"),
    "lakki-marwat": ("Lakki Marwat", "لکی مروت", "bannu"),
    "north-waziristan": ("North Waziristan", "شمالی وزیرستان", "bannu"),
    "dera-ismail-khan": ("Dera Ismail Khan", "ڈیرہ اسماعیل خان", "dera-ismail-khan"),
    "tank": ("Tank", "ٹانک", "dera-ismail-khan"),
    "south-waziristan": ("South Waziristan", "جنوبی وزیرستان", "dera-ismail-khan"),
}
BALOCHISTAN = {
    "quetta": ("Quetta", "کوئٹہ", "quetta"),
    "pishin": ("Pishin", "پشین", "quetta"),
    "qilla-abdullah": ("Qilla Abdullah", "قلعہ عبداللہ", "quetta"),
    "zhob": ("Zhob", "ژوب", "zhob"),
    "qilla-saifullah": ("Qilla Saifullah", "قلعہ سیف اللہ", "zhob"),
    "loralai": ("Loralai", "لورالائی", "loralai"),
    "barkhan": ("Barkhan", "بارکھان", "loralai"),
    "musakhel": ("Musakhel", "موسیٰ خیل", "loralai"),
    "sibi": ("Sibi", "سبی", "sibi"),
    "ziarat": ("Ziarat", "زیارت", "sibi"),
    "kohlu": ("Kohlu", "کوہلو", "sibi"),
    "dera-bugti": ("Dera Bugti", "ڈیرہ بگٹی", "sibi"),
    "nasirabad": ("Nasirabad", "نصیرآباد", "nasirabad"),
    "jafarabad": ("Jafarabad", "جعفرآباد", "nasirabad"),
    "jhal-magsi": ("Jhal Magsi", "جھل مگسی", "nasirabad"),
    "kachhi": ("Kachhi", "کچھی", "nasirabad"),
    "kalat": ("Kalat", "قلات", "kalat"),
    "khuzdar": ("Khuzdar", "خضدار", "kalat"),
    "mastung": ("Mastung", "مستونگ", "kalat"),
    "awaran": ("Awaran", "آواران", "kalat"),
    "lasbela": ("Lasbela", "لسبیلہ", "kalat"),
    "kech": ("Kech (Turbat)", "کیچ (تربت)", "kech"),
    "gwadar": ("Gwadar", "گوادر", "kech"),
    "panjgur": ("Panjgur", "پنجگور", "kech"),
    "kharan": ("Kharan", "خاران", "kharan"),
    "chagai": ("Chagai", "چاغی", "kharan"),
    "nushki": ("Nushki", "نوشکی", "kharan"),
}
ISLAMABAD = {"islamabad": ("Islamabad", "اسلام آباد", "islamabad")}
AZAD_KASHMIR = {
    "muzaffarabad": ("Muzaffarabad", "مظفرآباد", "muzaffarabad"),
    "mirpur": ("Mirpur", "میرپور", "mirpur"),
    "bagh": ("Bagh", "باغ", "poonch"),
    "bhimber": ("Bhimber", "بھمبر", "mirpur"),
    "hattian-bala": ("Hattian Bala", "ہٹیاں بالا", "muzaffarabad"),
    "haveli": ("Haveli", "حویلی", "poonch"),
    "kotli": ("Kotli", "کوٹلی", "mirpur"),
    "neelum": ("Neelum", "نیلم", "muzaffarabad"),
    "poonch": ("Poonch", "پونچھ", "poonch"),
    "sudhnoti": ("Sudhnoti", "سدھنوتی", "poonch"),
}
GILGIT_BALTISTAN = {
    "gilgit": ("Gilgit", "گلگت", "gilgit"),
    "ghizer": ("Ghizer", "غذر", "gilgit"),
    "hunza": ("Hunza", "ہنزہ", "gilgit"),
    "nagar": ("Nagar", "نگر", "gilgit"),
    "skardu": ("Skardu", "سکردو", "skardu"),
    "ghanche": ("Ghanche", "گانچھے", "skardu"),
    "shigar": ("Shigar", "شگر", "skardu"),
    "kharmang": ("Kharmang", "کھرمنگ", "skardu"),
    "diamer": ("Diamer", "دیامر", "diamer"),
    "astore": ("Astore", "استور", "diamer"),
}
LEVELS = {
    "punjab": PUNJAB,
    "sindh": SINDH,
    "khyber-pakhtunkhwa": KHYBER_PAKHTUNKHWA,
    "balochistan": BALOCHISTAN,
    "islamabad": ISLAMABAD,
    "azad-kashmir": AZAD_KASHMIR,
    "gilgit-baltistan": GILGIT_BALTISTAN,
}
# Districts inside a shape that stands for several: their seats (the shape's centroid says nothing).
SEATS = {
    "bagh": (33.9803, 73.7762),
    "bhimber": (32.9747, 74.0793),
    "hattian-bala": (34.1691, 73.7432),
    "haveli": (33.8806, 74.0986),  # Forward Kahuta
    "kotli": (33.5186, 73.9022),
    "neelum": (34.5857, 73.9073),  # Athmuqam
    "poonch": (33.8578, 73.7604),  # Rawalakot
    "sudhnoti": (33.7147, 73.6861),  # Pallandri
}

# The electricity distribution company serving each district (its real service territory); K-Electric also
# reaches Hub and Gharo beyond Karachi, but the districts' companies are QESCO and HESCO.
ELECTRICITY = {
    "lesco": ["lahore", "kasur", "okara", "sheikhupura"],
    "gepco": ["gujranwala", "sialkot", "narowal", "gujrat", "mandi-bahauddin", "hafizabad"],
    "fesco": ["faisalabad", "jhang", "toba-tek-singh", "sargodha", "khushab", "mianwali", "bhakkar"],
    "iesco": ["islamabad", "rawalpindi", "attock", "jhelum", "chakwal"],
    "mepco": [
        *["multan", "khanewal", "lodhran", "vehari", "sahiwal", "pakpattan", "bahawalpur", "bahawalnagar"],
        *["rahim-yar-khan", "dera-ghazi-khan", "layyah", "muzaffargarh", "rajanpur"],
    ],
    "tesco": ["bajaur", "mohmand", "khyber", "kurram", "orakzai", "north-waziristan", "south-waziristan"],
    "k-electric": ["karachi"],
    "sepco": [
        *["sukkur", "ghotki", "khairpur", "larkana", "qambar-shahdadkot", "shikarpur", "jacobabad", "kashmore"],
        *["dadu", "naushehro-feroze"],
    ],
    "qesco": list(BALOCHISTAN),
    "ajk-electricity": list(AZAD_KASHMIR),
    "gb-water-power": list(GILGIT_BALTISTAN),
}
ELECTRICITY["pesco"] = [d for d in KHYBER_PAKHTUNKHWA if d not in ELECTRICITY["tesco"]]
ELECTRICITY["hesco"] = [d for d in SINDH if d not in ELECTRICITY["sepco"] + ELECTRICITY["k-electric"]]
# The gas company by province; Gilgit-Baltistan has no gas network (its cases go to the category's fallback).
GAS = {
    "punjab": "sngpl",
    "khyber-pakhtunkhwa": "sngpl",
    "islamabad": "sngpl",
    "azad-kashmir": "sngpl",
    "sindh": "ssgc",
    "balochistan": "ssgc",
}

# The provincial department serving a category family in each province or territory.
PROVINCIAL: dict[str, dict[str, str]] = {
    "police": {
        "punjab": "punjab-police",
        "sindh": "sindh-police",
        "khyber-pakhtunkhwa": "kp-police",
        "balochistan": "balochistan-police",
        "islamabad": "ict-police",
        "azad-kashmir": "ajk-police",
        "gilgit-baltistan": "gb-police",
    },
    "education": {
        "punjab": "punjab-school-education",
        "sindh": "sindh-education-literacy",
        "khyber-pakhtunkhwa": "kp-elementary-education",
        "balochistan": "balochistan-education",
        "islamabad": "mofept",
        "azad-kashmir": "ajk-education",
        "gilgit-baltistan": "gb-education",
    },
    "health": {
        "punjab": "punjab-primary-healthcare",
        "sindh": "sindh-health",
        "khyber-pakhtunkhwa": "kp-health",
        "balochistan": "balochistan-health",
        "islamabad": "nhsrc",
        "azad-kashmir": "ajk-health",
        "gilgit-baltistan": "gb-health",
    },
    "municipal": {
        "punjab": "punjab-local-government",
        "sindh": "sindh-local-government",
        "khyber-pakhtunkhwa": "kp-local-government",
        "balochistan": "balochistan-local-government",
        "azad-kashmir": "ajk-local-government",
        "gilgit-baltistan": "gb-local-government",
    },
    "land": {
        "punjab": "plra",
        "sindh": "sindh-board-of-revenue",
        "khyber-pakhtunkhwa": "kp-board-of-revenue",
        "islamabad": "ict-administration",
    },
    "food": {
        "punjab": "punjab-food-authority",
        "sindh": "sindh-food-authority",
        "khyber-pakhtunkhwa": "kp-food-authority",
    },
    "corruption": {"punjab": "ace-punjab", "sindh": "ace-sindh", "khyber-pakhtunkhwa": "ace-kp"},
}
FAMILIES = {
    "electricity": "electricity",
    "gas": "gas",
    "water": "municipal",
    "sewerage": "municipal",
    "solid": "municipal",
    "roads": "municipal",
    "streetlights": "municipal",
    "municipal": "municipal",
    "encroachment": "municipal",
    "building": "municipal",
    "police": "police",
    "education": "education",
    "health": "health",
    "food": "food",
    "land": "land",
    "corruption": "corruption",
}

# Offices opened in each district an organisation serves: (English, Urdu) with {d} the district's name.
DISCO = {
    "lesco": ("LESCO", "لیسکو"),
    "gepco": ("GEPCO", "گیپکو"),
    "fesco": ("FESCO", "فیسکو"),
    "iesco": ("IESCO", "آئیسکو"),
    "mepco": ("MEPCO", "میپکو"),
    "pesco": ("PESCO", "پیسکو"),
    "tesco": ("TESCO", "ٹیسکو"),
    "hesco": ("HESCO", "حیسکو"),
    "sepco": ("SEPCO", "سیپکو"),
    "qesco": ("QESCO", "کیسکو"),
}
DISTRICT_OFFICES: dict[str, tuple[str, str, str]] = {
    # organisation: (id suffix, English, Urdu)
    **{
        org: (
            "operations",
            f"{en} {{d}} District Operations (Executive Engineer)",
            f"{ur} {{d}} ڈسٹرکٹ آپریشنز (ایگزیکٹو انجینئر)",
        )
        for org, (en, ur) in DISCO.items()
    },
    "ajk-electricity": (
        "operations",
        "Electricity Division {d} (Executive Engineer)",
        "برقیات ڈویژن {d} (ایگزیکٹو انجینئر)",
    ),
    "gb-water-power": (
        "operations",
        "Water & Power Division {d} (Executive Engineer)",
        "واٹر اینڈ پاور ڈویژن {d} (ایگزیکٹو انجینئر)",
    ),
    "punjab-police": ("", "District Police Officer {d}", "ڈسٹرکٹ پولیس آفیسر {d}"),
    "kp-police": ("", "District Police Officer {d}", "ڈسٹرکٹ پولیس آفیسر {d}"),
    "sindh-police": ("", "Senior Superintendent of Police {d}", "سینئر سپرنٹنڈنٹ پولیس {d}"),
    "balochistan-police": ("", "Senior Superintendent of Police {d}", "سینئر سپرنٹنڈنٹ پولیس {d}"),
    "ajk-police": ("", "Senior Superintendent of Police {d}", "سینئر سپرنٹنڈنٹ پولیس {d}"),
    "gb-police": ("", "Senior Superintendent of Police {d}", "سینئر سپرنٹنڈنٹ پولیس {d}"),
    "punjab-school-education": (
        "",
        "Chief Executive Officer, District Education Authority {d}",
        "چیف ایگزیکٹو آفیسر، ڈسٹرکٹ ایجوکیشن اتھارٹی {d}",
    ),
    **{
        org: ("", "District Education Officer {d}", "ڈسٹرکٹ ایجوکیشن آفیسر {d}")
        for org in ("sindh-education-literacy", "kp-elementary-education", "balochistan-education")
    },
    **{
        org: ("", "District Education Officer {d}", "ڈسٹرکٹ ایجوکیشن آفیسر {d}")
        for org in ("ajk-education", "gb-education")
    },
    "punjab-primary-healthcare": (
        "",
        "Chief Executive Officer, District Health Authority {d}",
        "چیف ایگزیکٹو آفیسر، ڈسٹرکٹ ہیلتھ اتھارٹی {d}",
    ),
    **{
        org: ("", "District Health Officer {d}", "ڈسٹرکٹ ہیلتھ آفیسر {d}")
        for org in ("sindh-health", "kp-health", "balochistan-health", "ajk-health", "gb-health")
    },
    **{
        org: ("", "Municipal Committee {d}", "میونسپل کمیٹی {d}")
        for org in (
            "punjab-local-government",
            "sindh-local-government",
            "balochistan-local-government",
            "ajk-local-government",
            "gb-local-government",
        )
    },
    "kp-local-government": ("", "Tehsil Municipal Administration {d}", "تحصیل میونسپل ایڈمنسٹریشن {d}"),
    "plra": (
        "",
        "PLRA District Office {d} (Arazi Record Centres)",
        "پی ایل آر اے ڈسٹرکٹ آفس {d} (اراضی ریکارڈ سینٹرز)",
    ),
    **{
        org: ("", "Deputy Commissioner {d} (Collector, Land Revenue)", "ڈپٹی کمشنر {d} (کلکٹر لینڈ ریونیو)")
        for org in ("sindh-board-of-revenue", "kp-board-of-revenue")
    },
    "punjab-food-authority": ("", "Punjab Food Authority, District Office {d}", "پنجاب فوڈ اتھارٹی، ڈسٹرکٹ آفس {d}"),
}
# Parents of new district offices below the head office, where the organisation has one for every district.
UNDER = {
    "kp-elementary-education": "kp-elementary-education-directorate",
    "sindh-health": "sindh-health-dg",
    "kp-health": "kp-health-dg",
}

# Organisations the original seed did not have.
NEW_ORGANISATIONS: list[Entry] = [
    {
        "id": "balochistan-local-government",
        "name": "Local Government & Rural Development Department Balochistan",
        "name_ur": "محکمہ بلدیات و دیہی ترقی بلوچستان",
        "level_id": "balochistan",
        "kind": "department",
    }
]
NEW_HEAD_OFFICES: list[Entry] = [
    {
        "id": "balochistan-local-government-hq",
        "organisation_id": "balochistan-local-government",
        "name": "Local Government & Rural Development Department, Civil Secretariat, Quetta",
        "name_ur": "محکمہ بلدیات و دیہی ترقی، سول سیکرٹریٹ، کوئٹہ",
        "district_id": "quetta",
        "parent_id": None,
    }
]
# Federal bodies' regions follow the provinces; the capital's offices also serve the Punjab around it.
REGION_OF = {"islamabad": "punjab"}
# Bodies of the capital territory: their offices are all in Islamabad, the one district they serve.
CAPITAL_ONLY = {"ict-police", "mofept", "nhsrc", "ict-administration"}
# Organisations whose offices stand for the whole province, not one district (never chosen as "nearest").
FALLBACK_ONLY_ORGANISATIONS = {"pmdu", "power-division", "petroleum-division"}


# id → (English name, Urdu name, level, the division's seat)
DISTRICTS = {i: (name, ur, level, seat) for level, table in LEVELS.items() for i, (name, ur, seat) in table.items()}


def _shape_polygons(feature: Entry) -> list[list[list[tuple[float, float]]]]:
    g = feature["geometry"]
    polygons = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
    return [[[(float(x), float(y)) for x, y in ring] for ring in p] for p in polygons]


def _centroid(polygons: list[list[list[tuple[float, float]]]]) -> tuple[float, float]:
    """The area-weighted centroid of the outer rings (lon, lat)."""
    area = cx = cy = 0.0
    for p in polygons:
        ring = p[0]
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            cross = x1 * y2 - x2 * y1
            area += cross
            cx += (x1 + x2) * cross
            cy += (y1 + y2) * cross
    return cx / (3 * area), cy / (3 * area)


def _deepest(shape: geo.Shape, steps: int = 60) -> tuple[float, float]:
    """The point of a grid over the shape that lies inside it farthest from its edges (lon, lat)."""
    west, south, east, north = shape.bbox
    best, where = -1.0, (west, south)
    for i in range(1, steps):
        for j in range(1, steps):
            x, y = west + (east - west) * i / steps, south + (north - south) * j / steps
            if shape.holds(x, y):
                d = shape.distance(x, y)
                if d > best:
                    best, where = d, (x, y)
    return where


def _lies_in_own(lat: float, lon: float, name: str, full: list[geo.Shape]) -> bool:
    """In the named shape both in the source and in the shipped, simplified boundaries, and not at an edge."""
    source, shipped = geo.shape_at(lat, lon, within=full), geo.shape_at(lat, lon)
    return bool(source and shipped and source.name == shipped.name == name and shipped.holds(lon, lat))


def district_entries(base: list[Entry], source: Path) -> list[Entry]:
    collection = json.loads(source.read_text(encoding="utf-8"))
    full = []
    centroids = {}
    for f in collection["features"]:
        polygons = _shape_polygons(f)
        xs = [x for p in polygons for x, _ in p[0]]
        ys = [y for p in polygons for _, y in p[0]]
        name = f["properties"]["shapeName"]
        rings = tuple(tuple(tuple(ring) for ring in p) for p in polygons)
        full.append(geo.Shape(name, (min(xs), min(ys), max(xs), max(ys)), rings))
        centroids[name] = _centroid(polygons)
    shipped = {s.name: s for s in geo.shapes()}
    boundary_of = {i: name for name in shipped for i in geo.district_ids(name)}
    known = {d["id"]: d for d in base}
    out = []
    for district_id, (name, ur, level, _seat) in sorted(DISTRICTS.items(), key=lambda kv: kv[1][0]):
        boundary = boundary_of[district_id]
        old = known.get(district_id, {})
        candidates: list[tuple[float, float]] = []
        if old.get("lat") is not None:
            candidates.append((old["lat"], old["lon"]))
        if district_id in SEATS:
            candidates.append(SEATS[district_id])
        lon, lat = centroids[boundary]
        candidates.append((lat, lon))
        found = next((c for c in candidates if _lies_in_own(c[0], c[1], boundary, full)), None)
        if found is None:
            deep_lon, deep_lat = _deepest(shipped[boundary])
            found = (deep_lat, deep_lon)
        lat, lon = found
        out.append(
            {
                "id": district_id,
                "name": old.get("name", name),
                "name_ur": old.get("name_ur", ur),
                "level_id": level,
                "lat": round(lat, 4),
                "lon": round(lon, 4),
            }
        )
    return out


def _distance(a: Entry, b: Entry) -> float:
    scale = math.cos(math.radians((a["lat"] + b["lat"]) / 2))
    return math.hypot((a["lon"] - b["lon"]) * scale, a["lat"] - b["lat"])


class Plan:
    def __init__(self, seed: Entry, districts: list[Entry]) -> None:
        self.districts = {d["id"]: d for d in districts}
        self.offices: dict[str, Entry] = {o["id"]: o for o in seed["offices"]}
        self.children: set[str] = {o["parent_id"] for o in seed["offices"] if o["parent_id"]}
        self.added: list[Entry] = []
        self._by_organisation: dict[str, list[Entry]] = {}

    def _of(self, organisation: str) -> list[Entry]:
        if organisation not in self._by_organisation:
            self._by_organisation[organisation] = [
                o for o in self.offices.values() if o["organisation_id"] == organisation
            ]
        return self._by_organisation[organisation]

    def head(self, organisation: str) -> Entry:
        return next(o for o in self._of(organisation) if o["parent_id"] is None)

    def _regional(self, organisation: str) -> list[Entry]:
        """The offices one level below the head (regions, zones, circles), but a designated information official."""
        head = self.head(organisation)["id"]
        return [o for o in self._of(organisation) if o["parent_id"] == head and "information" not in o["id"]]

    def nearest(self, organisation: str, district_id: str) -> Entry:
        """The organisation's regional office nearest the district, in its province where it has one there
        (Islamabad's offices counting as Punjab's); its head office if it has none."""
        district = self.districts[district_id]
        offices = self._regional(organisation)
        if not offices:
            return self.head(organisation)
        province = REGION_OF.get(district["level_id"], district["level_id"])
        inside = [
            o
            for o in offices
            if REGION_OF.get(level := self.districts[o["district_id"]]["level_id"], level) == province
        ]
        return min(inside or offices, key=lambda o: (_distance(self.districts[o["district_id"]], district), o["id"]))

    def district_office(self, organisation: str, district_id: str) -> Entry:
        """The organisation's office in the district, opened (below its division's regional office) if none."""
        here = [
            o
            for o in self._of(organisation)
            if o["district_id"] == district_id and o["parent_id"] is not None and o["id"] not in self.children
        ]
        if here:
            return min(here, key=lambda o: ("operations" not in o["id"] and "customer" not in o["id"], o["id"]))
        if organisation in CAPITAL_ONLY:
            return self.nearest(organisation, district_id)
        suffix, name, name_ur = DISTRICT_OFFICES[organisation]
        office_id = f"{organisation}-{district_id}" + (f"-{suffix}" if suffix else "")
        district = self.districts[district_id]
        office = {
            "id": office_id,
            "organisation_id": organisation,
            "name": name.format(d=district["name"]),
            "name_ur": name_ur.format(d=district["name_ur"]),
            "district_id": district_id,
            "parent_id": self._parent(organisation, district_id)["id"],
        }
        self.offices[office_id] = office
        self._of(organisation).append(office)
        self.added.append(office)
        return office

    def _parent(self, organisation: str, district_id: str) -> Entry:
        if organisation in UNDER:
            return self.offices[UNDER[organisation]]
        middle = [o for o in self._of(organisation) if o["id"] in self.children and o["parent_id"] is not None]
        if not middle:
            return self.head(organisation)
        seat = DISTRICTS[district_id][3]
        in_seat = [o for o in middle if o["district_id"] == seat]
        if in_seat:
            return in_seat[0]
        if organisation in DISCO or organisation in {"ajk-electricity", "gb-water-power"}:
            return min(middle, key=lambda o: _distance(self.districts[o["district_id"]], self.districts[district_id]))
        return self.head(organisation)

    def serving(self, category: Entry, district_id: str) -> str | None:
        """The organisation serving the category in the district (None: the category's fallback answers)."""
        level = self.districts[district_id]["level_id"]
        family = FAMILIES.get(category["id"].split("-")[0])
        if family == "electricity":
            return next(org for org, districts in ELECTRICITY.items() if district_id in districts)
        if family == "gas":
            return GAS.get(level)
        if family:
            return PROVINCIAL[family].get(level)
        federal = [o for o in category["organisation_ids"] if o not in FALLBACK_ONLY_ORGANISATIONS]
        return federal[0] if len(federal) == 1 else None

    def office(self, category: Entry, district_id: str) -> Entry | None:
        organisation = self.serving(category, district_id)
        if organisation is None:
            return None
        if organisation not in category["organisation_ids"]:
            raise ValueError(f"{organisation} does not serve {category['id']}: add it to the category")
        if organisation in DISTRICT_OFFICES or organisation in CAPITAL_ONLY:
            return self.district_office(organisation, district_id)
        return self.nearest(organisation, district_id)


def complete(seed: Entry, source: Path) -> Entry:
    """The seed with every district, its offices and a route for every (complaint category, district) pair."""
    seed = json.loads(json.dumps(seed))
    districts = district_entries(seed["districts"], source)
    seed["districts"] = districts
    known = {o["id"] for o in seed["organisations"]}
    seed["organisations"] += [o for o in NEW_ORGANISATIONS if o["id"] not in known]
    known_offices = {o["id"] for o in seed["offices"]}
    seed["offices"] += [o for o in NEW_HEAD_OFFICES if o["id"] not in known_offices]
    for category in seed["categories"]:
        family = FAMILIES.get(category["id"].split("-")[0])
        if family == "municipal" and "balochistan-local-government" not in category["organisation_ids"]:
            at = category["organisation_ids"].index("pmdu")
            category["organisation_ids"].insert(at, "balochistan-local-government")

    plan = Plan(seed, districts)
    rules = {(r["category_id"], r["district_id"]): r["office_id"] for r in seed["routing_rules"]}
    fallbacks = {f["category_id"]: f["office_id"] for f in seed["fallbacks"]}
    routed_by_rules = {c for c, _ in rules}
    added_rules = []
    for category in seed["categories"]:
        if category["kind"] != "complaint" or category["id"] not in routed_by_rules:
            continue
        for district in districts:
            key = (category["id"], district["id"])
            if key in rules:
                continue
            office = plan.office(category, district["id"])
            if office is None or office["id"] == fallbacks.get(category["id"]):
                continue
            rules[key] = office["id"]
            added_rules.append({"category_id": key[0], "district_id": key[1], "office_id": office["id"]})
    seed["offices"] += plan.added
    order = {c["id"]: n for n, c in enumerate(seed["categories"])}
    place = {d["id"]: n for n, d in enumerate(districts)}
    seed["routing_rules"] = sorted(
        seed["routing_rules"] + added_rules, key=lambda r: (order[r["category_id"]], place[r["district_id"]])
    )
    return seed


def dumps(seed: Entry) -> str:
    """The seed as the repository keeps it: one-space indents, a district or rule per line."""
    one_line = {"districts", "routing_rules", "fallbacks"}
    parts = []
    for key, value in seed.items():
        if key in one_line:
            rows = ",\n".join("  " + json.dumps(v, ensure_ascii=False, separators=(", ", ": ")) for v in value)
            parts.append(f' "{key}": [\n{rows}\n ]')
        else:
            body = json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n ")
            parts.append(f' "{key}": {body}')
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main(argv: Iterable[str] = ()) -> int:
    args = list(argv)
    source = Path(args[0]) if args else SOURCE
    base = Path(args[1]) if len(args) > 1 else SEED
    seed = complete(json.loads(base.read_text(encoding="utf-8")), source)
    SEED.write_text(dumps(seed), encoding="utf-8")
    print(
        f"{SEED.relative_to(REPO)}: {len(seed['districts'])} districts, {len(seed['offices'])} offices, "
        f"{len(seed['routing_rules'])} routing rules, {len(seed['fallbacks'])} fallbacks"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
