"""Tenant isolation is enforced by the default manager of every tenant-owned model."""

import pytest

from partners.models import Organisation
from partners.tenancy import NoActiveTenant, activate, cross_tenant_context

pytestmark = pytest.mark.django_db


def test_a_query_without_an_active_tenant_fails_loudly(partnership):
    with pytest.raises(NoActiveTenant):
        list(Organisation.objects.all())


def test_the_active_tenant_sees_only_its_own_rows(partnership, other_partnership):
    with activate(partnership.tenant):
        names = set(Organisation.objects.values_list("name", flat=True))
    assert names == {partnership.council.name, partnership.school.name}
    assert other_partnership.council.name not in names


def test_a_new_row_takes_the_active_tenant(partnership):
    with activate(partnership.tenant):
        organisation = Organisation.objects.create(name="Early Help", type="la_service")
    assert organisation.tenant == partnership.tenant


def test_the_cross_tenant_context_reads_every_tenant(partnership, other_partnership):
    with cross_tenant_context():
        count = Organisation.objects.count()
    assert count == 4


def test_saving_in_the_cross_tenant_context_needs_an_explicit_tenant(partnership):
    with cross_tenant_context(), pytest.raises(NoActiveTenant):
        Organisation.objects.create(name="Nowhere", type="other")
