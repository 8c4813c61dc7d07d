"""A practitioner's and a designated manager's journey through the sharing log, in a real
browser.

The school's practitioner finds the child and logs a share with the council on the mother's
consent, watching the consent check answer live as the form is filled in. The police then ask
for detailed information without consent on their Section 29(3) form: the live check warns that
there is no consent for them, and the decision is an override referred to the designated
manager, who approves it from their queue. Last, the practitioner records a decision not to
share, with the reasons. On the way the practitioner tells the council that a figure shared was
wrong, the council's manager acknowledges it and the IG officer sees nothing left waiting. axe
checks every page, and the page again after each htmx update.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from partners.roles import Role
from partners.tenancy import activate
from sharing_log.choices import Outcome, OverrideKind
from sharing_log.models import SharingDecision
from tests.browser.test_agreements_journey import sign_in, sign_out
from tests.sharing_log.pages_world import CHILD, POLICE, STATUTORY, build_setting

THEIR_ORGANISATION = re.compile(r"^Their organisation( \(optional\))?$")


@pytest.fixture
def setting(partnership):
    return build_setting(partnership)


def answer(page, question: str, option: str) -> None:
    page.get_by_role("group", name=question).get_by_label(option, exact=True).check()


def fill_common(page, *, asked_by: str, of: str) -> None:
    """What every decision in this journey answers the same way: who asked and how they were
    known, where the record is kept, Golden Rule 6."""
    asked = page.get_by_role("group", name="Who asked for the information")
    asked.get_by_label("Name of the person who asked").fill(asked_by)
    asked.get_by_label(THEIR_ORGANISATION).select_option(label=of)
    asked.get_by_label("Their role").fill("Caseworker")
    answer(
        page,
        "How did you confirm who they are?",
        "Called back on a number from a trusted directory",
    )
    page.get_by_label("Where is the record of what was shared kept?").fill("School MIS")
    for question in (
        "Necessary for the purpose?",
        "Proportionate: no more than is needed?",
        "Relevant to the purpose?",
        "Adequate for the purpose?",
        "Accurate and up to date?",
        "Timely?",
        "Shared securely?",
    ):
        answer(page, question, "Yes")


def settle(page) -> None:
    """Let the form's htmx requests (the consent check) finish before it is submitted."""
    page.wait_for_load_state("networkidle")


def submit(journey, name: str) -> None:
    settle(journey.page)
    journey.click(journey.page.get_by_role("button", name=name))


def submit_refused(journey, button) -> None:
    """Submit a form the service refuses: the page comes back with its errors and a 400, which
    the browser reports on the console; that one report is expected."""
    settle(journey.page)
    with journey.page.expect_navigation():
        button.click()
    journey.problems = [p for p in journey.problems if "status of 400" not in p]
    journey.check()


def recipient(page, organisation: str, person: str) -> None:
    row = page.get_by_role("group", name="Recipient 1")
    row.get_by_label("Partner organisation").select_option(label=organisation)
    row.get_by_label("Name of the person").fill(person)


def open_the_form(journey) -> None:
    page = journey.page
    menu = page.get_by_role("navigation", name="Menu")
    journey.click(menu.get_by_role("link", name="Sharing log"))
    journey.click(page.get_by_role("button", name="Record a decision"))
    page.get_by_label("Name, date of birth, NHS number or UPN").fill("Logtester")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#child-results")).to_contain_text(CHILD)
    journey.check()
    journey.click(page.get_by_role("link", name=re.compile(CHILD)))


def test_a_share_on_consent_a_police_override_approved_and_a_decision_not_to_share(
    journey, partnership, setting
):
    page = journey.page
    practitioner = partnership.member(Role.PRACTITIONER)
    council = partnership.council.name
    check = page.locator("#consent-check")

    # --- A share with the council on the mother's consent ------------------------------------
    sign_in(journey, practitioner)
    open_the_form(journey)
    expect(page.locator("h1")).to_have_text("Record a decision to share or not to share")
    page.get_by_label("What is the purpose of sharing?").fill(STATUTORY)
    page.get_by_label("Which agreement does the sharing rely on?").select_option(
        label=setting.agreement.title
    )
    # htmx brings the agreement's data items into the form.
    expect(page.get_by_role("group", name="Which of the agreement's data items?")).to_be_visible()
    journey.check()
    page.get_by_label("Which consent scope does the purpose fall under?").select_option(
        label=f"{STATUTORY} ({setting.agreement.title})"
    )
    answer(page, "What is the legal basis for sharing?", "Consent")
    answer(page, "What is your decision?", "Share")
    answer(page, "Level of the information", "Minimum data")
    page.get_by_label("What information is shared, or withheld?").fill("Attendance this term.")
    recipient(page, council, "Sam Officer")
    expect(check).to_contain_text(f"{council}: consent covers this sharing")
    journey.check()
    fill_common(page, asked_by="Sam Officer", of=council)
    answer(page, "Method of sharing", "Method 1: form based, non-urgent")
    page.get_by_label("Channel").select_option(label="Secure email")
    page.get_by_label("Your reasons for the decision").fill(
        "The council needs it for the EHC needs assessment."
    )
    submit(journey, "Record the decision")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The decision has been recorded."
    )
    expect(page.locator("main")).to_contain_text("Consent covers this sharing.")

    # --- The police ask without consent: an override, referred to the manager ----------------
    journey.click(page.get_by_role("link", name="The child’s sharing decisions"))
    journey.click(page.get_by_role("button", name="Record a decision"))
    page.get_by_label("What is the purpose of sharing?").fill("Prevention and detection of crime")
    answer(page, "What is the legal basis for sharing?", "Police request (Section 29(3) form)")
    page.get_by_label("Reference of the request or order").fill("S29-2026-0042")
    page.get_by_label("Why confidentiality is being overridden").fill(
        "A serious crime against the child is being investigated."
    )
    page.get_by_label("The evidence and information the decision is based on").fill(
        "The signed Section 29(3) form."
    )
    page.get_by_label("Third parties, and everything they have been given").fill(
        "None: telling the parents would prejudice the inquiry."
    )
    answer(page, "What is your decision?", "Share")
    answer(page, "Level of the information", "Detailed and sensitive information")
    page.get_by_label("What information is shared, or withheld?").fill("The welfare concerns log.")
    recipient(page, POLICE, "DC Jones")
    expect(check).to_contain_text(f"{POLICE}: no consent to rely on")
    journey.check()
    fill_common(page, asked_by="DC Jones", of=POLICE)
    answer(page, "Method of sharing", "Method 5: operationally urgent")
    page.get_by_label("Channel").select_option(label="Secure email")
    page.get_by_label("Your reasons for the decision").fill("The police need it for the inquiry.")
    submit(journey, "Record the decision")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "referred to a designated manager"
    )
    expect(page.locator("main")).to_contain_text("Override waiting for a manager")
    override_path = journey.path

    # --- The attendance figure shared with the council turns out wrong: notice is given --------
    journey.click(page.get_by_role("link", name="The child’s sharing decisions"))
    journey.click(page.get_by_role("link", name=re.compile("view the decision")).last)
    journey.click(page.get_by_role("button", name="Tell recipients it was inaccurate"))
    page.get_by_label("Which information was inaccurate or out of date?").fill(
        "The attendance figure was last year's."
    )
    journey.click(page.get_by_role("button", name="Send the notice"))
    expect(page.locator("main")).to_contain_text("Not yet")
    notice_path = journey.path
    sign_out(journey)

    # --- The designated manager approves it from the queue ----------------------------------
    sign_in(journey, partnership.member(Role.MANAGER))
    journey.click(page.get_by_role("link", name="Overrides waiting for you"))
    journey.click(page.get_by_role("link", name=re.compile("approve or reject")))
    answer(page, "Do you approve overriding confidentiality?", "Approve")
    page.get_by_label("Your reasons").fill("The Section 29(3) form is in order.")
    journey.click(page.get_by_role("button", name="Record your answer"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "You approved overriding confidentiality."
    )
    assert journey.path == override_path
    expect(page.locator("main")).to_contain_text("Override approved")
    # The council received the wrong figure: the manager acknowledges the notice for it.
    journey.goto(notice_path)
    page.get_by_label("What has your organisation done?").fill("Our records are corrected.")
    journey.click(page.get_by_role("button", name="Acknowledge"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "has acknowledged the notice"
    )
    sign_out(journey)

    # The IG officer sees no notice left unacknowledged.
    sign_in(journey, partnership.member(Role.IG_OFFICER))
    journey.click(page.get_by_role("link", name="Inaccuracy notices not acknowledged"))
    expect(page.locator("main")).to_contain_text("Every inaccuracy notice has been acknowledged.")
    sign_out(journey)

    # --- A decision not to share, with the reasons ---------------------------------------------
    sign_in(journey, practitioner)
    open_the_form(journey)
    page.get_by_label("What is the purpose of sharing?").fill("A request from a relative")
    answer(page, "What is your decision?", "Do not share")
    answer(page, "Level of the information", "Detailed and sensitive information")
    page.get_by_label("What information is shared, or withheld?").fill("The child's address.")
    row = page.get_by_role("group", name="Recipient 1")
    row.get_by_label("Name of the person").fill("Pat Relative")
    row.get_by_label("Their role").fill("Aunt, no parental responsibility")
    fill_common(page, asked_by="Pat Relative", of="Not a partner organisation")
    page.get_by_label("Their organisation, if not a partner").fill("The child's family")
    answer(page, "If you decided not to share, will the decision be reconsidered?", "No")
    # Reasons left out first: the error summary, and nothing typed is lost.
    submit_refused(journey, page.get_by_role("button", name="Record the decision"))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter your reasons for the decision"
    )
    expect(page.get_by_label("What information is shared, or withheld?")).to_have_value(
        "The child's address."
    )
    page.get_by_label("Your reasons for the decision").fill(
        "The relative has no parental responsibility and gave no reason."
    )
    submit(journey, "Record the decision")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The decision has been recorded."
    )

    with activate(partnership.tenant):
        decisions = list(SharingDecision.objects.order_by("sequence"))
        assert [d.outcome for d in decisions] == [Outcome.SHARE, Outcome.SHARE, Outcome.NOT_SHARE]
        assert decisions[0].consent_id is not None
        assert decisions[1].override_kind == OverrideKind.PRIOR
        assert decisions[1].approval.outcome == "approved"
        assert decisions[2].reasons.startswith("The relative has no parental responsibility")
