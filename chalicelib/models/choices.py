"""The workflow's closed lists, each written once: the value, how an officer picks it, how a citizen reads it.

A body's field declared `Annotated[str, OneOf(REJECT_REASONS)]` accepts only these values
(a 400 names the field and the values), the OpenAPI document lists them as an enum, a
case's `allowed_actions` offers them with their labels in both languages, and notices
explain them with `because`. Nothing else lists them.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema


@dataclass(frozen=True)
class Choice:
    label: str  # as an officer picks it
    label_ur: str
    because: str = ""  # as a notice explains it to the citizen ("… because <because>")
    because_ur: str = ""


@dataclass(frozen=True)
class OneOf:
    """Field metadata: the value must be a key of `choices`."""

    choices: Mapping[str, Choice]

    def _check(self, value: str) -> str:
        if value not in self.choices:
            raise ValueError(f"one of {', '.join(self.choices)}")
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        found = handler(schema)
        found["enum"] = list(self.choices)
        return found


# How an office resolved a complaint.
OUTCOMES: dict[str, Choice] = {
    "relief_granted": Choice("Relief granted", "ریلیف دیا گیا"),
    "partial_relief": Choice("Partial relief", "جزوی ریلیف"),
    "relief_not_possible": Choice("Relief not possible under law or policy", "قانون یا پالیسی کے تحت ریلیف ممکن نہیں"),
}

# The only reasons a complaint may be rejected ("not our department" is a transfer, never a rejection).
REJECT_REASONS: dict[str, Choice] = {
    "duplicate": Choice(
        "Duplicate", "دہرائی گئی شکایت", "it repeats another complaint", "یہ کسی دوسری شکایت کا اعادہ ہے"
    ),
    "sub_judice": Choice(
        "Before a court", "عدالت میں زیر سماعت", "the matter is before a court", "معاملہ عدالت میں زیر سماعت ہے"
    ),
    "outside_jurisdiction": Choice(
        "Outside jurisdiction",
        "دائرہ اختیار سے باہر",
        "it is outside the government's jurisdiction",
        "یہ حکومت کے دائرہ اختیار سے باہر ہے",
    ),
    "insufficient_information": Choice(
        "Insufficient information",
        "ناکافی معلومات",
        "it does not give enough information to act on",
        "اس میں کارروائی کے لیے کافی معلومات نہیں",
    ),
    "abusive": Choice(
        "Abusive language",
        "نازیبا زبان",
        "it contains abusive language",
        "اس میں نازیبا زبان استعمال کی گئی ہے",
    ),
}

# The exemptions a designated official may cite to refuse information (Right of Access to
# Information Act 2017, sections 7 and 16).
EXEMPTIONS: dict[str, Choice] = {
    "national_security": Choice(
        "National security",
        "قومی سلامتی",
        "disclosure would harm national security or defence",
        "افشا سے قومی سلامتی یا دفاع کو نقصان ہوگا",
    ),
    "international_relations": Choice(
        "International relations",
        "بین الاقوامی تعلقات",
        "disclosure would harm international relations",
        "افشا سے بین الاقوامی تعلقات کو نقصان ہوگا",
    ),
    "law_enforcement": Choice(
        "Law enforcement",
        "قانون نافذ کرنا",
        "disclosure would prejudice the detection or prosecution of a crime",
        "افشا سے جرم کی تفتیش یا مقدمے پر اثر پڑے گا",
    ),
    "privacy": Choice(
        "Another person's privacy",
        "کسی دوسرے کی رازداری",
        "it is another person's private information",
        "یہ کسی دوسرے شخص کی نجی معلومات ہیں",
    ),
    "commercial_confidentiality": Choice(
        "Commercial confidentiality",
        "تجارتی رازداری",
        "it is a third party's confidential commercial information",
        "یہ کسی فریق ثالث کی خفیہ تجارتی معلومات ہیں",
    ),
    "legal_privilege": Choice(
        "Legal privilege",
        "قانونی استحقاق",
        "it is covered by legal professional privilege",
        "یہ قانونی استحقاق کے تحت محفوظ ہیں",
    ),
    "economic_interest": Choice(
        "Economic interest",
        "معاشی مفاد",
        "premature disclosure would harm the country's economic interests",
        "قبل از وقت افشا سے ملک کے معاشی مفادات کو نقصان ہوگا",
    ),
    "cabinet_deliberations": Choice(
        "Cabinet deliberations",
        "کابینہ کی مشاورت",
        "it records deliberations of the Cabinet before a decision",
        "یہ فیصلے سے پہلے کابینہ کی مشاورت کا ریکارڈ ہے",
    ),
}

# The reviewer's decision on an information appeal: allowed sends the request back to be answered.
APPEAL_DECISIONS: dict[str, Choice] = {
    "allowed": Choice("Allowed: the organisation must answer", "منظور: ادارہ جواب دے"),
    "dismissed": Choice("Dismissed: the request is closed", "خارج: درخواست بند"),
}

# An organisation's review of a citizen's suggestion.
REVIEW_DECISIONS: dict[str, Choice] = {
    "adopted": Choice("Adopted", "منظور"),
    "not_adopted": Choice("Not adopted", "نامنظور"),
}

# Why an office hides the text of a published complaint (it stays listed, its words do not).
MODERATION_REASONS: dict[str, Choice] = {
    "personal_data": Choice(
        "Another person's personal data",
        "کسی دوسرے شخص کی ذاتی معلومات",
        "it names or reaches another person",
        "اس میں کسی دوسرے شخص کا نام یا رابطہ ہے",
    ),
    "identifies_child": Choice(
        "Identifies a child", "بچے کی شناخت", "it identifies a child", "اس سے کسی بچے کی شناخت ہوتی ہے"
    ),
    "abusive": Choice("Abusive language", "نازیبا زبان", "it contains abusive language", "اس میں نازیبا زبان ہے"),
    "defamatory": Choice(
        "Accuses a named person",
        "کسی نامزد شخص پر الزام",
        "it accuses a named person",
        "اس میں کسی نامزد شخص پر الزام ہے",
    ),
    "endangers_safety": Choice(
        "Could put someone in danger",
        "کسی کے لیے خطرے کا باعث",
        "publishing it could put someone in danger",
        "اس کی اشاعت کسی کے لیے خطرے کا باعث بن سکتی ہے",
    ),
}
