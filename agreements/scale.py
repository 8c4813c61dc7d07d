"""The agreements part of a partnership at scale (`seed_scale`, partners/scale.py).

Agreements in every status and kind, most of them active; each with its purposes, data items at
the three information levels, legal bases from the reference list, methods and channels, consent
scopes, and a signatory table drawn from the partnership's organisations. Published for the
apps after this one on `ctx.extra`: the active agreements, their consent scopes and data items.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from agreements.choices import (
    AgreementKind,
    AgreementStatus,
    Channel,
    InformationLevel,
    SharingMethod,
    SignatoryStatus,
)
from agreements.models import (
    Agreement,
    AgreementChannel,
    AgreementLegalBasis,
    AgreementMethod,
    ConsentScope,
    DataItem,
    LegalBasis,
    Purpose,
    Signatory,
)
from partners.scale import ScaleContext, copy_rows, reserve_ids

S = AgreementStatus
SIGNED, INVITED = SignatoryStatus.SIGNED, SignatoryStatus.INVITED
STATUS_MIX = (
    (S.ACTIVE, 0.62),
    (S.DRAFT, 0.07),
    (S.CONSULTATION, 0.04),
    (S.UNDER_REVIEW, 0.08),
    (S.SUPERSEDED, 0.09),
    (S.EXPIRED, 0.05),
    (S.WITHDRAWN, 0.05),
)
KIND_MIX = (
    (AgreementKind.INFORMATION_SHARING_AGREEMENT, 0.55),
    (AgreementKind.INDIVIDUAL_PROTOCOL, 0.25),
    (AgreementKind.STANDARD_OPERATING_PROCEDURE, 0.15),
    (AgreementKind.CODE_OF_PRACTICE, 0.05),
)
SUBJECTS = (
    "Early Help and Family Support",
    "SEND Statutory Assessment and EHC Plans",
    "Children Missing Education",
    "Multi-Agency Safeguarding Hub",
    "Health Visiting and School Nursing",
    "Youth Justice Referral",
    "Domestic Abuse Notifications (Operation Encompass)",
    "Child and Adolescent Mental Health Referral",
    "Virtual School for Children in Care",
    "Elective Home Education",
    "School Transition (Year 6 to Year 7)",
    "High Needs Funding",
    "Attendance and Exclusions",
    "Speech and Language Therapy",
)
DATA_ITEMS = (
    (InformationLevel.AGGREGATE, "Numbers of children referred, by school and month", False),
    (InformationLevel.MINIMUM, "Name, date of birth and address", False),
    (InformationLevel.MINIMUM, "NHS number and Unique Pupil Number", False),
    (InformationLevel.MINIMUM, "Current school or setting", False),
    (InformationLevel.DETAILED, "Attendance and exclusions", False),
    (InformationLevel.DETAILED, "Special educational needs and EHC plan", True),
    (InformationLevel.DETAILED, "Health and developmental history", True),
    (InformationLevel.DETAILED, "Safeguarding concerns and child protection plans", False),
    (InformationLevel.DETAILED, "Offending and police involvement", False),
)
SCOPES = (
    "Statutory assessment and EHC plan",
    "High Needs Funding",
    "Early Help assessment and plan",
    "Referral to specialist services",
)


def _mix(ctx: ScaleContext, mix, n: int) -> list:
    values = []
    for value, share in mix:
        values.extend([value] * max(1, round(share * n)))
    values = (values * 2)[:n]
    ctx.rng.shuffle(values)
    return values


def extend_scale(ctx: ScaleContext) -> None:
    ctx.step("agreements and their content", lambda: _agreements(ctx))


def _agreements(ctx: ScaleContext) -> int:
    rng, n, tenant_id = ctx.rng, ctx.options.agreements, ctx.tenant.pk
    first = reserve_ids(Agreement, n)
    statuses, kinds = _mix(ctx, STATUS_MIX, n), _mix(ctx, KIND_MIX, n)
    ig_officers = ctx.members_by_role.get("ig_officer", [])
    owners = ctx.organisations_of({"la_service"}) or ctx.organisation_ids
    active = [first + i for i, status in enumerate(statuses) if status == S.ACTIVE]
    rows, pending = [], []
    for index in range(n):
        pk, status = first + index, statuses[index]
        approved = status not in (S.DRAFT, S.CONSULTATION)
        approval = ctx.today - timedelta(days=rng.randint(30, 1800)) if approved else None
        review = (
            ctx.today + timedelta(days=rng.randint(-60, 365))
            if status in (S.ACTIVE, S.UNDER_REVIEW)
            else None
        )
        superseded_by = rng.choice(active) if status == S.SUPERSEDED and active else None
        if status == S.SUPERSEDED and superseded_by is None:
            status = S.EXPIRED
        subject = SUBJECTS[index % len(SUBJECTS)]
        rows.append(
            (pk, tenant_id, f"{subject} Information Sharing Agreement {index + 1:03d}",
             f"ISA-{index + 1:04d}", str(kinds[index]), str(status), rng.choice(owners),
             "Information Governance Lead", "Head of Information Governance",
             rng.randint(1, 4) if approved else 0, approval, approval, review,
             f"How partners share information about children for {subject.lower()}.")
        )  # fmt: skip
        if superseded_by:
            pending.append((pk, superseded_by))
    successors = dict(pending)
    count = copy_rows(
        Agreement,
        [
            "id",
            "tenant_id",
            "title",
            "reference",
            "kind",
            "status",
            "owner_organisation_id",
            "owner_name",
            "owner_job_title",
            "document_version",
            "approval_date",
            "issue_date",
            "next_review_date",
            "summary",
            "superseded_by_id",
        ],
        # A superseded agreement names its successor in the same row (a constraint wants it).
        ((*row, successors.get(row[0])) for row in rows),
        now=ctx.now,
    )
    count += _content(ctx, first, n, statuses, ig_officers)
    ctx.extra["agreements.active"] = active
    return count


def _content(ctx: ScaleContext, first: int, n: int, statuses, ig_officers) -> int:
    rng, tenant_id = ctx.rng, ctx.tenant.pk
    bases = list(
        LegalBasis.objects.filter(tenant__isnull=True, is_active=True).values_list("pk", flat=True)
    )
    methods, channels = list(SharingMethod), list(Channel)
    purposes, items, legal, method_rows, channel_rows, signatories = [], [], [], [], [], []
    scope_first = reserve_ids(ConsentScope, n * 2)
    scope_rows, scopes_by_agreement = [], {}
    item_first = reserve_ids(DataItem, n * len(DATA_ITEMS))
    items_by_agreement = {}
    for index in range(n):
        agreement = first + index
        own = (tenant_id, agreement)
        for position in range(3):
            purposes.append(
                (*own, position, f"Service {position + 1}",
                 "To plan and provide support for the child and family, and to keep them safe.")
            )  # fmt: skip
        ids = []
        for position, (level, name, special) in enumerate(DATA_ITEMS):
            pk = item_first + index * len(DATA_ITEMS) + position
            public_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            items.append(
                (pk, public_id, *own, position, str(level), name, special, "police" in name.lower())
            )
            ids.append((pk, str(public_id), str(level), name, special))
        items_by_agreement[agreement] = ids
        for position, basis in enumerate(rng.sample(bases, min(4, len(bases)))):
            legal.append((*own, position, basis, "Relied on for the purposes above."))
        for position, method in enumerate(rng.sample(methods, 3)):
            method_rows.append((*own, position, str(method), ""))
        for position, channel in enumerate(rng.sample(channels, 3)):
            channel_rows.append((*own, position, str(channel), ""))
        names = rng.sample(SCOPES, 2)
        scopes_by_agreement[agreement] = []
        for position, name in enumerate(names):
            pk = scope_first + index * 2 + position
            scope_rows.append((pk, *own, position, name, "Before any assessment begins.", True))
            scopes_by_agreement[agreement].append((pk, name))
        approved = statuses[index] not in (S.DRAFT, S.CONSULTATION)
        for organisation in rng.sample(ctx.organisation_ids, min(20, len(ctx.organisation_ids))):
            invited = ctx.today - timedelta(days=rng.randint(60, 1800))
            signed = approved and rng.random() < 0.85
            forename, surname = ctx.name()
            signatories.append(
                (*own, organisation, str(SIGNED if signed else INVITED),
                 invited, rng.choice(ig_officers) if ig_officers else None,
                 f"{forename} {surname}" if signed else "", "Headteacher" if signed else "",
                 f"{forename} {surname}" if signed else "",
                 invited + timedelta(days=rng.randint(1, 40)) if signed else None,
                 1 if signed else None)
            )  # fmt: skip
    own_columns = ["tenant_id", "agreement_id", "position"]
    count = copy_rows(Purpose, [*own_columns, "service", "description"], purposes, now=ctx.now)
    count += copy_rows(
        DataItem,
        ["id", "public_id", *own_columns, "level", "name", "special_category", "criminal_offence"],
        items,
        now=ctx.now,
    )
    count += copy_rows(
        AgreementLegalBasis, [*own_columns, "basis_id", "how_it_applies"], legal, now=ctx.now
    )
    count += copy_rows(AgreementMethod, [*own_columns, "method", "notes"], method_rows, now=ctx.now)
    count += copy_rows(
        AgreementChannel, [*own_columns, "channel", "conditions"], channel_rows, now=ctx.now
    )
    count += copy_rows(
        ConsentScope,
        ["id", *own_columns, "name", "when_required", "signed_form_required"],
        scope_rows,
        now=ctx.now,
    )
    count += copy_rows(
        Signatory,
        [
            "tenant_id",
            "agreement_id",
            "organisation_id",
            "status",
            "invited_on",
            "invited_by_id",
            "signer_name",
            "signer_title",
            "typed_signature",
            "signed_on",
            "version_signed",
        ],
        signatories,
        now=ctx.now,
    )
    ctx.extra["agreements.consent_scopes"] = scopes_by_agreement
    ctx.extra["agreements.data_items"] = items_by_agreement
    return count
