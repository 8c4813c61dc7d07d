"""Reads of inaccuracy notices: those waiting for a viewer's organisation, and who has
acknowledged one."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from partners.models import Membership
from partners.roles import can
from sharing_log.access import (
    notices_visible_to,
)
from sharing_log.models import (
    InaccuracyAcknowledgement,
    InaccuracyNotice,
    InaccuracyNoticeRecipient,
)


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
