"""The agreements API: the register and its filters, one agreement with its structured content,
editing with the version check, each lifecycle move, signatories, change consultations, reviews
and the PDF; role checks on every write, another partnership's objects on every route, and a
fixed number of queries however many agreements or content rows there are."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Callable
from types import SimpleNamespace

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, resolve
from django.utils import timezone
from pypdf import PdfReader

from agreements import services
from agreements.choices import AgreementStatus, InformationLevel, SignatoryStatus
from agreements.models import (
    Agreement,
    AgreementTransition,
    ChangeConsultation,
    ChangeResponse,
    DataItem,
    Purpose,
    Review,
    ReviewAction,
    Signatory,
)
from partners.roles import Role
from partners.tenancy import activate
from tests.agreements.conftest import make_active, make_draft
from tests.factories import AgreementFactory, MembershipFactory, OrganisationFactory, legal_basis
from tests.isolation import assert_tenant_isolated
from tests.partners.test_isolation import RecordingClient, _routes, api_token_client

pytestmark = pytest.mark.django_db

JSON = "application/json"
LIST = "/api/agreements/"


def url(agreement, *rest) -> str:
    return "/".join([f"{LIST}{agreement.public_id}", *[str(part) for part in rest], ""])


def post(client, path, data=None):
    return client.post(path, data or {}, content_type=JSON)


def patch(client, path, data):
    return client.patch(path, data, content_type=JSON)


def errors(response) -> dict:
    return {error["attr"]: error["detail"] for error in response.json()["errors"]}


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def officer(partnership):
    return partnership.member(Role.IG_OFFICER)


@pytest.fixture
def ig(officer, client_for):
    return client_for(officer)


@pytest.fixture
def school_manager(partnership):
    return MembershipFactory(
        tenant=partnership.tenant,
        organisation=partnership.school,
        role=Role.MANAGER,
        user__full_name="Anne Head",
    )


def active_agreement(partnership, **fields):
    with activate(partnership.tenant):
        return make_active(partnership, partnership.member(Role.IG_OFFICER), **fields)


def draft_agreement(partnership, **fields):
    with activate(partnership.tenant):
        return make_draft(partnership, **fields)


def signed_by(partnership, agreement, organisation, name="Sam Signer"):
    officer = partnership.member(Role.IG_OFFICER)
    with activate(partnership.tenant):
        signatory = services.signatory_invite(
            actor=officer, agreement=agreement, organisation=organisation
        )
        return services.signatory_sign(
            actor=officer,
            signatory=signatory,
            signer_name=name,
            signer_title="Director",
            typed_signature=name,
        )


def fresh(obj):
    return type(obj)._base_manager.get(pk=obj.pk)


# --- The register ----------------------------------------------------------------------------


def test_the_register_lists_what_the_viewer_may_read_with_filters(partnership, ig, client_for):
    isa = active_agreement(partnership, title="Kent and Medway ISA")
    draft = draft_agreement(partnership, title="Early help SOP (draft)", kind="sop")
    due = active_agreement(partnership, title="Schools protocol", kind="protocol")
    Agreement._base_manager.filter(pk=due.pk).update(next_review_date=today())

    def titles(client, query=""):
        response = client.get(f"{LIST}{query}")
        assert response.status_code == 200, response.content
        return {row["title"] for row in response.json()["results"]}

    assert titles(ig) == {isa.title, draft.title, due.title}
    assert titles(ig, "?kind=sop") == {draft.title}
    assert titles(ig, "?status=active") == {isa.title, due.title}
    assert titles(ig, "?review_due=true") == {due.title}
    assert titles(ig, "?review_due=false") == {isa.title, draft.title}
    assert titles(ig, "?search=medway") == {isa.title}
    # A practitioner at the school reads approved agreements only, not the council's draft.
    assert titles(client_for(partnership.member(Role.PRACTITIONER))) == {isa.title, due.title}
    bad = ig.get(f"{LIST}?status=pending")
    assert bad.status_code == 400 and "status" in errors(bad)


def test_an_agreement_in_full_with_its_content_completeness_and_moves(partnership, ig):
    isa = active_agreement(partnership, title="Kent and Medway ISA")

    response = ig.get(url(isa))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == str(isa.public_id)
    assert body["status"] == "active" and body["version_label"] == "V1.0"
    assert body["owner_organisation"] == str(partnership.council.public_id)
    assert [p["service"] for p in body["purposes"]] == ["SEN Assessment and Placement"]
    assert [item["name"] for item in body["data_items"]] == ["Date of birth"]
    assert [b["citation"] for b in body["legal_bases"]] == [
        "UK GDPR Article 6(1)(e)",
        "Children and Families Act 2014 Part 3",
    ]
    assert body["legal_bases"][0]["basis"] == str(legal_basis("uk-gdpr-6-1-e").public_id)
    assert {h["heading"] for h in body["completeness"] if h["required"]} >= {"purpose", "rights"}
    assert all(h["complete"] for h in body["completeness"] if h["required"])
    assert body["available_actions"] == ["start-review", "supersede", "expire", "withdraw"]
    assert body["can_edit"] is True


def test_a_draft_the_viewer_may_not_see_is_a_404_like_one_that_never_existed(
    partnership, client_for
):
    draft = draft_agreement(partnership)
    practitioner = client_for(partnership.member(Role.PRACTITIONER))

    hidden = practitioner.get(url(draft))
    missing = practitioner.get(f"{LIST}{uuid.uuid4()}/")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    for path in (url(draft, "pdf"), url(draft, "signatories")):
        assert practitioner.get(path).status_code == 404
    assert patch(practitioner, url(draft), {"title": "x", "version": 1}).status_code == 404
    assert post(practitioner, url(draft, "withdraw"), {"reason": "x"}).status_code == 403


# --- Creating and editing --------------------------------------------------------------------


def test_the_ig_officer_drafts_an_agreement_with_its_content_lists(partnership, ig):
    parent = active_agreement(partnership, title="Kent and Medway ISA")

    response = post(
        ig,
        LIST,
        {
            "title": "SEND standard operating procedure",
            "kind": "sop",
            "owner_organisation": str(partnership.council.public_id),
            "parent": str(parent.public_id),
            "summary": "How SEND teams share.",
            "breach_notify_days": 3,
            "purposes": [
                {"service": "SEN Assessment", "description": "Statutory assessment."},
                {"service": "Annual review", "description": "EHC plan reviews."},
            ],
            "data_items": [{"level": "detailed", "name": "Health needs", "special_category": True}],
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    agreement = Agreement._base_manager.get(public_id=body["id"])
    assert (agreement.status, agreement.parent, agreement.breach_notify_days) == (
        "draft",
        parent,
        3,
    )
    assert [p.service for p in Purpose._base_manager.filter(agreement=agreement)] == [
        "SEN Assessment",
        "Annual review",
    ]
    assert [p["service"] for p in body["purposes"]] == ["SEN Assessment", "Annual review"]
    assert body["data_items"][0]["special_category"] is True
    assert agreement.history.first().history_user == partnership.member(Role.IG_OFFICER).user


def test_a_bad_content_item_refuses_the_whole_create(partnership, ig):
    response = post(
        ig,
        LIST,
        {
            "title": "Refused agreement",
            "kind": "isa",
            "owner_organisation": str(partnership.council.public_id),
            "terms": [{"party": "all", "text": "Fine."}, {"party": "other", "text": "Whose?"}],
        },
    )

    assert response.status_code == 400, response.content
    assert "terms.1.party_name" in errors(response)
    assert not Agreement._base_manager.filter(title="Refused agreement").exists()


def test_an_edit_replaces_the_lists_given_keeping_items_by_id(partnership, ig):
    draft = draft_agreement(partnership, title="Early help protocol")
    before = ig.get(url(draft)).json()
    kept = before["purposes"][0]

    response = patch(
        ig,
        url(draft),
        {
            "version": before["version"],
            "title": "Early help protocol (revised)",
            "purposes": [
                {"service": "Family hubs", "description": "Support for families."},
                {**kept, "description": "Reworded."},
            ],
            "data_items": [],
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Early help protocol (revised)"
    assert [(p["service"], p["description"]) for p in body["purposes"]] == [
        ("Family hubs", "Support for families."),
        ("SEN Assessment and Placement", "Reworded."),
    ]
    assert body["purposes"][1]["id"] == kept["id"]
    assert body["data_items"] == []
    # One new version for the fields and one for each list saved.
    assert body["version"] == before["version"] + 3


def test_a_stale_version_is_a_409_and_nothing_is_saved(partnership, ig):
    draft = draft_agreement(partnership, title="Early help protocol")
    version = ig.get(url(draft)).json()["version"]
    first = patch(ig, url(draft), {"version": version, "summary": "First tab's summary."})
    assert first.status_code == 200

    second = patch(
        ig,
        url(draft),
        {
            "version": version,
            "summary": "Second tab's summary.",
            "purposes": [{"service": "Lost", "description": "Lost."}],
        },
    )
    content_only = patch(
        ig, url(draft), {"version": version, "purposes": [{"service": "X", "description": "Y"}]}
    )

    assert second.status_code == 409, second.content
    assert second.json()["errors"][0]["code"] == "conflict"
    assert "Someone else changed this agreement" in second.json()["errors"][0]["detail"]
    assert content_only.status_code == 409
    agreement = fresh(draft)
    assert agreement.summary == "First tab's summary."
    assert not Purpose._base_manager.filter(agreement=draft, service__in=["Lost", "X"]).exists()


def test_an_edit_without_a_version_or_of_an_active_agreement_is_refused(partnership, ig):
    isa = active_agreement(partnership)
    version = fresh(isa).version

    no_version = patch(ig, url(isa), {"summary": "x"})
    active = patch(ig, url(isa), {"version": version, "summary": "x"})

    assert no_version.status_code == 400 and "version" in errors(no_version)
    assert active.status_code == 400
    assert "Start a review to change it." in active.json()["errors"][0]["detail"]
    assert fresh(isa).summary == "" and fresh(isa).version == version


def test_a_manager_edits_a_draft_of_their_organisation_only_when_granted(
    partnership, client_for, officer
):
    draft = draft_agreement(partnership)
    manager = partnership.member(Role.MANAGER)
    client = client_for(manager)

    refused = patch(client, url(draft), {"version": fresh(draft).version, "summary": "x"})
    assert refused.status_code == 403
    with activate(partnership.tenant):
        services.agreement_grant_editor(actor=officer, agreement=draft, membership=manager)
    allowed = patch(client, url(draft), {"version": fresh(draft).version, "summary": "Edited."})

    assert allowed.status_code == 200, allowed.content
    assert allowed.json()["can_edit"] is True
    assert fresh(draft).summary == "Edited."


def test_content_cites_only_legal_bases_available_to_the_partnership(
    partnership, other_partnership, ig
):
    with activate(other_partnership.tenant):
        theirs = services.legal_basis_add(
            actor=other_partnership.member(Role.IG_OFFICER),
            code="their-local-act",
            kind="statute",
            citation="Their Local Act 2020",
            title="Their power",
        )
    draft = draft_agreement(partnership)

    response = patch(
        ig,
        url(draft),
        {"version": fresh(draft).version, "legal_bases": [{"basis": str(theirs.public_id)}]},
    )
    listing = ig.get("/api/legal-bases/")

    assert response.status_code == 400
    assert "legal_bases.0.basis" in errors(response)
    assert listing.status_code == 200
    codes = {row["code"] for row in listing.json()}
    assert "uk-gdpr-6-1-e" in codes and "their-local-act" not in codes


# --- The lifecycle ---------------------------------------------------------------------------


def test_each_move_of_the_lifecycle_is_its_own_endpoint(partnership, ig):
    draft = draft_agreement(partnership, title="Kent schools protocol")

    circulated = post(ig, url(draft, "submit-for-consultation"), {"reason": "For comment"})
    assert circulated.status_code == 200, circulated.content
    assert circulated.json()["status"] == "consultation"
    back = post(ig, url(draft, "return-to-draft"), {"reason": "More work"})
    assert back.json()["status"] == "draft"
    post(ig, url(draft, "submit-for-consultation"), {"reason": "Again"})
    approved = post(
        ig,
        url(draft, "approve"),
        {"reason": "Agreed by the board", "approved_on": str(today() - dt.timedelta(days=1))},
    )
    assert approved.status_code == 200, approved.content
    assert approved.json()["document_version"] == 1
    assert approved.json()["approval_date"] == str(today() - dt.timedelta(days=1))
    reviewing = post(ig, url(draft, "start-review"), {"reason": "Annual review"})
    assert reviewing.json()["status"] == "under_review"
    assert Review._base_manager.filter(agreement=draft, completed_on__isnull=True).exists()

    transitions = AgreementTransition._base_manager.filter(agreement=draft)
    assert [t.action for t in transitions] == [
        "circulate",
        "return_to_draft",
        "circulate",
        "approve",
        "start_review",
    ]
    assert transitions.last().actor == partnership.member(Role.IG_OFFICER)
    assert transitions.last().reason == "Annual review"


@pytest.mark.parametrize("move,status", [("expire", "expired"), ("withdraw", "withdrawn")])
def test_an_agreement_ends_by_expiry_or_withdrawal(partnership, ig, move, status):
    isa = active_agreement(partnership)

    response = post(ig, url(isa, move), {"reason": "Replaced by statute"})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == status
    assert response.json()["available_actions"] == []


def test_supersede_names_the_newer_agreement_and_carries_signatories_over(partnership, ig):
    old = active_agreement(partnership, title="Multi-agency protocol")
    new = active_agreement(partnership, title="Multi-agency code of practice")
    signed_by(partnership, old, partnership.school, name="Ann Head")

    response = post(
        ig, url(old, "supersede"), {"reason": "Replaced", "superseded_by": str(new.public_id)}
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "superseded"
    assert response.json()["superseded_by"] == str(new.public_id)
    carried = Signatory._base_manager.get(agreement=new, organisation=partnership.school)
    assert (carried.status, carried.signer_name) == (SignatoryStatus.SIGNED, "Ann Head")


@pytest.mark.parametrize(
    "move,expected",
    [
        ("approve", "You cannot approve while the agreement is a draft."),
        ("return-to-draft", "You cannot return to draft while the agreement is a draft."),
        ("start-review", "You cannot start a review while the agreement is a draft."),
        ("expire", "You cannot mark as expired while the agreement is a draft."),
    ],
)
def test_an_illegal_move_is_a_400_with_the_rule_and_changes_nothing(
    partnership, ig, move, expected
):
    draft = draft_agreement(partnership)
    before = fresh(draft)

    response = post(ig, url(draft, move), {"reason": "Because"})

    assert response.status_code == 400, response.content
    detail = response.json()["errors"][0]["detail"]
    assert detail.startswith(expected)
    assert "Possible now: send for consultation; withdraw." in detail
    after = fresh(draft)
    assert (after.status, after.version, after.document_version) == (
        before.status,
        before.version,
        before.document_version,
    )
    assert not AgreementTransition._base_manager.filter(agreement=draft).exists()


def test_approval_is_refused_while_a_heading_is_missing_and_a_stale_move_is_a_409(partnership, ig):
    with activate(partnership.tenant):
        bare = AgreementFactory(tenant=partnership.tenant, owner_organisation=partnership.council)
    post(ig, url(bare, "submit-for-consultation"), {"reason": "For comment"})

    incomplete = post(ig, url(bare, "approve"), {"reason": "Agreed"})
    stale = post(ig, url(bare, "return-to-draft"), {"reason": "Oops", "version": 1})
    blank = post(ig, url(bare, "return-to-draft"), {"reason": " "})

    assert incomplete.status_code == 400
    assert "cannot be approved until it covers" in incomplete.json()["errors"][0]["detail"]
    assert stale.status_code == 409
    assert blank.status_code == 400 and "reason" in errors(blank)
    assert fresh(bare).status == AgreementStatus.CONSULTATION


# --- Signatories -----------------------------------------------------------------------------


def test_invite_then_an_authorised_person_signs_for_their_own_organisation(
    partnership, ig, client_for, school_manager
):
    isa = active_agreement(partnership)

    invited = post(ig, url(isa, "signatories"), {"organisation": str(partnership.school.public_id)})
    assert invited.status_code == 201, invited.content
    signatory_id = invited.json()["id"]
    sign_url = url(isa, "signatories", signatory_id, "sign")
    signature = {
        "signer_name": "Anne Head",
        "signer_title": "Headteacher",
        "typed_signature": "Anne Head",
    }

    council_manager = post(client_for(partnership.member(Role.MANAGER)), sign_url, signature)
    senco = post(client_for(partnership.member(Role.SENCO)), sign_url, signature)
    wrong = post(client_for(school_manager), sign_url, {**signature, "typed_signature": "AH"})
    signed = post(client_for(school_manager), sign_url, signature)

    assert (council_manager.status_code, senco.status_code) == (403, 403)
    assert wrong.status_code == 400 and "typed_signature" in errors(wrong)
    assert signed.status_code == 200, signed.content
    body = signed.json()
    assert (body["status"], body["signer_name"], body["signed_on"]) == (
        "signed",
        "Anne Head",
        str(today()),
    )
    assert body["recorded_by"] == str(school_manager.public_id)
    listing = ig.get(url(isa, "signatories")).json()["results"]
    assert [row["organisation_name"] for row in listing] == [partnership.school.name]
    again = post(client_for(school_manager), sign_url, signature)
    assert again.status_code == 400
    assert "only an invited organisation signs" in again.json()["errors"][0]["detail"]


def test_a_signatory_declines_or_withdraws_with_a_reason(partnership, ig):
    isa = active_agreement(partnership)
    signed = signed_by(partnership, isa, partnership.council)
    invited = post(ig, url(isa, "signatories"), {"organisation": str(partnership.school.public_id)})

    declined = post(
        ig,
        url(isa, "signatories", invited.json()["id"], "decline"),
        {"reason": "Not ready to sign"},
    )
    withdrawn = post(
        ig, url(isa, "signatories", signed.public_id, "withdraw"), {"reason": "Service closed"}
    )
    no_reason = post(ig, url(isa, "signatories", signed.public_id, "withdraw"), {"reason": ""})

    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert withdrawn.status_code == 200, withdrawn.content
    assert (withdrawn.json()["status"], withdrawn.json()["withdrawal_reason"]) == (
        "withdrawn",
        "Service closed",
    )
    assert no_reason.status_code == 400
    assert ig.get(url(isa, "signatories", signed.public_id)).json()["status"] == "withdrawn"


def test_a_signatory_is_found_only_under_its_own_agreement(partnership, ig):
    isa = active_agreement(partnership, title="ISA one")
    other = active_agreement(partnership, title="ISA two")
    signatory = signed_by(partnership, isa, partnership.school)

    assert ig.get(url(other, "signatories", signatory.public_id)).status_code == 404
    assert (
        post(
            ig, url(other, "signatories", signatory.public_id, "withdraw"), {"reason": "x"}
        ).status_code
        == 404
    )
    assert fresh(signatory).status == SignatoryStatus.SIGNED


# --- Change consultations --------------------------------------------------------------------

PROPOSED = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def test_a_change_is_consulted_on_tallied_and_approved_after_the_deadline(
    partnership, client_for, school_manager
):
    with time_machine.travel(PROPOSED, tick=False):
        isa = active_agreement(partnership)
        signed_by(partnership, isa, partnership.school)
        signed_by(partnership, isa, partnership.council)
        ig = client_for(partnership.member(Role.IG_OFFICER))
        proposed = post(
            ig,
            url(isa, "consultations"),
            {"summary": "Add police", "details": "Police join.", "respond_by": "2026-03-16"},
        )
        assert proposed.status_code == 201, proposed.content
        consultation_id = proposed.json()["id"]
        detail = url(isa, "consultations", consultation_id)
        assert proposed.json()["tally"]["awaiting"] == 2

        answered = post(client_for(school_manager), f"{detail}respond/", {"reply": "object"})
        assert answered.status_code == 400 and "comment" in errors(answered)
        answered = post(
            client_for(school_manager),
            f"{detail}respond/",
            {"reply": "object", "comment": "Police should not see school records."},
        )
        assert answered.status_code == 200, answered.content
        early = post(ig, f"{detail}approve/", {"reason": "Agreed"})
        assert early.status_code == 400
        assert "approve the change after that" in early.json()["errors"][0]["detail"]

    with time_machine.travel(dt.datetime(2026, 3, 17, 9, 0, tzinfo=dt.UTC), tick=False):
        ig = client_for(partnership.member(Role.IG_OFFICER))
        tally = ig.get(detail).json()["tally"]
        assert tally == {
            "agree": 1,
            "object": 1,
            "comment": 0,
            "taken_as_agreement": 1,
            "awaiting": 0,
            "deadline_passed": True,
            "total": 2,
        }
        approved = post(ig, f"{detail}approve/", {"reason": "Objection answered"})
        assert approved.status_code == 200, approved.content
        assert approved.json()["status"] == "approved"
        replies = {
            r["organisation_name"]: (r["reply"], r["deemed"]) for r in approved.json()["responses"]
        }
        assert replies == {
            partnership.school.name: ("object", False),
            partnership.council.name: ("agree", True),
        }
        listing = ig.get(url(isa, "consultations")).json()["results"]
        assert [row["summary"] for row in listing] == ["Add police"]


def test_a_change_may_be_dropped_and_then_takes_no_more_responses(partnership, ig, client_for):
    isa = active_agreement(partnership)
    signed_by(partnership, isa, partnership.school)
    consultation = post(
        ig,
        url(isa, "consultations"),
        {
            "summary": "Add police",
            "details": "Police join.",
            "respond_by": str(today() + dt.timedelta(days=14)),
        },
    ).json()
    detail = url(isa, "consultations", consultation["id"])

    dropped = post(ig, f"{detail}drop/", {"reason": "Withdrawn by the board"})
    late = post(
        ig,
        f"{detail}respond/",
        {"reply": "agree", "organisation": str(partnership.school.public_id)},
    )

    assert dropped.status_code == 200 and dropped.json()["status"] == "dropped"
    assert late.status_code == 400
    assert "responses are closed" in late.json()["errors"][0]["detail"]


# --- Reviews ---------------------------------------------------------------------------------


def test_a_review_is_started_recorded_reported_planned_and_completed(partnership, ig):
    isa = active_agreement(partnership)

    started = post(ig, url(isa, "reviews"), {"reason": "Six-month review"})
    assert started.status_code == 201, started.content
    review = url(isa, "reviews", started.json()["id"])
    assert fresh(isa).status == AgreementStatus.UNDER_REVIEW

    early = post(
        ig, f"{review}complete/", {"implementation_plan": "None", "changes_required": False}
    )
    assert early.status_code == 400 and {"findings", "reported_on"} <= set(errors(early))

    reviewed_on = today() - dt.timedelta(days=2)
    findings = post(
        ig,
        f"{review}findings/",
        {"reviewed_on": str(reviewed_on), "findings": "Working well.", "reviewers": "IG leads"},
    )
    assert findings.status_code == 200, findings.content
    assert findings.json()["report_due_on"] == str(reviewed_on + relativedelta(months=1))
    reported = post(ig, f"{review}report/", {"reported_on": str(today())})
    assert reported.status_code == 200 and reported.json()["reported_late"] is False

    added = post(
        ig,
        f"{review}actions/",
        {
            "description": "Update privacy notices",
            "owner_organisation": str(partnership.school.public_id),
            "owner_name": "School business manager",
            "due_on": str(today() + dt.timedelta(days=30)),
        },
    )
    assert added.status_code == 201, added.content
    done = post(ig, f"{review}actions/{added.json()['id']}/complete/", {})
    assert done.status_code == 200 and done.json()["completed_on"] == str(today())

    completed = post(
        ig,
        f"{review}complete/",
        {"implementation_plan": "Privacy notices updated.", "changes_required": False},
    )
    assert completed.status_code == 200, completed.content
    assert completed.json()["is_open"] is False
    assert [a["description"] for a in completed.json()["actions"]] == ["Update privacy notices"]
    agreement = fresh(isa)
    assert agreement.status == AgreementStatus.ACTIVE
    assert agreement.next_review_date == today() + relativedelta(months=12)
    listing = ig.get(url(isa, "reviews")).json()["results"]
    assert [row["completed_on"] for row in listing] == [str(today())]


# --- The PDF ---------------------------------------------------------------------------------


def test_the_pdf_downloads_with_the_agreement_and_its_signatures(partnership, client_for):
    isa = active_agreement(partnership, title="Kent and Medway ISA")
    signed_by(partnership, isa, partnership.school, name="Ann Head")

    response = client_for(partnership.member(Role.PRACTITIONER)).get(url(isa, "pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="kent-and-medway-isa-v1.pdf"'
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Kent and Medway ISA" in text and "Ann Head" in text


def test_the_pdf_route_answers_errors_in_json_even_to_a_pdf_client(partnership, client_for):
    draft = draft_agreement(partnership)
    practitioner = client_for(partnership.member(Role.PRACTITIONER))

    response = practitioner.get(url(draft, "pdf"), HTTP_ACCEPT="application/pdf")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["code"] == "not_found"


# --- Role checks: every write ----------------------------------------------------------------


@pytest.fixture
def everything(partnership, officer):
    """One agreement with a record of each kind under it: a signatory signed and one invited,
    a change out for consultation and an open review with an action."""
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


# --- A fixed number of queries ---------------------------------------------------------------


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(captured)


def test_the_register_reads_in_a_fixed_number_of_queries(partnership, ig):
    parent = active_agreement(partnership, title="Parent ISA")

    def add(count: int, start: int) -> None:
        with activate(partnership.tenant):
            for i in range(start, start + count):
                AgreementFactory(
                    tenant=partnership.tenant,
                    owner_organisation=partnership.school if i % 2 else partnership.council,
                    parent=parent,
                    title=f"Child agreement {i}",
                )

    add(2, 0)
    few = _queries(ig, LIST)
    add(27, 2)
    many = _queries(ig, LIST)

    assert len(ig.get(LIST).json()["results"]) == 30
    assert few == many, (few, many)


def test_an_agreement_reads_in_a_fixed_number_of_queries_however_much_content(partnership, ig):
    draft = draft_agreement(partnership)

    def add(count: int) -> None:
        with activate(partnership.tenant):
            for i in range(count):
                Purpose.objects.create(
                    tenant=partnership.tenant, agreement=draft, service=f"S{i}", description="D"
                )
                DataItem.objects.create(
                    tenant=partnership.tenant,
                    agreement=draft,
                    level=InformationLevel.MINIMUM,
                    name=f"Item {i}",
                )

    add(2)
    few = _queries(ig, url(draft))
    add(27)
    many = _queries(ig, url(draft))

    assert len(ig.get(url(draft)).json()["purposes"]) == 30
    assert few == many, (few, many)


def test_the_lists_under_an_agreement_read_in_a_fixed_number_of_queries(partnership, ig, officer):
    isa = active_agreement(partnership)

    def add(count: int) -> None:
        with activate(partnership.tenant):
            for _ in range(count):
                organisation = OrganisationFactory(tenant=partnership.tenant)
                signatory = services.signatory_invite(
                    actor=officer, agreement=isa, organisation=organisation
                )
                services.signatory_sign(
                    actor=officer,
                    signatory=signatory,
                    signer_name="A B",
                    signer_title="C",
                    typed_signature="A B",
                )

    add(3)
    few = _queries(ig, url(isa, "signatories"))
    add(27)
    many = _queries(ig, url(isa, "signatories"))

    assert few == many, (few, many)
