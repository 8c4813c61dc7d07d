"""Change consultations (Bucks §1–2): circulated to every signatory with a deadline; agree,
object or comment; at the deadline no response counts as agreement; the IG officer approves or
drops the change. An approved change flags every agreement underneath for review."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from agreements import selectors, services
from agreements.choices import ConsultationStatus, Reply
from agreements.models import ChangeResponse
from partners.roles import Role
from tests.agreements.conftest import make_active, make_draft
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

PROPOSED = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
DEADLINE = dt.date(2026, 3, 16)


@pytest.fixture
def consulted(in_tenant, officer):
    """An agreement in force with three signatories and a change out for consultation."""
    with time_machine.travel(PROPOSED, tick=False):
        agreement = make_active(in_tenant, officer)
        organisations = [
            in_tenant.school,
            OrganisationFactory(tenant=in_tenant.tenant, name="Wycombe Women's Aid"),
            OrganisationFactory(tenant=in_tenant.tenant, name="Thomley Activity Centre"),
        ]
        for organisation in organisations:
            signatory = services.signatory_invite(
                actor=officer, agreement=agreement, organisation=organisation
            )
            services.signatory_sign(
                actor=officer,
                signatory=signatory,
                signer_name="A Person",
                signer_title="Director",
                typed_signature="A Person",
            )
        consultation = services.change_propose(
            actor=officer,
            agreement=agreement,
            summary="Rebrand the protocol as a code of practice",
            details="In line with the October 2008 guidance.",
            respond_by=DEADLINE,
        )
    return agreement, consultation, organisations


def respond(officer, consultation, organisation, reply, comment=""):
    return services.change_respond(
        actor=officer,
        consultation=consultation,
        organisation=organisation,
        reply=reply,
        comment=comment,
    )


def test_a_proposed_change_goes_to_every_signatory(in_tenant, consulted):
    _, consultation, organisations = consulted

    responses = selectors.consultation_responses(consultation=consultation)

    assert {r.organisation for r in responses} == set(organisations)
    assert all(r.reply == "" for r in responses)


def test_a_change_needs_signatories_a_future_deadline_and_no_other_open_consultation(
    in_tenant, officer, consulted
):
    agreement, _, _ = consulted
    with pytest.raises(ValidationError, match="already out for consultation"):
        services.change_propose(
            actor=officer,
            agreement=agreement,
            summary="x",
            details="y",
            respond_by=dt.date(2099, 1, 1),
        )
    lonely = make_active(in_tenant, officer)
    with pytest.raises(ValidationError, match="no signatories"):
        services.change_propose(
            actor=officer,
            agreement=lonely,
            summary="x",
            details="y",
            respond_by=dt.date(2099, 1, 1),
        )
    with pytest.raises(ValidationError) as refused:
        services.change_propose(
            actor=officer,
            agreement=lonely,
            summary="x",
            details="y",
            respond_by=dt.date(2000, 1, 1),
        )
    assert "respond_by" in refused.value.message_dict
    with pytest.raises(ValidationError, match="in force"):
        services.change_propose(
            actor=officer,
            agreement=make_draft(in_tenant),
            summary="x",
            details="y",
            respond_by=dt.date(2099, 1, 1),
        )


def test_signatories_agree_object_or_comment_until_the_deadline(in_tenant, officer, consulted):
    _, consultation, (school, aid, centre) = consulted
    school_manager = MembershipFactory(tenant=in_tenant.tenant, organisation=school, role="manager")

    with time_machine.travel(dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC), tick=False):
        respond(school_manager, consultation, school, Reply.AGREE)
        with pytest.raises(ValidationError) as refused:
            respond(officer, consultation, aid, Reply.OBJECT)
        assert "comment" in refused.value.message_dict
        respond(officer, consultation, aid, Reply.OBJECT, "Too quick")
        # A later answer replaces the earlier one; the history keeps both.
        respond(officer, consultation, aid, Reply.COMMENT, "On reflection, fine")
        with pytest.raises(PermissionDenied):
            respond(school_manager, consultation, centre, Reply.AGREE)
        tally = selectors.consultation_tally(consultation=consultation)

    assert (tally.agree, tally.object, tally.comment, tally.awaiting) == (1, 0, 1, 1)
    assert not tally.deadline_passed
    aid_response = ChangeResponse.objects.get(consultation=consultation, organisation=aid)
    assert [h.reply for h in aid_response.history.order_by("history_date")] == [
        "",
        Reply.OBJECT,
        Reply.COMMENT,
    ]


def test_after_the_deadline_no_response_counts_as_agreement(in_tenant, officer, consulted):
    _, consultation, (school, aid, centre) = consulted
    with time_machine.travel(dt.datetime(2026, 3, 16, 17, tzinfo=dt.UTC), tick=False):
        respond(officer, consultation, aid, Reply.OBJECT, "We object")
        # On the deadline itself, silence is still only silence.
        on_the_day = selectors.consultation_tally(consultation=consultation)

    with time_machine.travel(dt.datetime(2026, 3, 17, 9, tzinfo=dt.UTC), tick=False):
        after = selectors.consultation_tally(consultation=consultation)
        with pytest.raises(ValidationError, match="no response counts as agreement"):
            respond(officer, consultation, school, Reply.OBJECT, "Late")
        recorded = services.consultations_close_due()
        again = services.consultations_close_due()

    assert (on_the_day.agree, on_the_day.awaiting) == (0, 2)
    assert (after.agree, after.object, after.awaiting, after.taken_as_agreement) == (2, 1, 0, 2)
    assert after.deadline_passed
    assert (recorded, again) == (2, 0)
    deemed = ChangeResponse.objects.filter(consultation=consultation, deemed=True)
    assert {r.organisation for r in deemed} == {school, centre}
    assert all(r.reply == Reply.AGREE for r in deemed)


def test_a_change_is_approved_only_once_everyone_answered_or_the_deadline_passed(
    in_tenant, officer, consulted
):
    _, consultation, (school, aid, centre) = consulted
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC), tick=False):
        with pytest.raises(ValidationError, match="may do so until 16 March 2026"):
            services.change_decide(
                actor=officer, consultation=consultation, approve=True, reason="Early"
            )
        for organisation in (school, aid, centre):
            respond(officer, consultation, organisation, Reply.AGREE)
        services.change_decide(
            actor=officer, consultation=consultation, approve=True, reason="All agreed"
        )

    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.APPROVED
    assert (consultation.decided_by, consultation.decision_reason) == (officer, "All agreed")
    with pytest.raises(ValidationError, match="already been decided"):
        services.change_decide(actor=officer, consultation=consultation, approve=False, reason="x")


def test_the_officer_may_approve_despite_objections_after_the_deadline(
    in_tenant, officer, consulted
):
    """Bucks §2: there is no longer a set percentage of agencies required to agree."""
    _, consultation, (school, aid, centre) = consulted
    with time_machine.travel(dt.datetime(2026, 3, 12, 9, tzinfo=dt.UTC), tick=False):
        respond(officer, consultation, aid, Reply.OBJECT, "Disagree")
        respond(officer, consultation, centre, Reply.OBJECT, "Disagree too")
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, tzinfo=dt.UTC), tick=False):
        services.change_decide(
            actor=officer, consultation=consultation, approve=True, reason="Legal requirement"
        )

    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.APPROVED
    # The school's silence was recorded as agreement when the change was decided.
    assert ChangeResponse.objects.get(consultation=consultation, organisation=school).deemed


def test_a_change_may_be_dropped_at_any_time(in_tenant, officer, consulted):
    _, consultation, _ = consulted

    services.change_decide(
        actor=officer, consultation=consultation, approve=False, reason="Objections"
    )

    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.DROPPED


def test_only_the_ig_officer_proposes_and_decides(in_tenant, consulted):
    agreement, consultation, _ = consulted
    manager = in_tenant.member(Role.MANAGER)
    with pytest.raises(PermissionDenied):
        services.change_decide(actor=manager, consultation=consultation, approve=True, reason="x")
    with pytest.raises(PermissionDenied):
        services.change_propose(
            actor=manager, agreement=agreement, summary="x", details="y", respond_by=DEADLINE
        )


def test_an_approved_change_flags_every_agreement_underneath_for_review(
    in_tenant, officer, consulted
):
    parent, consultation, _ = consulted
    child = make_active(in_tenant, officer, parent=parent)
    grandchild = make_active(in_tenant, officer, parent=child)
    ended = make_active(in_tenant, officer, parent=parent)
    services.agreement_withdraw(actor=officer, agreement=ended, reason="Gone")
    unrelated = make_active(in_tenant, officer)

    with time_machine.travel(dt.datetime(2026, 3, 20, 9, tzinfo=dt.UTC), tick=False):
        services.change_decide(
            actor=officer, consultation=consultation, approve=True, reason="Deadline passed"
        )

    for agreement in (child, grandchild, ended, unrelated):
        agreement.refresh_from_db()
    assert child.review_flagged_at and grandchild.review_flagged_at
    assert "Rebrand the protocol" in child.review_flag_reason
    assert ended.review_flagged_at is None
    assert unrelated.review_flagged_at is None
    due = selectors.agreements_due_for_review(on=dt.date(2026, 3, 20))
    assert {child, grandchild} <= set(due)
    assert unrelated not in due
