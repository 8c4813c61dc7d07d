"""The pages for an agreement in force. Organisations are invited and sign with name, title,
date and a typed signature that must be the signer's name, or decline or withdraw with a
reason, a manager acting only for their own organisation. A change is consulted on with a
deadline, silence counting as agreement after it, and is approved or dropped. A review is
recorded, reported and completed with its actions, and an audit request needs one month's
written notice and is completed or cancelled.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from agreements import services
from agreements.choices import AgreementStatus, ConsultationStatus, SignatoryStatus
from agreements.models import AuditRequest, ChangeConsultation, ChangeResponse, Signatory
from partners.roles import Role
from partners.tenancy import activate
from tests.agreements.page_helpers import date_parts, url, visible_text
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# --- Signatories ---------------------------------------------------------------------------


def sign_data(name="Alex Head", title="Headteacher", signature="Alex Head", on=None):
    return {
        "signer_name": name,
        "signer_title": title,
        "typed_signature": signature,
        **date_parts("signed_on", on or timezone.localdate()),
    }


def test_an_organisation_signs_with_name_title_date_and_typed_signature(world, clients):
    response = clients[Role.IG_OFFICER].post(
        url("signatory_sign", world.school_invited), sign_data()
    )

    world.school_invited.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == url("agreement_detail", world.active) + "#signatories"
    signed = world.school_invited
    assert (signed.status, signed.signer_name, signed.signer_title, signed.typed_signature) == (
        "signed",
        "Alex Head",
        "Headteacher",
        "Alex Head",
    )
    assert signed.signed_on == timezone.localdate()


def test_a_typed_signature_that_is_not_the_signers_name_is_refused(world, clients):
    response = clients[Role.IG_OFFICER].post(
        url("signatory_sign", world.school_invited), sign_data(signature="A H")
    )

    world.school_invited.refresh_from_db()
    assert response.status_code == 400
    assert "The typed signature must be the signer&#x27;s name as entered." in (
        response.content.decode()
    )
    assert world.school_invited.status == "invited"


def test_a_manager_withdraws_their_own_organisation_with_a_date_and_reason(world, clients):
    response = clients[Role.MANAGER].post(
        url("signatory_withdraw", world.council_signed),
        {"reason": "Service decommissioned", **date_parts("withdrawn_on", timezone.localdate())},
    )

    world.council_signed.refresh_from_db()
    assert response.status_code == 302
    assert (world.council_signed.status, world.council_signed.withdrawal_reason) == (
        "withdrawn",
        "Service decommissioned",
    )


def test_a_manager_cannot_sign_for_another_organisation(world, clients):
    response = clients[Role.MANAGER].post(url("signatory_sign", world.school_invited), sign_data())

    world.school_invited.refresh_from_db()
    assert response.status_code == 403
    assert world.school_invited.status == "invited"


def test_declining_records_the_reason(world, clients):
    response = clients[Role.IG_OFFICER].post(
        url("signatory_decline", world.school_invited), {"reason": "Not relevant to us"}
    )

    world.school_invited.refresh_from_db()
    assert response.status_code == 302
    assert (world.school_invited.status, world.school_invited.decline_reason) == (
        "declined",
        "Not relevant to us",
    )


def test_withdrawing_twice_is_refused_with_the_rule(world, clients):
    client = clients[Role.IG_OFFICER]
    data = {"reason": "Leaving", **date_parts("withdrawn_on", timezone.localdate())}
    client.post(url("signatory_withdraw", world.council_signed), data)

    again = client.post(url("signatory_withdraw", world.council_signed), data)

    assert again.status_code == 400
    assert "Only a signatory that has signed can withdraw." in again.content.decode()


def test_inviting_an_organisation(world, partnership, clients):
    with activate(partnership.tenant):
        police = OrganisationFactory(tenant=partnership.tenant, name="Kent Police", type="police")

    response = clients[Role.IG_OFFICER].post(
        url("signatory_invite", world.active), {"organisation": str(police.public_id)}
    )

    assert response.status_code == 302
    assert (
        Signatory.objects.cross_tenant()
        .filter(agreement=world.active, organisation=police, status=SignatoryStatus.INVITED)
        .exists()
    )


# --- Change consultations ------------------------------------------------------------------


def test_proposing_a_change_with_a_deadline(world, partnership, clients):
    with activate(partnership.tenant):
        signatory = services.signatory_invite(
            actor=partnership.member(Role.IG_OFFICER),
            agreement=world.reviewed,
            organisation=partnership.school,
        )
        services.signatory_sign(
            actor=partnership.member(Role.IG_OFFICER),
            signatory=signatory,
            signer_name="Alex Head",
            signer_title="Headteacher",
            typed_signature="Alex Head",
        )
    deadline = timezone.localdate() + dt.timedelta(days=21)

    response = clients[Role.IG_OFFICER].post(
        url("consultation_open", world.reviewed),
        {
            "summary": "Extend retention",
            "details": "Keep records for seven years.",
            **date_parts("respond_by", deadline),
        },
    )

    with activate(partnership.tenant):
        consultation = ChangeConsultation.objects.get(agreement=world.reviewed)
        consulted = list(consultation.responses.values_list("organisation", flat=True))
    assert response.status_code == 302
    assert response["Location"] == url("consultation_detail", consultation)
    assert consultation.respond_by == deadline
    assert consulted == [partnership.school.pk]


def test_a_manager_responds_for_their_organisation(world, partnership, clients):
    response = clients[Role.MANAGER].post(
        url("consultation_respond", world.consultation),
        {"reply": "object", "comment": "Police need a separate protocol."},
    )

    answer = ChangeResponse.objects.cross_tenant().get(consultation=world.consultation)
    assert response.status_code == 302
    assert (answer.organisation, answer.reply, answer.comment) == (
        partnership.council,
        "object",
        "Police need a separate protocol.",
    )
    # The manager is not offered a choice of organisation to answer for.
    form = clients[Role.MANAGER].get(url("consultation_respond", world.consultation))
    assert 'name="organisation"' not in form.content.decode()


def test_an_objection_needs_a_comment(world, clients):
    response = clients[Role.MANAGER].post(
        url("consultation_respond", world.consultation), {"reply": "object", "comment": ""}
    )

    assert response.status_code == 400
    assert "Say what the objection or comment is." in response.content.decode()


def test_the_tally_counts_silence_as_agreement_after_the_deadline_and_the_change_is_approved(
    world, partnership, clients, client_for
):
    consultation = world.consultation
    client = clients[Role.IG_OFFICER]

    before = client.get(url("consultation_detail", consultation))
    too_soon = client.post(url("consultation_approve", consultation), {"reason": "Agreed"})
    assert "Approve the change</a>" not in before.content.decode()
    assert too_soon.status_code == 400
    assert "Some signatories have not responded" in too_soon.content.decode()

    after_deadline = consultation.respond_by + dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(after_deadline, dt.time(10)), tick=False):
        # Two weeks on, the officer signs in again.
        client = client_for(partnership.member(Role.IG_OFFICER))
        detail = client.get(url("consultation_detail", consultation))
        approved = client.post(url("consultation_approve", consultation), {"reason": "Agreed"})

    consultation.refresh_from_db()
    text = visible_text(detail)
    assert "1 agree (including 1 taken as agreement" in text
    assert "The deadline has passed" in text
    assert approved.status_code == 302
    assert consultation.status == ConsultationStatus.APPROVED
    assert ChangeResponse.objects.cross_tenant().get(consultation=consultation).deemed


def test_responses_close_at_the_deadline(world, partnership, client_for):
    after_deadline = world.consultation.respond_by + dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(after_deadline, dt.time(10)), tick=False):
        response = client_for(partnership.member(Role.MANAGER)).post(
            url("consultation_respond", world.consultation), {"reply": "agree"}
        )

    assert response.status_code == 400
    assert "no response counts as agreement" in response.content.decode()


def test_dropping_a_change_at_any_time(world, clients):
    response = clients[Role.IG_OFFICER].post(
        url("consultation_drop", world.consultation), {"reason": "Police joining next year"}
    )

    world.consultation.refresh_from_db()
    assert response.status_code == 302
    assert world.consultation.status == ConsultationStatus.DROPPED
    decided = clients[Role.IG_OFFICER].get(
        url("consultation_drop", world.consultation), follow=True
    )
    assert "This change has already been decided." in visible_text(decided)


# --- Reviews and audit requests ------------------------------------------------------------


def test_a_review_is_recorded_reported_and_completed(world, partnership, clients):
    client = clients[Role.IG_OFFICER]
    review = world.review
    today = timezone.localdate()

    findings = client.post(
        url("review_findings", review),
        {
            "findings": "Contacts out of date.",
            "reviewers": "IG leads",
            **date_parts("reviewed_on", today),
            **date_parts("next_meeting_on", None),
        },
    )
    action = client.post(
        url("review_action_add", review),
        {
            "description": "Refresh the contacts",
            "owner_organisation": str(partnership.school.public_id),
            "owner_name": "Alex Head",
            **date_parts("due_on", today + dt.timedelta(days=14)),
        },
    )
    reported = client.post(url("review_report", review), date_parts("reported_on", today))
    completed = client.post(
        url("review_complete", review),
        {
            "implementation_plan": "Contacts refreshed by the school.",
            "changes_required": "no",
            **date_parts("completed_on", None),
        },
    )

    review.refresh_from_db()
    world.reviewed.refresh_from_db()
    with activate(partnership.tenant):
        actions = review.actions.count()
    assert [r.status_code for r in (findings, action, reported, completed)] == [302] * 4
    assert review.report_due_on == today + relativedelta(months=1)
    assert review.completed_on == today
    assert world.reviewed.status == AgreementStatus.ACTIVE
    assert world.reviewed.next_review_date == today + relativedelta(months=12)
    assert actions == 2


def test_completing_a_review_before_its_report_is_refused(world, clients):
    response = clients[Role.IG_OFFICER].post(
        url("review_complete", world.review),
        {"implementation_plan": "None needed", "changes_required": "no"},
    )

    world.review.refresh_from_db()
    assert response.status_code == 400
    assert "Record when the findings were reported in writing." in response.content.decode()
    assert world.review.completed_on is None


def test_a_review_action_is_marked_done(world, clients):
    response = clients[Role.IG_OFFICER].post(
        url("review_action_complete", world.action), date_parts("completed_on", None)
    )

    world.action.refresh_from_db()
    assert response.status_code == 302
    assert world.action.completed_on == timezone.localdate()


def test_an_audit_needs_one_months_written_notice(world, partnership, clients):
    today = timezone.localdate()
    data = {
        "auditor": "External audit",
        "scope": "Consent records",
        **date_parts("notice_given_on", today),
        **date_parts("starts_on", today + dt.timedelta(days=14)),
    }

    refused = clients[Role.MANAGER].post(url("audit_request_create", world.active), data)
    data.update(date_parts("starts_on", today + relativedelta(months=1)))
    accepted = clients[Role.MANAGER].post(url("audit_request_create", world.active), data)

    assert refused.status_code == 400
    assert "Partners must be given one month&#x27;s written notice" in refused.content.decode()
    assert accepted.status_code == 302
    created = AuditRequest.objects.cross_tenant().get(auditor="External audit")
    # A manager requests for their own organisation.
    assert created.requesting_organisation == partnership.council


def test_an_audit_request_is_completed_or_cancelled(world, clients):
    client = clients[Role.MANAGER]

    cancelled = client.post(url("audit_request_cancel", world.audit), {"reason": "Postponed"})
    again = client.post(url("audit_request_cancel", world.audit), {"reason": "Postponed"})

    world.audit.refresh_from_db()
    assert cancelled.status_code == 302
    assert world.audit.status == "cancelled"
    assert again.status_code == 400
    assert "This audit request has already been closed." in again.content.decode()
