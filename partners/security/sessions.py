"""The register of signed-in sessions: idle timeout, absolute lifetime, signing out everywhere.

Each sign-in (any call of django.contrib.auth.login: the sign-in page, accepting an invitation,
the platform admin, the test client) registers a SignedInSession and keeps its random key in the
session. On every request SessionPolicyMiddleware asks `session_check()` whether the session
may go on: it may not once it was ended (signed out everywhere, the user or a membership
deactivated), after the partnership's idle timeout without a request, or after the absolute
lifetime however busy it was. Django itself already rotates the session key at sign-in (and
partners.services.membership_activate when the partnership changes) and ends other sessions
when the password changes.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from partners.security.models import SignedInSession
from partners.security.network import client_ip, user_agent

SESSION_ROW_KEY = "sharewell_signed_in"
# Activity is stamped at most once a minute, so a busy session costs one UPDATE a minute; the
# idle timeout is therefore exact to within a minute.
TOUCH_EVERY = timedelta(minutes=1)

SIGNED_OUT = "You have been signed out. Sign in again to continue."
IDLE = (
    "You were signed out because you had not used {service} for {minutes} minutes. "
    "Sign in again to continue."
)
TOO_LONG = (
    "You were signed out because you had been signed in for {hours} hours. "
    "Sign in again to continue."
)


def session_register(*, request: HttpRequest, user: AbstractBaseUser) -> SignedInSession:
    """Register the session just signed in to (called on every sign-in)."""
    key = secrets.token_urlsafe(32)
    row = SignedInSession.objects.create(
        key=key,
        user=user,
        ip_address=client_ip(request),
        user_agent=user_agent(request),
    )
    request.session[SESSION_ROW_KEY] = key
    return row


def idle_timeout(request: HttpRequest) -> timedelta:
    """The idle timeout of this request's session: its partnership's, or the default before
    one is chosen."""
    tenant = getattr(request, "tenant", None)
    if tenant is not None:
        return timedelta(minutes=tenant.session_idle_minutes)
    return settings.SHAREWELL_SESSION_IDLE_DEFAULT


def session_check(request: HttpRequest) -> str | None:
    """Why the signed-in session of this request must end now, or None if it may go on.

    A session with no register entry (one signed in before the register existed) is
    registered now.
    """
    key = request.session.get(SESSION_ROW_KEY)
    if not key:
        session_register(request=request, user=request.user)
        return None
    row = (
        SignedInSession.objects.filter(key=key, user_id=request.user.pk)
        .only("pk", "started_at", "last_seen_at", "ended_at")
        .first()
    )
    if row is None or row.ended_at is not None:
        return SIGNED_OUT
    now = timezone.now()
    lifetime = settings.SHAREWELL_SESSION_ABSOLUTE_LIFETIME
    if now - row.started_at > lifetime:
        return TOO_LONG.format(hours=round(lifetime.total_seconds() / 3600))
    idle = idle_timeout(request)
    if now - row.last_seen_at > idle:
        return IDLE.format(
            service=settings.SHAREWELL_SERVICE_NAME, minutes=round(idle.total_seconds() / 60)
        )
    if now - row.last_seen_at >= TOUCH_EVERY:
        SignedInSession.objects.filter(pk=row.pk).update(last_seen_at=now)
    return None


def session_end(*, request: HttpRequest) -> None:
    """Mark this request's session as ended (signing out)."""
    key = request.session.get(SESSION_ROW_KEY)
    if key:
        SignedInSession.objects.filter(key=key, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )


def sessions_end_all(*, user: AbstractBaseUser) -> int:
    """End every session of the user at once: each is refused on its next request."""
    return SignedInSession.objects.filter(user=user, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )


def sessions_open(*, user: AbstractBaseUser) -> QuerySet[SignedInSession]:
    """The user's sessions that could still be used, most recently active first."""
    now = timezone.now()
    return SignedInSession.objects.filter(
        user=user,
        ended_at__isnull=True,
        started_at__gte=now - settings.SHAREWELL_SESSION_ABSOLUTE_LIFETIME,
        # The longest idle timeout a partnership can set (Tenant.session_idle_minutes).
        last_seen_at__gte=now - timedelta(minutes=240),
    ).order_by("-last_seen_at")


def current_session_key(request: HttpRequest) -> str | None:
    return request.session.get(SESSION_ROW_KEY)


def sessions_prune(*, older_than: timedelta = timedelta(days=30)) -> int:
    """Forget sessions that ended, or were last used, long ago (housekeeping)."""
    before = timezone.now() - older_than
    deleted, _ = SignedInSession.objects.filter(last_seen_at__lt=before).delete()
    return deleted
