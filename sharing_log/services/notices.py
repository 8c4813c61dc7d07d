"""Inaccuracy notices (Kent SEND SOP "Quality Standards": "Where a party… becomes aware that
information shared by them is inaccurate or no longer relevant then they must inform the other
parties who will update the records held immediately").

The sharer records a notice on a decision; every partner organisation the decision shared with
must acknowledge it. Their managers (the partnership's IG officers when an organisation has
none) are told in Sharewell, and their current authorised contacts by email. Notices name the
sharing organisation and the date only, never the child or the information.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from notifications.services import notify, outbox_enqueue
from partners.models import Membership, Organisation
from partners.reminders import ig_officers, local_date, managers_of
from partners.roles import Role, can
from partners.selectors import contacts_current
from sharing_log.access import decisions_visible_to, notice_recipient_ids
from sharing_log.models import (
    DecisionRecipient,
    InaccuracyAcknowledgement,
    InaccuracyNotice,
    InaccuracyNoticeRecipient,
    SharingDecision,
)
from sharing_log.services._common import long_date, notice_link, today


def notice_audience(organisation: Organisation) -> tuple[list[Membership], str]:
    """Who at a recipient organisation is told about (and reminded of) a notice."""
    managers = managers_of(organisation.pk)
    if managers:
        return managers, (
            f"You are a manager of {organisation.name}, which received the information."
        )
    return ig_officers(), (
        f"Nobody at {organisation.name} is a manager in Sharewell, so the partnership's IG "
        "officers are told."
    )


def _tell(notice: InaccuracyNotice, organisation: Organisation) -> None:
    when = long_date(local_date(notice.decision.decided_at, notice.tenant))
    title = f"Information {notice.organisation.name} shared with you is inaccurate"
    body = (
        f"{notice.organisation.name} has told you that information it shared with "
        f"{organisation.name} on {when} is inaccurate or out of date. Read the notice, update "
        "the records you hold, and acknowledge it in Sharewell."
    )
    people, reason = notice_audience(organisation)
    if people:
        notify(
            recipients=people,
            title=title,
            body=body,
            link=notice_link(notice),
            reason=reason,
            dedup_key=f"sharing_log.inaccuracy:{notice.public_id}:{organisation.public_id}",
            email=True,
        )
    for contact in contacts_current(organisation=organisation, on=today(notice.tenant)):
        outbox_enqueue(
            to=contact.email,
            subject=title,
            body=f"{body}\n\nYou receive this as an authorised information sharing contact of "
            f"{organisation.name}.",
            dedup_key=f"sharing_log.inaccuracy:{notice.public_id}:contact:{contact.public_id}",
        )


@transaction.atomic
def inaccuracy_notice_record(
    *, actor: Membership, decision: SharingDecision, what_was_wrong: str, correction: str = ""
) -> InaccuracyNotice:
    """Record that information a decision shared is inaccurate or out of date, and tell every
    partner organisation it went to. By someone of the organisation that shared it."""
    if not can(actor, "decisions.record") or actor.organisation_id != decision.organisation_id:
        raise PermissionDenied("Only the organisation that shared the information gives notice.")
    if not decisions_visible_to(actor).filter(pk=decision.pk).exists():
        raise PermissionDenied("Only the organisation that shared the information gives notice.")
    if not decision.shares:
        raise ValidationError("Nothing was shared under a decision not to share.")
    what_was_wrong = (what_was_wrong or "").strip()
    if not what_was_wrong:
        raise ValidationError(
            {"what_was_wrong": "Say which information is inaccurate or out of date."}
        )
    notice = InaccuracyNotice(
        tenant_id=decision.tenant_id,
        decision=decision,
        organisation_id=decision.organisation_id,
        recorded_by=actor,
        what_was_wrong=what_was_wrong,
        correction=(correction or "").strip(),
    )
    notice.full_clean(exclude=["decision", "organisation", "recorded_by"])
    notice.save()
    organisation_ids = set(
        DecisionRecipient.objects.filter(decision=decision, organisation__isnull=False)
        .exclude(organisation_id=decision.organisation_id)
        .values_list("organisation_id", flat=True)
    )
    organisations = list(Organisation.objects.filter(pk__in=organisation_ids).order_by("pk"))
    InaccuracyNoticeRecipient.objects.bulk_create(
        [
            InaccuracyNoticeRecipient(
                tenant_id=decision.tenant_id, notice=notice, organisation=organisation
            )
            for organisation in organisations
        ]
    )
    for organisation in organisations:
        _tell(notice, organisation)
    return notice


@transaction.atomic
def inaccuracy_acknowledge(
    *, actor: Membership, notice: InaccuracyNotice, note: str = ""
) -> InaccuracyAcknowledgement:
    """Acknowledge a notice for the actor's organisation, once, by one of its people who records
    decisions (or its IG officer)."""
    if not (can(actor, "decisions.record") or actor.role == Role.IG_OFFICER) or not actor.is_active:
        raise PermissionDenied("Your role does not allow this.")
    if actor.organisation_id not in notice_recipient_ids(notice):
        raise PermissionDenied("Only an organisation that received the information acknowledges.")
    acknowledgement = InaccuracyAcknowledgement(
        tenant_id=notice.tenant_id,
        notice=notice,
        organisation_id=actor.organisation_id,
        acknowledged_by=actor,
        note=(note or "").strip(),
    )
    acknowledgement.full_clean(
        exclude=["notice", "organisation", "acknowledged_by"], validate_unique=False
    )
    try:
        with transaction.atomic():
            acknowledgement.save()
    except IntegrityError:
        raise ValidationError(
            f"{actor.organisation.name} has already acknowledged this notice."
        ) from None
    return acknowledgement
