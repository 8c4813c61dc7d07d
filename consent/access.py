"""Need-to-know access to children's records (Haringey 3.8).

Within a partnership, a child's record is visible only to the organisations involved with the
child: the child's current setting, the organisations in the team around the child, those a
current consent allows sharing with, and any that another app says are involved (the sharing
log: an organisation a decision shared with). Each involved organisation's group holds
django-guardian's `view_datasubject` permission on the record, in the direct-foreign-key table
`DataSubjectGroupObjectPermission`; `subject_sync_access` grants it when an organisation becomes
involved and revokes it when it no longer is. IG officers and auditors see every child of their
partnership.

Two functions answer every question about it, for pages, the API and search alike:
`subjects_visible_to(membership)` (a queryset) and `subject_get_for(membership, public_id)` (one
child, or Http404 — missing, another partnership's and not-involved look the same).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from uuid import UUID

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from consent.choices import ConsentStatus
from consent.models import (
    ConsentRecipient,
    DataSubject,
    DataSubjectGroupObjectPermission,
    DataSubjectUserObjectPermission,
    OrganisationGroup,
    TeamMember,
)
from partners.models import Membership, Organisation
from partners.raw_reads import column, instances, model_columns, placeholders, quote, read
from partners.roles import can
from partners.tenancy import active_tenant_or_none

VIEW_PERMISSION = "view_datasubject"
NOT_FOUND = "No such child or young person."

# --- Who is involved -----------------------------------------------------------------------------

InvolvementSource = Callable[[DataSubject], Iterable[int]]
_involvement_sources: dict[str, InvolvementSource] = {}


def register_involvement_source(name: str, function: InvolvementSource) -> None:
    """Let another app name organisations involved with a child (the sharing log: those a
    decision shared with). `function(subject)` returns organisation ids; call
    `subject_sync_access(subject=...)` after what it reads changes. Register in AppConfig.ready().
    """
    existing = _involvement_sources.get(name)
    if existing is not None and existing is not function:
        raise ImproperlyConfigured(f"An involvement source named {name!r} is already registered.")
    _involvement_sources[name] = function


def unregister_involvement_source(name: str) -> None:
    _involvement_sources.pop(name, None)


def involved_organisation_ids(subject: DataSubject) -> set[int]:
    """Every organisation involved with the child now."""
    involved: set[int] = set()
    if subject.current_setting_id:
        involved.add(subject.current_setting_id)
    involved.update(
        TeamMember.objects.filter(subject=subject, ended_on__isnull=True).values_list(
            "organisation_id", flat=True
        )
    )
    # A consent allows sharing with its recipients only while it stands.
    involved.update(
        ConsentRecipient.objects.filter(
            consent__subject=subject, consent__status=ConsentStatus.GIVEN
        ).values_list("organisation_id", flat=True)
    )
    for function in _involvement_sources.values():
        involved.update(function(subject))
    return involved


# --- Grants --------------------------------------------------------------------------------------


def organisation_group(organisation: Organisation) -> Group:
    """The organisation's group, created the first time it is needed."""
    link = (
        OrganisationGroup.objects.select_related("group")
        .filter(organisation_id=organisation.pk)
        .first()
    )
    if link is not None:
        return link.group
    try:
        with transaction.atomic():
            group, _ = Group.objects.get_or_create(name=f"sharewell-org-{organisation.public_id}")
            OrganisationGroup.objects.create(
                tenant_id=organisation.tenant_id, organisation=organisation, group=group
            )
            return group
    except IntegrityError:
        # Another request created it between our read and our insert.
        return (
            OrganisationGroup.objects.select_related("group")
            .get(organisation_id=organisation.pk)
            .group
        )


def _view_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="consent", codename=VIEW_PERMISSION)


def subject_sync_access(*, subject: DataSubject) -> None:
    """Make the grants on the child's record match the organisations involved: grant each newly
    involved organisation's group, revoke those no longer involved. Idempotent; every service
    that changes involvement calls it in the same transaction."""
    wanted = involved_organisation_ids(subject)
    permission = _view_permission()
    granted = {
        row.group_id: row
        for row in DataSubjectGroupObjectPermission.objects.filter(
            content_object=subject, permission=permission
        )
    }
    wanted_groups = {
        organisation_group(organisation).pk
        for organisation in Organisation.objects.filter(pk__in=wanted)
    }
    for group_id in wanted_groups - set(granted):
        # A savepoint: a concurrent sync may have granted the same row a moment ago.
        try:
            with transaction.atomic():
                DataSubjectGroupObjectPermission.objects.create(
                    tenant_id=subject.tenant_id,
                    content_object=subject,
                    group_id=group_id,
                    permission=permission,
                )
        except IntegrityError:
            pass
    stale = [row.pk for group_id, row in granted.items() if group_id not in wanted_groups]
    if stale:
        DataSubjectGroupObjectPermission.objects.filter(pk__in=stale).delete()


def granted_organisations(
    subject_ids: Iterable[int], organisation_ids: Iterable[int]
) -> set[tuple[int, int]]:
    """Which of these organisations hold the view grant on which of these children, as (child,
    organisation) pairs: one raw statement (partners.raw_reads), asked by every decision to
    share, to learn whether it involves anyone new (building it with the ORM, through the
    group's link to its organisation, cost more than running it)."""
    subjects, organisations = sorted(set(subject_ids)), sorted(set(organisation_ids))
    if not subjects or not organisations:
        return set()
    grant, link, permission = DataSubjectGroupObjectPermission, OrganisationGroup, Permission

    sql = (
        f"SELECT {column(grant, 'content_object', 'g')}, {column(link, 'organisation', 'o')} "  # noqa: S608
        f"FROM {quote(grant._meta.db_table)} g "
        f"JOIN {quote(link._meta.db_table)} o "
        f"ON {column(link, 'group', 'o')} = {column(grant, 'group', 'g')} "
        f"JOIN {quote(permission._meta.db_table)} p "
        f"ON p.{quote(permission._meta.pk.column)} = {column(grant, 'permission', 'g')} "
        f"WHERE {column(permission, 'content_type', 'p')} = %s "
        f"AND {column(permission, 'codename', 'p')} = %s "
        f"AND {column(grant, 'content_object', 'g')} IN ({placeholders(len(subjects))}) "
        f"AND {column(link, 'organisation', 'o')} IN ({placeholders(len(organisations))})"
    )
    content_type = ContentType.objects.get_for_model(DataSubject).pk
    with connection.cursor() as cursor:
        cursor.execute(sql, [content_type, VIEW_PERMISSION, *subjects, *organisations])
        return {(child, organisation) for child, organisation in cursor.fetchall()}


# --- Reading -------------------------------------------------------------------------------------


def sees_every_child(membership: Membership) -> bool:
    return can(membership, "consent.view_all")


@cache
def _grant_keys_read() -> tuple[str, tuple]:
    """The view permission's id, and the id of the group of an organisation, as one statement
    through a raw cursor (partners.raw_reads): every request of a member asks it, and built
    with the ORM it cost a page four times what running it does."""
    permission, group = Permission._meta, OrganisationGroup._meta
    columns = (
        ("permission", f"p.{quote(permission.pk.column)}", permission.pk),
        ("group", "g", group.get_field("group")),
    )
    organisation_group = (
        f"SELECT g.{quote(group.get_field('group').column)} "  # noqa: S608
        f"FROM {quote(group.db_table)} g WHERE g.{quote('tenant_id')} = %s "
        f"AND g.{quote(group.get_field('organisation').column)} = %s"
    )
    sql = (
        f"SELECT p.{quote(permission.pk.column)}, ({organisation_group}) "  # noqa: S608
        f"FROM {quote(permission.db_table)} p "
        f"WHERE p.{quote(permission.get_field('content_type').column)} = %s "
        f"AND p.{quote('codename')} = %s"
    )
    return sql, columns


def _grant_keys(membership: Membership) -> tuple[int | None, int | None]:
    """(the group of the member's organisation, the view permission) as ids, read once and kept
    on the membership instance (one request's): the grants are then asked by the
    columns of their unique index, with no join to compile or plan for each child. The group
    is read again while the organisation has none (it is made with its first grant)."""
    kept = membership.__dict__.get("_grant_keys")
    if kept is not None and kept[0] == membership.organisation_id:
        return kept[1]
    sql, columns = _grant_keys_read()
    content_type = ContentType.objects.get_for_model(DataSubject).pk
    rows = read(
        sql,
        columns,
        [membership.tenant_id, membership.organisation_id, content_type, VIEW_PERMISSION],
    )
    keys = (rows[0][1], rows[0][0]) if rows else (None, None)
    if keys[0] is not None:
        membership.__dict__["_grant_keys"] = (membership.organisation_id, keys)
    return keys


def _grants(membership: Membership, child=None) -> tuple[QuerySet, QuerySet]:
    """The grants of a child's record to the member's organisation (or, exceptionally, to the
    member's user): `child` is the child's key, or an OuterRef to it; None for every child's."""
    of_child = {} if child is None else {"content_object_id": child}
    group_id, permission_id = _grant_keys(membership)
    group_grants = DataSubjectGroupObjectPermission.objects.filter(
        **of_child, group_id=group_id, permission_id=permission_id
    )
    user_grants = DataSubjectUserObjectPermission.objects.filter(
        **of_child,
        user_id=membership.user_id,
        permission_id=permission_id,
        tenant_id=membership.tenant_id,
    )
    return group_grants, user_grants


def _granted_subject_ids(membership: Membership, child: str = "pk") -> Q:
    """Children whose record is granted to the member, as a condition on the column `child`
    names (DataSubject's own key, or another model's key of a child): correlated EXISTS, no
    per-row query. EXISTS rather than IN: for one child PostgreSQL probes the grant index for
    that child instead of reading every grant of the organisation (docs/performance.md)."""
    group_grants, user_grants = _grants(membership, OuterRef(child))
    return Q(Exists(group_grants)) | Q(Exists(user_grants))


# Whom a member's need-to-know lets them see: no child, every child, or those granted to them.
NOBODY, EVERYONE, GRANTED = "nobody", "everyone", "granted"


def _reach(membership: Membership) -> str:
    if not membership.is_active or not can(membership, "consent.view"):
        return NOBODY
    return EVERYONE if sees_every_child(membership) else GRANTED


def _granted_subject_set(membership: Membership, child: str) -> Q:
    """The same grants as `_granted_subject_ids`, as `child IN (the grants' children)`: one
    subquery, which PostgreSQL can start from. A list of what a member's few hundred children
    have (the consents due for review) then reads those children's rows by index, where the
    two EXISTS, joined by OR, were tested against every row of the partnership (94 against 6
    ms for a SENCo's consents, docs/performance.md (h))."""
    group_grants, user_grants = _grants(membership)
    children = group_grants.values("content_object_id").union(
        user_grants.values("content_object_id")
    )
    return Q(**{f"{child}__in": children})


def child_visible_to(membership: Membership, child: str, *, listing: bool = False) -> Q:
    """A condition on another model's key of a child (`child`, e.g. "subject_id"): the member
    may see that child. The same rule as subjects_visible_to, asked of the grants directly: a
    join through the children table made PostgreSQL read all of them for the sharing log.
    `listing` asks it as one set of children, for a list that starts from the member's
    children rather than probing a child at a time (`_granted_subject_set`)."""
    reach = _reach(membership)
    if reach == NOBODY:
        return Q(pk__in=[])
    if reach == EVERYONE:
        return Q()
    if listing:
        return _granted_subject_set(membership, child)
    return _granted_subject_ids(membership, child)


def _grant_sql(model, alias: str, child: str, keys: tuple[str, ...]) -> str:
    meta = model._meta
    compared = " AND ".join(f"{alias}.{quote(meta.get_field(key).column)} = %s" for key in keys)
    return (
        f"EXISTS (SELECT 1 FROM {quote(meta.db_table)} {alias} "  # noqa: S608
        f"WHERE {alias}.{quote(meta.get_field('content_object').column)} = {child} AND {compared} "
        "LIMIT 1)"
    )


def child_visible_sql(membership: Membership, child: str) -> tuple[str, list]:
    """`child_visible_to` for a raw statement (sharing_log/selectors/keyset.py): the same rule,
    from the same reach and grant keys, as SQL on `child` (a column holding a child's key,
    already quoted) with its parameters. The two correlated EXISTS are those the ORM writes,
    so the plans are the same. tests/consent/test_access.py holds the two forms to each other
    for every kind of member."""
    reach = _reach(membership)
    if reach != GRANTED:
        return ("1 = 1" if reach == EVERYONE else "1 = 0"), []
    group_id, permission_id = _grant_keys(membership)
    params = [group_id, permission_id, permission_id, membership.tenant_id, membership.user_id]
    return _granted_sql(child), params


@cache
def _granted_sql(child: str) -> str:
    """child_visible_sql's condition for a member whose reach is their grants: the same text
    for every member (their keys are its parameters), so it is written once per column."""
    by_group = _grant_sql(DataSubjectGroupObjectPermission, "gg", child, ("group", "permission"))
    by_user = _grant_sql(
        DataSubjectUserObjectPermission, "ug", child, ("permission", "tenant", "user")
    )
    return f"({by_group} OR {by_user})"


def subjects_visible_to(membership: Membership) -> QuerySet[DataSubject]:
    """The active partnership's children this member may see. Every list and search starts
    here."""
    return DataSubject.objects.filter(child_visible_to(membership, "pk"))


# subject_get_for marks the child it loaded with the member it was checked for, so the selectors
# a page then calls (consents, access requests, decisions) ask the database once per request,
# not once each. The mark lives on that one instance, which lives as long as the request.
_CHECKED_FOR = "_visible_to_membership"


def subject_is_visible_to(membership: Membership, subject: DataSubject) -> bool:
    """The rule of subjects_visible_to for one child already loaded: its grants are probed by
    the child's key (one small query), not matched against every child the member may see."""
    if membership.tenant_id != subject.tenant_id:
        return False
    if getattr(subject, _CHECKED_FOR, None) == membership.pk:
        return True
    reach = _reach(membership)
    if reach != GRANTED:
        return reach == EVERYONE
    group_grants, user_grants = _grants(membership, subject.pk)
    return group_grants.exists() or user_grants.exists()


@cache
def _subject_read() -> tuple[str, tuple]:
    """A child by public id within a partnership, with their current setting (as
    `select_related` reads it), for a need-to-know condition to follow."""
    subject, setting = DataSubject._meta, Organisation._meta
    columns = model_columns(DataSubject, "s") + model_columns(Organisation, "o")
    sql = (
        f"SELECT {', '.join(sql for _, sql, _ in columns)} "  # noqa: S608
        f"FROM {quote(subject.db_table)} s LEFT JOIN {quote(setting.db_table)} o "
        f"ON o.{quote(setting.pk.column)} = {column(DataSubject, 'current_setting', 's')} "
        f"WHERE s.{quote('tenant_id')} = %s AND s.{quote('public_id')} = %s AND "
    )
    return sql, columns


def subject_get_for(membership: Membership, public_id: UUID | str) -> DataSubject:
    """The child with this public id, if the member may see them; otherwise Http404, with the
    same message however it failed (and never anything about the child).

    One statement through a raw cursor (partners.raw_reads): the child by id, their current
    setting, and the need-to-know condition of `child_visible_sql`, the same two EXISTS that
    probe the grants by the child's key. Every page and API call about a child asks it first;
    through the ORM it was two queries (the child, then its grants) that cost several times
    what running them does (docs/performance.md, (c))."""
    active = active_tenant_or_none()
    if active is not None and active.pk != membership.tenant_id:
        raise Http404(NOT_FOUND)
    try:
        key = UUID(str(public_id))
    except ValueError:
        raise Http404(NOT_FOUND) from None
    if _reach(membership) == NOBODY:
        raise Http404(NOT_FOUND)
    sql, columns = _subject_read()
    visible, params = child_visible_sql(membership, column(DataSubject, "id", "s"))
    public_id_field = DataSubject._meta.get_field("public_id")
    rows = read(
        sql + visible,
        columns,
        [membership.tenant_id, public_id_field.get_db_prep_value(key, connection), *params],
    )
    if not rows:
        raise Http404(NOT_FOUND)
    subject, setting = instances((DataSubject, Organisation), rows[0])
    # A child with no setting joined none: the organisation's columns were all NULL.
    DataSubject._meta.get_field("current_setting").set_cached_value(
        subject, setting if subject.current_setting_id else None
    )
    setattr(subject, _CHECKED_FOR, membership.pk)
    return subject


def subjects_get_for(membership: Membership, public_ids: Iterable[UUID]) -> dict[UUID, DataSubject]:
    """The children with these public ids that the member may see, by id, in one query however
    many (a batch of decisions names fifty); those missing or not visible are left out, for
    subject_get_for to refuse one by one in its usual words."""
    wanted = set(public_ids)
    if not wanted:
        return {}
    found = {}
    # The tenant-scoped manager has already filtered by tenant; as in subject_get_for, the
    # member's own partnership is asked for again.
    for subject in (
        subjects_visible_to(membership)
        .select_related("current_setting")
        .filter(public_id__in=wanted, tenant_id=membership.tenant_id)
    ):
        setattr(subject, _CHECKED_FOR, membership.pk)
        found[subject.public_id] = subject
    return found
