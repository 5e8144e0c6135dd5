"""Integrity checks for the directory seed (infra/seed/directory.json)."""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

SEED = Path(__file__).resolve().parents[2] / "infra/seed/directory.json"
SOURCE = "/work/shared/data/boundaries/pakistan-districts-2019.geojson"

TOP_LEVEL_KEYS = {
    "levels",
    "districts",
    "organisations",
    "offices",
    "categories",
    "routing_rules",
    "fallbacks",
    "sla_policies",
}
LEVEL_IDS = {
    "federal",
    "punjab",
    "sindh",
    "khyber-pakhtunkhwa",
    "balochistan",
    "islamabad",
    "azad-kashmir",
    "gilgit-baltistan",
}
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
ELECTRICITY_PREFIX = "electricity-"
DEMO = ("electricity-overbilling", "lahore")


@cache
def _seed() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SEED.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def seed() -> dict[str, Any]:
    return _seed()


def _by_id(seed: dict[str, Any], collection: str) -> dict[str, dict[str, Any]]:
    return {entry["id"]: entry for entry in seed[collection]}


def _complaint_ids(seed: dict[str, Any]) -> set[str]:
    return {c["id"] for c in seed["categories"] if c["kind"] == "complaint"}


# Shape ---------------------------------------------------------------------------


def test_top_level_keys_are_exactly_the_eight_collections(seed):
    assert set(seed) == TOP_LEVEL_KEYS


def test_levels_are_the_eight_known_ids(seed):
    # When
    ids = [level["id"] for level in seed["levels"]]

    # Then
    assert sorted(ids) == sorted(LEVEL_IDS)


def test_has_at_least_30_organisations(seed):
    assert len(seed["organisations"]) >= 30


def test_offices_span_at_least_20_districts(seed):
    assert len({office["district_id"] for office in seed["offices"]}) >= 20


def test_has_at_least_60_complaint_categories(seed):
    assert len(_complaint_ids(seed)) >= 60


def test_kinds_are_from_the_allowed_sets(seed):
    assert {o["kind"] for o in seed["organisations"]} <= {
        "ministry",
        "department",
        "utility",
        "authority",
        "police",
        "municipal",
    }
    assert {c["kind"] for c in seed["categories"]} == {"complaint", "information", "feedback"}


@pytest.mark.parametrize(
    "collection", ["levels", "districts", "organisations", "offices", "categories", "sla_policies"]
)
def test_ids_are_unique_kebab_case_and_short(seed, collection):
    # Given
    ids = [entry["id"] for entry in seed[collection]]

    # Then
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert duplicates == []
    assert [i for i in ids if not ID_PATTERN.match(i) or len(i) > 48] == []


def test_urdu_names_are_in_arabic_script(seed):
    # Given
    named = [
        (collection, entry["id"], entry["name_ur"])
        for collection in ("levels", "districts", "organisations", "offices", "categories")
        for entry in seed[collection]
    ]

    # Then
    assert [n for n in named if not n[2].strip() or not ARABIC_SCRIPT.search(n[2])] == []


def test_every_category_has_urdu_name_and_group(seed):
    for category in seed["categories"]:
        assert category["name_ur"].strip() and ARABIC_SCRIPT.search(category["name_ur"]), category["id"]
        assert category["group_ur"].strip() and ARABIC_SCRIPT.search(category["group_ur"]), category["id"]
        assert category["name"].startswith(category["group"] + ": "), category["id"]


def test_district_coordinates_lie_within_pakistan(seed):
    for district in seed["districts"]:
        assert 23.5 <= district["lat"] <= 37.5, district["id"]
        assert 60.5 <= district["lon"] <= 77.5, district["id"]


# References ----------------------------------------------------------------------


def test_organisations_and_districts_reference_known_levels(seed):
    # Given
    levels = _by_id(seed, "levels")

    # Then
    assert [o["id"] for o in seed["organisations"] if o["level_id"] not in levels] == []
    assert [d["id"] for d in seed["districts"] if d["level_id"] not in levels] == []


def test_offices_reference_known_organisations_and_districts(seed):
    # Given
    organisations, districts = _by_id(seed, "organisations"), _by_id(seed, "districts")

    # Then
    assert [o["id"] for o in seed["offices"] if o["organisation_id"] not in organisations] == []
    assert [o["id"] for o in seed["offices"] if o["district_id"] not in districts] == []


def test_office_parents_exist_in_the_same_organisation(seed):
    # Given
    offices = _by_id(seed, "offices")

    # When
    broken = [
        office["id"]
        for office in seed["offices"]
        if office["parent_id"] is not None
        and (
            office["parent_id"] not in offices
            or offices[office["parent_id"]]["organisation_id"] != office["organisation_id"]
        )
    ]

    # Then
    assert broken == []


def test_office_parents_have_no_cycles_and_depth_at_most_three(seed):
    # Given
    offices = _by_id(seed, "offices")

    for office_id in offices:
        # When
        seen: list[str] = []
        current: str | None = office_id
        while current is not None:
            assert current not in seen, f"parent cycle through {seen}"
            seen.append(current)
            current = offices[current]["parent_id"]

        # Then
        assert len(seen) <= 3, seen


def test_every_organisation_has_exactly_one_head_office(seed):
    # When
    heads = Counter(o["organisation_id"] for o in seed["offices"] if o["parent_id"] is None)

    # Then
    assert {org_id: heads.get(org_id, 0) for org_id in _by_id(seed, "organisations")} == {
        org_id: 1 for org_id in _by_id(seed, "organisations")
    }


def test_routing_rules_reference_known_entries_and_are_unique(seed):
    # Given
    categories, districts, offices = (_by_id(seed, c) for c in ("categories", "districts", "offices"))
    rules = seed["routing_rules"]

    # Then
    assert [r for r in rules if r["category_id"] not in categories] == []
    assert [r for r in rules if r["district_id"] not in districts] == []
    assert [r for r in rules if r["office_id"] not in offices] == []
    keys = Counter((r["category_id"], r["district_id"]) for r in rules)
    assert [k for k, n in keys.items() if n > 1] == []


def test_routing_rules_go_to_organisations_listed_on_the_category(seed):
    # Given
    categories, offices = _by_id(seed, "categories"), _by_id(seed, "offices")

    # Then
    for rule in seed["routing_rules"]:
        org_id = offices[rule["office_id"]]["organisation_id"]
        assert org_id in categories[rule["category_id"]]["organisation_ids"], rule


def test_category_organisations_exist(seed):
    organisations = _by_id(seed, "organisations")
    for category in seed["categories"]:
        assert category["organisation_ids"], category["id"]
        assert set(category["organisation_ids"]) <= set(organisations), category["id"]


def test_fallbacks_reference_known_categories_and_offices(seed):
    # Given
    categories, offices = _by_id(seed, "categories"), _by_id(seed, "offices")

    # Then
    assert [f for f in seed["fallbacks"] if f["category_id"] not in categories] == []
    assert [f for f in seed["fallbacks"] if f["office_id"] not in offices] == []


def test_every_complaint_category_has_exactly_one_fallback(seed):
    # When
    counts = Counter(f["category_id"] for f in seed["fallbacks"])

    # Then
    assert set(counts) == _complaint_ids(seed)
    assert [c for c, n in counts.items() if n != 1] == []


def test_other_category_falls_back_to_pmdu_head_office(seed):
    # Given
    categories, offices = _by_id(seed, "categories"), _by_id(seed, "offices")
    fallback = {f["category_id"]: f["office_id"] for f in seed["fallbacks"]}

    # Then
    assert categories["other"]["kind"] == "complaint"
    office = offices[fallback["other"]]
    assert office["organisation_id"] == "pmdu"
    assert office["parent_id"] is None


def test_information_and_feedback_categories_exist(seed):
    kinds = Counter(c["kind"] for c in seed["categories"])
    assert kinds["information"] >= 3
    assert kinds["feedback"] >= 3


# SLA -----------------------------------------------------------------------------


def test_sla_policies_reference_known_categories_once_each(seed):
    # Given
    categories = _by_id(seed, "categories")
    targets = [p["category_id"] for p in seed["sla_policies"]]

    # Then
    assert [t for t in targets if t is not None and t not in categories] == []
    assert [t for t, n in Counter(targets).items() if n > 1] == []


def test_exactly_one_default_sla_policy(seed):
    # When
    defaults = [p for p in seed["sla_policies"] if p["category_id"] is None]

    # Then
    assert len(defaults) == 1
    assert defaults[0]["id"] == "default"
    assert (
        defaults[0]["days_per_level"],
        defaults[0]["head_of_organisation_by_day"],
        defaults[0]["feedback_window_days"],
        defaults[0]["reopen_window_days"],
    ) == (20, 41, 7, 30)


def test_demo_category_uses_the_default_sla(seed):
    assert DEMO[0] not in {p["category_id"] for p in seed["sla_policies"]}


def test_sla_policies_are_positive_and_escalate_after_the_levels(seed):
    for policy in seed["sla_policies"]:
        assert policy["days_per_level"] > 0, policy["id"]
        assert policy["head_of_organisation_by_day"] > policy["days_per_level"], policy["id"]
        assert policy["feedback_window_days"] > 0 and policy["reopen_window_days"] > 0, policy["id"]


# The demo and electricity routing ------------------------------------------------


def test_demo_rule_routes_to_a_lesco_office_with_a_supervisor(seed):
    # Given
    offices = _by_id(seed, "offices")

    # When
    matches = [r for r in seed["routing_rules"] if (r["category_id"], r["district_id"]) == DEMO]

    # Then
    assert len(matches) == 1
    office = offices[matches[0]["office_id"]]
    assert office["organisation_id"] == "lesco"
    assert office["district_id"] == "lahore"
    assert office["parent_id"] is not None
    assert offices[office["parent_id"]]["organisation_id"] == "lesco"


@pytest.mark.parametrize(("district_id", "organisation_id"), [("lahore", "lesco"), ("karachi", "k-electric")])
def test_electricity_rules_go_to_the_serving_utility(seed, district_id, organisation_id):
    # Given
    offices = _by_id(seed, "offices")

    # When
    rules = [
        r
        for r in seed["routing_rules"]
        if r["district_id"] == district_id and r["category_id"].startswith(ELECTRICITY_PREFIX)
    ]

    # Then
    assert rules
    assert {offices[r["office_id"]]["organisation_id"] for r in rules} == {organisation_id}


# A real country (issue 14): every district of the boundaries, routed ----------------------------------------------

PROVINCES = LEVEL_IDS - {"federal"}
LATIN = re.compile(r"[A-Za-z]")


@cache
def _routes() -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    seed = _seed()
    rules = {(r["category_id"], r["district_id"]): r["office_id"] for r in seed["routing_rules"]}
    return rules, {f["category_id"]: f["office_id"] for f in seed["fallbacks"]}


def _route(seed: dict[str, Any], category_id: str, district_id: str) -> str | None:
    """Where the seed sends a pair: its rule, else the category's fallback (as Directory.office_for)."""
    rules, fallbacks = _routes()
    return rules.get((category_id, district_id)) or fallbacks.get(category_id)


def test_every_boundary_of_the_country_is_a_seeded_district_in_its_province(seed):
    # Given the shipped boundaries (geoBoundaries 2019: 126 districts of Pakistan, AJK and Gilgit-Baltistan)
    from chalicelib.logic import geo

    districts = _by_id(seed, "districts")

    # When each boundary's name is read as the district(s) it stands for
    reached = [i for shape in geo.shapes() for i in geo.district_ids(shape.name)]

    # Then every boundary names seeded districts, and every seeded district is one boundary's
    assert len(geo.shapes()) == 126
    assert [i for i in reached if i not in districts] == []
    assert sorted(reached) == sorted(districts)
    assert {d["level_id"] for d in districts.values()} == PROVINCES
    assert Counter(d["level_id"] for d in districts.values()) == {
        "punjab": 34,
        "sindh": 23,  # 22 boundaries and Larkana, inside Qambar Shahdadkot's
        "khyber-pakhtunkhwa": 31,
        "balochistan": 27,
        "islamabad": 1,
        "azad-kashmir": 10,  # one boundary in the source
        "gilgit-baltistan": 10,
    }


def test_the_original_districts_keep_their_ids(seed):
    original = {
        *("lahore", "rawalpindi", "faisalabad", "multan", "gujranwala", "sialkot", "bahawalpur", "sargodha"),
        *("sahiwal", "kasur", "sheikhupura", "dera-ghazi-khan", "karachi", "hyderabad", "sukkur", "larkana"),
        *("mirpurkhas", "peshawar", "mardan", "swat", "abbottabad", "dera-ismail-khan", "bannu", "khyber"),
        *("quetta", "kech", "gwadar", "islamabad", "muzaffarabad", "mirpur", "gilgit", "skardu"),
    }
    assert original <= set(_by_id(seed, "districts"))


def test_every_district_has_an_urdu_name_in_arabic_script_alone(seed):
    for district in seed["districts"]:
        assert ARABIC_SCRIPT.search(district["name_ur"]) and not LATIN.search(district["name_ur"]), district["id"]
    names = Counter(d["name_ur"] for d in seed["districts"])
    assert [n for n, count in names.items() if count > 1] == []


def test_every_complaint_category_routes_in_every_district_to_a_live_office_of_its_organisations(seed):
    # Given every (complaint category, district) pair of the seed
    categories, offices = _by_id(seed, "categories"), _by_id(seed, "offices")
    pairs = [(c, d) for c in sorted(_complaint_ids(seed)) for d in _by_id(seed, "districts")]

    # When each is routed as the directory routes it (its rule, else the category's fallback)
    routes = {(c, d): _route(seed, c, d) for c, d in pairs}

    # Then each reaches an office, not retired, of one of the category's organisations
    assert [p for p, office in routes.items() if office is None] == []
    assert [p for p, office in routes.items() if offices[str(office)].get("retired")] == []
    wrong = [
        (p, office)
        for p, office in routes.items()
        if offices[str(office)]["organisation_id"] not in categories[p[0]]["organisation_ids"]
    ]
    assert wrong == []
    assert len(pairs) == len(_complaint_ids(seed)) * len(seed["districts"])


def test_information_and_feedback_categories_route_by_organisation_not_district(seed):
    # A request names the organisation asked (its designated official's office, else its head office): no rule.
    other = {c["id"] for c in seed["categories"] if c["kind"] != "complaint"}
    assert [r for r in seed["routing_rules"] if r["category_id"] in other] == []
    assert [f for f in seed["fallbacks"] if f["category_id"] in other] == []


@pytest.mark.parametrize("family", ["police-", "education-", "health-"])
def test_provincial_departments_route_to_their_office_in_the_district_itself(seed, family):
    offices = _by_id(seed, "offices")
    categories = [c for c in _complaint_ids(seed) if c.startswith(family)]
    assert categories
    elsewhere = [
        (c, d)
        for c in categories
        for d in _by_id(seed, "districts")
        if offices[str(_route(seed, c, d))]["district_id"] != d
    ]
    assert elsewhere == []


def test_provincial_organisations_serve_only_their_own_province(seed):
    organisations, offices, districts = (_by_id(seed, c) for c in ("organisations", "offices", "districts"))
    crossing = [
        (r["category_id"], r["district_id"], r["office_id"])
        for r in seed["routing_rules"]
        if (level := organisations[offices[r["office_id"]]["organisation_id"]]["level_id"]) != "federal"
        and level != districts[r["district_id"]]["level_id"]
    ]
    assert crossing == []


@pytest.mark.parametrize(
    ("district_id", "organisation_id"),
    [
        *[(d, "lesco") for d in ("lahore", "kasur", "okara", "sheikhupura")],
        *[(d, "iesco") for d in ("islamabad", "rawalpindi", "attock", "jhelum", "chakwal")],
        *[(d, "gepco") for d in ("gujranwala", "sialkot", "narowal", "gujrat", "mandi-bahauddin", "hafizabad")],
        *[(d, "fesco") for d in ("faisalabad", "jhang", "toba-tek-singh", "sargodha", "mianwali", "bhakkar")],
        *[(d, "mepco") for d in ("multan", "vehari", "sahiwal", "pakpattan", "rahim-yar-khan", "rajanpur")],
        *[(d, "tesco") for d in ("khyber", "bajaur", "mohmand", "kurram", "orakzai", "north-waziristan")],
        *[(d, "pesco") for d in ("peshawar", "bannu", "swat", "chitral", "kohat", "mansehra", "dera-ismail-khan")],
        *[(d, "hesco") for d in ("hyderabad", "thatta", "badin", "tharparkar", "sanghar", "shaheed-benazirabad")],
        *[(d, "sepco") for d in ("sukkur", "larkana", "khairpur", "jacobabad", "dadu", "qambar-shahdadkot")],
        ("karachi", "k-electric"),
        *[(d, "qesco") for d in ("quetta", "kech", "lasbela", "zhob", "chagai")],
        *[(d, "ajk-electricity") for d in ("muzaffarabad", "mirpur", "kotli", "neelum")],
        *[(d, "gb-water-power") for d in ("gilgit", "skardu", "hunza", "diamer")],
    ],
)
def test_electricity_routes_to_the_company_serving_the_district(seed, district_id, organisation_id):
    offices = _by_id(seed, "offices")
    electricity = [c for c in _complaint_ids(seed) if c.startswith(ELECTRICITY_PREFIX)]
    served_by = {offices[str(_route(seed, c, district_id))]["organisation_id"] for c in electricity}
    assert served_by == {organisation_id}


def test_every_district_office_hangs_below_its_own_organisation_in_a_shallow_tree(seed):
    offices = _by_id(seed, "offices")
    for office in seed["offices"]:
        depth, current = 1, office
        while current["parent_id"]:
            parent = offices[current["parent_id"]]
            assert parent["organisation_id"] == office["organisation_id"], office["id"]
            depth, current = depth + 1, parent
        assert depth <= 3, office["id"]


def test_the_stored_snapshot_stays_far_below_the_item_limit(seed):
    # The directory is one DynamoDB item (400 KB at most): zlib-compressed JSON, base64.
    from chalicelib.models.directory import DirectorySnapshot
    from chalicelib.store.directory import snapshot_item

    item = snapshot_item(DirectorySnapshot.model_validate(seed), "2026-01-01T00:00:00Z")
    assert len(item["body"]) < 200_000


@pytest.mark.skipif(not Path(SOURCE).exists(), reason="the unsimplified boundaries are not on this machine")
def test_the_seed_is_what_its_generator_makes(seed):
    # infra/seed_country.py completes the seed (districts, their offices and routes) and changes nothing twice.
    from infra import seed_country

    assert seed_country.dumps(seed_country.complete(seed, Path(SOURCE))) == SEED.read_text(encoding="utf-8")


def test_the_public_statistics_can_group_the_whole_country_by_district(seed):
    # GET /v1/stats?group_by=district reads a counter per district (and the total) per shard: the month so far
    # of every district fits one answer.
    from chalicelib.logic import stats
    from chalicelib.store import stats as stat_store

    assert stat_store.keys_to_read(len(seed["districts"]) + 1, months=1) <= stats.MAX_COUNTERS


def test_federal_bodies_answer_from_an_office_in_the_districts_province_where_they_have_one(seed):
    # Their regions follow the provinces (Islamabad's offices also serve the Punjab around the capital).
    organisations, offices, districts = (_by_id(seed, c) for c in ("organisations", "offices", "districts"))

    def province(district_id: str) -> str:
        level = districts[district_id]["level_id"]
        return "punjab" if level == "islamabad" else level

    present: dict[str, set[str]] = {}
    for office in seed["offices"]:
        if office["parent_id"]:
            present.setdefault(office["organisation_id"], set()).add(province(office["district_id"]))
    crossing = [
        (r["category_id"], r["district_id"], r["office_id"])
        for r in seed["routing_rules"]
        if organisations[(org := offices[r["office_id"]]["organisation_id"])]["level_id"] == "federal"
        and province(r["district_id"]) in present.get(org, set())
        and province(offices[r["office_id"]]["district_id"]) != province(r["district_id"])
    ]
    assert crossing == []


def test_the_seed_is_not_loaded_over_an_administrators_changes_unless_forced() -> None:
    from chalicelib.models.directory import DirectorySnapshot
    from chalicelib.store.directory import EditedSinceSeed, read_stored, replace_snapshot, write_snapshot
    from tests.memory_table import MemoryTable

    table = MemoryTable()
    seed = DirectorySnapshot.model_validate_json(SEED.read_text(encoding="utf-8"))
    write_snapshot(table, seed)
    write_snapshot(table, seed)  # the seed again over the seed: fine (a changed seed file)
    stored = read_stored(table)
    assert stored is not None and stored.version == 2
    # An administrator changes the directory ...
    changed = seed.model_copy(update={"fallbacks": seed.fallbacks[1:]})
    replace_snapshot(table, changed, 2, "2026-12-03T00:00:00Z")
    # ... and the seed is refused over it, unless forced
    with pytest.raises(EditedSinceSeed):
        write_snapshot(table, seed)
    assert len(read_stored(table).snapshot.fallbacks) == len(seed.fallbacks) - 1  # type: ignore[union-attr]
    write_snapshot(table, seed, force=True)
    assert len(read_stored(table).snapshot.fallbacks) == len(seed.fallbacks)  # type: ignore[union-attr]
