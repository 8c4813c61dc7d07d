"""Sessions: the key is rotated at sign-in; an idle session ends after the partnership's timeout
(30 minutes by default); no session lives longer than 8 hours; signing out everywhere ends all
of a person's sessions; deactivating a user or a membership ends their sessions and tokens at
once; cookies are HttpOnly (and Secure in production)."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partners.models import ApiToken, SignedInSession
from partners.roles import Role
from partners.services import membership_deactivate, user_deactivate
from partners.tenancy import activate
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client: Client, user) -> None:
    response = client.post(reverse("login"), {"username": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302, response.content


def test_signing_in_rotates_the_session_key(partnership):
    client = Client()
    client.get(reverse("login"))
    # A session exists before signing in (an attacker could have planted its key).
    session = client.session
    session["planted"] = True
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value

    sign_in(client, partnership.member(Role.SENCO).user)

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    planted = Client()
    planted.cookies[settings.SESSION_COOKIE_NAME] = before
    assert planted.get(reverse("dashboard")).status_code == 302


def test_the_session_cookie_is_http_only_and_ends_with_the_browser(partnership):
    client = Client()
    sign_in(client, partnership.member(Role.SENCO).user)

    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert not cookie["expires"] and not cookie["max-age"]


@pytest.mark.parametrize(("minutes", "signed_out"), [(29, False), (31, True)])
def test_an_idle_session_ends_after_30_minutes(partnership, client_for, minutes, signed_out):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = client_for(partnership.member(Role.SENCO))
        assert client.get(reverse("dashboard")).status_code == 200

    with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
        response = client.get(reverse("organisation_list"))

    if signed_out:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next=/organisations/"
        page = client.get(response["Location"])
        assert "had not used Sharewell for 30 minutes" in page.content.decode()
        assert client.get(reverse("dashboard")).status_code == 302
    else:
        assert response.status_code == 200


def test_each_partnership_sets_its_own_idle_timeout(partnership, client_for):
    partnership.tenant.session_idle_minutes = 10
    partnership.tenant.save()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = client_for(partnership.member(Role.PRACTITIONER))
        client.get(reverse("dashboard"))

    with time_machine.travel(start + timedelta(minutes=11), tick=False):
        response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert (
        "had not used Sharewell for 10 minutes" in client.get(response["Location"]).content.decode()
    )


def test_activity_keeps_the_session_alive_but_not_past_eight_hours(partnership, client_for):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = client_for(partnership.member(Role.SENCO))
    # A request every 20 minutes.
    for step in range(1, 24):
        with time_machine.travel(start + timedelta(minutes=20 * step), tick=False):
            assert client.get(reverse("dashboard")).status_code == 200, step

    with time_machine.travel(start + timedelta(hours=8, minutes=1), tick=False):
        response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert "signed in for 8 hours" in client.get(response["Location"]).content.decode()


def test_an_ended_api_session_is_a_json_401(partnership, client_for):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = client_for(partnership.member(Role.SENCO))
        client.get("/api/organisations/")
    with time_machine.travel(start + timedelta(minutes=45), tick=False):
        response = client.get("/api/organisations/")

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_authenticated"


def test_signing_out_everywhere_ends_every_session_of_the_person(partnership, client_for):
    member = partnership.member(Role.MANAGER)
    laptop, phone = client_for(member), client_for(member)
    someone_else = client_for(partnership.member(Role.SENCO))
    assert phone.get(reverse("dashboard")).status_code == 200

    response = laptop.post(reverse("security_sign_out_everywhere"))

    assert response["Location"] == reverse("login")
    for client in (laptop, phone):
        assert client.get(reverse("dashboard")).status_code == 302
    assert someone_else.get(reverse("dashboard")).status_code == 200
    assert not SignedInSession.objects.filter(user=member.user, ended_at__isnull=True).exists()


def test_the_account_page_lists_where_the_person_is_signed_in(partnership, client_for):
    member = partnership.member(Role.SENCO)
    client = client_for(member)
    other = Client(HTTP_USER_AGENT="Phone browser/1.0", REMOTE_ADDR="198.51.100.3")
    sign_in(other, member.user)

    page = client.get(reverse("security_account")).content.decode()

    assert "This browser" in page
    assert "Phone browser/1.0" in page
    assert "198.51.100.3" in page


def test_signing_out_ends_the_session_in_the_register(partnership, client_for):
    member = partnership.member(Role.SENCO)
    client = client_for(member)

    client.post(reverse("logout"))

    assert not SignedInSession.objects.filter(user=member.user, ended_at__isnull=True).exists()


def _token_for(member) -> Client:
    token = Client().post(
        "/api/auth/token/",
        {"email": member.user.email, "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )
    assert token.status_code == 201, token.content
    return Client(headers={"Authorization": f"Bearer {token.json()['token']}"})


def test_deactivating_a_user_ends_their_sessions_and_revokes_their_tokens(partnership, client_for):
    member = partnership.member(Role.PRACTITIONER)
    browser, api = client_for(member), _token_for(member)
    assert browser.get(reverse("dashboard")).status_code == 200
    assert api.get("/api/organisations/").status_code == 200

    user_deactivate(user=member.user)

    assert browser.get(reverse("dashboard")).status_code == 302
    assert api.get("/api/organisations/").status_code == 401
    assert not ApiToken.objects.filter(membership=member, revoked_at__isnull=True).exists()
    assert not SignedInSession.objects.filter(user=member.user, ended_at__isnull=True).exists()


def test_deactivating_a_membership_ends_the_persons_sessions_and_tokens(partnership, client_for):
    member = partnership.member(Role.SENCO)
    browser, api = client_for(member), _token_for(member)

    with activate(partnership.tenant):
        membership_deactivate(actor=partnership.member(Role.IG_OFFICER), membership=member)

    assert browser.get(reverse("dashboard")).status_code == 302
    assert api.get("/api/organisations/").status_code == 401
    assert not SignedInSession.objects.filter(user=member.user, ended_at__isnull=True).exists()


def test_changing_the_password_signs_the_person_out_everywhere_else(partnership, client_for):
    member = partnership.member(Role.SENCO)
    here, elsewhere = client_for(member), client_for(member)
    new = "a much longer passphrase for 2026"

    changed = here.post(
        reverse("password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert changed.status_code == 302
    assert here.get(reverse("dashboard")).status_code == 200
    assert elsewhere.get(reverse("dashboard")).status_code == 302


def test_an_ended_session_sends_an_htmx_request_to_sign_in_as_a_whole_page(partnership, client_for):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = client_for(partnership.member(Role.SENCO))
        client.get(reverse("dashboard"))
    with time_machine.travel(start + timedelta(minutes=45), tick=False):
        response = client.get(reverse("organisation_list"), {"q": "Kent"}, HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"].startswith(reverse("login"))


def test_the_housekeeping_forgets_sessions_unused_for_a_month(partnership, client_for):
    from partners.tasks import clear_expired_sessions

    member = partnership.member(Role.SENCO)
    client_for(member)
    SignedInSession.objects.update(last_seen_at=timezone.now() - timedelta(days=31))
    client_for(member)

    clear_expired_sessions()

    assert SignedInSession.objects.filter(user=member.user).count() == 1
