"""Agreements in the standing partnership: a complete draft owned by the council, and the same
approved, with the IG officer who runs them."""

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
