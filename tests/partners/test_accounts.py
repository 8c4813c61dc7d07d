"""Accounts: sign-in, sign-out, password change and reset, choosing a partnership."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from partners.middleware import SESSION_KEY as MEMBERSHIP_KEY
from partners.roles import Role
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

GENERIC_ERROR = "Enter a correct email address and password."


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def sign_in(client: Client, email: str, password: str = DEFAULT_PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


@pytest.fixture
def two_partnerships_member(partnership, other_partnership):
    """The practitioner of the first partnership, who is also a SENCo in the second."""
    member = partnership.member("practitioner")
    member.elsewhere = MembershipFactory(
        tenant=other_partnership.tenant,
        organisation=other_partnership.school,
        user=member.user,
        role=Role.SENCO,
    )
    return member


# --- Sign in -------------------------------------------------------------------------------


def test_the_sign_in_page_asks_for_an_email_address_and_password(db):
    html = Client().get(reverse("login")).content.decode()
    assert '<label class="govuk-label" for="id_username">Email address</label>' in html
    assert 'type="email"' in html
    assert 'autocomplete="email"' in html
    assert '<label class="govuk-label" for="id_password">Password</label>' in html
    assert 'autocomplete="current-password"' in html
    assert f'href="{reverse("password_reset")}"' in html


def test_a_member_of_one_partnership_signs_in_to_their_dashboard(partnership):
    member = partnership.member("senco")
    client = Client()
    response = sign_in(client, member.user.email.upper())
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    page = client.get(reverse("dashboard"))
    assert page.status_code == 200
    assert "dashboards/senco.html" in [t.name for t in page.templates]


def test_a_wrong_password_and_an_unknown_email_get_the_same_single_error(partnership):
    member = partnership.member("ig_officer")
    wrong_password = sign_in(Client(), member.user.email, "not the password")
    unknown_email = sign_in(Client(), "nobody@example.org", "not the password")

    assert wrong_password.status_code == unknown_email.status_code == 200
    wrong_text = visible_text(wrong_password.content.decode())
    unknown_text = visible_text(unknown_email.content.decode())
    assert wrong_text == unknown_text
    # Once in the error summary and once above the form; never a word about the account.
    assert wrong_text.count(GENERIC_ERROR) == 2
    assert "There is a problem" in wrong_text
    assert wrong_text.startswith("Error: Sign in")
    # The pages differ only in the email address typed, which is kept in the box.
    strip = re.compile(r'value="[^"]*"')
    assert strip.sub("", wrong_password.content.decode()) == strip.sub(
        "", unknown_email.content.decode()
    )


def test_a_deactivated_user_gets_the_same_error(partnership):
    member = partnership.member("auditor")
    member.user.is_active = False
    member.user.save()
    response = sign_in(Client(), member.user.email)
    assert GENERIC_ERROR in response.content.decode()
    assert SESSION_KEY not in response.wsgi_request.session


def test_empty_fields_are_named_in_the_error_summary(db):
    html = Client().post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert '<a href="#id_username">Enter your email address.</a>' in html
    assert '<a href="#id_password">Enter your password.</a>' in html


def test_sign_in_returns_to_the_page_asked_for(partnership):
    member = partnership.member("manager")
    client = Client()
    login_page = client.get(reverse("organisation_list"), follow=True)
    assert login_page.redirect_chain[-1][0] == f"{reverse('login')}?next=/organisations/"
    assert 'name="next" value="/organisations/"' in login_page.content.decode()
    response = client.post(
        reverse("login"),
        {"username": member.user.email, "password": DEFAULT_PASSWORD, "next": "/organisations/"},
    )
    assert response["Location"] == "/organisations/"


# --- Choosing a partnership ----------------------------------------------------------------


def test_a_member_of_two_partnerships_chooses_one_after_signing_in(
    two_partnerships_member, partnership, other_partnership
):
    client = Client()
    response = sign_in(client, two_partnerships_member.user.email)
    page = client.get(response["Location"], follow=True)
    assert page.redirect_chain == [(reverse("choose_membership"), 302)]
    html = page.content.decode()
    assert (
        '<h1 class="govuk-fieldset__heading">Which partnership do you want to work in?</h1>' in html
    )
    assert html.count('class="govuk-radios__input"') == 2
    assert partnership.tenant.name in html
    assert other_partnership.tenant.name in html
    # Each option says which role and organisation it means.
    assert f"SENCo, {other_partnership.school.name}" in html

    theirs = two_partnerships_member.elsewhere
    chosen = client.post(reverse("choose_membership"), {"membership": str(theirs.public_id)})
    assert chosen["Location"] == reverse("dashboard")
    assert client.session[MEMBERSHIP_KEY] == str(theirs.public_id)

    dashboard = client.get(reverse("dashboard"))
    html = dashboard.content.decode()
    assert "dashboards/senco.html" in [t.name for t in dashboard.templates]
    assert "govuk-notification-banner--success" in html
    assert f"You are working in {other_partnership.tenant.name}" in html
    assert "Switch partnership" in html


def test_choosing_nothing_or_someone_elses_membership_is_refused(
    two_partnerships_member, partnership, client_for
):
    client = client_for(two_partnerships_member)
    empty = client.post(reverse("choose_membership"), {})
    assert empty.status_code == 400
    assert '<a href="#id_membership_0">Choose the partnership you want to work in.</a>' in (
        empty.content.decode()
    )

    someone_else = partnership.member("ig_officer")
    refused = client.post(reverse("choose_membership"), {"membership": str(someone_else.public_id)})
    assert refused.status_code == 400
    assert "Choose one of your partnerships." in refused.content.decode()
    assert client.session[MEMBERSHIP_KEY] == str(two_partnerships_member.public_id)


def test_the_current_partnership_is_preselected(two_partnerships_member, client_for):
    html = client_for(two_partnerships_member).get(reverse("choose_membership")).content.decode()
    assert f'value="{two_partnerships_member.public_id}" checked' in html


def test_a_user_with_no_membership_is_told_why(db):
    user = UserFactory()
    client = Client()
    sign_in(client, user.email)
    response = client.get(reverse("dashboard"), follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [(reverse("choose_membership"), 302)]
    assert '<h1 class="govuk-heading-l">You are not a member of a partnership</h1>' in html
    assert '<form method="post" novalidate>' not in html
    assert "information governance officer" in html


# --- Sign out ------------------------------------------------------------------------------


def test_sign_out_needs_a_post(partnership, client_for):
    client = client_for(partnership.member("manager"))
    refused = client.get(reverse("logout"))
    assert refused.status_code == 405
    assert SESSION_KEY in client.session
    assert client.get(reverse("dashboard")).status_code == 200

    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert SESSION_KEY not in client.session
    signed_out = client.get(reverse("login"))
    assert "You have signed out." in signed_out.content.decode()
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("login"))


# --- Password change -----------------------------------------------------------------------

NEW_PASSWORD = "a much longer passphrase 2025"


def test_changing_the_password(partnership, client_for):
    member = partnership.member("practitioner")
    client = client_for(member)
    form = client.get(reverse("password_change")).content.decode()
    assert '<label class="govuk-label" for="id_old_password">Current password</label>' in form

    wrong = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "Your current password is not correct." in wrong.content.decode()

    response = client.post(
        reverse("password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response["Location"] == reverse("password_change_done")
    assert "Your password has been changed" in client.get(response["Location"]).content.decode()
    # Still signed in, still in the same partnership.
    assert client.get(reverse("dashboard")).status_code == 200
    assert sign_in(Client(), member.user.email, NEW_PASSWORD).status_code == 302
    assert sign_in(Client(), member.user.email, DEFAULT_PASSWORD).status_code == 200


def test_a_weak_new_password_is_refused_with_the_reasons(partnership, client_for):
    client = client_for(partnership.member("practitioner"))
    response = client.post(
        reverse("password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "password",
            "new_password2": "password",
        },
    )
    html = response.content.decode()
    assert 'class="govuk-input govuk-password-input__input' in html
    assert '<a href="#id_new_password2">' in html
    assert "This password is too short." in html


def test_changing_the_password_needs_signing_in(db):
    response = Client().get(reverse("password_change"))
    assert response["Location"].startswith(reverse("login"))


# --- Password reset ------------------------------------------------------------------------


def test_a_reset_link_is_emailed_to_an_existing_user(partnership):
    member = partnership.member("senco")
    response = Client().post(reverse("password_reset"), {"email": member.user.email})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.user.email]
    assert message.subject == "Reset your Sharewell password"
    assert message.alternatives == []  # plain text only
    assert re.search(r"http://testserver/password-reset/[^/\s]+/[^/\s]+/", message.body)
    assert member.user.full_name in message.body


def test_an_unknown_email_gets_the_same_page_and_no_email(partnership):
    known = Client().post(
        reverse("password_reset"), {"email": partnership.member("senco").user.email}, follow=True
    )
    mail.outbox.clear()
    unknown = Client().post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert unknown.redirect_chain == known.redirect_chain == [(reverse("password_reset_done"), 302)]
    assert visible_text(unknown.content.decode()) == visible_text(known.content.decode())
    assert "Check your email" in unknown.content.decode()
    assert mail.outbox == []


def test_the_reset_link_sets_a_new_password_once(partnership):
    member = partnership.member("senco")
    Client().post(reverse("password_reset"), {"email": member.user.email})
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body).group(1)

    client = Client()
    form_page = client.get(link, follow=True)
    # Django swaps the token in the address for a session marker before showing the form.
    assert form_page.redirect_chain[-1][0].endswith("/set-password/")
    html = form_page.content.decode()
    assert "Choose a new password" in html
    assert '<label class="govuk-label" for="id_new_password1">New password</label>' in html

    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == reverse("password_reset_complete")
    assert "Your new password has been saved" in done.content.decode()
    assert sign_in(Client(), member.user.email, NEW_PASSWORD).status_code == 302

    again = Client().get(link, follow=True)
    assert "The link has expired" in again.content.decode()
