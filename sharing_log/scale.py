"""The sharing log part of a partnership at scale (`seed_scale`, partners/scale.py).

A million decisions (by default) over five years, in the order they were made: shares, shares in
part and decisions not to share, on every legal basis in a realistic mix (consent, relying on the
child's standing consent; statutory gateways from the reference list; police requests with their
Section 29(3) reference; urgent and overriding shares referred to designated managers and mostly
approved), to the organisations involved with each child, with the occasional correction
(supersession) and inaccuracy notice.

The hash chain is computed with the sharing log's own pure functions (sharing_log/chain.py) in
sequence order, and the tenant's chain head is moved to the last link, so `verify_sharing_log`
passes afterwards. Recipients are organisations already involved with the child (or named people
outside the partnership), so the need-to-know grants the consent builder wrote stay exactly what
`subject_sync_access` would leave.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, timedelta

from agreements.choices import Channel, InformationLevel, SharingMethod
from agreements.models import LegalBasis
from consent.scale import BUSY_DECISIONS
from partners.scale import ScaleContext, copy_rows, reserve_ids
from sharing_log.chain import CONTENT_FIELDS, GENESIS_HASH, decision_hashes
from sharing_log.choices import (
    AdviceSource,
    ApprovalOutcome,
    Basis,
    IdentityCheck,
    Outcome,
    OverrideKind,
)
from sharing_log.models import (
    DecisionRecipient,
    InaccuracyAcknowledgement,
    InaccuracyNotice,
    InaccuracyNoticeRecipient,
    OverrideApproval,
    SharingDecision,
    SharingLogHead,
)

APPROVED, REJECTED = ApprovalOutcome.APPROVED, ApprovalOutcome.REJECTED
OUTCOMES = ((Outcome.SHARE, 70), (Outcome.SHARE_IN_PART, 12), (Outcome.NOT_SHARE, 18))
# The bases of shares that do not rely on consent, by weight (consent is used whenever the child
# has a standing consent and the dice say so).
OTHER_BASES = (
    (Basis.STATUTORY_FUNCTION, 38),
    (Basis.SAFEGUARDING_INTEREST, 15),
    (Basis.SIGNIFICANT_HARM, 14),
    (Basis.POLICE_REQUEST, 8),
    (Basis.PUBLIC_INTEREST, 8),
    (Basis.VITAL_INTERESTS, 5),
    (Basis.COURT_ORDER, 5),
    (Basis.URGENT_MEDICAL, 4),
    (Basis.HOME_OFFICE_S129, 3),
)
PURPOSES = (
    "To plan support at a Team Around the Family meeting.",
    "To assess the child's special educational needs.",
    "To safeguard the child following a disclosure at school.",
    "To arrange a school place after a move into the area.",
    "To answer a police request about a missing child episode.",
    "To refer the family to Early Help.",
    "To prepare for an EHC needs assessment panel.",
)
REASONS = (
    "The information is needed for the purpose and the partner has a role in the child's support.",
    "Sharing is proportionate: only the minimum needed was shared, securely.",
    "Not shared: the request did not show why the information was needed.",
    "The risk to the child outweighs the duty of confidence; the manager agreed.",
)
NON_PARTNERS = (
    ("Riverside GP Practice", "Practice nurse"),
    ("Independent Fostering Agency", "Supervising social worker"),
    ("Neighbouring local authority", "Duty social worker"),
)
RECIPIENT_ROLES = ("Duty officer", "Designated safeguarding lead", "Caseworker", "SENCo")
RECORD_ROLES = ("practitioner", "senco", "manager")


def extend_scale(ctx: ScaleContext) -> None:
    if ctx.options.decisions <= 0:
        return
    ctx.step("sharing decisions, recipients and the chain", lambda: _decisions(ctx))


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return lambda: rng.choices(values, weights=weights)[0]


def _decisions(ctx: ScaleContext) -> int:
    rng, n, tenant_id = ctx.rng, ctx.options.decisions, ctx.tenant.pk
    children = ctx.extra.get("consent.children", [])
    relied_on = ctx.extra.get("consent.relied_on", {})
    busy = ctx.extra.get("consent.busy_children", [])
    data_items = ctx.extra.get("agreements.data_items", {})
    agreements = [a for a in ctx.extra.get("agreements.active", []) if a in data_items]
    gateways = list(
        LegalBasis.objects.filter(tenant__isnull=True, kind="statute").values_list("pk", flat=True)
    )
    recorders: dict[int, list[int]] = {}
    for member, role in ctx.member_role.items():
        if role in RECORD_ROLES:
            recorders.setdefault(ctx.member_organisation[member], []).append(member)
    any_recorder = [m for ms in recorders.values() for m in ms]
    managers: dict[int, list[int]] = {}
    for member in ctx.members_by_role.get("manager", []):
        managers.setdefault(ctx.member_organisation[member], []).append(member)
    outcome_of = _weighted(rng, OUTCOMES)
    basis_of = _weighted(rng, OTHER_BASES)
    methods, channels = list(SharingMethod), list(Channel)
    identity_checks = [c for c in IdentityCheck if c != IdentityCheck.OTHER]

    # Who each decision is about: the busy children fifty each, the rest at random (a few are
    # about no child: aggregate figures).
    subjects: list[tuple[int, tuple[int, ...]] | None] = []
    by_pk = dict(children)
    for pk in busy:
        subjects.extend([(pk, by_pk[pk])] * BUSY_DECISIONS)
    subjects = subjects[:n]
    while len(subjects) < n:
        subjects.append(rng.choice(children) if children and rng.random() > 0.02 else None)
    rng.shuffle(subjects)
    # When: spread over the years, in order, the newest a minute ago.
    start = ctx.now - timedelta(days=365 * ctx.options.years)
    span = (ctx.now - timedelta(minutes=1) - start).total_seconds()
    moments = sorted(rng.random() for _ in range(n))

    first = reserve_ids(SharingDecision, n)
    columns = ["id", *CONTENT_FIELDS, "content_hash", "chain_hash"]
    json_fields = {"data_items", "special_categories", "consent_snapshot", "advice_sought"}
    recipients_rows, approvals, notices = [], [], []
    last_about: dict[int, tuple[int, int, int]] = {}
    superseded: set[int] = set()
    state = {"previous": GENESIS_HASH, "sequence": 0}

    def rows():
        previous = GENESIS_HASH
        for index in range(n):
            pk, sequence = first + index, index + 1
            decided_at = (start + timedelta(seconds=moments[index] * span)).astimezone(UTC)
            about = subjects[index]
            subject, involved = about if about else (None, ())
            organisation = rng.choice(involved) if involved else rng.choice(ctx.organisation_ids)
            people = recorders.get(organisation)
            if not people:
                member = rng.choice(any_recorder)
                organisation = ctx.member_organisation[member]
            else:
                member = rng.choice(people)
            supersedes = None
            if subject and rng.random() < 0.01 and subject in last_about:
                earlier, earlier_org, earlier_member = last_about[subject]
                if earlier not in superseded:
                    supersedes, organisation, member = earlier, earlier_org, earlier_member
                    superseded.add(earlier)
            outcome = outcome_of()
            shares = outcome != Outcome.NOT_SHARE
            others = [o for o in involved if o != organisation]
            recipients = []
            for org in rng.sample(others, min(len(others), 1 if rng.random() < 0.8 else 2)):
                recipients.append(
                    {"organisation_id": org, "organisation_name": "",
                     "person_name": "", "person_role": rng.choice(RECIPIENT_ROLES)}
                )  # fmt: skip
            if not recipients:
                name, role = rng.choice(NON_PARTNERS)
                recipients.append(
                    {"organisation_id": None, "organisation_name": name,
                     "person_name": f"{rng.choice(('A.', 'J.', 'S.', 'M.'))} {ctx.name()[1]}",
                     "person_role": role}
                )  # fmt: skip
            consent = relied_on.get(subject) if subject else None
            if consent and consent.given_on > decided_at.date():
                consent = None
            basis, consent_id, snapshot, scope_id = "", None, {}, None
            if shares or rng.random() < 0.3:
                if consent and rng.random() < 0.55:
                    basis, consent_id, scope_id = Basis.CONSENT, consent.id, consent.scope_id
                    snapshot = {
                        "public_id": str(consent.public_id),
                        "status": "given",
                        "given_on": consent.given_on.isoformat(),
                        "review_due": consent.review_due.isoformat()
                        if consent.review_due
                        else None,
                        "giver_kind": consent.giver_kind,
                        "recipients": list(consent.recipients),
                    }
                else:
                    basis = basis_of()
            level = (
                InformationLevel.AGGREGATE
                if subject is None
                else (
                    InformationLevel.DETAILED if rng.random() < 0.45 else InformationLevel.MINIMUM
                )
            )
            agreement = (
                consent.agreement_id
                if consent_id and consent.agreement_id
                else (rng.choice(agreements) if agreements else None)
            )
            items = [
                {"id": public_id, "name": name, "level": item_level}
                for _, public_id, item_level, name, _ in (
                    rng.sample(data_items[agreement], 2) if agreement in data_items else []
                )
            ]
            override = OverrideKind.NONE
            immediate = basis == Basis.SIGNIFICANT_HARM and rng.random() < 0.3
            if (
                shares
                and subject
                and basis
                and basis != Basis.CONSENT
                and level == InformationLevel.DETAILED
            ):
                override = (
                    OverrideKind.RETROSPECTIVE
                    if basis == Basis.URGENT_MEDICAL or immediate
                    else OverrideKind.PRIOR
                )
            not_share = outcome == Outcome.NOT_SHARE
            reconsider = not_share and rng.random() < 0.4
            content = {
                "tenant_id": tenant_id,
                "public_id": uuid.UUID(int=rng.getrandbits(128), version=4),
                "sequence": sequence,
                "subject_id": subject,
                "organisation_id": organisation,
                "decided_by_id": member,
                "decided_at": decided_at,
                "requested_by_name": f"{ctx.name()[0]} {ctx.name()[1]}",
                "requested_by_organisation_id": recipients[0]["organisation_id"],
                "requested_by_organisation_name": recipients[0]["organisation_name"],
                "requested_by_role": recipients[0]["person_role"],
                "identity_check": str(rng.choice(identity_checks)),
                "identity_check_details": "",
                "outcome": str(outcome),
                "purpose": rng.choice(PURPOSES),
                "agreement_id": agreement,
                "consent_scope_id": scope_id,
                "information_level": str(level),
                "data_items": items,
                "special_categories": ["health"]
                if level == InformationLevel.DETAILED and rng.random() < 0.2
                else [],
                "information_description": "Attendance, current plan and the concerns raised.",
                "method": str(rng.choice(methods)) if shares else "",
                "channel": str(rng.choice(channels)) if shares else "",
                "record_location": "Case management system, chronology entry" if shares else "",
                "basis": str(basis),
                "consent_id": consent_id,
                "consent_snapshot": snapshot,
                "statutory_gateway_id": (
                    rng.choice(gateways) if basis == Basis.STATUTORY_FUNCTION and gateways else None
                ),
                "request_reference": (
                    f"S29-{decided_at:%Y}-{rng.randint(10000, 99999)}"
                    if basis in (Basis.POLICE_REQUEST, Basis.COURT_ORDER, Basis.HOME_OFFICE_S129)
                    else ""
                ),
                "basis_details": "",
                "immediate_risk": immediate,
                "check_necessary": True,
                "check_proportionate": True,
                "check_relevant": True,
                "check_adequate": True,
                "check_accurate": rng.random() > 0.01,
                "check_timely": True,
                "check_secure": True,
                "checks_note": "",
                "advice_sought": [str(AdviceSource.DSL)] if override != OverrideKind.NONE else [],
                "advice_given": "Share only what the purpose needs."
                if override != OverrideKind.NONE
                else "",
                "protected_identities": "",
                "reasons": rng.choice(REASONS),
                "will_reconsider": reconsider if not_share else None,
                "reconsider_on": (decided_at + timedelta(days=90)).date() if reconsider else None,
                "override_kind": str(override),
                "override_reasons": "Detailed information is needed to protect the child."
                if override != OverrideKind.NONE
                else "",
                "override_evidence": "Chronology of incidents since September."
                if override != OverrideKind.NONE
                else "",
                "third_parties_informed": "None: informing them would increase the risk."
                if override != OverrideKind.NONE
                else "",
                "supersedes_id": supersedes,
                "supersede_reason": "Corrected the recipient's role." if supersedes else "",
            }
            if content["check_accurate"] is False and shares:
                content["checks_note"] = "Part of the chronology was still being verified."
            digest, previous = decision_hashes(content, recipients, previous)
            state["previous"], state["sequence"] = previous, sequence
            for recipient in recipients:
                recipients_rows.append(
                    (tenant_id, pk, recipient["organisation_id"], recipient["organisation_name"],
                     recipient["person_name"], recipient["person_role"], decided_at)
                )  # fmt: skip
            if override != OverrideKind.NONE and decided_at < ctx.now - timedelta(days=14):
                approvers = [m for m in managers.get(organisation, []) if m != member]
                if approvers and rng.random() < 0.95:
                    approvals.append(
                        (tenant_id, pk, rng.choice(approvers),
                         str(APPROVED if rng.random() < 0.9 else REJECTED),
                         "The reasons and evidence justify sharing.",
                         decided_at + timedelta(hours=rng.randint(1, 48)),
                         override == OverrideKind.RETROSPECTIVE)
                    )  # fmt: skip
            if shares and recipients[0]["organisation_id"] and rng.random() < 0.0005:
                notices.append((pk, organisation, member, decided_at, recipients))
            if subject:
                last_about[subject] = (pk, organisation, member)
            yield (pk, *(
                json.dumps(content[name]) if name in json_fields else content[name]
                for name in CONTENT_FIELDS
            ), digest, previous)  # fmt: skip

    count = copy_rows(SharingDecision, columns, rows(), now=ctx.now)
    count += copy_rows(
        DecisionRecipient,
        [
            "tenant_id",
            "decision_id",
            "organisation_id",
            "organisation_name",
            "person_name",
            "person_role",
            "decided_at",
        ],
        recipients_rows,
        now=ctx.now,
    )
    count += copy_rows(
        OverrideApproval,
        [
            "tenant_id",
            "decision_id",
            "manager_id",
            "outcome",
            "reasons",
            "decided_at",
            "retrospective",
        ],
        approvals,
        now=ctx.now,
    )
    count += _notices(ctx, notices)
    SharingLogHead.objects.update_or_create(
        tenant=ctx.tenant,
        defaults={"sequence": state["sequence"], "chain_hash": state["previous"]},
    )
    return count


def _notices(ctx: ScaleContext, notices) -> int:
    """Inaccuracy notices on a few shares, most acknowledged by every recipient."""
    rng, tenant_id = ctx.rng, ctx.tenant.pk
    first = reserve_ids(InaccuracyNotice, len(notices))
    rows, recipients, acks = [], [], []
    for index, (decision, organisation, member, decided_at, shared_with) in enumerate(notices):
        pk = first + index
        recorded_at = decided_at + timedelta(days=rng.randint(1, 30))
        rows.append(
            (pk, tenant_id, decision, organisation, member, recorded_at,
             "The date of the last review was wrong.", "The review was on the 3rd, not the 13th.")
        )  # fmt: skip
        for recipient in shared_with:
            org = recipient["organisation_id"]
            if org is None:
                continue
            recipients.append((tenant_id, pk, org))
            people = ctx.members_by_organisation.get(org)
            if people and (recorded_at < ctx.now - timedelta(days=30) or rng.random() < 0.5):
                acks.append(
                    (tenant_id, pk, org, rng.choice(people), recorded_at + timedelta(days=2),
                     "Records updated.")
                )  # fmt: skip
    count = copy_rows(
        InaccuracyNotice,
        [
            "id",
            "tenant_id",
            "decision_id",
            "organisation_id",
            "recorded_by_id",
            "recorded_at",
            "what_was_wrong",
            "correction",
        ],
        rows,
        now=ctx.now,
    )
    count += copy_rows(
        InaccuracyNoticeRecipient,
        ["tenant_id", "notice_id", "organisation_id"],
        recipients,
        now=ctx.now,
    )
    count += copy_rows(
        InaccuracyAcknowledgement,
        [
            "tenant_id",
            "notice_id",
            "organisation_id",
            "acknowledged_by_id",
            "acknowledged_at",
            "note",
        ],
        acks,
        now=ctx.now,
    )
    return count
