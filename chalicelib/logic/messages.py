"""Every text a citizen or officer reads, in English and Urdu."""

from __future__ import annotations

from chalicelib.models.common import Language

# Notifications: template → language → text with {placeholders}.
NOTIFICATIONS: dict[str, dict[Language, str]] = {
    "case_submitted": {
        "en": "Your complaint {case_id} has been received.",
        "ur": "آپ کی شکایت {case_id} موصول ہو گئی ہے۔",
    },
    "case_routed": {
        "en": "Your complaint {case_id} has been sent to {office_name}. A response is due by {due_date}.",
        "ur": "آپ کی شکایت {case_id} {office_name_ur} کو بھیج دی گئی ہے۔ جواب کی آخری تاریخ {due_date} ہے۔",
    },
    "info_requested": {
        "en": "{office_name} needs more details on your complaint {case_id}: {question} Reply from the complaint's page.",
        "ur": "{office_name_ur} کو آپ کی شکایت {case_id} پر مزید تفصیل درکار ہے: {question} شکایت کے صفحے سے جواب دیں۔",
    },
    "transferred": {
        "en": "Your complaint {case_id} has been moved to {office_name}, which handles it. A response is due by {due_date}.",
        "ur": "آپ کی شکایت {case_id} متعلقہ دفتر {office_name_ur} کو منتقل کر دی گئی ہے۔ جواب کی آخری تاریخ {due_date} ہے۔",
    },
    "resolved": {
        "en": "{office_name} has marked your complaint {case_id} as resolved. Please tell us whether you are satisfied.",
        "ur": "{office_name_ur} نے آپ کی شکایت {case_id} کو حل شدہ قرار دیا ہے۔ براہ کرم بتائیں کہ کیا آپ مطمئن ہیں۔",
    },
    "rejected": {
        "en": "Your complaint {case_id} was not taken up by {office_name}: {reason}.",
        "ur": "آپ کی شکایت {case_id} پر {office_name_ur} نے کارروائی نہیں کی: {reason_ur}۔",
    },
}

# The fixed reasons for rejecting a complaint, as a citizen reads them.
REJECT_REASONS: dict[str, dict[Language, str]] = {
    "duplicate": {"en": "it repeats another complaint", "ur": "یہ کسی دوسری شکایت کا اعادہ ہے"},
    "sub_judice": {"en": "the matter is before a court", "ur": "معاملہ عدالت میں زیر سماعت ہے"},
    "outside_jurisdiction": {
        "en": "it is outside the government's jurisdiction",
        "ur": "یہ حکومت کے دائرہ اختیار سے باہر ہے",
    },
    "insufficient_information": {
        "en": "it does not give enough information to act on",
        "ur": "اس میں کارروائی کے لیے کافی معلومات نہیں",
    },
    "abusive": {"en": "it contains abusive language", "ur": "اس میں نازیبا زبان استعمال کی گئی ہے"},
}

# Error messages by code; the English text of a raised error is the fallback.
ERRORS: dict[str, dict[Language, str]] = {
    "invalid_input": {"en": "Some details need correcting.", "ur": "کچھ معلومات درست کرنے کی ضرورت ہے۔"},
    "body_too_large": {"en": "The request is too large.", "ur": "درخواست بہت بڑی ہے۔"},
    "unauthenticated": {"en": "Please sign in again.", "ur": "براہ کرم دوبارہ سائن ان کریں۔"},
    "forbidden": {"en": "You are not allowed to do this.", "ur": "آپ کو یہ کرنے کی اجازت نہیں ہے۔"},
    "not_found": {"en": "Nothing was found here.", "ur": "یہاں کچھ نہیں ملا۔"},
    "case_not_found": {
        "en": "No complaint with this tracking number was found in your account.",
        "ur": "اس ٹریکنگ نمبر کی کوئی شکایت آپ کے اکاؤنٹ میں نہیں ملی۔",
    },
    "conflict": {"en": "This conflicts with the current state.", "ur": "یہ موجودہ صورتحال سے متصادم ہے۔"},
    "version_conflict": {
        "en": "The case changed since you opened it; reload and try again.",
        "ur": "کیس آپ کے کھولنے کے بعد تبدیل ہو چکا ہے؛ دوبارہ لوڈ کر کے کوشش کریں۔",
    },
    "transition_not_allowed": {
        "en": "This action is not possible at the case's current stage.",
        "ur": "کیس کے موجودہ مرحلے پر یہ کارروائی ممکن نہیں۔",
    },
    "already_exists": {
        "en": "An account with this phone number or email already exists.",
        "ur": "اس فون نمبر یا ای میل کے ساتھ اکاؤنٹ پہلے سے موجود ہے۔",
    },
    "idempotency_key_reused": {
        "en": "This Idempotency-Key was already used for a different request.",
        "ur": "یہ Idempotency-Key پہلے کسی مختلف درخواست کے لیے استعمال ہو چکی ہے۔",
    },
    "rate_limited": {"en": "Too many attempts; please wait a little.", "ur": "بہت زیادہ کوششیں؛ تھوڑا انتظار کریں۔"},
    "service_unavailable": {
        "en": "The service is busy; please try again shortly.",
        "ur": "سروس مصروف ہے؛ تھوڑی دیر بعد دوبارہ کوشش کریں۔",
    },
}


def notification_text(template: str, params: dict[str, str], language: Language) -> str:
    texts = NOTIFICATIONS.get(template)
    if texts is None:
        return template
    try:
        return texts[language].format(**params)
    except KeyError:
        return texts["en"].format_map(_Missing(params))


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def error_text(code: str, language: Language, fallback: str) -> str:
    texts = ERRORS.get(code)
    if not texts:
        return fallback
    return texts[language] if language == "ur" else fallback or texts["en"]
