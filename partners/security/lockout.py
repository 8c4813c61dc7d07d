"""Sign-in lockout (django-axes): after repeated failures an account, or an address, is refused
for a while, whatever password is given next.

- Per account: AXES_FAILURE_LIMIT failures (5) within the cool-off. Per address: more
  (SHAREWELL_LOCKOUT_ADDRESS_LIMIT, 50), because a school or council office signs in from one
  address.
- The lockout lasts AXES_COOLOFF_TIME (15 minutes) from the failure that caused it; tries while
  locked do not extend it (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False), so nobody
  can keep someone else locked out for longer by trying again and again.
- It is not silent: the account holder is emailed when their account is locked, and the IG
  officer sees locked members of the partnership and can unlock them at once.
- The message is the same for every email address, whether or not an account exists (axes
  counts failures for any name typed).

The sign-in page, the platform admin's sign-in and POST /api/auth/token/ all authenticate
through django.contrib.auth.authenticate(request=...), which AxesStandaloneBackend guards.
"""

from __future__ import annotations

import logging

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Sum
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from partners.models import Membership, User
from partners.roles import can

logger = logging.getLogger(__name__)

LOCKED_DETAIL = (
    "There have been too many attempts to sign in. Wait {minutes} minutes, then try again."
)


class LockoutBackend(AxesStandaloneBackend):
    """axes' backend, which refuses a locked-out sign-in before the password is checked.

    Every sign-in a person makes (the sign-in page, the platform admin, the API token endpoint)
    passes its request to authenticate(). A call without one is the service's own code (a
    management command, a test) and has no client to lock out, so it is let through to the
    password check instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def username_from(request: HttpRequest, credentials: dict | None) -> str | None:
    """The email address tried, as stored (lower-case), so that "Jo@X" and "jo@x" count as one."""
    credentials = credentials or {}
    username = credentials.get("username") or credentials.get("email")
    if username is None and request is not None:
        username = request.POST.get("username")
    if not username:
        return None
    return str(username).strip().lower()[:254]


def cool_off_minutes() -> int:
    return round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with a higher limit per address than per account, and a notice
    to the account holder when their account is locked."""

    def get_failures(self, request, credentials=None) -> int:
        # axes compares one number with AXES_FAILURE_LIMIT; an address's failures are scaled so
        # that reaching the address limit counts as reaching the account limit.
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        account = _failures(recent.filter(username=username)) if username else 0
        address = _failures(recent.filter(ip_address=request.axes_ip_address))
        limit = settings.AXES_FAILURE_LIMIT
        return max(account, address * limit // settings.SHAREWELL_LOCKOUT_ADDRESS_LIMIT)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        already_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or already_locked:
            return
        username = get_client_username(request, credentials)
        if not username:
            return
        threshold = get_cool_off_threshold(request)
        account = AccessAttempt.objects.filter(attempt_time__gte=threshold, username=username)
        if _failures(account) == settings.AXES_FAILURE_LIMIT:
            # This failure locked the account (later ones are refused before they are counted).
            lockout_notify(username=username)


def lockout_notify(*, username: str) -> None:
    """Email the account holder that sign-in to their account is paused, and why. Nobody is told
    anything when there is no such account (the page says the same either way)."""
    user = User.objects.filter(email__iexact=username, is_active=True).first()
    if user is None:
        return
    logger.warning("Sign-in locked for user %s after repeated failures", user.pk)
    body = render_to_string(
        "security/email/locked_out.txt",
        {
            "user": user,
            "minutes": cool_off_minutes(),
            "failures": settings.AXES_FAILURE_LIMIT,
            "service_name": settings.SHAREWELL_SERVICE_NAME,
        },
    )
    subject = f"Sign-in to your {settings.SHAREWELL_SERVICE_NAME} account is paused"
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """What a locked-out sign-in gets: the same words for every email address."""
    minutes = cool_off_minutes()
    if request.path.startswith("/api/"):
        detail = LOCKED_DETAIL.format(minutes=minutes)
        body = {
            "type": "client_error",
            "errors": [{"code": "throttled", "detail": detail, "attr": None}],
        }
        response = JsonResponse(body, status=429)
    else:
        response = render(request, "security/locked_out.html", {"minutes": minutes}, status=429)
    cool_off = get_cool_off(request)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


# --- Locked members of the partnership, for the IG officer ------------------------------------


def locked_memberships() -> list[dict]:
    """Members of the active partnership whose account is locked now, with when it unlocks by
    itself. (Locked addresses are not any one partnership's: they unlock after the cool-off, or
    platform staff clear them in the admin.)"""
    cool_off = settings.AXES_COOLOFF_TIME
    locked = {
        row["username"]: row["last"]
        for row in AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        if row["username"]
    }
    if not locked:
        return []
    members = (
        Membership.objects.filter(user__email__in=list(locked))
        .select_related("user", "organisation")
        .order_by("user__full_name")
    )
    return [
        {"membership": member, "unlocks_at": locked[member.user.email.lower()] + cool_off}
        for member in members
    ]


def account_unlock(*, actor: Membership, membership: Membership) -> int:
    """Let a member of the partnership sign in again at once (an IG officer's decision)."""
    if not can(actor, "security.manage"):
        raise PermissionDenied("Your role does not allow this.")
    cleared = axes_reset(username=membership.user.email.lower())
    logger.info("Sign-in unlocked for user %s by membership %s", membership.user_id, actor.pk)
    return cleared
