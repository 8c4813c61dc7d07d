"""Reads about one decision: its versions, its override's status, a manager's queue of
overrides, the consent preview and training warning while a decision is recorded, the statutory
gateways to choose from."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import date
from functools import cache
from uuid import UUID

from django.db import connection
from django.db.models import QuerySet

from agreements.choices import LegalBasisKind
from agreements.models import ConsentScope, LegalBasis
from consent.access import subject_get_for
from consent.models import DataSubject
from consent.selectors import ConsentCheck
from partners.models import Membership, TrainingPolicy
from partners.raw_reads import column, instance, model_columns, quote, read
from partners.reminders import local_today
from partners.selectors import training_is_current
from partners.tenancy import active_tenant_or_none
from sharing_log.access import (
    approving_organisation_ids,
    decisions_visible_to,
)
from sharing_log.choices import (
    OverrideKind,
    OverrideStatus,
)
from sharing_log.models import (
    SharingDecision,
)
from sharing_log.selectors.log import with_details
from sharing_log.services.decisions import consent_checks
from sharing_log.services.drafts import RecipientSpec


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
    outcome = None
    if decision.override_kind != OverrideKind.NONE:  # only an override has an approval to read
        with contextlib.suppress(SharingDecision.approval.RelatedObjectDoesNotExist):
            outcome = decision.approval.outcome
    return override_status_for(decision.override_kind, outcome)


def override_status_for(override_kind: str, approval_outcome: str | None) -> str:
    """The status of an override of `override_kind` whose approval (if any) has this outcome."""
    if override_kind == OverrideKind.NONE:
        return OverrideStatus.NONE
    if approval_outcome is None:
        return OverrideStatus.PENDING
    return OverrideStatus(approval_outcome)


def overrides_pending_for(*, manager: Membership) -> QuerySet[SharingDecision]:
    """The manager's queue: current overrides of the organisations they approve for, not yet
    approved or rejected, made by someone else; the oldest (longest waiting) first."""
    organisations = approving_organisation_ids(manager)
    if not organisations:
        return SharingDecision.objects.none()
    return with_details(
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


@cache
def _gateway_read() -> tuple[str, tuple]:
    columns = model_columns(LegalBasis, "b")
    public_id, kind, is_active, tenant = (
        column(LegalBasis, name, "b") for name in ("public_id", "kind", "is_active", "tenant")
    )
    sql = (
        f"SELECT {', '.join(sql for _, sql, _ in columns)} "  # noqa: S608
        f"FROM {quote(LegalBasis._meta.db_table)} b WHERE {public_id} = %s "
        f"AND {kind} = %s AND {is_active} = %s AND ({tenant} IS NULL OR {tenant} = %s)"
    )
    return sql, columns


def statutory_gateway_by_id(public_id: UUID) -> LegalBasis | None:
    """The one of `statutory_gateways()` with this public id, or None: the same conditions (a
    current statute, shared or the active partnership's own) as one statement through a raw
    cursor (partners.raw_reads), for the gateway a decision names, where the queryset cost more
    to build than to run (docs/performance.md, (c)). A test holds the two to each other."""
    sql, columns = _gateway_read()
    tenant = active_tenant_or_none()
    key = LegalBasis._meta.get_field("public_id").get_db_prep_value(public_id, connection)
    rows = read(
        sql,
        columns,
        [key, LegalBasisKind.STATUTE.value, True, tenant.pk if tenant is not None else None],
    )
    return instance(LegalBasis, rows[0]) if rows else None
