"""A manager's journey through the breach pages, in a real browser, and the IG officer's view of
what is overdue.

The school's designated manager finds that the school emailed an assessment report to the wrong
address and reports the breach of the partnership's SEND procedure, which the school owns (so it
also convenes the partners' meeting). The manager sees the deadlines, tells each partner, records
the school's report distributed, then records the meeting step by step (Haringey 6.3–6.6): who
attended, the presentation, the school's withdrawal, an agreed action, the sanctions, the recall
and the minutes, whose circulation meets the last milestone. Meanwhile a breach reported three
weeks ago by the council has not been told to the partners: the IG officer sees it overdue on
the register and on the 'due and overdue' page. axe checks every page on the way.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from playwright.sync_api import expect

from agreements.models import LegalBasis
from agreements.reference import legal_bases_sync
from breaches import services
from partners.roles import Role
from partners.tenancy import activate
from tests.agreements.conftest import make_active
from tests.breaches.conftest import sign
from tests.browser.test_agreements_journey import fill_date, sign_in, sign_out
from tests.factories import MembershipFactory, OrganisationFactory
from tests.security.twostep import authenticator

LONDON = zoneinfo.ZoneInfo("Europe/London")
# Tuesday 9 March 2027, mid-afternoon: no bank holiday near, the meeting held earlier today.
TODAY = dt.datetime(2027, 3, 9, 16, 0, tzinfo=LONDON)
SOP = "Kent SEND information sharing standard operating procedure"
TITLE = "Assessment report emailed to the wrong address"
OLD = "Referral left on a shared printer"


@pytest.fixture
def kent(partnership):
    officer = partnership.member(Role.IG_OFFICER)
    tenant = partnership.tenant
    legal_bases_sync(LegalBasis)
    with time_machine.travel(TODAY - dt.timedelta(days=60), tick=False), activate(tenant):
        sop = make_active(partnership, officer, title=SOP, owner_organisation=partnership.school)
        police = OrganisationFactory(tenant=tenant, name="Kent Police", type="police")
        for organisation in (partnership.council, partnership.school, police):
            sign(officer, sop, organisation)
        head = MembershipFactory(
            tenant=tenant,
            organisation=partnership.school,
            role=Role.MANAGER,
            user__email="head@school.example.org",
            user__full_name="Alex Head",
        )
    with time_machine.travel(TODAY - dt.timedelta(days=22), tick=False), activate(tenant):
        # Identified on Monday 15 February: the partners were to be told by the 22nd.
        services.breach_report(
            actor=partnership.member(Role.MANAGER),
            agreement=sop,
            title=OLD,
            reporting_organisation=partnership.council,
            organisation_in_breach=partnership.school,
            identified_at=dt.datetime(2027, 2, 15, 10, 0, tzinfo=LONDON),
            description="A referral form was left on a shared printer.",
        )
    for membership in (officer, head):
        authenticator(membership.user)
    return {"officer": officer, "head": head, "police": police}


def submit(journey, button: str, banner: str = "") -> None:
    page = journey.page
    journey.click(page.get_by_role("button", name=button, exact=True))
    if banner:
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(banner)


def meeting_step(journey, button: str, fields: dict[str, str], save: str = "Save") -> None:
    page = journey.page
    journey.click(page.get_by_role("button", name=button))
    for label, value in fields.items():
        field = page.get_by_label(label, exact=True)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    submit(journey, save)


def test_a_manager_reports_a_breach_and_records_every_milestone_and_the_meeting(
    journey, partnership, kent
):
    page = journey.page
    council, school = partnership.council.name, partnership.school.name
    with time_machine.travel(TODAY, tick=True):
        # --- The school's manager reports the breach and sees its deadlines -----------------
        sign_in(journey, kent["head"])
        journey.click(
            page.get_by_role("navigation", name="Menu").get_by_role("link", name="Breaches")
        )
        expect(page.get_by_role("table")).to_contain_text(OLD)
        journey.click(page.get_by_role("button", name="Report a breach"))
        page.get_by_label("Agreement that was breached").select_option(label=SOP)
        page.get_by_label("Short description").fill(TITLE)
        page.get_by_label("Organisation in breach").select_option(label=school)
        fill_date(page, "Date identified", dt.date(2027, 3, 8))
        page.get_by_label("Time identified").fill("11:30")
        page.get_by_label("What happened").fill("A report was emailed to the wrong address.")
        page.get_by_role("group", name="Was personal data involved?").get_by_label("No").check()
        submit(journey, "Report the breach", "The breach has been reported.")
        assert re.fullmatch(r"/breaches/[0-9a-f-]{36}/", journey.path)
        breach_path = journey.path
        milestones = page.locator("#milestones + table")
        # Identified on Monday 8 March: 5, 10 and 20 working days on (the last across Good
        # Friday and Easter Monday).
        expect(milestones).to_contain_text("15 March 2027")
        expect(milestones).to_contain_text("22 March 2027")
        expect(milestones).to_contain_text("7 April 2027")
        expect(milestones).to_contain_text("4 working days left")

        # --- Each partner told; the school's report distributed ---------------------------
        for organisation in (council, "Kent Police"):
            journey.click(page.get_by_role("link", name=f"Record that {organisation} was told"))
            page.get_by_label("Who was told").fill(f"IG lead, {organisation}")
            page.get_by_role("radio", name="Secure email").check()
            submit(journey, "Save", f"{organisation} has been recorded as told.")
        expect(page.locator("#partners + p")).to_contain_text("2 of 2 partner organisations told")
        journey.click(page.get_by_role("link", name="Record as done – breach report distributed"))
        page.get_by_label("Evidence", exact=True).fill("Report sent to every partner's IG lead.")
        submit(journey, "Record as done", "Breach report distributed: recorded as done.")

        # --- The partners' meeting, step by step ----------------------------------------
        meeting_step(journey, "Record the meeting as held", {"Chair (optional)": "Priya Raman"})
        for organisation, name in ((school, "Alex Head"), (council, "Priya Raman")):
            meeting_step(
                journey,
                "Add an attendee",
                {"Attending for": organisation, "Name": name},
                save="Add the attendee",
            )
        meeting_step(
            journey,
            "Record the presentation",
            {"Time it presented": "14:05", "What it presented": "How it happened; new checks."},
        )
        meeting_step(journey, "Record its withdrawal", {"Time it withdrew": "14:20"})
        journey.click(page.get_by_role("button", name="Add an agreed action"))
        page.get_by_label("Action", exact=True).fill("Two-person check on outgoing reports.")
        page.get_by_label("Owner organisation").select_option(label=school)
        page.get_by_label("Owner", exact=True).fill("Alex Head")
        fill_date(page, "Due by", dt.date(2027, 4, 9))
        submit(journey, "Add the action", "The action has been added.")
        meeting_step(
            journey,
            "Record the decision",
            {"Sanctions": "A written warning.", "Time of the decision": "14:40"},
            save="Save the decision",
        )
        meeting_step(
            journey,
            "Record the recall",
            {"Time it was recalled": "14:45", "What it was told": "The warning and the check."},
        )
        meeting_step(
            journey,
            "Write or upload the minutes",
            {"Minutes (optional)": "Present: the school and the council. Sanction: a warning."},
            save="Save the minutes",
        )
        meeting_step(
            journey, "Record the minutes circulated", {"Circulated to": "Every partner's IG lead"}
        )
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "The minutes have been recorded as circulated."
        )
        rows = page.locator("#milestones + table tbody tr")
        expect(rows).to_have_count(4)
        for index in range(4):
            expect(rows.nth(index)).to_contain_text("Done")
        expect(page.locator("#meeting ~ dl").first).to_contain_text("Sanctions: A written warning.")
        sign_out(journey)

        # --- The IG officer sees the other breach overdue -------------------------------
        sign_in(journey, kent["officer"])
        journey.click(
            page.get_by_role("navigation", name="Menu").get_by_role("link", name="Breaches")
        )
        page.get_by_label("Only those with something overdue").check()
        journey.click(page.get_by_role("button", name="Apply filters"))
        register = page.get_by_role("table")
        expect(register).to_contain_text(OLD)
        expect(register).not_to_contain_text(TITLE)
        expect(register).to_contain_text("Overdue by 11 working days")

        journey.click(
            page.get_by_role("navigation", name="Menu").get_by_role("link", name="Due and overdue")
        )
        expect(page.get_by_role("heading", name="Breach milestones")).to_be_visible()
        overdue = page.locator("table").first
        expect(overdue).to_contain_text("Escalated: overdue: Partners notified")
        expect(overdue).to_contain_text(SOP)
        journey.click(page.get_by_role("link", name=re.compile("Partners notified")).first)
        expect(page.get_by_role("heading", level=1)).to_have_text(OLD)
        expect(page.locator(".govuk-warning-text")).to_contain_text(
            "Overdue: partners notified (due 22 February 2027)"
        )
        journey.goto(breach_path)
        expect(page.locator(".govuk-warning-text")).to_have_count(0)
