"""`raw_writes.insert`: new rows stored through a raw cursor as `bulk_create` stores them."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from partners.models import Organisation
from partners.raw_writes import insert
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# Differ between any two rows by nature: the key, the public id and the moments of writing.
OWN = {"id", "public_id", "created_at", "updated_at", "name"}


@pytest.mark.parametrize("logged", [False, True], ids=["as-served", "queries-logged"])
def test_rows_are_stored_as_bulk_create_stores_them_in_one_statement(in_tenant, logged):
    # As served, PostgreSQL is sent its own $n placeholders; while queries are logged, the %s
    # form that Django renders. Both store the same rows.
    tenant = in_tenant.tenant
    parent = OrganisationFactory(tenant=tenant)
    built = [OrganisationFactory.build(tenant=tenant, parent=parent) for _ in range(4)]
    by_orm, by_insert = built[:2], built[2:]
    Organisation.objects.bulk_create(by_orm)
    if logged:
        with CaptureQueriesContext(connection) as queries:
            insert(by_insert)
        assert len(queries) == 1
    else:
        insert(by_insert)

    # Each has its key and is saved, as bulk_create leaves them.
    assert all(row.pk is not None and not row._state.adding for row in by_insert)
    stored = {row.pk: row for row in Organisation.objects.filter(parent=parent)}
    assert set(stored) == {row.pk for row in built}
    fields = [field for field in Organisation._meta.concrete_fields if field.name not in OWN]
    for orm_row, raw_row in zip(by_orm, by_insert, strict=True):
        mine, theirs = stored[raw_row.pk], stored[orm_row.pk]
        for field in fields:
            assert getattr(mine, field.attname) == getattr(theirs, field.attname), field.name
        # The times auto_now sets are set, and stored as they are in hand.
        assert mine.created_at == raw_row.created_at and mine.updated_at == raw_row.updated_at
        assert mine.public_id == raw_row.public_id and mine.name == raw_row.name


def test_nothing_to_insert_asks_nothing():
    with CaptureQueriesContext(connection) as queries:
        insert([])
    assert len(queries) == 0


def test_a_conflicting_row_raises_djangos_integrity_error_and_nothing_is_stored(in_tenant):
    # decision_supersede relies on it: two corrections of one decision at once meet the unique
    # `supersedes`, and the second is told, in its savepoint, rather than failing the request.
    tenant = in_tenant.tenant
    existing = OrganisationFactory(tenant=tenant)
    clash = OrganisationFactory.build(tenant=tenant, public_id=existing.public_id)
    with pytest.raises(IntegrityError), transaction.atomic():
        insert([clash])
    assert clash.pk is None
    assert Organisation.objects.filter(public_id=existing.public_id).count() == 1
