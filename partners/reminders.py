"""Partners' reminder sources, and the few helpers every app's sources share.

Sources (registered in `PartnersConfig.ready()`; the sweep is notifications.services):

- "partners.training": a person's IG training expires in 30 days (Kent SEND SOP "Quality
  Standards": refreshed annually), told to that person.
- "partners.ico_registration": an organisation's ICO registration (the data protection fee) is due
  for renewal in 30 days (Haringey 4.1–4.2), told to its managers, or to the partnership's IG
  officers when it has none in Sharewell.

A reminder is about something still ahead: once training has expired or a renewal date has
passed, these sources stop giving it (the dashboard shows what has lapsed), so a sweep that
starts after a long outage does not send a backlog of stale warnings.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.dates import MONTHS

from notifications.reminders import DueReminder, register_reminder_source
from partners.models import Membership, Organisation, Tenant, TrainingRecord
from partners.roles import Role

# Reminders about a day go out at this local time, the start of the working day.
REMINDER_TIME = time(8, 0)
EXPIRY_NOTICE = timedelta(days=30)


# --- Shared by every app's sources --------------------------------------------------------------


def tenant_zone(tenant: Tenant) -> ZoneInfo:
    return ZoneInfo(getattr(tenant, "timezone", "") or settings.TIME_ZONE)


def local_date(moment: datetime, tenant: Tenant) -> date:
    """The partnership's calendar date at `moment`."""
    return timezone.localtime(moment, tenant_zone(tenant)).date()


def local_today(tenant: Tenant) -> date:
    """The partnership's calendar date now."""
    return local_date(timezone.now(), tenant)


def reminder_at(day: date, tenant: Tenant) -> datetime:
    """When a reminder about `day` goes out: 08:00 on that day, the partnership's time."""
    return datetime.combine(day, REMINDER_TIME, tzinfo=tenant_zone(tenant))


def long_date(day: date) -> str:
    """ "5 January 2027", as the template filter `date:"j F Y"` writes it, without parsing the
    format each time (a register writes a hundred on a page)."""
    return f"{day.day} {MONTHS[day.month]} {day.year:04d}"


def active_members(**filters) -> list[Membership]:
    """Active people of the active partnership matching `filters`, with their users."""
    return list(
        Membership.objects.filter(is_active=True, user__is_active=True, **filters)
        .select_related("user", "organisation")
        .order_by("pk")
    )


def ig_officers() -> list[Membership]:
    return active_members(role=Role.IG_OFFICER)


def managers_of(organisation_id: int) -> list[Membership]:
    return active_members(role=Role.MANAGER, organisation_id=organisation_id)


# --- Training -----------------------------------------------------------------------------------


def training_reminders(*, tenant: Tenant, until: datetime) -> Iterator[DueReminder]:
    today = local_date(until, tenant)
    renewed = TrainingRecord.objects.filter(
        membership=OuterRef("membership"), expires_on__gt=OuterRef("expires_on")
    )
    expiring = (
        TrainingRecord.objects.filter(
            expires_on__gt=today,
            expires_on__lte=today + EXPIRY_NOTICE,
            membership__is_active=True,
            membership__user__is_active=True,
        )
        .exclude(Exists(renewed))
        .select_related("membership__user")
    )
    for record in expiring:
        yield DueReminder(
            object_id=record.public_id,
            kind="expiring",
            due_at=reminder_at(record.expires_on - EXPIRY_NOTICE, tenant),
            recipients=[record.membership],
            title="Your information governance training expires in 30 days",
            body=(
                f"Your {record.course} training expires on {long_date(record.expires_on)}. "
                "Book the annual refresher and record it in Sharewell when you have done it."
            ),
            link="/my-training/",
            reason="Information governance training is refreshed every year; this is yours.",
        )


# --- ICO registration ---------------------------------------------------------------------------


def ico_registration_reminders(*, tenant: Tenant, until: datetime) -> Iterator[DueReminder]:
    today = local_date(until, tenant)
    due = Organisation.objects.filter(
        is_active=True,
        ico_renewal_date__gt=today,
        ico_renewal_date__lte=today + EXPIRY_NOTICE,
    )
    officers: list[Membership] | None = None
    for organisation in due:
        recipients = managers_of(organisation.pk)
        reason = f"You are a manager of {organisation.name}."
        if not recipients:
            officers = ig_officers() if officers is None else officers
            recipients = officers
            reason = (
                f"Nobody at {organisation.name} is a manager in Sharewell, so the partnership's "
                "IG officers are told."
            )
        yield DueReminder(
            object_id=organisation.public_id,
            kind="renewal_due",
            due_at=reminder_at(organisation.ico_renewal_date - EXPIRY_NOTICE, tenant),
            recipients=recipients,
            title=f"ICO registration of {organisation.name} is due for renewal in 30 days",
            body=(
                f"The data protection fee of {organisation.name} "
                f"({organisation.ico_registration_number or 'registration number not recorded'}) "
                f"is due on {long_date(organisation.ico_renewal_date)}. Partners must stay "
                "registered with the ICO; record the new renewal date once it is paid."
            ),
            link=f"/organisations/{organisation.public_id}/",
            reason=reason,
        )


def register() -> None:
    register_reminder_source("partners.training", training_reminders)
    register_reminder_source("partners.ico_registration", ico_registration_reminders)
