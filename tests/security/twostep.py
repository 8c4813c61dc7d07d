"""Test helpers for two-step verification: an authenticator app for a user, the code it shows,
and a test client signed in past the second step (as tests/conftest.py's client_for does)."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.security.mfa import APP_DEVICE_NAME, two_step_required


def authenticator(user) -> TOTPDevice:
    """The user's authenticator app, set up (confirmed) if it was not."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=True)
    return device


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the app shows now, or the next one when this time step's was used already (a
    code is accepted once; the device accepts one step either side of now)."""
    device.refresh_from_db()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    step = max(now, device.last_t + 1) + steps_ahead
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


def otp_for(user) -> str:
    return code_for(authenticator(user))


def sign_in_verified(client: Client, user) -> Client:
    """Sign the client in as `user`, past two-step verification when they must use it."""
    client.force_login(user)
    if two_step_required(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
        session.save()
    return client
