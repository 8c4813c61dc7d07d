"""The partners' reminder sources (partners/reminders.py), through the sweep as beat runs it,
one iteration at a time with the clock frozen: IG training and ICO registrations expiring in 30
days, each once to whoever must act.

The partnership is the breaches tests' (tests/breaches/conftest.py)."""

import datetime as dt

import pytest

from notifications.models import Notice, Reminder
from notifications.tasks import sweep_reminders
from partners.models import TrainingRecord
from partners.roles import Role
from tests.breaches.conftest import FRIDAY_18_DECEMBER_2026, build_world, london

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(FRIDAY_18_DECEMBER_2026, tick=False)
    return time_machine


@pytest.fixture
def world(clock, in_tenant):
    return build_world(in_tenant)


@pytest.fixture
def sweep(clock):
    def at(when):
        clock.move_to(when, tick=False)
        return sweep_reminders.delay().get()

    return at


def sent(source):
    return sorted(
        Reminder.objects.filter(source=source, sent_at__isnull=False).values_list("kind", flat=True)
    )


def notices(source):
    keys = [f"reminder:{row.public_id}" for row in Reminder.objects.filter(source=source)]
    return Notice.objects.filter(dedup_key__in=keys)


# --- Training and ICO registrations --------------------------------------------------------------


def record_training(member, completed_on, expires_on):
    return TrainingRecord.objects.create(
        tenant=member.tenant,
        membership=member,
        course="Information governance for practitioners",
        completed_on=completed_on,
        expires_on=expires_on,
    )


def test_training_expiring_in_30_days_is_reminded_to_its_holder_once(world, sweep):
    practitioner = world.member(Role.PRACTITIONER)
    senco = world.member(Role.SENCO)
    record_training(practitioner, dt.date(2026, 1, 10), dt.date(2027, 1, 10))
    # The SENCo's lapsing record has been renewed, and the auditor's lapsed long ago.
    record_training(senco, dt.date(2026, 1, 5), dt.date(2027, 1, 5))
    record_training(senco, dt.date(2026, 12, 1), dt.date(2027, 12, 1))
    record_training(world.member(Role.AUDITOR), dt.date(2024, 1, 1), dt.date(2025, 1, 1))

    assert sweep(london(2026, 12, 18, 10, 0)) == {"sent": 1, "failed": 0}
    assert sweep(london(2026, 12, 18, 10, 15)) == {"sent": 0, "failed": 0}

    notice = notices("partners.training").get()
    assert notice.recipient == practitioner
    assert "expires on 10 January 2027" in notice.body
    assert notice.link == "/my-training/"


def test_an_ico_registration_due_for_renewal_is_reminded_to_the_organisations_managers(
    world, sweep
):
    world.police.ico_registration_number = "Z1234567"
    world.police.ico_renewal_date = dt.date(2027, 1, 5)
    world.police.save()
    world.nhs.ico_renewal_date = dt.date(2027, 1, 12)
    world.nhs.save()
    world.school.ico_renewal_date = dt.date(2027, 3, 1)  # Not yet within 30 days.
    world.school.save()

    assert sweep(london(2026, 12, 18, 10, 0)) == {"sent": 2, "failed": 0}
    assert sweep(london(2026, 12, 18, 10, 15)) == {"sent": 0, "failed": 0}

    police, nhs = (
        notices("partners.ico_registration").get(title__contains=name)
        for name in (world.police.name, world.nhs.name)
    )
    assert police.recipient == world.police_manager
    assert "(Z1234567) is due on 5 January 2027" in police.body
    # Nobody at the NHS trust is a manager in Sharewell: the IG officer is told instead.
    assert nhs.recipient == world.officer
    assert nhs.reason.startswith(f"Nobody at {world.nhs.name}")
