"""A partnership at full scale, for measuring: `python manage.py seed_scale`.

DESIGN.md "Scale it is built for" sizes one tenant at 1,000 organisations, 10,000 users,
100,000 children, 100,000 consent records, 500 agreements, 2,000 breaches and 1,000,000 sharing
decisions. This package builds such a tenant in PostgreSQL in minutes: rows are generated in
Python and streamed into each table with COPY (psycopg 3 `cursor.copy()`), the tables' indexes,
constraints and append-only triggers all in place (the triggers refuse only UPDATE, DELETE and
TRUNCATE; COPY inserts). Primary keys are reserved from each table's own sequence up front, so
that rows of one table can point at rows of another before either is written (bulk.py).

The partners part (tenant, organisations, users, memberships in every role, designated managers,
authorised contacts, training records) is built here; every other app adds its part from its own
`<app>/scale.py` with `extend_scale(ctx: ScaleContext)`, called in INSTALLED_APPS (dependency)
order, as `seed_demo` calls each app's `demo.extend_demo`. What one app builds that another
needs (organisation ids by type, the children and who is involved with them, agreements) is kept
on the context.

Everything is invented: names are drawn from short lists, NHS numbers and UPNs are made valid by
the validators' own check-digit functions (URNs only have the DfE's shape), and the data is
reproducible from `--seed`. History rows (django-simple-history) are not written for seeded
rows: a seeded row has no change to show, and history is what the benchmarks of writes measure.
"""

from __future__ import annotations

import importlib
import importlib.util
import random
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

from partners.models import (
    AuthorisedContact,
    DesignatedManager,
    Membership,
    Organisation,
    OrganisationType,
    Tenant,
    TrainingRecord,
    User,
)
from partners.roles import Role
from partners.scale.bulk import (
    WRITTEN,
    Copier,
    check_foreign_keys,
    copy_rows,
    defer_row_triggers,
    reserve_ids,
)

__all__ = [
    "Copier",
    "ScaleContext",
    "ScaleOptions",
    "address",
    "copy_rows",
    "reserve_ids",
    "seed_scale",
]

EXTENSION_MODULE = "scale"
EXTENSION_FUNCTION = "extend_scale"

# SQLite is refused above these sizes: the command streams with PostgreSQL's COPY, and a million
# rows through SQLite's bulk inserts would take far longer than anyone would wait.
SQLITE_LIMITS = {"decisions": 1000, "children": 500, "users": 200}


@dataclass(frozen=True)
class ScaleOptions:
    tenant: str
    organisations: int = 1_000
    users: int = 10_000
    children: int = 100_000
    consents: int = 100_000
    agreements: int = 500
    breaches: int = 2_000
    decisions: int = 1_000_000
    seed: int = 2026
    years: int = 5


# --- Names ---------------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FORENAMES = _words(
    "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Sophia Grace Freya Florence Willow Poppy "
    "Evie Ella Aria Sienna Maya Zara Aisha Fatima Maryam Amira Leah Chloe Ruby Erin Niamh "
    "Layla Noah Oliver George Arthur Muhammad Leo Harry Oscar Archie Henry Theodore Freddie "
    "Jack Charlie Finley Thomas Alfie Jacob Isaac Ethan Mason Lucas Adam Yusuf Ibrahim Kai "
    "Reuben Dylan Samuel Joseph Tyler Kacper Jakub Mohammed Ali Omar Daniel Riley Logan "
    "Jayden Tobias "
)
SURNAMES = _words(
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson "
    "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel "
    "Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison "
    "Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths "
    "Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox "
    "Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Ahmed Hussain Ali Kaur "
    "Nowak Kowalski Okafor Adeyemi Mensah Osei Campbell Stewart Murray Reid Quinn O'Brien "
    "Byrne Doyle Fraser "
)
TOWNS = _words(
    "Maidstone Canterbury Ashford Dartford Gravesend Folkestone Dover Margate Ramsgate "
    "Sevenoaks Tonbridge Chatham Gillingham Rochester Sittingbourne Faversham Whitstable "
    "Herne Deal "
)
STREETS = (
    "High Street", "Church Road", "Station Road", "London Road", "Park Avenue",
    "Victoria Road", "Mill Lane", "The Green", "School Lane", "Queens Road",
)  # fmt: skip
JOB_TITLES = {
    Role.IG_OFFICER: "Information Governance Officer",
    Role.MANAGER: "Designated Safeguarding Manager",
    Role.SENCO: "Special Educational Needs Co-ordinator",
    Role.PRACTITIONER: "Family Support Practitioner",
    Role.AUDITOR: "Internal Auditor",
}

# The mix of a partnership like Kent & Medway: mostly schools and early-years settings, a few
# council services, NHS bodies and police, and a long tail of commissioned and voluntary services.
ORGANISATION_MIX: tuple[tuple[OrganisationType, float, str], ...] = (
    (OrganisationType.MAINTAINED_SCHOOL, 0.34, "{town} {surname} Primary School"),
    (OrganisationType.ACADEMY, 0.22, "{surname} {town} Academy"),
    (OrganisationType.FREE_SCHOOL, 0.03, "{town} {surname} Free School"),
    (OrganisationType.SPECIAL_SCHOOL, 0.04, "{surname} House Special School, {town}"),
    (OrganisationType.EARLY_YEARS, 0.18, "{surname} Day Nursery, {town}"),
    (OrganisationType.FE_POST16, 0.03, "{town} College ({surname} campus)"),
    (OrganisationType.LA_SERVICE, 0.04, "{town} Children's Services ({surname} team)"),
    (OrganisationType.NHS_TRUST, 0.03, "{town} {surname} NHS Trust service"),
    (OrganisationType.ICB, 0.005, "{town} Integrated Care Board ({surname} place)"),
    (OrganisationType.POLICE, 0.01, "{town} Police ({surname} district)"),
    (OrganisationType.YOUTH_JUSTICE, 0.01, "{town} Youth Justice Service ({surname})"),
    (OrganisationType.COMMISSIONED, 0.035, "{surname} Family Support Service, {town}"),
    (OrganisationType.THIRD_SECTOR, 0.045, "{surname} Children's Charity, {town}"),
    (OrganisationType.OTHER, 0.01, "{surname} Sports and Youth Club, {town}"),
)
SETTING_TYPES = frozenset(
    {
        OrganisationType.MAINTAINED_SCHOOL,
        OrganisationType.ACADEMY,
        OrganisationType.FREE_SCHOOL,
        OrganisationType.SPECIAL_SCHOOL,
        OrganisationType.EARLY_YEARS,
        OrganisationType.FE_POST16,
    }
)
SCHOOL_TYPES = SETTING_TYPES - {OrganisationType.EARLY_YEARS}

# Of every hundred people: one IG officer, five designated managers, sixteen SENCos, a handful
# of auditors and the rest practitioners.
ROLE_MIX: tuple[tuple[Role, float], ...] = (
    (Role.IG_OFFICER, 0.01),
    (Role.MANAGER, 0.05),
    (Role.SENCO, 0.16),
    (Role.AUDITOR, 0.005),
    (Role.PRACTITIONER, 0.775),
)


# --- The context every app's builder shares ------------------------------------------------------


@dataclass
class ScaleContext:
    options: ScaleOptions
    tenant: Tenant
    rng: random.Random
    now: datetime
    today: date
    log: Callable[[str], None]
    organisation_ids: list[int] = field(default_factory=list)
    organisation_types: dict[int, str] = field(default_factory=dict)
    organisation_public_ids: dict[int, uuid.UUID] = field(default_factory=dict)
    # Members by role, and by organisation (member ids).
    members_by_role: dict[str, list[int]] = field(default_factory=dict)
    members_by_organisation: dict[int, list[int]] = field(default_factory=dict)
    member_organisation: dict[int, int] = field(default_factory=dict)
    member_role: dict[int, str] = field(default_factory=dict)
    member_user: dict[int, int] = field(default_factory=dict)
    # Filled by the other apps' builders, for those after them.
    extra: dict[str, Any] = field(default_factory=dict)
    timings: list[tuple[str, int, float]] = field(default_factory=list)

    def organisations_of(self, types: Iterable[str]) -> list[int]:
        wanted = set(types)
        return [pk for pk in self.organisation_ids if self.organisation_types[pk] in wanted]

    def name(self) -> tuple[str, str]:
        return self.rng.choice(FORENAMES), self.rng.choice(SURNAMES)

    def moment_between(self, start: datetime, end: datetime) -> datetime:
        span = (end - start).total_seconds()
        return start + timedelta(seconds=self.rng.random() * span)

    def step(self, label: str, function: Callable[[], int]) -> int:
        """Run one step, log and keep its row count and time."""
        started = time.perf_counter()
        count = function()
        elapsed = time.perf_counter() - started
        self.timings.append((label, count, elapsed))
        rate = count / elapsed if elapsed else 0
        self.log(f"  {label}: {count:,} rows in {elapsed:.1f} s ({rate:,.0f}/s)")
        return count


def _email(local_and_host: str) -> str:
    """An address that can never reach anyone (.test is reserved, RFC 2606)."""
    return f"{local_and_host}.scale.sharewell.test".lower().replace("'", "")


def postcode(rng: random.Random) -> str:
    area = rng.choice(("ME", "CT", "TN", "DA", "BR"))
    return f"{area}{rng.randint(1, 20)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"  # noqa: E501


def address(rng: random.Random) -> tuple[str, str, str]:
    return f"{rng.randint(1, 240)} {rng.choice(STREETS)}", rng.choice(TOWNS), postcode(rng)


# --- The partners part ---------------------------------------------------------------------------


def tenant_create(options: ScaleOptions) -> Tenant:
    from django.utils.text import slugify

    slug = slugify(options.tenant)[:60] or "scale"
    if (
        Tenant.objects.filter(slug=slug).exists()
        or Tenant.objects.filter(name=options.tenant).exists()
    ):
        raise ValueError(
            f"A partnership named {options.tenant!r} (or with the slug {slug!r}) exists already: "
            "name another with --tenant to add a second one."
        )
    return Tenant.objects.create(name=options.tenant, slug=slug)


def _organisations(ctx: ScaleContext) -> int:
    rng, n = ctx.rng, ctx.options.organisations
    first = reserve_ids(Organisation, n)
    types: list[tuple[OrganisationType, str]] = []
    for kind, share, pattern in ORGANISATION_MIX:
        types.extend([(kind, pattern)] * max(1, round(share * n)))
    types = (types * (n // max(1, len(types)) + 1))[:n]
    rng.shuffle(types)
    # The council comes first, so that its services can name it as their parent.
    types[0] = (OrganisationType.LA_SERVICE, "{town} County Council")
    rows = []
    names: set[str] = set()
    urn = 100000 + rng.randint(0, 400000)
    for index, (kind, pattern) in enumerate(types):
        pk = first + index
        while True:
            name = pattern.format(town=rng.choice(TOWNS), surname=rng.choice(SURNAMES))
            if name not in names:
                break
            name = f"{name} {index}"
            if name not in names:
                break
        names.add(name)
        line_1, town, code = address(rng)
        is_school = kind in SCHOOL_TYPES
        urn += rng.randint(1, 40)
        renewal = ctx.today + timedelta(days=rng.randint(-30, 365))
        public_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        rows.append(
            (
                pk,
                public_id,
                ctx.tenant.pk,
                name,
                str(kind),
                first if kind == OrganisationType.LA_SERVICE and index else None,
                line_1,
                town,
                code,
                f"01622 {rng.randint(100000, 999999)}",
                str(urn) if is_school else "",
                f"{886}/{2000 + index % 8000:04d}" if is_school else "",
                f"Z{rng.randint(1000000, 9999999)}",
                renewal,
                f"{rng.choice(FORENAMES)} {rng.choice(SURNAMES)}",
                f"dpo{index}@{ctx.tenant.slug}.scale.sharewell.test",
            )
        )
        ctx.organisation_ids.append(pk)
        ctx.organisation_types[pk] = str(kind)
        ctx.organisation_public_ids[pk] = public_id
    columns = [
        "id",
        "public_id",
        "tenant_id",
        "name",
        "type",
        "parent_id",
        "address_line_1",
        "town",
        "postcode",
        "phone",
        "urn",
        "la_establishment_number",
        "ico_registration_number",
        "ico_renewal_date",
        "dpo_name",
        "dpo_email",
    ]
    return copy_rows(Organisation, columns, rows, now=ctx.now)


def _users_and_memberships(ctx: ScaleContext) -> int:
    from django.contrib.auth.hashers import make_password

    rng, n = ctx.rng, ctx.options.users
    # Nobody signs in with a password here: the benchmarks use API tokens and sessions they make
    # themselves. One unusable password value serves every row (hashing 10,000 would take
    # minutes).
    password = make_password(None)
    first_user = reserve_ids(User, n)
    first_member = reserve_ids(Membership, n)
    roles: list[Role] = []
    for role, share in ROLE_MIX:
        roles.extend([role] * max(1, round(share * n)))
    roles = (roles * 2)[:n]
    rng.shuffle(roles)
    # Every organisation has at least one person; the rest are spread by size.
    organisations = list(ctx.organisation_ids)
    users, members = [], []
    for index in range(n):
        forename, surname = ctx.name()
        role = roles[index]
        user_pk, member_pk = first_user + index, first_member + index
        organisation = (
            organisations[index] if index < len(organisations) else rng.choice(organisations)
        )
        email = _email(f"{forename}.{surname}.{index}@{ctx.tenant.slug}")
        users.append(
            (user_pk, password, email, f"{forename} {surname}", JOB_TITLES[role], True, False,
             False, ctx.now)
        )  # fmt: skip
        members.append((member_pk, ctx.tenant.pk, user_pk, organisation, str(role), True))
        ctx.members_by_role.setdefault(str(role), []).append(member_pk)
        ctx.members_by_organisation.setdefault(organisation, []).append(member_pk)
        ctx.member_organisation[member_pk] = organisation
        ctx.member_role[member_pk] = str(role)
        ctx.member_user[member_pk] = user_pk
    copy_rows(
        User,
        [
            "id",
            "password",
            "email",
            "full_name",
            "job_title",
            "is_active",
            "is_staff",
            "is_superuser",
            "date_joined",
        ],
        users,
        now=ctx.now,
    )
    return len(users) + copy_rows(
        Membership,
        ["id", "tenant_id", "user_id", "organisation_id", "role", "is_active"],
        members,
        now=ctx.now,
    )


def _governance(ctx: ScaleContext) -> int:
    """Designated managers, authorised contacts and IG training (some lapsed, some due soon)."""
    rng = ctx.rng
    managers = set(ctx.members_by_role.get(str(Role.MANAGER), []))
    designated, contacts, training = [], [], []
    for organisation in ctx.organisation_ids:
        people = ctx.members_by_organisation.get(organisation, [])
        chosen = [pk for pk in people if pk in managers][:2]
        for member in chosen:
            designated.append((ctx.tenant.pk, organisation, member))
        forename, surname = ctx.name()
        valid_from = ctx.today - timedelta(days=rng.randint(30, 1500))
        contacts.append(
            (ctx.tenant.pk, organisation, f"{forename} {surname}", "Information sharing lead",
             _email(f"{forename}.{surname}.{organisation}@contacts.{ctx.tenant.slug}"),
             valid_from, None)
        )  # fmt: skip
    for member in ctx.member_organisation:
        completed = ctx.today - timedelta(days=rng.randint(0, 500))
        training.append(
            (ctx.tenant.pk, member, "Information sharing and data protection (annual)",
             completed, completed + timedelta(days=365))
        )  # fmt: skip
    count = copy_rows(
        DesignatedManager,
        ["tenant_id", "organisation_id", "membership_id"],
        designated,
        now=ctx.now,
    )
    count += copy_rows(
        AuthorisedContact,
        ["tenant_id", "organisation_id", "name", "role", "email", "valid_from", "valid_to"],
        contacts,
        now=ctx.now,
    )
    count += copy_rows(
        TrainingRecord,
        ["tenant_id", "membership_id", "course", "completed_on", "expires_on"],
        training,
        now=ctx.now,
    )
    return count


def build_partners(ctx: ScaleContext) -> None:
    ctx.step("organisations", lambda: _organisations(ctx))
    ctx.step("users and memberships", lambda: _users_and_memberships(ctx))
    ctx.step("designated managers, contacts, training", lambda: _governance(ctx))


def project_app_modules(module: str) -> list[ModuleType]:
    """`<app>.<module>` of each of this project's own apps that has one (not partners, not
    packages installed in the virtualenv), in INSTALLED_APPS (dependency) order."""
    base_dir = Path(settings.BASE_DIR).resolve()
    names = [
        f"{config.name}.{module}"
        for config in apps.get_app_configs()
        if config.name != "partners" and Path(config.path).resolve().parent == base_dir
    ]
    return [importlib.import_module(name) for name in names if importlib.util.find_spec(name)]


def scale_extensions() -> list[Callable[[ScaleContext], Any]]:
    """Each project app's `scale.extend_scale`, in dependency order (as seed_demo's)."""
    return [
        getattr(module, EXTENSION_FUNCTION)
        for module in project_app_modules(EXTENSION_MODULE)
        if hasattr(module, EXTENSION_FUNCTION)
    ]


def analyse(tables: Iterable[str]) -> None:
    """Fresh planner statistics for the tables just filled (autovacuum would take a while)."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def seed_scale(options: ScaleOptions, *, log: Callable[[str], None]) -> ScaleContext:
    """Build one partnership of the given size, in one transaction, then refresh the planner's
    statistics. Returns the context (with each step's count and time)."""
    from django.db import transaction

    started = time.perf_counter()
    WRITTEN.clear()
    with transaction.atomic():
        fast = defer_row_triggers()
        tenant = tenant_create(options)
        now = timezone.now()
        ctx = ScaleContext(
            options=options,
            tenant=tenant,
            # Reproducible invented data, not secrets: a seeded PRNG is what is wanted.
            rng=random.Random(f"{options.seed}:{tenant.slug}"),  # noqa: S311
            now=now,
            today=timezone.localdate(now),
            log=log,
        )
        log(f"Partnership {tenant.name} ({tenant.slug}):")
        build_partners(ctx)
        for extend in scale_extensions():
            extend(ctx)
        if fast:
            checking = time.perf_counter()
            keys = check_foreign_keys(tenant, WRITTEN)
            ctx.timings.append(("foreign keys checked", 0, time.perf_counter() - checking))
            log(f"  {keys} foreign keys checked in {time.perf_counter() - checking:.1f} s")
        committing = time.perf_counter()
    ctx.timings.append(
        (
            "commit" + ("" if fast else " (with the deferred foreign-key checks)"),
            0,
            time.perf_counter() - committing,
        )
    )
    analysed = time.perf_counter()
    analyse(
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    )
    ctx.timings.append(("ANALYZE", 0, time.perf_counter() - analysed))
    ctx.timings.append(("total", sum(c for _, c, _ in ctx.timings), time.perf_counter() - started))
    return ctx
