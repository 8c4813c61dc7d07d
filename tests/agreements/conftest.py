"""Agreements in the standing partnership: a complete draft owned by the council, and the same
approved, with the IG officer who runs them. For the page and API tests, which act through
requests (so no tenant is active in the test body): the agreements in every state a page deals
with, a signed-in client for each role, and the IG officer's client."""

from __future__ import annotations

import pytest

from agreements import services
from partners.roles import Role
from tests.factories import AgreementFactory, fill_content


@pytest.fixture
def officer(in_tenant):
    return in_tenant.member(Role.IG_OFFICER)


def make_draft(partnership, **fields):
    fields.setdefault("owner_organisation", partnership.council)
    agreement = AgreementFactory(tenant=partnership.tenant, complete=True, **fields)
    fill_content(agreement)
    return agreement


def make_active(partnership, officer, **fields):
    agreement = make_draft(partnership, **fields)
    services.agreement_circulate(actor=officer, agreement=agreement, reason="For comment")
    services.agreement_approve(actor=officer, agreement=agreement, reason="Agreed by the board")
    return agreement


@pytest.fixture
def draft(in_tenant):
    return make_draft(in_tenant)


@pytest.fixture
def active(in_tenant, officer):
    return make_active(in_tenant, officer)


@pytest.fixture
def world(partnership):
    """The page tests' agreements in every state (tests/agreements/page_helpers.py)."""
    # Imported here: page_helpers imports make_draft and make_active from this module.
    from tests.agreements.page_helpers import build_world

    return build_world(partnership)


@pytest.fixture
def clients(partnership, client_for):
    return {role: client_for(partnership.member(role)) for role in Role}


@pytest.fixture
def ig(partnership, client_for):
    return client_for(partnership.member(Role.IG_OFFICER))
