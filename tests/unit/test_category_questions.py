"""Each category's extra questions (its Open311 attributes), as the filing form reads them from GET /v1/categories."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from chalicelib.logic.directory import Directory
from chalicelib.logic.open311 import service_definition
from chalicelib.models.directory import DirectorySnapshot

SEED = Path(__file__).resolve().parents[2] / "infra/seed/directory.json"
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")


@cache
def directory() -> Directory:
    return Directory(DirectorySnapshot.model_validate_json(SEED.read_text()))


def test_every_question_and_choice_of_the_seed_reads_in_urdu_too() -> None:
    asked = [(c.id, a) for c in directory().snapshot.categories for a in c.attributes]
    assert len(asked) >= 8
    for category_id, attribute in asked:
        assert ARABIC_SCRIPT.search(attribute.description_ur), (category_id, attribute.code)
        if attribute.datatype_description:
            assert ARABIC_SCRIPT.search(attribute.datatype_description_ur), (category_id, attribute.code)
        for value in attribute.values:
            assert ARABIC_SCRIPT.search(value.name_ur), (category_id, attribute.code, value.key)
    kinds = {a.datatype for _, a in asked}
    assert kinds == {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


def test_the_category_listing_carries_each_categorys_questions_in_order_with_both_languages() -> None:
    listed = {c.id: c for c in directory().category_listing()}
    [scope] = listed["electricity-no-power"].attributes
    assert (scope.code, scope.required, scope.datatype) == ("scope", True, "singlevaluelist")
    assert scope.description_ur == "کن کے ہاں بجلی نہیں ہے؟"
    assert [(v.key, v.name_ur) for v in scope.values][:1] == [("house", "صرف میرے گھر")]
    water = listed["water-no-water"].attributes
    assert [a.order for a in water] == sorted(a.order for a in water)
    assert listed["other"].attributes == []


def test_the_listing_asks_what_the_service_definition_asks() -> None:
    for category in directory().category_listing():
        if category.kind != "complaint":
            continue
        definition = service_definition(directory(), category.id)
        listed = [(a.code, a.datatype, a.required) for a in category.attributes]
        assert listed == [(a["code"], a["datatype"], a["required"]) for a in definition["attributes"]]
