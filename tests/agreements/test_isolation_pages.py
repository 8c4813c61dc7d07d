"""Another partnership's agreements do not exist for an outsider, on every page route.

The outsider is the IG officer of another partnership: every capability there, nothing here.
Every page route of the agreements app has an entry in PAGE_CASES, and
test_every_agreements_page_route_is_checked fails for a route without one. Each case gets a
signed-in client acting as the outsider, our partnership (with its agreements in every state,
from tests/agreements/page_helpers.py) and the outsider.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.urls import get_resolver, resolve, reverse
from django.utils import timezone

from agreements import services
from agreements.models import Agreement, AuditRequest, Signatory
from partners.tenancy import activate
from tests.agreements.page_helpers import build_world, date_parts, edit_data
from tests.isolation import assert_tenant_isolated
from tests.partners.isolation_helpers import RecordingClient, _routes

pytestmark = pytest.mark.django_db


def _url(name: str, obj, **kwargs) -> str:
    return reverse(name, kwargs={"public_id": obj.public_id, **kwargs})


def _writes(url: str, data: dict | None = None) -> list[tuple]:
    return [("post", url, data or {})]


def _theirs(outsider) -> Agreement:
    """An agreement of the outsider's own partnership, approved, for cases that try to link it
    with ours."""
    from tests.agreements.conftest import make_active

    with activate(outsider.tenant):
        from tests.conftest import Partnership

        own = Partnership(
            tenant=outsider.tenant,
            council=outsider.organisation,
            school=outsider.organisation,
            members={"ig_officer": outsider},
        )
        return make_active(own, outsider, title="Haringey information sharing protocol")


def _assert_form_refused(response, message: str = "Select a valid choice") -> None:
    assert response.status_code == 400, response.status_code
    assert message in response.content.decode()


def _move_case(name: str, state: str, extra: Callable[[object], dict] = lambda w: {}):
    def case(client, ours, outsider) -> None:
        world = build_world(ours)
        agreement = {"draft": world.draft, "circulated": world.circulated}.get(state, world.active)
        url = _url(name, agreement)
        data = {"version": agreement.version, "reason": "Taken over", **extra(world)}
        assert_tenant_isolated(
            client, agreement, detail_urls=[url], write_requests=_writes(url, data)
        )

    return case


def agreement_list_case(client, ours, outsider) -> None:
    world = build_world(ours)
    listing = reverse("agreement_list")
    assert_tenant_isolated(
        client,
        world.active,
        list_urls=[
            listing,
            f"{listing}?kind=isa",
            f"{listing}?status=active",
            f"{listing}?review=next_30_days",
        ],
        markers=[world.active.title, world.draft.title],
    )
    # Our agreement's id as the place to continue from is as unknown as any other.
    assert client.get(f"{listing}?after={world.active.public_id}").status_code == 404


def agreement_create_case(client, ours, outsider) -> None:
    world = build_world(ours)
    url = reverse("agreement_create")
    # Neither our agreements (as a parent) nor our organisations (as owner) are offered.
    assert_tenant_isolated(
        client, world.active, list_urls=[url], markers=[ours.council.name, ours.school.name]
    )
    for data in (
        {
            "kind": "sop",
            "title": "Planted",
            "parent": str(world.active.public_id),
            "owner_organisation": str(outsider.organisation.public_id),
        },
        {"kind": "sop", "title": "Planted", "owner_organisation": str(ours.council.public_id)},
    ):
        _assert_form_refused(client.post(url, data))
    assert not Agreement._base_manager.filter(title="Planted").exists()


def agreement_detail_case(client, ours, outsider) -> None:
    world = build_world(ours)
    for agreement in (world.active, world.draft):
        url = _url("agreement_detail", agreement)
        assert_tenant_isolated(client, agreement, detail_urls=[url], write_requests=_writes(url))


def agreement_edit_case(client, ours, outsider) -> None:
    world = build_world(ours)
    url = _url("agreement_edit", world.draft)
    data = edit_data(world.draft, title="Taken over")
    data["owner_organisation"] = str(outsider.organisation.public_id)
    assert_tenant_isolated(
        client, world.draft, detail_urls=[url], write_requests=_writes(url, data)
    )
    # Nor can their own agreement be put under ours.
    own = _theirs(outsider)
    with activate(outsider.tenant):
        services.agreement_start_review(actor=outsider, agreement=own, reason="To edit")
        own.refresh_from_db()
    moved = client.post(
        _url("agreement_edit", own), edit_data(own, parent=str(world.active.public_id))
    )
    _assert_form_refused(moved)
    assert Agreement._base_manager.get(pk=own.pk).parent_id is None


def agreement_content_edit_case(client, ours, outsider) -> None:
    world = build_world(ours)
    url = _url("agreement_content_edit", world.draft, section="purposes")
    data = {
        "version": world.draft.version,
        "purposes-TOTAL_FORMS": "1",
        "purposes-INITIAL_FORMS": "0",
        "purposes-0-service": "Planted",
        "purposes-0-description": "Planted",
    }
    assert_tenant_isolated(
        client, world.draft, detail_urls=[url], write_requests=_writes(url, data)
    )
    from agreements.models import Purpose

    assert not Purpose._base_manager.filter(service="Planted").exists()


def agreement_changes_case(client, ours, outsider) -> None:
    world = build_world(ours)
    url = _url("agreement_changes", world.active, from_version=1)
    assert_tenant_isolated(client, world.active, detail_urls=[url])


def agreement_pdf_case(client, ours, outsider) -> None:
    world = build_world(ours)
    assert_tenant_isolated(client, world.active, detail_urls=[_url("agreement_pdf", world.active)])


def agreement_supersede_case(client, ours, outsider) -> None:
    _move_case(
        "agreement_supersede", "active", lambda w: {"superseded_by": str(w.reviewed.public_id)}
    )(client, ours, outsider)
    # Their own agreement cannot be superseded by ours.
    own = _theirs(outsider)
    world_agreement = Agreement._base_manager.filter(tenant=ours.tenant).first()
    response = client.post(
        _url("agreement_supersede", own),
        {
            "version": own.version,
            "reason": "Replaced",
            "superseded_by": str(world_agreement.public_id),
        },
    )
    _assert_form_refused(response)
    assert Agreement._base_manager.get(pk=own.pk).status == "active"


def signatory_invite_case(client, ours, outsider) -> None:
    world = build_world(ours)
    url = _url("signatory_invite", world.active)
    data = {"organisation": str(outsider.organisation.public_id)}
    assert_tenant_isolated(
        client, world.active, detail_urls=[url], write_requests=_writes(url, data)
    )
    # Nor can one of our organisations be invited to sign theirs.
    own = _theirs(outsider)
    invited = client.post(
        _url("signatory_invite", own), {"organisation": str(ours.school.public_id)}
    )
    _assert_form_refused(invited)
    assert not Signatory._base_manager.filter(agreement=own, organisation=ours.school).exists()


def _signatory_case(name: str, which: str, data: dict):
    def case(client, ours, outsider) -> None:
        world = build_world(ours)
        signatory = getattr(world, which)
        url = _url(name, signatory)
        assert_tenant_isolated(
            client, signatory, detail_urls=[url], write_requests=_writes(url, data)
        )

    return case


SIGN = {
    "signer_name": "Taken Over",
    "signer_title": "Intruder",
    "typed_signature": "Taken Over",
    **date_parts("signed_on", timezone.localdate()),
}


def consultation_open_case(client, ours, outsider) -> None:
    world = build_world(ours)
    url = _url("consultation_open", world.reviewed)
    data = {
        "summary": "Planted change",
        "details": "Planted",
        **date_parts("respond_by", timezone.localdate() + dt.timedelta(days=10)),
    }
    assert_tenant_isolated(
        client, world.reviewed, detail_urls=[url], write_requests=_writes(url, data)
    )


def _consultation_case(name: str, data: dict):
    def case(client, ours, outsider) -> None:
        world = build_world(ours)
        url = _url(name, world.consultation)
        assert_tenant_isolated(
            client, world.consultation, detail_urls=[url], write_requests=_writes(url, data)
        )

    return case


def _review_case(name: str, data: dict):
    def case(client, ours, outsider) -> None:
        world = build_world(ours)
        url = _url(name, world.review)
        assert_tenant_isolated(
            client, world.review, detail_urls=[url], write_requests=_writes(url, data)
        )

    return case


def review_action_add_case(client, ours, outsider) -> None:
    _review_case(
        "review_action_add",
        {
            "description": "Planted",
            "owner_organisation": str(outsider.organisation.public_id),
            "owner_name": "Intruder",
            **date_parts("due_on", timezone.localdate()),
        },
    )(client, ours, outsider)


def review_action_complete_case(client, ours, outsider) -> None:
    world = build_world(ours)
    url = _url("review_action_complete", world.action)
    assert_tenant_isolated(
        client,
        world.action,
        detail_urls=[url],
        write_requests=_writes(url, date_parts("completed_on", None)),
    )


def audit_request_create_case(client, ours, outsider) -> None:
    world = build_world(ours)
    url = _url("audit_request_create", world.active)
    today = timezone.localdate()
    data = {
        "requesting_organisation": str(outsider.organisation.public_id),
        "auditor": "Planted audit",
        "scope": "Everything",
        **date_parts("notice_given_on", today),
        **date_parts("starts_on", today + dt.timedelta(days=40)),
    }
    assert_tenant_isolated(
        client, world.active, detail_urls=[url], write_requests=_writes(url, data)
    )
    assert not AuditRequest._base_manager.filter(auditor="Planted audit").exists()


def _audit_case(name: str, data: dict):
    def case(client, ours, outsider) -> None:
        world = build_world(ours)
        url = _url(name, world.audit)
        assert_tenant_isolated(
            client, world.audit, detail_urls=[url], write_requests=_writes(url, data)
        )

    return case


PAGE_CASES: dict[str, Callable] = {
    "agreement_list": agreement_list_case,
    "agreement_create": agreement_create_case,
    "agreement_detail": agreement_detail_case,
    "agreement_edit": agreement_edit_case,
    "agreement_content_edit": agreement_content_edit_case,
    "agreement_changes": agreement_changes_case,
    "agreement_pdf": agreement_pdf_case,
    "agreement_circulate": _move_case("agreement_circulate", "draft"),
    "agreement_return_to_draft": _move_case("agreement_return_to_draft", "circulated"),
    "agreement_approve": _move_case("agreement_approve", "circulated"),
    "agreement_start_review": _move_case("agreement_start_review", "active"),
    "agreement_supersede": agreement_supersede_case,
    "agreement_expire": _move_case("agreement_expire", "active"),
    "agreement_withdraw": _move_case("agreement_withdraw", "active"),
    "signatory_invite": signatory_invite_case,
    "signatory_sign": _signatory_case("signatory_sign", "school_invited", SIGN),
    "signatory_decline": _signatory_case(
        "signatory_decline", "school_invited", {"reason": "Taken over"}
    ),
    "signatory_withdraw": _signatory_case(
        "signatory_withdraw",
        "council_signed",
        {"reason": "Taken over", **date_parts("withdrawn_on", timezone.localdate())},
    ),
    "consultation_open": consultation_open_case,
    "consultation_detail": _consultation_case("consultation_detail", {}),
    "consultation_respond": _consultation_case(
        "consultation_respond",
        {"organisation": "", "reply": "object", "comment": "Taken over"},
    ),
    "consultation_approve": _consultation_case("consultation_approve", {"reason": "Taken over"}),
    "consultation_drop": _consultation_case("consultation_drop", {"reason": "Taken over"}),
    "review_detail": _review_case("review_detail", {}),
    "review_findings": _review_case(
        "review_findings",
        {"findings": "Taken over", **date_parts("reviewed_on", timezone.localdate())},
    ),
    "review_report": _review_case("review_report", date_parts("reported_on", timezone.localdate())),
    "review_action_add": review_action_add_case,
    "review_complete": _review_case(
        "review_complete", {"implementation_plan": "Taken over", "changes_required": "no"}
    ),
    "review_action_complete": review_action_complete_case,
    "audit_request_create": audit_request_create_case,
    "audit_request_complete": _audit_case("audit_request_complete", {"outcome": "Taken over"}),
    "audit_request_cancel": _audit_case("audit_request_cancel", {"reason": "Taken over"}),
}


@pytest.fixture
def _pdf_stand_in(monkeypatch):
    # The page must 404 before it renders anything; a renderer that would show the agreement
    # proves it is never reached.
    try:
        import agreements.pdf
    except ImportError:
        return
    monkeypatch.setattr(agreements.pdf, "agreement_pdf", lambda agreement: agreement.title.encode())


@pytest.mark.parametrize("route", sorted(PAGE_CASES))
def test_the_agreement_pages_hide_another_partnerships_agreements(
    route, partnership, outsider, client_for, _pdf_stand_in
):
    client = RecordingClient(client_for(outsider))

    PAGE_CASES[route](client, partnership, outsider)

    assert route in {resolve(p).url_name for p in client.paths}, f"{route} was not exercised"


def test_every_agreements_page_route_is_checked():
    page_routes = {
        name
        for route, name, module in _routes(get_resolver().url_patterns)
        if not route.startswith("api/") and module.startswith("agreements.")
    }

    unchecked = page_routes - set(PAGE_CASES)
    assert not unchecked, f"Add these routes to PAGE_CASES: {sorted(unchecked)}"
    gone = set(PAGE_CASES) - page_routes
    assert not gone, f"These checked routes no longer exist: {sorted(gone)}"
