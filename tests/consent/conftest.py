"""Children and consent in the standing partnership.

The partnership's SENCo and practitioner work at its school, the IG officer, manager and auditor
at its council. Added here: an agreement in force with two consent scopes (statutory assessment,
which needs a signed form, and early help, which does not), an NHS trust, and an organisation
that is never involved with the child. `child` is a pupil of the school opened by the SENCo.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from agreements.models import Agreement, ConsentScope
from consent import services
from consent.choices import CaptureMethod, GiverKind, Relationship
from consent.models import DataSubject
from partners.models import Membership, Organisation
from partners.roles import Role
from tests.agreements.conftest import make_active
from tests.factories import (
    ConsentScopeFactory,
    MembershipFactory,
    OrganisationFactory,
    SignatoryFactory,
)

STATUTORY = "Statutory assessment and EHC plan"
EARLY_HELP = "Early help"


def today() -> dt.date:
    return timezone.localdate()


def born(years: int, days: int = 0, *, on: dt.date | None = None) -> dt.date:
    return (on or today()) - relativedelta(years=years) - dt.timedelta(days=days)


@dataclass
class World:
    """The people, places and agreement the consent tests use."""

    partnership: object
    agreement: Agreement
    statutory: ConsentScope
    early_help: ConsentScope
    nhs: Organisation
    elsewhere: Organisation
    nhs_practitioner: Membership
    elsewhere_practitioner: Membership

    @property
    def school(self) -> Organisation:
        return self.partnership.school

    @property
    def council(self) -> Organisation:
        return self.partnership.council

    def member(self, role: str) -> Membership:
        return self.partnership.member(role)


@pytest.fixture
def world(in_tenant) -> World:
    officer = in_tenant.member(Role.IG_OFFICER)
    agreement = make_active(in_tenant, officer, title="SEND information sharing")
    tenant = in_tenant.tenant
    nhs = OrganisationFactory(tenant=tenant, name="Community Health NHS Trust", type="nhs_trust")
    elsewhere = OrganisationFactory(tenant=tenant, name="Faraway Academy", type="academy")
    return World(
        partnership=in_tenant,
        agreement=agreement,
        statutory=ConsentScopeFactory(agreement=agreement, name=STATUTORY),
        early_help=ConsentScopeFactory(
            agreement=agreement, name=EARLY_HELP, signed_form_required=False
        ),
        nhs=nhs,
        elsewhere=elsewhere,
        nhs_practitioner=MembershipFactory(tenant=tenant, organisation=nhs, role=Role.PRACTITIONER),
        elsewhere_practitioner=MembershipFactory(
            tenant=tenant, organisation=elsewhere, role=Role.SENCO
        ),
    )


@pytest.fixture
def senco(world) -> Membership:
    return world.member(Role.SENCO)


def open_record(actor: Membership, **fields) -> DataSubject:
    values = {
        "forenames": "Ava Rose",
        "surname": "Sampleton",
        "date_of_birth": born(9, 100),
        "gender": "female",
        "nhs_number": "999 000 0018",
        "upn": "",
        "current_setting": actor.organisation,
        "sen_status": "sen_support",
    }
    values.update(fields)
    return services.subject_create(actor=actor, **values)


@pytest.fixture
def child(world, senco) -> DataSubject:
    return open_record(senco, current_setting=world.school)


def parent_consent(world, actor, subject, **fields):
    """Consent from the child's mother for statutory assessment, to the council and NHS trust."""
    values = {
        "giver_kind": GiverKind.PARENT,
        "giver_name": "Jo Sampleton",
        "giver_relationship": Relationship.MOTHER,
        "scopes": [world.statutory],
        "recipients": [world.council, world.nhs],
        "capture_method": CaptureMethod.SIGNED_FORM,
        "given_on": today() - dt.timedelta(days=30),
    }
    values.update(fields)
    return services.consent_record(actor=actor, subject=subject, **values)


def signed_by(agreement: Agreement, organisation) -> None:
    """`organisation` has signed `agreement` (its authorised person's signature recorded)."""
    SignatoryFactory(
        agreement=agreement,
        organisation=organisation,
        status="signed",
        invited_on=agreement.created_at.date(),
        signed_on=agreement.created_at.date(),
        signer_name="Pat Head",
        typed_signature="Pat Head",
        version_signed=1,
    )
