"""The consent part of a partnership at scale (`seed_scale`, partners/scale.py).

Children and young people (0–19, to 25 with special educational needs) with valid NHS numbers
and Unique Pupil Numbers, a current setting and a team around each child; consent records in
every state (given, refused, withdrawn, expired, replaced by a newer one) with their purposes,
recipients and timelines; and the need-to-know grants (django-guardian group object permissions,
one group per organisation) exactly as `consent.access.subject_sync_access` would leave them:
each child's record granted to the organisations involved with the child.

Published on `ctx.extra` for the sharing log: each child's id and involved organisations, the
consent each child's decisions may rely on, and the "busy" children the benchmarks read (the
first `BUSY_CHILDREN` children of the partnership, by id, each with `BUSY_CONSENTS` consents and,
from the sharing log's builder, `BUSY_DECISIONS` decisions).
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from typing import NamedTuple

from django.contrib.auth.models import Group, Permission

from consent.access import VIEW_PERMISSION
from consent.choices import (
    CaptureMethod,
    ConsentStatus,
    Decision,
    Ethnicity,
    EventKind,
    Gender,
    GiverKind,
    Relationship,
    SenStatus,
    SpecialCategory,
)
from consent.models import (
    ConsentEvent,
    ConsentPurpose,
    ConsentRecipient,
    ConsentRecord,
    DataSubject,
    DataSubjectGroupObjectPermission,
    OrganisationGroup,
    TeamMember,
)
from consent.validators import nhs_check_digit, upn_check_letter
from partners.scale import TOWNS, ScaleContext, address, copy_rows, reserve_ids

NICKNAMES = ("Bobby", "Jay", "Sunny", "Alex")
WITHDRAWN_BECAUSE = "The parent asked us to stop sharing."
CAPTURE = (CaptureMethod.SIGNED_FORM, CaptureMethod.VERBAL, CaptureMethod.ELECTRONIC)
BUSY_CHILDREN = 20
BUSY_CONSENTS = 10
BUSY_DECISIONS = 50

TEAM_ROLES = (
    ("la_service", "Early Help key worker"),
    ("la_service", "Social worker"),
    ("la_service", "Educational psychologist"),
    ("nhs_trust", "Health visitor"),
    ("nhs_trust", "School nurse"),
    ("nhs_trust", "Speech and language therapist"),
    ("police", "Safeguarding officer"),
    ("youth_justice", "Youth justice caseworker"),
    ("third_sector", "Family support worker"),
    ("commissioned", "Parenting practitioner"),
)
# Of every hundred consent records as they stand today.
STATUS_MIX = (
    (ConsentStatus.GIVEN, 0.60),
    (ConsentStatus.REFUSED, 0.07),
    (ConsentStatus.WITHDRAWN, 0.11),
    (ConsentStatus.EXPIRED, 0.22),
)
RELATIONSHIPS = (
    Relationship.MOTHER,
    Relationship.MOTHER,
    Relationship.FATHER,
    Relationship.ADOPTIVE_PARENT,
    Relationship.SPECIAL_GUARDIAN,
    Relationship.LOCAL_AUTHORITY,
)


class ConsentReliedOn(NamedTuple):
    id: int
    public_id: uuid.UUID
    agreement_id: int | None
    scope_id: int | None
    scope_name: str
    recipients: tuple[int, ...]
    given_on: date
    review_due: date | None
    giver_kind: str


def extend_scale(ctx: ScaleContext) -> None:
    ctx.step("children and teams around them", lambda: _children(ctx))
    ctx.step("need-to-know grants", lambda: _grants(ctx))
    ctx.step("consent records and timelines", lambda: _consents(ctx))


def _nhs_numbers(ctx: ScaleContext):
    number = ctx.rng.randint(400_000_000, 600_000_000)
    while True:
        number += 1
        first_nine = f"{number:09d}"
        check = nhs_check_digit(first_nine)
        if check is not None:
            yield f"{first_nine}{check}"


def _upn(serial: int) -> str:
    # A UPN is a check letter, the LA number, the establishment number, the year of issue and a
    # three-digit serial (consent/validators.py).
    establishment = 2000 + serial // 90_000
    year = 10 + (serial // 1000) % 90
    body = f"886{establishment:04d}{year:02d}{serial % 1000:03d}"
    return upn_check_letter(body) + body


def _birthday(ctx: ScaleContext, age: int) -> date:
    return ctx.today - timedelta(days=age * 365 + ctx.rng.randint(0, 364))


def _setting_for(
    ctx: ScaleContext, age: int, settings_by_stage: dict[str, list[int]]
) -> int | None:
    if age < 4:
        stage = "early_years"
    elif age < 16:
        stage = "school"
    elif age < 19:
        stage = "post16"
    else:
        return ctx.rng.choice(settings_by_stage["post16"]) if ctx.rng.random() < 0.3 else None
    choices = settings_by_stage[stage]
    return ctx.rng.choice(choices) if choices else None


def _children(ctx: ScaleContext) -> int:
    rng, n, tenant_id = ctx.rng, ctx.options.children, ctx.tenant.pk
    first = reserve_ids(DataSubject, n)
    settings_by_stage = {
        "early_years": ctx.organisations_of({"early_years"}),
        "school": ctx.organisations_of(
            {"maintained_school", "academy", "free_school", "special_school"}
        ),
        "post16": ctx.organisations_of({"fe_post16", "academy"}),
    }
    for stage, ids in settings_by_stage.items():
        if not ids:
            settings_by_stage[stage] = list(ctx.organisation_ids)
    team_pools = {
        kind: ctx.organisations_of({kind}) or list(ctx.organisation_ids)
        for kind in {kind for kind, _ in TEAM_ROLES}
    }
    genders = [Gender.FEMALE, Gender.MALE] * 24 + [Gender.ANOTHER, Gender.NOT_KNOWN]
    ethnicities = list(Ethnicity)
    nhs = _nhs_numbers(ctx)
    subjects, team = [], []
    children: list[tuple[int, tuple[int, ...]]] = []
    for index in range(n):
        pk = first + index
        sen = rng.choices(
            (SenStatus.NONE, SenStatus.SEN_SUPPORT, SenStatus.ASSESSMENT, SenStatus.EHC_PLAN),
            weights=(80, 13, 2, 5),
        )[0]
        age = (
            rng.randint(19, 24)
            if sen != SenStatus.NONE and rng.random() < 0.03
            else rng.randint(0, 18)
        )
        setting = _setting_for(ctx, age, settings_by_stage)
        forename, surname = ctx.name()
        line_1, town, code = address(rng)
        subjects.append(
            (pk, tenant_id, forename, surname,
             f"{rng.choice(NICKNAMES)} {surname}" if rng.random() < 0.05 else "",
             _birthday(ctx, age), str(rng.choice(genders)),
             str(rng.choice(ethnicities)) if rng.random() < 0.8 else "",
             line_1, town, code, next(nhs) if rng.random() < 0.97 else "",
             _upn(index) if 4 <= age <= 18 and setting else "", setting, str(sen))
        )  # fmt: skip
        involved = [setting] if setting else []
        size = 3 if index < BUSY_CHILDREN else rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
        lead_done = False
        for kind, role in rng.sample(TEAM_ROLES, size):
            organisation = rng.choice(team_pools[kind])
            if organisation in involved:
                continue
            involved.append(organisation)
            people = ctx.members_by_organisation.get(organisation, [])
            member = rng.choice(people) if people and rng.random() < 0.6 else None
            started = ctx.today - timedelta(days=rng.randint(0, 5 * 365))
            team.append(
                (tenant_id, pk, organisation, member,
                 "" if member else f"{rng.choice(TOWNS)} duty worker", role, not lead_done,
                 started, member)
            )  # fmt: skip
            lead_done = True
        children.append((pk, tuple(involved)))
    ctx.extra["consent.children"] = children
    count = copy_rows(
        DataSubject,
        [
            "id",
            "tenant_id",
            "forenames",
            "surname",
            "aliases",
            "date_of_birth",
            "gender",
            "ethnicity",
            "address_line_1",
            "town",
            "postcode",
            "nhs_number",
            "upn",
            "current_setting_id",
            "sen_status",
        ],
        subjects,
        now=ctx.now,
    )
    return count + copy_rows(
        TeamMember,
        [
            "tenant_id",
            "subject_id",
            "organisation_id",
            "membership_id",
            "person_name",
            "role",
            "is_lead",
            "started_on",
            "added_by_id",
        ],
        team,
        now=ctx.now,
    )


def _grants(ctx: ScaleContext) -> int:
    """One group per organisation, and each child's record granted to the involved ones."""
    tenant_id = ctx.tenant.pk
    organisations = ctx.organisation_ids
    first_group = reserve_ids(Group, len(organisations))
    group_of = {pk: first_group + i for i, pk in enumerate(organisations)}
    count = copy_rows(
        Group,
        ["id", "name"],
        (
            (group_of[pk], f"sharewell-org-{ctx.organisation_public_ids[pk]}")
            for pk in organisations
        ),
        now=ctx.now,
    )
    count += copy_rows(
        OrganisationGroup,
        ["tenant_id", "organisation_id", "group_id"],
        ((tenant_id, pk, group_of[pk]) for pk in organisations),
        now=ctx.now,
    )
    permission = Permission.objects.get(content_type__app_label="consent", codename=VIEW_PERMISSION)
    count += copy_rows(
        DataSubjectGroupObjectPermission,
        ["tenant_id", "content_object_id", "group_id", "permission_id"],
        (
            (tenant_id, subject, group_of[organisation], permission.pk)
            for subject, involved in ctx.extra["consent.children"]
            for organisation in involved
        ),
        now=ctx.now,
    )
    ctx.extra["consent.groups"] = group_of
    return count


def _consents(ctx: ScaleContext) -> int:
    rng, tenant_id = ctx.rng, ctx.tenant.pk
    children = ctx.extra["consent.children"]
    scopes = ctx.extra.get("agreements.consent_scopes", {})
    agreements = [a for a in ctx.extra.get("agreements.active", []) if a in scopes]
    sencos = ctx.members_by_role.get("senco") or ctx.members_by_role.get("ig_officer", [])
    total = ctx.options.consents
    # The busy children first, ten each; the rest one or two each, spread over the others.
    per_child: list[tuple[int, tuple[int, ...], int]] = []
    remaining = total
    for pk, involved in children[:BUSY_CHILDREN]:
        take = min(BUSY_CONSENTS, remaining)
        per_child.append((pk, involved, take))
        remaining -= take
    others = children[BUSY_CHILDREN:]
    rng.shuffle(others)
    index = 0
    while remaining > 0 and others:
        pk, involved = others[index % len(others)]
        take = min(remaining, 2 if rng.random() < 0.25 else 1)
        per_child.append((pk, involved, take))
        remaining -= take
        index += 1
        if index >= len(others) * 3:
            break
    n = total - remaining
    first = reserve_ids(ConsentRecord, n)
    statuses = []
    for status, share in STATUS_MIX:
        statuses.extend([status] * round(share * 1000))
    records, purposes, recipients, events = [], [], [], []
    # The consent each child's decisions may rely on, for children whose newest one is given.
    relied_on: dict[int, ConsentReliedOn] = {}
    pk = first
    for subject, involved, take in per_child:
        dates = sorted(ctx.today - timedelta(days=rng.randint(1, 5 * 365)) for _ in range(take))
        for position, given_on in enumerate(dates):
            newest = position == take - 1
            status = rng.choice(statuses) if newest else ConsentStatus.EXPIRED
            if newest and subject in {c for c, _ in children[:BUSY_CHILDREN]}:
                status = ConsentStatus.GIVEN
            decision = Decision.REFUSED if status == ConsentStatus.REFUSED else Decision.GIVEN
            agreement = rng.choice(agreements) if agreements else None
            scope_id, scope_name = (
                rng.choice(scopes[agreement]) if agreement else (None, "Early Help assessment")
            )
            young_person = rng.random() < 0.15
            review_due = given_on + timedelta(days=365)
            status_on = given_on
            event_rows = [(EventKind.REFUSED if decision == Decision.REFUSED else EventKind.GIVEN,
                           given_on, "", review_due)]  # fmt: skip
            if status == ConsentStatus.WITHDRAWN:
                status_on = min(ctx.today, given_on + timedelta(days=rng.randint(10, 300)))
                event_rows.append((EventKind.WITHDRAWN, status_on, WITHDRAWN_BECAUSE, None))
            elif status == ConsentStatus.EXPIRED:
                if newest:
                    status_on = min(ctx.today, review_due)
                    event_rows.append((EventKind.EXPIRED, status_on, "", None))
                else:
                    status_on = dates[position + 1]
                    event_rows.append((EventKind.REPLACED, status_on, "Renewed consent.", None))
            elif status == ConsentStatus.GIVEN and given_on < ctx.today - timedelta(days=365):
                # Reviewed since, so it stands; its review is due a year after the review.
                reviewed = given_on + timedelta(days=360)
                review_due = reviewed + timedelta(days=365)
                if review_due <= ctx.today:
                    review_due = ctx.today + timedelta(days=rng.randint(1, 120))
                event_rows.append((EventKind.REVIEWED, reviewed, "", review_due))
            special = [SpecialCategory.HEALTH.value] if rng.random() < 0.3 else []
            chosen = [o for o in involved if rng.random() < 0.8] or list(involved[:1])
            forename, _ = ctx.name()
            public_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            records.append(
                (pk, public_id, tenant_id, subject, str(decision), agreement,
                 str(GiverKind.YOUNG_PERSON if young_person else GiverKind.PARENT),
                 forename if young_person else f"{forename} (parent)",
                 "" if young_person else str(rng.choice(RELATIONSHIPS)),
                 bool(special), json.dumps(special),
                 str(rng.choice(CAPTURE)),
                 given_on, review_due if decision == Decision.GIVEN else None,
                 rng.choice(sencos) if sencos else None, str(status), status_on,
                 WITHDRAWN_BECAUSE if status == ConsentStatus.WITHDRAWN else "")
            )  # fmt: skip
            purposes.append((tenant_id, pk, scope_id, scope_name))
            for organisation in chosen:
                recipients.append((tenant_id, pk, organisation))
            recorder = records[-1][14]
            for kind, on, reason, due in event_rows:
                events.append((tenant_id, pk, str(kind), on, ctx.now, recorder, reason, due))
            if newest and status == ConsentStatus.GIVEN:
                relied_on[subject] = ConsentReliedOn(
                    pk,
                    public_id,
                    agreement,
                    scope_id,
                    scope_name,
                    tuple(chosen),
                    given_on,
                    review_due,
                    str(records[-1][6]),
                )
            pk += 1
    ctx.extra["consent.relied_on"] = relied_on
    ctx.extra["consent.busy_children"] = [pk for pk, _ in children[:BUSY_CHILDREN]]
    count = copy_rows(
        ConsentRecord,
        [
            "id",
            "public_id",
            "tenant_id",
            "subject_id",
            "decision",
            "agreement_id",
            "giver_kind",
            "giver_name",
            "giver_relationship",
            "explicit_special_category",
            "special_categories",
            "capture_method",
            "given_on",
            "review_due",
            "recorded_by_id",
            "status",
            "status_on",
            "status_reason",
        ],
        records,
        now=ctx.now,
    )
    count += copy_rows(
        ConsentPurpose,
        ["tenant_id", "consent_id", "scope_id", "description"],
        purposes,
        now=ctx.now,
    )
    count += copy_rows(
        ConsentRecipient, ["tenant_id", "consent_id", "organisation_id"], recipients, now=ctx.now
    )
    count += copy_rows(
        ConsentEvent,
        ["tenant_id", "consent_id", "kind", "on", "at", "recorded_by_id", "reason", "review_due"],
        events,
        now=ctx.now,
    )
    return count
