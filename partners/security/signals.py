"""Signing in and out keep the register of signed-in sessions (sessions.py) up to date.

Django's own signals, because every way of signing in calls django.contrib.auth.login (the
sign-in page, accepting an invitation, the platform admin, the test client's force_login) and
every way of signing out calls logout; a register kept by each caller would miss one. Connected
in PartnersConfig.ready().
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from partners.security.sessions import session_end, session_register


@receiver(user_logged_in, dispatch_uid="sharewell_session_register")
def register_signed_in_session(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        session_register(request=request, user=user)


@receiver(user_logged_out, dispatch_uid="sharewell_session_end")
def end_signed_in_session(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        session_end(request=request)
