"""The access audit: every view of a child's record, a consent, a sharing decision or a breach,
and every document download, export or PDF, writes an AccessEvent (who, as which membership,
what, when, from where). The IG officer (and the auditor) search it and see who viewed a child.

A view records an access with one call, after it has found the object the user may see and
before it responds:

    access_record(request=request, action=AccessAction.VIEW, object_type="child",
                  object_id=child.public_id, subject_id=child.public_id)

Each app names its object types once with `register_object_type()` (for the search page's
labels). Events are append-only: nothing here or anywhere can change or remove one.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from partners.models import Membership
from partners.security.models import AccessChannel, AccessEvent
from partners.security.network import client_ip, user_agent
from partners.selectors import people_matching

# The API's paths (partners.api.shell.API_PREFIX; not imported, as the API imports the pages).
API_PREFIX = "/api/"

# object type → how the search page names it. Apps add theirs with register_object_type().
OBJECT_TYPES: dict[str, str] = {}


def register_object_type(code: str, label: str) -> str:
    OBJECT_TYPES[code] = label
    return code


SECURITY_SUMMARY = register_object_type(
    "organisation.security_summary", "An organisation's security summary"
)
TRAINING_EVIDENCE = register_object_type("training_record.evidence", "Evidence of IG training")
IMPORT_FILE = register_object_type("organisation_import", "An uploaded GIAS extract")
ACCESS_LOG_EXPORT = register_object_type("access_log", "The access log")


def object_type_label(code: str) -> str:
    return OBJECT_TYPES.get(code, code)


def access_record(
    *,
    request: HttpRequest,
    action: str,
    object_type: str,
    object_id: UUID | str | None = None,
    subject_id: UUID | str | None = None,
    membership: Membership | None = None,
) -> AccessEvent:
    """Record that the request's member accessed something. Runs in the request's transaction:
    a request that fails afterwards leaves no event, as nothing was shown."""
    membership = membership or getattr(request, "membership", None)
    if membership is None:
        raise ValueError("An access is recorded for a request with an active membership.")
    match = getattr(request, "resolver_match", None)
    event = AccessEvent(
        tenant=membership.tenant,
        membership=membership,
        action=action,
        object_type=object_type,
        object_id=object_id,
        subject_id=subject_id,
        route=(match.view_name if match else "")[:100],
        channel=AccessChannel.API if request.path.startswith(API_PREFIX) else AccessChannel.PAGE,
        ip_address=client_ip(request),
        user_agent=user_agent(request),
    )
    event.full_clean(exclude=["tenant", "membership"])
    event.save()
    return event


# --- Searching ---------------------------------------------------------------------------------


def access_events_search(
    *,
    who: str = "",
    action: str = "",
    object_type: str = "",
    object_id: UUID | None = None,
    subject_id: UUID | None = None,
    since: date | None = None,
    until: date | None = None,
    before: UUID | None = None,
) -> QuerySet[AccessEvent]:
    """The active partnership's access events, newest first, filtered. `who` is part of the
    name or email address of the person who acted (any of their memberships). `before` is the
    id of the last event of the previous page (keyset pagination: each page costs the same
    however far back it is)."""
    events = AccessEvent.objects.select_related("membership__user", "membership__organisation")
    if who:
        # The people first, then their events through access_event_membership: a search for
        # a name reads the partnership's people once, not a join for every event.
        people = Membership.objects.filter(people_matching(who)).values("pk")
        events = events.filter(membership__in=people)
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if subject_id:
        events = events.filter(subject_id=subject_id)
    if since:
        events = events.filter(created_at__gte=_start_of(since))
    if until:
        events = events.filter(created_at__lt=_start_of(until, next_day=True))
    if before:
        last = AccessEvent.objects.filter(public_id=before).values("created_at", "pk").first()
        if last is None:
            raise Http404("No such event.")
        events = events.filter(
            Q(created_at__lt=last["created_at"])
            | Q(created_at=last["created_at"], pk__lt=last["pk"])
        )
    return events.order_by("-created_at", "-pk")


def _start_of(day: date, *, next_day: bool = False) -> datetime:
    """Midnight at the start of `day` (or of the day after) in the service's time zone."""
    if next_day:
        day += timedelta(days=1)
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
