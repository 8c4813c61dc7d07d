"""Signatories (Haringey §13, Bucks §1): invited, signed with name, title, date and a typed
signature, declined, withdrawn; counted over time; carried over to a new version or a newer
agreement unless they withdraw."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agreements import selectors, services
from agreements.choices import SignatoryStatus
from agreements.models import Signatory
from partners.roles import Role
from tests.agreements.conftest import make_active, make_draft
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def sign(actor, signatory, name="Jo Bloggs", on=None):
    return services.signatory_sign(
        actor=actor,
        signatory=signatory,
        signer_name=name,
        signer_title="Headteacher",
        typed_signature=name,
        signed_on=on,
    )


def invite_and_sign(officer, agreement, organisation, on=None):
    signatory = services.signatory_invite(
        actor=officer, agreement=agreement, organisation=organisation
    )
    return sign(officer, signatory, on=on)


def test_an_authorised_person_signs_with_name_title_date_and_typed_signature(
    in_tenant, officer, active
):
    signatory = services.signatory_invite(
        actor=officer, agreement=active, organisation=in_tenant.school
    )
    senco = in_tenant.member(Role.SENCO)
    school_manager = MembershipFactory(
        tenant=in_tenant.tenant, organisation=in_tenant.school, role=Role.MANAGER
    )

    with pytest.raises(PermissionDenied):
        sign(senco, signatory)
    sign(school_manager, signatory, name="Anne  Head")

    signatory.refresh_from_db()
    assert signatory.status == SignatoryStatus.SIGNED
    assert (signatory.signer_name, signatory.signer_title) == ("Anne  Head", "Headteacher")
    assert signatory.signed_on == timezone.localdate()
    assert signatory.version_signed == 1
    assert signatory.recorded_by == school_manager
    assert signatory.history.first().history_user == school_manager.user
    assert list(selectors.agreement_signature_table(agreement=active)) == [signatory]


def test_a_manager_cannot_sign_for_another_organisation(in_tenant, officer, active):
    signatory = services.signatory_invite(
        actor=officer, agreement=active, organisation=in_tenant.school
    )

    with pytest.raises(PermissionDenied):
        sign(in_tenant.member(Role.MANAGER), signatory)  # A manager at the council.
    signatory.refresh_from_db()
    assert signatory.status == SignatoryStatus.INVITED


def test_the_typed_signature_must_be_the_signers_name(in_tenant, officer, active):
    signatory = services.signatory_invite(
        actor=officer, agreement=active, organisation=in_tenant.school
    )

    with pytest.raises(ValidationError) as refused:
        services.signatory_sign(
            actor=officer,
            signatory=signatory,
            signer_name="Anne Head",
            signer_title="Headteacher",
            typed_signature="A. H.",
        )
    assert set(refused.value.message_dict) == {"typed_signature"}
    # Case and spacing do not matter.
    services.signatory_sign(
        actor=officer,
        signatory=signatory,
        signer_name="Anne Head",
        signer_title="Headteacher",
        typed_signature=" anne   HEAD ",
    )


def test_a_draft_cannot_be_signed_and_an_organisation_is_invited_once(in_tenant, officer, draft):
    signatory = services.signatory_invite(
        actor=officer, agreement=draft, organisation=in_tenant.school
    )

    with pytest.raises(ValidationError, match="approved agreement in force"):
        sign(officer, signatory)
    with pytest.raises(ValidationError) as refused:
        services.signatory_invite(actor=officer, agreement=draft, organisation=in_tenant.school)
    assert "already invited" in str(refused.value)


def test_an_invited_organisation_may_decline_with_a_reason(in_tenant, officer, active):
    signatory = services.signatory_invite(
        actor=officer, agreement=active, organisation=in_tenant.school
    )

    services.signatory_decline(actor=officer, signatory=signatory, reason="Covered elsewhere")

    signatory.refresh_from_db()
    assert signatory.status == SignatoryStatus.DECLINED
    assert signatory.decline_reason == "Covered elsewhere"
    with pytest.raises(ValidationError):
        sign(officer, signatory)


def test_a_signatory_withdraws_with_a_date_and_a_reason(in_tenant, officer, active):
    signatory = invite_and_sign(officer, active, in_tenant.school)

    with pytest.raises(ValidationError):
        services.signatory_withdraw(actor=officer, signatory=signatory, reason="")
    services.signatory_withdraw(
        actor=officer,
        signatory=signatory,
        reason="The school has closed",
        withdrawn_on=timezone.localdate(),
    )

    signatory.refresh_from_db()
    assert signatory.status == SignatoryStatus.WITHDRAWN
    assert signatory.withdrawal_reason == "The school has closed"
    assert not selectors.agreement_signature_table(agreement=active).exists()


def test_an_organisation_that_withdrew_can_be_invited_again_keeping_its_past(
    in_tenant, officer, active
):
    first = invite_and_sign(officer, active, in_tenant.school)
    services.signatory_withdraw(actor=officer, signatory=first, reason="Paused")

    again = services.signatory_invite(
        actor=officer, agreement=active, organisation=in_tenant.school
    )

    assert again.pk != first.pk
    assert Signatory.objects.filter(agreement=active, organisation=in_tenant.school).count() == 2


def test_signatories_carry_over_to_a_new_version_unless_they_withdraw(in_tenant, officer, active):
    staying = invite_and_sign(officer, active, in_tenant.school)
    leaving = invite_and_sign(officer, active, in_tenant.council)
    services.agreement_start_review(actor=officer, agreement=active, reason="Annual")
    services.signatory_withdraw(actor=officer, signatory=leaving, reason="Do not support v2")
    review = active.reviews.get()
    today = timezone.localdate()
    services.review_record_findings(actor=officer, review=review, reviewed_on=today, findings="x")
    services.review_report(actor=officer, review=review, reported_on=today)
    services.review_complete(
        actor=officer, review=review, implementation_plan="Rewrite", changes_required=True
    )

    services.agreement_approve(actor=officer, agreement=active, reason="Version 2")

    active.refresh_from_db()
    table = list(selectors.agreement_signature_table(agreement=active))
    assert table == [staying]
    assert table[0].version_signed == 1
    assert table[0].carried_over
    assert active.document_version == 2


def test_current_signatories_transfer_to_the_agreement_that_supersedes_theirs(
    in_tenant, officer, active
):
    """Bucks §1: the protocol became a code of practice; all current signatories transferred
    unless they asked to be withdrawn."""
    transferring = invite_and_sign(officer, active, in_tenant.school)
    withdrawn = invite_and_sign(officer, active, in_tenant.council)
    services.signatory_withdraw(actor=officer, signatory=withdrawn, reason="Asked to leave")
    code = make_active(in_tenant, officer, kind="code_of_practice")
    invited = services.signatory_invite(
        actor=officer, agreement=code, organisation=OrganisationFactory(tenant=in_tenant.tenant)
    )

    services.agreement_supersede(
        actor=officer, agreement=active, superseded_by=code, reason="Now a code of practice"
    )

    table = list(selectors.agreement_signature_table(agreement=code))
    assert [s.organisation for s in table] == [in_tenant.school]
    assert table[0].carried_over_from == transferring
    assert table[0].signer_name == transferring.signer_name
    invited.refresh_from_db()
    assert invited.status == SignatoryStatus.INVITED


def test_signatories_are_counted_over_time(in_tenant, officer):
    """Bucks: "There are currently 35 signatories. This compares with 28 in March 2008.\""""
    agreement = make_draft(in_tenant)
    services.agreement_circulate(actor=officer, agreement=agreement, reason="For comment")
    services.agreement_approve(
        actor=officer, agreement=agreement, reason="Board", approved_on=dt.date(2025, 1, 1)
    )
    schools = [OrganisationFactory(tenant=in_tenant.tenant) for _ in range(3)]
    rows = []
    for organisation, signed_on in zip(
        schools, [dt.date(2025, 2, 1), dt.date(2025, 3, 1), dt.date(2025, 6, 1)], strict=True
    ):
        signatory = services.signatory_invite(
            actor=officer, agreement=agreement, organisation=organisation
        )
        Signatory.objects.filter(pk=signatory.pk).update(invited_on=dt.date(2025, 1, 2))
        signatory.refresh_from_db()
        rows.append(sign(officer, signatory, on=signed_on))
    services.signatory_withdraw(
        actor=officer, signatory=rows[0], reason="Closed", withdrawn_on=dt.date(2025, 5, 1)
    )

    counts = selectors.signatory_counts(
        agreement=agreement,
        dates=[dt.date(2025, 1, 31), dt.date(2025, 3, 1), dt.date(2025, 5, 1), dt.date(2025, 7, 1)],
    )

    assert [count for _, count in counts] == [0, 2, 1, 2]


def test_a_signature_cannot_be_dated_in_the_future_or_before_the_invitation(
    in_tenant, officer, active
):
    signatory = services.signatory_invite(
        actor=officer, agreement=active, organisation=in_tenant.school
    )

    for bad in (timezone.localdate() + dt.timedelta(days=1), dt.date(2000, 1, 1)):
        with pytest.raises(ValidationError) as refused:
            sign(officer, signatory, on=bad)
        assert "signed_on" in refused.value.message_dict
