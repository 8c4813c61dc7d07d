"""Every list of the partners API (organisations with their designated managers, an
organisation's contacts, people with their training, training records) runs as many queries for
30 rows as for 3."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners import services
from partners.models import Organisation
from partners.roles import Role
from partners.tenancy import activate
from tests.factories import MembershipFactory, OrganisationFactory
from tests.partners.api_directory_helpers import (
    MEMBERSHIPS,
    ORGANISATIONS,
    TRAINING,
    add_contact,
    add_training,
    contacts_url,
    rows,
)

pytestmark = pytest.mark.django_db


# --- Every list costs the same number of queries for 3 rows or 30 ----------------------------


def _more_organisations(partnership, n: int) -> str:
    parent = Organisation._base_manager.get(name="Parent")
    managers = [partnership.member(Role.MANAGER), partnership.member(Role.AUDITOR)]
    for _ in range(n):
        organisation = OrganisationFactory(tenant=partnership.tenant, parent=parent)
        with activate(partnership.tenant):
            services.organisation_set_designated_managers(
                actor=partnership.member(Role.IG_OFFICER),
                organisation=organisation,
                managers=managers,
            )
    return f"{ORGANISATIONS}?type=la_service&is_active=true&search=Organisation"


def _more_contacts(partnership, n: int) -> str:
    organisation = Organisation._base_manager.get(name="Parent")
    for i in range(n):
        add_contact(partnership, organisation, name=f"Contact {i}", email=f"c{i}@example.org")
    return contacts_url(organisation)


def _more_memberships(partnership, n: int) -> str:
    organisation = Organisation._base_manager.get(name="Parent")
    for _ in range(n):
        member = MembershipFactory(tenant=partnership.tenant, organisation=organisation)
        add_training(partnership, member, dt.date(2026, 1, 5))
        add_training(partnership, member, dt.date(2025, 1, 5))
    return f"{MEMBERSHIPS}?organisation={organisation.public_id}"


def _more_training(partnership, n: int) -> str:
    organisation = Organisation._base_manager.get(name="Parent")
    for _ in range(n):
        member = MembershipFactory(tenant=partnership.tenant, organisation=organisation)
        add_training(partnership, member, dt.date(2026, 1, 5))
    return f"{TRAINING}?status=current"


@pytest.mark.parametrize(
    "more", [_more_organisations, _more_contacts, _more_memberships, _more_training]
)
def test_every_list_costs_the_same_number_of_queries_for_3_or_30_rows(
    partnership, today, client_for, more
):
    ig = client_for(partnership.member(Role.IG_OFFICER))
    OrganisationFactory(tenant=partnership.tenant, name="Parent", type="other")

    def queries_for(url) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = ig.get(url)
        return len(rows(response)), len(captured)

    url = more(partnership, 3)
    few_rows, few_queries = queries_for(url)
    more(partnership, 27)
    many_rows, many_queries = queries_for(url)

    assert (few_rows, many_rows) == (3, 30)
    assert few_queries == many_queries
