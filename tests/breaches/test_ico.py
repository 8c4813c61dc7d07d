"""A personal data breach is assessed for the ICO within 72 clock hours of becoming aware of it
(UK GDPR Articles 33–34): the decision with reasons, the ICO reference, whether the people
affected must be told, and reasons for any delay."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from breaches import services
from tests.breaches.conftest import london, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def personal(world, clock):
    return report(
        world,
        identified_at=london(2026, 12, 18, 9, 0),
        personal_data_involved=True,
        personal_data_categories="Name, date of birth and SEN support plan",
        special_category_data=True,
        people_affected=1,
    )


def test_decided_not_reportable_completes_the_assessment(world, personal):
    assessment = services.ico_assessment_decide(
        actor=world.school_manager,
        assessment=personal.ico_assessment,
        must_report=False,
        reasons="Recalled unread within the hour; no risk to the child's rights.",
        tell_people=False,
    )

    assert assessment.must_report is False
    assert assessment.decided_by == world.school_manager
    assert assessment.completed_at is not None
    with pytest.raises(ValidationError, match="complete"):
        services.ico_assessment_decide(
            actor=world.officer,
            assessment=assessment,
            must_report=True,
            reasons="Changed our mind",
            tell_people=False,
        )


def test_a_reportable_breach_is_complete_once_reported_with_the_icos_reference(
    world, personal, clock
):
    assessment = services.ico_assessment_decide(
        actor=world.officer,
        assessment=personal.ico_assessment,
        must_report=True,
        reasons="Special category data of a child sent outside the partnership.",
        tell_people=True,
        tell_people_reasons="High risk to the child: the family must be told.",
    )
    assert assessment.completed_at is None
    with pytest.raises(ValidationError) as error:
        services.ico_assessment_reported(
            actor=world.officer,
            assessment=assessment,
            reported_at=london(2026, 12, 18, 9, 30),
            ico_reference="",
        )
    assert "ico_reference" in error.value.message_dict

    clock.move_to(london(2026, 12, 19, 11, 0), tick=False)
    services.ico_assessment_reported(
        actor=world.officer,
        assessment=assessment,
        reported_at=london(2026, 12, 19, 10, 45),
        ico_reference="IC-123456-A1B2",
    )
    services.ico_assessment_people_told(
        actor=world.school_manager, assessment=assessment, told_on=dt.date(2026, 12, 19)
    )
    assessment.refresh_from_db()
    assert assessment.ico_reference == "IC-123456-A1B2"
    assert assessment.people_told_on == dt.date(2026, 12, 19)
    assert assessment.completed_at == london(2026, 12, 19, 11, 0)


def test_a_report_after_72_hours_needs_the_reasons_for_the_delay(world, personal, clock):
    assessment = services.ico_assessment_decide(
        actor=world.officer,
        assessment=personal.ico_assessment,
        must_report=True,
        reasons="High risk.",
        tell_people=False,
    )
    clock.move_to(london(2026, 12, 21, 12, 0), tick=False)
    # Due at 09:00 on Monday 21 December: 72 hours from 09:00 on the Friday.
    assert assessment.due_at == london(2026, 12, 21, 9, 0)

    with pytest.raises(ValidationError) as error:
        services.ico_assessment_reported(
            actor=world.officer,
            assessment=assessment,
            reported_at=london(2026, 12, 21, 9, 1),
            ico_reference="IC-1",
        )
    assert "delay_reasons" in error.value.message_dict
    services.ico_assessment_reported(
        actor=world.officer,
        assessment=assessment,
        reported_at=london(2026, 12, 21, 11, 0),
        ico_reference="IC-1",
        delay_reasons="The DPO was unreachable over the weekend.",
    )
    assert assessment.delay_reasons


def test_the_decision_needs_reasons_and_is_the_controllers_or_the_ig_officers(world, personal):
    with pytest.raises(PermissionDenied):
        services.ico_assessment_decide(
            actor=world.police_manager,
            assessment=personal.ico_assessment,
            must_report=False,
            reasons="Not ours to decide",
            tell_people=False,
        )
    with pytest.raises(ValidationError) as error:
        services.ico_assessment_decide(
            actor=world.school_manager,
            assessment=personal.ico_assessment,
            must_report=False,
            reasons=" ",
            tell_people=False,
        )
    assert "reasons" in error.value.message_dict
    with pytest.raises(ValidationError, match="must be reported"):
        services.ico_assessment_reported(
            actor=world.school_manager,
            assessment=personal.ico_assessment,
            reported_at=london(2026, 12, 18, 9, 30),
            ico_reference="IC-1",
        )
