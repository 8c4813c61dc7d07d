"""Shared fixtures: a partnership with one member of each role, and an outsider from another
partnership who holds the most powerful role there. Every route is tried by these people."""

from dataclasses import dataclass

import pytest
from django.test import Client

from partners.models import Membership, Organisation, Tenant
from partners.roles import Role
from partners.tenancy import activate
from tests.factories import MembershipFactory, OrganisationFactory, TenantFactory
from tests.security.flush import allow_the_test_flush
from tests.security.twostep import sign_in_verified


@dataclass
class Partnership:
    tenant: Tenant
    council: Organisation
    school: Organisation
    members: dict[str, Membership]

    def member(self, role: str) -> Membership:
        return self.members[role]


def build_partnership(name: str) -> Partnership:
    tenant = TenantFactory(name=name)
    council = OrganisationFactory(tenant=tenant, name=f"{name} County Council")
    school = OrganisationFactory(tenant=tenant, name=f"{name} Primary School", type="academy")
    members = {
        role.value: MembershipFactory(
            tenant=tenant,
            organisation=school if role in (Role.SENCO, Role.PRACTITIONER) else council,
            role=role,
            user__email=f"{role.value}@{tenant.slug}.example.org",
            user__full_name=f"{role.label} of {name}",
        )
        for role in Role
    }
    return Partnership(tenant=tenant, council=council, school=school, members=members)


@pytest.fixture
def partnership(db) -> Partnership:
    return build_partnership("Kent and Medway")


@pytest.fixture
def other_partnership(db) -> Partnership:
    return build_partnership("Haringey")


@pytest.fixture
def outsider(other_partnership) -> Membership:
    """The IG officer of another partnership: sees everything there, nothing here."""
    return other_partnership.member(Role.IG_OFFICER)


@pytest.fixture
def client_for():
    """client_for(membership) -> a Client signed in with that membership active (and past
    two-step verification for those who must use it)."""

    def make(membership: Membership) -> Client:
        client = sign_in_verified(Client(), membership.user)
        session = client.session
        session["sharewell_active_membership"] = str(membership.public_id)
        session.save()
        return client

    return make


@pytest.fixture
def in_tenant(partnership):
    """Run the test body with the partnership's tenant active, as a request or task would."""
    with activate(partnership.tenant):
        yield partnership


@pytest.fixture(scope="session", autouse=True)
def _append_only_tables_let_the_test_flush_through():
    """Transactional tests empty the database afterwards; append-only tables refuse DELETE
    otherwise (partners/security/appendonly.py)."""
    with allow_the_test_flush():
        yield
