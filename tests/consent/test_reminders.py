"""The consent reminders, through the notifications sweep as beat runs it, one iteration at a
time with the clock frozen: a review falling due (two weeks ahead), a young person reaching the
end of compulsory school age, a child turning 12 where the partnership asks. Each goes once to
whoever recorded the consent, and says nothing about the child."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from consent import services
from consent.reminders import reminder_recipients
from notifications.models import Notice, OutboxEmail
from notifications.tasks import sweep_reminders
from partners.roles import Role
from tests.consent.conftest import open_record, parent_consent
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
REVIEW = "A consent is due for review"
YOUNG_PERSON = "A young person now decides about their consent"
TWELVE = "A child whose parent gave consent has turned 12"


def at(day: dt.date, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def sweep(when: dt.datetime) -> None:
    with time_machine.travel(when, tick=False):
        sweep_reminders.delay().get()


def notices(title: str):
    return list(Notice.objects.filter(title=title))


def test_a_review_reminder_goes_two_weeks_ahead_once_to_whoever_recorded_it(world, senco, child):
    consent = parent_consent(world, senco, child, given_on=dt.date(2025, 3, 16))
    assert consent.review_due == dt.date(2026, 3, 16)

    sweep(at(dt.date(2026, 3, 2), 7, 59))
    assert notices(REVIEW) == []

    sweep(at(dt.date(2026, 3, 2)))
    sweep(at(dt.date(2026, 3, 2), 8, 15))
    sweep(at(dt.date(2026, 3, 9)))

    [notice] = notices(REVIEW)
    assert notice.recipient == senco
    assert notice.reason == "You recorded this consent."
    assert notice.link.endswith(f"/{consent.public_id}/")
    assert "16 March 2026" in notice.body
    email = OutboxEmail.objects.get(to=senco.user.email)
    # Nothing about the child in the notice or the email.
    for text in (notice.title, notice.body, email.subject, email.body):
        assert child.forenames.split()[0] not in text and child.surname not in text
        assert child.nhs_number not in text


def test_a_missed_sweep_catches_up(world, senco, child):
    parent_consent(world, senco, child, given_on=dt.date(2025, 3, 16))

    sweep(at(dt.date(2026, 3, 20), 13))

    assert len(notices(REVIEW)) == 1


def test_a_review_recorded_in_time_moves_the_reminder(world, senco, child):
    consent = parent_consent(world, senco, child, given_on=dt.date(2025, 3, 16))
    with time_machine.travel(at(dt.date(2026, 2, 20))):
        services.consent_review(actor=senco, consent=consent)

    sweep(at(dt.date(2026, 3, 2)))

    assert notices(REVIEW) == []


def test_a_withdrawn_consent_is_not_reminded_about(world, senco, child):
    consent = parent_consent(world, senco, child, given_on=dt.date(2025, 3, 16))
    services.consent_withdraw(actor=senco, consent=consent, reason="The parent asked.")

    sweep(at(dt.date(2026, 3, 2)))

    assert notices(REVIEW) == []


def test_the_young_person_reminder_falls_on_the_last_friday_of_june(world, senco):
    teenager = open_record(senco, date_of_birth=dt.date(2010, 3, 10))
    parent_consent(world, senco, teenager, given_on=dt.date(2026, 1, 5))

    sweep(at(dt.date(2026, 6, 25)))
    assert notices(YOUNG_PERSON) == []

    sweep(at(dt.date(2026, 6, 26)))
    sweep(at(dt.date(2026, 6, 27)))

    [notice] = notices(YOUNG_PERSON)
    assert notice.recipient == senco
    assert "Children and Families Act 2014" in notice.body


def test_a_parents_consent_given_after_the_handover_is_not_reminded_about(world, senco):
    teenager = open_record(senco, date_of_birth=dt.date(2010, 3, 10))
    parent_consent(
        world,
        senco,
        teenager,
        given_on=dt.date(2026, 7, 1),
        parent_decides_because="Lacks capacity to decide (MCA 2005).",
    )

    sweep(at(dt.date(2026, 7, 2)))

    assert notices(YOUNG_PERSON) == []


def test_the_reminder_at_12_is_sent_only_where_the_partnership_asks(world, senco):
    child = open_record(senco, date_of_birth=dt.date(2014, 3, 1))
    parent_consent(world, senco, child, given_on=dt.date(2026, 1, 5))

    sweep(at(dt.date(2026, 3, 1)))
    assert notices(TWELVE) == []

    services.consent_settings_update(
        actor=world.member(Role.IG_OFFICER), review_months=12, review_at_twelve=True
    )
    sweep(at(dt.date(2026, 3, 1), 9))
    sweep(at(dt.date(2026, 3, 2)))

    assert [n.recipient for n in notices(TWELVE)] == [senco]


def test_when_the_recorder_has_left_the_settings_sencos_are_reminded(world, senco, child):
    consent = parent_consent(world, senco, child, given_on=dt.date(2025, 3, 16))
    assert reminder_recipients(consent) == ([senco], "You recorded this consent.")

    senco.is_active = False
    senco.save()
    consent.refresh_from_db()

    recipients, reason = reminder_recipients(consent)
    # No other SENCo at the school: the partnership's IG officers.
    assert recipients == [world.member(Role.IG_OFFICER)]
    assert reason == "You are an IG officer of the partnership."

    other_senco = MembershipFactory(tenant=child.tenant, organisation=world.school, role=Role.SENCO)
    assert reminder_recipients(consent) == (
        [other_senco],
        "You are a SENCo at the child's current setting.",
    )
