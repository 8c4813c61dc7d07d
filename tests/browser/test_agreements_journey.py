"""An IG officer's journey through the agreement pages, in a real browser.

The officer drafts a standard operating procedure under the partnership's information sharing
agreement (document control, then its content, list by list), sends it to the partners for
consultation, invites three organisations and approves it; the partners sign. The officer then
proposes a change with a deadline for responses: two partners respond (the council's manager
agrees, the school's comments), the third says nothing; the deadline passes, silence counts as
agreement, and the officer approves the change; the newly added partner signs; the PDF
downloads with its signature table. axe checks every page on the way (see journey.py).

Consultations are answered by signatories of an agreement in force (Bucks §1–2), so the
partners sign the first version before the change is put to them.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from agreements.models import Agreement, ChangeConsultation, LegalBasis
from agreements.reference import legal_bases_sync
from partners.roles import Role
from partners.tenancy import activate
from tests.agreements.conftest import make_active
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, OrganisationFactory
from tests.security.browser import pass_two_step
from tests.security.twostep import authenticator

ISA = "Kent and Medway Information Sharing Agreement"
SOP = "Kent SEND information sharing standard operating procedure"


def sign_in(journey, membership) -> None:
    journey.goto("/sign-in/")
    page = journey.page
    page.get_by_label("Email address").fill(membership.user.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    journey.click(page.get_by_role("button", name="Sign in"))
    pass_two_step(journey, membership.user.email)
    assert journey.path == "/"


def sign_out(journey) -> None:
    journey.click(journey.page.get_by_role("button", name="Sign out"))


def open_tab(journey, name: str) -> None:
    journey.page.get_by_role("tab", name=name).click()
    journey.check()


def fill_date(page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def edit_section(journey, section: str, rows: list[dict]) -> None:
    """Open a list of the content from the Content tab, fill one row after another ("Save and
    add another" between them), then save."""
    page = journey.page
    open_tab(journey, "Content")
    journey.click(page.get_by_role("link", name=f"Edit {section.lower()}"))
    for number, row in enumerate(rows, start=1):
        blank = page.get_by_role("group", name="Add another (optional)")
        for label, value in row.items():
            field = blank.get_by_label(label, exact=True)
            if isinstance(value, bool):
                field.set_checked(value)
            elif field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(label=value)
            else:
                field.fill(value)
        last = number == len(rows)
        button = "Save" if last else "Save and add another"
        journey.click(page.get_by_role("button", name=button, exact=True))
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            f"{section} of {SOP} saved."
        )


def sign_for(journey, organisation: str, name: str, title: str) -> None:
    page = journey.page
    open_tab(journey, "Signatories")
    journey.click(page.get_by_role("link", name=f"Sign for {organisation}"))
    page.get_by_label("Name of the person signing").fill(name)
    page.get_by_label("Their title").fill(title)
    page.get_by_label("Signature", exact=True).fill(name)
    journey.click(page.get_by_role("button", name="Sign the agreement"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"{organisation} has signed."
    )


def invite(journey, organisation: str) -> None:
    page = journey.page
    open_tab(journey, "Signatories")
    journey.click(page.get_by_role("button", name="Invite an organisation to sign"))
    page.get_by_label("Which organisation do you want to invite to sign?").select_option(
        label=organisation
    )
    journey.click(page.get_by_role("button", name="Invite", exact=True))


def respond(journey, sop_path: str, reply: str, comment: str = "") -> None:
    page = journey.page
    journey.goto(sop_path)
    open_tab(journey, "Consultations")
    journey.click(page.get_by_role("link", name="Add Kent Police as a partner"))
    journey.click(page.get_by_role("button", name="Respond"))
    page.get_by_role("radio", name=reply).check()
    if comment:
        page.get_by_role("textbox", name="Comment (optional)").fill(comment)
    journey.click(page.get_by_role("button", name="Send the response"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("has been recorded")


@pytest.fixture
def kent(partnership):
    """The partnership's information sharing agreement, in force, and the people who act."""
    officer = partnership.member(Role.IG_OFFICER)
    tenant = partnership.tenant
    # The shared legal bases come from a data migration, which an earlier transactional test's
    # flush may have emptied; the agreements cite them.
    legal_bases_sync(LegalBasis)
    with activate(tenant):
        make_active(partnership, officer, title=ISA, reference="KM-ISA")
        youth = OrganisationFactory(tenant=tenant, name="Medway Youth Service")
        police = OrganisationFactory(tenant=tenant, name="Kent Police", type="police")
        school_manager = MembershipFactory(
            tenant=tenant,
            organisation=partnership.school,
            role=Role.MANAGER,
            user__email="head@school.example.org",
            user__full_name="Alex Head",
        )
    people = {
        "officer": officer,
        "council_manager": partnership.member(Role.MANAGER),
        "school_manager": school_manager,
    }
    for membership in people.values():
        authenticator(membership.user)
    return {**people, "youth": youth, "police": police}


def test_an_ig_officer_drafts_consults_approves_and_the_partners_sign(journey, partnership, kent):
    page = journey.page
    council = partnership.council.name
    school = partnership.school.name
    today = timezone.localdate()

    # --- The officer drafts an SOP under the ISA ------------------------------------------
    sign_in(journey, kent["officer"])
    journey.click(
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Agreements")
    )
    expect(page.get_by_role("table")).to_contain_text(ISA)
    journey.click(page.get_by_role("button", name="Start a new agreement"))
    page.get_by_role("radio", name="Standard operating procedure").check()
    page.get_by_label("Title", exact=True).fill(SOP)
    page.get_by_label("Sits underneath").select_option(
        label=f"{ISA} (information sharing agreement)"
    )
    journey.click(page.get_by_role("button", name="Create the draft"))
    sop_path = journey.path
    assert re.fullmatch(r"/agreements/[0-9a-f-]{36}/", sop_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(SOP)
    expect(page.locator("#summary")).to_contain_text(f"Sits underneath {ISA}")

    journey.click(page.get_by_role("button", name="Edit document control"))
    page.get_by_label("Document owner (optional)", exact=True).fill("Sam Officer")
    for label, text in [
        ("Organisations involved and their roles", "The council and schools, each a controller."),
        ("Transparency", "Privacy notices of each partner."),
        ("Individuals' rights", "Requests go to the partner that holds the record."),
        ("Point of contact", "The council's information governance team."),
        ("Data quality", "Accurate and up to date before sharing."),
        ("Retention and deletion", "Kept for the life of the plan, then destroyed."),
        ("Security", "Secure email only."),
        ("Breaches and incidents", "Reported to the IG officer within a working day."),
        ("Training", "Annual IG training."),
        ("Termination", "Information already shared is kept under these terms."),
    ]:
        page.get_by_label(f"{label} (optional)", exact=True).fill(text)
    journey.click(page.get_by_role("button", name="Save changes"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Your changes to {SOP} have been saved."
    )

    edit_section(
        journey,
        "Purposes",
        [{"Service it serves": "SEN assessment", "Description": "Statutory assessment."}],
    )
    edit_section(
        journey,
        "Data items",
        [
            {"Level": "Minimum data", "Name": "Date of birth"},
            {"Level": "Detailed and sensitive information", "Name": "Medical diagnosis",
             "Special category data": True},
        ],
    )  # fmt: skip
    edit_section(journey, "Whose information", [{"Description": "Children with SEND"}])
    edit_section(
        journey,
        "Legal bases",
        [
            {"Legal basis": "UK GDPR Article 6(1)(e): Public task"},
            {"Legal basis": "UK GDPR Article 9(2)(g): Substantial public interest"},
            {
                "Legal basis": "Children and Families Act 2014 Part 3: Children and young "
                "people in England with special educational needs or disabilities"
            },
        ],
    )
    open_tab(journey, "Completeness")
    expect(page.locator("#completeness")).to_contain_text("Every required heading is covered.")
    expect(page.locator("#related")).to_contain_text(ISA)

    # --- Out to the partners, approved, signed ---------------------------------------------
    journey.click(page.get_by_role("button", name="Send for consultation"))
    page.get_by_label("Reason").fill("Draft for the partners' comments")
    journey.click(page.get_by_role("button", name="Send for consultation"))
    expect(page.locator("#summary")).to_contain_text("In consultation")
    for organisation in (council, school, "Medway Youth Service"):
        invite(journey, organisation)
    journey.click(page.get_by_role("button", name="Approve"))
    page.get_by_label("Reason").fill("Agreed at the SEND board")
    journey.click(page.get_by_role("button", name="Approve"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"{SOP} version 1 has been approved."
    )
    # The youth service sent its signature on paper: the officer records it.
    sign_for(journey, "Medway Youth Service", "Robin Youth", "Head of Youth Services")
    sign_out(journey)

    for who, organisation, name, title in [
        ("council_manager", council, "Pat Director", "Director of Children's Services"),
        ("school_manager", school, "Alex Head", "Headteacher"),
    ]:
        sign_in(journey, kent[who])
        journey.goto(sop_path)
        sign_for(journey, organisation, name, title)
        sign_out(journey)

    # --- A change, put to the signatories with a deadline -----------------------------------
    deadline = today + dt.timedelta(days=14)
    sign_in(journey, kent["officer"])
    journey.goto(sop_path)
    open_tab(journey, "Consultations")
    journey.click(page.get_by_role("button", name="Propose a change"))
    page.get_by_label("Proposed change").fill("Add Kent Police as a partner")
    page.get_by_label("Details of the change").fill(
        "Kent Police join the SEND information sharing."
    )
    fill_date(page, "Responses due by", deadline)
    journey.click(page.get_by_role("button", name="Send to the signatories"))
    expect(page.locator("main")).to_contain_text("3 yet to respond")
    sign_out(journey)

    sign_in(journey, kent["council_manager"])
    respond(journey, sop_path, "Agree")
    sign_out(journey)
    sign_in(journey, kent["school_manager"])
    respond(journey, sop_path, "Comment", "Schools need the police contact list.")
    sign_out(journey)

    # --- The deadline passes: silence is agreement; the officer approves ----------------------
    after = timezone.make_aware(dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(9)))
    with time_machine.travel(after, tick=True):
        sign_in(journey, kent["officer"])
        journey.goto(sop_path)
        open_tab(journey, "Consultations")
        journey.click(page.get_by_role("link", name="Add Kent Police as a partner"))
        tally = page.locator(".govuk-summary-list")
        expect(tally).to_contain_text("2 agree (including 1 taken as agreement")
        expect(tally).to_contain_text("0 object")
        expect(tally).to_contain_text("1 comment")
        journey.click(page.get_by_role("button", name="Approve the change"))
        page.get_by_label("Reason").fill("No objections; the comment is taken on board.")
        journey.click(page.get_by_role("button", name="Approve the change"))
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "The change has been approved."
        )
        expect(page.get_by_role("table")).to_contain_text("Agree (no response by the deadline)")

        # --- The new partner signs, and the PDF downloads ----------------------------------
        journey.goto(sop_path)
        invite(journey, "Kent Police")
        sign_for(journey, "Kent Police", "Chris Chief", "Chief Superintendent")
        expect(page.locator("#signatories")).to_contain_text("4 organisations have signed")

        with activate(partnership.tenant):
            sop = Agreement.objects.get(title=SOP)
            consultation = ChangeConsultation.objects.get(agreement=sop)
            replies = sorted(consultation.responses.values_list("reply", "deemed"))
        assert (sop.status, sop.document_version) == ("active", 1)
        assert consultation.status == "approved"
        assert replies == [
            ("agree", False),
            ("agree", True),
            ("comment", False),
        ]

        with page.expect_download() as download_info:
            page.get_by_role("link", name=re.compile("Download as a PDF")).click()
        download = download_info.value
        # Named by its title and version, as the API names it.
        assert download.suggested_filename == (
            "kent-send-information-sharing-standard-operating-procedure-v1.pdf"
        )
        with open(download.path(), "rb") as handle:
            content = handle.read()
        assert content.startswith(b"%PDF")
        from pypdf import PdfReader

        text = " ".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(content)).pages)
        for signer in ("Pat Director", "Alex Head", "Robin Youth", "Chris Chief"):
            assert signer in text
