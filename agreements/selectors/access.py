"""Who may see and edit which agreement, and the access functions that turn a public id into an
object the viewer may see. Missing, another partnership's and not-yours are the same 404.

The rule: everyone in the partnership reads published agreements (approved at least once and
past consultation); the IG officer and the auditor read everything; the owner organisation's
people also read its drafts; organisations invited to sign read a draft in consultation; a user
granted the agreement through django-guardian reads it. The IG officer edits every agreement; a
manager of the owner organisation edits a draft only while granted it.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from agreements.choices import AgreementStatus, SignatoryStatus
from agreements.models import (
    Agreement,
    AgreementGroupObjectPermission,
    AgreementUserObjectPermission,
    AuditRequest,
    ChangeConsultation,
    Review,
    ReviewAction,
    Signatory,
)
from partners.models import Membership
from partners.roles import can

S = AgreementStatus
PUBLISHED_STATUSES = frozenset({S.ACTIVE, S.UNDER_REVIEW, S.SUPERSEDED, S.EXPIRED, S.WITHDRAWN})
EDIT_PERMISSION = "change_agreement"
READ_PERMISSIONS = ("view_agreement", EDIT_PERMISSION)


def _granted(membership: Membership, codenames: tuple[str, ...]) -> Q:
    """Agreements on which guardian grants the member's user (or one of their groups) a
    permission, as a condition on Agreement rows (two subqueries, no per-row query)."""
    user_grants = AgreementUserObjectPermission.objects.filter(
        user_id=membership.user_id, permission__codename__in=codenames
    ).values("content_object_id")
    group_grants = AgreementGroupObjectPermission.objects.filter(
        group__user=membership.user_id, permission__codename__in=codenames
    ).values("content_object_id")
    return Q(pk__in=user_grants) | Q(pk__in=group_grants)


def agreements_visible_to(membership: Membership) -> QuerySet[Agreement]:
    """The active partnership's agreements this member may read."""
    agreements = Agreement.objects.all()
    if not membership.is_active or not can(membership, "agreements.view"):
        return agreements.none()
    if can(membership, "agreements.view_all"):
        return agreements
    invited = Signatory.objects.filter(
        organisation_id=membership.organisation_id,
        status__in=[SignatoryStatus.INVITED, SignatoryStatus.SIGNED],
    ).values("agreement_id")
    return agreements.filter(
        Q(status__in=PUBLISHED_STATUSES, document_version__gte=1)
        | Q(owner_organisation_id=membership.organisation_id)
        | Q(status=S.CONSULTATION, pk__in=invited)
        | _granted(membership, READ_PERMISSIONS)
    )


def agreement_can_edit(membership: Membership, agreement: Agreement) -> bool:
    """Whether the member may change this agreement at all. The services also check its status
    (an active agreement is changed through a review, an ended one not at all)."""
    if not membership.is_active or membership.tenant_id != agreement.tenant_id:
        return False
    if can(membership, "agreements.manage"):
        return True
    return (
        can(membership, "agreements.edit_drafts")
        and agreement.status == S.DRAFT
        and membership.organisation_id == agreement.owner_organisation_id
        and Agreement.objects.filter(pk=agreement.pk)
        .filter(_granted(membership, (EDIT_PERMISSION,)))
        .exists()
    )


def agreement_get_for(
    membership: Membership, public_id: UUID | str, *, for_edit: bool = False
) -> Agreement:
    """The agreement with this public id, if the member may see it (else 404, however it
    failed); with `for_edit`, PermissionDenied when they may see it but not change it."""
    try:
        agreement = (
            agreements_visible_to(membership)
            .select_related("owner_organisation", "parent", "superseded_by")
            .get(public_id=public_id)
        )
    except (Agreement.DoesNotExist, ValueError, ValidationError):
        raise Http404("No such agreement.") from None
    # A second line of defence: the tenant-scoped manager has already filtered by tenant.
    if agreement.tenant_id != membership.tenant_id:
        raise Http404("No such agreement.")
    if for_edit and not agreement_can_edit(membership, agreement):
        raise PermissionDenied("You may read this agreement but not change it.")
    return agreement


def _get_under(model, membership: Membership, public_id: UUID | str, *, via: str, related=()):
    visible = agreements_visible_to(membership).values("pk")
    try:
        return (
            model.objects.select_related(*related)
            .filter(**{f"{via}__in": visible})
            .get(public_id=public_id)
        )
    except (model.DoesNotExist, ValueError, ValidationError):
        raise Http404(f"No such {model._meta.verbose_name}.") from None


def signatory_get_for(membership: Membership, public_id: UUID | str) -> Signatory:
    """A signatory of an agreement the member may see; anything else is a 404."""
    return _get_under(
        Signatory,
        membership,
        public_id,
        via="agreement",
        related=("agreement", "organisation"),
    )


def consultation_get_for(membership: Membership, public_id: UUID | str) -> ChangeConsultation:
    return _get_under(
        ChangeConsultation, membership, public_id, via="agreement", related=("agreement",)
    )


def review_get_for(membership: Membership, public_id: UUID | str) -> Review:
    return _get_under(Review, membership, public_id, via="agreement", related=("agreement",))


def audit_request_get_for(membership: Membership, public_id: UUID | str) -> AuditRequest:
    return _get_under(AuditRequest, membership, public_id, via="agreement", related=("agreement",))


def review_action_get_for(membership: Membership, public_id: UUID | str) -> ReviewAction:
    return _get_under(
        ReviewAction, membership, public_id, via="review__agreement", related=("review__agreement",)
    )
