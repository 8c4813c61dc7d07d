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


# --- Notices and the outbox --------------------------------------------------------------------


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
    tenant = get_active_tenant()
    # A title built from long names (an agreement's, an organisation's) is shortened rather than
    # refused: a reminder that fails validation would be retried, and fail, at every sweep.
    title = Truncator(title).chars(Notice._meta.get_field("title").max_length)
    with transaction.atomic():
        people = _active_recipients(recipients, tenant)
        if not people:
            return []
        notices = [
            Notice(
                tenant=tenant,
                recipient=membership,
                title=title,
                body=body,
                link=link,
                reason=reason,
                dedup_key=dedup_key,
            )
            for membership in people
        ]
        # The notices differ only in their recipient, which validation leaves to the database,
        # so checking one checks them all.
        notices[0].full_clean(
            exclude=["tenant", "recipient"], validate_unique=False, validate_constraints=False
        )
        created = _create_notices_once(notices, dedup_key=dedup_key)
        if email and created:
            _enqueue_notice_emails(created, tenant)
    return created


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


def _active_recipients(recipients: Sequence[Membership], tenant: Tenant) -> list[Membership]:
    """The active ones among `recipients`, each once, their users loaded."""
    for membership in recipients:
        if membership.tenant_id != tenant.pk:
            raise ValueError("Notices go only to members of the active partnership.")
    # One query for the users the caller did not load with select_related("user"), rather than
    # one per recipient; none when it did.
    prefetch_related_objects(list(recipients), "user")
    unique: dict[int, Membership] = {}
    for membership in recipients:
        unique.setdefault(membership.pk, membership)
    return [
        membership
        for membership in unique.values()
        if membership.is_active and membership.user.is_active
    ]


def _create_notices_once(notices: list[Notice], *, dedup_key: str) -> list[Notice]:
    """Insert the notices whose recipient has none with `dedup_key` yet; return those inserted.

    One read and one insert for all of them. The unique constraint still decides: if a call
    racing this one inserted some of them between the read and the insert, the insert fails
    whole and each notice goes through `_create_once`, which keeps the other call's rows.
    """
    have_it = set(
        Notice.objects.filter(
            dedup_key=dedup_key, recipient_id__in=[notice.recipient_id for notice in notices]
        ).values_list("recipient_id", flat=True)
    )
    new = [notice for notice in notices if notice.recipient_id not in have_it]
    if not new:
        return []
    try:
        # A savepoint, so a lost race leaves the caller's transaction usable.
        with transaction.atomic():
            Notice.objects.bulk_create(new)
    except IntegrityError:
        return [
            notice
            for notice in new
            if _create_once(
                notice,
                Notice.objects.filter(recipient_id=notice.recipient_id, dedup_key=dedup_key),
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
    OutboxEmail.objects.bulk_create(
        [
            _outbox_email(
                to=notice.recipient.user.email,
                subject=notice.title,
                # Rendered for each notice: the template may use anything about its recipient.
                body=template.render(_notice_email_context(notice, tenant, site)),
                dedup_key=f"notice:{notice.public_id}",
            )
            for notice in notices
        ]
    )


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
        "notice": notice,
        "tenant": tenant,
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
    and for each claim the row (sent_at null → now) and notify in one transaction. A run killed
    halfway leaves every row either claimed with its notices written, or untouched for the next
    run; a second run finds nothing unsent. The notices' dedup key is the ledger row's id, so even
    a row somehow claimed twice notifies once.
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
    pending = list(
        Reminder.objects.filter(source=source.name, sent_at__isnull=True, due_at__lte=until)
    )
    for row in pending:
        reminder = wanted.get((row.object_id, row.kind, row.due_at))
        if reminder is None:
            # The source no longer yields it: what it was about has been dealt with.
            continue
        try:
            with transaction.atomic():
                claimed = Reminder.objects.filter(pk=row.pk, sent_at__isnull=True).update(
                    sent_at=now
                )
                if claimed != 1:
                    continue  # Another sweep sent it.
                notify(
                    recipients=list(reminder.recipients),
                    title=reminder.title,
                    body=reminder.body,
                    link=reminder.link,
                    reason=reminder.reason,
                    dedup_key=f"reminder:{row.public_id}",
                )
            report.sent += 1
        except Exception as exc:
            # The claim rolled back with the notices: the row stays due for the next sweep.
            report.failed += 1
            logger.error(
                "Reminder %s (%s, %s) not sent: %s",
                row.public_id,
                source.name,
                row.kind,
                type(exc).__name__,
            )
