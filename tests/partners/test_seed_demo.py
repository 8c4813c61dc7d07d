"""`seed_demo` builds the demo partnerships, can run again without duplicating anything, and
refuses to run where demo accounts must not exist."""

import importlib.machinery
import sys
import types
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.utils import timezone

from partners import demo as demo_module
from partners.demo import DEMO_PASSWORD, demo_partnership_seed
from partners.models import (
    AuthorisedContact,
    Membership,
    Organisation,
    OrganisationType,
    Tenant,
    TrainingRecord,
    User,
)
from partners.roles import Role
from partners.selectors import training_status_for_organisation
from partners.tenancy import activate, active_tenant_or_none

pytestmark = pytest.mark.django_db

DEMO_EMAILS = {
    Role.IG_OFFICER: "ig.officer@demo.sharewell.test",
    Role.MANAGER: "manager@demo.sharewell.test",
    Role.SENCO: "senco@demo.sharewell.test",
    Role.PRACTITIONER: "practitioner@demo.sharewell.test",
    Role.AUDITOR: "auditor@demo.sharewell.test",
}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def kent() -> Tenant:
    return Tenant.objects.get(slug="kent-medway-demo")


def snapshot() -> dict[str, object]:
    """Every row the seed writes, per tenant, including the change history it leaves."""
    rows: dict[str, object] = {"users": sorted(User.objects.values_list("email", flat=True))}
    for tenant in Tenant.objects.all():
        with activate(tenant):
            rows[tenant.slug] = {
                "organisations": sorted(
                    Organisation.objects.values_list("pk", "name", "type", "parent__name")
                ),
                "memberships": sorted(
                    Membership.objects.values_list(
                        "pk", "user__email", "organisation__name", "role"
                    )
                ),
                "organisation history": Organisation.history.filter(tenant=tenant).count(),
                "membership history": Membership.history.filter(tenant=tenant).count(),
            }
    return rows


def test_it_builds_the_kent_partnership_with_every_kind_of_partner():
    seed()

    tenant = kent()
    assert tenant.name == "Kent & Medway (demo)"
    assert tenant.bank_holiday_region == "england-and-wales"
    with activate(tenant):
        kinds = Counter(Organisation.objects.values_list("type", flat=True))
        council = Organisation.objects.get(name="Kent County Council (demo)")
        services = set(council.children.values_list("name", flat=True))
        names = list(Organisation.objects.values_list("name", flat=True))

    assert kinds == {
        # The council and four of its services.
        OrganisationType.LA_SERVICE: 5,
        OrganisationType.MAINTAINED_SCHOOL: 1,
        OrganisationType.ACADEMY: 1,
        OrganisationType.FREE_SCHOOL: 1,
        OrganisationType.SPECIAL_SCHOOL: 1,
        OrganisationType.EARLY_YEARS: 1,
        OrganisationType.NHS_TRUST: 1,
        OrganisationType.ICB: 1,
        OrganisationType.POLICE: 1,
        OrganisationType.YOUTH_JUSTICE: 1,
        OrganisationType.THIRD_SECTOR: 1,
    }
    assert services == {
        "KCC Special Educational Needs Service (demo)",
        "KCC Early Help (demo)",
        "Kent Educational Psychology Service (demo)",
        "KCC Fair Access (demo)",
    }
    # Nothing in the demo can be mistaken for a real school or service.
    assert all(name.endswith("(demo)") for name in names)


@pytest.mark.parametrize(
    ("role", "organisation"),
    [
        (Role.IG_OFFICER, "Kent County Council (demo)"),
        (Role.MANAGER, "KCC Special Educational Needs Service (demo)"),
        (Role.SENCO, "Hopfield Primary School (demo)"),
        (Role.PRACTITIONER, "KCC Early Help (demo)"),
        (Role.AUDITOR, "Kent County Council (demo)"),
    ],
)
def test_each_role_has_a_demo_user_who_can_sign_in(role, organisation):
    seed()

    user = authenticate(username=DEMO_EMAILS[role], password=DEMO_PASSWORD)

    assert user is not None
    assert user.full_name and user.job_title
    with activate(kent()):
        membership = Membership.objects.get(user=user)
        assert (membership.role, membership.organisation.name) == (role, organisation)
        # Exactly one demo user holds each role, so the README's list is unambiguous.
        holders = Membership.objects.filter(role=role, user__email__endswith="@demo.sharewell.test")
        assert holders.exclude(user__email="multi@demo.sharewell.test").count() == 1


def test_a_wrong_password_does_not_sign_a_demo_user_in():
    seed()

    assert (
        authenticate(username=DEMO_EMAILS[Role.IG_OFFICER], password="Sharewell-demo-2025") is None
    )


def test_one_demo_user_belongs_to_two_partnerships():
    seed()

    user = authenticate(username="multi@demo.sharewell.test", password=DEMO_PASSWORD)

    assert user is not None
    tenants = {tenant.slug: tenant for tenant in Tenant.objects.all()}
    assert set(tenants) == {"kent-medway-demo", "haringey-demo"}
    assert tenants["haringey-demo"].name == "Haringey (demo)"
    for tenant in tenants.values():
        with activate(tenant):
            assert Membership.objects.filter(user=user, is_active=True).count() == 1


def test_a_second_run_writes_nothing_and_duplicates_nothing():
    seed()
    first = snapshot()

    output = seed()

    assert snapshot() == first
    assert "Rows written: none" in output


def test_a_second_run_repairs_what_was_changed_since():
    seed()
    user = User.objects.get(email=DEMO_EMAILS[Role.SENCO])
    user.set_password("someone changed it")
    user.save()
    with activate(kent()):
        Membership.objects.filter(user=user).update(role=Role.AUDITOR)

    seed()

    assert authenticate(username=user.email, password=DEMO_PASSWORD) == user
    with activate(kent()):
        assert Membership.objects.get(user=user).role == Role.SENCO


def test_the_summary_lists_every_demo_user():
    output = seed()

    for email in [*DEMO_EMAILS.values(), "multi@demo.sharewell.test"]:
        assert email in output
    assert "Kent & Medway (demo)" in output
    assert "Haringey (demo)" in output


def test_other_apps_extend_the_demo_inside_each_partnership(monkeypatch):
    calls = []

    def extend_demo(demo):
        calls.append((demo.key, active_tenant_or_none(), demo.member("multi").user.email))

    monkeypatch.setattr(demo_module, "demo_extensions", lambda: [extend_demo])

    seed_result = demo_partnership_seed()

    assert calls == [
        ("kent", seed_result.partnerships["kent"].tenant, "multi@demo.sharewell.test"),
        ("haringey", seed_result.partnerships["haringey"].tenant, "multi@demo.sharewell.test"),
    ]


def test_an_app_adds_its_part_through_its_demo_module(monkeypatch):
    # Stands in for agreements/demo.py, which a later change will write.
    module = types.ModuleType("agreements.demo")
    module.__spec__ = importlib.machinery.ModuleSpec("agreements.demo", None)
    module.extend_demo = lambda demo: None
    monkeypatch.setitem(sys.modules, "agreements.demo", module)

    assert module.extend_demo in demo_module.demo_extensions()


def test_it_refuses_to_run_where_demo_data_is_not_allowed(settings):
    settings.SHAREWELL_DEMO_ALLOWED = False

    with pytest.raises(CommandError, match="SHAREWELL_DEMO_ALLOWED"):
        seed()

    assert not Tenant.objects.exists()
    assert not User.objects.filter(email__endswith="@demo.sharewell.test").exists()


def test_the_demo_has_authorised_contacts_and_training_some_of_it_lapsed(db):
    call_command("seed_demo", stdout=StringIO())
    tenant = Tenant.objects.get(slug="kent-medway-demo")
    today = timezone.localdate()
    with activate(tenant):
        contacts = AuthorisedContact.objects.all()
        assert contacts.filter(valid_to__isnull=True).count() >= 4
        assert contacts.filter(valid_to__lt=today).exists()
        statuses = {
            row.status
            for org in Organisation.objects.filter(memberships__isnull=False).distinct()
            for row in training_status_for_organisation(organisation=org, on=today)
        }
        assert statuses == {"current", "expired"}
        sen_service = Organisation.objects.get(name__startswith="KCC Special Educational Needs")
        assert sen_service.designated_managers.get().user.email == "manager@demo.sharewell.test"
    call_command("seed_demo", stdout=StringIO())
    with activate(tenant):
        assert AuthorisedContact.objects.count() == contacts.count()
        assert TrainingRecord.objects.count() == 6
