"""In-memory stand-ins for the outside world, shared by unit and integration tests."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from chalicelib.logic.directory import Directory
from chalicelib.logic.pii import Keyring
from chalicelib.logic.ports import Services
from chalicelib.models.common import Principal
from chalicelib.models.directory import DirectorySnapshot
from chalicelib.models.errors import AlreadyExists, ServiceUnavailable, SignInExpired, WrongCredentials
from chalicelib.models.identity import Account, ChallengeName, ChallengeOut, Pool, TokensOut
from chalicelib.models.limits import DailyLimits
from chalicelib.models.notifications import Notification
from chalicelib.models.uploads import PresignedPost
from chalicelib.store.table import Table
from tests.memory_table import MemoryTable

PII_KEY = base64.b64decode("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
PII_KEYS = Keyring.single(PII_KEY)


@dataclass
class FakeIntake:
    sent: list[str] = field(default_factory=list)
    broken: bool = False

    def send_case(self, case_id: str) -> None:
        if self.broken:
            raise ServiceUnavailable("queue down")
        self.sent.append(case_id)


@dataclass
class FakeDueQueue:
    """The sweeper's due queue in memory: what the finder sent, as the worker would receive it (FIFO here)."""

    messages: list[tuple[list[str], str]] = field(default_factory=list)
    sends: int = 0
    broken: bool = False

    def send(self, messages: Sequence[Sequence[str]], found_at: str) -> None:
        if self.broken:
            raise ServiceUnavailable("queue down")
        assert len(messages) <= 10
        self.sends += 1
        self.messages.extend((list(ids), found_at) for ids in messages)

    def waiting(self) -> int:
        return len(self.messages)

    def take(self) -> tuple[list[str], str] | None:
        return self.messages.pop(0) if self.messages else None


@dataclass
class FakeArchive:
    """The archive bucket in memory: each case's record by id, and how many puts and gets it answered."""

    objects: dict[str, bytes] = field(default_factory=dict)
    puts: int = 0
    gets: int = 0
    broken: bool = False

    def put(self, case_id: str, body: bytes) -> None:
        if self.broken:
            raise ServiceUnavailable("archive down")
        self.puts += 1
        self.objects[case_id] = body

    def get(self, case_id: str) -> bytes | None:
        if self.broken:
            raise ServiceUnavailable("archive down")
        self.gets += 1
        return self.objects.get(case_id)


@dataclass
class FakeNotificationQueue:
    queued: list[Notification] = field(default_factory=list)
    broken: bool = False

    def enqueue(self, notes: Sequence[Notification]) -> None:
        if self.broken:
            raise ServiceUnavailable("queue down")
        self.queued.extend(notes)


@dataclass
class FakeMessenger:
    """Records what would be sent; `broken` makes every send fail as an SNS/SES outage would."""

    sms: list[tuple[str, str]] = field(default_factory=list)
    emails: list[tuple[str, str, str]] = field(default_factory=list)
    broken: bool = False

    def send_sms(self, phone: str, text: str) -> None:
        if self.broken:
            raise ServiceUnavailable("sns down")
        self.sms.append((phone, text))

    def send_email(self, address: str, subject: str, text: str) -> None:
        if self.broken:
            raise ServiceUnavailable("ses down")
        self.emails.append((address, subject, text))


@dataclass
class FakeIdentity:
    """Both pools in memory: users by (pool, username), case-insensitive as the pools are; staff sign in with a challenge answered by `mfa_code`."""

    users: dict[tuple[str, str], dict[str, object]] = field(default_factory=dict)
    mfa_code: str = "123456"
    signed_out: list[str] = field(default_factory=list)

    def user(self, username: str, pool: Pool = "citizens") -> dict[str, object]:
        return self.users[(pool, username.lower())]

    def find(self, pool: Pool, username: str) -> Account | None:
        user = self.users.get((pool, username.lower()))
        return None if user is None else Account(sub=str(user["sub"]), enabled=bool(user["enabled"]))

    def create(self, pool: Pool, username: str, password: str | None, attributes: dict[str, str], group: str) -> str:
        if (pool, username.lower()) in self.users:
            raise AlreadyExists("exists")
        sub = str(uuid.uuid4())
        self.users[(pool, username.lower())] = {
            "sub": sub,
            "password": password,
            "attributes": dict(attributes),
            "groups": [group],
            "enabled": True,
        }
        return sub

    def sign_in(self, pool: Pool, username: str, password: str) -> TokensOut | ChallengeOut:
        user = self.users.get((pool, username.lower()))
        if not user or user["password"] != password or not user["enabled"]:
            raise WrongCredentials("wrong")
        if pool == "staff":
            return ChallengeOut(challenge="mfa", session=f"session:{username.lower()}")
        return _tokens(username)

    def answer(
        self, pool: Pool, username: str, session: str, challenge: ChallengeName, answer: str | None
    ) -> TokensOut | ChallengeOut:
        if session != f"session:{username.lower()}":
            raise SignInExpired("expired")
        if answer != self.mfa_code:
            raise WrongCredentials("wrong code")
        return _tokens(username)

    def refresh(self, pool: Pool, refresh_token: str) -> TokensOut:
        return TokensOut(id_token="id", access_token="access", refresh_token=refresh_token, expires_in=3600)

    def set_password(self, pool: Pool, username: str, password: str) -> None:
        self.users[(pool, username.lower())]["password"] = password

    def set_enabled(self, pool: Pool, username: str, enabled: bool) -> None:
        self.users[(pool, username.lower())]["enabled"] = enabled

    def delete(self, pool: Pool, username: str) -> None:
        del self.users[(pool, username.lower())]

    def sign_out(self, pool: Pool, username: str) -> None:
        self.signed_out.append(username)

    def update(self, pool: Pool, username: str, attributes: dict[str, str]) -> None:
        current = self.users[(pool, username.lower())]["attributes"]
        assert isinstance(current, dict)
        current.update(attributes)

    def invite(
        self, pool: Pool, username: str, temporary_password: str, attributes: dict[str, str], groups: Sequence[str]
    ) -> str:
        sub = self.create(pool, username, temporary_password, attributes, groups[0])
        self.users[(pool, username.lower())].update(groups=list(groups), temporary=True)
        return sub

    def add_to_group(self, pool: Pool, username: str, group: str) -> None:
        groups = self.users[(pool, username.lower())]["groups"]
        assert isinstance(groups, list)
        if group not in groups:
            groups.append(group)

    def remove_from_group(self, pool: Pool, username: str, group: str) -> None:
        groups = self.users[(pool, username.lower())]["groups"]
        assert isinstance(groups, list)
        if group in groups:
            groups.remove(group)


def _tokens(username: str) -> TokensOut:
    return TokensOut(id_token=f"id:{username}", access_token="access", refresh_token="refresh", expires_in=3600)


@dataclass
class FakePresigner:
    """Signs nothing: records each request and returns a recognisable form."""

    signed: list[dict[str, object]] = field(default_factory=list)
    broken: bool = False
    missing: set[str] = field(default_factory=set)  # object keys or upload ids whose POST never arrived

    def presign_post(self, key: str, content_type: str, max_bytes: int, expires_in: int) -> PresignedPost:
        if self.broken:
            raise ServiceUnavailable("s3 down")
        self.signed.append({"key": key, "content_type": content_type, "max_bytes": max_bytes, "expires_in": expires_in})
        return PresignedPost(url="https://uploads.example/", fields={"key": key, "Content-Type": content_type})

    def presign_get(self, key: str, content_type: str, filename: str, inline: bool, expires_in: int) -> str:
        if self.broken:
            raise ServiceUnavailable("s3 down")
        return f"https://uploads.example/{key}?X-Amz-Expires={expires_in}&inline={inline}"

    def stored_size(self, key: str) -> int | None:
        """Every signed object arrived (2048 bytes), but those named in `missing`."""
        if self.broken:
            raise ServiceUnavailable("s3 down")
        return None if key in self.missing or key.rsplit("/", 1)[-1] in self.missing else 2048


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 27, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now = self.now + timedelta(**kwargs)


def small_directory() -> DirectorySnapshot:
    """A directory small enough to reason about: one utility with a head office and two levels below."""
    return DirectorySnapshot.model_validate(
        {
            "levels": [{"id": "federal", "name": "Federal", "name_ur": "وفاقی"}],
            "districts": [
                {"id": "lahore", "name": "Lahore", "name_ur": "لاہور", "level_id": "federal"},
                {"id": "kasur", "name": "Kasur", "name_ur": "قصور", "level_id": "federal"},
                {"id": "quetta", "name": "Quetta", "name_ur": "کوئٹہ", "level_id": "federal"},
            ],
            "organisations": [
                {"id": "lesco", "name": "LESCO", "name_ur": "لیسکو", "level_id": "federal", "kind": "utility"},
                {"id": "pmdu", "name": "PMDU", "name_ur": "پی ایم ڈی یو", "level_id": "federal", "kind": "authority"},
            ],
            "offices": [
                {
                    "id": "lesco-hq",
                    "organisation_id": "lesco",
                    "name": "LESCO HQ",
                    "name_ur": "لیسکو ہیڈ آفس",
                    "district_id": "lahore",
                    "parent_id": None,
                },
                {
                    "id": "lesco-lahore",
                    "organisation_id": "lesco",
                    "name": "LESCO Lahore",
                    "name_ur": "لیسکو لاہور",
                    "district_id": "lahore",
                    "parent_id": "lesco-hq",
                },
                {
                    "id": "lesco-kasur",
                    "organisation_id": "lesco",
                    "name": "LESCO Kasur",
                    "name_ur": "لیسکو قصور",
                    "district_id": "kasur",
                    "parent_id": "lesco-hq",
                },
                {
                    "id": "pmdu-hq",
                    "organisation_id": "pmdu",
                    "name": "PMDU",
                    "name_ur": "پی ایم ڈی یو",
                    "district_id": "lahore",
                    "parent_id": None,
                },
            ],
            "categories": [
                {
                    "id": "electricity-overbilling",
                    "name": "Electricity: over-billing",
                    "name_ur": "بجلی: زائد بلنگ",
                    "group": "Electricity",
                    "group_ur": "بجلی",
                    "kind": "complaint",
                },
                {
                    "id": "electricity-fault",
                    "name": "Electricity: no power",
                    "name_ur": "بجلی: بجلی بند",
                    "group": "Electricity",
                    "group_ur": "بجلی",
                    "kind": "complaint",
                },
                {
                    "id": "information-request",
                    "name": "Information request",
                    "name_ur": "معلومات کی درخواست",
                    "group": "Information",
                    "group_ur": "معلومات",
                    "kind": "information",
                },
            ],
            "routing_rules": [
                {"category_id": "electricity-overbilling", "district_id": "lahore", "office_id": "lesco-lahore"},
                {"category_id": "electricity-overbilling", "district_id": "kasur", "office_id": "lesco-kasur"},
            ],
            "fallbacks": [
                {"category_id": "electricity-overbilling", "office_id": "lesco-hq"},
            ],
            "sla_policies": [
                {"id": "default", "category_id": None},
                {"id": "fault", "category_id": "electricity-fault", "days_per_level": 3},
            ],
        }
    )


def make_services(
    table: Table | None = None,
    snapshot: DirectorySnapshot | None = None,
    clock: Clock | None = None,
    daily_limits: DailyLimits | None = None,
) -> tuple[Services, FakeIntake, Clock]:
    directory = Directory(snapshot or small_directory())
    intake = FakeIntake()
    clock = clock or Clock()
    services = Services(
        table=table or MemoryTable(),
        directory=lambda: directory,
        intake=intake,
        notifications=FakeNotificationQueue(),
        messenger=FakeMessenger(),
        identity=FakeIdentity(),
        uploads=FakePresigner(),
        clock=clock,
        pii_keys=lambda: PII_KEYS,
        daily_limits=daily_limits or DailyLimits(),
        due=FakeDueQueue(),
        archive=FakeArchive(),
    )
    return services, intake, clock


def citizen(sub: str = "citizen-1", language: str = "en") -> Principal:
    return Principal(sub=sub, role="citizen", language=language)


def officer(office_id: str, sub: str = "officer-1") -> Principal:
    return Principal(sub=sub, role="officer", office_id=office_id)


def routed_complaint(services: Services, district: str = "lahore", *, routed: bool = True) -> str:
    """A demo citizen's over-billing complaint, filed and (unless told not to) routed: to LESCO Lahore here."""
    from chalicelib.logic import complaints
    from chalicelib.logic.routing import route_case
    from chalicelib.models.complaints import ComplaintIn

    body = ComplaintIn.model_validate(
        {
            "category_id": "electricity-overbilling",
            "subject": "Over-billing again",
            "description": "The meter reading on my bill is wrong.",
            "location": {"district": district},
        }
    )
    case_id = str(complaints.submit(services, citizen(), body, None).case["id"])
    assert not routed or route_case(services, case_id)
    return case_id


def sent_code(services: Services) -> str:
    """The code in the last SMS or e-mail the API sent (six digits)."""
    import re

    messenger = services.messenger
    assert isinstance(messenger, FakeMessenger)
    texts = [text for _, text in messenger.sms] + [text for _, _, text in messenger.emails]
    found = re.search(r"\b([0-9]{6})\b", texts[-1])
    assert found, texts[-1]
    return found.group(1)
