"""Reporting a breach (Haringey 6.1–6.3): its milestones computed from the day identified, the
agreement's rules snapshotted, the partners to tell listed, the right people told."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agreements import services as agreement_services
from breaches import services
from breaches.choices import BreachStatus
from breaches.choices import MilestoneKind as K
from breaches.models import BreachReport, IcoAssessment
from notifications.models import Notice
from partners.roles import Role
from tests.breaches.conftest import london, report
from tests.factories import AgreementFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def due_dates(breach):
    return {m.kind: m.due_on for m in breach.milestones.all()}


def test_a_breach_identified_before_christmas_has_its_deadlines_after_it(breach):
    assert breach.identified_on == dt.date(2026, 12, 18)
    assert due_dates(breach) == {
        K.PARTNERS_NOTIFIED: dt.date(2026, 12, 29),
        K.REPORT_DISTRIBUTED: dt.date(2027, 1, 6),
        K.MEETING_HELD: dt.date(2027, 1, 20),
        K.MINUTES_CIRCULATED: None,
    }
    assert list(breach.milestones.values_list("kind", flat=True)) == [
        K.PARTNERS_NOTIFIED,
        K.REPORT_DISTRIBUTED,
        K.MEETING_HELD,
        K.MINUTES_CIRCULATED,
    ]


def test_each_milestone_is_the_step_of_the_organisation_responsible_for_it(world, breach):
    responsible = {m.kind: m.responsible_organisation for m in breach.milestones.all()}

    assert responsible == {
        K.PARTNERS_NOTIFIED: world.council,  # The reporter tells the others (6.1).
        K.REPORT_DISTRIBUTED: world.school,  # The organisation in breach reports (6.2).
        K.MEETING_HELD: world.council,  # The agreement's owner convenes the partners (6.3).
        K.MINUTES_CIRCULATED: world.council,
    }


def test_a_breach_identified_late_in_the_evening_counts_from_that_day_in_london(world, clock):
    # 23:30 on Thursday 17 December in London is still the 17th, whatever UTC says.
    breach = report(world, identified_at=london(2026, 12, 17, 23, 30))

    assert breach.identified_on == dt.date(2026, 12, 17)
    assert due_dates(breach)[K.PARTNERS_NOTIFIED] == dt.date(2026, 12, 24)


def test_the_deadline_rules_are_snapshotted_when_the_breach_is_reported(world, breach, clock):
    officer = world.officer
    agreement = world.agreement
    # Later, the partners agree shorter deadlines (through a review) and the partnership moves
    # to Scotland's bank holidays.
    review = agreement_services.agreement_start_review(
        actor=officer, agreement=agreement, reason="Annual review"
    )
    agreement.refresh_from_db()
    agreement_services.agreement_update(
        actor=officer,
        agreement=agreement,
        expected_version=agreement.version,
        breach_notify_days=2,
        breach_report_days=4,
        breach_meeting_days=8,
        breach_minutes_days=2,
    )
    world.partnership.tenant.bank_holiday_region = "scotland"
    world.partnership.tenant.save()
    assert review.pk

    breach.refresh_from_db()
    assert (breach.notify_days, breach.report_days, breach.meeting_days, breach.minutes_days) == (
        5,
        10,
        20,
        5,
    )
    assert breach.region == "england-and-wales"
    assert due_dates(breach)[K.REPORT_DISTRIBUTED] == dt.date(2027, 1, 6)

    # Holding the meeting (on Tuesday 29 December) still counts the minutes by the old rule (5
    # working days) and region (England and Wales: Monday 4 January 2027 is a working day).
    clock.move_to(london(2026, 12, 29, 15, 0), tick=False)
    services.breach_meeting_held(actor=officer, breach=breach, held_on=dt.date(2026, 12, 29))
    assert due_dates(breach)[K.MINUTES_CIRCULATED] == dt.date(2027, 1, 6)

    # A breach reported now is held to the new rules, in Scotland's working days.
    world.agreement.refresh_from_db()
    later = report(world)
    assert (later.notify_days, later.report_days, later.region) == (2, 4, "scotland")
    assert due_dates(later)[K.PARTNERS_NOTIFIED] == dt.date(2026, 12, 31)
    assert due_dates(later)[K.REPORT_DISTRIBUTED] == dt.date(2027, 1, 6)


def test_the_partners_to_tell_are_the_signatories_other_than_the_reporter(world, breach):
    told = set(breach.partner_notifications.values_list("organisation__name", flat=True))

    assert told == {world.school.name, world.police.name, world.nhs.name}
    assert not breach.partner_notifications.filter(told_on__isnull=False).exists()


def test_reporting_tells_the_organisation_in_breach_the_owner_and_the_ig_officers(world, breach):
    notices = Notice.objects.filter(dedup_key=f"breach:{breach.public_id}:reported")

    assert {n.recipient for n in notices} == {world.school_manager, world.officer}
    # The council's manager reported it, so is not told of it; the description never travels.
    for notice in notices:
        assert "wrong address" not in notice.body
        assert "29 December 2026" in notice.body
    school = notices.get(recipient=world.school_manager)
    assert "reported to be in breach" in school.reason


def test_a_manager_reports_only_for_their_own_organisation(world):
    with pytest.raises(PermissionDenied):
        report(world, actor=world.school_manager, reporting_organisation=world.council)
    breach = report(world, actor=world.school_manager, reporting_organisation=world.school)
    assert breach.reported_by == world.school_manager


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.SENCO, Role.PRACTITIONER])
def test_only_ig_officers_and_managers_report_breaches(world, role):
    member = world.member(role)
    with pytest.raises(PermissionDenied):
        report(world, actor=member, reporting_organisation=member.organisation)


def test_a_breach_is_refused_when_the_facts_do_not_hold(world, clock):
    draft = AgreementFactory(tenant=world.partnership.tenant, owner_organisation=world.council)
    outsider = OrganisationFactory(tenant=world.partnership.tenant, name="Not a signatory")

    with pytest.raises(ValidationError, match="approved"):
        report(world, actor=world.officer, agreement=draft)
    with pytest.raises(ValidationError) as error:
        report(world, organisation_in_breach=outsider)
    assert "organisation_in_breach" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        report(world, identified_at=london(2026, 12, 19, 9, 0))
    assert "identified_at" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        report(world, occurred_on=dt.date(2026, 12, 19))
    assert "occurred_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        report(world, personal_data_involved=True)
    assert "personal_data_categories" in error.value.message_dict
    assert not BreachReport.objects.exists()


def test_personal_data_opens_the_72_hour_assessment(world, clock):
    breach = report(
        world,
        identified_at=london(2026, 12, 18, 9, 15),
        personal_data_involved=True,
        personal_data_categories="Names and SEN support needs",
        people_affected=1,
    )

    assessment = breach.ico_assessment
    assert assessment.aware_at == london(2026, 12, 18, 9, 15)
    assert assessment.due_at == london(2026, 12, 21, 9, 15)
    assert assessment.completed_at is None
    notice = Notice.objects.get(
        dedup_key=f"breach:{breach.public_id}:ico-opened", recipient=world.school_manager
    )
    assert "09:15 on 21 December 2026" in notice.body


def test_personal_data_found_later_starts_the_clock_when_the_organisation_became_aware(
    world, breach, clock
):
    assert not IcoAssessment.objects.exists()
    clock.move_to(london(2026, 12, 21, 14, 0), tick=False)

    services.breach_update(
        actor=world.council_manager,
        breach=breach,
        expected_version=breach.version,
        aware_at=london(2026, 12, 21, 11, 0),
        personal_data_involved=True,
        personal_data_categories="Contact details",
    )

    assert breach.ico_assessment.due_at == london(2026, 12, 24, 11, 0)
    with pytest.raises(ValidationError):
        services.breach_update(
            actor=world.council_manager,
            breach=breach,
            expected_version=breach.version,
            personal_data_involved=False,
        )


def test_a_second_edit_from_a_stale_page_is_refused(world, breach):
    stale_version = breach.version
    services.breach_update(
        actor=world.council_manager,
        breach=breach,
        expected_version=stale_version,
        containment="Recipient confirmed deletion.",
    )

    with pytest.raises(services.ConcurrentEdit):
        services.breach_update(
            actor=world.officer,
            breach=BreachReport.objects.get(pk=breach.pk),
            expected_version=stale_version,
            containment="Something else",
        )
    breach.refresh_from_db()
    assert breach.containment == "Recipient confirmed deletion."
    # The deadlines' day cannot be edited at all.
    with pytest.raises(TypeError):
        services.breach_update(
            actor=world.officer,
            breach=breach,
            expected_version=breach.version,
            identified_on=dt.date(2026, 12, 1),
        )


def test_a_breach_closes_only_when_every_step_is_done(world, breach):
    with pytest.raises(ValidationError, match="partners notified"):
        services.breach_close(actor=world.officer, breach=breach, reason="Done")
    with pytest.raises(PermissionDenied):
        services.breach_close(actor=world.council_manager, breach=breach, reason="Done")

    services.breach_withdraw(
        actor=world.council_manager, breach=breach, reason="It was sent to our own school."
    )
    breach.refresh_from_db()
    assert breach.status == BreachStatus.WITHDRAWN
    with pytest.raises(ValidationError, match="withdrawn"):
        services.breach_withdraw(actor=world.officer, breach=breach, reason="Again")
