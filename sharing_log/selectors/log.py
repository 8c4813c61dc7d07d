"""Reads of the sharing decision log. Every list starts from `decisions_visible_to`
(sharing_log/access.py), so need-to-know holds everywhere.

Lists are keyset-paginated on (decided_at, id), newest first, with no COUNT(*) and no OFFSET: a
page is one query for its keys, one for those rows and one for their recipients (plus one to
find the cursor's place), whatever the depth. Filtering by recipient walks the recipients' own
index (tenant, organisation, decided_at, decision), which is why each recipient row carries its
decision's time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet, UUIDField
from django.db.models.expressions import RawSQL

from consent.models import DataSubject
from partners.models import Membership, Organisation
from partners.reminders import tenant_zone
from sharing_log.access import (
    Visibility,
    decision_place_for,
    decision_visibility,
    decisions_visible_to,
    is_current,
)
from sharing_log.models import DecisionRecipient, SharingDecision
from sharing_log.models.decisions import recipient_label
from sharing_log.selectors.keyset import log_keys

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class DecisionFilters:
    """What a log is narrowed to. Dates are the partnership's calendar days, inclusive."""

    decided_from: date | None = None
    decided_to: date | None = None
    outcome: str = ""
    basis: str = ""
    recipient_organisation: Organisation | None = None
    decided_by: Membership | None = None
    subject: DataSubject | None = None
    organisation: Organisation | None = None
    current_only: bool = True


@dataclass(frozen=True)
class DecisionPage:
    """One page of a log, newest first. `next_after` (older rows) and `prev_before` (newer rows)
    are the cursors of the neighbouring pages, or None when there is none: a decision's public
    id, opaque and safe in a query string."""

    decisions: list[SharingDecision]
    next_after: UUID | None
    prev_before: UUID | None

    @property
    def has_next(self) -> bool:
        return self.next_after is not None

    @property
    def has_previous(self) -> bool:
        return self.prev_before is not None


def _start_of(day: date, tenant) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tenant_zone(tenant))


# The filters that name a value of the decision's own: a choice, or a related row.
CHOSEN = ("outcome", "basis")
RELATED = ("subject", "organisation", "decided_by")


def _equal(filters: DecisionFilters) -> dict:
    """The filters on the decision's own fields that are set, by field name."""
    equal = {name: getattr(filters, name) for name in CHOSEN if getattr(filters, name)}
    equal.update(
        {name: getattr(filters, name) for name in RELATED if getattr(filters, name) is not None}
    )
    return equal


def _narrowing(filters: DecisionFilters) -> Q:
    """The filters on the decision itself, as one condition."""
    condition = is_current() if filters.current_only else Q()
    return condition & Q(**_equal(filters))


def _bounds(filters: DecisionFilters, tenant) -> tuple[datetime | None, datetime | None]:
    """The date range as instants: from the start of its first day, until the start of the day
    after its last (the partnership's calendar days)."""
    since = _start_of(filters.decided_from, tenant) if filters.decided_from else None
    until = (
        _start_of(filters.decided_to + timedelta(days=1), tenant) if filters.decided_to else None
    )
    return since, until


def _dated(filters: DecisionFilters, tenant, time_column: str) -> Q:
    """The date range on the column the page walks, so that it bounds the index scan."""
    since, until = _bounds(filters, tenant)
    condition = Q()
    if since:
        condition &= Q(**{f"{time_column}__gte": since})
    if until:
        condition &= Q(**{f"{time_column}__lt": until})
    return condition


def _raw_walk(
    viewer: Membership,
    filters: DecisionFilters,
    cursor: SharingDecision | None,
    descending: bool,
    limit: int,
    way: Visibility | None = None,
) -> list[tuple]:
    """The walk by a raw cursor (selectors/keyset.py), the same filters as plain values: of the
    whole log (`way` None, a member who sees every decision), or of one way a member sees
    decisions (then never with a recipient filter: that is the single walk's)."""
    since, until = _bounds(filters, viewer.tenant)
    equal = {
        name: value.pk if name in RELATED else value for name, value in _equal(filters).items()
    }
    recipient = filters.recipient_organisation
    if way is not None:
        recipient_id, condition = way.received_by, way.sql
    else:
        recipient_id, condition = (recipient.pk if recipient is not None else None), ("1 = 1", [])
    return log_keys(
        tenant_id=viewer.tenant_id,
        condition=condition,
        equal=equal,
        current_only=filters.current_only,
        recipient_organisation_id=recipient_id,
        since=since,
        until=until,
        cursor=(cursor.decided_at, cursor.pk) if cursor is not None else None,
        descending=descending,
        limit=limit,
    )


def filtered(viewer: Membership, filters: DecisionFilters) -> tuple[QuerySet, Q, str]:
    """The visible decisions narrowed by `filters`, the condition on the recipient (kept apart
    so that it and the cursor share one join), and the column the keyset runs on."""
    decisions = decisions_visible_to(viewer).filter(_narrowing(filters))
    time_column = "decided_at"
    recipient = Q()
    if filters.recipient_organisation is not None:
        # Walk the recipients' index (tenant, organisation, decided_at, decision): their copy of
        # the time orders the page. The tenant is named too, or PostgreSQL cannot use the index
        # and reads every recipient row of the organisation (docs/performance.md, request S8).
        time_column = "recipients__decided_at"
        recipient = Q(
            recipients__tenant=viewer.tenant,
            recipients__organisation=filters.recipient_organisation,
        )
    return decisions, recipient & _dated(filters, viewer.tenant, time_column), time_column


# What a row of a list does not show; the detail (decision_get_for) reads them.
LIST_DEFERRED = (
    "consent_snapshot",
    "data_items",
    "content_hash",
    "chain_hash",
    "protected_identities",
    "advice_given",
    "checks_note",
    "basis_details",
    "identity_check_details",
    "supersede_reason",
    "record_location",
)


def public_id_sql(model, column: str, outer: str) -> str:
    """SQL for the public id of the `model` row whose `column` equals `outer` (a column of the
    query around it, already quoted), to be used as a scalar subquery.

    Written out rather than built with Subquery(OuterRef(...)): joined instead, the page's query
    was a join of twelve relations that PostgreSQL took ~95 ms to plan and 2 ms to run; as ORM
    subqueries, compiling the seven of them cost Django ~9 ms a page (docs/performance.md).
    Only names from the models' metadata go in the SQL, quoted; no value from outside."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    where = f"inner_row.{quote(column)} = {outer}"
    return f"SELECT inner_row.{quote('public_id')} FROM {table} inner_row WHERE {where}"  # noqa: S608


def _public_id(field: str, related_field: str = "id") -> RawSQL:
    """The public id of the row a decision's `field` points to (or, with `related_field`, of the
    row whose `related_field` points to the decision), as a scalar subquery. The outer table is
    the log's own, which Django leaves unaliased."""
    log = SharingDecision._meta
    quote = connection.ops.quote_name
    if related_field == "id":
        target = log.get_field(field)
        outer = f"{quote(log.db_table)}.{quote(target.column)}"
        sql = public_id_sql(target.related_model, "id", outer)
    else:
        outer = f"{quote(log.db_table)}.{quote('id')}"
        sql = public_id_sql(SharingDecision, log.get_field(related_field).column, outer)
    return RawSQL(sql, (), output_field=UUIDField())  # noqa: S611


def with_details(decisions: QuerySet) -> QuerySet:
    """A list's rows: the child, the organisation, the decider and the approval (with its
    manager) joined; the recipients in one more query; the other related ids, and the id of the
    version after, as scalar subqueries (no query per row)."""
    return (
        decisions.select_related("subject", "organisation", "decided_by__user", "approval__manager")
        .annotate(
            supersedes_public_id=_public_id("supersedes"),
            statutory_gateway_public_id=_public_id("statutory_gateway"),
            requested_by_organisation_public_id=_public_id("requested_by_organisation"),
            agreement_public_id=_public_id("agreement"),
            consent_scope_public_id=_public_id("consent_scope"),
            consent_public_id=_public_id("consent"),
            superseded_by_public_id=_public_id("superseded_by", related_field="supersedes"),
        )
        .prefetch_related(
            Prefetch(
                "recipients",
                queryset=DecisionRecipient.objects.select_related("organisation").order_by("id"),
            )
        )
    )


def _after(cursor: SharingDecision | None, time_column: str, descending: bool) -> Q:
    """Rows beyond the cursor. The first term bounds the index scan at the cursor; the rest
    breaks ties by id."""
    if cursor is None:
        return Q()
    op = "lt" if descending else "gt"
    return Q(**{f"{time_column}__{op}e": cursor.decided_at}) & (
        Q(**{f"{time_column}__{op}": cursor.decided_at})
        | Q(**{time_column: cursor.decided_at, f"id__{op}": cursor.pk})
    )


def _walk(decisions: QuerySet, time_column: str, descending: bool, limit: int) -> list[tuple]:
    """(time, id, public id) of the first `limit` rows in page order."""
    sign = "-" if descending else ""
    return list(
        decisions.order_by(f"{sign}{time_column}", f"{sign}id").values_list(
            time_column, "pk", "public_id"
        )[:limit]
    )


def _page_keys(
    viewer: Membership,
    filters: DecisionFilters,
    cursor: SharingDecision | None,
    descending: bool,
    limit: int,
) -> list[tuple[int, UUID]]:
    """(id, public id) of up to `limit` rows beyond the cursor, in page order, each once.

    A member who sees their organisation's decisions sees those it made, those it received (and
    those it approves): one condition over the whole log would walk the partnership's index past
    every other organisation's decisions, so each way walks its own index (decision_org,
    recipient_org_log) and the pages merge here. A child's log, or one filtered by recipient,
    is small or has its own index, and takes one query."""
    ways = decision_visibility(viewer)
    if ways is None:
        rows = _raw_walk(viewer, filters, cursor, descending, limit)
    elif len(ways) > 1 and filters.subject is None and not filters.recipient_organisation:
        rows = []
        for way in ways:
            rows += _raw_walk(viewer, filters, cursor, descending, limit, way)
        rows.sort(reverse=descending)
    else:
        decisions, condition, column = filtered(viewer, filters)
        rows = _walk(
            decisions.filter(condition, _after(cursor, column, descending)),
            column,
            descending,
            limit,
        )
    # A decision reached twice (made and received, or by two recipients) appears once.
    return list(dict.fromkeys((pk, public_id) for _, pk, public_id in rows))[:limit]


def _in_key_order(by_key: dict, keys: Sequence[int]) -> list:
    """The rows read for a page (by id), in the order of its keys."""
    return [by_key[key] for key in keys]


def decision_instances(keys: Sequence[int]) -> list[SharingDecision]:
    """The rows of a page as decisions, in `keys` order, with what a page shows of them."""
    found = with_details(SharingDecision.objects.filter(pk__in=keys)).defer(*LIST_DEFERRED)
    return _in_key_order({decision.pk: decision for decision in found}, keys)


# What the log's table writes of each decision (templates/sharing_log/decision_list.html).
TABLE_COLUMNS = (
    "pk",
    "public_id",
    "decided_at",
    "supersedes_id",
    "outcome",
    "basis",
    "override_kind",
    "subject_id",
    "subject__forenames",
    "subject__surname",
    "organisation__name",
    "decided_by__user__full_name",
    "approval__outcome",
)


def decision_table_rows(keys: Sequence[int]) -> list[dict]:
    """The rows of a page as the log's table shows them, in `keys` order, as plain values (the
    TABLE_COLUMNS) with `recipients`, the label of each: every column of every row cost the page
    a fifth of its time (a decision has sixty, an organisation forty), and 400 model instances
    a page another sixth."""
    found = {
        row["pk"]: {**row, "recipients": []}
        for row in SharingDecision.objects.filter(pk__in=keys).values(*TABLE_COLUMNS)
    }
    recipients = (
        DecisionRecipient.objects.filter(decision_id__in=keys)
        .order_by("id")
        .values_list("decision_id", "person_name", "organisation_name", "organisation__name")
    )
    for decision_id, person, named, partner in recipients:
        found[decision_id]["recipients"].append(recipient_label(person, named or partner or ""))
    return _in_key_order(found, keys)


def decision_log(
    *,
    viewer: Membership,
    filters: DecisionFilters = DecisionFilters(),
    after: UUID | str | None = None,
    before: UUID | str | None = None,
    limit: int = PAGE_SIZE,
    rows: Callable[[Sequence[int]], list] = decision_instances,
) -> DecisionPage:
    """A page of the decisions `viewer` may see, narrowed by `filters`: the newest, or those
    older than the decision `after`, or those newer than the decision `before`. A cursor that is
    not a visible decision is a 404. `rows` reads the page's decisions from their ids, in
    order: as model instances (pages), or as plain values (`decision_summaries`, the API)."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    descending = before is None
    cursor_id = after if descending else before
    cursor = decision_place_for(viewer, cursor_id) if cursor_id else None
    # Two steps: the page's keys (the filters, need-to-know and the keyset walk, over the log's
    # indexes alone), then those rows with what a row shows. One query doing both is a join
    # PostgreSQL takes longer to plan than to run.
    keys = _page_keys(viewer, filters, cursor, descending, limit + 1)
    more = len(keys) > limit
    keys = keys[:limit]
    if not descending:
        keys.reverse()
    first, last = (keys[0][1], keys[-1][1]) if keys else (None, None)
    if descending:
        next_after = last if more else None
        prev_before = first if cursor_id else None
    else:
        next_after = last
        prev_before = first if more else None
    found = rows([pk for pk, _ in keys]) if keys else []
    return DecisionPage(decisions=found, next_after=next_after, prev_before=prev_before)
