"""Signatories (Haringey §13): the IG officer invites organisations; an authorised person of the
organisation signs with their name, title, the date and a typed signature, or declines; a
signatory may later withdraw, giving the date and the reason. The IG officer may record any of
these on an organisation's behalf (a signature received on paper, say)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from agreements.choices import SignatoryStatus
from agreements.models import IN_FORCE_STATUSES, Agreement, Signatory
from agreements.services._common import require, require_reason, today
from partners.models import Membership, Organisation
from partners.roles import can

CURRENT = (SignatoryStatus.INVITED, SignatoryStatus.SIGNED)


def signatory_invite(
    *, actor: Membership, agreement: Agreement, organisation: Organisation
) -> Signatory:
    require(actor, "agreements.manage")
    if agreement.is_terminal:
        raise ValidationError("This agreement has ended; nobody can be invited to sign it.")
    if organisation.tenant_id != agreement.tenant_id or not organisation.is_active:
        raise ValidationError({"organisation": "Choose an active organisation of the partnership."})
    current = Signatory.objects.filter(
        agreement=agreement, organisation=organisation, status__in=CURRENT
    ).first()
    if current is not None:
        raise ValidationError(
            {"organisation": f"{organisation} is already {current.get_status_display().lower()}."}
        )
    signatory = Signatory(
        tenant_id=agreement.tenant_id,
        agreement=agreement,
        organisation=organisation,
        status=SignatoryStatus.INVITED,
        invited_on=today(),
        invited_by=actor,
    )
    signatory.full_clean()
    signatory._history_user = actor.user
    signatory.save()
    return signatory


def _require_acts_for(actor: Membership, signatory: Signatory) -> None:
    """The IG officer acts for any organisation; a manager only for their own."""
    require(actor, "agreements.sign")
    if not can(actor, "agreements.manage") and actor.organisation_id != signatory.organisation_id:
        raise PermissionDenied("You can only act for your own organisation.")


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


def _claim(signatory: Signatory, expected: str, **changes) -> None:
    """Move the row on only if it is still in the expected status (one signature, not two)."""
    claimed = Signatory.objects.filter(pk=signatory.pk, status=expected).update(**changes)
    if claimed != 1:
        raise ValidationError(
            "Someone else has just answered for this organisation. Reload to see what was recorded."
        )
    for name, value in changes.items():
        setattr(signatory, name, value)


@transaction.atomic
def signatory_sign(
    *,
    actor: Membership,
    signatory: Signatory,
    signer_name: str,
    signer_title: str,
    typed_signature: str,
    signed_on: date | None = None,
) -> Signatory:
    """Sign for an invited organisation. The typed signature is the signer's full name."""
    _require_acts_for(actor, signatory)
    agreement = signatory.agreement
    errors = {}
    if signatory.status != SignatoryStatus.INVITED:
        raise ValidationError(
            f"{signatory.organisation} is {signatory.get_status_display().lower()}, not invited; "
            "only an invited organisation signs."
        )
    if agreement.status not in IN_FORCE_STATUSES:
        raise ValidationError("Only an approved agreement in force can be signed.")
    signed_on = signed_on or today()
    if not signer_name.strip():
        errors["signer_name"] = "Enter the name of the person signing."
    if not signer_title.strip():
        errors["signer_title"] = "Enter their title."
    if not typed_signature.strip():
        errors["typed_signature"] = "Type the signer's full name as their signature."
    elif _normalised(typed_signature) != _normalised(signer_name):
        errors["typed_signature"] = "The typed signature must be the signer's name as entered."
    if signed_on > today():
        errors["signed_on"] = "The date signed cannot be in the future."
    elif signatory.invited_on and signed_on < signatory.invited_on:
        errors["signed_on"] = "The date signed cannot be before the invitation."
    if errors:
        raise ValidationError(errors)
    _claim(
        signatory,
        SignatoryStatus.INVITED,
        status=SignatoryStatus.SIGNED,
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
        typed_signature=typed_signature.strip(),
        signed_on=signed_on,
        version_signed=agreement.document_version,
        recorded_by=actor,
    )
    _save_history(actor, signatory)
    return signatory


@transaction.atomic
def signatory_decline(
    *, actor: Membership, signatory: Signatory, reason: str, declined_on: date | None = None
) -> Signatory:
    _require_acts_for(actor, signatory)
    if signatory.status != SignatoryStatus.INVITED:
        raise ValidationError("Only an invitation that has not been answered can be declined.")
    reason = require_reason(reason)
    declined_on = declined_on or today()
    if declined_on > today():
        raise ValidationError({"declined_on": "The date cannot be in the future."})
    _claim(
        signatory,
        SignatoryStatus.INVITED,
        status=SignatoryStatus.DECLINED,
        declined_on=declined_on,
        decline_reason=reason,
        recorded_by=actor,
    )
    _save_history(actor, signatory)
    return signatory


@transaction.atomic
def signatory_withdraw(
    *, actor: Membership, signatory: Signatory, reason: str, withdrawn_on: date | None = None
) -> Signatory:
    """An organisation stops being a signatory from a date, for a reason; it does not carry
    over to later versions."""
    _require_acts_for(actor, signatory)
    if signatory.status != SignatoryStatus.SIGNED:
        raise ValidationError("Only a signatory that has signed can withdraw.")
    reason = require_reason(reason)
    withdrawn_on = withdrawn_on or today()
    if withdrawn_on > today():
        raise ValidationError({"withdrawn_on": "The date cannot be in the future."})
    if withdrawn_on < signatory.signed_on:
        raise ValidationError({"withdrawn_on": "The date cannot be before it signed."})
    _claim(
        signatory,
        SignatoryStatus.SIGNED,
        status=SignatoryStatus.WITHDRAWN,
        withdrawn_on=withdrawn_on,
        withdrawal_reason=reason,
        recorded_by=actor,
    )
    _save_history(actor, signatory)
    return signatory


def _save_history(actor: Membership, signatory: Signatory) -> None:
    # The claim wrote the row; this save writes the same values and leaves the history row.
    signatory._history_user = actor.user
    signatory.save()
