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


def every_kind_of_decision(log, subject) -> None:
    """Six decisions, one of each kind a row of the log can be: on consent (a consent, a scope
    and an agreement), an override approved, one pending, a public-interest share to a
    non-partner superseded by its correction, and a decision not to share about no one child."""
    parent_consent(log.world, log.senco, subject)
    record(log, log.senco, subject)  # on consent: a consent, a scope and an agreement
    police = record(log, log.senco, subject, **police_request(log, subject))
    services.override_decide(
        actor=log.school_manager, decision=police, outcome="approved", reasons="In order."
    )
    record(log, log.senco, subject, **police_request(log, subject))  # pending, no approval
    older = record(
        log,
        log.senco,
        subject,
        basis=Basis.PUBLIC_INTEREST,
        consent_scope=None,
        special_categories=["health"],
        recipients=[RecipientSpec(organisation_name="Riverside GP", person_name="Dr Shah")],
        immediate_risk=True,
        override_reasons="The child is at risk today.",
        override_evidence="The call this morning.",
        third_parties_informed="None yet.",
    )
    services.decision_supersede(
        actor=log.senco,
        decision=older,
        draft=draft(log, subject, basis=Basis.PUBLIC_INTEREST, consent_scope=None),
        reason="The plan was not sent after all.",
    )
    record(
        log,
        log.senco,
        None,
        outcome=Outcome.NOT_SHARE,
        basis="",
        consent_scope=None,
        will_reconsider=True,
        reconsider_on=today() + dt.timedelta(days=30),
        method="",
        channel="",
    )


@pytest.fixture
def api(client_for):
    """A client signed in as the given member: `api(log.senco)`."""

    def as_(membership):
        return client_for(membership)

    return as_
