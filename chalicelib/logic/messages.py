"""Every text a citizen or officer reads, in English and Urdu."""

from __future__ import annotations

from chalicelib.models.common import Language

# Notifications: template → language → text with {placeholders}.
NOTIFICATIONS: dict[str, dict[Language, str]] = {
    "merged": {
        "en": "Complaint {case_id} was merged into {into}, the same problem reported by others: you now follow {into}.",
        "ur": "شکایت {case_id} کو {into} میں ضم کر دیا گیا ہے، جو یہی مسئلہ ہے جس کی دوسروں نے بھی شکایت کی: اب آپ {into} کی پیروی کر رہے ہیں۔",
    },
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
    "escalated": {
        "en": "Your complaint {case_id} passed its deadline and has been escalated to {office_name}. "
        "A response is due by {due_date}.",
        "ur": "آپ کی شکایت {case_id} کی مدت گزر گئی، اس لیے اسے {office_name_ur} کو بھیج دیا گیا ہے۔ "
        "جواب کی آخری تاریخ {due_date} ہے۔",
    },
    "reopened": {
        "en": "Your complaint {case_id} has been reopened and sent to {office_name}, a level higher. "
        "A response is due by {due_date}.",
        "ur": "آپ کی شکایت {case_id} دوبارہ کھول کر ایک درجہ اوپر {office_name_ur} کو بھیج دی گئی ہے۔ "
        "جواب کی آخری تاریخ {due_date} ہے۔",
    },
    "closed": {
        "en": "Your complaint {case_id} is closed. Thank you for your feedback.",
        "ur": "آپ کی شکایت {case_id} بند کر دی گئی ہے۔ آپ کی رائے کا شکریہ۔",
    },
    "closed_no_feedback": {
        "en": "Your complaint {case_id} is closed: no feedback came within {window_days} days of its resolution. "
        "If you are not satisfied you can still say so until {reopen_until}.",
        "ur": "آپ کی شکایت {case_id} بند کر دی گئی ہے کیونکہ حل کے {window_days} دن میں کوئی رائے نہیں ملی۔ "
        "اگر آپ مطمئن نہیں تو {reopen_until} تک بتا سکتے ہیں۔",
    },
    # To an office's staff.
    "office_new_case": {
        "en": "New complaint {case_id} for {office_name}. A response is due by {due_date}.",
        "ur": "{office_name_ur} کے لیے نئی شکایت {case_id}۔ جواب کی آخری تاریخ {due_date} ہے۔",
    },
    "office_reminder": {
        "en": "Reminder: complaint {case_id} at {office_name} is due by {due_date}; most of its time is used.",
        "ur": "یاددہانی: {office_name_ur} میں شکایت {case_id} کی آخری تاریخ {due_date} ہے؛ اس کا زیادہ تر وقت گزر چکا ہے۔",
    },
    "office_escalated_in": {
        "en": "Complaint {case_id} has been escalated to {office_name}: {from_office_name} missed its deadline. "
        "A response is due by {due_date}.",
        "ur": "شکایت {case_id} {office_name_ur} کو بھیجی گئی ہے کیونکہ {from_office_name_ur} نے مقررہ مدت میں جواب نہیں دیا۔ "
        "جواب کی آخری تاریخ {due_date} ہے۔",
    },
    "office_escalated_out": {
        "en": "Complaint {case_id} passed its deadline at {from_office_name} and has been escalated to {office_name}.",
        "ur": "شکایت {case_id} کی مدت {from_office_name_ur} میں گزر گئی اور اسے {office_name_ur} کو بھیج دیا گیا ہے۔",
    },
    "office_overdue": {
        "en": "Complaint {case_id} at {office_name} is overdue since {due_date} and there is no level above to escalate to.",
        "ur": "{office_name_ur} میں شکایت {case_id} {due_date} سے تاخیر کا شکار ہے اور اوپر کوئی درجہ نہیں۔",
    },
    "office_reopened": {
        "en": "Complaint {case_id} was reopened at {office_name}: the citizen was not satisfied with the resolution "
        "by {from_office_name}. A response is due by {due_date}.",
        "ur": "شکایت {case_id} {office_name_ur} میں دوبارہ کھولی گئی: شہری {from_office_name_ur} کے حل سے مطمئن نہیں۔ "
        "جواب کی آخری تاریخ {due_date} ہے۔",
    },
    # A transfer to another organisation's office: asked, accepted, declined, or moot once the citizen withdrew.
    "office_transfer_requested": {
        "en": "{office_name} asks {to_office_name} to take complaint {case_id}: {note} "
        "Open the case to accept or decline it; its deadline, {due_date}, keeps running meanwhile.",
        "ur": "{office_name_ur} نے {to_office_name_ur} سے شکایت {case_id} لینے کی درخواست کی ہے: {note} "
        "قبول یا مسترد کرنے کے لیے کیس کھولیں؛ اس دوران اس کی آخری تاریخ {due_date} برقرار ہے اور مدت جاری ہے۔",
    },
    "office_transfer_accepted": {
        "en": "{office_name} accepted complaint {case_id}, which it was asked to take, and now handles it.",
        "ur": "{office_name_ur} نے شکایت {case_id} لینے کی درخواست قبول کر لی ہے اور اب وہی اس پر کارروائی کرے گا۔",
    },
    "office_transfer_declined": {
        "en": "{to_office_name} declined to take complaint {case_id}: {note} "
        "It stays with {office_name}, due by {due_date}.",
        "ur": "{to_office_name_ur} نے شکایت {case_id} لینے سے انکار کر دیا: {note} "
        "یہ {office_name_ur} کے پاس رہے گی؛ آخری تاریخ {due_date} ہے۔",
    },
    "office_transfer_withdrawn": {
        "en": "The citizen withdrew complaint {case_id}, which {office_name} asked {to_office_name} to take; "
        "no answer is needed.",
        "ur": "شہری نے شکایت {case_id} واپس لے لی، جسے لینے کی درخواست {office_name_ur} نے {to_office_name_ur} سے کی تھی؛ "
        "اب جواب کی ضرورت نہیں۔",
    },
    "office_citizen_replied": {
        "en": "The citizen replied on complaint {case_id} at {office_name}; its clock runs again until {due_date}.",
        "ur": "شہری نے {office_name_ur} میں شکایت {case_id} پر جواب دیا؛ اس کی مدت {due_date} تک دوبارہ شروع ہو گئی۔",
    },
}

# Information requests (Right of Access to Information Act 2017).
NOTIFICATIONS.update(
    {
        "information_received": {
            "en": "Your information request {case_id} has reached {office_name}. "
            "The answer is due by {due_date} (10 working days).",
            "ur": "آپ کی معلومات کی درخواست {case_id} {office_name_ur} کو موصول ہو گئی ہے۔ "
            "جواب کی آخری تاریخ {due_date} ہے (10 کاری دن)۔",
        },
        "information_extended": {
            "en": "{office_name} has extended the time to answer your information request {case_id} to {due_date}.",
            "ur": "{office_name_ur} نے آپ کی معلومات کی درخواست {case_id} کے جواب کی مدت {due_date} تک بڑھا دی ہے۔",
        },
        "information_answered": {
            "en": "{office_name} has answered your information request {case_id}. "
            "If you are not content you may appeal until {appeal_until}.",
            "ur": "{office_name_ur} نے آپ کی معلومات کی درخواست {case_id} کا جواب دے دیا ہے۔ "
            "اگر آپ مطمئن نہیں تو {appeal_until} تک اپیل کر سکتے ہیں۔",
        },
        "information_not_held": {
            "en": "{office_name} says it does not hold the information asked for in {case_id}. "
            "You may appeal until {appeal_until}.",
            "ur": "{office_name_ur} کے مطابق درخواست {case_id} میں مانگی گئی معلومات اس کے پاس نہیں۔ "
            "آپ {appeal_until} تک اپیل کر سکتے ہیں۔",
        },
        "information_refused": {
            "en": "{office_name} has refused your information request {case_id} because {exemption}. "
            "You may appeal until {appeal_until}.",
            "ur": "{office_name_ur} نے آپ کی معلومات کی درخواست {case_id} مسترد کر دی ہے کیونکہ {exemption_ur}۔ "
            "آپ {appeal_until} تک اپیل کر سکتے ہیں۔",
        },
        "information_delayed": {
            "en": "Your information request {case_id} was not answered in time; it is now with {office_name}. "
            "You may also appeal.",
            "ur": "آپ کی معلومات کی درخواست {case_id} کا جواب وقت پر نہیں ملا؛ اب یہ {office_name_ur} کے پاس ہے۔ "
            "آپ اپیل بھی کر سکتے ہیں۔",
        },
        "information_long_overdue": {
            "en": "Your information request {case_id} is long overdue at {office_name}. You may appeal.",
            "ur": "آپ کی معلومات کی درخواست {case_id} {office_name_ur} میں بہت زیادہ تاخیر کا شکار ہے۔ "
            "آپ اپیل کر سکتے ہیں۔",
        },
        "information_appealed": {
            "en": "Your appeal on {case_id} has reached {office_name}. A decision is due by {due_date}.",
            "ur": "{case_id} پر آپ کی اپیل {office_name_ur} کو موصول ہو گئی ہے۔ فیصلے کی آخری تاریخ {due_date} ہے۔",
        },
        "information_appeal_allowed": {
            "en": "Your appeal on {case_id} was allowed: {office_name} must answer by {due_date}.",
            "ur": "{case_id} پر آپ کی اپیل منظور ہو گئی: {office_name_ur} کو {due_date} تک جواب دینا ہوگا۔",
        },
        "information_appeal_dismissed": {
            "en": "Your appeal on {case_id} was dismissed by {office_name}. The request is closed.",
            "ur": "{case_id} پر آپ کی اپیل {office_name_ur} نے خارج کر دی۔ درخواست بند کر دی گئی ہے۔",
        },
        "information_closed": {
            "en": "Your information request {case_id} is closed: no appeal came within 30 days.",
            "ur": "آپ کی معلومات کی درخواست {case_id} بند کر دی گئی ہے: 30 دن میں کوئی اپیل نہیں آئی۔",
        },
        "office_new_information_request": {
            "en": "New information request {case_id} for {office_name}. The answer is due by {due_date}.",
            "ur": "{office_name_ur} کے لیے معلومات کی نئی درخواست {case_id}۔ جواب کی آخری تاریخ {due_date} ہے۔",
        },
        "office_information_delayed": {
            "en": "Information request {case_id} was not answered in time by {from_office_name} "
            "and is now with {office_name}.",
            "ur": "معلومات کی درخواست {case_id} کا جواب {from_office_name_ur} نے وقت پر نہیں دیا؛ اب یہ {office_name_ur} کے پاس ہے۔",
        },
        "office_information_long_overdue": {
            "en": "Information request {case_id} at {office_name} is long overdue (past twice its limit).",
            "ur": "{office_name_ur} میں معلومات کی درخواست {case_id} بہت زیادہ تاخیر کا شکار ہے (دگنی مدت گزر چکی)۔",
        },
        "office_information_appeal": {
            "en": "Appeal on information request {case_id} (from {from_office_name}) for {office_name}. "
            "A decision is due by {due_date}.",
            "ur": "معلومات کی درخواست {case_id} پر ({from_office_name_ur} سے) اپیل {office_name_ur} کے لیے۔ "
            "فیصلے کی آخری تاریخ {due_date} ہے۔",
        },
        "office_appeal_overdue": {
            "en": "The appeal on {case_id} at {office_name} is past its decision date {due_date}.",
            "ur": "{office_name_ur} میں {case_id} پر اپیل کے فیصلے کی تاریخ {due_date} گزر چکی ہے۔",
        },
    }
)

# Feedback: appreciation, suggestions, ratings.
NOTIFICATIONS.update(
    {
        "office_appreciation": {
            "en": "A citizen has sent {office_name} an appreciation ({case_id}).",
            "ur": "ایک شہری نے {office_name_ur} کے لیے تعریفی پیغام بھیجا ہے ({case_id})۔",
        },
        "office_rating": {
            "en": "A citizen rated the service of {office_name} {rating} out of 5 ({case_id}).",
            "ur": "ایک شہری نے {office_name_ur} کی خدمت کو 5 میں سے {rating} درجہ دیا ہے ({case_id})۔",
        },
        "office_suggestion": {
            "en": "A citizen's suggestion {case_id} awaits review by {office_name} by {due_date}.",
            "ur": "شہری کی تجویز {case_id} پر {office_name_ur} کو {due_date} تک غور کرنا ہے۔",
        },
        "office_suggestion_overdue": {
            "en": "The suggestion {case_id} at {office_name} was due for review by {due_date}.",
            "ur": "{office_name_ur} میں تجویز {case_id} پر غور کی تاریخ {due_date} گزر چکی ہے۔",
        },
        "suggestion_received": {
            "en": "Your suggestion {case_id} has reached {office_name}, which will review it by {due_date}.",
            "ur": "آپ کی تجویز {case_id} {office_name_ur} کو موصول ہو گئی ہے، جو {due_date} تک اس پر غور کرے گا۔",
        },
        "suggestion_adopted": {
            "en": "{office_name} has adopted your suggestion {case_id}: {note}",
            "ur": "{office_name_ur} نے آپ کی تجویز {case_id} منظور کر لی ہے: {note}",
        },
        "suggestion_not_adopted": {
            "en": "{office_name} has not adopted your suggestion {case_id}: {note}",
            "ur": "{office_name_ur} نے آپ کی تجویز {case_id} منظور نہیں کی: {note}",
        },
    }
)

# Spikes (issue 15): the hourly job tells the office a (category, district) routes to, and its head office.
NOTIFICATIONS.update(
    {
        "office_spike_today": {
            "en": "Spike: {count} complaints about {category_name} in {district_name} today (usually about {expected}).",
            "ur": "اچانک اضافہ: آج {district_name_ur} میں {category_name_ur} کی {count} شکایات (عام طور پر تقریباً {expected})۔",
        },
        "office_spike_day": {
            "en": "Spike: {count} complaints about {category_name} in {district_name} on {spike_date} "
            "(usually about {expected}).",
            "ur": "اچانک اضافہ: {spike_date} کو {district_name_ur} میں {category_name_ur} کی {count} شکایات "
            "(عام طور پر تقریباً {expected})۔",
        },
        "office_spike_national_today": {
            "en": "Spike: {count} complaints about {category_name} across Pakistan today (usually about {expected}).",
            "ur": "اچانک اضافہ: آج پورے پاکستان میں {category_name_ur} کی {count} شکایات (عام طور پر تقریباً {expected})۔",
        },
        "office_spike_national_day": {
            "en": "Spike: {count} complaints about {category_name} across Pakistan on {spike_date} "
            "(usually about {expected}).",
            "ur": "اچانک اضافہ: {spike_date} کو پورے پاکستان میں {category_name_ur} کی {count} شکایات "
            "(عام طور پر تقریباً {expected})۔",
        },
    }
)

# A notice's subject line when it goes by e-mail.
EMAIL_SUBJECTS: dict[Language, str] = {"en": "Awaaz: {case_id}", "ur": "آواز: {case_id}"}

# What publishing a complaint means, shown before a citizen chooses to (GET /v1/publication).
PUBLICATION_TERMS: dict[Language, str] = {
    "en": "Your complaint is private: only you and the offices handling it can read it. If you publish it, "
    "anyone can see its tracking number, category, district, dates, status and the office responsible, and "
    "read its subject and description with phone numbers, CNICs, e-mail addresses, account numbers and your "
    "name hidden. Your name is shown only if you choose to show it. Your contact details and address are "
    "never published. You can take it out of public view at any time.",
    "ur": "آپ کی شکایت نجی ہے: اسے صرف آپ اور متعلقہ دفاتر پڑھ سکتے ہیں۔ اگر آپ اسے شائع کریں تو ہر کوئی اس کا "
    "ٹریکنگ نمبر، زمرہ، ضلع، تاریخیں، حالت اور ذمہ دار دفتر دیکھ سکے گا، اور اس کا عنوان اور تفصیل پڑھ سکے گا، "
    "جن میں فون نمبر، شناختی کارڈ نمبر، ای میل، اکاؤنٹ نمبر اور آپ کا نام چھپا دیا جائے گا۔ آپ کا نام صرف اسی "
    "صورت میں دکھایا جائے گا جب آپ چاہیں۔ آپ کا رابطہ اور پتہ کبھی شائع نہیں ہوتا۔ آپ کسی بھی وقت اشاعت واپس لے "
    "سکتے ہیں۔",
}

# What a case's `allowed_actions` call each action; `<kind>.<action>` where a kind says it its own way.
ACTION_LABELS: dict[str, dict[Language, str]] = {
    "acknowledge": {"en": "Acknowledge", "ur": "وصولی کی تصدیق"},
    "note": {"en": "Add a note", "ur": "نوٹ شامل کریں"},
    "request_info": {"en": "Ask the citizen for details", "ur": "شہری سے تفصیل طلب کریں"},
    "transfer": {"en": "Transfer to the right office", "ur": "متعلقہ دفتر کو منتقل کریں"},
    "accept_transfer": {"en": "Accept the transfer to your office", "ur": "اپنے دفتر کو منتقلی قبول کریں"},
    "decline_transfer": {"en": "Decline the transfer", "ur": "منتقلی سے انکار کریں"},
    "resolve": {"en": "Resolve", "ur": "حل کریں"},
    "reject": {"en": "Reject", "ur": "مسترد کریں"},
    "extend": {"en": "Extend once (10 working days)", "ur": "ایک بار توسیع (10 کاری دن)"},
    "answer": {"en": "Answer", "ur": "جواب دیں"},
    "not_held": {"en": "Information not held", "ur": "معلومات موجود نہیں"},
    "refuse": {"en": "Refuse under an exemption", "ur": "استثنا کے تحت انکار"},
    "decide_appeal": {"en": "Decide the appeal", "ur": "اپیل کا فیصلہ"},
    "review": {"en": "Review the suggestion", "ur": "تجویز پر فیصلہ"},
    "reply": {"en": "Reply to the office", "ur": "دفتر کو جواب دیں"},
    "withdraw": {"en": "Withdraw the complaint", "ur": "شکایت واپس لیں"},
    "information.withdraw": {"en": "Withdraw the request", "ur": "درخواست واپس لیں"},
    "feedback": {"en": "Are you satisfied with the resolution?", "ur": "کیا آپ حل سے مطمئن ہیں؟"},
    "appeal": {"en": "Appeal the answer or the delay", "ur": "جواب یا تاخیر کے خلاف اپیل کریں"},
    "publish": {"en": "Publish this complaint", "ur": "یہ شکایت شائع کریں"},
    "unpublish": {"en": "Take it out of public view", "ur": "اشاعت واپس لیں"},
    "hide": {"en": "Hide its published text", "ur": "شائع شدہ متن چھپائیں"},
}

# The fields of those actions; `<action>.<field>` where an action asks for it in its own words.
FIELD_LABELS: dict[str, dict[Language, str]] = {
    "note": {"en": "Note", "ur": "نوٹ"},
    "request_info.note": {"en": "Your question to the citizen", "ur": "شہری سے آپ کا سوال"},
    "transfer.note": {"en": "Why the case belongs to that office", "ur": "یہ کیس اس دفتر سے کیوں متعلق ہے"},
    "accept_transfer.note": {
        "en": "Note for the timeline (the request's reason when empty)",
        "ur": "ٹائم لائن کے لیے نوٹ (خالی ہو تو درخواست کی وجہ)",
    },
    "decline_transfer.note": {"en": "Why your office does not take it", "ur": "آپ کا دفتر اسے کیوں نہیں لے رہا"},
    "resolve.note": {"en": "What was done", "ur": "کیا کارروائی کی گئی"},
    "reject.note": {"en": "Explanation for the citizen", "ur": "شہری کے لیے وضاحت"},
    "extend.note": {"en": "Reason for the extension", "ur": "توسیع کی وجہ"},
    "answer.note": {"en": "The answer", "ur": "جواب"},
    "not_held.note": {
        "en": "Explanation, and who holds the information if known",
        "ur": "وضاحت، اور اگر معلوم ہو تو یہ معلومات کس کے پاس ہیں",
    },
    "refuse.note": {"en": "Explanation for the citizen", "ur": "شہری کے لیے وضاحت"},
    "decide_appeal.note": {"en": "Reasons for the decision", "ur": "فیصلے کی وجوہات"},
    "review.note": {"en": "Reasons for the decision", "ur": "فیصلے کی وجوہات"},
    "office_id": {"en": "Office to transfer to", "ur": "جس دفتر کو منتقل کرنا ہے"},
    "outcome": {"en": "Outcome", "ur": "نتیجہ"},
    "reason": {"en": "Reason", "ur": "وجہ"},
    "exemption": {"en": "Exemption", "ur": "استثنا"},
    "decision": {"en": "Decision", "ur": "فیصلہ"},
    "attachments": {"en": "Photos or documents", "ur": "تصاویر یا دستاویزات"},
    "partial": {"en": "Only part of what was asked is given", "ur": "مانگی گئی معلومات کا صرف کچھ حصہ دیا گیا"},
    "message": {"en": "Your answer", "ur": "آپ کا جواب"},
    "satisfied": {"en": "Your verdict", "ur": "آپ کی رائے"},
    "satisfied.true": {"en": "Yes, satisfied", "ur": "جی ہاں، مطمئن"},
    "satisfied.false": {"en": "No, not satisfied", "ur": "نہیں، مطمئن نہیں"},
    "rating": {"en": "Rating (1–5)", "ur": "درجہ بندی (1–5)"},
    "comment": {"en": "Comment", "ur": "تبصرہ"},
    "grounds": {"en": "Grounds of appeal", "ur": "اپیل کی وجوہات"},
    "public_name": {"en": "Show my name with it", "ur": "اس کے ساتھ میرا نام دکھائیں"},
    "hide.reason": {"en": "Why the text is hidden", "ur": "متن چھپانے کی وجہ"},
    "hide.note": {"en": "Note for the timeline", "ur": "ٹائم لائن کے لیے نوٹ"},
}


def label(catalogue: dict[str, dict[Language, str]], *names: str) -> dict[Language, str]:
    """The first of `names` the catalogue has (the most specific first)."""
    for name in names:
        if name in catalogue:
            return catalogue[name]
    return {"en": names[-1], "ur": names[-1]}


# What the API itself sends about an account (codes go to the phone or e-mail being registered or reset).
ACCOUNT_MESSAGES: dict[str, dict[Language, str]] = {
    "register_code": {
        "en": "Awaaz: your code is {code}. Enter it to finish registering; it expires in {minutes} minutes. "
        "Never share it: Awaaz staff will not ask for it.",
        "ur": "آواز: آپ کا کوڈ {code} ہے۔ رجسٹریشن مکمل کرنے کے لیے درج کریں؛ یہ {minutes} منٹ میں ختم ہو جائے گا۔ "
        "یہ کسی کو نہ بتائیں: آواز کا عملہ یہ کبھی نہیں مانگے گا۔",
    },
    "already_registered": {
        "en": "Awaaz: someone tried to register with this number or address, which already has an account. "
        "If it was you, sign in, or use 'Forgot your password?'. If not, you need do nothing.",
        "ur": "آواز: کسی نے اس نمبر یا پتے سے رجسٹر کرنے کی کوشش کی، جس کا اکاؤنٹ پہلے سے موجود ہے۔ "
        "اگر یہ آپ تھے تو سائن ان کریں یا 'پاس ورڈ بھول گئے؟' استعمال کریں۔ اگر نہیں، تو کچھ کرنے کی ضرورت نہیں۔",
    },
    "reset_code": {
        "en": "Awaaz: your code to choose a new password is {code}; it expires in {minutes} minutes. "
        "If you did not ask for it, ignore this message.",
        "ur": "آواز: نیا پاس ورڈ منتخب کرنے کے لیے آپ کا کوڈ {code} ہے؛ یہ {minutes} منٹ میں ختم ہو جائے گا۔ "
        "اگر آپ نے یہ نہیں مانگا تو اس پیغام کو نظر انداز کریں۔",
    },
}
ACCOUNT_SUBJECTS: dict[str, dict[Language, str]] = {
    "register_code": {"en": "Your Awaaz code", "ur": "آواز کا کوڈ"},
    "already_registered": {"en": "Your Awaaz account", "ur": "آپ کا آواز اکاؤنٹ"},
    "reset_code": {"en": "Your Awaaz password code", "ur": "آواز پاس ورڈ کوڈ"},
}


# Error messages by code; the English text of a raised error is the fallback.
ERRORS: dict[str, dict[Language, str]] = {
    "invalid_input": {"en": "Some details need correcting.", "ur": "کچھ معلومات درست کرنے کی ضرورت ہے۔"},
    "body_too_large": {"en": "The request is too large.", "ur": "درخواست بہت بڑی ہے۔"},
    "unauthenticated": {"en": "Please sign in again.", "ur": "براہ کرم دوبارہ سائن ان کریں۔"},
    "wrong_credentials": {
        "en": "The username, password or code is wrong.",
        "ur": "صارف نام، پاس ورڈ یا کوڈ درست نہیں۔",
    },
    "sign_in_expired": {
        "en": "This sign-in took too long; please start again.",
        "ur": "سائن ان میں بہت وقت لگ گیا؛ براہ کرم دوبارہ شروع کریں۔",
    },
    "wrong_code": {
        "en": "The code is wrong or has expired; ask for a new one.",
        "ur": "کوڈ درست نہیں یا اس کی مدت ختم ہو چکی ہے؛ نیا کوڈ منگوائیں۔",
    },
    "forbidden": {"en": "You are not allowed to do this.", "ur": "آپ کو یہ کرنے کی اجازت نہیں ہے۔"},
    "not_found": {"en": "Nothing was found here.", "ur": "یہاں کچھ نہیں ملا۔"},
    "method_not_allowed": {
        "en": "This address does not take this kind of request.",
        "ur": "یہ پتہ اس قسم کی درخواست قبول نہیں کرتا۔",
    },
    "unsupported_media_type": {
        "en": "The request is sent in a format this address does not take.",
        "ur": "درخواست ایسی شکل میں بھیجی گئی ہے جو یہ پتہ قبول نہیں کرتا۔",
    },
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
    "case_archived": {
        "en": "This case ended over a year ago and is archived: you can still read it, but it can no longer change.",
        "ur": "یہ کیس ایک سال سے زیادہ پہلے ختم ہوا اور محفوظ شدہ ریکارڈ میں منتقل ہو چکا ہے: آپ اسے پڑھ سکتے ہیں، مگر اب اس میں کوئی تبدیلی نہیں ہو سکتی۔",
    },
    "already_exists": {
        "en": "An account with this phone number or email already exists.",
        "ur": "اس فون نمبر یا ای میل کے ساتھ اکاؤنٹ پہلے سے موجود ہے۔",
    },
    "precondition_required": {
        "en": "Read the directory first: a change must say which version it was made from (If-Match).",
        "ur": "پہلے ڈائریکٹری پڑھیں: ہر تبدیلی کو بتانا ہوگا کہ وہ کس ورژن سے کی گئی (If-Match)۔",
    },
    "idempotency_key_reused": {
        "en": "This Idempotency-Key was already used for a different request.",
        "ur": "یہ Idempotency-Key پہلے کسی مختلف درخواست کے لیے استعمال ہو چکی ہے۔",
    },
    "rate_limited": {"en": "Too many attempts; please wait a little.", "ur": "بہت زیادہ کوششیں؛ تھوڑا انتظار کریں۔"},
    "daily_limit_reached": {
        "en": "You have sent as many of these today as a day allows; you can send more after midnight, Pakistan time.",
        "ur": "آپ آج کے دن کی حد تک یہ بھیج چکے ہیں؛ پاکستانی وقت کے مطابق آدھی رات کے بعد مزید بھیج سکتے ہیں۔",
    },
    "service_unavailable": {
        "en": "The service is busy; please try again shortly.",
        "ur": "سروس مصروف ہے؛ تھوڑی دیر بعد دوبارہ کوشش کریں۔",
    },
    # Where a point on the map lies (logic/geo.py).
    "place_outside": {
        "en": "This place is outside Pakistan's districts.",
        "ur": "یہ مقام پاکستان کے اضلاع سے باہر ہے۔",
    },
    "place_not_served": {
        "en": "Awaaz does not serve this district yet.",
        "ur": "آواز ابھی اس ضلع میں کام نہیں کرتا۔",
    },
    "place_unclear": {
        "en": "This place lies in an area of several districts; please choose yours.",
        "ur": "یہ مقام کئی اضلاع کے علاقے میں ہے؛ براہ کرم اپنا ضلع منتخب کریں۔",
    },
    "place_disagrees": {
        "en": "The place on the map is in another district than the one chosen.",
        "ur": "نقشے پر مقام منتخب کیے گئے ضلع کے بجائے کسی اور ضلع میں ہے۔",
    },
    "internal_error": {
        "en": "Something went wrong on our side; please try again later.",
        "ur": "ہماری طرف سے کوئی خرابی ہوئی؛ براہ کرم کچھ دیر بعد دوبارہ کوشش کریں۔",
    },
}


# A follower's copy of a case's citizen's notice ("me too", docs/insights.md) says whose it is first.
FOLLOWED_PREFIX: dict[Language, str] = {
    "en": "A complaint you follow: ",
    "ur": "زیرِ پیروی شکایت: ",
}


def notification_text(template: str, params: dict[str, str], language: Language) -> str:
    texts = NOTIFICATIONS.get(template)
    if texts is None:
        return template
    prefix = FOLLOWED_PREFIX[language] if params.get("followed") else ""
    params = {k: (spoken_date(v, language) if k.endswith("_date") else v) for k, v in params.items()}
    try:
        return prefix + texts[language].format(**params)
    except KeyError:
        return prefix + texts["en"].format_map(_Missing(params))


MONTHS: dict[Language, tuple[str, ...]] = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "ur": ("جنوری", "فروری", "مارچ", "اپریل", "مئی", "جون", "جولائی", "اگست", "ستمبر", "اکتوبر", "نومبر", "دسمبر"),
}
# Urdu writes its numbers in Extended Arabic-Indic digits, as the page does (ur-PK-u-nu-arabext).
URDU_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def spoken_date(value: str, language: Language) -> str:
    """A date (YYYY-MM-DD) as people write it: 10 December 2026, ۱۰ دسمبر ۲۰۲۶; anything else as it is."""
    parts = value[:10].split("-")
    if len(value) < 10 or len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        return value
    year, month, day = (int(p) for p in parts)
    if not 1 <= month <= 12:
        return value
    said = f"{day} {MONTHS[language][month - 1]} {year}"
    return said.translate(URDU_DIGITS) if language == "ur" else said


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def error_text(code: str, language: Language, fallback: str) -> str:
    texts = ERRORS.get(code)
    if not texts:
        return fallback
    return texts[language] if language == "ur" else fallback or texts["en"]


# --- Issue 13, words people understand: what is wrong with one field of a form (a 400's details) ---
# By kind (chosen in api/contract.py from pydantic's error type, the field and its limits), with {params}.
FIELD_PROBLEMS: dict[str, dict[Language, str]] = {
    "missing": {"en": "Fill this in.", "ur": "یہ خانہ پُر کریں۔"},
    "text_too_short": {"en": "Write at least {n} characters.", "ur": "کم از کم {n} حروف لکھیں۔"},
    "text_too_long": {"en": "Write at most {n} characters.", "ur": "زیادہ سے زیادہ {n} حروف لکھیں۔"},
    "too_few": {"en": "Choose at least {n}.", "ur": "کم از کم {n} منتخب کریں۔"},
    "too_many": {"en": "Choose at most {n}.", "ur": "زیادہ سے زیادہ {n} منتخب کریں۔"},
    "too_many_files": {"en": "At most {n} files.", "ur": "زیادہ سے زیادہ {n} فائلیں۔"},
    "choice": {"en": "Choose one of the options offered.", "ur": "دیے گئے اختیارات میں سے ایک منتخب کریں۔"},
    "file_type": {
        "en": "Choose a photo (JPEG or PNG), a PDF or an MP4 video.",
        "ur": "تصویر (JPEG یا PNG)، PDF یا MP4 ویڈیو منتخب کریں۔",
    },
    "file_too_large": {"en": "At most {mb} MB per file.", "ur": "ہر فائل زیادہ سے زیادہ {mb} MB۔"},
    "file_empty": {"en": "This file is empty.", "ur": "یہ فائل خالی ہے۔"},
    "file_name": {
        "en": "Give the file a name without / or \\.",
        "ur": "فائل کا نام / یا \\ کے بغیر رکھیں۔",
    },
    "at_least": {"en": "Enter a number of at least {n}.", "ur": "کم از کم {n} کا عدد درج کریں۔"},
    "at_most": {"en": "Enter a number of at most {n}.", "ur": "زیادہ سے زیادہ {n} کا عدد درج کریں۔"},
    "more_than": {"en": "Enter a number greater than {n}.", "ur": "{n} سے بڑا عدد درج کریں۔"},
    "less_than": {"en": "Enter a number less than {n}.", "ur": "{n} سے چھوٹا عدد درج کریں۔"},
    "whole_number": {"en": "Enter a whole number.", "ur": "پورا عدد درج کریں۔"},
    "number": {"en": "Enter a number.", "ur": "عدد درج کریں۔"},
    "text": {"en": "Write text here.", "ur": "یہاں متن لکھیں۔"},
    "yes_no": {"en": "Answer yes or no.", "ur": "ہاں یا نہیں میں جواب دیں۔"},
    "digits": {"en": "Enter the code's digits only.", "ur": "صرف کوڈ کے ہندسے درج کریں۔"},
    "six_digits": {"en": "Enter the 6 digits of the code.", "ur": "کوڈ کے ۶ ہندسے درج کریں۔"},
    "from_list": {"en": "Choose from the list.", "ur": "فہرست میں سے منتخب کریں۔"},
    "printable": {
        "en": "Use letters, digits and punctuation only.",
        "ur": "صرف حروف، ہندسے اور رموزِ اوقاف استعمال کریں۔",
    },
    "contact": {"en": "Give a phone number or an email address.", "ur": "فون نمبر یا ای میل پتہ دیں۔"},
    "unknown_field": {"en": "This form does not take this field.", "ur": "یہ فارم یہ خانہ قبول نہیں کرتا۔"},
    "form": {"en": "This is not filled in as expected.", "ur": "یہ متوقع طریقے سے پُر نہیں کیا گیا۔"},
    "unreadable": {
        "en": "The form could not be read; please send it again.",
        "ur": "فارم پڑھا نہیں جا سکا؛ براہ کرم دوبارہ بھیجیں۔",
    },
    "too_deep": {
        "en": "The form is nested more than {n} levels deep.",
        "ur": "فارم {n} سے زیادہ درجوں تک اندر در اندر ہے۔",
    },
    "number_too_long": {
        "en": "A number has more than {n} digits.",
        "ur": "کسی عدد میں {n} سے زیادہ ہندسے ہیں۔",
    },
    "number_not_finite": {"en": "A number is too large.", "ur": "کوئی عدد بہت بڑا ہے۔"},
    "invalid": {"en": "This is not right; please check it.", "ur": "یہ درست نہیں؛ براہ کرم دیکھ لیں۔"},
}

# A field's problem the service's own rules word in English (api/responses.py looks each one up):
# the text as raised → what a person reads in each language. A text not listed is sent as raised.
RAISED_PROBLEMS: dict[str, dict[Language, str]] = {
    # A phone number inside Urdu text is isolated left to right (U+2066 … U+2069), its + kept on its left.
    "not a valid mobile number: use +923001234567 or 03001234567": {
        "en": "Not a mobile number: write it like 03001234567 or +923001234567.",
        "ur": "یہ موبائل نمبر نہیں: اس طرح لکھیں \u206603001234567\u2069 یا \u2066+923001234567\u2069۔",
    },
    "not a valid email address": {"en": "Not an email address.", "ur": "یہ ای میل پتہ نہیں۔"},
    "a CNIC has 13 digits, e.g. 35202-1234567-1": {
        "en": "A CNIC has 13 digits, like 35202-1234567-1.",
        "ur": "شناختی کارڈ نمبر ۱۳ ہندسوں کا ہوتا ہے، جیسے 35202-1234567-1۔",
    },
    "unknown district; see GET /v1/districts": {
        "en": "Choose a district from the list.",
        "ur": "فہرست میں سے ضلع منتخب کریں۔",
    },
    "at most 128 characters": {"en": "Write at most 128 characters.", "ur": "زیادہ سے زیادہ ۱۲۸ حروف لکھیں۔"},
    "use at least 8 characters including a number": {
        "en": "Use at least 8 characters, one of them a digit.",
        "ur": "کم از کم ۸ حروف استعمال کریں، جن میں ایک ہندسہ ہو۔",
    },
    "too weak for this account: see the password rules": {
        "en": "This password is too weak: follow the password rules under the field.",
        "ur": "یہ پاس ورڈ کمزور ہے: خانے کے نیچے دیے گئے اصول دیکھیں۔",
    },
    "the 6-digit code from the authenticator app": {
        "en": "Enter the 6-digit code from your authenticator app.",
        "ur": "اپنی تصدیقی ایپ سے ۶ ہندسوں کا کوڈ درج کریں۔",
    },
    "not the code the authenticator app shows": {
        "en": "This is not the code your authenticator app shows.",
        "ur": "یہ وہ کوڈ نہیں جو آپ کی تصدیقی ایپ دکھا رہی ہے۔",
    },
    "wrong or expired code": {
        "en": "The code is wrong or has expired.",
        "ur": "کوڈ غلط ہے یا اس کی مدت ختم ہو چکی ہے۔",
    },
    "choose a new password": {"en": "Choose a new password.", "ur": "نیا پاس ورڈ منتخب کریں۔"},
    "the mobile number or e-mail address you registered with": {
        "en": "Enter the mobile number or email address you registered with.",
        "ur": "وہ موبائل نمبر یا ای میل پتہ درج کریں جس سے آپ نے رجسٹر کیا تھا۔",
    },
    "this account has no contact details": {
        "en": "This account has no phone number or email address.",
        "ur": "اس اکاؤنٹ میں کوئی فون نمبر یا ای میل پتہ نہیں۔",
    },
    "unknown category; see GET /v1/categories": {
        "en": "Choose a problem from the list.",
        "ur": "فہرست میں سے مسئلہ منتخب کریں۔",
    },
    "unknown organisation; see GET /v1/organisations": {
        "en": "Choose an organisation from the list.",
        "ur": "فہرست میں سے ادارہ منتخب کریں۔",
    },
    "not an office of this organisation": {
        "en": "Choose an office of the chosen organisation.",
        "ur": "منتخب ادارے کا کوئی دفتر منتخب کریں۔",
    },
    "a rating needs a value from 1 to 5": {"en": "Give a rating from 1 to 5.", "ur": "۱ سے ۵ تک درجہ دیں۔"},
    "unknown office": {"en": "Choose an office from the list.", "ur": "فہرست میں سے دفتر منتخب کریں۔"},
    "no office has this id": {"en": "Choose an office from the list.", "ur": "فہرست میں سے دفتر منتخب کریں۔"},
    "the case is at this office already": {
        "en": "The case is at this office already.",
        "ur": "کیس پہلے ہی اسی دفتر میں ہے۔",
    },
    "unknown upload id; upload files with POST /v1/uploads first": {
        "en": "A file was not uploaded (unknown upload id); please choose it again.",
        "ur": "ایک فائل اپ لوڈ نہیں ہوئی؛ براہ کرم اسے دوبارہ منتخب کریں۔",
    },
    "true or false": {"en": "Answer yes or no.", "ur": "ہاں یا نہیں میں جواب دیں۔"},
    "not a cursor this service issued": {
        "en": "This page link is not valid; start from the first page.",
        "ur": "صفحے کا یہ ربط درست نہیں؛ پہلے صفحے سے شروع کریں۔",
    },
}


def field_problem(kind: str, **params: object) -> dict[Language, str]:
    """A field's problem of `kind` (FIELD_PROBLEMS) in each language, its {params} filled in."""
    texts = FIELD_PROBLEMS.get(kind, FIELD_PROBLEMS["invalid"])
    urdu = {name: str(value).translate(URDU_DIGITS) for name, value in params.items()}
    return {"en": texts["en"].format(**params), "ur": texts["ur"].format(**urdu)}


def raised_problem_text(problem: str, language: Language, translated: str = "") -> str:
    """What a person reads for a field's `problem`: its own translation, a listed one, or the text as raised."""
    if language == "ur" and translated:
        return translated
    texts = RAISED_PROBLEMS.get(problem)
    return texts[language] if texts else problem
