"""What a caller (a page's form, the API's serializer, the demo) gives to record a decision."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agreements.models import Agreement, ConsentScope, DataItem, LegalBasis
    from consent.models import DataSubject
    from partners.models import Organisation


@dataclass(frozen=True)
class RecipientSpec:
    """Whom a decision shares with: a partner organisation, an organisation outside the
    partnership by name, and/or a named person (with their role)."""

    organisation: Organisation | None = None
    organisation_name: str = ""
    person_name: str = ""
    person_role: str = ""


@dataclass(frozen=True)
class DecisionDraft:
    """Everything a decision records, before the service checks and saves it. Field names are
    the SharingDecision fields; `checks` maps each Golden Rule 6 field name (choices.
    GOLDEN_RULE_6_CHECKS: "check_necessary", …) to True or False, and every one must be answered.
    """

    subject: DataSubject | None
    outcome: str
    purpose: str
    information_level: str
    information_description: str
    reasons: str
    identity_check: str
    checks: Mapping[str, bool]
    recipients: Sequence[RecipientSpec]
    basis: str = ""
    decided_at: datetime | None = None
    requested_by_name: str = ""
    requested_by_organisation: Organisation | None = None
    requested_by_organisation_name: str = ""
    requested_by_role: str = ""
    identity_check_details: str = ""
    agreement: Agreement | None = None
    consent_scope: ConsentScope | None = None
    data_items: Sequence[DataItem] = ()
    special_categories: Sequence[str] = ()
    method: str = ""
    channel: str = ""
    record_location: str = ""
    statutory_gateway: LegalBasis | None = None
    request_reference: str = ""
    basis_details: str = ""
    immediate_risk: bool = False
    checks_note: str = ""
    advice_sought: Sequence[str] = ()
    advice_given: str = ""
    protected_identities: str = ""
    will_reconsider: bool | None = None
    reconsider_on: date | None = None
    override_reasons: str = ""
    override_evidence: str = ""
    third_parties_informed: str = ""
