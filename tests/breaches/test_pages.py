"""The breach pages: the register (stage, next deadline, overdue at a glance, filters, what each
role sees, a constant number of queries), reporting a breach, its page (milestones with their
due and done dates, the partners told, the meeting, the ICO assessment, indemnity events, every
view in the access log) and the navigation. Each step recorded on its own page is in
test_pages_steps.py.

The clock is frozen on Friday 18 December 2026 (tests/breaches/conftest.py): the partners are to
be told by 29 December, the report distributed by 6 January and the meeting held by 20 January.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from breaches import services
from breaches.choices import MilestoneKind as K
from breaches.models import (
    BreachReport,
    IcoAssessment,
    MeetingAttendee,
    PartnerNotification,
)
from partners.roles import Role
from partners.security.models import AccessEvent
from tests.agreements.page_helpers import date_parts, visible_text
from tests.breaches.conftest import london, report
from tests.breaches.page_helpers import url
from tests.factories import BreachReportFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


# --- The register --------------------------------------------------------------------------------


def test_the_register_shows_the_next_step_its_deadline_and_what_is_overdue(
    world, breach, clients, clock
):
    response = clients[Role.IG_OFFICER].get(url("breach_list"))
    text = visible_text(response)
    assert response.status_code == 200
    assert breach.title in text
    assert "Partners notified 29 December 2026 5 working days left" in text

    clock.move_to(london(2026, 12, 30, 9, 0), tick=False)
    text = visible_text(clients[Role.IG_OFFICER].get(url("breach_list")))
    assert "Partners notified 29 December 2026 Overdue by 1 working day" in text


def test_a_deadline_reads_the_same_on_the_register_and_the_breach_page(
    world, breach, clients, clock
):
    """A milestone's state is a tag of its colour, written by one function for both pages."""
    register = clients[Role.IG_OFFICER].get(url("breach_list")).content.decode()
    assert '<strong class="govuk-tag govuk-tag--blue">5 working days left</strong>' in register

    clock.move_to(london(2026, 12, 29, 9, 0), tick=False)
    client = clients[Role.IG_OFFICER]
    due_today = '<strong class="govuk-tag govuk-tag--orange">Due today</strong>'
    assert due_today in client.get(url("breach_list")).content.decode()
    page = client.get(url("breach_detail", breach)).content.decode()
    assert due_today in page
    assert '<strong class="govuk-tag govuk-tag--grey">Waits for the meeting</strong>' in page


def test_the_register_filters_by_organisation_stage_agreement_status_and_overdue(
    world, breach, clients, clock
):
    police_breach = report(world, title="Police breach", organisation_in_breach=world.police)
    for organisation in (world.school, world.police, world.nhs):
        report_tell(world, police_breach, organisation, dt.date(2026, 12, 18))
    clock.move_to(london(2026, 12, 30, 9, 0), tick=False)
    client = clients[Role.IG_OFFICER]

    def titles(**query) -> set[str]:
        rows = client.get(url("breach_list"), query).context["rows"]
        return {row["title"] for row in rows}

    assert titles() == {breach.title, police_breach.title}
    assert titles(organisation=str(world.police.public_id)) == {police_breach.title}
    assert titles(stage=K.REPORT_DISTRIBUTED) == {police_breach.title}
    assert titles(overdue="yes") == {breach.title}
    assert titles(agreement=str(world.agreement.public_id)) == {breach.title, police_breach.title}
    assert titles(status="closed") == set()
    # Unknown values are ignored rather than failing.
    assert titles(stage="nonsense", organisation="not-a-uuid") == {
        breach.title,
        police_breach.title,
    }


def test_the_register_offers_the_organisations_and_agreements_it_can_filter_by(
    world, breach, clients
):
    tenant = world.partnership.tenant
    odd = world.police
    odd.name = 'Smith & Jones <"Care">'
    odd.save()
    report(world, title="Odd breach", organisation_in_breach=odd)
    without_breach = OrganisationFactory(tenant=tenant, name="Never in breach")
    client = clients[Role.IG_OFFICER]

    page = client.get(url("breach_list"), {"organisation": str(odd.public_id)})
    html = page.content.decode()

    assert (
        f'<option value="{odd.public_id}" selected>Smith &amp; Jones &lt;&quot;Care&quot;&gt;'
        in (html)
    )
    assert f'<option value="{breach.organisation_in_breach.public_id}">' in html
    assert str(without_breach.public_id) not in html
    assert f'<option value="{world.agreement.public_id}">' in html
    assert [row["title"] for row in page.context["rows"]] == ["Odd breach"]


def report_tell(world, breach, organisation, day):
    return services.breach_partner_told(
        actor=world.officer,
        breach=breach,
        organisation=organisation,
        told_on=day,
        contact_name="IG lead",
        method="email",
    )


def test_a_manager_sees_the_breaches_their_organisation_is_party_to(world, breach, clients):
    elsewhere = BreachReportFactory(tenant=world.partnership.tenant, title="Someone else's breach")

    officer = visible_text(clients[Role.IG_OFFICER].get(url("breach_list")))
    police = visible_text(clients["police_manager"].get(url("breach_list")))
    auditor = visible_text(clients[Role.AUDITOR].get(url("breach_list")))

    assert breach.title in officer and elsewhere.title in officer
    assert breach.title in auditor and elsewhere.title in auditor
    # The police are to be told of the school's breach; the other is nothing to do with them.
    assert breach.title in police and elsewhere.title not in police
    assert clients["police_manager"].get(url("breach_detail", elsewhere)).status_code == 404
    assert clients[Role.SENCO].get(url("breach_list")).status_code == 403


def _register_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("breach_list")).status_code == 200
    return len(queries)


def test_the_register_costs_the_same_number_of_queries_for_3_breaches_as_for_30(world, clients):
    tenant = world.partnership.tenant
    for _ in range(3):
        BreachReportFactory(tenant=tenant, agreement=world.agreement)
    client = clients[Role.IG_OFFICER]
    _register_queries(client)  # the session's first use costs extra queries once
    with_3 = _register_queries(client)

    for _ in range(27):
        BreachReportFactory(
            tenant=tenant,
            agreement=world.agreement,
            organisation_in_breach=OrganisationFactory(tenant=tenant),
        )
    with_30 = _register_queries(client)

    assert BreachReport.objects.count() == 30
    assert with_30 == with_3


def test_the_register_continues_after_the_last_breach_on_the_page(world, clients, monkeypatch):
    from breaches.views import register

    monkeypatch.setattr(register, "PAGE_SIZE", 2)
    for day in (1, 2, 3):
        BreachReportFactory(
            tenant=world.partnership.tenant,
            agreement=world.agreement,
            title=f"Breach of the {day}th",
            identified_at=london(2026, 12, day, 10, 0),
        )
    client = clients[Role.IG_OFFICER]

    first = client.get(url("breach_list"))
    assert [r["title"] for r in first.context["rows"]] == [
        "Breach of the 3th",
        "Breach of the 2th",
    ]
    second = client.get(url("breach_list") + first.context["next_url"])
    assert [r["title"] for r in second.context["rows"]] == ["Breach of the 1th"]
    assert second.context["next_url"] == ""


# --- Reporting -----------------------------------------------------------------------------------


def report_form(world, **overrides) -> dict:
    data = {
        "agreement": str(world.agreement.public_id),
        "title": "Minutes emailed to the wrong list",
        # Only the IG officer is asked; a manager reports for their own organisation.
        "reporting_organisation": str(world.council.public_id),
        "organisation_in_breach": str(world.school.public_id),
        **date_parts("identified_on", dt.date(2026, 12, 18)),
        "identified_time": "09:15",
        "description": "A distribution list was mistyped.",
        "containment": "Recipients asked to delete it.",
        "personal_data_involved": "no",
    }
    data.update(overrides)
    return data


def test_a_manager_reports_a_breach_for_their_organisation_and_sees_its_deadlines(world, clients):
    client = clients[Role.MANAGER]
    form = client.get(url("breach_report"))
    assert "reporting_organisation" not in form.context["form"].fields

    response = client.post(url("breach_report"), report_form(world))

    breach = BreachReport.objects.get(title="Minutes emailed to the wrong list")
    assert response.status_code == 302
    assert response["Location"] == url("breach_detail", breach)
    assert breach.reporting_organisation == world.council
    assert breach.identified_at == london(2026, 12, 18, 9, 15)
    text = visible_text(client.get(response["Location"]))
    assert "The breach has been reported" in text
    assert "Partners notified Kent and Medway County Council 29 December 2026" in text
    assert "Breach report distributed" in text and "6 January 2027" in text
    assert "Partners' meeting held" in text and "20 January 2027" in text


def test_a_report_refused_by_the_rules_shows_the_errors_on_the_fields(world, clients):
    outsider_org = OrganisationFactory(tenant=world.partnership.tenant, name="Not a signatory")
    response = clients[Role.IG_OFFICER].post(
        url("breach_report"),
        report_form(
            world,
            organisation_in_breach=str(outsider_org.public_id),
            identified_time="25:00",
            **date_parts("identified_on", dt.date(2026, 12, 19)),
        ),
    )
    assert response.status_code == 400
    assert "Time identified must be a real time" in visible_text(response)

    response = clients[Role.IG_OFFICER].post(
        url("breach_report"),
        report_form(
            world,
            organisation_in_breach=str(outsider_org.public_id),
            **date_parts("identified_on", dt.date(2026, 12, 19)),
        ),
    )
    errors = response.context["form"].errors
    assert response.status_code == 400
    assert "has not signed this agreement" in errors["organisation_in_breach"][0]
    assert errors["identified_on"] == ["This cannot be in the future."]
    assert not BreachReport.objects.exists()


def test_a_personal_data_breach_opens_its_72_hours_on_the_page(world, clients):
    response = clients[Role.IG_OFFICER].post(
        url("breach_report"),
        report_form(
            world,
            personal_data_involved="yes",
            personal_data_categories="Names and addresses",
            people_affected="12",
        ),
    )
    breach = BreachReport.objects.get()
    assert IcoAssessment.objects.get(breach=breach).due_at == london(2026, 12, 21, 9, 15)
    text = visible_text(clients[Role.IG_OFFICER].get(response["Location"]))
    assert "Decide by 21 December 2026, 09:15" in text


# --- A breach's page -----------------------------------------------------------------------------


def test_the_page_of_a_breach_is_in_the_access_log(world, breach, clients):
    response = clients[Role.AUDITOR].get(url("breach_detail", breach))

    assert response.status_code == 200
    event = AccessEvent.objects.get(object_id=breach.public_id)
    assert (event.action, event.object_type) == ("view", "breach")
    assert event.membership == world.member(Role.AUDITOR)


def test_an_overdue_milestone_is_flagged_at_the_top_and_in_the_timeline(
    world, breach, clients, clock
):
    clock.move_to(london(2027, 1, 7, 9, 0), tick=False)
    text = visible_text(clients[Role.IG_OFFICER].get(url("breach_detail", breach)))
    assert (
        "Overdue: partners notified (due 29 December 2026); breach report distributed "
        "(due 6 January 2027)." in text
    )
    assert "Overdue by 1 working day" in text


def _detail_queries(client, breach) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("breach_detail", breach)).status_code == 200
    return len(queries)


def test_a_breachs_page_costs_the_same_number_of_queries_however_much_it_holds(
    world, breach, clients
):
    officer, tenant = world.officer, world.partnership.tenant
    meeting = services.breach_meeting_held(
        actor=officer, breach=breach, held_on=dt.date(2026, 12, 18)
    )
    for n in range(3):
        services.breach_meeting_add_attendee(
            actor=officer, meeting=meeting, organisation=world.police, name=f"Officer {n}"
        )
    client = clients[Role.IG_OFFICER]
    _detail_queries(client, breach)
    few = _detail_queries(client, breach)

    for n in range(27):
        organisation = OrganisationFactory(tenant=tenant)
        PartnerNotification.objects.create(tenant=tenant, breach=breach, organisation=organisation)
        MeetingAttendee.objects.create(
            tenant=tenant, meeting=meeting, organisation=organisation, name=f"Attendee {n}"
        )
    many = _detail_queries(client, breach)

    assert breach.partner_notifications.count() == 30
    assert many == few


# --- The navigation ------------------------------------------------------------------------------


def test_the_navigation_leads_those_who_handle_breaches_to_the_register(world, clients):
    for role in Role:
        html = clients[role].get(url("dashboard")).content.decode()
        link = '<a class="govuk-service-navigation__link" href="/breaches/"'
        assert (link in html) == (role in {Role.IG_OFFICER, Role.MANAGER, Role.AUDITOR}), role
