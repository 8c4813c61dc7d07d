"""The demo breaches: one at every stage, one overdue, one with personal data inside its 72
hours; a second run of the seed writes nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from breaches import demo as breaches_demo
from breaches import selectors
from breaches.choices import BreachStatus, MeetingStep
from breaches.choices import MilestoneKind as K
from breaches.models import (
    AgreedAction,
    BreachReport,
    IcoAssessment,
    IndemnityEvent,
    Milestone,
    PartnerNotification,
)
from notifications.models import Notice
from partners.demo import demo_partnership_seed
from partners.reminders import local_date
from partners.roles import Role
from partners.tenancy import activate

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            BreachReport,
            Milestone,
            PartnerNotification,
            IcoAssessment,
            IndemnityEvent,
            AgreedAction,
            Notice,
        )
    }


def test_the_demo_has_a_breach_at_every_stage_and_a_second_run_adds_nothing():
    seed = demo_partnership_seed()
    kent = seed.partnerships["kent"]
    with activate(kent.tenant):
        today = local_date(timezone.now(), kent.tenant)
        officer = kent.member(Role.IG_OFFICER)
        register = {
            b.title: b for b in selectors.breach_register(viewer=officer, on=today, status="")
        }
        assert set(register) == {
            breaches_demo.PERSONAL_DATA_TITLE,
            breaches_demo.OVERDUE_TITLE,
            breaches_demo.MEETING_BOOKED_TITLE,
            breaches_demo.MINUTES_DUE_TITLE,
            breaches_demo.CLOSED_TITLE,
        }
        stages = {title: breach.next_kind for title, breach in register.items()}
        assert stages == {
            breaches_demo.PERSONAL_DATA_TITLE: K.PARTNERS_NOTIFIED,
            breaches_demo.OVERDUE_TITLE: K.REPORT_DISTRIBUTED,
            breaches_demo.MEETING_BOOKED_TITLE: K.MEETING_HELD,
            breaches_demo.MINUTES_DUE_TITLE: K.MINUTES_CIRCULATED,
            breaches_demo.CLOSED_TITLE: None,
        }
        # Exactly one is overdue.
        assert [t for t, b in register.items() if b.is_overdue] == [breaches_demo.OVERDUE_TITLE]
        assert register[breaches_demo.CLOSED_TITLE].status == BreachStatus.CLOSED

        # The personal data breach is inside its 72 hours.
        assessment = register[breaches_demo.PERSONAL_DATA_TITLE].ico_assessment
        assert assessment.completed_at is None
        assert assessment.due_at == assessment.aware_at + dt.timedelta(hours=72)
        assert assessment.due_at - timezone.now() > dt.timedelta(hours=48)

        minutes_due = register[breaches_demo.MINUTES_DUE_TITLE]
        assert selectors.meeting_step(minutes_due.meeting) == MeetingStep.RECALLED
        assert IndemnityEvent.objects.get(breach=minutes_due).responded_on is None
        closed = register[breaches_demo.CLOSED_TITLE]
        assert closed.ico_assessment.ico_reference == "IC-DEMO-0001"
        before = counts()

    demo_partnership_seed()
    with activate(kent.tenant):
        assert counts() == before


def test_the_demo_is_built_only_where_the_partnership_has_its_agreements():
    seed = demo_partnership_seed()
    with activate(seed.partnerships["haringey"].tenant):
        assert not BreachReport.objects.exists()
