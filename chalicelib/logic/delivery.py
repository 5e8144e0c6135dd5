"""Delivering a committed notice by SMS and e-mail, per person, in their language, exactly once.

The in-app copy was written with the change that caused the notice; this sends the rest.
A notice is for one person (`sub`) or for an office's staff (`office_id`). Each person's
profile holds their contacts (encrypted), their language and the channels they chose.
Before a send, a claim item (notice, person, channel) is written only if absent: a
message delivered twice finds the claim and sends nothing; a failed send gives the
claim back and raises, so SQS retries that message alone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from chalicelib.logic import pii
from chalicelib.logic.messages import EMAIL_SUBJECTS, notification_text
from chalicelib.logic.ports import Services
from chalicelib.models.common import Language
from chalicelib.models.notifications import Notification
from chalicelib.observability import logger, metrics
from chalicelib.store import followers, people
from chalicelib.store.table import Item

CHANNELS = ("sms", "email")
# A claim outlives any redelivery of its message: the queue keeps a message 4 days, its dead-letter
# queue 14 (from when it was first sent), and an admin may redrive it back until then (docs/operations.md).
CLAIM_SECONDS = 15 * 24 * 3600


@dataclass
class Delivered:
    sent: list[str] = field(default_factory=list)  # "<channel>" per send, for counting
    skipped: int = 0  # already sent, or nobody to send to


@dataclass(frozen=True)
class Recipient:
    sub: str
    language: Language
    phone: str | None
    email: str | None
    channels: tuple[str, ...]


def recipient_of(services: Services, sub: str, profile: Item | None) -> Recipient | None:
    """A person's contacts and choices from their profile; None without a profile."""
    if profile is None:
        return None
    phone = pii.decrypt(profile["phone_encrypted"], services.pii_keys()) if profile.get("phone_encrypted") else None
    email = pii.decrypt(profile["email_encrypted"], services.pii_keys()) if profile.get("email_encrypted") else None
    language: Language = "ur" if profile.get("language") == "ur" else "en"
    chosen = tuple(c for c in profile.get("notify_by", default_channels(phone, email)) if c in CHANNELS)
    return Recipient(sub=sub, language=language, phone=phone, email=email, channels=chosen)


def default_channels(phone: str | None, email: str | None) -> list[str]:
    """SMS for those who registered with a phone, e-mail for those with an e-mail (in-app always)."""
    return [c for c, contact in (("sms", phone), ("email", email)) if contact]


def deliver(services: Services, note: Notification) -> Delivered:
    """Send one notice to its person, or to each of its office's staff, on each chosen channel.

    A citizen's notice also goes to the case's followers ("me too"): their in-app copies are written
    here (same id: written again, stored once), each marked as of a complaint they follow.
    """
    subs = [note.sub] if note.sub else people.staff_of(services.table, note.office_id or "")
    copies = {sub: note for sub in subs}
    if note.followers:
        followers.copy_to_inboxes(services.table, note)
        copies.update({f: followers.as_followers(note, f) for f in note.followers if f not in copies})
    done = Delivered()
    for sub, copy in copies.items():  # each person's own copy (a follower's says whose complaint it is)
        recipient = recipient_of(services, sub, people.get_profile(services.table, sub))
        if recipient is None:
            done.skipped += 1
            continue
        for channel in recipient.channels:
            if _send(services, copy, recipient, channel):
                done.sent.append(channel)
            else:
                done.skipped += 1
    logger.info(
        "notice delivered",
        extra={"notification_id": note.id, "template": note.template, "sent": done.sent, "skipped": done.skipped},
    )
    if done.sent:
        metrics.add_metric(name="NotificationsSent", unit="Count", value=len(done.sent))
    if done.skipped:
        metrics.add_metric(name="NotificationsSkipped", unit="Count", value=done.skipped)
    return done


def _send(services: Services, note: Notification, recipient: Recipient, channel: str) -> bool:
    destination = recipient.phone if channel == "sms" else recipient.email
    if not destination:
        return False
    claimed = people.claim_delivery(services.table, note.id, recipient.sub, channel, int(time.time()) + CLAIM_SECONDS)
    if not claimed:
        return False  # this message was delivered before
    text = notification_text(note.template, note.params, recipient.language)
    try:
        if channel == "sms":
            services.messenger.send_sms(destination, text)
        else:
            # A notice about no one case (a spike) has the portal's name alone as its subject.
            subject = EMAIL_SUBJECTS[recipient.language].format(case_id=note.case_id or "").rstrip(": ")
            services.messenger.send_email(destination, subject, text)
    except Exception:
        people.release_delivery(services.table, note.id, recipient.sub, channel)
        raise
    return True
