"""Recording a decision through the pages: the guided form asks the flowchart's questions in
order, works without JavaScript (its secondary buttons redraw it and save nothing), keeps
everything typed when it is refused, and shows the consent check live (htmx) without the child
in any URL. Then the override a designated manager approves, a correction, and an inaccuracy
notice every recipient acknowledges.

The world is test_pages.py's `build_world`.
"""

from __future__ import annotations

import re

import pytest

from notifications.models import Notice
from partners.roles import Role
from partners.security.models import AccessEvent
from partners.tenancy import activate
from sharing_log.choices import OverrideKind, OverrideStatus
from sharing_log.models import InaccuracyAcknowledgement, InaccuracyNotice, SharingDecision
from sharing_log.selectors import override_status
from tests.sharing_log.pages_world import (
    CHILD,
    FORENAMES,
    STATUTORY,
    SURNAME,
    World,
    build_world,
    decision_ids,
    url,
    visible_text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(partnership) -> World:
    return build_world(partnership)


@pytest.fixture
def clients(partnership, client_for):
    return {role: client_for(partnership.member(role)) for role in Role}


CHECKS = (
    "check_necessary",
    "check_proportionate",
    "check_relevant",
    "check_adequate",
    "check_accurate",
    "check_timely",
    "check_secure",
)


def form_data(world, **changes) -> dict:
    """The decision form as a practitioner fills it in: minimum information to the council on
    the mother's consent for the statutory assessment."""
    data = {
        "purpose": STATUTORY,
        "agreement": str(world.agreement.public_id),
        "consent_scope": str(world.statutory.public_id),
        "basis": "consent",
        "outcome": "share",
        "information_level": "minimum",
        "information_description": "Attendance this term.",
        "requested_by_name": "Sam Officer",
        "requested_by_organisation": str(world.council.public_id),
        "requested_by_role": "SEN casework officer",
        "identity_check": "call_back",
        "method": "method_1",
        "channel": "secure_email",
        "record_location": "School MIS",
        "reasons": "The council needs it for the EHC needs assessment.",
        "recipients-TOTAL_FORMS": "2",
        "recipients-INITIAL_FORMS": "0",
        "recipients-MIN_NUM_FORMS": "0",
        "recipients-MAX_NUM_FORMS": "20",
        "recipients-0-organisation": str(world.council.public_id),
        "recipients-0-person_name": "Sam Officer",
        "recipients-0-person_role": "SEN casework officer",
        **dict.fromkeys(CHECKS, "yes"),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def newest(world) -> SharingDecision:
    with activate(world.partnership.tenant):
        return SharingDecision.objects.order_by("-sequence").first()


# --- The form -------------------------------------------------------------------------------


def test_the_form_asks_the_flowcharts_questions_in_order(world, clients):
    response = clients[Role.PRACTITIONER].get(url("decision_record", world.child))

    assert response.status_code == 200
    headings = re.findall(
        r'<h2 class="govuk-fieldset__heading">([^<]+)</h2>', response.content.decode()
    )
    assert headings[:5] == [
        "1. Purpose",
        "2. Consent and the legal basis",
        "3. Overriding confidentiality",
        "4. What and with whom",
        "Who asked for the information",
    ]
    assert headings[5] == "5. How"
    assert "Golden Rule 6" in headings[6]
    text = visible_text(response)
    assert CHILD in text  # in the page, never in its URL
    assert CHILD.split()[0] not in url("decision_record", world.child)


def test_a_share_on_consent_is_recorded_with_the_consent_it_relied_on(world, clients):
    response = clients[Role.PRACTITIONER].post(
        url("decision_record", world.child), form_data(world)
    )

    decision = newest(world)
    assert response.status_code == 302
    assert response["Location"] == url("decision_detail", decision)
    assert decision.basis == "consent"
    assert decision.consent_id is not None
    assert decision.consent_snapshot["relied_on"] is True
    assert decision.subject_id == world.child.pk
    assert decision.override_kind == OverrideKind.NONE
    with activate(world.partnership.tenant):
        assert [r.person_name for r in decision.recipients.all()] == ["Sam Officer"]
    assert all(getattr(decision, name) for name in CHECKS)


def test_a_refused_form_shows_the_error_summary_and_keeps_everything_typed(world, clients):
    before = newest(world).pk
    response = clients[Role.PRACTITIONER].post(
        url("decision_record", world.child),
        form_data(world, reasons="", check_secure=None, purpose="Typed purpose kept"),
    )

    assert response.status_code == 400
    text = visible_text(response)
    assert "There is a problem" in text
    assert "Enter your reasons for the decision" in text
    assert "Select yes or no: shared securely?" in text
    page = response.content.decode()
    assert "Typed purpose kept" in page
    assert "Attendance this term." in page
    assert 'value="Sam Officer"' in page
    assert newest(world).pk == before


def test_a_share_claimed_on_consent_the_record_does_not_give_is_refused_with_its_reason(
    world, clients
):
    before = newest(world).pk
    response = clients[Role.PRACTITIONER].post(
        url("decision_record", world.child),
        form_data(
            world,
            **{
                "recipients-0-organisation": str(world.police.public_id),
                "recipients-0-person_name": "DC Jones",
            },
        ),
    )

    assert response.status_code == 400
    text = visible_text(response)
    assert "There is a problem" in text
    assert "does not allow sharing with this recipient" in text
    assert newest(world).pk == before


def test_add_another_recipient_redraws_the_form_and_saves_nothing(world, clients):
    before = newest(world).pk
    response = clients[Role.PRACTITIONER].post(
        url("decision_record", world.child), form_data(world, action="add_recipient", reasons="")
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="recipients-2-person_name"' in page
    assert "There is a problem" not in visible_text(response)
    assert newest(world).pk == before


def test_the_agreements_data_items_are_offered_once_it_is_chosen(world, clients):
    client = clients[Role.PRACTITIONER]
    blank = client.get(url("decision_record", world.child)).content.decode()
    redrawn = client.post(
        url("decision_record", world.child), form_data(world, action="show_items")
    ).content.decode()
    fragment = client.post(url("data_items"), {"agreement": str(world.agreement.public_id)})

    assert 'name="data_items"' not in blank
    assert 'name="data_items"' in redrawn
    assert fragment.status_code == 200
    assert "Date of birth" in fragment.content.decode()  # the agreement's data item


def test_the_live_consent_check_answers_per_recipient_without_the_child_in_the_url(world, clients):
    practitioner = world.member(Role.PRACTITIONER)
    check_url = url("consent_check", world.child)
    data = form_data(
        world,
        **{
            "recipients-1-organisation": str(world.police.public_id),
            "recipients-1-person_name": "DC Jones",
        },
    )

    response = clients[Role.PRACTITIONER].post(check_url, data, headers={"HX-Request": "true"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-inset-text" in page  # the council is covered
    assert "govuk-warning-text" in page  # the police are not
    assert "consent covers this sharing" in page
    assert "<html" not in page  # a fragment
    assert CHILD not in page
    # Nothing that identifies the child: not a name, nor the NHS number or date of birth in any
    # spelling (a UUID may hold "999" by chance, so the number itself is what is looked for).
    child = world.child
    for identifier in (
        *FORENAMES.split(),
        SURNAME,
        child.nhs_number,
        child.date_of_birth.isoformat(),
        child.date_of_birth.strftime("%d%m%Y"),
    ):
        assert identifier.lower() not in check_url.lower()
    with activate(world.partnership.tenant):
        assert AccessEvent.objects.filter(
            membership=practitioner, object_type="consent.check", subject_id=world.child.public_id
        ).exists()


def test_check_consent_works_without_javascript(world, clients):
    response = clients[Role.PRACTITIONER].post(
        url("decision_record", world.child), form_data(world, action="check_consent")
    )

    assert response.status_code == 200
    assert "consent covers this sharing" in response.content.decode()


def test_a_decision_not_to_share_records_the_reasons_and_when_it_is_reconsidered(world, clients):
    later = world.share.decided_at.date().replace(year=world.share.decided_at.year + 1)
    response = clients[Role.PRACTITIONER].post(
        url("decision_record", world.child),
        form_data(
            world,
            outcome="not_share",
            basis="",
            method="",
            channel="",
            reasons="The request did not say why the information was needed.",
            will_reconsider="yes",
            reconsider_on_day=str(later.day),
            reconsider_on_month=str(later.month),
            reconsider_on_year=str(later.year),
        ),
    )

    decision = newest(world)
    assert response.status_code == 302, visible_text(response)
    assert decision.outcome == "not_share"
    assert decision.reasons == "The request did not say why the information was needed."
    assert decision.will_reconsider is True
    assert decision.reconsider_on == later
    text = visible_text(clients[Role.PRACTITIONER].get(url("decision_detail", decision)))
    assert f"Yes, on {later:%-d %B %Y}" in text


def test_an_aggregate_decision_is_about_no_child(world, clients):
    termly_figures = {
        "basis": "statutory_function",
        "consent_scope": None,
        "information_level": "aggregate",
        "purpose": "Termly attendance figures for the partnership board",
    }
    response = clients[Role.MANAGER].post(
        url("decision_aggregate"), form_data(world, **termly_figures)
    )

    # A statutory function needs its gateway: refused, then given.
    assert response.status_code == 400
    assert "There is a problem" in visible_text(response)
    gateway = re.search(
        r'name="statutory_gateway"[^>]*>.*?<option value="([0-9a-f-]{36})"',
        response.content.decode(),
        re.S,
    ).group(1)
    response = clients[Role.MANAGER].post(
        url("decision_aggregate"), form_data(world, statutory_gateway=gateway, **termly_figures)
    )
    decision = newest(world)
    assert response.status_code == 302
    assert decision.subject is None
    assert decision.statutory_gateway is not None


def test_finding_the_child_is_a_post_and_links_to_the_form(world, clients):
    client = clients[Role.SENCO]
    response = client.post(url("decision_start"), {"query": "Logtester"})

    assert response.status_code == 200
    assert url("decision_record", world.child) in response.content.decode()
    assert client.get(url("decision_start")).status_code == 200


# --- Overrides ---------------------------------------------------------------------------------


def test_a_police_request_without_consent_goes_to_the_manager_who_approves_it(world, clients):
    response = clients[Role.PRACTITIONER].post(
        url("decision_record", world.child),
        form_data(
            world,
            basis="police_request",
            request_reference="S29-2026-0077",
            consent_scope=None,
            purpose="Prevention and detection of crime",
            information_level="detailed",
            override_reasons="A serious crime against the child is being investigated.",
            override_evidence="The signed Section 29(3) form.",
            third_parties_informed="None.",
            **{
                "recipients-0-organisation": str(world.police.public_id),
                "recipients-0-person_name": "DC Jones",
                "recipients-0-person_role": "Detective constable",
            },
        ),
    )
    decision = newest(world)
    assert response.status_code == 302
    assert decision.override_kind == OverrideKind.PRIOR

    manager = clients[Role.MANAGER]
    queue = manager.get(url("override_queue"))
    assert url("override_decide", decision) in queue.content.decode()
    refused = manager.post(url("override_decide", decision), {"outcome": "approved", "reasons": ""})
    assert refused.status_code == 400
    approved = manager.post(
        url("override_decide", decision),
        {"outcome": "approved", "reasons": "The Section 29(3) form is in order."},
    )

    assert approved.status_code == 302
    with activate(world.partnership.tenant):
        decision = SharingDecision.objects.select_related("approval").get(pk=decision.pk)
        assert override_status(decision) == OverrideStatus.APPROVED
        assert Notice.objects.filter(
            recipient=world.member(Role.PRACTITIONER), link=url("decision_detail", decision)
        ).exists()
    assert (
        url("override_decide", decision) not in manager.get(url("override_queue")).content.decode()
    )
    assert "Override approved" in visible_text(
        clients[Role.PRACTITIONER].get(url("decision_detail", decision))
    )


def test_only_the_designated_manager_may_answer_an_override(world, clients):
    for role in (Role.PRACTITIONER, Role.SENCO, Role.IG_OFFICER, Role.AUDITOR):
        response = clients[role].post(
            url("override_decide", world.override), {"outcome": "approved", "reasons": "Fine"}
        )
        assert response.status_code == 403, role
    with activate(world.partnership.tenant):
        assert not SharingDecision.objects.filter(
            pk=world.override.pk, approval__isnull=False
        ).exists()


# --- Corrections ---------------------------------------------------------------------------------


def test_correcting_a_decision_starts_from_its_answers_and_records_a_new_one(world, clients):
    client = clients[Role.PRACTITIONER]
    form = client.get(url("decision_supersede", world.share)).content.decode()
    assert "Attendance this term and the current SEN support plan." in form
    assert 'value="Sam Officer"' in form

    response = client.post(
        url("decision_supersede", world.share),
        form_data(
            world,
            information_description="Attendance only.",
            supersede_reason="The support plan was not shared after all.",
        ),
    )

    correction = newest(world)
    assert response.status_code == 302
    assert correction.supersedes_id == world.share.pk
    assert correction.supersede_reason == "The support plan was not shared after all."
    assert decision_ids(client.get(url("child_log", world.child)))[:1] == [
        str(correction.public_id)
    ]


def test_another_organisation_may_not_correct_a_decision(world, clients):
    assert clients[Role.MANAGER].get(url("decision_supersede", world.share)).status_code == 403


# --- Inaccuracy notices ---------------------------------------------------------------------------


def test_a_notice_goes_to_each_recipient_who_acknowledges_it(world, clients):
    response = clients[Role.SENCO].post(
        url("notice_create", world.share),
        {"what_was_wrong": "The plan was out of date.", "correction": "See the new plan."},
    )
    with activate(world.partnership.tenant):
        notice = InaccuracyNotice.objects.order_by("-recorded_at", "-id").first()
    assert response.status_code == 302
    assert response["Location"] == url("notice_detail", notice)

    officer = clients[Role.IG_OFFICER]
    waiting = officer.get(url("notice_list")).content.decode()
    assert url("notice_detail", notice) in waiting
    assert "Acknowledge for" in visible_text(
        clients[Role.MANAGER].get(url("notice_detail", notice))
    )

    acknowledged = clients[Role.MANAGER].post(
        url("notice_acknowledge", notice), {"note": "Records updated."}
    )

    assert acknowledged.status_code == 302
    with activate(world.partnership.tenant):
        assert InaccuracyAcknowledgement.objects.filter(
            notice=notice, organisation=world.council
        ).exists()
    assert url("notice_detail", notice) not in officer.get(url("notice_list")).content.decode()
    assert "Records updated." in visible_text(officer.get(url("notice_detail", notice)))


def test_an_organisation_that_did_not_receive_it_cannot_acknowledge(world, clients):
    response = clients[Role.PRACTITIONER].post(
        url("notice_acknowledge", world.notice), {"note": "Not ours"}
    )

    assert response.status_code == 403


def test_the_live_check_answers_for_a_named_person_outside_any_organisation(world, clients):
    response = clients[Role.PRACTITIONER].post(
        url("consent_check", world.child),
        {
            "purpose": "A request from a relative",
            "recipients-TOTAL_FORMS": "2",
            "recipients-INITIAL_FORMS": "0",
            "recipients-0-person_name": "Pat Relative",
            "recipients-0-person_role": "Aunt",
        },
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "Pat Relative" in response.content.decode()
