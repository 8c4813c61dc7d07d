"""What every breaches service shares: who may act, dates, saving with history, notices."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone

from breaches.models import BreachReport
from notifications.services import notify
from partners.models import Membership, Organisation
from partners.reminders import ig_officers, local_today, long_date, managers_of
from partners.roles import can
from partners.services import ConcurrentEdit

__all__ = [
    "ConcurrentEdit",
    "claim_version",
    "long_date",
    "not_before",
    "not_in_future",
    "now",
    "require",
    "require_open",
    "require_party",
    "require_text",
    "same_partnership",
    "save",
    "tell",
    "today",
]


def now() -> datetime:
    return timezone.now()


def today(tenant) -> date:
    """The partnership's date now."""
    return local_today(tenant)


def require(actor: Membership, capability: str) -> None:
    if not can(actor, capability):
        raise PermissionDenied("Your role does not allow this.")


def require_party(actor: Membership, *organisation_ids: int | None) -> None:
    """The IG officer acts on any breach; a manager only for one of these organisations."""
    require(actor, "breaches.report")
    if can(actor, "breaches.manage"):
        return
    if actor.organisation_id not in {pk for pk in organisation_ids if pk}:
        raise PermissionDenied("Only the organisation responsible or the IG officer can do this.")


def require_open(breach: BreachReport) -> None:
    if not breach.is_open:
        raise ValidationError(
            f"This breach is {breach.get_status_display().lower()}; it can no longer be changed."
        )


def require_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def not_in_future(value: date | datetime, field: str, tenant) -> None:
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            raise ValidationError({field: "Give the time with its time zone."})
        late = value > timezone.now()
    else:
        late = value > today(tenant)
    if late:
        raise ValidationError({field: "This cannot be in the future."})


def not_before(value: date, earliest: date, field: str, what: str) -> None:
    if value < earliest:
        raise ValidationError({field: f"This cannot be before {what} ({long_date(earliest)})."})


def same_partnership(tenant_id: int, **organisations: Organisation | None) -> None:
    errors = {
        name: "Choose an organisation of the partnership."
        for name, organisation in organisations.items()
        if organisation is not None and organisation.tenant_id != tenant_id
    }
    if errors:
        raise ValidationError(errors)


def save(actor: Membership | None, obj, *, exclude: Iterable[str] = ()) -> None:
    """Validate and save with the acting user on the history row."""
    obj.full_clean(exclude=list(exclude))
    obj._history_user = actor.user if actor else None
    obj.save()


def claim_version(breach: BreachReport, expected_version: int) -> None:
    """Of two people editing one breach, only the first save matches the version both started
    from; the second is refused and nothing of theirs is written."""
    claimed = BreachReport.objects.filter(pk=breach.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if claimed != 1:
        raise ConcurrentEdit(
            "Someone else changed this breach while you were editing it. Your changes have not "
            "been saved: reload the page to see theirs, then edit again."
        )
    breach.version = expected_version + 1


def tell(
    *,
    organisation_id: int | None,
    title: str,
    body: str,
    link: str,
    dedup_key: str,
    reason: str,
    exclude: Membership | None = None,
    officers_too: bool = False,
) -> None:
    """Notify an organisation's managers (the partnership's IG officers when it has none, or as
    well with `officers_too`), in the caller's transaction, once per key. Notices name
    organisations and dates only: a breach's description may be about a child."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    managers = managers_of(organisation_id) if organisation else []
    audiences = []
    if managers:
        audiences.append((managers, reason))
    if officers_too or not managers:
        audiences.append(
            (
                ig_officers(),
                "You are an IG officer of the partnership."
                if managers or organisation is None
                else f"Nobody at {organisation} is a manager in Sharewell, so the partnership's "
                "IG officers are told.",
            )
        )
    for people, why in audiences:
        recipients = [m for m in people if exclude is None or m.pk != exclude.pk]
        if recipients:
            notify(
                recipients=recipients,
                title=title,
                body=body,
                link=link,
                reason=why,
                dedup_key=dedup_key,
            )
