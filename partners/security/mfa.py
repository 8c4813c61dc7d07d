"""Two-step verification (django-otp): who must use it, setting up an authenticator app, checking
a code at sign-in or when an API token is issued, and recovery codes.

IG officers, designated managers and auditors must use it; a partnership may ask it of everyone
(Tenant.mfa_required_for_everyone). It is asked of a person when any of their active memberships
asks it (they can switch partnership within a session), and of anyone who has set it up anyway,
and of platform staff. The password comes first; the code is asked on the next page
(middleware.TwoStepRequiredMiddleware sends them there until they have given it).
"""

from __future__ import annotations

import re
from base64 import b32encode

import segno
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.roles import Role
from partners.selectors import memberships_for_user

TWO_STEP_ROLES = frozenset({Role.IG_OFFICER, Role.MANAGER, Role.AUDITOR})
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"

WRONG_CODE = "The code is not right. Enter the 6-digit code your authenticator app shows now."
WRONG_RECOVERY_CODE = "The recovery code is not right, or it has been used already."


def two_step_required(user: AbstractBaseUser) -> bool:
    """Whether this person must pass two-step verification to use the service."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser or has_authenticator(user):
        return True
    return (
        memberships_for_user(user=user)
        .filter(Q(role__in=TWO_STEP_ROLES) | Q(tenant__mfa_required_for_everyone=True))
        .exists()
    )


def has_authenticator(user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def is_verified(request: HttpRequest) -> bool:
    """Whether this session has passed two-step verification (django-otp's OTPMiddleware)."""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def mark_verified(request: HttpRequest, device: Device) -> None:
    """Record in the session that its user passed two-step verification with `device`.

    The session key changes too: the session gained a privilege, as at sign-in.
    """
    otp_login(request, device)
    request.session.cycle_key()


# --- Setting up an authenticator app ---------------------------------------------------------


def authenticator_start(*, user: AbstractBaseUser) -> TOTPDevice:
    """The authenticator app being set up: an unconfirmed device with its own new secret, or the
    one started earlier (reloading the page shows the same QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def authenticator_confirm(*, request: HttpRequest, device: TOTPDevice, code: str) -> list[str]:
    """Finish setting up the app with a code it shows; it replaces any app set up before.

    Returns new recovery codes, to be shown once. The session counts as verified.
    """
    if device.confirmed or device.user_id != request.user.pk:
        raise ValidationError({"code": "Start setting up your authenticator app again."})
    if not device.verify_token(_digits(code)):
        raise ValidationError({"code": WRONG_CODE})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_issue(user=device.user)
    mark_verified(request, device)
    return codes


def authenticator_qr_code(device: TOTPDevice) -> SafeString:
    """The otpauth:// link as an inline SVG QR code (no script, no inline style)."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=4, dark="#0b0c0c", light="#ffffff", svgclass="sw-qr-code", lineclass=None
    )
    return format_html("{}", SafeString(svg))


def authenticator_key(device: TOTPDevice) -> str:
    """The secret in the base32 form apps accept when typed in, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


# --- Recovery codes --------------------------------------------------------------------------


def recovery_codes_issue(*, user: AbstractBaseUser) -> list[str]:
    """New recovery codes, each good once; the old ones stop working. Shown once."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


# --- Verification ----------------------------------------------------------------------------


def _digits(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "")


def verify_code(*, user: AbstractBaseUser, code: str, field: str = "code") -> Device:
    """The device that accepts `code`: the 6 digits the authenticator app shows now, or an unused
    recovery code. Raises ValidationError on `field` otherwise.

    Each wrong code makes the next try wait longer (django-otp's throttling, per device), and a
    code is accepted once: its time step (or the recovery code) cannot be used again.
    """
    code = _digits(code).lower()
    if not code:
        raise ValidationError({field: "Enter the 6-digit code from your authenticator app."})
    if code.isdigit():
        devices, wrong = TOTPDevice.objects.filter(user=user, confirmed=True), WRONG_CODE
    else:
        devices, wrong = StaticDevice.objects.filter(user=user, confirmed=True), WRONG_RECOVERY_CODE
    # Row locks, so two requests with one code cannot both succeed.
    for device in devices.select_for_update():
        allowed, details = device.verify_is_allowed()
        if not allowed:
            raise ValidationError({field: _throttled_message(details)})
        if device.verify_token(code):
            return device
    raise ValidationError({field: wrong})


def _throttled_message(details: dict | None) -> str:
    until = (details or {}).get("locked_until")
    if until is None:
        return "Too many wrong codes. Wait a minute, then try again."
    return "Too many wrong codes. Wait a few seconds, then try the code your app shows now."


def two_step_check_for_token(*, user: AbstractBaseUser, otp: str | None) -> None:
    """API tokens are issued only after two-step verification for those who must use it."""
    if not two_step_required(user):
        return
    if not has_authenticator(user):
        raise ValidationError(
            {
                "otp": "Set up two-step verification first: sign in to Sharewell in a web "
                "browser and follow the steps."
            }
        )
    if not otp:
        raise ValidationError({"otp": "Enter the 6-digit code from your authenticator app."})
    verify_code(user=user, code=otp, field="otp")
