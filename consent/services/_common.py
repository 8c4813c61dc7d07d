"""What every consent service shares: permission and need-to-know checks, dates, saving with
history."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone

from consent.access import subject_is_visible_to
from consent.models import DataSubject
from partners.models import Membership
from partners.reminders import long_date
from partners.roles import can
from partners.services import ConcurrentEdit

__all__ = [
    "ConcurrentEdit",
    "long_date",
    "require",
    "require_reason",
    "require_visible",
    "save",
    "today",
]


def today() -> date:
    return timezone.localdate()


def require(actor: Membership, capability: str) -> None:
    if not can(actor, capability):
        raise PermissionDenied("Your role does not allow this.")


def require_visible(actor: Membership, subject: DataSubject) -> None:
    """The second line of need-to-know: callers found the child through `subject_get_for`."""
    if not subject_is_visible_to(actor, subject):
        raise PermissionDenied("Your organisation is not involved with this child.")


def require_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: "Say why, so that the record explains it."})
    return reason


def require_not_future(value: date, field: str) -> None:
    if value > today():
        raise ValidationError({field: "The date cannot be in the future."})


def save(obj: models.Model, actor: Membership | None, **clean_options) -> None:
    obj.full_clean(**clean_options)
    obj._history_user = actor.user if actor else None
    obj.save()
