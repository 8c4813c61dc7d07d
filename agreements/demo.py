"""The demo agreements of each demo partnership (see partners/demo.py for the hook).

Each agreement in `agreements/demo_data/` is built once, as the partnership would have
built it: drafted, circulated, approved on a date some months ago (and superseded, for the
protocol that became a code of practice), signed by its partners. Rows are written directly,
not through the services, because a demo partnership need not have an IG officer to act (the
Haringey one has none); the moves are recorded against the demo IG officer where there is one,
else against Sharewell, and every agreement is checked complete before it is marked approved.

Idempotent: an agreement is found by its title within the partnership and, once there, left as
it is, so a second run writes nothing.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from agreements.choices import AgreementAction, AgreementStatus, SignatoryStatus
from agreements.demo_data import (
    DEMO_AGREEMENTS,
    HARINGEY_ORGANISATIONS,
    AgreementSpec,
    SignatorySpec,
)
from agreements.models import (
    Agreement,
    AgreementChannel,
    AgreementLegalBasis,
    AgreementMethod,
    AgreementTransition,
    ConsentScope,
    DataItem,
    DataSubjectCategory,
    Exclusion,
    LegalBasis,
    Purpose,
    SharedSystem,
    Signatory,
    Term,
)
from agreements.reference import legal_bases_sync
from agreements.selectors.completeness import agreement_completeness
from agreements.services.lifecycle import first_review_date
from partners.models import Membership, Organisation

S = AgreementStatus
A = AgreementAction


def extend_demo(demo) -> None:
    specs = DEMO_AGREEMENTS.get(demo.key, ())
    if not specs:
        return
    # The shared legal bases come from a data migration; a database flushed since (as the
    # transactional tests do) gets them back here, since the demo's agreements cite them.
    legal_bases_sync(LegalBasis)
    if demo.key == "haringey":
        _haringey_organisations(demo)
    actor: Membership | None = demo.members.get("ig_officer")
    today = timezone.localdate()
    built = {spec.title: _agreement(demo, spec, actor, today) for spec in specs}
    for spec in specs:
        if spec.superseded_by:
            _supersede(built[spec.title], built[spec.superseded_by], spec, actor, today)


def _haringey_organisations(demo) -> None:
    for key, name, kind in HARINGEY_ORGANISATIONS:
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            organisation = Organisation(tenant=demo.tenant, name=name, type=kind)
            organisation.full_clean()
            organisation.save()
        demo.organisations.setdefault(key, organisation)


def _months_ago(today: dt.date, months: int) -> dt.date:
    return today - relativedelta(months=months)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _agreement(demo, spec: AgreementSpec, actor, today: dt.date) -> Agreement:
    existing = Agreement.objects.filter(title=spec.title).first()
    if existing is not None:
        return existing
    user = actor.user if actor else None
    agreement = Agreement(
        tenant=demo.tenant,
        title=spec.title,
        kind=spec.kind,
        owner_organisation=demo.organisation(spec.owner),
        parent=Agreement.objects.get(title=spec.parent) if spec.parent else None,
        summary=spec.summary,
        reference=spec.reference,
        owner_name=spec.owner_name,
        owner_job_title=spec.owner_job_title,
        **spec.prose,
        **spec.settings,
    )
    agreement.full_clean()
    agreement._history_user = user
    agreement.save()
    _content(agreement, spec, user)
    if not agreement_completeness(agreement).is_complete:
        raise ImproperlyConfigured(f"The demo agreement {spec.title} is not complete.")

    approved_on = _months_ago(today, spec.approved_months_ago)
    next_review = first_review_date(agreement, approved_on)
    while next_review <= today:
        next_review += relativedelta(months=agreement.review_interval_months)
    _move(agreement, A.CIRCULATE, S.CONSULTATION, actor, approved_on - relativedelta(months=1))
    agreement.document_version = 1
    agreement.approval_date = agreement.issue_date = approved_on
    agreement.next_review_date = next_review
    _move(agreement, A.APPROVE, S.ACTIVE, actor, approved_on)
    for signatory in spec.signatories:
        _sign(agreement, demo, signatory, approved_on, today, user)
    return agreement


def _content(agreement: Agreement, spec: AgreementSpec, user) -> None:
    rows = [
        *(Purpose(service=s, description=d) for s, d in spec.purposes),
        *(
            DataItem(level=level, name=name, special_category=special, criminal_offence=crime)
            for level, name, special, crime in spec.data_items
        ),
        *(DataSubjectCategory(description=d) for d in spec.data_subjects),
        *(
            AgreementLegalBasis(
                basis=LegalBasis.objects.get(tenant__isnull=True, code=code), how_it_applies=how
            )
            for code, how in spec.legal_bases
        ),
        *(AgreementMethod(method=m, notes=n) for m, n in spec.methods),
        *(AgreementChannel(channel=c, conditions=n) for c, n in spec.channels),
        *(SharedSystem(name=n, description=d) for n, d in spec.shared_systems),
        *(Exclusion(service=s, description=d) for s, d in spec.exclusions),
        *(Term(party=p, party_name=n, text=t) for p, n, t in spec.terms),
        *(ConsentScope(name=n, when_required=w) for n, w in spec.consent_scopes),
    ]
    positions: dict[type, int] = {}
    for row in rows:
        row.tenant_id = agreement.tenant_id
        row.agreement = agreement
        row.position = positions[type(row)] = positions.get(type(row), -1) + 1
        row.full_clean()
        row._history_user = user
        row.save()


def _move(agreement: Agreement, action, target, actor, on: dt.date, reason: str = "") -> None:
    from_status = agreement.status
    agreement.status = target
    agreement._history_user = actor.user if actor else None
    agreement.save()
    AgreementTransition.objects.create(
        tenant_id=agreement.tenant_id,
        agreement=agreement,
        action=action,
        from_status=from_status,
        to_status=target,
        actor=actor,
        at=_at(on),
        reason=reason or f"{A(action).label.capitalize()} (demo history).",
        document_version=agreement.document_version,
    )


def _sign(agreement, demo, spec: SignatorySpec, approved_on, today, user) -> Signatory:
    signed_on = max(_months_ago(today, spec.signed_months_ago), approved_on)
    signatory = Signatory(
        tenant_id=agreement.tenant_id,
        agreement=agreement,
        organisation=demo.organisation(spec.organisation),
        status=SignatoryStatus.SIGNED,
        invited_on=approved_on,
        signer_name=spec.signer_name,
        signer_title=spec.signer_title,
        typed_signature=spec.signer_name,
        signed_on=signed_on,
        version_signed=agreement.document_version,
    )
    if spec.withdrawn_months_ago is not None:
        signatory.status = SignatoryStatus.WITHDRAWN
        signatory.withdrawn_on = max(_months_ago(today, spec.withdrawn_months_ago), signed_on)
        signatory.withdrawal_reason = spec.withdrawal_reason
    signatory.full_clean()
    signatory._history_user = user
    signatory.save()
    return signatory


def _supersede(old: Agreement, new: Agreement, spec: AgreementSpec, actor, today) -> None:
    """Bucks §1: the protocol became a code of practice; its current signatories transferred."""
    if old.status == S.SUPERSEDED:
        return
    on = _months_ago(today, spec.superseded_months_ago or 0)
    old.superseded_by = new
    _move(old, A.SUPERSEDE, S.SUPERSEDED, actor, on, reason="Rebranded as a code of practice.")
    moved = set(
        new.signatories.filter(status=SignatoryStatus.SIGNED).values_list(
            "organisation_id", flat=True
        )
    )
    for signed in old.signatories.filter(status=SignatoryStatus.SIGNED).exclude(
        organisation_id__in=moved
    ):
        carried = Signatory(
            tenant_id=new.tenant_id,
            agreement=new,
            organisation_id=signed.organisation_id,
            status=SignatoryStatus.SIGNED,
            invited_on=max(on, new.approval_date),
            signer_name=signed.signer_name,
            signer_title=signed.signer_title,
            typed_signature=signed.typed_signature,
            signed_on=max(on, new.approval_date),
            version_signed=new.document_version,
            carried_over_from=signed,
        )
        carried.full_clean()
        carried._history_user = actor.user if actor else None
        carried.save()
