"""Change consultations (Bucks §1–2): a proposed change goes to every signatory with a time for
responses; each may agree, object or comment; at the deadline, no response counts as agreement;
the IG officer then sees the tally and approves or drops the change. No share of agreement is
required: the officer decides, with reasons."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from agreements.choices import ConsultationStatus, Reply, SignatoryStatus
from agreements.models import (
    IN_FORCE_STATUSES,
    Agreement,
    ChangeConsultation,
    ChangeResponse,
    Signatory,
)
from agreements.services._common import long_date, require, require_reason, today
from agreements.services.lifecycle import flag_descendants_for_review
from partners.models import Membership, Organisation
from partners.roles import can


@transaction.atomic
def change_propose(
    *, actor: Membership, agreement: Agreement, summary: str, details: str, respond_by: date
) -> ChangeConsultation:
    """Circulate a proposed change to every current signatory, with a response deadline."""
    require(actor, "agreements.manage")
    if agreement.status not in IN_FORCE_STATUSES:
        raise ValidationError("Changes are consulted on only for an agreement in force.")
    if ChangeConsultation.objects.filter(agreement=agreement, status="open").exists():
        raise ValidationError("A change is already out for consultation on this agreement.")
    if respond_by <= today():
        raise ValidationError({"respond_by": "Give the signatories until a date after today."})
    signatories = list(
        Signatory.objects.filter(agreement=agreement, status=SignatoryStatus.SIGNED).values_list(
            "organisation_id", flat=True
        )
    )
    if not signatories:
        raise ValidationError("This agreement has no signatories to consult.")
    consultation = ChangeConsultation(
        tenant_id=agreement.tenant_id,
        agreement=agreement,
        summary=summary.strip(),
        details=details.strip(),
        respond_by=respond_by,
        proposed_by=actor,
    )
    consultation.full_clean()
    consultation._history_user = actor.user
    consultation.save()
    for organisation_id in signatories:
        response = ChangeResponse(
            tenant_id=agreement.tenant_id,
            consultation=consultation,
            organisation_id=organisation_id,
        )
        response._history_user = actor.user
        response.save()
    return consultation


@transaction.atomic
def change_respond(
    *,
    actor: Membership,
    consultation: ChangeConsultation,
    organisation: Organisation,
    reply: str,
    comment: str = "",
) -> ChangeResponse:
    """Answer for a signatory organisation, until the deadline (a later answer replaces an
    earlier one). A manager answers for their own organisation; the IG officer records any."""
    require(actor, "agreements.respond")
    if not can(actor, "agreements.manage") and actor.organisation_id != organisation.pk:
        raise PermissionDenied("You can only respond for your own organisation.")
    if consultation.status != ConsultationStatus.OPEN:
        raise ValidationError("This consultation has been decided; responses are closed.")
    if today() > consultation.respond_by:
        raise ValidationError(
            f"Responses closed on {long_date(consultation.respond_by)}; "
            "no response counts as agreement."
        )
    if reply not in Reply.values:
        raise ValidationError({"reply": "Choose agree, object or comment."})
    comment = comment.strip()
    if reply in (Reply.OBJECT, Reply.COMMENT) and not comment:
        raise ValidationError({"comment": "Say what the objection or comment is."})
    response = ChangeResponse.objects.filter(
        consultation=consultation, organisation=organisation
    ).first()
    if response is None:
        raise ValidationError({"organisation": f"{organisation} is not consulted on this change."})
    response.reply = reply
    response.comment = comment
    response.responded_at = timezone.now()
    response.responded_by = actor
    response._history_user = actor.user
    response.save()
    return response


def consultation_close_deadline(*, consultation: ChangeConsultation, on: date | None = None) -> int:
    """Past the deadline, record every missing response as agreement. Safe to run twice (a daily
    job may): each row is claimed with a conditional update. Returns how many were recorded."""
    on = on or today()
    if consultation.status != ConsultationStatus.OPEN or on <= consultation.respond_by:
        return 0
    recorded = 0
    for response in ChangeResponse.objects.filter(consultation=consultation, reply=""):
        claimed = ChangeResponse.objects.filter(pk=response.pk, reply="").update(
            reply=Reply.AGREE, deemed=True
        )
        if claimed == 1:
            # Written again through save() so that the change has its history row.
            response.reply, response.deemed = Reply.AGREE, True
            response._history_user = None
            response.save()
            recorded += 1
    return recorded


def consultations_close_due(*, on: date | None = None) -> int:
    """The daily job's work for the active partnership: close every deadline that has passed."""
    on = on or today()
    return sum(
        consultation_close_deadline(consultation=consultation, on=on)
        for consultation in ChangeConsultation.objects.filter(
            status=ConsultationStatus.OPEN, respond_by__lt=on
        )
    )


@transaction.atomic
def change_decide(
    *, actor: Membership, consultation: ChangeConsultation, approve: bool, reason: str
) -> ChangeConsultation:
    """Approve or drop the change. It may be approved once every signatory has answered or the
    deadline has passed (silence then counting as agreement); it may be dropped at any time.
    An approved change flags every agreement underneath for review."""
    require(actor, "agreements.manage")
    reason = require_reason(reason)
    if consultation.status != ConsultationStatus.OPEN:
        raise ValidationError("This change has already been decided.")
    if approve:
        waiting = ChangeResponse.objects.filter(consultation=consultation, reply="").exists()
        if waiting and today() <= consultation.respond_by:
            raise ValidationError(
                f"Some signatories have not responded and may do so until "
                f"{long_date(consultation.respond_by)}; approve the change after that."
            )
        consultation_close_deadline(consultation=consultation)
    claimed = ChangeConsultation.objects.filter(
        pk=consultation.pk, status=ConsultationStatus.OPEN
    ).update(status=ConsultationStatus.APPROVED if approve else ConsultationStatus.DROPPED)
    if claimed != 1:
        raise ValidationError("This change has already been decided.")
    consultation.status = ConsultationStatus.APPROVED if approve else ConsultationStatus.DROPPED
    consultation.decided_by = actor
    consultation.decided_at = timezone.now()
    consultation.decision_reason = reason
    consultation._history_user = actor.user
    consultation.save()
    if approve:
        flag_descendants_for_review(
            consultation.agreement,
            actor=actor,
            reason=f"A change to {consultation.agreement.title} was approved: "
            f"{consultation.summary}",
        )
    return consultation
