"""Who sees which breach, the register's stage and overdue flags, and the work due."""

import datetime as dt

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from breaches import selectors, services
from breaches.choices import MilestoneKind as K
from breaches.models import Milestone
from partners.roles import Role
from partners.tenancy import activate
from tests.breaches.conftest import build_world, london, report
from tests.factories import BreachReportFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_ig_officers_and_auditors_see_every_breach_and_managers_those_they_are_party_to(
    world, breach
):
    unrelated = OrganisationFactory(tenant=world.partnership.tenant, name="Youth justice")
    unrelated_manager = MembershipFactory(
        tenant=world.partnership.tenant, organisation=unrelated, role=Role.MANAGER
    )

    for member in (
        world.officer,
        world.member(Role.AUDITOR),
        world.council_manager,  # Reported it, and owns the agreement.
        world.school_manager,  # In breach.
        world.police_manager,  # To be told.
    ):
        assert selectors.breach_get_for(member, breach.public_id) == breach
    for member in (
        unrelated_manager,
        world.member(Role.SENCO),
        world.member(Role.PRACTITIONER),
    ):
        with pytest.raises(Http404):
            selectors.breach_get_for(member, breach.public_id)
    with pytest.raises(Http404):
        selectors.breach_get_for(world.officer, "not-a-uuid")


def test_another_partnerships_breach_is_a_404_for_its_most_powerful_member(
    world, breach, outsider, other_partnership
):
    milestone = breach.milestones.first()
    with activate(other_partnership.tenant):
        with pytest.raises(Http404):
            selectors.breach_get_for(outsider, breach.public_id)
        with pytest.raises(Http404):
            selectors.milestone_get_for(outsider, milestone.public_id)
        assert not selectors.breach_register(viewer=outsider, on=dt.date(2026, 12, 18)).exists()


def test_the_register_shows_each_breachs_next_step_and_whether_it_is_overdue(world, breach, clock):
    second = report(world, title="Second breach", organisation_in_breach=world.police)
    clock.move_to(london(2026, 12, 30, 9, 0), tick=False)
    for organisation in (world.school, world.police, world.nhs):
        services.breach_partner_told(
            actor=world.officer,
            breach=second,
            organisation=organisation,
            told_on=dt.date(2026, 12, 22),
            contact_name="IG lead",
            method="email",
        )

    with CaptureQueriesContext(connection) as queries:
        rows = {
            b.title: (b.next_kind, b.next_due_on, b.is_overdue)
            for b in selectors.breach_register(viewer=world.officer, on=dt.date(2026, 12, 30))
        }
    assert len(queries) == 1
    assert rows == {
        breach.title: (K.PARTNERS_NOTIFIED, dt.date(2026, 12, 29), True),
        "Second breach": (K.REPORT_DISTRIBUTED, dt.date(2027, 1, 6), False),
    }
    overdue = selectors.breach_register(
        viewer=world.officer, on=dt.date(2026, 12, 30), overdue_only=True
    )
    assert [b.title for b in overdue] == [breach.title]
    assert [
        b.title
        for b in selectors.breach_register(
            viewer=world.officer, on=dt.date(2026, 12, 30), stage=K.REPORT_DISTRIBUTED
        )
    ] == ["Second breach"]
    summary = selectors.breach_summary(breach=second, on=dt.date(2026, 12, 30))
    assert summary.stage == "Breach report distributed: to do"
    assert summary.overdue == []


def test_the_work_due_lists_milestones_due_within_two_working_days_and_overdue(
    world, breach, clock
):
    personal = report(
        world,
        title="Personal data",
        personal_data_involved=True,
        personal_data_categories="Contact details",
    )
    Milestone.objects.filter(breach=personal).update(done_on=dt.date(2026, 12, 18), evidence="x")

    on_23rd = selectors.breach_work_due(viewer=world.officer, on=dt.date(2026, 12, 23))
    assert [(item.what, item.overdue) for item in on_23rd] == [
        ("Personal data breach: ICO assessment (72 hours)", False),
        ("Partners notified", False),
    ]
    on_30th = selectors.breach_work_due(viewer=world.officer, on=dt.date(2026, 12, 30))
    assert ("Partners notified", True) in [(item.what, item.overdue) for item in on_30th]
    assert (
        selectors.breach_work_due(viewer=world.member(Role.SENCO), on=dt.date(2026, 12, 30)) == []
    )


def test_a_second_partnership_keeps_its_breaches_to_itself(world, breach, other_partnership):
    with activate(other_partnership.tenant):
        other = build_world(other_partnership)
        theirs = report(other)
        officer = other_partnership.member(Role.IG_OFFICER)
        assert [
            b.pk for b in selectors.breach_register(viewer=officer, on=dt.date(2026, 12, 18))
        ] == [theirs.pk]
    assert [
        b.pk for b in selectors.breach_register(viewer=world.officer, on=dt.date(2026, 12, 18))
    ] == [breach.pk]


def test_a_breach_from_the_factory_has_its_milestones_as_reported_ones_do(in_tenant, clock):
    breach = BreachReportFactory(tenant=in_tenant.tenant, agreement__tenant=in_tenant.tenant)

    assert [m.due_on for m in breach.milestones.order_by("position")] == [
        dt.date(2026, 12, 29),
        dt.date(2027, 1, 6),
        dt.date(2027, 1, 20),
        None,
    ]
    officer = in_tenant.member(Role.IG_OFFICER)
    assert selectors.breach_get_for(officer, breach.public_id) == breach
