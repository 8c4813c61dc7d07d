"""The lifecycle of an agreement through the API. Each move is its own endpoint, recorded
with its actor and reason; an illegal move is a 400 with the rule and changes nothing, and
a stale one a 409. Signatories are invited and sign for their own organisation, or decline
or withdraw with a reason; a change is consulted on, tallied and approved after its
deadline, or dropped; and a review is started, recorded, reported, planned and completed.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from dateutil.relativedelta import relativedelta

from agreements.choices import AgreementStatus, SignatoryStatus
from agreements.models import AgreementTransition, Review, Signatory
from partners.roles import Role
from partners.tenancy import activate
from tests.agreements.api_helpers import (
    active_agreement,
    draft_agreement,
    errors,
    fresh,
    post,
    signed_by,
    today,
    url,
)
from tests.factories import AgreementFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_manager(partnership):
    return MembershipFactory(
        tenant=partnership.tenant,
        organisation=partnership.school,
        role=Role.MANAGER,
        user__full_name="Anne Head",
    )


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
