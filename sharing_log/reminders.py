"""The sharing log's reminder source, registered in `SharingLogConfig.ready()` with the one
reminder sweep (notifications.services.reminders_sweep), which keeps the ledger and sends each
once.

- "sharing_log.inaccuracy": an inaccuracy notice a recipient organisation has not acknowledged 5
  working days (of the partnership's region) after it was recorded: its managers (the IG
  officers when it has none) are reminded, once. Acknowledged notices give nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef

from notifications.reminders import DueReminder, register_reminder_source
from partners.models import Tenant
from partners.reminders import local_date, long_date, reminder_at
from partners.working_days import add_working_days
from sharing_log.models import InaccuracyAcknowledgement, InaccuracyNoticeRecipient
from sharing_log.services._common import notice_link
from sharing_log.services.notices import notice_audience

ACKNOWLEDGE_WITHIN_WORKING_DAYS = 5


def inaccuracy_reminders(*, tenant: Tenant, until: datetime) -> Iterator[DueReminder]:
    acknowledged = InaccuracyAcknowledgement.objects.filter(
        notice=OuterRef("notice"), organisation=OuterRef("organisation")
    )
    waiting = (
        InaccuracyNoticeRecipient.objects.filter(notice__recorded_at__lte=until - timedelta(days=5))
        .exclude(Exists(acknowledged))
        .select_related("notice__organisation", "organisation")
        .order_by("pk")
    )
    audiences = {}
    for row in waiting.iterator(chunk_size=500):
        notice = row.notice
        recorded_on = local_date(notice.recorded_at, tenant)
        due_on = add_working_days(
            recorded_on, ACKNOWLEDGE_WITHIN_WORKING_DAYS, tenant.bank_holiday_region
        )
        due_at = reminder_at(due_on, tenant)
        if due_at > until:
            continue
        if row.organisation_id not in audiences:
            audiences[row.organisation_id] = notice_audience(row.organisation)
        people, reason = audiences[row.organisation_id]
        if not people:
            continue
        yield DueReminder(
            object_id=row.public_id,
            kind="unacknowledged",
            due_at=due_at,
            recipients=people,
            title=(
                f"Not yet acknowledged: {notice.organisation.name}'s notice of inaccurate "
                "information"
            ),
            body=(
                f"{notice.organisation.name} told {row.organisation.name} on "
                f"{long_date(recorded_on)} that information it shared is inaccurate or out of "
                "date. Update the records you hold and acknowledge the notice."
            ),
            link=notice_link(notice),
            reason=reason,
        )


def register() -> None:
    register_reminder_source("sharing_log.inaccuracy", inaccuracy_reminders)
