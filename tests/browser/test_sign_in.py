"""Signing in: each demo role lands on its dashboard and sees exactly the navigation its role
allows, in its partnership; a person in two partnerships chooses one; a wrong password is
refused with an accessible error. Every page visited is checked with axe (see journey.py)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from partners.context_processors import NAVIGATION
from partners.demo import DEMO_PASSWORD
from partners.models import Membership, Tenant
from partners.roles import Role, can
from partners.tenancy import activate
from tests.security.browser import pass_two_step

DEMO_EMAILS = {
    Role.IG_OFFICER: "ig.officer@demo.sharewell.test",
    Role.MANAGER: "manager@demo.sharewell.test",
    Role.SENCO: "senco@demo.sharewell.test",
    Role.PRACTITIONER: "practitioner@demo.sharewell.test",
    Role.AUDITOR: "auditor@demo.sharewell.test",
}
KENT = "Kent & Medway (demo)"
HARINGEY = "Haringey (demo)"


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=StringIO())


def expected_navigation(*, email: str, tenant_name: str) -> list[str]:
    """The labels the navigation should show this person, from the same table the site uses."""
    tenant = Tenant.objects.get(name=tenant_name)
    with activate(tenant):
        membership = Membership.objects.get(user__email=email)
    return [label for label, _url_name, capability in NAVIGATION if can(membership, capability)]


def sign_in(journey, *, email: str, password: str) -> None:
    journey.goto("/sign-in/")
    page = journey.page
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    journey.click(page.get_by_role("button", name="Sign in"))
    # IG officers, managers and auditors set up (or give the code of) an authenticator app.
    pass_two_step(journey, email)


def sign_out(journey) -> None:
    journey.click(journey.page.get_by_role("button", name="Sign out"))
    assert journey.path == "/sign-in/"
    expect(journey.page.get_by_role("button", name="Sign out")).to_have_count(0)


def navigation_labels(page) -> list[str]:
    links = page.get_by_role("navigation", name="Menu").get_by_role("link")
    return [text.strip() for text in links.all_inner_texts()]


@pytest.mark.parametrize("role", list(DEMO_EMAILS), ids=[role.value for role in DEMO_EMAILS])
def test_each_role_signs_in_to_its_dashboard_and_sees_its_navigation(journey, demo, role):
    email = DEMO_EMAILS[role]
    expected = expected_navigation(email=email, tenant_name=KENT)

    sign_in(journey, email=email, password=DEMO_PASSWORD)

    page = journey.page
    assert journey.path == "/"
    assert navigation_labels(page) == expected
    expect(page.get_by_role("banner")).to_contain_text(KENT)
    # The current page is marked for assistive technology as well as visually.
    expect(
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Home")
    ).to_have_attribute("aria-current", "page")
    sign_out(journey)


def test_a_person_in_two_partnerships_chooses_one(journey, demo):
    email = "multi@demo.sharewell.test"

    sign_in(journey, email=email, password=DEMO_PASSWORD)

    page = journey.page
    assert journey.path == "/partnership/"
    expect(page.get_by_label(re.compile(re.escape(KENT)))).to_be_visible()
    page.get_by_label(re.compile(re.escape(HARINGEY))).check()
    journey.click(page.get_by_role("button", name=re.compile("continue", re.IGNORECASE)))

    assert journey.path == "/"
    expect(page.get_by_role("banner")).to_contain_text(HARINGEY)
    expect(page.get_by_role("banner")).not_to_contain_text(KENT)
    assert navigation_labels(page) == expected_navigation(email=email, tenant_name=HARINGEY)
    sign_out(journey)


def test_a_wrong_password_is_refused_with_an_error(journey, demo):
    sign_in(journey, email=DEMO_EMAILS[Role.SENCO], password="not-the-password")

    page = journey.page
    assert journey.path == "/sign-in/"
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    # The email is kept so the person only retypes the password.
    expect(page.get_by_label("Email address")).to_have_value(DEMO_EMAILS[Role.SENCO])
