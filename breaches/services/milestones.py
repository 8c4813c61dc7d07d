"""Recording the milestones of a breach (Haringey 6.1–6.2): each partner organisation told, and
the breach report distributed by the organisation in breach. The meeting and its minutes
(6.3–6.6) are recorded through breaches/services/meeting.py, which completes their milestones.

A milestone is claimed with a conditional update (done_on still empty → the date), so two people
recording it at once record it once.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from breaches.choices import MilestoneKind, TellingMethod
from breaches.models import BreachReport, Milestone, PartnerNotification
from breaches.services._common import (
    long_date,
    not_in_future,
    require_open,
    require_party,
    require_text,
    same_partnership,
    save,
)
from breaches.services.reporting import ensure_on_or_after_identified, organisations_to_tell
from partners.models import Membership, Organisation

K = MilestoneKind


def complete_milestone(
    *,
    actor: Membership | None,
    breach: BreachReport,
    kind: str,
    done_on: date,
    evidence: str,
    evidence_file=None,
) -> Milestone:
    """Mark one milestone done, once: refused if someone has just recorded it."""
    milestone = Milestone.objects.get(breach=breach, kind=kind)
    claimed = Milestone.objects.filter(pk=milestone.pk, done_on__isnull=True).update(
        done_on=done_on, evidence=evidence, completed_by=actor
    )
    if claimed != 1:
        raise ValidationError(
            f"{milestone.get_kind_display()} has already been recorded. Reload to see it."
        )
    milestone.done_on, milestone.evidence, milestone.completed_by = done_on, evidence, actor
    # Saved again through save() for its history row (and the uploaded file).
    if evidence_file:
        milestone.evidence_file = evidence_file
    save(actor, milestone)
    return milestone


@transaction.atomic
def breach_partner_told(
    *,
    actor: Membership,
    breach: BreachReport,
    organisation: Organisation,
    told_on: date,
    contact_name: str,
    method: str,
    notes: str = "",
) -> PartnerNotification:
    """Record that a partner organisation was told of the breach: who, when and how. When every
    organisation to be told has been, the 'partners notified' milestone is met, on the day the
    last of them was told."""
    require_party(actor, breach.reporting_organisation_id)
    require_open(breach)
    same_partnership(breach.tenant_id, organisation=organisation)
    if organisation.pk == breach.reporting_organisation_id:
        raise ValidationError(
            {"organisation": f"{organisation} reported the breach; it tells the others."}
        )
    if method not in TellingMethod.values:
        raise ValidationError({"method": "Choose how they were told."})
    not_in_future(told_on, "told_on", breach.tenant)
    ensure_on_or_after_identified(breach, told_on, "told_on")
    told = PartnerNotification.objects.filter(breach=breach, organisation=organisation).first()
    if told is None:
        told = PartnerNotification(
            tenant_id=breach.tenant_id, breach=breach, organisation=organisation
        )
    if told.acknowledged_on and told_on > told.acknowledged_on:
        raise ValidationError({"told_on": "They acknowledged it before this date."})
    contact_name = require_text(contact_name, "contact_name", "Say who was told.")
    told.told_on, told.contact_name = told_on, contact_name
    told.method = method
    told.notes = (notes or "").strip()
    told.told_by = actor
    save(actor, told)
    _meet_partners_notified(actor, breach)
    return told


def _meet_partners_notified(actor: Membership, breach: BreachReport) -> None:
    milestone = Milestone.objects.get(breach=breach, kind=K.PARTNERS_NOTIFIED)
    if milestone.done_on is not None:
        return
    required = organisations_to_tell(breach)
    told = list(
        PartnerNotification.objects.filter(
            breach=breach, organisation_id__in=required, told_on__isnull=False
        ).select_related("organisation")
    )
    if not required or len(told) < len(required):
        return
    evidence = "Every partner organisation told: " + "; ".join(
        f"{row.organisation} ({row.contact_name}, {row.get_method_display().lower()}, "
        f"{long_date(row.told_on)})"
        for row in sorted(told, key=lambda row: (row.told_on, row.organisation.name))
    )
    complete_milestone(
        actor=actor,
        breach=breach,
        kind=K.PARTNERS_NOTIFIED,
        done_on=max(row.told_on for row in told),
        evidence=evidence,
    )


@transaction.atomic
def breach_partner_acknowledged(
    *, actor: Membership, notification: PartnerNotification, acknowledged_on: date
) -> PartnerNotification:
    """The partner acknowledged being told (recorded by it, by the reporter or the IG officer)."""
    breach = notification.breach
    require_party(actor, notification.organisation_id, breach.reporting_organisation_id)
    if notification.told_on is None:
        raise ValidationError("Record when they were told first.")
    not_in_future(acknowledged_on, "acknowledged_on", breach.tenant)
    if acknowledged_on < notification.told_on:
        raise ValidationError({"acknowledged_on": "They cannot acknowledge it before being told."})
    notification.acknowledged_on = acknowledged_on
    save(actor, notification)
    return notification


@transaction.atomic
def breach_milestone_complete(
    *,
    actor: Membership,
    milestone: Milestone,
    done_on: date,
    evidence: str,
    evidence_file=None,
) -> Milestone:
    """Record the breach report distributed by the organisation in breach (6.2), with the
    evidence (to whom it went; the report itself, uploaded). 'Partners notified' is met by
    recording each partner told, unless there is no other partner to tell; the meeting and
    the minutes are recorded on the meeting."""
    breach = milestone.breach
    require_open(breach)
    kind = milestone.kind
    if kind in (K.MEETING_HELD, K.MINUTES_CIRCULATED):
        raise ValidationError(
            "Record the meeting (and circulate its minutes) on the meeting record; that completes "
            "this step."
        )
    if kind == K.PARTNERS_NOTIFIED:
        require_party(actor, breach.reporting_organisation_id)
        if organisations_to_tell(breach):
            raise ValidationError(
                "Record each partner organisation told; this step is met when all have been."
            )
    else:
        require_party(actor, breach.organisation_in_breach_id)
    not_in_future(done_on, "done_on", breach.tenant)
    ensure_on_or_after_identified(breach, done_on, "done_on")
    evidence = require_text(evidence, "evidence", "Record the evidence that it was done.")
    return complete_milestone(
        actor=actor,
        breach=breach,
        kind=kind,
        done_on=done_on,
        evidence=evidence,
        evidence_file=evidence_file,
    )
