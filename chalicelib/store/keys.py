"""Every DynamoDB key of the single table is built here and nowhere else.

See docs/access-patterns.md for the access pattern each key serves.
"""

from __future__ import annotations

import hashlib
import random
from enum import StrEnum

# Partitions that a national peak could heat are spread over shards by a suffix drawn from the case
# (or notice) id; readers query every shard and merge (docs/scale.md). At the modelled burst (50,000
# complaints a minute, one category, one district, one office) the office's queue and inbox and the
# category's open cases took 1,700 and 3,300 write units a second on one key (DynamoDB allows 1,000), and
# the similar check read the category's 7,800 (allowed: 3,000). Shard 0 keeps the key's unsuffixed name, so items written before the
# shards existed are read as shard 0 and nothing needs migrating.
DUE_SHARDS = 4
# Counters: a complaint adds to its day's and its month's counter of each (dimension, value) twice (filed, routed),
# in transactions (2 units each); both counters of a shard share its partition. Days draw from 16 shards and
# months from the first 8, so a shard's partition takes at most ~625 units a second at the burst.
STAT_SHARDS = 8
DAY_STAT_SHARDS = 16
QUEUE_SHARDS = 4  # an office's open cases (GSI2) and its staff's inbox (table): ~420 units a second each
# A category's private cases of a month (GSI4), written once a complaint is routed (not when filed): ~560
# write and ~2,000 read units a second each at the burst (the similar check reads 12 from each). 3, not more: the similar check, a public request,
# reads every shard of this month's and last month's and the two published partitions, and a public request
# makes fewer than 10 calls (bench/public.py). Published partitions are written only at publication: one key.
SERVICE_SHARDS = 3


def _suffix(shard: int) -> str:
    return f"#{shard}" if shard else ""


class Prefix(StrEnum):
    CASE = "CASE"
    EVENT = "EVT"
    CITIZEN = "CITIZEN"
    OFFICE = "OFFICE"
    DUE = "DUE"
    SERVICE = "SVC"
    PUBLISHED = "PUB"
    DIRECTORY = "DIR"
    STAT = "STAT"
    IDEMPOTENCY = "IDEM"
    USER = "USER"
    NOTE = "NOTE"
    UPLOAD = "UPLOAD"
    ONCE = "ONCE"
    AUDIT = "AUDIT"
    GAP = "GAP"
    SPIKE = "SPIKE"
    TRIAGE = "TRIAGE"


CASE_SK = "CASE"
PROFILE_SK = "PROFILE"
UPLOAD_SK = "UPLOAD"
DIRECTORY_PK = Prefix.DIRECTORY.value


def case_pk(case_id: str) -> str:
    return f"{Prefix.CASE}#{case_id}"


def case_id_of(pk: str) -> str:
    """The tracking number in a case's partition key."""
    return pk.removeprefix(f"{Prefix.CASE}#")


def event_sk(at_iso: str, seq: int) -> str:
    return f"{Prefix.EVENT}#{at_iso}#{seq:04d}"


EVENT_SK_PREFIX = f"{Prefix.EVENT}#"


def citizen_gsi(sub: str, created_iso: str, case_id: str, kind: str = "complaint") -> dict[str, str]:
    """GSI1: a citizen's complaints (or information requests), newest first."""
    return {"GSI1PK": citizen_pk(sub, kind), "GSI1SK": f"{created_iso}#{case_id}"}


def citizen_pk(sub: str, kind: str = "complaint") -> str:
    """Complaints keep the plain partition; other kinds of case have their own, so each list is one Query."""
    return f"{Prefix.CITIZEN}#{sub}" if kind == "complaint" else f"{Prefix.CITIZEN}#{sub}#{kind.upper()}"


def office_queue_pk(office_id: str, shard: int = 0) -> str:
    return f"{Prefix.OFFICE}#{office_id}#OPEN{_suffix(shard)}"


def office_queue_pks(office_id: str) -> list[str]:
    """Every shard of an office's queue: a read of the queue queries each and merges them."""
    return [office_queue_pk(office_id, shard) for shard in range(QUEUE_SHARDS)]


def office_queue_gsi(office_id: str, due_iso: str, case_id: str) -> dict[str, str]:
    """GSI2 (sparse): an office's open cases, soonest deadline first, in the shard the case id draws."""
    return {"GSI2PK": office_queue_pk(office_id, _shard(case_id, QUEUE_SHARDS)), "GSI2SK": f"{due_iso}#{case_id}"}


TRIAGE_PK = f"{Prefix.TRIAGE}#OPEN"


def triage_gsi(since_iso: str, case_id: str) -> dict[str, str]:
    """GSI2, a partition of its own: complaints filed "not sure" of their category waiting for a person, oldest first.

    One partition for the country: only complaints the model could not place confidently land
    here (a small share of filings), and each is written twice (in, then out).
    """
    return {"GSI2PK": TRIAGE_PK, "GSI2SK": f"{since_iso}#{case_id}"}


HANDLED_SK_PREFIX = "HANDLED#"
FOLLOWER_SK_PREFIX = "FOLLOWER#"


def follower_key(case_id: str, sub: str) -> dict[str, str]:
    """In the case's partition, one item per citizen who said "me too" (or whose merged case it absorbed)."""
    return {"PK": case_pk(case_id), "SK": f"{FOLLOWER_SK_PREFIX}{sub}"}


def followed_pk(sub: str) -> str:
    return f"{Prefix.CITIZEN}#{sub}#FOLLOWED"


def followed_gsi(sub: str, joined_iso: str, case_id: str) -> dict[str, str]:
    """GSI1: the cases a citizen follows, newest joined first (a partition beside their own cases')."""
    return {"GSI1PK": followed_pk(sub), "GSI1SK": f"{joined_iso}#{case_id}"}


def handled_key(case_id: str, office_id: str) -> dict[str, str]:
    """In the case's partition, one item per office that had the case and let it go (its history entry)."""
    return {"PK": case_pk(case_id), "SK": f"{HANDLED_SK_PREFIX}{office_id}"}


def office_history_pk(office_id: str) -> str:
    return f"{Prefix.OFFICE}#{office_id}#HISTORY"


def office_history_gsi(office_id: str, left_iso: str, case_id: str) -> dict[str, str]:
    """GSI2, another partition than the queue's: the cases an office let go (closed, escalated, transferred), newest first."""
    return {"GSI2PK": office_history_pk(office_id), "GSI2SK": f"{left_iso}#{case_id}"}


def _shard(value: str, shards: int) -> int:
    return int(hashlib.blake2s(value.encode(), digest_size=2).hexdigest(), 16) % shards


def due_pk(month: str, shard: int) -> str:
    return f"{Prefix.DUE}#{month}#{shard}"


def due_gsi(due_iso: str, case_id: str) -> dict[str, str]:
    """GSI3 (sparse): cases the sweeper must look at, by the month (`YYYY-MM`) of their next check.

    Monthly buckets let the sweeper look back two whole months in a dozen Queries, so an
    outage of the sweeper (or `make job` jumping weeks ahead) misses nothing; the sort key
    bounds each Query to what is due, so cases not yet due cost nothing.
    """
    return {
        "GSI3PK": due_pk(due_iso[:7], _shard(case_id, DUE_SHARDS)),
        "GSI3SK": f"{due_iso}#{case_id}",
    }


def service_gsi(service_code: str, requested_iso: str, case_id: str, *, public: bool, closed: bool) -> dict[str, str]:
    """GSI4: cases by service, month and whether they are closed; the published ones in partitions of their own.

    Similar complaints read the open partitions only; public lists only the published ones. Private
    partitions, written at every filing, are sharded by the case id (`service_pks` lists the shards).
    """
    shard = 0 if public else _shard(case_id, SERVICE_SHARDS)
    pk = service_pk(service_code, requested_iso[:7], public=public, closed=closed, shard=shard)
    return {"GSI4PK": pk, "GSI4SK": f"{requested_iso}#{case_id}"}


def service_pk(service_code: str, month: str, *, public: bool, closed: bool, shard: int = 0) -> str:
    base = f"{Prefix.SERVICE}{'PUB' if public else ''}#{service_code}#{month}#{'C' if closed else 'O'}"
    return base + _suffix(shard)


def service_pks(service_code: str, month: str, *, public: bool, closed: bool) -> list[str]:
    """Every shard of one GSI4 partition (a published one has a single shard)."""
    shards = 1 if public else SERVICE_SHARDS
    return [service_pk(service_code, month, public=public, closed=closed, shard=shard) for shard in range(shards)]


def published_pk(month: str, *, closed: bool) -> str:
    return f"{Prefix.PUBLISHED}#{month}#{'C' if closed else 'O'}"


def published_gsi(requested_iso: str, case_id: str, *, closed: bool) -> dict[str, str]:
    """GSI5 (sparse, keys only): published complaints by month filed and open/closed, newest first."""
    return {"GSI5PK": published_pk(requested_iso[:7], closed=closed), "GSI5SK": f"{requested_iso}#{case_id}"}


def holiday_year_sk(year: int) -> str:
    """A year of public holidays, beside the directory snapshot (`DIR` / `HOLIDAYS#<yyyy>`)."""
    return f"HOLIDAYS#{year:04d}"


def directory_snapshot_key() -> dict[str, str]:
    return {"PK": DIRECTORY_PK, "SK": "SNAPSHOT"}


def directory_version_key() -> dict[str, str]:
    """The directory's head: its version alone, read by warm containers to notice a change."""
    return {"PK": DIRECTORY_PK, "SK": "VERSION"}


def stat_key(dimension: str, value: str, day: str) -> dict[str, str]:
    """A daily counter; the shard is random so one busy day spreads its writes."""
    return stat_shard_key(dimension, value, random.randrange(DAY_STAT_SHARDS), day)


def stat_shard_key(dimension: str, value: str, shard: int, day: str) -> dict[str, str]:
    """One shard of a daily counter, to read it whole (statistics)."""
    return {"PK": f"{Prefix.STAT}#{dimension}#{value}#{shard}", "SK": f"DAY#{day}"}


def stat_group_of(pk: str) -> tuple[str, str]:
    """(dimension, value) of a counter's partition key."""
    _, dimension, rest = pk.split("#", 2)
    return dimension, rest.rsplit("#", 1)[0]


def stat_month_key(dimension: str, value: str, month: str) -> dict[str, str]:
    """A monthly counter (feedback: appreciations, ratings and their sum, suggestions reviewed)."""
    shard = random.randrange(STAT_SHARDS)
    return {"PK": f"{Prefix.STAT}#{dimension}#{value}#{shard}", "SK": f"MONTH#{month}"}


def stat_month_keys(dimension: str, value: str, month: str) -> list[dict[str, str]]:
    """Every shard of a monthly counter, to read it whole."""
    return [
        {"PK": f"{Prefix.STAT}#{dimension}#{value}#{shard}", "SK": f"MONTH#{month}"} for shard in range(STAT_SHARDS)
    ]


def gap_month_key(month: str) -> dict[str, str]:
    """The satisfaction gap's counts of every group for one month, as the daily insights job read them (one item)."""
    return {"PK": f"{Prefix.GAP}#{month}", "SK": "COUNTS"}


def pair_day_pk(day: str, shard: int) -> str:
    """One shard of a day's counters per (category, district): a Query of the day's shards lists every pair filed that day."""
    return f"{Prefix.STAT}#PAIRS#{day}#{shard}"


def pair_day_key(day: str, category_id: str, district_id: str) -> dict[str, str]:
    """The day's counter of one (category, district), in a random shard of the day's partition (spike detection)."""
    return {"PK": pair_day_pk(day, random.randrange(STAT_SHARDS)), "SK": f"{category_id}#{district_id}"}


def pair_of(sk: str) -> tuple[str, str]:
    """(category, district) of a pair counter's sort key."""
    category_id, _, district_id = sk.partition("#")
    return category_id, district_id


SPIKES_PK = f"{Prefix.SPIKE}#ALL"


def spike_key(day: str, category_id: str, district_id: str) -> dict[str, str]:
    """A flagged spike, one per (category, district, day); the partition lists them newest first (few a day)."""
    return {"PK": SPIKES_PK, "SK": f"{day}#{category_id}#{district_id}"}


def trends_key() -> dict[str, str]:
    """The per-category daily counts of the last weeks, written by the hourly spike job for GET /v1/insights/trends."""
    return {"PK": f"{Prefix.SPIKE}#TRENDS", "SK": "LATEST"}


def counted_once_key(what: str, sub: str, office_id: str, month: str) -> dict[str, str]:
    """The marker that a citizen's `what` (a rating) of an office was counted in `month`: later ones count nothing."""
    return {"PK": f"{Prefix.ONCE}#{sub}", "SK": f"{what}#{office_id}#{month}"}


def redrive_claim_key(queue: str, message_id: str) -> dict[str, str]:
    """The claim that one dead letter (by its SQS message id) was, or is being, sent back to its queue."""
    return {"PK": f"{Prefix.ONCE}#redrive#{queue}#{message_id}", "SK": "CLAIM"}


def idempotency_key(sub: str, key: str) -> dict[str, str]:
    digest = hashlib.sha256(key.encode()).hexdigest()
    return {"PK": f"{Prefix.IDEMPOTENCY}#{sub}#{digest}", "SK": "IDEM"}


def user_pk(sub: str) -> str:
    return f"{Prefix.USER}#{sub}"


def profile_key(sub: str) -> dict[str, str]:
    return {"PK": user_pk(sub), "SK": PROFILE_SK}


def office_inbox_pk(office_id: str, note_id: str | None = None) -> str:
    """The in-app notifications addressed to an office's staff (new assignments, reminders, escalations).

    A notice lands in the shard its id draws (every filing and routing writes one at a burst).
    """
    shard = _shard(note_id, QUEUE_SHARDS) if note_id else 0
    return f"{Prefix.OFFICE}#{office_id}#INBOX{_suffix(shard)}"


def office_inbox_pks(office_id: str) -> list[str]:
    return [f"{Prefix.OFFICE}#{office_id}#INBOX{_suffix(shard)}" for shard in range(QUEUE_SHARDS)]


def office_staff_pk(office_id: str) -> str:
    """An office's staff (SK `USER#<sub>`): who hears of the office's notices by SMS or e-mail."""
    return f"{Prefix.OFFICE}#{office_id}#STAFF"


def delivery_key(note_id: str, sub: str, channel: str) -> dict[str, str]:
    """The claim that one notice was sent to one person on one channel (a redelivered message sends once)."""
    return {"PK": f"SENT#{note_id}", "SK": f"{sub}#{channel}"}


def note_sk(at_iso: str, note_id: str) -> str:
    return f"{Prefix.NOTE}#{at_iso}#{note_id}"


NOTE_SK_PREFIX = f"{Prefix.NOTE}#"


def upload_key(upload_id: str) -> dict[str, str]:
    return {"PK": f"{Prefix.UPLOAD}#{upload_id}", "SK": UPLOAD_SK}


API_KEYS_PK = "APIKEYS"


def api_key_lookup(key_digest: str) -> dict[str, str]:
    """An Open311 API key found by the SHA-256 of what the client sends."""
    return {"PK": f"APIKEY#{key_digest}", "SK": "APIKEY"}


def api_key_listing(key_id: str) -> dict[str, str]:
    """The admin's list of issued keys (one Query)."""
    return {"PK": API_KEYS_PK, "SK": f"KEY#{key_id}"}


def rate_key(action: str, subject_digest: str, window: int) -> dict[str, str]:
    """A rate-limit counter: one action by one subject (hashed: a phone number is PII) in one time window."""
    return {"PK": f"RATE#{action}#{subject_digest}", "SK": f"W#{window}"}


def revoked_key(sub: str) -> dict[str, str]:
    """When a person's tokens stopped counting (disabled, deleted, moved out of an office, password reset)."""
    return {"PK": user_pk(sub), "SK": "REVOKED"}


def login_key(username_digest: str) -> dict[str, str]:
    """Which pool a username signs in to (present for staff only), by the keyed digest of the username."""
    return {"PK": f"LOGIN#{username_digest}", "SK": "POOL"}


def code_key(purpose: str, username_digest: str) -> dict[str, str]:
    """The one live code of a purpose (registration, password reset) for one username."""
    return {"PK": f"CODE#{purpose}#{username_digest}", "SK": "CODE"}


# --- the audit trail (docs/access-patterns.md) -------------------------------------------


def audit_month_pk(month: str) -> str:
    """Every audit entry of a month (`YYYY-MM`)."""
    return f"{Prefix.AUDIT}#{month}"


def audit_actor_pk(sub: str) -> str:
    """GSI1: the audit entries of one actor."""
    return f"{Prefix.AUDIT}#ACTOR#{sub}"


def audit_object_pk(object_type: str, object_id: str) -> str:
    """GSI2: the audit entries of one object (an office, a rule, an account, a key …)."""
    return f"{Prefix.AUDIT}#OBJECT#{object_type}#{object_id}"


def audit_organisation_pk(organisation_id: str) -> str:
    """GSI4: the audit entries of one organisation's directory and staff (what its admins may read)."""
    return f"{Prefix.AUDIT}#ORG#{organisation_id}"


# --- insights (issue 15) ------------------------------------------------------------------


def topics_key(organisation_id: str, week: str) -> dict[str, str]:
    """The emerging topics of one organisation's new complaints in one week (`YYYY-Www`, Pakistan time)."""
    return {"PK": f"TOPICS#{organisation_id}", "SK": f"WEEK#{week}"}
