"""Reads of the sharing decision log. Every list starts from `decisions_visible_to`
(sharing_log/access.py), so need-to-know holds everywhere.

Lists are keyset-paginated on (decided_at, id), newest first, with no COUNT(*) and no OFFSET: a
page is one query for its keys, one for those rows and one for their recipients (plus one to
find the cursor's place), whatever the depth. Filtering by recipient walks the recipients' own
index (tenant, organisation, decided_at, decision), which is why each recipient row carries its
decision's time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, UUIDField
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from agreements.choices import LegalBasisKind
from agreements.models import ConsentScope, LegalBasis
from consent.access import subject_get_for
from consent.models import DataSubject
from consent.selectors import ConsentCheck
from partners.models import Membership, Organisation, TrainingPolicy
from partners.reminders import local_today, tenant_zone
from partners.roles import can
from partners.selectors import training_is_current
from sharing_log.access import (
    NOT_FOUND,
    approving_organisation_ids,
    decision_get_for,
    decision_visibility,
    decisions_visible_to,
    is_current,
    may_decide_override,
    notice_get_for,
    notices_visible_to,
)
from sharing_log.choices import (
    GOLDEN_RULE_6_CHECKS,
    AdviceSource,
    OverrideKind,
    OverrideStatus,
)
from sharing_log.models import (
    DecisionRecipient,
    InaccuracyAcknowledgement,
    InaccuracyNotice,
    InaccuracyNoticeRecipient,
    SharingDecision,
)
from sharing_log.services.decisions import consent_checks
from sharing_log.services.drafts import RecipientSpec

__all__ = [
    "EXPORT_HEADER",
    "DecisionFilters",
    "DecisionPage",
    "decision_chain",
    "decision_consent_preview",
    "decision_export_rows",
    "decision_get_for",
    "decision_log",
    "decision_training_warning",
    "decisions_visible_to",
    "may_decide_override",
    "notice_acknowledged_ids",
    "notice_get_for",
    "notices_to_acknowledge",
    "notices_unacknowledged",
    "notices_visible_to",
    "override_status",
    "overrides_pending_for",
    "statutory_gateways",
]

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


def _narrowing(filters: DecisionFilters) -> Q:
    """The filters on the decision itself, as one condition."""
    condition = Q()
    if filters.current_only:
        condition &= is_current()
    for name in ("outcome", "basis"):
        if getattr(filters, name):
            condition &= Q(**{name: getattr(filters, name)})
    for name in ("subject", "organisation", "decided_by"):
        if getattr(filters, name) is not None:
            condition &= Q(**{name: getattr(filters, name)})
    return condition


def _dated(filters: DecisionFilters, tenant, time_column: str) -> Q:
    """The date range on the column the page walks, so that it bounds the index scan."""
    condition = Q()
    if filters.decided_from:
        condition &= Q(**{f"{time_column}__gte": _start_of(filters.decided_from, tenant)})
    if filters.decided_to:
        condition &= Q(
            **{f"{time_column}__lt": _start_of(filters.decided_to + timedelta(days=1), tenant)}
        )
    return condition


def _filtered(viewer: Membership, filters: DecisionFilters) -> tuple[QuerySet, Q, str]:
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


def _public_id(field: str, related_field: str = "id") -> RawSQL:
    """The public id of the row a decision's `field` points to (or, with `related_field`, of the
    row whose `related_field` points to the decision), as a scalar subquery.

    Written out rather than built with Subquery(OuterRef(...)): joined instead, the page's query
    was a join of twelve relations that PostgreSQL took ~95 ms to plan and 2 ms to run; as ORM
    subqueries, compiling the seven of them cost Django ~9 ms a page (docs/performance.md).
    Only names from the models' metadata go in the SQL; the outer table is the log's own, which
    Django leaves unaliased."""
    log = SharingDecision._meta
    quote = connection.ops.quote_name
    if related_field == "id":
        target = log.get_field(field)
        table, column = target.related_model._meta.db_table, target.column
        condition = f"inner_row.{quote('id')} = {quote(log.db_table)}.{quote(column)}"
    else:
        table = log.db_table
        condition = (
            f"inner_row.{quote(log.get_field(related_field).column)} = "
            f"{quote(log.db_table)}.{quote('id')}"
        )
    # Names from the models' metadata, quoted; no value from outside.
    sql = f"SELECT inner_row.{quote('public_id')} FROM {quote(table)} inner_row WHERE {condition}"  # noqa: S608
    return RawSQL(  # noqa: S611
        sql,
        (),
        output_field=UUIDField(),
    )


def _with_details(decisions: QuerySet) -> QuerySet:
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


def _cursor(viewer: Membership, public_id: UUID | str) -> SharingDecision:
    try:
        return decisions_visible_to(viewer).only("decided_at", "id").get(public_id=public_id)
    except (SharingDecision.DoesNotExist, ValueError, ValidationError):
        raise Http404(NOT_FOUND) from None


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
    """(time, id) of the first `limit` rows in page order."""
    sign = "-" if descending else ""
    return list(
        decisions.order_by(f"{sign}{time_column}", f"{sign}id").values_list(time_column, "pk")[
            :limit
        ]
    )


def _page_keys(
    viewer: Membership,
    filters: DecisionFilters,
    cursor: SharingDecision | None,
    descending: bool,
    limit: int,
) -> list[int]:
    """The ids of up to `limit` rows beyond the cursor, in page order, each once.

    A member who sees their organisation's decisions sees those it made, those it received (and
    those it approves): one condition over the whole log would walk the partnership's index past
    every other organisation's decisions, so each way walks its own index (decision_org,
    recipient_org_log) and the pages merge here. A child's log, or one filtered by recipient,
    is small or has its own index, and takes one query."""
    ways = decision_visibility(viewer)
    if ways and len(ways) > 1 and filters.subject is None and not filters.recipient_organisation:
        narrowing = _narrowing(filters)
        rows = []
        for way in ways:
            column = way.time_column
            decisions = SharingDecision.objects.filter(
                way.walk,
                narrowing,
                _dated(filters, viewer.tenant, column),
                _after(cursor, column, descending),
            )
            rows += _walk(decisions, column, descending, limit)
        rows.sort(reverse=descending)
    else:
        decisions, condition, column = _filtered(viewer, filters)
        rows = _walk(
            decisions.filter(condition, _after(cursor, column, descending)),
            column,
            descending,
            limit,
        )
    # A decision reached twice (made and received, or by two recipients) appears once.
    return list(dict.fromkeys(pk for _, pk in rows))[:limit]


def decision_log(
    *,
    viewer: Membership,
    filters: DecisionFilters = DecisionFilters(),
    after: UUID | str | None = None,
    before: UUID | str | None = None,
    limit: int = PAGE_SIZE,
) -> DecisionPage:
    """A page of the decisions `viewer` may see, narrowed by `filters`: the newest, or those
    older than the decision `after`, or those newer than the decision `before`. A cursor that is
    not a visible decision is a 404."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    descending = before is None
    cursor_id = after if descending else before
    cursor = _cursor(viewer, cursor_id) if cursor_id else None
    # Two steps: the page's keys (the filters, need-to-know and the keyset walk, over the log's
    # indexes alone), then those rows with what a row shows. One query doing both is a join
    # PostgreSQL takes longer to plan than to run.
    keys = _page_keys(viewer, filters, cursor, descending, limit + 1)
    more = len(keys) > limit
    keys = keys[:limit]
    found = _with_details(SharingDecision.objects.filter(pk__in=keys)).defer(*LIST_DEFERRED)
    by_key = {decision.pk: decision for decision in found}
    rows = [by_key[key] for key in keys]
    if not descending:
        rows.reverse()
    if descending:
        next_after = rows[-1].public_id if more and rows else None
        prev_before = rows[0].public_id if cursor_id and rows else None
    else:
        next_after = rows[-1].public_id if rows else None
        prev_before = rows[0].public_id if more and rows else None
    return DecisionPage(decisions=rows, next_after=next_after, prev_before=prev_before)


def decision_chain(*, viewer: Membership, decision: SharingDecision) -> list[SharingDecision]:
    """Every version of a decision the viewer may see, oldest first: those it corrects and those
    correcting it. Walks the links (a chain of corrections is short)."""
    visible = decisions_visible_to(viewer).select_related("decided_by__user")
    chain = [decision]
    current = decision
    while current.supersedes_id:
        current = visible.filter(pk=current.supersedes_id).first()
        if current is None:
            break
        chain.insert(0, current)
    current = decision
    while True:
        newer = visible.filter(supersedes_id=current.pk).first()
        if newer is None:
            break
        chain.append(newer)
        current = newer
    return chain


def override_status(decision: SharingDecision) -> str:
    """none, pending, approved or rejected (select_related("approval") to read it for free)."""
    if decision.override_kind == OverrideKind.NONE:
        return OverrideStatus.NONE
    try:
        approval = decision.approval
    except SharingDecision.approval.RelatedObjectDoesNotExist:
        return OverrideStatus.PENDING
    return OverrideStatus(approval.outcome)


def overrides_pending_for(*, manager: Membership) -> QuerySet[SharingDecision]:
    """The manager's queue: current overrides of the organisations they approve for, not yet
    approved or rejected, made by someone else; the oldest (longest waiting) first."""
    organisations = approving_organisation_ids(manager)
    if not organisations:
        return SharingDecision.objects.none()
    return _with_details(
        SharingDecision.objects.filter(
            organisation_id__in=organisations,
            approval__isnull=True,
            superseded_by__isnull=True,
        )
        .exclude(override_kind=OverrideKind.NONE)
        .exclude(decided_by=manager)
    ).order_by("decided_at", "id")


def decision_consent_preview(
    *,
    actor: Membership,
    subject: DataSubject,
    purpose: str,
    recipients: Sequence[RecipientSpec],
    consent_scope: ConsentScope | None = None,
    special_categories: Sequence[str] = (),
    on: date | None = None,
) -> list[tuple[str, ConsentCheck]]:
    """What the consent check says for each recipient, for the form's live answer. Http404 when
    the child is not visible to the actor."""
    subject = subject_get_for(actor, subject.public_id)
    return consent_checks(
        subject=subject,
        purpose=purpose,
        recipients=[recipient for recipient in recipients if _names_someone(recipient)],
        consent_scope=consent_scope,
        special_categories=special_categories,
        on=on or local_today(actor.tenant),
    )


def _names_someone(recipient: RecipientSpec) -> bool:
    return bool(
        recipient.organisation or recipient.organisation_name.strip() or recipient.person_name
    )


def decision_training_warning(actor: Membership) -> str | None:
    """A warning for someone whose IG training is not current, in a partnership that lets them
    log decisions anyway (where it blocks them, decision_record refuses)."""
    if actor.tenant.untrained_decision_policy != TrainingPolicy.WARN:
        return None
    if training_is_current(membership=actor, on=local_today(actor.tenant)):
        return None
    return (
        "Your information governance training is not current. You can still log this decision, "
        "but book your annual refresher."
    )


def statutory_gateways() -> QuerySet[LegalBasis]:
    """The statutes a decision may name as its gateway: the shared reference rows and the
    partnership's own, that are current."""
    return LegalBasis.objects.available().filter(kind=LegalBasisKind.STATUTE)


# --- Export --------------------------------------------------------------------------------------

EXPORT_HEADER: tuple[str, ...] = (
    "Decision id",
    "Sequence",
    "Decided at",
    "Decision",
    "Legal basis",
    "Statutory gateway",
    "Request reference",
    "Child record id",
    "Child",
    "Organisation",
    "Decided by",
    "Requested by",
    "Requester's organisation",
    "Requester's role",
    "Identity confirmed",
    "Purpose",
    "Information level",
    "Information shared or withheld",
    "Recipients",
    "Method",
    "Channel",
    "Record kept at",
    "Golden Rule 6 checks",
    "Advice sought",
    "Reasons",
    "Override",
    "Override status",
    "Reconsider on",
    "Supersedes",
    "Content hash",
    "Chain hash",
)

EXPORT_CHUNK = 1000


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _export_row(decision: SharingDecision, zone) -> list:
    subject = decision.subject
    recipients = "; ".join(str(recipient) for recipient in decision.recipients.all())
    checks = "; ".join(
        f"{label.lower()}: {_yes_no(getattr(decision, name))}"
        for name, label in GOLDEN_RULE_6_CHECKS.items()
    )
    advice = ", ".join(AdviceSource(code).label for code in decision.advice_sought)
    return [
        str(decision.public_id),
        decision.sequence,
        timezone.localtime(decision.decided_at, zone).strftime("%Y-%m-%d %H:%M"),
        decision.get_outcome_display(),
        decision.get_basis_display(),
        decision.statutory_gateway.citation if decision.statutory_gateway else "",
        decision.request_reference,
        str(subject.public_id) if subject else "",
        f"{subject.forenames} {subject.surname}" if subject else "",
        decision.organisation.name,
        decision.decided_by.user.get_full_name() or decision.decided_by.user.email,
        decision.requested_by_name,
        decision.requested_by_organisation.name
        if decision.requested_by_organisation
        else decision.requested_by_organisation_name,
        decision.requested_by_role,
        decision.get_identity_check_display(),
        decision.purpose,
        decision.get_information_level_display(),
        decision.information_description,
        recipients,
        decision.get_method_display(),
        decision.get_channel_display(),
        decision.record_location,
        checks,
        advice,
        decision.reasons,
        decision.get_override_kind_display(),
        OverrideStatus(override_status(decision)).label,
        decision.reconsider_on,
        str(decision.supersedes_public_id or ""),
        decision.content_hash,
        decision.chain_hash,
    ]


def decision_export_rows(*, viewer: Membership, filters: DecisionFilters) -> Iterator[list]:
    """Every decision of a filtered log as CSV rows (EXPORT_HEADER), newest first, streamed in
    chunks: two queries per thousand rows, however long the log. The view records the export in
    the access audit and writes the rows with partners.security.csv.csv_response.

    The query is built here, inside the request's tenant; its rows are read as the response
    streams, after the view has returned."""
    decisions, condition, time_column = _filtered(viewer, filters)
    rows = (
        _with_details(decisions.filter(condition))
        .select_related("requested_by_organisation", "statutory_gateway")
        .order_by(f"-{time_column}", "-id")
    )
    return _export_rows(rows, tenant_zone(viewer.tenant))


def _export_rows(decisions: QuerySet, zone) -> Iterator[list]:
    seen_last: int | None = None
    for decision in decisions.iterator(chunk_size=EXPORT_CHUNK):
        if decision.pk == seen_last:
            continue  # The same decision through two recipients of the organisation.
        seen_last = decision.pk
        yield _export_row(decision, zone)


# --- Inaccuracy notices -------------------------------------------------------------------------


def notices_unacknowledged(*, viewer: Membership) -> QuerySet[InaccuracyNotice]:
    """Notices some recipient organisation has not acknowledged: all of the partnership's for
    the IG officer and the auditor, otherwise those the viewer may see. Oldest first."""
    acknowledged = InaccuracyAcknowledgement.objects.filter(
        notice_id=OuterRef("notice_id"), organisation_id=OuterRef("organisation_id")
    )
    waiting = InaccuracyNoticeRecipient.objects.filter(notice_id=OuterRef("pk")).exclude(
        Exists(acknowledged)
    )
    notices = (
        InaccuracyNotice.objects.all()
        if can(viewer, "decisions.view_all")
        else notices_visible_to(viewer)
    )
    return (
        notices.filter(Exists(waiting))
        .select_related("organisation", "decision")
        .prefetch_related("recipient_organisations__organisation", "acknowledgements")
        .order_by("recorded_at", "id")
    )


def notices_to_acknowledge(*, membership: Membership) -> QuerySet[InaccuracyNotice]:
    """Notices the member's organisation received and has not acknowledged yet."""
    acknowledged = InaccuracyAcknowledgement.objects.filter(
        organisation_id=membership.organisation_id
    ).values("notice_id")
    received = InaccuracyNoticeRecipient.objects.filter(
        organisation_id=membership.organisation_id
    ).values("notice_id")
    return (
        InaccuracyNotice.objects.filter(pk__in=received)
        .exclude(pk__in=acknowledged)
        .select_related("organisation", "decision")
        .order_by("recorded_at", "id")
    )


def notice_acknowledged_ids(notice: InaccuracyNotice) -> set[int]:
    """The organisations that have acknowledged a notice (prefetch acknowledgements for free)."""
    return {ack.organisation_id for ack in notice.acknowledgements.all()}
