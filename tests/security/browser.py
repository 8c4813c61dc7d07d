"""The second step of signing in, in the browser tests: set up an authenticator app on first
sign-in (scanning is done by reading the secret the page showed), or give its code."""

from __future__ import annotations

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import User
from tests.security.twostep import code_for, otp_for


def pass_two_step(journey, email: str) -> None:
    """After the password: whatever the second step asks, do it (nothing for those not asked)."""
    page = journey.page
    user = User.objects.get(email__iexact=email)
    if journey.path == reverse("security_two_step_setup"):
        device = TOTPDevice.objects.filter(user=user, confirmed=False).latest("pk")
        page.get_by_label("Code from your authenticator app").fill(code_for(device))
        journey.click(page.get_by_role("button", name="Continue"))
        journey.click(page.get_by_role("button", name="I have saved my recovery codes"))
    elif journey.path == reverse("security_two_step_verify"):
        page.get_by_label("Code", exact=True).fill(otp_for(user))
        journey.click(page.get_by_role("button", name="Continue"))
