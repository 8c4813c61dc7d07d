"""Helpers for the agreement page tests: the GOV.UK date inputs' form data, the text a page
shows, page urls, the edit form's data, and the agreements of the standing partnership in
every state a page deals with (built for each test by the `world` fixture in conftest.py;
the isolation and security matrix tests build it for their own partnerships).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html import unescape

from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from agreements import services
from agreements.models import (
    Agreement,
    AuditRequest,
    ChangeConsultation,
    Review,
    ReviewAction,
    Signatory,
)
from agreements.services.lifecycle import AGREEMENT_EDITABLE_FIELDS
from partners.roles import Role
from partners.tenancy import activate
from tests.agreements.conftest import make_active, make_draft


def date_parts(name: str, value: dt.date | None) -> dict:
    if value is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {
        f"{name}_day": str(value.day),
        f"{name}_month": str(value.month),
        f"{name}_year": str(value.year),
    }


def visible_text(response) -> str:
    return visible_text_of(response.content.decode())


def visible_text_of(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def url(name: str, obj=None, **kwargs) -> str:
    if obj is not None:
        kwargs["public_id"] = obj.public_id
    return reverse(name, kwargs=kwargs)


@dataclass
class World:
    """Agreements of the standing partnership in every state a page deals with."""

    draft: Agreement
    circulated: Agreement
    active: Agreement
    reviewed: Agreement
    council_signed: Signatory
    school_invited: Signatory
    consultation: ChangeConsultation
    review: Review
    action: ReviewAction
    audit: AuditRequest


def build_world(partnership) -> World:
    """The draft and the consultation draft are owned by the council (whose managers may read
    them); the school's SENCo and practitioner see only what is published."""
    officer = partnership.member(Role.IG_OFFICER)
    today = timezone.localdate()
    with activate(partnership.tenant):
        draft = make_draft(partnership, title="Draft early help protocol")
        circulated = make_draft(partnership, title="SEND standard operating procedure")
        services.agreement_circulate(actor=officer, agreement=circulated, reason="For comment")
        active = make_active(partnership, officer, title="Kent and Medway ISA", reference="KM-ISA")
        council_signed = services.signatory_invite(
            actor=officer, agreement=active, organisation=partnership.council
        )
        services.signatory_sign(
            actor=officer,
            signatory=council_signed,
            signer_name="Pat Director",
            signer_title="Director of Children's Services",
            typed_signature="Pat Director",
        )
        school_invited = services.signatory_invite(
            actor=officer, agreement=active, organisation=partnership.school
        )
        consultation = services.change_propose(
            actor=officer,
            agreement=active,
            summary="Add police as a partner",
            details="Kent Police join the partnership.",
            respond_by=today + dt.timedelta(days=14),
        )
        reviewed = make_active(partnership, officer, title="Kent schools protocol")
        review = services.agreement_start_review(
            actor=officer, agreement=reviewed, reason="Annual review"
        )
        services.review_record_findings(
            actor=officer, review=review, reviewed_on=today, findings="Mostly sound."
        )
        action = services.review_action_add(
            actor=officer,
            review=review,
            description="Update the contacts list",
            owner_organisation=partnership.council,
            owner_name="Sam Officer",
            due_on=today + dt.timedelta(days=30),
        )
        audit = services.audit_request_create(
            actor=officer,
            agreement=active,
            requesting_organisation=partnership.council,
            auditor="Internal audit",
            scope="Records of sharing decisions",
            notice_given_on=today,
            starts_on=today + relativedelta(months=1, days=1),
        )
    return World(
        draft=draft,
        circulated=circulated,
        active=active,
        reviewed=reviewed,
        council_signed=council_signed,
        school_invited=school_invited,
        consultation=consultation,
        review=review,
        action=action,
        audit=audit,
    )


def edit_data(agreement: Agreement, **changes) -> dict:
    data = {
        "version": agreement.version,
        "title": agreement.title,
        "reference": agreement.reference,
        "kind": agreement.kind,
        "parent": str(agreement.parent.public_id) if agreement.parent else "",
        "owner_organisation": str(agreement.owner_organisation.public_id),
    }
    for name in AGREEMENT_EDITABLE_FIELDS:
        if name not in data:
            data[name] = getattr(agreement, name)
    data.update(changes)
    return data
