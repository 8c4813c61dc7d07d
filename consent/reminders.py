"""The consent app's reminder sources (registered in ConsentConfig.ready(); the notifications
sweep calls each once per partnership, with it active, every 15 minutes).

- `consent.review`: a standing consent's review falls due (Golden Rule 2) — two weeks ahead.
- `consent.young_person`: a child whose parent gave consent reaches the end of compulsory school
  age, so the young person now decides and is asked to renew it.
- `consent.age_twelve`: where the partnership asks for it, a child whose parent gave consent
  turns 12.

Each reminds whoever recorded the consent (the SENCo, usually); if they have left or may no
longer record consent, the SENCos of the child's current setting; failing them, the partnership's
IG officers. Notices and emails say what is due and link to the consent by its id: never the
child's name. A source yields what fell due in the last `LOOKBACK` days too, so a sweep that did
not run for a while catches up, while a partnership's whole history is not re-read every
quarter of an hour.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from consent.ages import AGE_OF_REVIEW, birthday, end_of_compulsory_school_age
from consent.ages import latest_birth_date_past_compulsory_school_age as born_by
from consent.choices import ConsentStatus, GiverKind
from consent.models import ConsentRecord
from consent.selectors import consent_settings
from notifications.reminders import DueReminder
from partners.models import Membership, Tenant
from partners.roles import Role, can

LOOKBACK = timedelta(days=60)
REVIEW_NOTICE = timedelta(days=14)
REMIND_AT = time(8, 0)


def consent_path(consent: ConsentRecord) -> str:
    """The consent's page, by its public id."""
    try:
        return reverse("consent:consent_detail", kwargs={"id": consent.public_id})
    except NoReverseMatch:
        return f"/consents/{consent.public_id}/"


def _morning(day: date, tenant: Tenant) -> datetime:
    return datetime.combine(day, REMIND_AT, tzinfo=zoneinfo.ZoneInfo(tenant.timezone))


def _window(tenant: Tenant, until: datetime) -> tuple[date, date]:
    last = until.astimezone(zoneinfo.ZoneInfo(tenant.timezone)).date()
    return last - LOOKBACK, last


def reminder_recipients(consent: ConsentRecord) -> tuple[list[Membership], str]:
    recorder = consent.recorded_by
    if (
        recorder is not None
        and recorder.is_active
        and recorder.user.is_active
        and can(recorder, "consent.record")
    ):
        return [recorder], "You recorded this consent."
    setting = consent.subject.current_setting_id
    if setting:
        sencos = list(_active(role=Role.SENCO, organisation_id=setting))
        if sencos:
            return sencos, "You are a SENCo at the child's current setting."
    return list(_active(role=Role.IG_OFFICER)), "You are an IG officer of the partnership."


def _active(**filters) -> QuerySet[Membership]:
    return Membership.objects.filter(
        is_active=True, user__is_active=True, **filters
    ).select_related("user")


def _standing() -> QuerySet[ConsentRecord]:
    return ConsentRecord.objects.filter(status=ConsentStatus.GIVEN).select_related(
        "subject", "recorded_by__user"
    )


def _reminder(
    consent: ConsentRecord, *, tenant: Tenant, kind: str, day: date, title: str, body: str
) -> DueReminder:
    recipients, reason = reminder_recipients(consent)
    return DueReminder(
        object_id=consent.public_id,
        kind=kind,
        due_at=_morning(day, tenant),
        recipients=recipients,
        title=title,
        body=body,
        link=consent_path(consent),
        reason=reason,
    )


def review_reminders(*, tenant: Tenant, until: datetime) -> Iterator[DueReminder]:
    first, last = _window(tenant, until)
    consents = _standing().filter(
        review_due__gte=first + REVIEW_NOTICE, review_due__lte=last + REVIEW_NOTICE
    )
    for consent in consents.iterator(chunk_size=500):
        if consent.valid_until and consent.valid_until < consent.review_due:
            continue  # It ends before its review: nothing to review.
        yield _reminder(
            consent,
            tenant=tenant,
            kind="review_due",
            day=consent.review_due - REVIEW_NOTICE,
            title="A consent is due for review",
            body=(
                f"A consent you are responsible for is due for review on "
                f"{consent.review_due:%d %B %Y}. Review it with the person who gave it, so that "
                "it is always current (Golden Rule 2), or record that it was withdrawn."
            ),
        )


def young_person_reminders(*, tenant: Tenant, until: datetime) -> Iterator[DueReminder]:
    first, last = _window(tenant, until)
    consents = _standing().filter(
        giver_kind=GiverKind.PARENT,
        parent_decides_because="",
        subject__date_of_birth__lte=born_by(last),
        subject__date_of_birth__gt=born_by(first - timedelta(days=1)),
    )
    for consent in consents.iterator(chunk_size=500):
        handover = end_of_compulsory_school_age(consent.subject.date_of_birth)
        if not (first <= handover <= last and consent.given_on < handover):
            continue
        yield _reminder(
            consent,
            tenant=tenant,
            kind="young_person_renewal",
            day=handover,
            title="A young person now decides about their consent",
            body=(
                "A child whose parent gave consent has reached the end of compulsory school age "
                "(Children and Families Act 2014): the young person now decides. Ask them to "
                "renew the consent themselves; their consent replaces their parent's."
            ),
        )


def age_twelve_reminders(*, tenant: Tenant, until: datetime) -> Iterator[DueReminder]:
    if not consent_settings().review_at_twelve:
        return
    first, last = _window(tenant, until)
    # Turned 12 in the window: born between 12 years before its first and last days (with a
    # day's margin each side for 29 February; the test below is exact).
    consents = _standing().filter(
        giver_kind=GiverKind.PARENT,
        subject__date_of_birth__gte=birthday(first, -AGE_OF_REVIEW) - timedelta(days=1),
        subject__date_of_birth__lte=birthday(last, -AGE_OF_REVIEW) + timedelta(days=1),
    )
    for consent in consents.iterator(chunk_size=500):
        twelfth = birthday(consent.subject.date_of_birth, AGE_OF_REVIEW)
        if not (first <= twelfth <= last and consent.given_on < twelfth):
            continue
        yield _reminder(
            consent,
            tenant=tenant,
            kind="age_twelve_review",
            day=twelfth,
            title="A child whose parent gave consent has turned 12",
            body=(
                "Your partnership reviews a parent's consent when the child turns 12. Check the "
                "child's own view, and review or renew the consent with them."
            ),
        )


SOURCES = {
    "consent.review": review_reminders,
    "consent.young_person": young_person_reminders,
    "consent.age_twelve": age_twelve_reminders,
}
