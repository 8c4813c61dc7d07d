"""`raw_writes.insert`: new rows stored through a raw cursor as `bulk_create` stores them."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from partners.models import Organisation
from partners.raw_writes import insert, insert_with_children
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# Differ between any two rows by nature: the key, the public id and the moments of writing.
OWN = {"id", "public_id", "created_at", "updated_at", "name"}
# The last statement of `insert_with_children` in the tests: rename an organisation.
RENAME = f"UPDATE {Organisation._meta.db_table} SET name = %s WHERE id = %s"  # noqa: S608


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


@pytest.mark.parametrize("logged", [False, True], ids=["as-served", "queries-logged"])
def test_parents_their_children_and_a_last_statement_are_stored_together(in_tenant, logged):
    # Recording a decision stores it, its recipients and the chain head's move this way: one
    # statement on PostgreSQL, three on SQLite. An organisation and the organisations under it
    # stand in for them here (the `parent` foreign key of one model to another row).
    tenant = in_tenant.tenant
    renamed = OrganisationFactory(tenant=tenant, name="Old name")
    parents = [OrganisationFactory.build(tenant=tenant) for _ in range(2)]
    children = [OrganisationFactory.build(tenant=tenant, parent=parent) for parent in parents * 2]
    then = (
        RENAME,
        ["New name", renamed.pk],
    )

    if logged:
        with CaptureQueriesContext(connection) as queries:
            insert_with_children(parents, children, link="parent", then=then)
        assert len(queries) == (1 if connection.vendor == "postgresql" else 3)
    else:
        insert_with_children(parents, children, link="parent", then=then)

    assert all(row.pk is not None and not row._state.adding for row in parents + children)
    for child in children:
        stored = Organisation.objects.get(pk=child.pk)
        assert stored.public_id == child.public_id
        assert child.parent_id == child.parent.pk
        assert stored.parent_id == child.parent_id
    assert {row.public_id for row in Organisation.objects.filter(parent__in=parents)} == {
        child.public_id for child in children
    }
    renamed.refresh_from_db()
    assert renamed.name == "New name"


def test_a_conflicting_child_stores_neither_the_parents_nor_the_last_statement(in_tenant):
    tenant = in_tenant.tenant
    existing = OrganisationFactory(tenant=tenant, name="Kept")
    parent = OrganisationFactory.build(tenant=tenant)
    clash = OrganisationFactory.build(tenant=tenant, parent=parent, public_id=existing.public_id)
    then = (
        RENAME,
        ["Changed", existing.pk],
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_with_children([parent], [clash], link="parent", then=then)
    assert not Organisation.objects.filter(public_id=parent.public_id).exists()
    existing.refresh_from_db()
    assert existing.name == "Kept"
