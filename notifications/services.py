"""Writes for notifications: notify, the outbox deliverer, the inbox, the reminder sweep.

Every effect here happens once however often its caller runs: a notice once per recipient and
dedup key, an email once per dedup key, a reminder once per ledger row. Rows are claimed with a
conditional UPDATE (`filter(..., state=old).update(state=new) == 1`), so overlapping runs and
several workers stay safe on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, models, transaction
from django.db.models import F, prefetch_related_objects
from django.template.loader import get_template
from django.utils import timezone
from django.utils.text import Truncator

from notifications.models import Notice, OutboxEmail, Reminder
from notifications.reminders import DueReminder, ReminderSource, reminder_sources
from notifications.selectors import outbox_due
from partners.models import Membership, Tenant
from partners.tenancy import get_active_tenant

logger = logging.getLogger(__name__)
M = TypeVar("M", bound=models.Model)

# A deliverer owns a claimed email this long; if it dies before recording the outcome, another
# deliverer tries again after it. Far longer than one SMTP conversation (set EMAIL_TIMEOUT).
CLAIM_LEASE = timedelta(minutes=10)
# After a failure the next try waits 1, 2, 4, … minutes, at most six hours, and never gives up.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
# After this many failures in a row the mail server is taken to be down and the rest of the batch
# waits for the next run untouched, instead of each timing out in turn.
FAILURES_IN_A_ROW_TO_STOP = 3
# Rows per INSERT when notices and emails go in bulk.
BULK_ROWS = 500
# The sweep claims and notifies this many reminders in one transaction: they commit together or
# not at all. One transaction each cost a commit and some eight statements a reminder, over a
# minute for a new partnership's backlog of ~5,000 (docs/performance.md, (f)).
REMINDERS_PER_TRANSACTION = 100


# --- Notices and the outbox --------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """One notice for each of its recipients (and, with `email`, an email each), sent once per
    recipient and `dedup_key`; what `notify()` takes as arguments."""

    recipients: Sequence[Membership]
    title: str
    body: str
    link: str
    reason: str
    dedup_key: str
    email: bool = True


def notify(
    *,
    recipients: Sequence[Membership],
    title: str,
    body: str,
    link: str,
    reason: str,
    dedup_key: str,
    email: bool = True,
) -> list[Notice]:
    """Put a notice in each recipient's inbox and, with `email`, an email for each in the outbox.

    Once per recipient and `dedup_key`: a second call with the same key does nothing, even when
    both run at once (the unique constraint decides). Recipients who are no longer active are
    skipped. Runs in the caller's transaction, so the notices and emails commit with the change
    that caused them or not at all. Returns the notices this call created.

    The number of queries does not grow with the recipients: an escalation goes to every IG
    officer of the partnership, and the reminder sweep sends many.
    """
    message = Message(recipients, title, body, link, reason, dedup_key, email)
    return notify_all([message])


def notify_all(messages: Sequence[Message]) -> list[Notice]:
    """`notify()` for several messages at once, in the same number of queries as for one: the
    reminder sweep sends a new partnership's whole backlog, thousands of them."""
    tenant = get_active_tenant()
    with transaction.atomic():
        people = _active_recipients([m for message in messages for m in message.recipients], tenant)
        notices: dict[tuple[int, str], Notice] = {}
        for message in messages:
            for notice in _notices(message, people, tenant):
                notices.setdefault((notice.recipient_id, notice.dedup_key), notice)
        if not notices:
            return []
        created = _create_notices_once(list(notices.values()))
        emailed = {message.dedup_key for message in messages if message.email}
        _enqueue_notice_emails([n for n in created if n.dedup_key in emailed], tenant)
    return created


def _notices(message: Message, people: dict[int, Membership], tenant: Tenant) -> list[Notice]:
    """The message's notice for each of its recipients who is active."""
    # A title built from long names (an agreement's, an organisation's) is shortened rather than
    # refused: a reminder that fails validation would be retried, and fail, at every sweep.
    title = Truncator(message.title).chars(Notice._meta.get_field("title").max_length)
    notices = [
        Notice(
            tenant=tenant,
            recipient=people[membership.pk],
            title=title,
            body=message.body,
            link=message.link,
            reason=message.reason,
            dedup_key=message.dedup_key,
        )
        for membership in message.recipients
        if membership.pk in people
    ]
    if notices:
        # The notices differ only in their recipient, which validation leaves to the database,
        # so checking one checks them all.
        notices[0].full_clean(
            exclude=["tenant", "recipient"], validate_unique=False, validate_constraints=False
        )
    return notices


def outbox_enqueue(*, to: str, subject: str, body: str, dedup_key: str) -> OutboxEmail:
    """Write an email to the outbox in the caller's transaction, once per `dedup_key`; the worker
    delivers it within a minute or so of the commit."""
    email = _outbox_email(to=to, subject=subject, body=body, dedup_key=dedup_key)
    email, _ = _create_once(email, OutboxEmail.objects.filter(dedup_key=dedup_key))
    return email


def _outbox_email(*, to: str, subject: str, body: str, dedup_key: str) -> OutboxEmail:
    email = OutboxEmail(
        tenant=get_active_tenant(),
        to=to,
        # A header cannot hold a line break.
        subject=" ".join(subject.split()),
        body=body,
        dedup_key=dedup_key,
    )
    email.full_clean(exclude=["tenant"], validate_unique=False, validate_constraints=False)
    return email


def _active_recipients(recipients: Sequence[Membership], tenant: Tenant) -> dict[int, Membership]:
    """The active ones among `recipients`, by primary key, their users loaded."""
    for membership in recipients:
        if membership.tenant_id != tenant.pk:
            raise ValueError("Notices go only to members of the active partnership.")
    unique: dict[int, Membership] = {}
    for membership in recipients:
        unique.setdefault(membership.pk, membership)
    # One query for the users the caller did not load with select_related("user"), rather than
    # one per recipient; none when it did.
    prefetch_related_objects(list(unique.values()), "user")
    return {
        pk: membership
        for pk, membership in unique.items()
        if membership.is_active and membership.user.is_active
    }


def _create_notices_once(notices: list[Notice]) -> list[Notice]:
    """Insert the notices whose recipient has none with their dedup key yet; return those
    inserted.

    One read and one insert for all of them. The unique constraint still decides: if a call
    racing this one inserted some of them between the read and the insert, the insert fails
    whole and each notice goes through `_create_once`, which keeps the other call's rows.
    """
    have_it = set(
        Notice.objects.filter(
            dedup_key__in={notice.dedup_key for notice in notices},
            recipient_id__in={notice.recipient_id for notice in notices},
        ).values_list("recipient_id", "dedup_key")
    )
    new = [n for n in notices if (n.recipient_id, n.dedup_key) not in have_it]
    if not new:
        return []
    try:
        # A savepoint, so a lost race leaves the caller's transaction usable.
        with transaction.atomic():
            Notice.objects.bulk_create(new, batch_size=BULK_ROWS)
    except IntegrityError:
        return [
            notice
            for notice in new
            if _create_once(
                notice,
                Notice.objects.filter(recipient_id=notice.recipient_id, dedup_key=notice.dedup_key),
            )[1]
        ]
    return new


def _enqueue_notice_emails(notices: list[Notice], tenant: Tenant) -> None:
    """One outbox email for each of the brand-new notices, in one insert.

    An email's dedup key names its notice's public id, new with the notice, so no email can have
    it yet: a conflict here would be a bug, and fails loudly instead of being ignored.
    """
    template = get_template("notifications/email/notice.txt")
    site = getattr(settings, "SHAREWELL_SITE_URL", "").rstrip("/")
    # The email says what the notice says, the same for each recipient (the template is given
    # nothing about the recipient), so each message is written and checked once; the addresses
    # come from the users' records, checked when those were saved.
    written: dict[str, OutboxEmail] = {}
    emails = []
    for notice in notices:
        first = written.get(notice.dedup_key)
        if first is None:
            first = written[notice.dedup_key] = _outbox_email(
                to=notice.recipient.user.email,
                subject=notice.title,
                body=template.render(_notice_email_context(notice, tenant, site)),
                dedup_key=f"notice:{notice.public_id}",
            )
            emails.append(first)
        else:
            emails.append(
                OutboxEmail(
                    tenant=tenant,
                    to=notice.recipient.user.email,
                    subject=first.subject,
                    body=first.body,
                    dedup_key=f"notice:{notice.public_id}",
                )
            )
    OutboxEmail.objects.bulk_create(emails, batch_size=BULK_ROWS)


def _create_once(instance: M, existing: models.QuerySet) -> tuple[M, bool]:
    """Save `instance` unless a row with its unique key exists: (row, created)."""
    found = existing.first()
    if found is not None:
        return found, False
    try:
        # A savepoint, so a lost race leaves the caller's transaction usable.
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        # Another transaction inserted the same key between our read and our insert; the
        # database made ours wait for it, so its row is visible now and it stands.
        found = existing.first()
        if found is None:
            raise
        return found, False
    return instance, True


def _notice_email_context(notice: Notice, tenant: Tenant, site: str) -> dict:
    return {
        "title": notice.title,
        "body": notice.body,
        "reason": notice.reason,
        "tenant_name": tenant.name,
        "url": f"{site}{notice.link}" if notice.link else "",
        "service_name": settings.SHAREWELL_SERVICE_NAME,
    }


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0


def outbox_deliver(*, batch: int = 100) -> DeliveryReport:
    """Send up to `batch` of the active tenant's due emails through Django's mail backend.

    Each email is claimed before it is sent: a conditional UPDATE moves its next attempt past a
    lease and counts the attempt, and only the deliverer whose UPDATE changed the row sends it.
    So two deliverers running at once never send one email twice. Success stamps `sent_at`; a
    failure records the error and backs off. Call it outside a transaction (as the task does), so
    each claim commits at once and other deliverers see it.
    """
    report = DeliveryReport()
    failures_in_a_row = 0
    connection = get_connection()
    try:
        for email_id in _due_ids(now=timezone.now(), batch=batch):
            if failures_in_a_row >= FAILURES_IN_A_ROW_TO_STOP:
                break
            claimed_at = timezone.now()
            claimed = OutboxEmail.objects.filter(
                pk=email_id, sent_at__isnull=True, next_attempt_at__lte=claimed_at
            ).update(next_attempt_at=claimed_at + CLAIM_LEASE, attempts=F("attempts") + 1)
            if claimed != 1:
                continue  # Another deliverer has it, or has sent it already.
            email = OutboxEmail.objects.get(pk=email_id)
            try:
                message = EmailMessage(email.subject, email.body, None, [email.to])
                if connection.send_messages([message]) != 1:
                    raise RuntimeError("The mail backend did not accept the message.")
            except Exception as exc:
                _record_failure(email, exc)
                report.failed += 1
                failures_in_a_row += 1
                continue
            failures_in_a_row = 0
            # If the worker dies between the send and this line, the lease runs out and the
            # email goes again: at least once is the best SMTP allows, and the lease makes it rare.
            OutboxEmail.objects.filter(pk=email.pk).update(sent_at=timezone.now(), last_error="")
            report.sent += 1
    finally:
        connection.close()
    return report


def _due_ids(*, now: datetime, batch: int) -> list[int]:
    return list(outbox_due(now=now).values_list("pk", flat=True)[:batch])


def _record_failure(email: OutboxEmail, exc: Exception) -> None:
    delay = min(FIRST_RETRY * 2 ** min(email.attempts - 1, 20), LONGEST_RETRY)
    OutboxEmail.objects.filter(pk=email.pk, sent_at__isnull=True).update(
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
        next_attempt_at=timezone.now() + delay,
    )
    # The log names the row and the kind of failure, never the address or the content.
    logger.warning(
        "Outbox email %s not sent (attempt %s, next in %s): %s",
        email.public_id,
        email.attempts,
        delay,
        type(exc).__name__,
    )


# --- The inbox -------------------------------------------------------------------------------


def inbox_mark_read(*, membership: Membership, notice: Notice) -> bool:
    """Mark one of the member's notices read; False when it was read already."""
    if notice.recipient_id != membership.pk:
        raise PermissionDenied("This notice is someone else's.")
    now = timezone.now()
    changed = Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=now)
    if changed:
        notice.read_at = now
    return bool(changed)


def inbox_mark_all_read(*, membership: Membership) -> int:
    return Notice.objects.filter(recipient=membership, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- Reminders ---------------------------------------------------------------------------------


@dataclass
class SweepReport:
    sent: int = 0
    failed: int = 0


def reminders_sweep(*, now: datetime) -> SweepReport:
    """Send every reminder of the active tenant that is due by `now` (plus its source's lead) and
    not sent yet, each once.

    For each registered source: ask it for the reminders due by then, add any new ones to the
    ledger, select the ledger rows in the window that are not sent (so a missed run catches up),
    and claim the rows (sent_at null → now) and notify, `REMINDERS_PER_TRANSACTION` rows to a
    transaction. A run killed halfway leaves every row either claimed with its notices written, or
    untouched for the next run; a second run finds nothing unsent. The notices' dedup key is the
    ledger row's id, so even a row somehow claimed twice notifies once.
    """
    tenant = get_active_tenant()
    report = SweepReport()
    for source in reminder_sources():
        try:
            _sweep_source(tenant=tenant, source=source, now=now, report=report)
        except Exception as exc:
            # One broken source must not stop the others; the next sweep tries it again.
            report.failed += 1
            logger.error(
                "Reminder source %s failed for tenant %s: %s",
                source.name,
                tenant.pk,
                type(exc).__name__,
            )
    return report


def _sweep_source(
    *, tenant: Tenant, source: ReminderSource, now: datetime, report: SweepReport
) -> None:
    until = now + source.lead
    wanted: dict[tuple, DueReminder] = {}
    for reminder in source.function(tenant=tenant, until=until):
        if timezone.is_naive(reminder.due_at):
            raise ValueError(f"Reminder source {source.name} gave a naive due time.")
        if reminder.due_at <= until:
            wanted[(reminder.object_id, reminder.kind, reminder.due_at)] = reminder
    if not wanted:
        return
    Reminder.objects.bulk_create(
        [
            Reminder(tenant=tenant, source=source.name, object_id=obj, kind=kind, due_at=due_at)
            for obj, kind, due_at in wanted
        ],
        ignore_conflicts=True,
    )
    pending = Reminder.objects.filter(source=source.name, sent_at__isnull=True, due_at__lte=until)
    # A row the source no longer yields is left unsent: what it was about has been dealt with.
    due = [
        (row, wanted[key])
        for row in pending
        if (key := (row.object_id, row.kind, row.due_at)) in wanted
    ]
    for start in range(0, len(due), REMINDERS_PER_TRANSACTION):
        _send_reminders(due[start : start + REMINDERS_PER_TRANSACTION], now=now, report=report)


def _send_reminders(
    chunk: list[tuple[Reminder, DueReminder]], *, now: datetime, report: SweepReport
) -> None:
    """Claim each row (sent_at null → now) and notify, all in one transaction."""
    try:
        with transaction.atomic():
            # The chunk's rows still unsent, locked (in key order, as any other sweep locks
            # them) and claimed in two statements, not an UPDATE each: another sweep waits on
            # the lock and then finds them sent. A backlog of thousands claimed a row at a time
            # spent a tenth of its time on it.
            unsent = set(
                Reminder.objects.select_for_update()
                .filter(pk__in=[row.pk for row, _ in chunk], sent_at__isnull=True)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            Reminder.objects.filter(pk__in=unsent).update(sent_at=now)
            claimed = [(row, reminder) for row, reminder in chunk if row.pk in unsent]
            notify_all(
                [
                    Message(
                        recipients=list(reminder.recipients),
                        title=reminder.title,
                        body=reminder.body,
                        link=reminder.link,
                        reason=reminder.reason,
                        dedup_key=f"reminder:{row.public_id}",
                    )
                    for row, reminder in claimed
                ]
            )
    except Exception as exc:
        # The claims rolled back with the notices: the rows stay due for the next sweep.
        if len(chunk) > 1:
            # One reminder that cannot be sent (a source's stray recipient) must not hold back
            # the others of its chunk: each goes again on its own.
            for one in chunk:
                _send_reminders([one], now=now, report=report)
            return
        row = chunk[0][0]
        report.failed += 1
        logger.error(
            "Reminder %s (%s, %s) not sent: %s",
            row.public_id,
            row.source,
            row.kind,
            type(exc).__name__,
        )
        return
    report.sent += len(claimed)
