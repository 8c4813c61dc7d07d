"""Another partnership's agreements do not exist for an outsider, on every route of the
agreements API. Every API route has an entry in API_CASES, and
test_every_agreements_api_route_is_checked fails for a route without one. Each case hunts
our partnership's records with the outsider's session or API token, including our ids
smuggled into requests about the outsider's own agreements; nothing of ours moves or is
answered.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.urls import get_resolver, resolve

from agreements import services
from agreements.choices import AgreementStatus, SignatoryStatus
from agreements.models import (
    Agreement,
    AgreementTransition,
    ChangeConsultation,
    ChangeResponse,
    ReviewAction,
    Signatory,
)
from partners.roles import Role
from partners.tenancy import activate
from tests.agreements.api_helpers import (
    LIST,
    active_agreement,
    draft_agreement,
    errors,
    fresh,
    patch,
    post,
    signed_by,
    today,
    url,
)
from tests.agreements.conftest import make_active
from tests.isolation import assert_tenant_isolated
from tests.partners.isolation_helpers import RecordingClient, _routes, api_token_client

pytestmark = pytest.mark.django_db

# --- Another partnership's objects, on every route -------------------------------------------


def theirs_world(ours) -> SimpleNamespace:
    """Our partnership's records, built as `everything` builds them, for the outsider to hunt."""
    officer = ours.member(Role.IG_OFFICER)
    isa = active_agreement(ours, title=f"{ours.tenant.name} confidential agreement")
    signed = signed_by(ours, isa, ours.school)
    with activate(ours.tenant):
        invited = services.signatory_invite(actor=officer, agreement=isa, organisation=ours.council)
        consultation = services.change_propose(
            actor=officer,
            agreement=isa,
            summary="Confidential change",
            details="Details.",
            respond_by=today() + dt.timedelta(days=14),
        )
        review = services.agreement_start_review(actor=officer, agreement=isa, reason="Annual")
        planned = services.review_action_add(
            actor=officer,
            review=review,
            description="Confidential action",
            owner_organisation=ours.school,
            owner_name="Bursar",
            due_on=today() + dt.timedelta(days=30),
        )
        basis = services.legal_basis_add(
            actor=officer,
            code="our-local-act",
            kind="statute",
            citation="Our Confidential Act 2021",
            title="Our power",
        )
    return SimpleNamespace(
        agreement=fresh(isa),
        draft=draft_agreement(ours, title=f"{ours.tenant.name} confidential draft"),
        signed=signed,
        invited=invited,
        consultation=consultation,
        review=review,
        action=planned,
        basis=basis,
    )


def own_agreement(outsider) -> Agreement:
    """The outsider's own agreement in force, signed by their organisation, for requests that
    smuggle one of our ids into a body."""
    partnership = SimpleNamespace(
        tenant=outsider.tenant, council=outsider.organisation, member=lambda role: outsider
    )
    with activate(outsider.tenant):
        agreement = make_active(partnership, outsider, title=f"Outsider's own {uuid.uuid4()}")
        signatory = services.signatory_invite(
            actor=outsider, agreement=agreement, organisation=outsider.organisation
        )
        services.signatory_sign(
            actor=outsider,
            signatory=signatory,
            signer_name="Own Signer",
            signer_title="Director",
            typed_signature="Own Signer",
        )
    return fresh(agreement)


def _refused(response, attr: str) -> None:
    assert response.status_code == 400, response.content
    assert attr in errors(response), response.content


def _writes(path: str, body: dict) -> list[tuple]:
    return [
        ("post", path, body),
        ("put", path, body),
        ("patch", path, body),
        ("delete", path, None),
    ]


def agreement_list_case(client, ours, outsider, world) -> None:
    a = world.agreement
    assert_tenant_isolated(
        client,
        a,
        list_urls=[
            LIST,
            f"{LIST}?search=confidential",
            f"{LIST}?status=under_review&kind=isa",
            f"{LIST}?review_due=false",
        ],
        markers=[str(world.draft.public_id), world.draft.title],
    )
    for field, value in (
        ("owner_organisation", ours.council.public_id),
        ("parent", a.public_id),
    ):
        body = {
            "title": "Planted",
            "kind": "isa",
            "owner_organisation": str(outsider.organisation.public_id),
            field: str(value),
        }
        _refused(post(client, LIST, body), field)
    assert not Agreement._base_manager.filter(title="Planted").exists()


def agreement_detail_case(client, ours, outsider, world) -> None:
    a = world.agreement
    assert_tenant_isolated(
        client,
        a,
        detail_urls=[url(a), url(world.draft)],
        write_requests=_writes(url(a), {"summary": "Taken", "version": a.version}),
    )
    own = draft_agreement(
        SimpleNamespace(tenant=outsider.tenant, council=outsider.organisation),
        title="Outsider's draft",
    )
    version = fresh(own).version
    for body, attr in (
        ({"parent": str(a.public_id)}, "parent"),
        ({"owner_organisation": str(ours.council.public_id)}, "owner_organisation"),
        ({"legal_bases": [{"basis": str(world.basis.public_id)}]}, "legal_bases.0.basis"),
    ):
        _refused(patch(client, url(own), {**body, "version": version}), attr)
    assert fresh(own).version == version


def _move_case(move: str, extra: Callable | None = None):
    def case(client, ours, outsider, world) -> None:
        a = world.agreement
        path = url(a, move)
        body = {"reason": "Taken", "version": a.version}
        if extra:
            body.update(extra(world))
        assert_tenant_isolated(
            client,
            a,
            detail_urls=[path],
            write_requests=[*_writes(path, body), ("post", url(world.draft, move), body)],
        )
        assert not AgreementTransition._base_manager.filter(agreement=a, reason="Taken").exists()

    return case


def agreement_supersede_case(client, ours, outsider, world) -> None:
    _move_case("supersede", lambda w: {"superseded_by": str(uuid.uuid4())})(
        client, ours, outsider, world
    )
    own = own_agreement(outsider)
    refused = post(
        client,
        url(own, "supersede"),
        {"reason": "Taken", "superseded_by": str(world.agreement.public_id)},
    )
    _refused(refused, "superseded_by")
    assert fresh(own).status == AgreementStatus.ACTIVE


def agreement_pdf_case(client, ours, outsider, world) -> None:
    assert_tenant_isolated(
        client,
        world.agreement,
        detail_urls=[url(world.agreement, "pdf"), url(world.draft, "pdf")],
        write_requests=_writes(url(world.agreement, "pdf"), {}),
    )


def signatory_list_case(client, ours, outsider, world) -> None:
    a = world.agreement
    path = url(a, "signatories")
    assert_tenant_isolated(
        client,
        world.signed,
        detail_urls=[path],
        write_requests=[("post", path, {"organisation": str(outsider.organisation.public_id)})],
    )
    own = own_agreement(outsider)
    _refused(
        post(client, url(own, "signatories"), {"organisation": str(ours.council.public_id)}),
        "organisation",
    )
    assert_tenant_isolated(
        client,
        world.signed,
        list_urls=[url(own, "signatories")],
        markers=[world.signed.signer_name],
    )
    assert not Signatory._base_manager.filter(organisation=ours.council, agreement=own).exists()


def _signatory_urls(world, own, signatory, tail="") -> list[str]:
    # Under its own agreement, and smuggled under the outsider's.
    return [
        url(agreement, "signatories", signatory.public_id, *([tail] if tail else []))
        for agreement in (world.agreement, own)
    ]


def signatory_detail_case(client, ours, outsider, world) -> None:
    own = own_agreement(outsider)
    urls = _signatory_urls(world, own, world.signed)
    assert_tenant_isolated(
        client,
        world.signed,
        detail_urls=urls,
        write_requests=[w for u in urls for w in _writes(u, {"reason": "x"})],
    )


def _signatory_action_case(action: str, which: str, body: dict):
    def case(client, ours, outsider, world) -> None:
        own = own_agreement(outsider)
        signatory = getattr(world, which)
        urls = _signatory_urls(world, own, signatory, action)
        assert_tenant_isolated(
            client,
            signatory,
            detail_urls=urls,
            write_requests=[w for u in urls for w in _writes(u, body)],
        )

    return case


def consultation_list_case(client, ours, outsider, world) -> None:
    path = url(world.agreement, "consultations")
    body = {"summary": "Planted", "details": "D", "respond_by": str(today() + dt.timedelta(9))}
    assert_tenant_isolated(
        client, world.consultation, detail_urls=[path], write_requests=[("post", path, body)]
    )
    assert not ChangeConsultation._base_manager.filter(summary="Planted").exists()
    own = own_agreement(outsider)
    assert_tenant_isolated(client, world.consultation, list_urls=[url(own, "consultations")])


def _consultation_case(tail: str, body: dict):
    def case(client, ours, outsider, world) -> None:
        own = own_agreement(outsider)
        urls = [
            url(agreement, "consultations", world.consultation.public_id, *([tail] if tail else []))
            for agreement in (world.agreement, own)
        ]
        assert_tenant_isolated(
            client,
            world.consultation,
            detail_urls=urls,
            write_requests=[w for u in urls for w in _writes(u, body)],
        )

    return case


def consultation_respond_case(client, ours, outsider, world) -> None:
    _consultation_case("respond", {"reply": "agree"})(client, ours, outsider, world)
    own = own_agreement(outsider)
    with activate(outsider.tenant):
        theirs = services.change_propose(
            actor=outsider,
            agreement=own,
            summary="Their change",
            details="D",
            respond_by=today() + dt.timedelta(days=9),
        )
    refused = post(
        client,
        url(own, "consultations", theirs.public_id, "respond"),
        {"reply": "object", "comment": "x", "organisation": str(ours.school.public_id)},
    )
    _refused(refused, "organisation")


def review_list_case(client, ours, outsider, world) -> None:
    path = url(world.agreement, "reviews")
    assert_tenant_isolated(
        client, world.review, detail_urls=[path], write_requests=[("post", path, {"reason": "R"})]
    )
    own = own_agreement(outsider)
    assert_tenant_isolated(
        client, world.review, list_urls=[url(own, "reviews")], markers=[world.action.description]
    )


def _review_case(tail: str, body: dict):
    def case(client, ours, outsider, world) -> None:
        own = own_agreement(outsider)
        urls = [
            url(agreement, "reviews", world.review.public_id, *([tail] if tail else []))
            for agreement in (world.agreement, own)
        ]
        assert_tenant_isolated(
            client,
            world.review,
            detail_urls=urls,
            write_requests=[w for u in urls for w in _writes(u, body)],
        )

    return case


def review_action_list_case(client, ours, outsider, world) -> None:
    _review_case(
        "actions",
        {"description": "Planted", "owner_organisation": str(outsider.organisation.public_id),
         "owner_name": "N", "due_on": str(today())},
    )(client, ours, outsider, world)  # fmt: skip
    assert not ReviewAction._base_manager.filter(description="Planted").exists()
    own = own_agreement(outsider)
    with activate(outsider.tenant):
        review = services.agreement_start_review(actor=outsider, agreement=own, reason="Annual")
    refused = post(
        client,
        url(own, "reviews", review.public_id, "actions"),
        {"description": "Planted", "owner_organisation": str(ours.school.public_id),
         "owner_name": "N", "due_on": str(today())},
    )  # fmt: skip
    _refused(refused, "owner_organisation")


def review_action_complete_case(client, ours, outsider, world) -> None:
    own = own_agreement(outsider)
    urls = [
        url(agreement, "reviews", world.review.public_id, "actions", world.action.public_id,
            "complete")
        for agreement in (world.agreement, own)
    ]  # fmt: skip
    assert_tenant_isolated(
        client,
        world.action,
        detail_urls=urls,
        write_requests=[w for u in urls for w in _writes(u, {})],
        markers=[world.action.description],
    )


def legal_basis_list_case(client, ours, outsider, world) -> None:
    assert_tenant_isolated(
        client,
        world.basis,
        list_urls=["/api/legal-bases/"],
        markers=[world.basis.code, world.basis.citation],
    )


API_CASES: dict[str, Callable] = {
    "agreement-list": agreement_list_case,
    "agreement-detail": agreement_detail_case,
    "agreement-submit-for-consultation": _move_case("submit-for-consultation"),
    "agreement-return-to-draft": _move_case("return-to-draft"),
    "agreement-approve": _move_case("approve"),
    "agreement-start-review": _move_case("start-review"),
    "agreement-supersede": agreement_supersede_case,
    "agreement-expire": _move_case("expire"),
    "agreement-withdraw": _move_case("withdraw"),
    "agreement-pdf": agreement_pdf_case,
    "agreement-signatory-list": signatory_list_case,
    "agreement-signatory-detail": signatory_detail_case,
    "agreement-signatory-sign": _signatory_action_case(
        "sign", "invited", {"signer_name": "X", "signer_title": "Y", "typed_signature": "X"}
    ),
    "agreement-signatory-decline": _signatory_action_case("decline", "invited", {"reason": "x"}),
    "agreement-signatory-withdraw": _signatory_action_case("withdraw", "signed", {"reason": "x"}),
    "agreement-consultation-list": consultation_list_case,
    "agreement-consultation-detail": _consultation_case("", {"reason": "x"}),
    "agreement-consultation-respond": consultation_respond_case,
    "agreement-consultation-approve": _consultation_case("approve", {"reason": "x"}),
    "agreement-consultation-drop": _consultation_case("drop", {"reason": "x"}),
    "agreement-review-list": review_list_case,
    "agreement-review-detail": _review_case("", {"findings": "x"}),
    "agreement-review-findings": _review_case(
        "findings", {"reviewed_on": str(dt.date(2026, 1, 5)), "findings": "Taken"}
    ),
    "agreement-review-report": _review_case("report", {"reported_on": "2026-01-05"}),
    "agreement-review-complete": _review_case(
        "complete", {"implementation_plan": "P", "changes_required": False}
    ),
    "agreement-review-action-list": review_action_list_case,
    "agreement-review-action-complete": review_action_complete_case,
    "legal-basis-list": legal_basis_list_case,
}


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("route", sorted(API_CASES))
def test_the_api_hides_another_partnerships_agreements(
    route, auth, partnership, outsider, client_for
):
    world = theirs_world(partnership)
    client = RecordingClient(
        client_for(outsider) if auth == "session" else api_token_client(outsider)
    )

    API_CASES[route](client, partnership, outsider, world)

    assert route in {resolve(p).url_name for p in client.paths}, f"{route} was not exercised"
    # Nothing of ours moved or was answered whatever was tried.
    assert fresh(world.agreement).version == world.agreement.version
    assert fresh(world.invited).status == SignatoryStatus.INVITED
    assert fresh(world.consultation).status == "open"
    assert (
        not ChangeResponse._base_manager.filter(consultation=world.consultation)
        .exclude(reply="")
        .exists()
    )
    assert fresh(world.review).findings == "" and fresh(world.action).completed_on is None


def test_every_agreements_api_route_is_checked():
    api_routes = {
        name
        for route, name, module in _routes(get_resolver().url_patterns)
        if route.startswith("api/") and module.startswith("agreements.")
    }

    unchecked = api_routes - set(API_CASES)
    assert not unchecked, f"Add these routes to API_CASES: {sorted(unchecked)}"
    assert not set(API_CASES) - api_routes, "A checked route no longer exists."
