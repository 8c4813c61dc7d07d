"""Inaccuracy notices (Kent SEND SOP "Quality Standards"): the sharer tells every organisation
that received the information; each acknowledges once; the IG officer sees the notices not
acknowledged; after 5 working days the organisations that have not acknowledged are reminded."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from notifications.models import Notice, OutboxEmail
from notifications.tasks import sweep_reminders
from partners.models import AuthorisedContact
from partners.roles import Role
from sharing_log import selectors, services
from sharing_log.choices import Basis, Outcome
from sharing_log.models import InaccuracyAcknowledgement
from sharing_log.services import RecipientSpec
from tests.factories import MembershipFactory
from tests.sharing_log.conftest import record

LONDON = ZoneInfo("Europe/London")
MONDAY_23_NOVEMBER_2026 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def shared(log, child, time_machine):
    """On Monday 23 November 2026 the school shared with the council and the police."""
    time_machine.move_to(MONDAY_23_NOVEMBER_2026, tick=False)
    return record(
        log,
        log.senco,
        child,
        basis=Basis.PUBLIC_INTEREST,
        consent_scope=None,
        recipients=[
            RecipientSpec(organisation=log.council, person_name="Sam Officer"),
            RecipientSpec(organisation=log.police),
            RecipientSpec(organisation_name="A private tutor"),
        ],
    )


@pytest.fixture
def police_officer(log):
    return MembershipFactory(
        tenant=log.partnership.tenant, organisation=log.police, role=Role.PRACTITIONER
    )


def give_notice(log, decision):
    return services.inaccuracy_notice_record(
        actor=log.senco,
        decision=decision,
        what_was_wrong="The attendance figure was last year's.",
        correction="Attendance this term is 91%.",
    )


def test_every_partner_recipient_is_told(log, child, shared):
    AuthorisedContact.objects.create(
        tenant=log.partnership.tenant,
        organisation=log.council,
        name="Pat Contact",
        role="Information sharing lead",
        email="pat.contact@council.example.org",
        valid_from=dt.date(2026, 1, 1),
    )

    notice = give_notice(log, shared)

    assert {row.organisation for row in notice.recipient_organisations.all()} == {
        log.council,
        log.police,
    }
    council_notice = Notice.objects.get(recipient=log.council_manager)
    assert council_notice.title == (f"Information {log.school.name} shared with you is inaccurate")
    assert council_notice.link == f"/sharing-log/notices/{notice.public_id}/"
    assert child.surname not in council_notice.body
    # The police have no manager in Sharewell: the IG officers are told for them.
    assert Notice.objects.filter(recipient=log.officer).exists()
    # Authorised contacts hear by email.
    assert OutboxEmail.objects.filter(to="pat.contact@council.example.org").count() == 1


def test_each_organisation_acknowledges_once(log, child, shared, police_officer):
    notice = give_notice(log, shared)

    services.inaccuracy_acknowledge(
        actor=police_officer, notice=notice, note="Our record is updated."
    )

    with pytest.raises(ValidationError, match="already acknowledged"):
        services.inaccuracy_acknowledge(actor=police_officer, notice=notice)
    assert InaccuracyAcknowledgement.objects.filter(notice=notice).count() == 1
    with pytest.raises(PermissionDenied):
        # The NHS trust did not receive the information.
        services.inaccuracy_acknowledge(actor=log.nhs_practitioner, notice=notice)


def test_the_ig_officer_sees_notices_not_acknowledged(log, child, shared, police_officer):
    notice = give_notice(log, shared)
    council_officer = MembershipFactory(
        tenant=log.partnership.tenant, organisation=log.council, role=Role.PRACTITIONER
    )
    assert list(selectors.notices_unacknowledged(viewer=log.officer)) == [notice]
    assert list(selectors.notices_to_acknowledge(membership=police_officer)) == [notice]

    services.inaccuracy_acknowledge(actor=police_officer, notice=notice)
    assert list(selectors.notices_to_acknowledge(membership=police_officer)) == []
    assert list(selectors.notices_unacknowledged(viewer=log.officer)) == [notice]

    services.inaccuracy_acknowledge(actor=council_officer, notice=notice)
    assert list(selectors.notices_unacknowledged(viewer=log.officer)) == []


def test_only_the_sharer_gives_notice_of_something_shared(log, child, shared):
    with pytest.raises(PermissionDenied):
        services.inaccuracy_notice_record(
            actor=log.nhs_practitioner, decision=shared, what_was_wrong="Wrong."
        )
    with pytest.raises(ValidationError):
        services.inaccuracy_notice_record(actor=log.senco, decision=shared, what_was_wrong=" ")
    not_shared = record(
        log, log.senco, child, outcome=Outcome.NOT_SHARE, basis="", will_reconsider=False
    )
    with pytest.raises(ValidationError, match="Nothing was shared"):
        services.inaccuracy_notice_record(
            actor=log.senco, decision=not_shared, what_was_wrong="Wrong."
        )


def test_unacknowledged_after_five_working_days_is_reminded_once(
    log, child, shared, police_officer, time_machine
):
    notice = give_notice(log, shared)
    services.inaccuracy_acknowledge(actor=police_officer, notice=notice)

    def sweep(when):
        time_machine.move_to(when, tick=False)
        return sweep_reminders.delay().get()

    def reminded():
        return list(
            Notice.objects.filter(
                dedup_key__startswith="reminder:", title__startswith="Not yet acknowledged"
            )
        )

    sweep(london(2026, 11, 27, 16, 0))  # Friday: 4 working days.
    assert reminded() == []

    sweep(london(2026, 11, 30, 8, 0))  # Monday 30 November: the fifth working day.
    sweep(london(2026, 11, 30, 9, 0))

    [reminder] = reminded()
    assert reminder.recipient == log.council_manager  # The police acknowledged already.
    assert reminder.link == f"/sharing-log/notices/{notice.public_id}/"
    assert child.surname not in reminder.body
