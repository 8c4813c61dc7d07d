"""The breaches API: the register with its filters, reporting a breach (400 with the field's
message when a rule is broken), one breach with its milestones and how each stands, recording a
milestone done, the partners told, the partners' meeting step by step; another partnership's
breach is a 404 on every route, exactly like one that never existed."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from breaches.choices import MilestoneKind as K
from breaches.models import BreachReport, Milestone, PartnerNotification
from partners.roles import Role
from tests.breaches.conftest import london, report
from tests.factories import BreachReportFactory, OrganisationFactory
from tests.isolation import assert_tenant_isolated

pytestmark = pytest.mark.django_db

JSON = "application/json"
LIST = "/api/breaches/"


def url(breach, *rest) -> str:
    return "/".join([f"{LIST}{breach.public_id}", *[str(part) for part in rest], ""])


def post(client, path, data=None):
    return client.post(path, data or {}, content_type=JSON)


@pytest.fixture
def officer_api(world, client_for):
    return client_for(world.officer)


def test_reporting_a_breach_computes_its_milestones(world, client_for):
    client = client_for(world.council_manager)
    response = post(
        client,
        LIST,
        {
            "agreement": str(world.agreement.public_id),
            "title": "Report emailed to the wrong school",
            "organisation_in_breach": str(world.school.public_id),
            "identified_at": "2026-12-18T09:00:00+00:00",
            "description": "Sent to the wrong address.",
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reporting_organisation"] == str(world.council.public_id)
    assert body["next_milestone"] == "partners_notified"
    assert body["next_due_on"] == "2026-12-29"
    due = {m["kind"]: (m["due_on"], m["state"]) for m in body["milestones"]}
    assert due == {
        "partners_notified": ("2026-12-29", "due"),
        "report_distributed": ("2027-01-06", "due"),
        "meeting_held": ("2027-01-20", "due"),
        "minutes_circulated": (None, "waiting"),
    }
    assert {p["organisation"] for p in body["partners"]} == {
        str(o.public_id) for o in (world.school, world.police, world.nhs)
    }


def test_a_broken_rule_is_a_400_naming_the_field(world, officer_api):
    stranger = OrganisationFactory(tenant=world.partnership.tenant)
    response = post(
        officer_api,
        LIST,
        {
            "agreement": str(world.agreement.public_id),
            "title": "A breach",
            "organisation_in_breach": str(stranger.public_id),
            "identified_at": "2026-12-19T09:00:00+00:00",
            "description": "Something happened.",
        },
    )

    assert response.status_code == 400
    errors = {e["attr"]: e["detail"] for e in response.json()["errors"]}
    assert "has not signed this agreement" in errors["organisation_in_breach"]
    assert errors["identified_at"] == "This cannot be in the future."
    assert not BreachReport.objects.exists()


def test_a_manager_reports_only_for_their_own_organisation(world, client_for):
    response = post(
        client_for(world.council_manager),
        LIST,
        {
            "agreement": str(world.agreement.public_id),
            "title": "A breach",
            "reporting_organisation": str(world.police.public_id),
            "organisation_in_breach": str(world.school.public_id),
            "identified_at": "2026-12-18T09:00:00+00:00",
            "description": "Something happened.",
        },
    )
    assert response.status_code == 403


def test_the_register_filters_and_costs_the_same_for_3_breaches_as_for_30(
    world, breach, client_for, clock
):
    police = report(world, title="Police breach", organisation_in_breach=world.police)
    clock.move_to(london(2026, 12, 30, 9, 0), tick=False)
    officer_api = client_for(world.officer)

    def titles(query: str = "") -> set[str]:
        response = officer_api.get(f"{LIST}{query}")
        assert response.status_code == 200, response.json()
        return {row["title"] for row in response.json()["results"]}

    assert titles() == {breach.title, police.title}
    assert titles(f"?organisation_in_breach={world.police.public_id}") == {police.title}
    assert titles("?overdue=true") == {breach.title, police.title}
    assert titles("?status=closed") == set()
    assert titles(f"?agreement={world.agreement.public_id}") == {breach.title, police.title}
    bad = officer_api.get(f"{LIST}?stage=nonsense")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["attr"] == "stage"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert officer_api.get(LIST).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(28):
        BreachReportFactory(tenant=world.partnership.tenant, agreement=world.agreement)
    assert queries() == few


def test_milestones_are_listed_with_their_state_and_recorded_done(world, breach, client_for, clock):
    clock.move_to(london(2027, 1, 7, 9, 0), tick=False)
    distributed = Milestone.objects.get(breach=breach, kind=K.REPORT_DISTRIBUTED)
    school = client_for(world.school_manager)

    listed = school.get(url(breach, "milestones")).json()
    assert [(m["kind"], m["state"], m["working_days_overdue"]) for m in listed][:2] == [
        ("partners_notified", "overdue", 6),
        ("report_distributed", "overdue", 1),
    ]
    police = post(
        client_for(world.police_manager),
        url(breach, "milestones", distributed.public_id, "complete"),
        {"done_on": "2027-01-07", "evidence": "Sent"},
    )
    assert police.status_code == 403
    done = post(
        school,
        url(breach, "milestones", distributed.public_id, "complete"),
        {"done_on": "2027-01-07", "evidence": "Sent to every partner's IG lead."},
    )
    assert done.status_code == 200, done.json()
    assert (done.json()["done_on"], done.json()["state"]) == ("2027-01-07", "done_late")


def test_partners_told_one_by_one_meet_the_first_milestone(world, breach, client_for):
    client = client_for(world.council_manager)
    for organisation in (world.school, world.police, world.nhs):
        row = PartnerNotification.objects.get(breach=breach, organisation=organisation)
        response = post(
            client,
            url(breach, "partners", row.public_id, "told"),
            {"told_on": "2026-12-18", "contact_name": "IG lead", "method": "telephone"},
        )
        assert response.status_code == 200, response.json()
    bad = post(
        client,
        url(breach, "partners", row.public_id, "told"),
        {"told_on": "2026-12-18", "contact_name": "IG lead", "method": "carrier pigeon"},
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["attr"] == "method"
    assert Milestone.objects.get(breach=breach, kind=K.PARTNERS_NOTIFIED).done_on == dt.date(
        2026, 12, 18
    )


def test_the_meeting_is_recorded_step_by_step(world, breach, client_for, clock):
    client = client_for(world.council_manager)
    assert client.get(url(breach, "meeting")).status_code == 404
    clock.move_to(london(2027, 1, 11, 17, 0), tick=False)
    client = client_for(world.council_manager)

    def step(name, data):
        response = post(client, url(breach, "meeting", name), data)
        assert response.status_code == 200, response.json()
        return response.json()

    step("held", {"held_on": "2027-01-11", "chair": "Priya Raman"})
    step("attendees", {"organisation": str(world.school.public_id), "name": "Helen Ashby"})
    refused = post(client, url(breach, "meeting", "decision"), {"sanctions": "None"})
    assert refused.status_code == 400
    step("presented", {"presented_at": "2027-01-11T14:05:00Z", "presentation": "Its report."})
    step("withdrew", {"withdrew_at": "2027-01-11T14:20:00Z"})
    step(
        "actions",
        {
            "description": "Training",
            "owner_organisation": str(world.school.public_id),
            "owner_name": "Helen Ashby",
            "due_on": "2027-02-11",
        },
    )
    step("decision", {"sanctions": "A warning.", "decided_at": "2027-01-11T14:40:00Z"})
    step("recalled", {"recalled_at": "2027-01-11T14:45:00Z", "recall_notes": "Told."})
    step("minutes", {"minutes_text": "Present: the partners."})
    meeting = step("circulated", {"circulated_on": "2027-01-11", "circulated_to": "IG leads"})

    assert meeting["step"] == "recalled"
    assert [a["name"] for a in meeting["attendees"]] == ["Helen Ashby"]
    assert [a["description"] for a in meeting["actions"]] == ["Training"]
    assert Milestone.objects.get(breach=breach, kind=K.MINUTES_CIRCULATED).done_on == dt.date(
        2027, 1, 11
    )
    school = post(
        client_for(world.school_manager), url(breach, "meeting", "minutes"), {"minutes_text": "x"}
    )
    assert school.status_code == 403


def test_another_partnerships_breach_is_not_found_on_every_route(
    world, breach, client_for, other_partnership
):
    outsider = client_for(other_partnership.member(Role.IG_OFFICER))
    milestone = breach.milestones.first()
    told = breach.partner_notifications.first()
    assert_tenant_isolated(
        outsider,
        breach,
        detail_urls=[
            url(breach),
            url(breach, "milestones"),
            url(breach, "milestones", milestone.public_id),
            url(breach, "partners"),
            url(breach, "meeting"),
        ],
        list_urls=[LIST, f"{LIST}?status=open"],
        write_requests=[
            ("post", url(breach, "milestones", milestone.public_id, "complete"), {}),
            ("post", url(breach, "partners", told.public_id, "told"), {}),
            ("post", url(breach, "meeting", "held"), {"held_on": "2026-12-18"}),
        ],
        markers=[breach.title],
    )
    # A milestone of our breach under a breach of the outsider's own is as unknown.
    assert outsider.get(f"{LIST}{uuid.uuid4()}/milestones/").status_code == 404
