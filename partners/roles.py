"""Roles and what each may do: the one permission layer shared by pages and the API.

A capability names an action ("organisations.manage"); `can()` answers whether a membership has
it. Views declare the capability they need (`CapabilityRequiredMixin`, `HasCapability`), and the
navigation is built from the same table, so a link is shown exactly when its page would open.
Need-to-know access to a particular child's record is a separate, per-object rule (consent app).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from partners.models import Membership


class Role(models.TextChoices):
    IG_OFFICER = "ig_officer", "Information governance officer"
    MANAGER = "manager", "Designated manager"
    SENCO = "senco", "SENCo"
    PRACTITIONER = "practitioner", "Practitioner"
    AUDITOR = "auditor", "Auditor"


ALL_ROLES = frozenset(Role)
IG = frozenset({Role.IG_OFFICER})

CAPABILITIES: dict[str, frozenset[Role]] = {
    "dashboard.view": ALL_ROLES,
    "organisations.view": ALL_ROLES,
    "organisations.manage": IG,
    "memberships.view": frozenset({Role.IG_OFFICER, Role.AUDITOR}),
    "memberships.manage": IG,
    "agreements.view": ALL_ROLES,
    # Drafts and consultations of every organisation (others see the published ones).
    "agreements.view_all": frozenset({Role.IG_OFFICER, Role.AUDITOR}),
    "agreements.manage": IG,
    # A manager edits a draft of their own organisation only when granted it (guardian).
    "agreements.edit_drafts": frozenset({Role.MANAGER}),
    # Sign, decline or withdraw for their own organisation; the IG officer records any.
    "agreements.sign": frozenset({Role.IG_OFFICER, Role.MANAGER}),
    "agreements.respond": frozenset({Role.IG_OFFICER, Role.MANAGER}),
    "agreements.request_audit": frozenset({Role.IG_OFFICER, Role.MANAGER}),
    # A designated manager sees the children their organisation is involved with (need-to-know
    # still applies), to log decisions and approve overrides; they do not record consent.
    "consent.view": frozenset(
        {Role.IG_OFFICER, Role.MANAGER, Role.SENCO, Role.PRACTITIONER, Role.AUDITOR}
    ),
    "consent.record": frozenset({Role.SENCO, Role.IG_OFFICER}),
    # Every child of the partnership, past need-to-know (consent app); others see only children
    # their organisation is involved with.
    "consent.view_all": frozenset({Role.IG_OFFICER, Role.AUDITOR}),
    "consent.settings": IG,
    "decisions.view": ALL_ROLES,
    "decisions.record": frozenset({Role.PRACTITIONER, Role.SENCO, Role.MANAGER}),
    # Every sharing decision of the partnership (others see those their organisation made or
    # received, and about a child only with need-to-know).
    "decisions.view_all": frozenset({Role.IG_OFFICER, Role.AUDITOR}),
    # Download a filtered log as CSV (what the exporter may see, and recorded in the access log):
    # those who review or audit the log, not every practitioner.
    "decisions.export": frozenset({Role.IG_OFFICER, Role.MANAGER, Role.AUDITOR}),
    "breaches.view": frozenset({Role.IG_OFFICER, Role.MANAGER, Role.AUDITOR}),
    # Every breach of the partnership (a manager sees those their organisation is party to).
    "breaches.view_all": frozenset({Role.IG_OFFICER, Role.AUDITOR}),
    # Report a breach and record its steps for their own organisation; the IG officer, any.
    "breaches.report": frozenset({Role.IG_OFFICER, Role.MANAGER}),
    "breaches.manage": IG,
    # The 'due and overdue' page: everything the reminder jobs would remind about, for the whole
    # partnership; a manager sees what would go to their organisation's people, anyone else
    # what would go to them.
    "reminders.view_all": frozenset({Role.IG_OFFICER, Role.AUDITOR}),
    "reminders.view_organisation": frozenset({Role.MANAGER}),
    "api.docs": ALL_ROLES,
    # Security (partners/security): the partnership's settings and unlocking accounts; the
    # access audit, which the auditor reads too.
    "security.manage": IG,
    "security.access_log": frozenset({Role.IG_OFFICER, Role.AUDITOR}),
}


def can(membership: Membership | None, capability: str) -> bool:
    if membership is None or not membership.is_active:
        return False
    try:
        allowed = CAPABILITIES[capability]
    except KeyError:
        # A misspelt capability must fail closed and loudly in development.
        raise KeyError(f"Unknown capability {capability!r}") from None
    return membership.role in allowed
