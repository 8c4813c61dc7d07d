"""The milestones before the meeting (Haringey 6.1–6.2): 'partners notified' is met only when
every signatory other than the reporter has been told; the report is distributed by the
organisation in breach, with evidence."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from breaches import services
from breaches.choices import MilestoneKind as K
from breaches.choices import MilestoneState
from breaches.models import Milestone
from breaches.selectors import breach_milestones, milestone_status
from tests.breaches.conftest import london, sign
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def milestone(breach, kind):
    return Milestone.objects.get(breach=breach, kind=kind)


def tell(world, breach, organisation, on, **fields):
    fields.setdefault("contact_name", f"IG lead of {organisation.name}")
    fields.setdefault("method", "secure_email")
    return services.breach_partner_told(
        actor=world.council_manager, breach=breach, organisation=organisation, told_on=on, **fields
    )


def test_partners_notified_is_met_only_when_every_partner_has_been_told(world, breach, clock):
    clock.move_to(london(2026, 12, 23, 16, 0), tick=False)
    tell(world, breach, world.school, dt.date(2026, 12, 18))
    tell(world, breach, world.police, dt.date(2026, 12, 21), method="telephone")
    assert milestone(breach, K.PARTNERS_NOTIFIED).done_on is None

    tell(world, breach, world.nhs, dt.date(2026, 12, 23), contact_name="Nadia Begum")

    met = milestone(breach, K.PARTNERS_NOTIFIED)
    # Met on the day the last of them was told, by whoever recorded that.
    assert met.done_on == dt.date(2026, 12, 23)
    assert met.completed_by == world.council_manager
    assert "Kent Police (IG lead of Kent Police, telephone (confirmed in writing)" in met.evidence
    assert "Nadia Begum" in met.evidence
    status = milestone_status(met, on=dt.date(2026, 12, 23), region=breach.region)
    assert status.state == MilestoneState.DONE


def test_a_partner_who_signs_while_the_breach_is_open_must_be_told_too(world, breach, clock):
    clock.move_to(london(2026, 12, 21, 12, 0), tick=False)
    newcomer = OrganisationFactory(tenant=world.partnership.tenant, name="Early Help")
    sign(world.officer, world.agreement, newcomer)
    for organisation in (world.school, world.police, world.nhs):
        tell(world, breach, organisation, dt.date(2026, 12, 21))

    assert milestone(breach, K.PARTNERS_NOTIFIED).done_on is None
    tell(world, breach, newcomer, dt.date(2026, 12, 21))
    assert milestone(breach, K.PARTNERS_NOTIFIED).done_on == dt.date(2026, 12, 21)


def test_the_reporter_does_not_tell_itself_and_cannot_skip_the_per_partner_record(world, breach):
    with pytest.raises(ValidationError) as error:
        tell(world, breach, world.council, dt.date(2026, 12, 18))
    assert "organisation" in error.value.message_dict
    with pytest.raises(ValidationError, match="each partner"):
        services.breach_milestone_complete(
            actor=world.officer,
            milestone=milestone(breach, K.PARTNERS_NOTIFIED),
            done_on=dt.date(2026, 12, 18),
            evidence="Told everyone",
        )


def test_telling_is_recorded_by_the_reporter_or_the_ig_officer(world, breach):
    with pytest.raises(PermissionDenied):
        services.breach_partner_told(
            actor=world.school_manager,
            breach=breach,
            organisation=world.police,
            told_on=dt.date(2026, 12, 18),
            contact_name="Someone",
            method="email",
        )
    told = services.breach_partner_told(
        actor=world.officer,
        breach=breach,
        organisation=world.police,
        told_on=dt.date(2026, 12, 18),
        contact_name="Someone",
        method="email",
    )
    assert told.told_by == world.officer


def test_a_partner_acknowledges_being_told(world, breach, clock):
    with pytest.raises(ValidationError) as error:
        tell(world, breach, world.police, dt.date(2026, 12, 17))
    assert "told_on" in error.value.message_dict  # Before the breach was identified.
    told = tell(world, breach, world.police, dt.date(2026, 12, 18))
    clock.move_to(london(2026, 12, 21, 9, 0), tick=False)

    services.breach_partner_acknowledged(
        actor=world.police_manager, notification=told, acknowledged_on=dt.date(2026, 12, 21)
    )
    told.refresh_from_db()
    assert told.acknowledged_on == dt.date(2026, 12, 21)
    with pytest.raises(PermissionDenied):
        services.breach_partner_acknowledged(
            actor=world.school_manager, notification=told, acknowledged_on=dt.date(2026, 12, 21)
        )


def test_the_report_is_distributed_by_the_organisation_in_breach_with_evidence(
    world, breach, clock
):
    report = milestone(breach, K.REPORT_DISTRIBUTED)
    with pytest.raises(PermissionDenied):
        services.breach_milestone_complete(
            actor=world.police_manager,
            milestone=report,
            done_on=dt.date(2026, 12, 18),
            evidence="Sent",
        )
    with pytest.raises(ValidationError) as error:
        services.breach_milestone_complete(
            actor=world.school_manager, milestone=report, done_on=dt.date(2026, 12, 18), evidence=""
        )
    assert "evidence" in error.value.message_dict

    clock.move_to(london(2027, 1, 7, 9, 0), tick=False)
    services.breach_milestone_complete(
        actor=world.school_manager,
        milestone=report,
        done_on=dt.date(2027, 1, 7),
        evidence="Report emailed to all partners' IG leads.",
    )

    report.refresh_from_db()
    assert (report.done_on, report.completed_by) == (dt.date(2027, 1, 7), world.school_manager)
    # Due on 6 January, done on the 7th: on record as done late.
    assert milestone_status(report, on=dt.date(2027, 1, 8), region=breach.region).state == (
        MilestoneState.DONE_LATE
    )
    with pytest.raises(ValidationError, match="already been recorded"):
        services.breach_milestone_complete(
            actor=world.officer, milestone=report, done_on=dt.date(2027, 1, 7), evidence="Again"
        )


def test_the_meeting_and_minutes_are_recorded_on_the_meeting(world, breach):
    with pytest.raises(ValidationError, match="meeting record"):
        services.breach_milestone_complete(
            actor=world.officer,
            milestone=milestone(breach, K.MEETING_HELD),
            done_on=dt.date(2026, 12, 18),
            evidence="Held",
        )


def test_each_milestone_shows_how_many_working_days_are_left_or_overdue(world, breach):
    def states(on):
        return [
            (s.milestone.kind, s.state, s.working_days_left, s.working_days_overdue)
            for s in breach_milestones(breach=breach, on=on)
        ]

    assert states(dt.date(2026, 12, 23))[:2] == [
        (K.PARTNERS_NOTIFIED, MilestoneState.DUE, 2, None),  # Thursday 24th, Tuesday 29th.
        (K.REPORT_DISTRIBUTED, MilestoneState.DUE, 7, None),
    ]
    assert states(dt.date(2026, 12, 29))[0][1:] == (MilestoneState.DUE_TODAY, 0, None)
    # Overdue by three working days on Monday 4 January 2027 (30th, 31st, 4th).
    assert states(dt.date(2027, 1, 4))[0][1:] == (MilestoneState.OVERDUE, None, 3)
    assert states(dt.date(2027, 1, 4))[3][1:] == (MilestoneState.WAITING, None, None)
