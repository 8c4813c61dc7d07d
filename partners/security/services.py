"""Writes of the security pages that are not about one person's sign-in: the partnership's
security settings. (Sign-in, sessions, lockout and the audit have their own modules.)"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from partners.models import Membership, Tenant
from partners.roles import can


def tenant_set_security(
    *, actor: Membership, mfa_required_for_everyone: bool, session_idle_minutes: int
) -> Tenant:
    """The partnership's two-step verification rule for SENCos and practitioners, and its idle
    timeout (which applies to each session from its next request)."""
    if not can(actor, "security.manage"):
        raise PermissionDenied("Your role does not allow this.")
    tenant = actor.tenant
    tenant.mfa_required_for_everyone = mfa_required_for_everyone
    tenant.session_idle_minutes = session_idle_minutes
    tenant.full_clean()
    tenant.save(update_fields=["mfa_required_for_everyone", "session_idle_minutes"])
    return tenant
