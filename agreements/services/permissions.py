"""Granting a manager of the owner organisation the editing of a draft (django-guardian)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from guardian.shortcuts import assign_perm, remove_perm

from agreements.models import Agreement
from agreements.selectors.access import EDIT_PERMISSION
from agreements.services._common import require
from partners.models import Membership
from partners.roles import can

PERMISSIONS = (EDIT_PERMISSION, "view_agreement")


def agreement_grant_editor(
    *, actor: Membership, agreement: Agreement, membership: Membership
) -> None:
    """Let a manager of the owner organisation edit this agreement while it is a draft."""
    require(actor, "agreements.manage")
    if (
        membership.tenant_id != agreement.tenant_id
        or not membership.is_active
        or membership.organisation_id != agreement.owner_organisation_id
        or not can(membership, "agreements.edit_drafts")
    ):
        raise ValidationError(
            {"membership": "Choose a manager of the organisation that owns the agreement."}
        )
    for permission in PERMISSIONS:
        assign_perm(f"agreements.{permission}", membership.user, agreement)


def agreement_revoke_editor(
    *, actor: Membership, agreement: Agreement, membership: Membership
) -> None:
    require(actor, "agreements.manage")
    for permission in PERMISSIONS:
        remove_perm(f"agreements.{permission}", membership.user, agreement)
