"""The children and consent pages: finding a child (by POST, within what the user may see),
opening a record with duplicate detection, the child's record with the team around the child,
consents and their timelines and flags, recording, reviewing, renewing and withdrawing consent
(each a new event, nothing overwritten), the signed form served only through its view, and the
SENCo's list of consents due for review. Every view of a child or a consent is in the access
audit.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consent import services
from consent.choices import ConsentStatus, EventKind
from consent.models import ConsentRecord, DataSubject
from partners.reminders import long_date
from partners.roles import Role
from partners.security.models import AccessEvent
from tests.agreements.page_helpers import date_parts, visible_text
from tests.consent.conftest import born, open_record, parent_consent, today

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a scanned form\n"


def url(name: str, obj=None, **kwargs) -> str:
    if obj is not None:
        kwargs["id"] = obj.public_id
    return reverse(f"consent:{name}", kwargs=kwargs)


def audited(membership, object_type: str, object_id) -> bool:
    return AccessEvent.objects.filter(
        membership=membership, object_type=object_type, object_id=object_id
    ).exists()


# --- Finding a child -----------------------------------------------------------------------


def test_a_senco_finds_a_child_by_name_with_a_post(world, senco, child, client_for):
    client = client_for(senco)

    page = client.get(url("subject_find"))
    found = client.post(url("subject_find"), {"query": "ava sampleton"})

    assert page.status_code == 200
    assert found.status_code == 200
    assert "Ava Rose Sampleton" in visible_text(found)
    assert url("subject_detail", child) in found.content.decode()


@pytest.mark.parametrize(
    "query",
    ["999 000 0018", "Sampleton", "{dob}", "Ava {dob}"],
    ids=["nhs number", "surname", "date of birth", "name and date of birth"],
)
def test_each_way_of_searching_finds_the_child(world, senco, child, client_for, query):
    query = query.format(dob=child.date_of_birth.strftime("%d/%m/%Y"))

    response = client_for(senco).post(url("subject_find"), {"query": query})

    assert "Ava Rose Sampleton" in visible_text(response)


def test_with_htmx_only_the_results_come_back(world, senco, child, client_for):
    response = client_for(senco).post(
        url("subject_find"), {"query": "Sampleton"}, headers={"HX-Request": "true"}
    )

    assert "<html" not in response.content.decode()
    assert "Ava Rose Sampleton" in visible_text(response)


def test_an_uninvolved_organisation_finds_nobody(world, child, client_for):
    response = client_for(world.elsewhere_practitioner).post(
        url("subject_find"), {"query": child.nhs_number}
    )

    assert response.status_code == 200
    assert "Sampleton" not in response.content.decode()
    assert "No child found" in visible_text(response)


def test_an_empty_search_is_refused_and_lists_nobody(world, senco, child, client_for):
    response = client_for(senco).post(url("subject_find"), {"query": ""})

    assert response.status_code == 400
    assert "Sampleton" not in response.content.decode()


# --- Opening a record ----------------------------------------------------------------------


def subject_form(**fields) -> dict:
    values = {
        "forenames": "Noah",
        "surname": "Testwood",
        "gender": "male",
        "nhs_number": "",
        "upn": "",
        "sen_status": "sen_support",
        **date_parts("date_of_birth", born(8, 20)),
    }
    values.update(fields)
    return values


def test_a_senco_opens_a_record_and_joins_the_team(world, senco, client_for):
    response = client_for(senco).post(
        url("subject_create"), subject_form(current_setting=str(world.school.public_id))
    )

    subject = DataSubject.objects.get(surname="Testwood")
    assert response.status_code == 302
    assert response["Location"] == url("subject_detail", subject)
    assert subject.current_setting == world.school
    assert subject.team.filter(membership=senco).exists()


def test_the_same_nhs_number_offers_the_existing_record_and_opens_nothing(
    world, senco, child, client_for
):
    response = client_for(senco).post(url("subject_create"), subject_form(nhs_number="9990000018"))

    assert response.status_code == 409
    assert url("subject_detail", child) in response.content.decode()
    assert "cannot be opened twice" in visible_text(response)
    assert not DataSubject.objects.filter(surname="Testwood").exists()


def test_a_similar_name_and_birthday_is_opened_only_once_confirmed(world, senco, child, client_for):
    client = client_for(senco)
    same_child = subject_form(
        forenames="Ava",
        surname="Sampleton",
        gender="female",
        **date_parts("date_of_birth", child.date_of_birth),
    )

    offered = client.post(url("subject_create"), same_child)
    confirmed = client.post(url("subject_create"), {**same_child, "confirmed_different": "on"})

    assert offered.status_code == 409
    assert url("subject_detail", child) in offered.content.decode()
    assert "This is a different child" in visible_text(offered)
    assert confirmed.status_code == 302
    assert DataSubject.objects.filter(surname="Sampleton").count() == 2


def test_a_practitioner_may_not_open_a_record(world, client_for):
    response = client_for(world.member(Role.PRACTITIONER)).post(
        url("subject_create"), subject_form()
    )

    assert response.status_code == 403


# --- The child's record --------------------------------------------------------------------


def test_the_record_shows_details_team_consents_and_their_timeline(world, senco, child, client_for):
    services.team_member_add(
        actor=senco,
        subject=child,
        organisation=world.nhs,
        role="School nurse",
        person_name="Ade Olawale",
        is_lead=True,
    )
    consent = parent_consent(world, senco, child)
    services.consent_withdraw(actor=senco, consent=consent, reason="The parent asked.")

    response = client_for(senco).get(url("subject_detail", child))

    text = visible_text(response)
    assert response.status_code == 200
    assert "Ava Rose Sampleton" in text and "999 000 0018" in text
    assert "School nurse" in text and "Lead professional" in text
    assert "Consent given on" in text and "Withdrawn" in text
    assert "Statutory assessment and EHC plan" in text
    assert audited(senco, "child", child.public_id)


def test_each_consent_card_shows_its_purposes_recipients_and_timeline_newest_first(
    world, senco, child, client_for
):
    older = parent_consent(
        world,
        senco,
        child,
        given_on=today() - dt.timedelta(days=60),
        other_purposes=["Transition planning"],
        third_parties=["Dr A. Shah"],
    )
    services.consent_withdraw(actor=senco, consent=older, reason="The parent asked.")
    parent_consent(
        world, senco, child, decision="refused", recipients=[], given_on=today() - dt.timedelta(5)
    )

    page = client_for(senco).get(url("subject_detail", child)).content.decode()

    cards = [
        " ".join(re.sub(r"<[^>]+>", " ", card).split())
        for card in page.split('<div class="govuk-summary-card">')[1:]
    ]
    assert len(cards) == 2
    refused, withdrawn = cards
    assert "Refused" in refused and "Nobody named" in refused
    assert withdrawn.startswith(f"Consent given on {long_date(older.given_on)}")
    # Each list in the order it was recorded: purposes, then organisations, then named people.
    assert re.search(r"For Statutory assessment and EHC plan Transition planning ", withdrawn)
    assert re.search(
        rf"Sharing with {world.council.name} {world.nhs.name} Dr A\. Shah ", withdrawn
    ), withdrawn
    assert re.search(
        rf"Timeline .*{long_date(older.given_on)}: Consent given .*: Withdrawn", withdrawn
    ), withdrawn
    assert "Review due" not in withdrawn


def test_the_ig_officer_follows_the_record_to_who_has_viewed_it(world, senco, child, client_for):
    client_for(senco).get(url("subject_detail", child))
    officer = client_for(world.member(Role.IG_OFFICER))

    page = officer.get(url("subject_detail", child)).content.decode()
    link = f"{reverse('security_access_log')}?subject_id={child.public_id}"
    log = visible_text(officer.get(link))

    assert f'href="{link}"' in page
    assert senco.user.full_name in log
    # The SENCo may not search the access log, so is not offered the link.
    assert link not in client_for(senco).get(url("subject_detail", child)).content.decode()


def test_the_record_flags_young_person_renewal(world, senco, client_for):
    # Seventeen: past the end of compulsory school age; the parent consented at fifteen.
    subject = open_record(senco, date_of_birth=born(17, 200), nhs_number="", upn="")
    with_parent = parent_consent(
        world,
        senco,
        subject,
        given_on=born(2, 200),
        review_due=today() + dt.timedelta(days=100),
    )

    response = client_for(senco).get(url("subject_detail", subject))

    assert "Young person to renew" in visible_text(response)
    assert "now decides" in visible_text(client_for(senco).get(url("consent_detail", with_parent)))


def test_an_uninvolved_organisation_gets_a_404_for_the_record(world, child, client_for):
    client = client_for(world.elsewhere_practitioner)

    assert client.get(url("subject_detail", child)).status_code == 404
    assert not AccessEvent.objects.filter(subject_id=child.public_id).exists()


def test_a_designated_manager_sees_a_child_their_organisation_is_involved_with(
    world, senco, child, client_for
):
    manager = client_for(world.member(Role.MANAGER))
    assert manager.get(url("subject_detail", child)).status_code == 404

    services.team_member_add(
        actor=senco, subject=child, organisation=world.council, role="Social worker"
    )

    assert manager.get(url("subject_detail", child)).status_code == 200
    assert manager.get(url("consent_record", child)).status_code == 403


def test_the_record_costs_the_same_queries_for_three_consents_or_thirty(
    world, senco, child, client_for, django_assert_max_num_queries
):
    client = client_for(senco)

    def add(count: int) -> None:
        for _ in range(count):
            consent = parent_consent(world, senco, child, recipients=[world.nhs])
            services.consent_review(actor=senco, consent=consent)
        services.team_member_add(actor=senco, subject=child, organisation=world.nhs, role="Nurse")

    add(3)
    with django_assert_max_num_queries(60) as three:
        client.get(url("subject_detail", child))
    add(27)
    with django_assert_max_num_queries(len(three)):
        response = client.get(url("subject_detail", child))
    assert response.content.decode().count("Reviewed and confirmed as current") == 30


def test_the_record_asks_once_whether_the_member_may_see_the_child(world, senco, child, client_for):
    # Need-to-know is decided when the page loads the child; the consents and access requests
    # the page then reads are of that child, for that member, in the same request.
    parent_consent(world, senco, child, recipients=[world.nhs])
    client = client_for(senco)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("subject_detail", child))

    assert response.status_code == 200
    grants = [q for q in queries if "datasubjectgroupobjectpermission" in q["sql"]]
    assert len(grants) == 1


# --- The team around the child -------------------------------------------------------------


def test_adding_and_removing_an_organisation_grants_and_revokes_the_record(
    world, senco, child, client_for
):
    client = client_for(senco)
    nurse = client_for(world.nhs_practitioner)

    added = client.post(
        url("team_add", child),
        {"organisation": str(world.nhs.public_id), "role": "School nurse", "person_name": ""},
    )
    member = child.team.get(organisation=world.nhs)
    can_see = nurse.get(url("subject_detail", child)).status_code
    ended = client.post(url("team_end", member), {"reason": "Discharged from the service"})

    assert added.status_code == 302 and ended.status_code == 302
    assert can_see == 200
    assert nurse.get(url("subject_detail", child)).status_code == 404
    member.refresh_from_db()
    assert member.ended_on == today() and member.end_reason == "Discharged from the service"


def test_a_team_member_becomes_the_lead_professional(world, senco, child, client_for):
    member = services.team_member_add(
        actor=senco, subject=child, organisation=world.nhs, role="Nurse", person_name="Ade"
    )

    response = client_for(senco).post(url("team_lead", member))

    member.refresh_from_db()
    assert response.status_code == 302 and member.is_lead


# --- Recording consent ---------------------------------------------------------------------


def consent_post(world, **fields) -> dict:
    values = {
        "decision": "given",
        "giver_kind": "parent",
        "giver_name": "Jo Sampleton",
        "giver_relationship": "mother",
        "scopes": [str(world.statutory.public_id)],
        "recipients": [str(world.council.public_id), str(world.nhs.public_id)],
        "third_parties": "Dr A Patel – private speech and language therapist",
        "explicit_special_category": "on",
        "special_categories": ["health"],
        "capture_method": "signed_form",
        "signed_form": SimpleUploadedFile("Ava Sampleton consent.pdf", PDF, "application/pdf"),
        **date_parts("given_on", today()),
    }
    values.update(fields)
    return {key: value for key, value in values.items() if value is not None}


def test_a_senco_records_a_parents_consent_with_the_signed_form(
    world, senco, child, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    response = client_for(senco).post(url("consent_record", child), consent_post(world))

    consent = ConsentRecord.objects.get(subject=child)
    assert response.status_code == 302
    assert response["Location"] == url("consent_detail", consent)
    assert consent.giver_name == "Jo Sampleton" and consent.giver_relationship == "mother"
    assert [p.scope for p in consent.purposes.all()] == [world.statutory]
    assert {link.organisation for link in consent.recipient_links.all()} == {
        world.council,
        world.nhs,
    }
    party = consent.third_parties.get()
    assert (party.name, party.description) == (
        "Dr A Patel",
        "private speech and language therapist",
    )
    assert consent.special_categories == ["health"] and consent.explicit_special_category
    assert consent.review_due == services.default_review_due(today())
    # The stored name of the scan never carries the child's name.
    assert "Sampleton" not in consent.signed_form.name
    assert [e.kind for e in consent.events.all()] == [EventKind.GIVEN, EventKind.FORM_ATTACHED]


def test_a_young_person_under_16_needs_a_competence_assessment(world, senco, child, client_for):
    response = client_for(senco).post(
        url("consent_record", child),
        consent_post(
            world,
            giver_kind="young_person",
            giver_name="",
            giver_relationship="",
            scopes=[str(world.early_help.public_id)],
            capture_method="verbal",
            signed_form=None,
        ),
    )

    assert response.status_code == 400
    assert "competent to decide (Gillick)" in visible_text(response)
    assert not ConsentRecord.objects.exists()


def test_a_refusal_is_recorded(world, senco, child, client_for):
    response = client_for(senco).post(
        url("consent_record", child),
        consent_post(
            world,
            decision="refused",
            capture_method="verbal",
            signed_form=None,
            scopes=[str(world.early_help.public_id)],
        ),
    )

    consent = ConsentRecord.objects.get(subject=child)
    assert response.status_code == 302
    assert consent.status == ConsentStatus.REFUSED and consent.review_due is None


def test_a_practitioner_may_not_record_consent(world, child, client_for):
    client = client_for(world.member(Role.PRACTITIONER))

    assert client.get(url("consent_record", child)).status_code == 403


# --- After it was recorded -----------------------------------------------------------------


def test_withdrawal_is_a_new_event_and_leaves_the_record_intact(world, senco, child, client_for):
    consent = parent_consent(world, senco, child)
    before = {
        "given_on": consent.given_on,
        "giver_name": consent.giver_name,
        "purposes": list(consent.purposes.values_list("description", flat=True)),
    }

    response = client_for(senco).post(
        url("consent_withdraw", consent),
        {"reason": "The parent phoned to withdraw it.", **date_parts("withdrawn_on", today())},
    )

    consent = ConsentRecord.objects.get(pk=consent.pk)
    assert response.status_code == 302
    assert consent.status == ConsentStatus.WITHDRAWN
    assert {
        "given_on": consent.given_on,
        "giver_name": consent.giver_name,
        "purposes": list(consent.purposes.values_list("description", flat=True)),
    } == before
    assert [e.kind for e in consent.events.all()] == [EventKind.GIVEN, EventKind.WITHDRAWN]
    assert "The parent phoned to withdraw it." in visible_text(
        client_for(senco).get(url("consent_detail", consent))
    )


def test_withdrawal_needs_a_reason(world, senco, child, client_for):
    consent = parent_consent(world, senco, child)

    response = client_for(senco).post(url("consent_withdraw", consent), {"reason": ""})

    assert response.status_code == 400
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.GIVEN


def test_a_review_adds_an_event_and_moves_the_review_date(world, senco, child, client_for):
    consent = parent_consent(world, senco, child)

    response = client_for(senco).post(
        url("consent_review", consent), {"notes": "Confirmed with the mother by phone."}
    )

    consent.refresh_from_db()
    assert response.status_code == 302
    assert consent.review_due == services.default_review_due(today())
    assert consent.events.last().kind == EventKind.REVIEWED


def test_renewing_records_a_new_consent_that_replaces_the_old(world, senco, child, client_for):
    old = parent_consent(world, senco, child, capture_method="signed_form")
    client = client_for(senco)

    page = client.get(url("consent_renew", old))
    response = client.post(
        url("consent_renew", old), consent_post(world, giver_name="Sam Sampleton")
    )

    new = ConsentRecord.objects.exclude(pk=old.pk).get()
    old.refresh_from_db()
    assert page.status_code == 200
    assert response.status_code == 302
    assert new.replaces == old and old.status == ConsentStatus.EXPIRED
    assert old.events.last().kind == EventKind.REPLACED


def test_the_signed_form_is_served_only_through_its_view_and_audited(
    world, senco, child, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    consent = parent_consent(world, senco, child)
    client_for(senco).post(
        url("consent_attach_form", consent),
        {"signed_form": SimpleUploadedFile("scan.pdf", PDF, "application/pdf")},
    )

    response = client_for(senco).get(url("consent_signed_form", consent))
    elsewhere = client_for(world.elsewhere_practitioner).get(url("consent_signed_form", consent))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "Sampleton" not in response["Content-Disposition"]
    assert audited(senco, "consent.signed_form", consent.public_id)
    assert elsewhere.status_code == 404


def test_viewing_a_consent_is_audited(world, senco, child, client_for):
    consent = parent_consent(world, senco, child)

    client_for(senco).get(url("consent_detail", consent))

    assert audited(senco, "consent", consent.public_id)


# --- Consents due for review ---------------------------------------------------------------


def test_the_due_list_shows_consents_due_soonest_first(world, senco, client_for):
    due_soon = open_record(senco, forenames="Noah", surname="Testwood", nhs_number="")
    not_due = open_record(senco, forenames="Isla", surname="Fablewick", nhs_number="")
    overdue = open_record(senco, forenames="Freya", surname="Pretendale", nhs_number="")
    given = today() - dt.timedelta(days=60)
    parent_consent(world, senco, due_soon, given_on=given, review_due=today() + dt.timedelta(10))
    parent_consent(world, senco, not_due, given_on=given)
    parent_consent(world, senco, overdue, given_on=given, review_due=today() - dt.timedelta(2))

    response = client_for(senco).get(url("consents_due"))

    text = visible_text(response)
    assert response.status_code == 200
    assert text.index("Freya Pretendale") < text.index("Noah Testwood")
    assert "Isla Fablewick" not in text
    assert "Overdue" in text


def test_the_due_list_costs_the_same_queries_for_three_or_thirty(
    world, senco, client_for, django_assert_max_num_queries
):
    client = client_for(senco)
    soon = today() + dt.timedelta(days=5)
    count = 0

    def add(number: int) -> None:
        nonlocal count
        for _ in range(number):
            count += 1
            subject = open_record(
                senco, forenames=f"Child{count}", nhs_number="", confirmed_different=True
            )
            parent_consent(
                world, senco, subject, given_on=today() - dt.timedelta(30), review_due=soon
            )

    add(3)
    with django_assert_max_num_queries(40) as three:
        client.get(url("consents_due"))
    add(30)
    with django_assert_max_num_queries(len(three)):
        response = client.get(url("consents_due"))
    assert response.content.decode().count("/consents/") >= 33


# --- Subject access requests ---------------------------------------------------------------


def test_a_parents_request_for_a_child_over_12_records_whether_the_child_was_asked(
    world, senco, client_for
):
    subject = open_record(senco, date_of_birth=born(13), nhs_number="")
    client = client_for(senco)
    request = {
        "requester": "parent",
        "requester_name": "Jo Sampleton",
        **date_parts("received_on", today()),
    }

    unanswered = client.post(url("access_request_record", subject), request)
    recorded = client.post(
        url("access_request_record", subject),
        {**request, "child_confirmation_sought": "yes", "child_confirmation": "confirmed"},
    )

    assert unanswered.status_code == 400
    assert "say whether their confirmation was sought" in visible_text(unanswered)
    assert recorded.status_code == 302
    saved = subject.access_requests.get()
    assert saved.child_confirmation_sought is True and saved.child_confirmation == "confirmed"
    assert "The child confirmed the request" in visible_text(
        client.get(url("subject_detail", subject))
    )
