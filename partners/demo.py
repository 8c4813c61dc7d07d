"""The demo partnership: a Kent & Medway partnership with one person in each role, built by
`python manage.py seed_demo` on development and demonstration machines.

Everything here is invented and marked "(demo)"; the schools are not real schools. The data is
written as specifications (tuples of plain values) so that it reads as a list of who is in the
partnership, and `demo_partnership_seed()` applies them idempotently: each row is found by its
natural key (a tenant's slug, an organisation's name within its tenant, a user's email, a user's
membership of a tenant) and only changed fields are written, so a second run creates nothing and
leaves no extra history rows.

Other apps add their part (agreements, children, consents, decisions, breaches...) without
touching this module: an app of this project that has a `demo` module with a function
`extend_demo(demo: DemoPartnership) -> None` is called once for each demo partnership, in
INSTALLED_APPS order (which is the apps' dependency order), inside `activate(demo.tenant)` and
the same transaction. An extension must be idempotent in the same way, finding its rows by
natural key; `demo.organisation("sen_service")` and `demo.member("senco")` give it the people
and places built here.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from partners.models import (
    AuthorisedContact,
    BankHolidayRegion,
    DesignatedManager,
    Membership,
    Organisation,
    OrganisationType,
    Tenant,
    TrainingRecord,
    User,
)
from partners.roles import Role
from partners.services import TRAINING_VALIDITY
from partners.tenancy import activate

# Published in the README so that anyone can try each role; these accounts exist only where
# SHAREWELL_DEMO_ALLOWED is true, never in production.
DEMO_PASSWORD = "Sharewell-demo-2026"  # noqa: S105

EXTENSION_MODULE = "demo"
EXTENSION_FUNCTION = "extend_demo"


@dataclass(frozen=True)
class OrganisationSpec:
    key: str
    name: str
    type: OrganisationType
    parent: str | None = None


@dataclass(frozen=True)
class UserSpec:
    key: str
    email: str
    full_name: str
    job_title: str


@dataclass(frozen=True)
class MembershipSpec:
    user: str
    organisation: str
    role: Role


@dataclass(frozen=True)
class PartnershipSpec:
    key: str
    name: str
    slug: str
    region: BankHolidayRegion
    organisations: tuple[OrganisationSpec, ...]
    memberships: tuple[MembershipSpec, ...]


T = OrganisationType

# One demo user per role, and one who belongs to two partnerships to show switching.
DEMO_USERS: tuple[UserSpec, ...] = (
    UserSpec(
        "ig_officer",
        "ig.officer@demo.sharewell.test",
        "Priya Raman",
        "Information Governance Officer",
    ),
    UserSpec(
        "manager",
        "manager@demo.sharewell.test",
        "David Okafor",
        "Head of SEN Assessment and Placement",
    ),
    UserSpec(
        "senco",
        "senco@demo.sharewell.test",
        "Rachel Whitfield",
        "Special Educational Needs Co-ordinator",
    ),
    UserSpec(
        "practitioner",
        "practitioner@demo.sharewell.test",
        "Tom Brennan",
        "Early Help Family Support Worker",
    ),
    UserSpec(
        "auditor",
        "auditor@demo.sharewell.test",
        "Margaret Ellis",
        "Senior Internal Auditor",
    ),
    UserSpec(
        "multi",
        "multi@demo.sharewell.test",
        "Sam Adeyemi",
        "Senior Educational Psychologist",
    ),
)

KENT = PartnershipSpec(
    key="kent",
    name="Kent & Medway (demo)",
    slug="kent-medway-demo",
    region=BankHolidayRegion.ENGLAND_AND_WALES,
    organisations=(
        OrganisationSpec("council", "Kent County Council (demo)", T.LA_SERVICE),
        # The council's services that the Kent schools protocol names as sharing parties.
        OrganisationSpec(
            "sen_service",
            "KCC Special Educational Needs Service (demo)",
            T.LA_SERVICE,
            parent="council",
        ),
        OrganisationSpec("early_help", "KCC Early Help (demo)", T.LA_SERVICE, parent="council"),
        OrganisationSpec(
            "educational_psychology",
            "Kent Educational Psychology Service (demo)",
            T.LA_SERVICE,
            parent="council",
        ),
        OrganisationSpec("fair_access", "KCC Fair Access (demo)", T.LA_SERVICE, parent="council"),
        # Invented settings, one of each kind the SEND SOP lists as parties.
        OrganisationSpec("primary_school", "Hopfield Primary School (demo)", T.MAINTAINED_SCHOOL),
        OrganisationSpec("academy", "Oast House Academy (demo)", T.ACADEMY),
        OrganisationSpec("free_school", "Wealdgate Free School (demo)", T.FREE_SCHOOL),
        OrganisationSpec("special_school", "Orchard Vale Special School (demo)", T.SPECIAL_SCHOOL),
        OrganisationSpec("nursery", "Little Acorns Nursery (demo)", T.EARLY_YEARS),
        OrganisationSpec(
            "nhs_trust", "Kent Community Health NHS Foundation Trust (demo)", T.NHS_TRUST
        ),
        OrganisationSpec("icb", "NHS Kent and Medway Integrated Care Board (demo)", T.ICB),
        OrganisationSpec("police", "Kent Police (demo)", T.POLICE),
        OrganisationSpec("youth_justice", "Kent Youth Justice Service (demo)", T.YOUTH_JUSTICE),
        OrganisationSpec("third_sector", "Medway Families Together (demo)", T.THIRD_SECTOR),
    ),
    memberships=(
        MembershipSpec("ig_officer", "council", Role.IG_OFFICER),
        MembershipSpec("manager", "sen_service", Role.MANAGER),
        MembershipSpec("senco", "primary_school", Role.SENCO),
        MembershipSpec("practitioner", "early_help", Role.PRACTITIONER),
        MembershipSpec("auditor", "council", Role.AUDITOR),
        MembershipSpec("multi", "educational_psychology", Role.PRACTITIONER),
    ),
)

# A second, small partnership so that a user with two memberships can switch between them.
HARINGEY = PartnershipSpec(
    key="haringey",
    name="Haringey (demo)",
    slug="haringey-demo",
    region=BankHolidayRegion.ENGLAND_AND_WALES,
    organisations=(
        OrganisationSpec("council", "Haringey Council (demo)", T.LA_SERVICE),
        OrganisationSpec(
            "educational_psychology",
            "Haringey Educational Psychology Service (demo)",
            T.LA_SERVICE,
            parent="council",
        ),
        OrganisationSpec(
            "primary_school", "Northwood Green Primary School (demo)", T.MAINTAINED_SCHOOL
        ),
    ),
    memberships=(MembershipSpec("multi", "educational_psychology", Role.MANAGER),),
)

DEMO_PARTNERSHIPS: tuple[PartnershipSpec, ...] = (KENT, HARINGEY)

# Kent's governance details (Haringey 4.1–4.2, 8.3, 12.1), its authorised information-sharing
# contacts (Kent schools protocol), and IG training (Kent SEND SOP "Quality Standards"). Dates are
# relative to the day the seed runs, so the demo always has current, lapsing and lapsed rows.
KENT_DETAILS: dict[str, dict[str, Any]] = {
    "council": {
        "address_line_1": "Sessions House, County Road",
        "town": "Maidstone",
        "postcode": "ME14 1XQ",
        "phone": "03000 000000",
        "ico_registration_number": "Z0000001",
        "caldicott_guardian": "Dr Helen Marsh (demo)",
        "dpo_name": "Andrew Cole (demo)",
        "dpo_email": "dpo@kent-council.demo.sharewell.test",
    },
    "primary_school": {
        "address_line_1": "1 Orchard Lane",
        "town": "Maidstone",
        "postcode": "ME14 1AA",
        "urn": "990101",
        "la_establishment_number": "886/2101",
        "ico_registration_number": "Z0000002",
        "dpo_name": "Schools DPO Service (demo)",
    },
    "nhs_trust": {"ods_code": "RYYDEMO", "caldicott_guardian": "Dr Imran Shah (demo)"},
    "police": {"phone": "01622 000000"},
}
# (organisation, name, role, email, started days ago, ended days ago or None)
KENT_CONTACTS: tuple[tuple[str, str, str, str, int, int | None], ...] = (
    ("council", "Andrew Cole", "Data Protection Officer", "dpo@kent-council", 900, None),
    ("sen_service", "Fiona Grant", "SEN Information Lead", "sen.info@kent-council", 400, None),
    ("primary_school", "Rachel Whitfield", "SENCo", "senco@hopfield", 500, None),
    ("primary_school", "Gareth Lowe", "Former Headteacher", "head@hopfield", 1500, 120),
    ("nhs_trust", "Nadia Begum", "IG Manager", "ig@kcht", 300, None),
    ("police", "DS Mark Howell", "Public Protection Unit", "ppu@kent-police", 200, None),
)
# (member, course, completed days ago): 365 days makes the record lapse on the seed's day.
KENT_TRAINING: tuple[tuple[str, str, int], ...] = (
    ("ig_officer", "Information governance for practitioners", 60),
    ("manager", "Information governance for practitioners", 200),
    ("senco", "Information sharing and consent in SEND", 340),
    ("practitioner", "Information governance for practitioners", 400),
    ("auditor", "Auditing information governance", 30),
    ("multi", "Information governance for practitioners", 700),
)

M = TypeVar("M", bound=models.Model)


@dataclass
class DemoPartnership:
    """One demo tenant as built: its organisations and members by their spec keys."""

    key: str
    tenant: Tenant
    organisations: dict[str, Organisation] = field(default_factory=dict)
    members: dict[str, Membership] = field(default_factory=dict)

    def organisation(self, key: str) -> Organisation:
        return self.organisations[key]

    def member(self, key: str) -> Membership:
        return self.members[key]


@dataclass
class DemoSeed:
    """What `demo_partnership_seed()` built, and how many rows it created or changed."""

    partnerships: dict[str, DemoPartnership] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    changes: Counter[str] = field(default_factory=Counter)

    @property
    def primary(self) -> DemoPartnership:
        return self.partnerships[KENT.key]


def demo_partnership_seed() -> DemoSeed:
    """Create or bring up to date the demo partnerships, their people, and every app's part.

    Idempotent: a second run finds every row by its natural key and writes nothing new.
    """
    seed = DemoSeed()
    with transaction.atomic():
        for spec in DEMO_USERS:
            seed.users[spec.key] = _demo_user_sync(spec=spec, changes=seed.changes)
        for spec in DEMO_PARTNERSHIPS:
            tenant = _sync(
                Tenant.objects,
                lookup={"slug": spec.slug},
                values={"name": spec.name, "bank_holiday_region": spec.region, "is_active": True},
                changes=seed.changes,
            )
            demo = DemoPartnership(key=spec.key, tenant=tenant)
            # Every tenant-owned row is written with this tenant active, as a request would.
            with activate(tenant):
                _partnership_sync(spec=spec, demo=demo, users=seed.users, changes=seed.changes)
                if spec is KENT:
                    _kent_governance_sync(demo=demo, changes=seed.changes)
                for extend in demo_extensions():
                    extend(demo)
            seed.partnerships[spec.key] = demo
    return seed


def demo_extensions() -> list[Callable[[DemoPartnership], Any]]:
    """Each project app's `demo.extend_demo`, in INSTALLED_APPS (dependency) order."""
    base_dir = Path(settings.BASE_DIR).resolve()
    extensions = []
    for app_config in apps.get_app_configs():
        # Only this project's own apps (top-level packages beside manage.py, not those
        # installed in a virtualenv); partners' part is the base built above.
        if app_config.name == "partners" or Path(app_config.path).resolve().parent != base_dir:
            continue
        module_name = f"{app_config.name}.{EXTENSION_MODULE}"
        if importlib.util.find_spec(module_name) is None:
            continue
        extend = getattr(importlib.import_module(module_name), EXTENSION_FUNCTION, None)
        if extend is not None:
            extensions.append(extend)
    return extensions


def _demo_user_sync(*, spec: UserSpec, changes: Counter[str]) -> User:
    user = _sync(
        User.objects,
        lookup={"email": spec.email},
        values={"full_name": spec.full_name, "job_title": spec.job_title, "is_active": True},
        changes=changes,
        prepare=lambda new: new.set_password(DEMO_PASSWORD),
    )
    # A demo reset also restores the published password if someone changed it.
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        changes["User updated"] += 1
    return user


def _partnership_sync(
    *,
    spec: PartnershipSpec,
    demo: DemoPartnership,
    users: dict[str, User],
    changes: Counter[str],
) -> None:
    # Specs list a parent before its children, so each parent already exists here.
    for org in spec.organisations:
        demo.organisations[org.key] = _sync(
            Organisation.objects,
            lookup={"tenant": demo.tenant, "name": org.name},
            values={
                "type": org.type,
                "parent": demo.organisations[org.parent] if org.parent else None,
                "is_active": True,
            },
            changes=changes,
        )
    for membership in spec.memberships:
        demo.members[membership.user] = _sync(
            Membership.objects,
            lookup={"tenant": demo.tenant, "user": users[membership.user]},
            values={
                "organisation": demo.organisations[membership.organisation],
                "role": membership.role,
                "is_active": True,
            },
            changes=changes,
        )


def _kent_governance_sync(*, demo: DemoPartnership, changes: Counter[str]) -> None:
    today = timezone.localdate()
    for key, values in KENT_DETAILS.items():
        _sync(
            Organisation.objects,
            lookup={"pk": demo.organisation(key).pk},
            values=values,
            changes=changes,
        )
    _sync(
        DesignatedManager.objects,
        lookup={
            "organisation": demo.organisation("sen_service"),
            "membership": demo.member("manager"),
        },
        values={},
        changes=changes,
    )
    for org, name, role, email, started, ended in KENT_CONTACTS:
        _sync(
            AuthorisedContact.objects,
            lookup={"organisation": demo.organisation(org), "name": name},
            values={
                "role": role,
                "email": f"{email}.demo.sharewell.test",
                "valid_from": today - timedelta(days=started),
                "valid_to": today - timedelta(days=ended) if ended is not None else None,
            },
            changes=changes,
        )
    for member, course, completed_days_ago in KENT_TRAINING:
        completed_on = today - timedelta(days=completed_days_ago)
        _sync(
            TrainingRecord.objects,
            lookup={"membership": demo.member(member), "course": course},
            values={
                "completed_on": completed_on,
                "expires_on": completed_on + TRAINING_VALIDITY,
            },
            changes=changes,
        )


def _sync(
    manager: models.Manager[M],
    *,
    lookup: dict[str, Any],
    values: dict[str, Any],
    changes: Counter[str],
    prepare: Callable[[M], None] | None = None,
) -> M:
    """Find the row by its natural key, or create it; write only fields whose value differs.

    Unlike update_or_create, an unchanged row is not saved, so reruns add no history rows.
    """
    label = manager.model.__name__
    try:
        obj = manager.get(**lookup)
    except manager.model.DoesNotExist:
        obj = manager.model(**lookup, **values)
        if prepare is not None:
            prepare(obj)
        obj.full_clean()
        obj.save()
        changes[f"{label} created"] += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        # auto_now fields are written only when named in update_fields.
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
            changed.append("updated_at")
        obj.save(update_fields=changed)
        changes[f"{label} updated"] += 1
    return obj
