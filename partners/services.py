"""Writes for partners: memberships, sessions and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from partners.middleware import SESSION_KEY
from partners.models import ApiToken, Membership, User
from partners.selectors import membership_for_user, memberships_for_user


def membership_activate(*, request: HttpRequest, public_id: str) -> Membership:
    """Make one of the signed-in user's memberships the active one for this session."""
    membership = membership_for_user(user=request.user, public_id=public_id)
    if membership is None:
        raise ValidationError({"membership": "Choose one of your partnerships."})
    request.session[SESSION_KEY] = str(membership.public_id)
    # The tenant changes; rotate the session key as at sign-in.
    request.session.cycle_key()
    return membership


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_issue(
    *, email: str, password: str, membership_id: str | None = None
) -> tuple[str, ApiToken]:
    """Check the credentials and issue a token bound to one of the user's memberships.

    Wrong email and wrong password give the same error, so the answer never reveals whether an
    account exists.
    """
    user = authenticate(username=email, password=password)
    if user is None:
        raise ValidationError({"non_field_errors": "Enter a correct email address and password."})
    memberships = list(memberships_for_user(user=user))
    if membership_id:
        membership = membership_for_user(user=user, public_id=membership_id)
        if membership is None:
            raise ValidationError({"membership": "You have no active membership with that id."})
    elif len(memberships) == 1:
        membership = memberships[0]
    elif not memberships:
        raise ValidationError({"non_field_errors": "You have no active membership."})
    else:
        raise ValidationError(
            {"membership": "You belong to several partnerships: name the membership to use."}
        )
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(digest=token_digest(raw), membership=membership)
    return raw, token


def api_token_touch(*, token: ApiToken) -> None:
    # Conditional update: at most one write a minute per token, however busy it is.
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def user_deactivate(*, user: User) -> None:
    """Deactivate (never delete) a user and revoke their API tokens at once."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    ApiToken.objects.filter(membership__user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
