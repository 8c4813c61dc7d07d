"""Who may see which sharing decisions, who approves an override, and which organisations a
decision makes involved with a child. One access function per model lives here; the selectors
re-export them.

- The IG officer and the auditor ("decisions.view_all") see every decision of the partnership.
- Anyone else with "decisions.view" sees the decisions their organisation made or received (is a
  recipient of); a decision about a child also needs the child's record to be visible to them
  (need-to-know, consent/access.py).
- The deciding organisation's approvers (its designated managers, and its people in the manager
  role) see all of that organisation's decisions: they decide on its overrides (Haringey 4.6).
- A partner organisation a current, effective share about a child went to is involved with the
  child (an involvement source of consent/access.py), so its practitioners can read the child's
  record and the decision.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, cached_property, reduce
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from consent.access import child_visible_sql, child_visible_to
from consent.models import DataSubject
from partners.models import DesignatedManager, Membership, Organisation
from partners.raw_reads import by_public_id, column, column_values, placeholders
from partners.reminders import active_members, ig_officers
from partners.roles import Role, can
from sharing_log.choices import SHARING_OUTCOMES, ApprovalOutcome, OverrideKind
from sharing_log.models import (
    DecisionRecipient,
    InaccuracyNotice,
    InaccuracyNoticeRecipient,
    OverrideApproval,
    SharingDecision,
)

NOT_FOUND = "No such sharing decision."
NOTICE_NOT_FOUND = "No such inaccuracy notice."


# --- Approvers -------------------------------------------------------------------------------


def approving_organisation_ids(membership: Membership) -> set[int]:
    """The organisations whose overrides this member decides on: those they are a designated
    manager for, and their own when they are in the manager role."""
    if not membership.is_active:
        return set()
    ids = set(column_values(DesignatedManager, "organisation", membership=membership.pk))
    if membership.role == Role.MANAGER:
        ids.add(membership.organisation_id)
    return ids


def may_decide_override(membership: Membership, decision: SharingDecision) -> bool:
    """A designated manager of the deciding organisation (or one of its managers), who is not
    the person who made the decision."""
    if membership.tenant_id != decision.tenant_id or membership.pk == decision.decided_by_id:
        return False
    return decision.organisation_id in approving_organisation_ids(membership)


def override_approvers(organisation: Organisation) -> tuple[list[Membership], str]:
    """Who is asked to decide on an override of `organisation`, and why: its designated managers,
    else its managers; when it has neither, the partnership's IG officers are told so that the
    referral is not lost (they can designate someone)."""
    designated = active_members(designated_for=organisation)
    if designated:
        return designated, f"You are a designated manager of {organisation.name}."
    managers = active_members(role=Role.MANAGER, organisation=organisation)
    if managers:
        return managers, f"You are a manager of {organisation.name}."
    return ig_officers(), (
        f"{organisation.name} has no designated manager in Sharewell, so the partnership's IG "
        "officers are told."
    )


# --- Decisions ---------------------------------------------------------------------------------


def is_current() -> Q:
    """Decisions no later decision supersedes. Written as NOT EXISTS (an anti-join on the
    unique `supersedes` index), which PostgreSQL walks newest-first along the log's index; a
    LEFT JOIN … IS NULL is planned as a join of the whole log."""
    return ~Q(Exists(SharingDecision.objects.filter(supersedes=OuterRef("pk"))))


def _received_by(organisation_id: int) -> Exists:
    return Exists(
        DecisionRecipient.objects.filter(decision=OuterRef("pk"), organisation_id=organisation_id)
    )


@dataclass(frozen=True)
class Visibility:
    """One way a member comes to see decisions. `condition` selects them as a filter on the log
    (each decision once). `sql` and `received_by` select the same decisions for a log that pages
    each way separately, by a raw statement (selectors/keyset.py) that an index reads newest
    first: `sql` is the condition on the log's row `d`, with its parameters, and `received_by`
    the organisation whose recipient rows the walk reads (their index, recipient_org_log, orders
    them by their copy of the time), if any."""

    sql: tuple[str, list]
    # Builds `condition`. Only a queryset asks for it: the log's pages walk by `sql`, and
    # building need-to-know's EXISTS for nothing was a tenth of a practitioner's page.
    build_condition: Callable[[], Q]
    received_by: int | None = None

    @cached_property
    def condition(self) -> Q:
        return self.build_condition()


def decision_visibility(membership: Membership) -> list[Visibility] | None:
    """The decisions this member may see, as the ways whose union they are: None when that is
    every decision of the partnership, an empty list when it is none."""
    if not membership.is_active or not can(membership, "decisions.view"):
        return []
    if can(membership, "decisions.view_all"):
        return None
    organisation_id = membership.organisation_id

    # Asked of the grants for each decision's child, never through the table of every child.
    @cache
    def child_visible() -> Q:
        return Q(subject__isnull=True) | child_visible_to(membership, "subject_id")

    subject, deciding = (column(SharingDecision, name, "d") for name in ("subject", "organisation"))
    granted, granted_params = child_visible_sql(membership, subject)
    about_visible = f"({subject} IS NULL OR {granted})"
    ways = [
        Visibility(
            build_condition=lambda: Q(organisation_id=organisation_id) & child_visible(),
            sql=(
                f"{deciding} = %s AND {about_visible}",
                [organisation_id, *granted_params],
            ),
        ),
        Visibility(
            build_condition=lambda: _received_by(organisation_id) & child_visible(),
            sql=(about_visible, granted_params),
            received_by=organisation_id,
        ),
    ]
    approving = approving_organisation_ids(membership)
    if approving:
        listed = placeholders(len(approving))
        ways.append(
            Visibility(
                build_condition=lambda: Q(organisation_id__in=approving),
                sql=(f"{deciding} IN ({listed})", sorted(approving)),
            )
        )
    return ways


def _visible_by(ways: list[Visibility] | None) -> QuerySet[SharingDecision]:
    decisions = SharingDecision.objects.all()
    if ways is None:
        return decisions
    if not ways:
        return decisions.none()
    return decisions.filter(reduce(operator.or_, (way.condition for way in ways)))


def decisions_visible_to(membership: Membership) -> QuerySet[SharingDecision]:
    """The active partnership's decisions this member may see. Every list starts here."""
    return _visible_by(decision_visibility(membership))


def decision_place_for(membership: Membership, public_id: UUID | str) -> SharingDecision:
    """The decision with this public id with only its place in the log read (`decided_at` and
    `id`: a page's cursor), if the member may see it; otherwise Http404 as decision_get_for.
    For a member who sees the whole partnership's log it is one raw read (partners.raw_reads):
    through a queryset, that lookup cost a deep page of the API a tenth of its time."""
    ways = decision_visibility(membership)
    if ways is None:
        found = by_public_id(SharingDecision, public_id, ("id", "decided_at"))
    else:
        try:
            found = _visible_by(ways).only("decided_at", "id").get(public_id=public_id)
        except (SharingDecision.DoesNotExist, ValueError, ValidationError):
            found = None
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def decision_get_for(membership: Membership, public_id: UUID | str) -> SharingDecision:
    """The decision with this public id, if the member may see it; otherwise Http404 with the
    same message however it failed."""
    try:
        decision = (
            decisions_visible_to(membership)
            .select_related(
                "subject",
                "organisation",
                "decided_by__user",
                "requested_by_organisation",
                "agreement",
                "consent_scope",
                "consent",
                "statutory_gateway",
                "supersedes",
                "superseded_by",
                "approval__manager__user",
            )
            .prefetch_related("recipients__organisation")
            .get(public_id=public_id)
        )
    except (SharingDecision.DoesNotExist, ValueError, ValidationError):
        raise Http404(NOT_FOUND) from None
    # A second line of defence: the tenant-scoped manager has already filtered by tenant.
    if decision.tenant_id != membership.tenant_id:
        raise Http404(NOT_FOUND)
    return decision


# --- Inaccuracy notices --------------------------------------------------------------------------


def notices_visible_to(membership: Membership) -> QuerySet[InaccuracyNotice]:
    """Notices on decisions the member may see."""
    return InaccuracyNotice.objects.filter(
        decision__in=decisions_visible_to(membership).values("pk")
    )


def notice_get_for(membership: Membership, public_id: UUID | str) -> InaccuracyNotice:
    try:
        notice = (
            notices_visible_to(membership)
            .select_related("decision__organisation", "organisation", "recorded_by__user")
            .prefetch_related(
                "recipient_organisations__organisation",
                "acknowledgements__organisation",
                "acknowledgements__acknowledged_by__user",
            )
            .get(public_id=public_id)
        )
    except (InaccuracyNotice.DoesNotExist, ValueError, ValidationError):
        raise Http404(NOTICE_NOT_FOUND) from None
    if notice.tenant_id != membership.tenant_id:
        raise Http404(NOTICE_NOT_FOUND)
    return notice


def notice_recipient_ids(notice: InaccuracyNotice) -> set[int]:
    return set(
        InaccuracyNoticeRecipient.objects.filter(notice=notice).values_list(
            "organisation_id", flat=True
        )
    )


# --- Involvement with a child ------------------------------------------------------------------


def effective_shares() -> Q:
    """Decisions whose sharing stands: a current share that is no override, an approved
    override, or an urgent one shared already and not rejected."""
    approved = OverrideApproval.objects.filter(
        decision=OuterRef("pk"), outcome=ApprovalOutcome.APPROVED
    )
    rejected = OverrideApproval.objects.filter(
        decision=OuterRef("pk"), outcome=ApprovalOutcome.REJECTED
    )
    return (
        Q(outcome__in=SHARING_OUTCOMES)
        & is_current()
        & (
            Q(override_kind=OverrideKind.NONE)
            | Q(Exists(approved))
            | (Q(override_kind=OverrideKind.RETROSPECTIVE) & ~Q(Exists(rejected)))
        )
    )


def involved_organisation_ids(subject: DataSubject) -> Iterable[int]:
    """Partner organisations that received a share about the child that stands (registered with
    consent/access.py as the "sharing_log" involvement source)."""
    decisions = SharingDecision.objects.filter(effective_shares(), subject=subject)
    return set(
        DecisionRecipient.objects.filter(
            decision__in=decisions.values("pk"), organisation__isnull=False
        ).values_list("organisation_id", flat=True)
    )
