"""The sharing log's world: the consent tests' partnership, agreement, NHS trust and child (a
pupil of the school), plus the police, a manager at the school (who approves the school's
overrides) and a designated manager for the NHS trust.

`draft(world, child, **changes)` is a complete decision to share minimum information with the
council on the mother's consent; each test changes what its rule is about.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from agreements.choices import Channel, InformationLevel, SharingMethod
from agreements.models import LegalBasis
from partners.models import DesignatedManager, Membership, Organisation
from partners.roles import Role
from sharing_log import services
from sharing_log.choices import GOLDEN_RULE_6_CHECKS, Basis, IdentityCheck, Outcome
from sharing_log.models import SharingDecision
from sharing_log.services import DecisionDraft, RecipientSpec
from tests.consent.conftest import (  # noqa: F401 (fixtures)
    child,
    open_record,
    parent_consent,
    senco,
    today,
    world,
)
from tests.factories import MembershipFactory, OrganisationFactory

ALL_YES = dict.fromkeys(GOLDEN_RULE_6_CHECKS, True)


@dataclasses.dataclass
class LogWorld:
    world: object
    police: Organisation
    school_manager: Membership
    nhs_manager: Membership

    def __getattr__(self, name):
        return getattr(self.world, name)

    @property
    def practitioner(self) -> Membership:
        return self.world.member(Role.PRACTITIONER)

    @property
    def senco(self) -> Membership:
        return self.world.member(Role.SENCO)

    @property
    def officer(self) -> Membership:
        return self.world.member(Role.IG_OFFICER)

    @property
    def auditor(self) -> Membership:
        return self.world.member(Role.AUDITOR)

    @property
    def council_manager(self) -> Membership:
        return self.world.member(Role.MANAGER)


@pytest.fixture
def log(world) -> LogWorld:  # noqa: F811 (the consent tests' fixture)
    tenant = world.partnership.tenant
    police = OrganisationFactory(tenant=tenant, name="Kent Police", type="police")
    school_manager = MembershipFactory(
        tenant=tenant,
        organisation=world.school,
        role=Role.MANAGER,
        user__full_name="Head of the school",
    )
    nhs_manager = MembershipFactory(
        tenant=tenant, organisation=world.nhs, role=Role.PRACTITIONER, user__full_name="NHS lead"
    )
    DesignatedManager.objects.create(tenant=tenant, organisation=world.nhs, membership=nhs_manager)
    return LogWorld(
        world=world, police=police, school_manager=school_manager, nhs_manager=nhs_manager
    )


def draft(log: LogWorld, subject, **changes) -> DecisionDraft:
    """A share of minimum information with the council, on the consent the mother gave for the
    statutory assessment scope, asked for by the council's SEN officer on a call-back."""
    values = {
        "subject": subject,
        "outcome": Outcome.SHARE,
        "purpose": "Statutory assessment and EHC plan",
        "consent_scope": log.statutory,
        "agreement": log.agreement,
        "information_level": InformationLevel.MINIMUM,
        "information_description": "Attendance this term and the current SEN support plan.",
        "reasons": "The council needs them for the EHC needs assessment.",
        "identity_check": IdentityCheck.CALL_BACK,
        "requested_by_name": "Sam Officer",
        "requested_by_organisation": log.council,
        "requested_by_role": "SEN casework officer",
        "checks": ALL_YES,
        "recipients": [RecipientSpec(organisation=log.council, person_name="Sam Officer")],
        "basis": Basis.CONSENT,
        "method": SharingMethod.FORM_BASED,
        "channel": Channel.SECURE_EMAIL,
        "record_location": "School MIS, safeguarding folder",
    }
    values.update(changes)
    return DecisionDraft(**values)


def record(log: LogWorld, actor: Membership, subject, **changes) -> SharingDecision:
    return services.decision_record(actor=actor, draft=draft(log, subject, **changes))


def gateway(code: str = "children-act-1989-s47") -> LegalBasis:
    return LegalBasis.objects.get(tenant__isnull=True, code=code)


def police_request(log: LogWorld, subject, **changes) -> dict:
    """Detailed information to the police on their Section 29(3) form, without consent."""
    values = {
        "basis": Basis.POLICE_REQUEST,
        "request_reference": "S29-2026-0042",
        "consent_scope": None,
        "purpose": "Prevention and detection of crime",
        "information_level": InformationLevel.DETAILED,
        "recipients": [RecipientSpec(organisation=log.police, person_name="DC Jones")],
        "requested_by_name": "DC Jones",
        "requested_by_organisation": log.police,
        "requested_by_role": "Detective constable",
        "identity_check": IdentityCheck.WRITTEN_REQUEST,
        "override_reasons": "A serious crime against the child is being investigated.",
        "override_evidence": "The signed Section 29(3) form.",
        "third_parties_informed": "None: informing the parents would prejudice the inquiry.",
    }
    values.update(changes)
    return values


def some_days_ago(days: int) -> dt.date:
    return today() - dt.timedelta(days=days)
