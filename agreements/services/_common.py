"""What every agreements service shares: permission checks, the version check, dates."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone

from agreements.models import EDITABLE_STATUSES, Agreement
from agreements.selectors.access import agreement_can_edit
from partners.models import Membership
from partners.reminders import long_date
from partners.roles import can
from partners.services import ConcurrentEdit

__all__ = [
    "ConcurrentEdit",
    "claim_version",
    "long_date",
    "require",
    "require_content_editable",
    "require_reason",
    "today",
    "write_agreement",
]


def today() -> date:
    return timezone.localdate()


def require(actor: Membership, capability: str) -> None:
    if not can(actor, capability):
        raise PermissionDenied("Your role does not allow this.")


def require_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: "Say why, so that the record explains the decision."})
    return reason


def require_content_editable(actor: Membership, agreement: Agreement) -> None:
    """Who may edit (the IG officer; a granted manager of the owner, on a draft) and when."""
    if not agreement_can_edit(actor, agreement):
        raise PermissionDenied("You may not edit this agreement.")
    if agreement.status not in EDITABLE_STATUSES:
        raise ValidationError(
            f"An agreement that is {agreement.get_status_display().lower()} cannot be edited. "
            + (
                "Start a review to change it."
                if agreement.status == "active"
                else "It has ended; draft a new agreement instead."
            )
        )


def claim_version(agreement: Agreement, expected_version: int) -> None:
    """The version check: of two people editing one agreement, only the first save matches the
    version both started from; the second is refused and nothing of theirs is written."""
    claimed = Agreement.objects.filter(pk=agreement.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if claimed != 1:
        raise ConcurrentEdit(
            "Someone else changed this agreement while you were editing it. Your changes have "
            "not been saved: reload the page to see theirs, then edit again."
        )
    agreement.version = expected_version + 1


def write_agreement(agreement: Agreement, *, actor: Membership | None, **changes) -> None:
    """Write fields that a rule sets (a review flag, the next review date) outside the edit
    form. The version is bumped, so an edit begun before is refused rather than overwriting
    them; the row is re-read, changed and saved, leaving its history row."""
    Agreement.objects.filter(pk=agreement.pk).update(version=F("version") + 1)
    agreement.refresh_from_db()
    for name, value in changes.items():
        setattr(agreement, name, value)
    agreement._history_user = actor.user if actor else None
    agreement.save()
