"""The registry of reminder sources.

Notifications import no domain app. Instead each app tells this registry, in its
`AppConfig.ready()`, how to find the reminders that have fallen due in its own data:

    from notifications.reminders import DueReminder, register_reminder_source

    def review_reminders(*, tenant, until):
        for agreement in Agreement.objects.filter(review_due_at__lte=until, ...):
            yield DueReminder(
                object_id=agreement.public_id,
                kind="review_due",
                due_at=agreement.review_due_at,
                recipients=[...],
                title="An agreement is due for review",
                body="...",
                link=f"/agreements/{agreement.public_id}/",
                reason="You are the IG officer of the partnership.",
            )

    register_reminder_source("agreements.review", review_reminders)

The sweep calls every source once per tenant, with that tenant active, and `until` the time up to
which reminders are wanted. A source yields every reminder that is due by then and still applies
(an agreement already reviewed yields nothing), including reminders it yielded before: the ledger
remembers which were sent, so a source never needs to. A reminder is identified by
(source, object_id, kind, due_at); a change of due time is a new reminder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from partners.models import Membership


@dataclass(frozen=True)
class DueReminder:
    object_id: UUID
    kind: str
    due_at: datetime
    recipients: Sequence[Membership]
    title: str
    body: str
    link: str
    reason: str


ReminderFunction = Callable[..., Iterable[DueReminder]]


@dataclass(frozen=True)
class ReminderSource:
    name: str
    function: ReminderFunction
    # How far ahead of its due time a reminder may go out: the sweep asks for reminders due up to
    # now + lead, so with the sweep every 15 minutes a lead of 15 minutes sends one on the sweep
    # before its due time instead of the one after.
    lead: timedelta = field(default=timedelta(0))


_sources: dict[str, ReminderSource] = {}


def register_reminder_source(
    name: str, function: ReminderFunction, *, lead: timedelta = timedelta(0)
) -> None:
    """Register `function(*, tenant, until)` under `name` (e.g. "breaches.milestones").

    Registering the same function again is harmless (ready() may run more than once); another
    function under a taken name is a configuration error.
    """
    existing = _sources.get(name)
    if existing is not None and existing.function is not function:
        raise ImproperlyConfigured(f"A reminder source named {name!r} is already registered.")
    if len(name) > 60:
        raise ImproperlyConfigured(f"Reminder source names have at most 60 characters: {name!r}")
    _sources[name] = ReminderSource(name=name, function=function, lead=lead)


def unregister_reminder_source(name: str) -> None:
    _sources.pop(name, None)


def reminder_sources() -> list[ReminderSource]:
    return sorted(_sources.values(), key=lambda source: source.name)
