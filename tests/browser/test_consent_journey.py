"""A SENCo's journey through the consent pages, in a real browser.

The SENCo finds a pupil (the search is POSTed and the results swapped in by htmx), records a
parent's consent for statutory assessment on a signed form, prints the consent form from the
child's record (the download is a PDF with the child and the purpose in it, named by the
record's id), and later records that the parent withdrew consent: the consent's timeline keeps
both events. A practitioner from an organisation that is not involved with the child cannot find
them, and their record is a 404. axe checks every page on the way (see journey.py).
"""

from __future__ import annotations

import io
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from agreements.models import LegalBasis
from agreements.reference import legal_bases_sync
from consent import services
from consent.models import ConsentRecord
from partners.roles import Role
from partners.tenancy import activate
from tests.agreements.conftest import make_active
from tests.browser.test_agreements_journey import fill_date, sign_in, sign_out
from tests.consent.conftest import signed_by
from tests.factories import ConsentScopeFactory, MembershipFactory, OrganisationFactory
from tests.security.twostep import authenticator

STATUTORY = "Statutory assessment and EHC plan"


@pytest.fixture
def pupil(partnership):
    """An agreement in force with the statutory-assessment scope, a pupil of the school whose
    record its SENCo opened, and a practitioner of an academy not involved with the pupil."""
    legal_bases_sync(LegalBasis)
    tenant = partnership.tenant
    senco = partnership.member(Role.SENCO)
    with activate(tenant):
        agreement = make_active(
            partnership, partnership.member(Role.IG_OFFICER), title="Kent SEND protocol"
        )
        ConsentScopeFactory(agreement=agreement, name=STATUTORY)
        signed_by(agreement, partnership.school)
        child = services.subject_create(
            actor=senco,
            forenames="Ava",
            surname="Sampleton",
            date_of_birth=timezone.localdate() - relativedelta(years=8, days=40),
            gender="female",
            nhs_number="9990000018",
            current_setting=partnership.school,
            sen_status="sen_support",
        )
        elsewhere = OrganisationFactory(tenant=tenant, name="Faraway Academy", type="academy")
        outsider = MembershipFactory(
            tenant=tenant,
            organisation=elsewhere,
            role=Role.PRACTITIONER,
            user__email="practitioner@faraway.example.org",
            user__full_name="Fran Faraway",
        )
    for membership in (senco, outsider):
        authenticator(membership.user)
    return {"senco": senco, "child": child, "outsider": outsider, "agreement": agreement}


def search(journey, text: str) -> None:
    page = journey.page
    page.get_by_label("Name, date of birth, NHS number or UPN").fill(text)
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#find-results h2")).to_be_visible()
    journey.check()


def test_a_senco_records_prints_and_withdraws_consent(journey, partnership, pupil):
    page = journey.page
    child = pupil["child"]
    today = timezone.localdate()

    # --- The SENCo finds the child ----------------------------------------------------------
    sign_in(journey, pupil["senco"])
    journey.click(page.get_by_role("link", name="Children").first)
    search(journey, "Ava Sampleton")
    # The search text is never in the address bar.
    assert "Sampleton" not in page.url
    journey.click(page.get_by_role("link", name="Ava Sampleton"))
    assert journey.path == f"/children/{child.public_id}/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Ava Sampleton")

    # --- Records consent from a parent for statutory assessment ----------------------------
    journey.click(page.get_by_role("button", name="Record consent"))
    page.get_by_role("radio", name="Consent given").check()
    page.get_by_role("radio", name="A person with parental responsibility").check()
    page.get_by_label("Name of the person who decided").fill("Jo Sampleton")
    page.get_by_label("How they hold parental responsibility").select_option(label="Mother")
    page.get_by_role("checkbox", name=STATUTORY).check()
    page.get_by_role("checkbox", name=partnership.council.name).check()
    page.get_by_label("They gave explicit consent to share special category data").check()
    page.get_by_role("checkbox", name="Health, including mental health and disability").check()
    page.get_by_role("radio", name="Signed consent form").check()
    fill_date(page, "Given (or refused) on", today)
    journey.click(page.get_by_role("button", name="Record the decision"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Consent given has been recorded."
    )
    consent_path = journey.path

    # --- Prints the consent form ------------------------------------------------------------
    journey.click(page.get_by_role("link", name="Ava Sampleton"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Consent form for Kent SEND protocol")).click()
    download = download_info.value
    assert download.suggested_filename == f"consent-form-{child.public_id}.pdf"
    with open(download.path(), "rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Ava Sampleton" in text and STATUTORY in text

    # --- Later, records that the parent withdrew it -----------------------------------------
    journey.goto(consent_path)
    journey.click(page.get_by_role("button", name="Record a withdrawal"))
    fill_date(page, "Withdrawn on", today)
    page.get_by_label("How and why it was withdrawn").fill(
        "The mother phoned to withdraw consent; confirmed by letter."
    )
    journey.click(page.get_by_role("button", name="Record the withdrawal"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The withdrawal has been recorded."
    )
    timeline = page.locator("#timeline + table")
    expect(timeline).to_contain_text("Consent given")
    expect(timeline).to_contain_text("Withdrawn: The mother phoned to withdraw consent")
    sign_out(journey)

    with activate(partnership.tenant):
        consent = ConsentRecord.objects.get(subject=child)
        assert consent.status == "withdrawn"
        assert [e.kind for e in consent.events.all()] == ["given", "withdrawn"]
        assert consent.given_on == today

    # --- A practitioner of an uninvolved organisation cannot find the child -----------------
    sign_in(journey, pupil["outsider"])
    journey.click(page.get_by_role("link", name="Children").first)
    search(journey, "Sampleton")
    expect(page.locator("#find-results")).to_contain_text("No child found")
    expect(page.locator("#find-results")).not_to_contain_text("Ava")
    # Nor open their record by its address: a 404, as for a child who does not exist (asked
    # with the signed-in browser's cookies; a 404 page load would be reported as a console error).
    response = page.request.get(f"{journey.base_url}/children/{child.public_id}/")
    assert response.status == 404
    assert "Sampleton" not in response.text()
