"""`manage.py seed_scale` builds a partnership of a given size that the application reads as its
own: a valid hash chain, need-to-know grants exactly as the application would keep them, valid
identifiers, every role and consent state, pages that render; and a second partnership of the
same size beside it, isolated. Tiny numbers here; docs/performance.md has the full-size run."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from consent.access import subject_sync_access
from consent.models import ConsentRecord, DataSubject, DataSubjectGroupObjectPermission
from consent.validators import is_valid_nhs_number, is_valid_upn
from partners.models import Membership, Organisation, Tenant
from partners.roles import Role
from partners.tenancy import activate
from sharing_log.models import SharingDecision, SharingLogHead

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="seed_scale streams rows with PostgreSQL's COPY; run with DATABASE_URL=postgres://…",
)

TINY = {
    "organisations": 8,
    "users": 40,
    "children": 12,
    "consents": 30,
    "agreements": 4,
    "breaches": 3,
    "decisions": 60,
}


def seed(name: str, *extra: str) -> str:
    out = StringIO()
    arguments = [f"--{key}={value}" for key, value in TINY.items()]
    call_command("seed_scale", f"--tenant={name}", *arguments, *extra, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_seeded_partnership_has_the_sizes_asked_for_and_an_intact_chain():
    # PostgreSQL streams with COPY; SQLite (tiny sizes only) takes the same rows as INSERTs.
    output = seed("Scale test")
    tenant = Tenant.objects.get(name="Scale test")
    assert "Built Scale test" in output

    with activate(tenant):
        assert Organisation.objects.count() == TINY["organisations"]
        assert Membership.objects.count() == TINY["users"]
        assert DataSubject.objects.count() == TINY["children"]
        assert ConsentRecord.objects.count() == TINY["consents"]
        assert SharingDecision.objects.count() == TINY["decisions"]
        assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
        assert set(ConsentRecord.objects.values_list("status", flat=True)) >= {"given", "expired"}
        for subject in DataSubject.objects.all():
            assert not subject.nhs_number or is_valid_nhs_number(subject.nhs_number)
            assert not subject.upn or is_valid_upn(subject.upn)

    head = SharingLogHead.objects.get(tenant=tenant)
    assert head.sequence == TINY["decisions"]
    verified = StringIO()
    call_command("verify_sharing_log", f"--tenant={tenant.slug}", stdout=verified)
    assert tenant.slug in verified.getvalue() or "ok" in verified.getvalue().lower()


@pytest.mark.django_db
def test_need_to_know_grants_are_what_the_application_would_keep():
    seed("Grants test")
    tenant = Tenant.objects.get(name="Grants test")
    with activate(tenant):
        before = {
            subject.pk: set(
                DataSubjectGroupObjectPermission.objects.filter(content_object=subject).values_list(
                    "group_id", flat=True
                )
            )
            for subject in DataSubject.objects.all()
        }
        assert all(before.values()), "every child is visible to someone involved"
        for subject in DataSubject.objects.all():
            subject_sync_access(subject=subject)
        after = {
            subject.pk: set(
                DataSubjectGroupObjectPermission.objects.filter(content_object=subject).values_list(
                    "group_id", flat=True
                )
            )
            for subject in DataSubject.objects.all()
        }
    assert after == before


@postgres_only
@pytest.mark.django_db
def test_the_seeded_pages_render_for_a_member(client_for):
    seed("Pages test")
    tenant = Tenant.objects.get(name="Pages test")
    with activate(tenant):
        officer = Membership.objects.filter(role=Role.IG_OFFICER).first()
        child = DataSubject.objects.order_by("pk").first()
    client = client_for(officer)
    assert client.get(reverse("agreement_list")).status_code == 200
    response = client.get(reverse("consent:subject_detail", args=[child.public_id]))
    assert response.status_code == 200
    assert child.surname in response.content.decode()
    log = client.get(reverse("sharing_log:child_log", args=[child.public_id]))
    assert log.status_code == 200


@postgres_only
@pytest.mark.django_db
def test_a_second_partnership_of_the_same_size_is_isolated_from_the_first():
    seed("Twin")
    seed("Twin", "--second")
    first, second = Tenant.objects.get(name="Twin"), Tenant.objects.get(name="Twin 2")
    for tenant in (first, second):
        with activate(tenant):
            assert SharingDecision.objects.count() == TINY["decisions"]
            assert (
                not SharingDecision.objects.exclude(subject__tenant=tenant, subject__isnull=False)
                .exclude(subject__isnull=True)
                .exists()
            )
    call_command("verify_sharing_log", stdout=StringIO())


@postgres_only
@pytest.mark.django_db
def test_the_same_name_twice_is_refused():
    seed("Once only")
    with pytest.raises(CommandError, match="exists already"):
        seed("Once only")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the refusal is SQLite's")
@pytest.mark.django_db
def test_sqlite_is_refused_at_full_size_with_a_reason():
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("seed_scale", "--tenant=Too big", stdout=StringIO())
