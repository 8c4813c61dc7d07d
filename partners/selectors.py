"""Reads for partners: memberships, organisations, and the access function for each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from uuid import UUID

from django.db.models import Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst

from partners.models import (
    ApiToken,
    AuthorisedContact,
    DesignatedManager,
    Invitation,
    JobHeartbeat,
    Membership,
    Organisation,
    OrganisationImport,
    Tenant,
    TrainingRecord,
    User,
)
from partners.prepared import prepared_statements
from partners.raw_reads import instances, model_columns, quote, read
from partners.roles import can


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    """The active memberships a user may choose between, across partnerships.

    Sign-in happens before any tenant is active, so this is one of the few places that reads
    across tenants; it reads only the signed-in user's own rows.
    """
    return (
        Membership.objects.cross_tenant()
        .filter(user=user, is_active=True, tenant__is_active=True, user__is_active=True)
        .select_related("tenant", "organisation", "user")
        .order_by("tenant__name")
    )


def membership_for_user(*, user: User, public_id: UUID | str | None) -> Membership | None:
    if not public_id:
        return None
    try:
        return memberships_for_user(user=user).get(public_id=public_id)
    except (Membership.DoesNotExist, ValueError):
        return None


def organisation_list(*, search: str = "") -> QuerySet[Organisation]:
    queryset = Organisation.objects.select_related("parent")
    if search:
        queryset = queryset.filter(name__icontains=search)
    return queryset.order_by("name")


def organisation_get(*, public_id: UUID | str) -> Organisation:
    """The active tenant's organisation with this id; missing and not-yours are the same 404."""
    try:
        return Organisation.objects.select_related("parent").get(public_id=public_id)
    except (Organisation.DoesNotExist, ValueError):
        raise Http404("No such organisation.") from None


def organisation_count() -> int:
    """How many organisations the active tenant has (active or not)."""
    return Organisation.objects.count()


def membership_count() -> int:
    """How many people are active members of the active tenant."""
    return Membership.objects.filter(is_active=True, user__is_active=True).count()


# The beat stamps the scheduler's heartbeat every five minutes (config/celery.py); missing a few
# stamps is a hiccup, missing half an hour means reminders are not going out.
SCHEDULER_LATE_AFTER = timedelta(minutes=30)


def scheduler_heartbeat() -> JobHeartbeat | None:
    """When the scheduled jobs last ran (platform-wide, not tenant data), or None if never."""
    return JobHeartbeat.objects.filter(name="scheduler").first()


def scheduler_is_late(*, heartbeat: JobHeartbeat | None, now: datetime | None = None) -> bool:
    if heartbeat is None:
        return True
    return (now or timezone.now()) - heartbeat.last_run_at > SCHEDULER_LATE_AFTER


# --- Contacts and training -------------------------------------------------------------------


def contacts_current(*, organisation: Organisation, on: date) -> QuerySet[AuthorisedContact]:
    """Contacts authorised on that day (Kent protocol: kept up to date, changes notified)."""
    return AuthorisedContact.objects.filter(organisation=organisation, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )


def training_is_current(*, membership: Membership, on: date) -> bool:
    return TrainingRecord.objects.filter(membership=membership, expires_on__gt=on).exists()


@dataclass(frozen=True)
class TrainingStatus:
    membership: Membership
    expires_on: date | None
    status: str  # "current", "expired" or "none"


def training_status_for_organisation(
    *, organisation: Organisation, on: date
) -> list[TrainingStatus]:
    """Everyone active at the organisation with the state of their IG training, in one query."""
    memberships = (
        Membership.objects.filter(organisation=organisation, is_active=True)
        .select_related("user")
        .annotate(latest_expiry=Max("training_records__expires_on"))
        .order_by("user__full_name")
    )
    return [
        TrainingStatus(
            membership=membership,
            expires_on=membership.latest_expiry,
            status="none"
            if membership.latest_expiry is None
            else ("current" if membership.latest_expiry > on else "expired"),
        )
        for membership in memberships
    ]


def invitation_for_token(*, digest: str) -> Invitation | None:
    """The open invitation a link names, in whichever partnership issued it: the invitee has no
    membership yet, so no tenant is active when they follow the link."""
    return (
        Invitation.objects.cross_tenant()
        .select_related("tenant", "organisation", "invited_by__user")
        .filter(
            token_digest=digest,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


# --- API tokens ----------------------------------------------------------------------------------

# A token's lookup reads the token and its membership with the membership's user, partnership and
# organisation, which every API request needs: (alias, model, the key joined to, from the row
# before). Each must be active, as must the token (not revoked).
TOKEN_JOINS = (
    ("m", Membership, "t." + ApiToken._meta.get_field("membership").column),
    ("u", User, "m." + Membership._meta.get_field("user").column),
    ("n", Tenant, "m." + Membership._meta.get_field("tenant").column),
    ("o", Organisation, "m." + Membership._meta.get_field("organisation").column),
)


@cache
def _token_read() -> tuple[str, tuple]:
    columns = model_columns(ApiToken, "t")
    joins = []
    for alias, model, key in TOKEN_JOINS:
        columns += model_columns(model, alias)
        table = quote(model._meta.db_table)
        joins.append(f"JOIN {table} {alias} ON {alias}.{quote(model._meta.pk.column)} = {key}")
    active = quote("is_active")
    sql = (
        f"SELECT {', '.join(sql for _, sql, _ in columns)} "  # noqa: S608
        f"FROM {quote(ApiToken._meta.db_table)} t {' '.join(joins)} "
        f"WHERE t.{quote('digest')} = %s AND t.{quote('revoked_at')} IS NULL "
        f"AND m.{active} = %s AND u.{active} = %s AND n.{active} = %s"
    )
    return sql, columns


def api_token_for(*, digest: str) -> ApiToken | None:
    """The unrevoked token with this digest, with its membership, and the membership's user,
    partnership and organisation, when all of them are active; else None.

    Every API request asks this, so it is one statement through a raw cursor (partners.raw_reads)
    that makes the five instances as `select_related` would: the same query through the ORM
    cost five times as much to build, compile and read as to run (docs/performance.md, (a)).
    The digest is unique, so there is one row or none."""
    sql, columns = _token_read()
    # Found by a unique key, so one plan serves every digest: prepared (partners/prepared.py).
    with prepared_statements():
        rows = read(sql, columns, [digest, True, True, True])
    if not rows:
        return None
    token, membership, user, tenant, organisation = instances(
        (ApiToken, *(model for _, model, _ in TOKEN_JOINS)), rows[0]
    )
    ApiToken._meta.get_field("membership").set_cached_value(token, membership)
    for name, related in (("user", user), ("tenant", tenant), ("organisation", organisation)):
        Membership._meta.get_field(name).set_cached_value(membership, related)
    return token


# --- The API's lists and access functions (partners/api/) ------------------------------------


def organisation_directory(
    *, search: str = "", type: str = "", is_active: bool | None = None
) -> QuerySet[Organisation]:
    """Organisations with everything their full record shows, in a fixed number of queries."""
    queryset = organisation_list(search=search).prefetch_related(
        Prefetch("designated_managers", queryset=Membership.objects.order_by("created_at", "id"))
    )
    if type:
        queryset = queryset.filter(type=type)
    if is_active is not None:
        queryset = queryset.filter(is_active=is_active)
    return queryset


def organisation_table(
    *, search: str = "", type: str = "", is_active: bool | None = None
) -> QuerySet[Organisation]:
    """What the directory page's table shows of each organisation (name, type, the
    organisation it is part of, whether active), by name: not the forty columns of a full
    record for each of a page's hundred rows."""
    queryset = organisation_list(search=search).only(
        "public_id", "name", "type", "is_active", "parent__name"
    )
    if type:
        queryset = queryset.filter(type=type)
    if is_active is not None:
        queryset = queryset.filter(is_active=is_active)
    return queryset


def contacts_for_organisation(
    *, organisation: Organisation, on: date, current: bool | None = None
) -> QuerySet[AuthorisedContact]:
    """An organisation's authorised contacts: all, only those authorised on `on` (current=True),
    or only those not authorised that day, past or future (current=False)."""
    queryset = AuthorisedContact.objects.filter(organisation=organisation)
    if current is not None:
        authorised = contacts_current(organisation=organisation, on=on).values("pk")
        queryset = (
            queryset.filter(pk__in=authorised) if current else queryset.exclude(pk__in=authorised)
        )
    return queryset.select_related("organisation", "recorded_by")


def contact_get(*, organisation: Organisation, public_id: UUID | str) -> AuthorisedContact:
    """One of the organisation's contacts; missing, another organisation's or another tenant's
    are the same 404."""
    try:
        return contacts_for_organisation(organisation=organisation, on=timezone.localdate()).get(
            public_id=public_id
        )
    except (AuthorisedContact.DoesNotExist, ValueError):
        raise Http404("No such contact.") from None


def people_matching(text: str) -> Q:
    """Memberships whose person's name or email address contains `text`, in any case: how a
    person is found wherever one is searched for (the people list and its API, the access
    log). Runs of spaces count as one, as a name is written."""
    text = " ".join(text.split())
    return Q(user__full_name__icontains=text) | Q(user__email__icontains=text)


def membership_list(
    *,
    is_active: bool | None = None,
    organisation: UUID | None = None,
    role: str = "",
    who: str = "",
) -> QuerySet[Membership]:
    """The partnership's people with the expiry of their latest IG training, in one query,
    narrowed to those active (or not), of one organisation, in one role, and whose name or
    email contains `who`.

    The expiry is a subquery per person, not a join grouped by person: PostgreSQL then pages
    the people first and looks up the training of the hundred shown, where the grouped join
    aggregated all 10,000 people of a partnership for every page (and again to count them)."""
    latest = (
        TrainingRecord.objects.filter(membership=OuterRef("pk"))
        .order_by("-expires_on")
        .values("expires_on")[:1]
    )
    queryset = Membership.objects.select_related("user", "organisation").annotate(
        latest_training_expiry=Subquery(latest)
    )
    if is_active is not None:
        queryset = queryset.filter(is_active=is_active)
    if organisation is not None:
        queryset = queryset.filter(organisation__public_id=organisation)
    if role:
        queryset = queryset.filter(role=role)
    if who:
        queryset = queryset.filter(people_matching(who))
    return queryset


def membership_get(*, public_id: UUID | str) -> Membership:
    """The active tenant's membership with this id; missing and not-yours are the same 404."""
    try:
        return membership_list().get(public_id=public_id)
    except (Membership.DoesNotExist, ValueError):
        raise Http404("No such membership.") from None


def training_state(*, expires_on: date | None, on: date) -> str:
    """ "current" while training has not expired on `on`, "expired" after, "none" if never done."""
    if expires_on is None:
        return "none"
    return "current" if expires_on > on else "expired"


def training_records_visible(
    *, viewer: Membership, on: date, membership: UUID | None = None, status: str = ""
) -> QuerySet[TrainingRecord]:
    """Training records the viewer may see: everyone's for those who see the partnership's
    people (IG officers, auditors), otherwise only their own."""
    queryset = TrainingRecord.objects.select_related("membership", "recorded_by")
    if not can(viewer, "memberships.view"):
        queryset = queryset.filter(membership=viewer)
    if membership is not None:
        queryset = queryset.filter(membership__public_id=membership)
    if status == "current":
        queryset = queryset.filter(expires_on__gt=on)
    elif status == "expired":
        queryset = queryset.filter(expires_on__lte=on)
    return queryset


def training_record_get(*, viewer: Membership, public_id: UUID | str) -> TrainingRecord:
    """A training record the viewer may see; any other is a 404, as if it did not exist."""
    try:
        return training_records_visible(viewer=viewer, on=timezone.localdate()).get(
            public_id=public_id
        )
    except (TrainingRecord.DoesNotExist, ValueError):
        raise Http404("No such training record.") from None


# --- The pages' reads (partners/views.py) ----------------------------------------------------


def designated_manager_candidates(*, organisation: Organisation) -> QuerySet[Membership]:
    """Who may be chosen as the organisation's designated managers, by name: its active people,
    and whoever is designated already (so that saving the page never drops one unseen)."""
    designated = DesignatedManager.objects.filter(organisation=organisation).values("membership_id")
    return (
        Membership.objects.filter(
            Q(organisation=organisation, is_active=True) | Q(pk__in=designated)
        )
        .select_related("user")
        .order_by("user__full_name")
    )


def organisation_name_taken(*, name: str, exclude: Organisation | None = None) -> bool:
    queryset = Organisation.objects.filter(name__iexact=name.strip())
    return (queryset.exclude(pk=exclude.pk) if exclude else queryset).exists()


def organisation_urn_taken(*, urn: str, exclude: Organisation | None = None) -> bool:
    if not urn:
        return False
    queryset = Organisation.objects.filter(urn=urn)
    return (queryset.exclude(pk=exclude.pk) if exclude else queryset).exists()


def organisation_import_get(*, public_id: UUID | str) -> OrganisationImport:
    """One GIAS import of the active tenant; missing and not-yours are the same 404."""
    try:
        return OrganisationImport.objects.select_related("uploaded_by__user").get(
            public_id=public_id
        )
    except (OrganisationImport.DoesNotExist, ValueError):
        raise Http404("No such import.") from None


def organisation_imports_recent(*, limit: int = 10) -> QuerySet[OrganisationImport]:
    return OrganisationImport.objects.select_related("uploaded_by__user").order_by("-created_at")[
        :limit
    ]


def invitation_has_account(*, invitation: Invitation) -> bool:
    """Whether the invitee already signs in to Sharewell (then they prove their password)."""
    return User.objects.filter(email__iexact=invitation.email).exists()


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    subject: str
    action: str
    changes: tuple[FieldChange, ...] = ()


# Bookkeeping columns, and links that the entry's subject or author already names.
_HISTORY_HIDDEN = frozenset(
    {
        "id",
        "tenant",
        "public_id",
        "created_at",
        "updated_at",
        "version",
        "organisation",
        "recorded_by",
    }
)
_HISTORY_ACTIONS = {"+": "Added", "~": "Changed", "-": "Removed"}
HISTORY_LIMIT = 300


def organisation_change_history(*, organisation: Organisation) -> list[HistoryEntry]:
    """Who changed what and when, newest first: the organisation's own record, its authorised
    contacts and its designated managers, each change as readable "from → to" values.

    A fixed number of queries, however long the history: one per kind of record and one for the
    names of parent organisations.
    """
    records = list(
        organisation.history.select_related("history_user").order_by("-history_date")[
            :HISTORY_LIMIT
        ]
    )
    contacts = list(
        AuthorisedContact.history.filter(organisation_id=organisation.pk)
        .select_related("history_user")
        .order_by("-history_date")[:HISTORY_LIMIT]
    )
    managers = list(
        DesignatedManager.history.filter(organisation_id=organisation.pk)
        .select_related("history_user", "membership__user")
        .order_by("-history_date")[:HISTORY_LIMIT]
    )
    parent_ids = {r.parent_id for r in records if r.parent_id}
    names = dict(
        Organisation.objects.filter(pk__in=parent_ids).values_list("pk", "name")
        if parent_ids
        else []
    )
    entries = [
        *_entries(Organisation, records, lambda r: "Organisation details", {"parent": names}),
        *_entries(AuthorisedContact, contacts, lambda r: f"Authorised contact {r.name}", {}),
        *(
            HistoryEntry(
                when=r.history_date,
                who=history_actor(r),
                subject="Designated managers",
                action=f"{_HISTORY_ACTIONS.get(r.history_type, 'Changed')} "
                f"{r.membership.user.full_name if r.membership else 'a person'}",
            )
            for r in managers
        ),
    ]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


def _entries(model, records, subject, related_names) -> list[HistoryEntry]:
    # Records come newest first; each is compared with the one before it of the same object.
    by_object: dict[int, list] = {}
    for record in reversed(records):
        by_object.setdefault(record.id, []).append(record)
    entries = []
    for versions in by_object.values():
        previous = None
        for record in versions:
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=history_actor(record),
                    subject=subject(record),
                    action=_HISTORY_ACTIONS.get(record.history_type, "Changed"),
                    changes=_changes(model, previous, record, related_names),
                )
            )
            previous = record
    return entries


def history_actor(record) -> str:
    """Who made a historical record's change: the person as Sharewell names them everywhere
    (User.__str__), or Sharewell itself for a change no one signed in made (a job, a seed)."""
    user = record.history_user
    return str(user) if user else "Sharewell"


def _changes(model, old, new, related_names) -> tuple[FieldChange, ...]:
    if new.history_type == "-":
        return ()
    changes = []
    for field in model._meta.concrete_fields:
        if field.name in _HISTORY_HIDDEN or not hasattr(new, field.attname):
            continue
        before = getattr(old, field.attname) if old is not None else None
        after = getattr(new, field.attname)
        if before == after or (old is None and after in (None, "")):
            continue
        if field.get_internal_type() == "FileField":
            # The stored path means nothing to a reader and is not theirs to see.
            before = "A document" if before else None
            after = "A new document" if after else None
        changes.append(
            FieldChange(
                label=capfirst(field.verbose_name),
                old=readable_value(field, before, related_names.get(field.name, {})),
                new=readable_value(field, after, related_names.get(field.name, {})),
            )
        )
    return tuple(changes)


def readable_value(field, value, names: Mapping[int, str]) -> str:
    """A value of a history row as its reader sees it: a choice's label, Yes or No, a long date
    (and time, in the partnership's zone), and for a foreign key the name in `names` (the rows
    that `field` may point to, by id)."""
    if value is None or value == "":
        return "Not set"
    if field.is_relation:
        return names.get(value, "Another record")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, date):
        return date_format(value, "j F Y")
    return str(value)
