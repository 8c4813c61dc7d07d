"""Two-step verification: asked of IG officers, managers and auditors (and of everyone where the
partnership says so), set up in the browser with a QR code, asked after the password at every
sign-in, with recovery codes shown once; API tokens are issued only after it too."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import ApiToken
from partners.roles import Role
from partners.security.mfa import two_step_required
from tests.factories import DEFAULT_PASSWORD
from tests.security.twostep import authenticator, code_for, otp_for

pytestmark = pytest.mark.django_db

MUST = [Role.IG_OFFICER, Role.MANAGER, Role.AUDITOR]
MAY = [Role.SENCO, Role.PRACTITIONER]


def sign_in(client: Client, user, password: str = DEFAULT_PASSWORD):
    return client.post(reverse("login"), {"username": user.email, "password": password})


@pytest.mark.parametrize("role", MUST)
def test_the_roles_that_must_use_it_set_it_up_before_anything_else(partnership, role):
    client = Client()
    user = partnership.member(role).user

    signed_in = sign_in(client, user)
    # The password is right, but the dashboard sends them to set up an authenticator app.
    assert signed_in.status_code == 302
    home = client.get(signed_in["Location"])
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("security_two_step_setup"))
    for url in (reverse("organisation_list"), reverse("my_training")):
        assert client.get(url)["Location"].startswith(reverse("security_two_step_setup"))
    # The API over this session says so too, in the API's own error format.
    refused = client.get("/api/organisations/")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["code"] == "permission_denied"


@pytest.mark.parametrize("role", MAY)
def test_the_other_roles_sign_in_with_the_password_alone(partnership, role):
    client = Client()

    sign_in(client, partnership.member(role).user)

    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.parametrize("role", MAY)
def test_a_partnership_can_ask_it_of_everyone(partnership, role):
    partnership.tenant.mfa_required_for_everyone = True
    partnership.tenant.save()
    client = Client()

    sign_in(client, partnership.member(role).user)

    assert client.get(reverse("dashboard"))["Location"].startswith(
        reverse("security_two_step_setup")
    )


def test_someone_who_set_it_up_is_asked_for_it_whatever_their_role(partnership):
    practitioner = partnership.member(Role.PRACTITIONER).user
    assert not two_step_required(practitioner)

    authenticator(practitioner)

    assert two_step_required(practitioner)


def test_setting_it_up_shows_a_qr_code_then_the_recovery_codes_once(partnership):
    client = Client()
    user = partnership.member(Role.IG_OFFICER).user
    sign_in(client, user)
    setup_url = reverse("security_two_step_setup")

    page = client.get(setup_url)
    html = page.content.decode()
    assert page.status_code == 200
    # An inline SVG QR code: no script, no inline style, no image from elsewhere.
    assert re.search(r"<svg[^>]*class=\"sw-qr-code\"", html)
    assert "style=" not in html.split('class="sw-qr-code"', 1)[1].split("</svg>", 1)[0]
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # Reloading shows the same secret.
    client.get(setup_url)
    assert TOTPDevice.objects.filter(user=user).count() == 1

    wrong = client.post(setup_url, {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert "The code is not right" in wrong.content.decode()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()

    done = client.post(setup_url, {"code": code_for(device), "next": "/organisations/"})

    assert done.status_code == 200
    body = done.content.decode()
    assert "Two-step verification is set up" in body
    codes = StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    assert len(codes) == 10
    assert all(code in body for code in codes)
    assert 'href="/organisations/"' in body
    device.refresh_from_db()
    assert device.confirmed
    # The session is verified: the service opens.
    assert client.get(reverse("organisation_list")).status_code == 200
    # The codes are never shown again.
    assert not any(
        code in client.get(reverse("security_account")).content.decode() for code in codes
    )


def test_the_code_is_asked_after_the_password_at_every_sign_in(partnership):
    user = partnership.member(Role.MANAGER).user
    device = authenticator(user)
    client = Client()

    sign_in(client, user)
    asked = client.get(reverse("organisation_list"))
    assert asked["Location"] == f"{reverse('security_two_step_verify')}?next=%2Forganisations%2F"

    refused = client.post(asked["Location"], {"code": "12345x"})
    assert refused.status_code == 400
    assert client.get(reverse("organisation_list")).status_code == 302

    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    session_before = client.cookies["sessionid"].value
    passed = client.post(asked["Location"], {"code": code_for(device)})

    assert passed.status_code == 302
    assert passed["Location"] == "/organisations/"
    assert client.get(reverse("organisation_list")).status_code == 200
    # Passing the second step rotates the session key, as signing in does.
    assert client.cookies["sessionid"].value != session_before


def test_a_code_is_accepted_once(partnership):
    user = partnership.member(Role.AUDITOR).user
    device = authenticator(user)
    code = code_for(device)
    first, second = Client(), Client()
    for client in (first, second):
        sign_in(client, user)

    assert first.post(reverse("security_two_step_verify"), {"code": code}).status_code == 302
    assert second.post(reverse("security_two_step_verify"), {"code": code}).status_code == 400


def test_wrong_codes_make_the_next_try_wait(partnership):
    user = partnership.member(Role.IG_OFFICER).user
    device = authenticator(user)
    client = Client()
    sign_in(client, user)
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    client.post(reverse("security_two_step_verify"), {"code": wrong})
    throttled = client.post(reverse("security_two_step_verify"), {"code": right})

    assert throttled.status_code == 400
    assert "Too many wrong codes" in throttled.content.decode()


def test_a_recovery_code_works_once_instead_of_the_app(partnership):
    user = partnership.member(Role.IG_OFFICER).user
    authenticator(user)
    from partners.security.mfa import recovery_codes_issue

    codes = recovery_codes_issue(user=user)
    client = Client()
    sign_in(client, user)

    passed = client.post(reverse("security_two_step_verify"), {"code": codes[0].upper()})
    assert passed.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9

    again = Client()
    sign_in(again, user)
    assert again.post(reverse("security_two_step_verify"), {"code": codes[0]}).status_code == 400


def test_a_stolen_password_cannot_replace_the_app(partnership):
    # Someone with only the password is sent to give the code, not to set up a new app.
    user = partnership.member(Role.IG_OFFICER).user
    authenticator(user)
    client = Client()
    sign_in(client, user)

    response = client.get(reverse("security_two_step_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("security_two_step_verify"))
    response = client.post(reverse("security_two_step_setup"), {"code": "123456"})
    assert response["Location"].startswith(reverse("security_two_step_verify"))
    assert TOTPDevice.objects.filter(user=user).count() == 1
    # Nor new recovery codes.
    assert client.post(reverse("security_recovery_codes")).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(partnership, client_for):
    member = partnership.member(Role.IG_OFFICER)
    client = client_for(member)
    from partners.security.mfa import recovery_codes_issue

    old = recovery_codes_issue(user=member.user)

    response = client.post(reverse("security_recovery_codes"))

    assert response.status_code == 200
    new = set(StaticToken.objects.filter(device__user=member.user).values_list("token", flat=True))
    assert len(new) == 10
    assert not new & set(old)
    assert all(code in response.content.decode() for code in new)


# --- API tokens --------------------------------------------------------------------------------


def obtain(**body):
    return Client().post("/api/auth/token/", body, content_type="application/json")


@pytest.mark.parametrize("role", MUST)
def test_a_token_needs_the_code_from_the_app(partnership, role):
    user = partnership.member(role).user
    credentials = {"email": user.email, "password": DEFAULT_PASSWORD}

    not_set_up = obtain(**credentials)
    assert not_set_up.status_code == 400
    assert not_set_up.json()["errors"][0]["attr"] == "otp"
    device = authenticator(user)
    missing = obtain(**credentials)
    assert missing.status_code == 400
    assert "Enter the 6-digit code" in missing.json()["errors"][0]["detail"]
    right = code_for(device)
    wrong = obtain(**credentials, otp=f"{(int(right) + 1) % 1_000_000:06d}")
    assert wrong.status_code == 400
    assert not ApiToken.objects.exists()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()

    issued = obtain(**credentials, otp=otp_for(user))

    assert issued.status_code == 201, issued.content
    assert ApiToken.objects.count() == 1


def test_a_practitioner_gets_a_token_with_the_password_alone(partnership):
    user = partnership.member(Role.PRACTITIONER).user

    assert obtain(email=user.email, password=DEFAULT_PASSWORD).status_code == 201


def test_a_wrong_password_is_refused_before_any_code_is_asked(partnership):
    user = partnership.member(Role.IG_OFFICER).user
    authenticator(user)

    response = obtain(email=user.email, password="not the password", otp=otp_for(user))

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "non_field_errors"
