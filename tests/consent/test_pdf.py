"""The consent PDFs, read back with pypdf: the consent form pre-filled for the child and every
consent scope of the agreement, ready to print and sign; the receipt of what was agreed. Both
download from the pages and the API under names that never carry the child's name, and each
download is in the access audit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consent import pdf
from partners.roles import Role
from partners.security.models import AccessEvent
from tests.agreements.conftest import make_active
from tests.agreements.test_pdf import pdf_text
from tests.consent.conftest import parent_consent, signed_by
from tests.factories import ConsentScopeFactory

pytestmark = pytest.mark.django_db


def test_the_consent_form_has_the_child_and_every_scope(world, child):
    funding = ConsentScopeFactory(
        agreement=world.agreement,
        name="High Needs Funding and SCARF",
        when_required="Applications for High Needs Funding and the SCARF process.",
    )

    text = pdf_text(pdf.consent_form_pdf(child, world.agreement))

    assert "Ava Rose Sampleton" in text
    assert "999 000 0018" in text
    assert world.agreement.title in text
    for scope in (world.statutory, world.early_help, funding):
        assert scope.name in text
    assert "Signature" in text and "withdraw your consent" in text


def test_the_receipt_says_what_was_agreed_and_what_happened_since(world, senco, child):
    consent = parent_consent(world, senco, child)

    text = pdf_text(pdf.consent_receipt_pdf(consent))

    assert "Ava Rose Sampleton" in text and "Jo Sampleton" in text
    assert world.statutory.name in text
    assert world.council.name in text and world.nhs.name in text
    assert "Consent given" in text


def test_the_form_downloads_from_the_childs_page_named_by_id(world, senco, child, client_for):
    response = client_for(senco).get(
        reverse(
            "consent:consent_form_pdf",
            kwargs={"id": child.public_id, "agreement_id": world.agreement.public_id},
        )
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="consent-form-{child.public_id}.pdf"'
    )
    assert "Ava Rose Sampleton" in pdf_text(response.content)
    assert AccessEvent.objects.filter(object_type="consent.form_pdf", subject_id=child.public_id)


def test_the_childs_record_offers_forms_for_the_agreements_its_organisation_signed(
    world, senco, child, client_for
):
    # The organisation asking for consent may only share under an agreement it has signed; a
    # partnership has hundreds of agreements in force, one organisation signs a few.
    other = make_active(world.partnership, world.member(Role.IG_OFFICER), title="Youth offending")
    ConsentScopeFactory(agreement=other, name="Referral to youth offending")
    signed_by(world.agreement, world.school)
    signed_by(other, world.nhs)

    page = client_for(senco).get(reverse("consent:subject_detail", kwargs={"id": child.public_id}))
    html = page.content.decode()

    assert "Consent form for SEND information sharing (PDF)" in html
    assert (
        reverse(
            "consent:consent_form_pdf",
            kwargs={"id": child.public_id, "agreement_id": world.agreement.public_id},
        )
        in html
    )
    assert "Youth offending" not in html


def test_the_receipt_downloads_from_the_page_and_the_api(world, senco, child, client_for):
    consent = parent_consent(world, senco, child)
    client = client_for(senco)

    page = client.get(reverse("consent:consent_receipt_pdf", kwargs={"id": consent.public_id}))
    api = client.get(f"/api/consents/{consent.public_id}/receipt/")

    for response in (page, api):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "Sampleton" not in response["Content-Disposition"]
        assert world.statutory.name in pdf_text(response.content)
    assert AccessEvent.objects.filter(object_type="consent.receipt_pdf").count() == 2


def test_the_form_from_the_api(world, senco, child, client_for):
    response = client_for(senco).get(
        f"/api/subjects/{child.public_id}/consent-form/{world.agreement.public_id}/"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Sampleton" not in response["Content-Disposition"]
    assert world.early_help.name in pdf_text(response.content)


def test_an_uninvolved_organisation_gets_no_pdf(world, senco, child, client_for):
    consent = parent_consent(world, senco, child)
    client = client_for(world.elsewhere_practitioner)

    form = client.get(
        reverse(
            "consent:consent_form_pdf",
            kwargs={"id": child.public_id, "agreement_id": world.agreement.public_id},
        )
    )
    receipt = client.get(f"/api/consents/{consent.public_id}/receipt/")

    assert form.status_code == 404 and receipt.status_code == 404
