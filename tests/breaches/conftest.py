"""A partnership with an agreement in force for breaches to be reported under.

The clock is frozen on Friday 18 December 2026, 10:00 in London, before anything is built: the
week before Christmas, so that the first deadlines cross Christmas and New Year 2027. The
council owns the agreement (and convenes the partners' meeting); the school, the police and an
NHS trust have signed it too. Each organisation has a manager, so every reminder has someone to
go to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from agreements import services as agreement_services
from agreements.models import Agreement, Signatory
from breaches import services
from breaches.models import BreachReport
from partners.models import Membership, Organisation
from partners.roles import Role
from tests.agreements.conftest import make_active
from tests.breaches.page_helpers import Clients
from tests.conftest import Partnership
from tests.factories import MembershipFactory, OrganisationFactory

LONDON = ZoneInfo("Europe/London")
FRIDAY_18_DECEMBER_2026 = dt.datetime(2026, 12, 18, 10, 0, tzinfo=LONDON)


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@dataclass
class World:
    partnership: Partnership
    agreement: Agreement
    police: Organisation
    nhs: Organisation
    school_manager: Membership
    police_manager: Membership

    @property
    def council(self) -> Organisation:
        return self.partnership.council

    @property
    def school(self) -> Organisation:
        return self.partnership.school

    def member(self, role: str) -> Membership:
        return self.partnership.member(role)

    @property
    def officer(self) -> Membership:
        return self.member(Role.IG_OFFICER)

    @property
    def council_manager(self) -> Membership:
        return self.member(Role.MANAGER)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(FRIDAY_18_DECEMBER_2026, tick=False)
    return time_machine


def sign(officer: Membership, agreement: Agreement, organisation: Organisation) -> Signatory:
    signatory = agreement_services.signatory_invite(
        actor=officer, agreement=agreement, organisation=organisation
    )
    return agreement_services.signatory_sign(
        actor=officer,
        signatory=signatory,
        signer_name=f"Signer for {organisation.name}",
        signer_title="Director",
        typed_signature=f"Signer for {organisation.name}",
    )


def build_world(partnership: Partnership) -> World:
    tenant = partnership.tenant
    officer = partnership.member(Role.IG_OFFICER)
    police = OrganisationFactory(tenant=tenant, name="Kent Police", type="police")
    nhs = OrganisationFactory(tenant=tenant, name="Kent Community Health", type="nhs_trust")
    agreement = make_active(partnership, officer)
    for organisation in (partnership.council, partnership.school, police, nhs):
        sign(officer, agreement, organisation)
    school_manager = MembershipFactory(
        tenant=tenant,
        organisation=partnership.school,
        role=Role.MANAGER,
        user__email=f"head@school.{tenant.slug}.example.org",
        user__full_name="Head of the school",
    )
    police_manager = MembershipFactory(
        tenant=tenant,
        organisation=police,
        role=Role.MANAGER,
        user__email=f"inspector@police.{tenant.slug}.example.org",
        user__full_name="Police inspector",
    )
    return World(partnership, agreement, police, nhs, school_manager, police_manager)


@pytest.fixture
def world(clock, in_tenant) -> World:
    return build_world(in_tenant)


def report(world: World, *, actor: Membership | None = None, **fields) -> BreachReport:
    """The council's manager reports a breach by the school, identified now."""
    fields.setdefault("agreement", world.agreement)
    fields.setdefault("title", "Assessment report emailed to the wrong school")
    fields.setdefault("reporting_organisation", world.council)
    fields.setdefault("organisation_in_breach", world.school)
    fields.setdefault("identified_at", dt.datetime.now(tz=LONDON))
    fields.setdefault("description", "A report was sent to the wrong address and recalled.")
    return services.breach_report(actor=actor or world.council_manager, **fields)


@pytest.fixture
def breach(world) -> BreachReport:
    return report(world)


@pytest.fixture
def clients(world, client_for):
    """clients[role]: a client signed in as that member now (tests/breaches/page_helpers.py)."""
    return Clients(world, client_for)
