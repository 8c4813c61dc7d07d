"""Role checks on every write of the agreements API: a role without the capability is refused
with a 403 and nothing changes, every route of the API is either written to there or only
read, and a designated manager answers only for their own organisation.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import get_resolver, resolve

from agreements import services
from agreements.choices import SignatoryStatus
from agreements.models import Agreement, ChangeConsultation, Review, ReviewAction, Signatory
from partners.roles import Role
from partners.tenancy import activate
from tests.agreements.api_helpers import (
    LIST,
    active_agreement,
    draft_agreement,
    fresh,
    patch,
    post,
    signed_by,
    today,
    url,
)
from tests.partners.isolation_helpers import _routes

pytestmark = pytest.mark.django_db

# --- Role checks: every write ----------------------------------------------------------------


@pytest.fixture
def everything(partnership):
    """One agreement with a record of each kind under it: a signatory signed and one invited,
    a change out for consultation and an open review with an action."""
    officer = partnership.member(Role.IG_OFFICER)
    isa = active_agreement(partnership, title="Kent and Medway ISA")
    signed = signed_by(partnership, isa, partnership.school)
    with activate(partnership.tenant):
        invited = services.signatory_invite(
            actor=officer, agreement=isa, organisation=partnership.council
        )
        consultation = services.change_propose(
            actor=officer,
            agreement=isa,
            summary="Add police",
            details="Police join.",
            respond_by=today() + dt.timedelta(days=14),
        )
        review = services.agreement_start_review(actor=officer, agreement=isa, reason="Annual")
        planned = services.review_action_add(
            actor=officer,
            review=review,
            description="Update notices",
            owner_organisation=partnership.school,
            owner_name="Bursar",
            due_on=today() + dt.timedelta(days=30),
        )
    draft = draft_agreement(partnership, title="Early help SOP")
    return SimpleNamespace(
        agreement=fresh(isa),
        draft=draft,
        signed=signed,
        invited=invited,
        consultation=consultation,
        review=review,
        action=planned,
    )


# Routes that only read (GET); every other route of the agreements API is in write_routes().
READ_ONLY_ROUTES = {
    "agreement-pdf",
    "agreement-signatory-detail",
    "agreement-consultation-detail",
    "agreement-review-detail",
    "legal-basis-list",
}


def write_routes(world) -> list[tuple[str, str, dict, object]]:
    """(url name, path, body, the object that must not change) for every write of the API."""
    a, r = world.agreement, world.review
    move = {"reason": "Because", "version": a.version}
    signature = {"signer_name": "X", "signer_title": "Y", "typed_signature": "X"}
    return [
        ("agreement-list", LIST, {"title": "New", "kind": "isa"}, a),
        ("agreement-detail", url(a), {"summary": "Changed", "version": a.version}, a),
        ("agreement-submit-for-consultation", url(world.draft, "submit-for-consultation"), move,
         world.draft),
        ("agreement-return-to-draft", url(a, "return-to-draft"), move, a),
        ("agreement-approve", url(a, "approve"), move, a),
        ("agreement-start-review", url(a, "start-review"), move, a),
        ("agreement-supersede", url(a, "supersede"),
         {**move, "superseded_by": str(world.draft.public_id)}, a),
        ("agreement-expire", url(a, "expire"), move, a),
        ("agreement-withdraw", url(a, "withdraw"), move, a),
        ("agreement-signatory-list", url(a, "signatories"),
         {"organisation": str(world.signed.organisation.public_id)}, a),
        ("agreement-signatory-sign", url(a, "signatories", world.invited.public_id, "sign"),
         signature, world.invited),
        ("agreement-signatory-decline", url(a, "signatories", world.invited.public_id, "decline"),
         {"reason": "No"}, world.invited),
        ("agreement-signatory-withdraw", url(a, "signatories", world.signed.public_id, "withdraw"),
         {"reason": "No"}, world.signed),
        ("agreement-consultation-list", url(a, "consultations"),
         {"summary": "S", "details": "D", "respond_by": str(today() + dt.timedelta(days=9))}, a),
        ("agreement-consultation-respond",
         url(a, "consultations", world.consultation.public_id, "respond"),
         {"reply": "agree", "organisation": str(world.signed.organisation.public_id)},
         world.consultation),
        ("agreement-consultation-approve",
         url(a, "consultations", world.consultation.public_id, "approve"), {"reason": "R"},
         world.consultation),
        ("agreement-consultation-drop",
         url(a, "consultations", world.consultation.public_id, "drop"), {"reason": "R"},
         world.consultation),
        ("agreement-review-list", url(a, "reviews"), {"reason": "R"}, a),
        ("agreement-review-findings", url(a, "reviews", r.public_id, "findings"),
         {"reviewed_on": str(today()), "findings": "F"}, r),
        ("agreement-review-report", url(a, "reviews", r.public_id, "report"),
         {"reported_on": str(today())}, r),
        ("agreement-review-complete", url(a, "reviews", r.public_id, "complete"),
         {"implementation_plan": "P", "changes_required": False}, r),
        ("agreement-review-action-list", url(a, "reviews", r.public_id, "actions"),
         {"description": "D", "owner_organisation": str(world.signed.organisation.public_id),
          "owner_name": "N", "due_on": str(today())}, r),
        ("agreement-review-action-complete",
         url(a, "reviews", r.public_id, "actions", world.action.public_id, "complete"), {},
         world.action),
    ]  # fmt: skip


def row(obj) -> dict:
    found = fresh(obj)
    return {f.attname: getattr(found, f.attname) for f in found._meta.concrete_fields}


def counts() -> tuple[int, ...]:
    return tuple(
        model._base_manager.count()
        for model in (Agreement, Signatory, ChangeConsultation, Review, ReviewAction)
    )


def test_every_write_is_refused_with_403_to_a_role_without_it(partnership, everything, client_for):
    # The practitioner reads the agreement (it is in force) but may change nothing.
    practitioner = client_for(partnership.member(Role.PRACTITIONER))
    failures = []
    for name, path, body, obj in write_routes(everything):
        assert resolve(path).url_name == name, (name, path)
        before, totals = row(obj), counts()
        method = patch if name == "agreement-detail" else post
        response = method(practitioner, path, body)
        if response.status_code != 403:
            failures.append(f"{name}: {response.status_code} {response.content[:200]!r}")
        if row(obj) != before or counts() != totals:
            failures.append(f"{name}: something changed")
    assert not failures, failures
    # Every route of the API is either written to above or only read.
    routes = {
        name
        for route, name, module in _routes(get_resolver().url_patterns)
        if route.startswith("api/") and module.startswith("agreements.")
    }
    written = {name for name, *_ in write_routes(everything)}
    assert routes - written == READ_ONLY_ROUTES, "Give every write route a role check."


def test_a_designated_manager_answers_only_for_their_own_organisation(
    partnership, everything, client_for
):
    # A manager at the council may sign and respond, but not for the school.
    manager = client_for(partnership.member(Role.MANAGER))
    school = str(partnership.school.public_id)
    consultation = url(everything.agreement, "consultations", everything.consultation.public_id)

    withdraw = post(
        manager,
        url(everything.agreement, "signatories", everything.signed.public_id, "withdraw"),
        {"reason": "Not theirs"},
    )
    respond = post(manager, f"{consultation}respond/", {"reply": "agree", "organisation": school})
    invite = post(manager, url(everything.agreement, "signatories"), {"organisation": school})

    assert (withdraw.status_code, respond.status_code, invite.status_code) == (403, 403, 403)
    assert fresh(everything.signed).status == SignatoryStatus.SIGNED
