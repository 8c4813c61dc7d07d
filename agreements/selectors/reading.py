"""Reads for the agreement pages and the API: lists, the content of one agreement, what it
inherits from the agreements above it, its signatories over time, consultation tallies and the
agreements due for review."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from agreements.choices import ConsultationStatus, Reply, SignatoryStatus
from agreements.models import (
    IN_FORCE_STATUSES,
    Agreement,
    AgreementTransition,
    ChangeConsultation,
    ChangeResponse,
    ConsentScope,
    LegalBasis,
    Review,
    ReviewAction,
    Signatory,
    Term,
    actions_from,
)
from agreements.selectors.access import agreements_visible_to
from partners.models import Membership
from partners.roles import can


def agreement_list(
    *, viewer: Membership, search: str = "", status: str = "", kind: str = ""
) -> QuerySet[Agreement]:
    """The agreements the viewer may read, with their owner and parent, in one query."""
    queryset = agreements_visible_to(viewer).select_related("owner_organisation", "parent")
    if search:
        queryset = queryset.filter(Q(title__icontains=search) | Q(reference__icontains=search))
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def agreement_children(*, viewer: Membership, agreement: Agreement) -> QuerySet[Agreement]:
    """The agreements that sit directly underneath this one and the viewer may read."""
    return agreement_list(viewer=viewer).filter(parent=agreement)


@dataclass(frozen=True)
class InheritedTerms:
    agreement: Agreement
    terms: tuple[Term, ...]


def agreement_inherited_terms(*, viewer: Membership, agreement: Agreement) -> list[InheritedTerms]:
    """The terms of every agreement above this one that the viewer may read, nearest first
    (the SOP shows the Kent & Medway agreement's terms it is read in conjunction with)."""
    ancestors: list[Agreement] = []
    visible = agreements_visible_to(viewer)
    seen = {agreement.pk}
    parent_id = agreement.parent_id
    while parent_id and parent_id not in seen:
        seen.add(parent_id)
        parent = visible.filter(pk=parent_id).first()
        if parent is None:
            break
        ancestors.append(parent)
        parent_id = parent.parent_id
    terms: dict[int, list[Term]] = {a.pk: [] for a in ancestors}
    for term in Term.objects.filter(agreement_id__in=terms):
        terms[term.agreement_id].append(term)
    return [InheritedTerms(agreement=a, terms=tuple(terms[a.pk])) for a in ancestors]


CONTENT_RELATIONS = (
    "purposes",
    "data_items",
    "data_subjects",
    "methods",
    "channels",
    "shared_systems",
    "exclusions",
    "terms",
    "consent_scopes",
)


def agreement_content(*, agreement: Agreement) -> dict[str, list]:
    """Every list of the agreement's content, in order: one query per list."""
    content = {name: list(getattr(agreement, name).all()) for name in CONTENT_RELATIONS}
    content["legal_bases"] = list(agreement.legal_bases.select_related("basis"))
    return content


def agreement_transitions(*, agreement: Agreement) -> QuerySet[AgreementTransition]:
    return agreement.transitions.select_related("actor__user", "actor__organisation")


def agreement_available_actions(*, viewer: Membership, agreement: Agreement) -> list[str]:
    """The lifecycle moves the viewer may make now, for the page's buttons."""
    if not can(viewer, "agreements.manage"):
        return []
    return [str(action) for action in actions_from(agreement.status)]


def legal_bases_available() -> QuerySet[LegalBasis]:
    return LegalBasis.objects.available()


def consent_scopes_in_force() -> QuerySet[ConsentScope]:
    """Consent scopes of the agreements in force, for the consent app's choices."""
    return ConsentScope.objects.filter(agreement__status__in=IN_FORCE_STATUSES).select_related(
        "agreement"
    )


# --- Signatories --------------------------------------------------------------------------------


def agreement_signatories(*, agreement: Agreement) -> QuerySet[Signatory]:
    """Every signatory row of the agreement, current and past, with its organisation."""
    return agreement.signatories.select_related(
        "agreement", "organisation", "recorded_by__user"
    ).order_by("organisation__name", "invited_on", "id")


def agreement_signature_table(*, agreement: Agreement) -> QuerySet[Signatory]:
    """The organisations signed up now, as the agreement's signature table (Haringey §13)."""
    return agreement_signatories(agreement=agreement).filter(status=SignatoryStatus.SIGNED)


def signatory_counts(*, agreement: Agreement, dates: Iterable[date]) -> list[tuple[date, int]]:
    """How many organisations were signatories on each date (Bucks: "35 signatories. This
    compares with 28 in March 2008"): signed on or before it and not withdrawn by then."""
    periods = list(
        agreement.signatories.filter(signed_on__isnull=False).values_list(
            "signed_on", "withdrawn_on"
        )
    )
    return [
        (
            day,
            sum(
                1
                for signed_on, withdrawn_on in periods
                if signed_on <= day and (withdrawn_on is None or withdrawn_on > day)
            ),
        )
        for day in dates
    ]


# --- Change consultations -----------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    agree: int
    object: int
    comment: int
    # Silent after the deadline, so counted as agreement (included in `agree`).
    taken_as_agreement: int
    # Silent before the deadline: they may still respond.
    awaiting: int
    deadline_passed: bool

    @property
    def total(self) -> int:
        return self.agree + self.object + self.comment + self.awaiting


def consultation_tally(*, consultation: ChangeConsultation, on: date | None = None) -> Tally:
    """The count of responses the IG officer decides on. After the deadline, no response
    counts as agreement (Bucks §1), whether or not the closing job has recorded it yet."""
    on = on or timezone.localdate()
    passed = on > consultation.respond_by
    replies = list(consultation.responses.values_list("reply", "deemed"))
    silent = sum(1 for reply, _ in replies if not reply)
    deemed = sum(1 for reply, was_deemed in replies if was_deemed)
    return Tally(
        agree=sum(1 for reply, _ in replies if reply == Reply.AGREE) + (silent if passed else 0),
        object=sum(1 for reply, _ in replies if reply == Reply.OBJECT),
        comment=sum(1 for reply, _ in replies if reply == Reply.COMMENT),
        taken_as_agreement=deemed + (silent if passed else 0),
        awaiting=0 if passed else silent,
        deadline_passed=passed,
    )


def consultation_responses(*, consultation: ChangeConsultation) -> QuerySet[ChangeResponse]:
    return consultation.responses.select_related("organisation", "responded_by__user")


def agreement_consultations(*, agreement: Agreement) -> QuerySet[ChangeConsultation]:
    return agreement.consultations.select_related("proposed_by__user", "decided_by__user")


def consultations_awaiting(*, viewer: Membership) -> QuerySet[ChangeConsultation]:
    """Open consultations still waiting for the viewer's organisation to respond."""
    return ChangeConsultation.objects.filter(
        status=ConsultationStatus.OPEN,
        respond_by__gte=timezone.localdate(),
        responses__organisation_id=viewer.organisation_id,
        responses__reply="",
    ).select_related("agreement")


# --- Reviews ------------------------------------------------------------------------------------


def agreements_due_for_review(*, on: date, lead_days: int = 0) -> QuerySet[Agreement]:
    """Agreements in force whose review falls due by `on` (plus a lead time), or that were
    flagged because an agreement above them changed; a window, not an exact date, so a missed
    day catches up."""
    horizon = date.fromordinal(on.toordinal() + lead_days)
    return Agreement.objects.filter(status__in=IN_FORCE_STATUSES).filter(
        Q(next_review_date__lte=horizon) | Q(review_flagged_at__isnull=False)
    )


def agreement_reviews(*, agreement: Agreement) -> QuerySet[Review]:
    return agreement.reviews.select_related(
        "opened_by__user", "completed_by__user"
    ).prefetch_related(
        Prefetch(
            "actions",
            queryset=ReviewAction.objects.select_related("owner_organisation"),
        )
    )


def review_actions_overdue(*, on: date) -> QuerySet[ReviewAction]:
    return ReviewAction.objects.filter(completed_on__isnull=True, due_on__lt=on).select_related(
        "review__agreement", "owner_organisation"
    )
