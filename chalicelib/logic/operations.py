"""The operations view (queues, dead letters, overdue cases by organisation) and the dead-letter redrive.

Redrive sends each dead letter back to its work queue once. Per batch of up to ten:
1. claim each letter by its message id (a put only if absent; a claim left `sending` by a
   redrive that stopped is taken over once its lease has run out);
2. send the claimed letters' bodies and attributes to the work queue;
3. mark their claims `sent`;
4. delete them from the dead-letter queue.
A letter whose claim says `sent` (a redrive that stopped between 3 and 4) is only deleted;
one another redrive holds (`sending`, lease running) is left alone. The one window where a
letter can reach its queue twice is a stop between 2 and 3: its claim stays `sending`, and
the redrive after the lease sends it again. That side is chosen on purpose: both workers take
a message twice without doing anything twice (routing acts only on a `submitted` case; a
notice is sent per person and channel once, under a claim of its own), while a letter
dropped on the other side would be a complaint never routed or a notice never sent.
See docs/operations.md.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from chalicelib.logic import audit
from chalicelib.logic.clock import iso
from chalicelib.logic.ports import QueueOperations, Services
from chalicelib.models.audit import Actor
from chalicelib.models.errors import NotFound, ServiceUnavailable
from chalicelib.models.operations import (
    DeadLetter,
    DeadLetterOut,
    OverdueOut,
    QueueName,
    QueueOut,
    QueuesOut,
    RedriveIn,
    RedriveOut,
)
from chalicelib.observability import logger
from chalicelib.store import operations as operations_store

# A letter received by a redrive stays hidden from other receivers this long: longer than the API
# function may run (10 s), so no other redrive sees it while this one is alive.
HIDDEN_SECONDS = 30
# A `sending` claim belongs to its redrive this long; after it, the letter is taken over and sent
# again (its redrive stopped). Longer than the letter stays hidden, so the takeover comes after.
LEASE = timedelta(seconds=60)
# A claim outlives its letter: a dead letter is kept 14 days from when it was first sent.
CLAIM_KEPT = timedelta(days=15)
# How long one redrive keeps moving letters: it answers well inside the API function's 10 s.
TIME_BUDGET_SECONDS = 6.0
# Overdue cases counted per organisation at most (1000 reads as "1000 or more").
# Head offices asked at once (botocore keeps 10 connections a client).
OVERDUE_READERS = 8
OVERDUE_CAP = 1000
_BATCH = 10


def _operations(services: Services) -> QueueOperations:
    if services.queue_operations is None:
        raise ServiceUnavailable("the dead-letter queues are not configured (INTAKE_DLQ_URL, NOTIFICATIONS_DLQ_URL)")
    return services.queue_operations


def queue_name(services: Services, raw: str) -> QueueName:
    """The queue a path names, among those the stack has; any other is a 404."""
    names = _operations(services).names()
    for name in names:
        if raw == name:
            return name
    raise NotFound(f"there is no queue {raw[:40]!r}: {' or '.join(names)}")


# --- the view ----------------------------------------------------------------------------------------


def queues_view(services: Services) -> QueuesOut:
    """Depths of each queue and its dead-letter queue, oldest ages, and organisations with overdue cases."""
    ops = _operations(services)
    now = services.clock()
    try:
        ages = ops.oldest_ages()
    except ServiceUnavailable:
        ages = {}  # the ages are shown as not measured; the counts still answer
        logger.warning("queue ages could not be read from CloudWatch")
    queues = []
    for name in ops.names():
        work = ops.counts(name, dead_letters=False)
        dead = ops.counts(name, dead_letters=True)
        queues.append(
            QueueOut(
                name=name,
                depth=work.visible,
                in_flight=work.in_flight,
                delayed=work.delayed,
                oldest_age_seconds=ages.get(name),
                dlq=DeadLetterOut(
                    depth=dead.visible,
                    in_flight=dead.in_flight,
                    oldest_age_seconds=_oldest_dead_letter(ops, name, now) if dead.visible else None,
                ),
            )
        )
    return QueuesOut(at=iso(now), queues=queues, overdue=overdue_by_organisation(services, now))


def _oldest_dead_letter(ops: QueueOperations, name: QueueName, now: datetime) -> int | None:
    """A peek: up to ten dead letters received and at once visible again; the age of the oldest seen.

    Harmless on a dead-letter queue (it has no dead-letter queue of its own, so being received
    moves nothing). A sample, not the whole queue: with more than ten letters the oldest may be unseen.
    """
    try:
        seen = [letter.sent_at for letter in ops.receive_dead_letters(name, _BATCH, 0) if letter.sent_at]
    except ServiceUnavailable:
        return None
    return max(0, int((now - min(seen)).total_seconds())) if seen else None


def overdue_by_organisation(services: Services, now: datetime) -> list[OverdueOut]:
    """Organisations with open cases past their deadline at their head office(s), most first.

    The sweeper escalates a missed deadline one level up within its quarter hour, so overdue
    cases stay only where there is no level above: the head office. One Query (a page of
    100) per head office, on its queue with the deadline at or before now; the organisations
    are asked eight at a time (85 Queries one after another took most of the answer's time).
    """
    from concurrent.futures import ThreadPoolExecutor  # only this admin view needs threads

    snapshot = services.directory().snapshot
    heads: dict[str, list[str]] = {}
    for office in snapshot.offices:
        if not office.parent_id:
            heads.setdefault(office.organisation_id, []).append(office.id)
    stamp = iso(now)

    def overdue_of(organisation_id: str) -> int:
        count = 0
        for office_id in heads.get(organisation_id, []):
            count += operations_store.overdue_at_office(services.table, office_id, stamp, OVERDUE_CAP - count)
            if count >= OVERDUE_CAP:
                break
        return count

    organisations = snapshot.organisations
    with ThreadPoolExecutor(max_workers=OVERDUE_READERS) as pool:
        counts = list(pool.map(overdue_of, [o.id for o in organisations]))
    found = [
        OverdueOut(organisation_id=o.id, name=o.name, name_ur=o.name_ur, overdue=count)
        for o, count in zip(organisations, counts, strict=True)
        if count
    ]
    return sorted(found, key=lambda o: (-o.overdue, o.name))


# --- the redrive --------------------------------------------------------------------------------------


def redrive(
    services: Services,
    actor: Actor,
    name: QueueName,
    data: RedriveIn,
    *,
    elapsed: Callable[[], float] = time.monotonic,
) -> RedriveOut:
    """Send up to `data.max` dead letters of `name` back to their queue, each once; audited."""
    ops = _operations(services)
    owner = secrets.token_hex(8)
    started = elapsed()
    moved = skipped = seen = 0
    failure: ServiceUnavailable | None = None
    try:
        while seen < data.max and elapsed() - started < TIME_BUDGET_SECONDS:
            letters = _distinct(ops.receive_dead_letters(name, min(_BATCH, data.max - seen), HIDDEN_SECONDS))
            if not letters:
                break
            seen += len(letters)
            sent, duplicates = _redrive_batch(services, ops, name, letters, owner)
            moved += sent
            skipped += duplicates
    except ServiceUnavailable as exc:
        failure = exc  # what moved so far is audited all the same
    remaining = None
    if failure is None:
        after = ops.counts(name, dead_letters=True)
        remaining = after.visible + after.in_flight
    counts: dict[str, object] = {"moved": moved, "skipped_duplicates": skipped, "remaining": remaining}
    if failure is not None:
        counts["interrupted"] = True
    audit.record(services, audit.entry(services, actor, "redrive", "queue", name, after=counts))
    logger.info("dead letters redriven", extra={"queue": name, **counts})
    if failure is not None:
        raise failure
    return RedriveOut(moved=moved, skipped_duplicates=skipped, remaining=remaining or 0)


def _distinct(letters: list[DeadLetter]) -> list[DeadLetter]:
    """One letter per message id (SQS may hand over a message twice in one receive): the last receipt wins."""
    return list({letter.message_id: letter for letter in letters}.values())


def _redrive_batch(
    services: Services, ops: QueueOperations, name: QueueName, letters: list[DeadLetter], owner: str
) -> tuple[int, int]:
    """Claim, send, mark and delete one batch; (sent, deleted as already sent)."""
    now = services.clock()
    stamp = iso(now)
    leased_until = iso(now + LEASE)
    expires_at = int((now + CLAIM_KEPT).timestamp())
    held = operations_store.claims_of(services.table, name, [letter.message_id for letter in letters])
    claims: list[tuple[DeadLetter, operations_store.Claim]] = []
    already_sent: list[DeadLetter] = []
    puts = []
    for letter in letters:
        current = held.get(letter.message_id)
        if current is None or (current.state == "sending" and current.leased_until <= stamp):
            # Nobody has it, or the redrive that claimed it stopped before marking it sent: (re)claim it.
            mine, put = operations_store.claim(name, letter.message_id, owner, leased_until, expires_at, current)
            claims.append((letter, mine))
            puts.append(put)
        elif current.state == "sent":
            already_sent.append(letter)
        # else: another redrive holds it now (its lease runs): left alone, it is that redrive's to finish.
    lost = set(operations_store.write_each(services.table, puts))
    claimed = [pair for i, pair in enumerate(claims) if i not in lost]
    taken = ops.send_back(name, [letter for letter, _ in claimed]) if claimed else set()
    sent = [(letter, mine) for letter, mine in claimed if letter.message_id in taken]
    refused = [letter for letter, _ in claimed if letter.message_id not in taken]
    if refused:
        # Certainly not sent (SQS refused each by name): give the claims back so the next redrive tries again.
        operations_store.write_each(services.table, [operations_store.release(name, r.message_id) for r in refused])
    unmarked = operations_store.write_each(
        services.table, [operations_store.mark_sent(name, mine, expires_at) for _, mine in sent]
    )
    if unmarked:
        logger.warning("redrive claims taken over before marked sent", extra={"queue": name, "count": len(unmarked)})
    done = [letter for letter, _ in sent] + already_sent
    if done:
        try:
            ops.delete_dead_letters(name, done)
        except ServiceUnavailable:
            # Sent and marked: left in the dead-letter queue, the next redrive deletes them without sending.
            logger.warning("dead letters sent back but not deleted", extra={"queue": name, "count": len(done)})
    return len(sent), len(already_sent)
