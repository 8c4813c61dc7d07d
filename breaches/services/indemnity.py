"""Indemnity events (Haringey 11.1): the suffering partner notifies in writing the partner whose
act, omission or negligence is alleged to have contributed (and the council, unless it is one of
them), with full details; the alleged contributor responds in writing within four working days.
The response deadline is tracked like a milestone: reminded, overdue, escalated."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from agreements.models import Agreement
from breaches.deadlines import indemnity_response_due_on
from breaches.models import BreachReport, IndemnityEvent
from breaches.services._common import (
    long_date,
    not_in_future,
    require,
    require_party,
    require_text,
    same_partnership,
    save,
    tell,
)
from partners.models import Membership, Organisation
from partners.roles import can


def indemnity_link(event: IndemnityEvent) -> str:
    return f"/breaches/indemnity/{event.public_id}/"


@transaction.atomic
def indemnity_notify(
    *,
    actor: Membership,
    agreement: Agreement,
    suffering_partner: Organisation,
    alleged_contributor: Organisation,
    description: str,
    notified_on: date,
    breach: BreachReport | None = None,
    council_notified_on: date | None = None,
) -> IndemnityEvent:
    """Record the written notice given to an alleged contributor (one event per contributor)
    and tell its managers that a written response is due within the agreement's working days
    (four unless the agreement says otherwise)."""
    require(actor, "breaches.report")
    if not can(actor, "breaches.manage") and actor.organisation_id != suffering_partner.pk:
        raise PermissionDenied("Only the suffering partner or the IG officer records the notice.")
    tenant = actor.tenant
    same_partnership(
        tenant.pk, suffering_partner=suffering_partner, alleged_contributor=alleged_contributor
    )
    if agreement.tenant_id != tenant.pk:
        raise ValidationError({"agreement": "Choose an agreement of the partnership."})
    if suffering_partner.pk == alleged_contributor.pk:
        raise ValidationError(
            {"alleged_contributor": "The alleged contributor is another partner organisation."}
        )
    if breach is not None and breach.agreement_id != agreement.pk:
        raise ValidationError({"breach": "The breach must be of the same agreement."})
    not_in_future(notified_on, "notified_on", tenant)
    if council_notified_on is not None:
        not_in_future(council_notified_on, "council_notified_on", tenant)
    region = tenant.bank_holiday_region
    # The agreement's rule, as it stood when the breach was reported if there is one (an open
    # breach's deadlines do not move when the agreement is edited).
    days = (
        breach.indemnity_response_days
        if breach is not None
        else agreement.breach_indemnity_response_days
    )
    event = IndemnityEvent(
        tenant=tenant,
        agreement=agreement,
        breach=breach,
        suffering_partner=suffering_partner,
        alleged_contributor=alleged_contributor,
        description=require_text(
            description, "description", "Give full details of the indemnity event."
        ),
        notified_on=notified_on,
        council_notified_on=council_notified_on,
        notified_by=actor,
        region=region,
        response_days=days,
        response_due_on=indemnity_response_due_on(notified_on, region, days),
    )
    save(actor, event)
    tell(
        organisation_id=alleged_contributor.pk,
        title=f"Indemnity event notified under {agreement.title}: respond in writing",
        body=(
            f"{suffering_partner} has notified {alleged_contributor} of an indemnity event "
            f"(Haringey 11.1) on {long_date(notified_on)}. A written response is due by "
            f"{long_date(event.response_due_on)}."
        ),
        link=indemnity_link(event),
        dedup_key=f"indemnity:{event.public_id}:notified",
        reason=f"You are a manager of {alleged_contributor}, the alleged contributor.",
        exclude=actor,
    )
    return event


@transaction.atomic
def indemnity_record_response(
    *,
    actor: Membership,
    event: IndemnityEvent,
    responded_on: date,
    response: str,
    response_file=None,
) -> IndemnityEvent:
    """The alleged contributor's written response (recorded by it, by the suffering partner on
    receiving it, or by the IG officer); a late response is kept and shown late."""
    require_party(actor, event.alleged_contributor_id, event.suffering_partner_id)
    if event.responded_on is not None:
        raise ValidationError("The response has already been recorded.")
    not_in_future(responded_on, "responded_on", event.tenant)
    if responded_on < event.notified_on:
        raise ValidationError({"responded_on": "A response comes after the notice."})
    response = require_text(response, "response", "Summarise the written response.")
    claimed = IndemnityEvent.objects.filter(pk=event.pk, responded_on__isnull=True).update(
        responded_on=responded_on, response=response, response_recorded_by=actor
    )
    if claimed != 1:
        raise ValidationError("The response has just been recorded by someone else.")
    event.responded_on = responded_on
    event.response = response
    if response_file:
        event.response_file = response_file
    event.response_recorded_by = actor
    save(actor, event)
    return event
