"""Overriding confidentiality (Haringey 4.6–4.7): sharing detailed or sensitive information
without consent, or anything against a refusal, is referred to a designated manager of the
deciding organisation and waits for approval, except urgent medical treatment and immediate risk
of harm, which are approved afterwards. Reasons, evidence and third parties informed are
required; the managers are told, and the decider hears the answer."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agreements.choices import InformationLevel
from consent.access import subject_is_visible_to
from consent.choices import Decision
from notifications.models import Notice
from partners.models import DesignatedManager
from partners.roles import Role
from sharing_log import selectors, services
from sharing_log.choices import ApprovalOutcome, Basis, OverrideKind, OverrideStatus
from sharing_log.models import OverrideApproval, SharingDecision
from sharing_log.services import RecipientSpec
from tests.factories import MembershipFactory
from tests.sharing_log.conftest import parent_consent, police_request, record


def notices_to(membership) -> list[Notice]:
    return list(Notice.objects.filter(recipient=membership).order_by("id"))


def test_a_police_request_without_consent_is_referred_to_the_schools_manager(log, child):
    decision = record(log, log.senco, child, **police_request(log, child))

    assert decision.override_kind == OverrideKind.PRIOR
    assert selectors.override_status(decision) == OverrideStatus.PENDING
    assert decision.override_reasons.startswith("A serious crime")
    [notice] = notices_to(log.school_manager)
    assert notice.title == "A decision to override confidentiality is waiting for you"
    assert notice.link == "/sharing-log/overrides/"
    # Notices never name the child.
    assert child.surname not in notice.body and child.forenames not in notice.body
    assert list(selectors.overrides_pending_for(manager=log.school_manager)) == [decision]


def test_an_override_needs_reasons_evidence_and_third_parties_informed(log, child):
    incomplete = police_request(
        log, child, override_reasons="", override_evidence="", third_parties_informed=""
    )

    with pytest.raises(ValidationError) as excinfo:
        record(log, log.senco, child, **incomplete)

    assert set(excinfo.value.message_dict) == {
        "override_reasons",
        "override_evidence",
        "third_parties_informed",
    }
    assert not SharingDecision.objects.exists()


def test_sharing_against_a_refusal_is_an_override_even_for_minimum_information(log, child):
    parent_consent(log.world, log.senco, child, decision=Decision.REFUSED)

    decision = record(
        log,
        log.senco,
        child,
        **police_request(
            log,
            child,
            basis=Basis.PUBLIC_INTEREST,
            purpose="Statutory assessment and EHC plan",
            consent_scope=log.statutory,
            information_level=InformationLevel.MINIMUM,
            recipients=[RecipientSpec(organisation=log.council)],
        ),
    )

    assert decision.override_kind == OverrideKind.PRIOR
    assert decision.consent_snapshot["checks"][0]["reason"] == "refused"


def test_special_category_data_without_consent_is_an_override(log, child):
    decision = record(
        log,
        log.senco,
        child,
        **police_request(log, child, information_level=InformationLevel.MINIMUM),
        special_categories=["health"],
    )

    assert decision.override_kind == OverrideKind.PRIOR


@pytest.mark.parametrize(
    "urgent",
    [{"basis": Basis.URGENT_MEDICAL}, {"basis": Basis.SIGNIFICANT_HARM, "immediate_risk": True}],
)
def test_urgent_overrides_are_recorded_and_approved_afterwards(log, child, urgent):
    decision = record(log, log.senco, child, **{**police_request(log, child), **urgent})

    assert decision.override_kind == OverrideKind.RETROSPECTIVE
    [notice] = notices_to(log.school_manager)
    assert notice.title == "An urgent override of confidentiality needs your approval"

    approval = services.override_decide(
        actor=log.school_manager,
        decision=decision,
        outcome=ApprovalOutcome.APPROVED,
        reasons="The child needed treatment at once.",
    )

    assert approval.retrospective is True


def test_the_manager_approves_and_the_decider_is_told(log, child):
    decision = record(log, log.senco, child, **police_request(log, child))

    approval = services.override_decide(
        actor=log.school_manager,
        decision=decision,
        outcome=ApprovalOutcome.APPROVED,
        reasons="The form is in order and the crime is serious.",
    )

    assert approval.manager == log.school_manager
    assert approval.retrospective is False
    decision = SharingDecision.objects.select_related("approval").get(pk=decision.pk)
    assert selectors.override_status(decision) == OverrideStatus.APPROVED
    assert list(selectors.overrides_pending_for(manager=log.school_manager)) == []
    [told] = notices_to(log.senco)
    assert told.title == "Your override of confidentiality was approved"


def test_the_manager_may_reject(log, child):
    decision = record(log, log.senco, child, **police_request(log, child))

    services.override_decide(
        actor=log.school_manager,
        decision=decision,
        outcome=ApprovalOutcome.REJECTED,
        reasons="Ask the police for a court order instead.",
    )

    decision = SharingDecision.objects.select_related("approval").get(pk=decision.pk)
    assert selectors.override_status(decision) == OverrideStatus.REJECTED
    assert notices_to(log.senco)[0].title == "Your override of confidentiality was rejected"


def test_an_override_is_decided_once(log, child):
    decision = record(log, log.senco, child, **police_request(log, child))
    second_manager = MembershipFactory(
        tenant=log.partnership.tenant, organisation=log.school, role=Role.MANAGER
    )
    services.override_decide(
        actor=log.school_manager, decision=decision, outcome="approved", reasons="In order."
    )

    with pytest.raises(ValidationError):
        services.override_decide(
            actor=second_manager, decision=decision, outcome="rejected", reasons="Not so."
        )

    assert OverrideApproval.objects.count() == 1


def test_approval_needs_an_outcome_and_reasons(log, child):
    decision = record(log, log.senco, child, **police_request(log, child))

    with pytest.raises(ValidationError) as excinfo:
        services.override_decide(
            actor=log.school_manager, decision=decision, outcome="maybe", reasons=""
        )

    assert set(excinfo.value.message_dict) == {"outcome", "reasons"}


def test_only_a_manager_of_the_deciding_organisation_decides(log, child):
    decision = record(log, log.senco, child, **police_request(log, child))

    for someone in (log.council_manager, log.officer, log.practitioner, log.nhs_manager):
        assert not selectors.may_decide_override(someone, decision)
        with pytest.raises(PermissionDenied):
            services.override_decide(
                actor=someone, decision=decision, outcome="approved", reasons="Fine."
            )


def test_nobody_approves_their_own_override(log, child):
    # The SENCo is also a designated manager of the school.
    DesignatedManager.objects.create(
        tenant=log.partnership.tenant, organisation=log.school, membership=log.senco
    )

    decision = record(log, log.senco, child, **police_request(log, child))

    assert not selectors.may_decide_override(log.senco, decision)
    assert list(selectors.overrides_pending_for(manager=log.senco)) == []
    with pytest.raises(PermissionDenied):
        services.override_decide(
            actor=log.senco, decision=decision, outcome="approved", reasons="Mine."
        )
    # Told are the designated managers, and not the one who decided.
    assert notices_to(log.senco) == []


def test_a_designated_manager_of_another_organisation_decides_for_it(log, child):
    # The NHS trust's designated manager is its lead; an NHS practitioner makes the decision.
    nhs_practitioner = log.nhs_practitioner
    parent_consent(log.world, log.senco, child)  # Makes the NHS trust involved with the child.
    assert subject_is_visible_to(nhs_practitioner, child)

    decision = record(
        log,
        nhs_practitioner,
        child,
        **police_request(log, child),
    )

    [notice] = notices_to(log.nhs_manager)
    assert "designated manager" in notice.reason
    assert selectors.may_decide_override(log.nhs_manager, decision)
    assert list(selectors.overrides_pending_for(manager=log.nhs_manager)) == [decision]
    services.override_decide(
        actor=log.nhs_manager, decision=decision, outcome="approved", reasons="In order."
    )


def test_an_organisation_without_managers_refers_to_the_ig_officers(log, child):
    DesignatedManager.objects.all().delete()
    log.school_manager.is_active = False
    log.school_manager.save()

    record(log, log.senco, child, **police_request(log, child))

    [notice] = notices_to(log.officer)
    assert "no designated manager" in notice.reason


def test_the_recipient_is_involved_with_the_child_only_once_the_override_stands(log, child):
    police_officer = MembershipFactory(
        tenant=log.partnership.tenant, organisation=log.police, role=Role.PRACTITIONER
    )
    decision = record(log, log.senco, child, **police_request(log, child))
    assert not subject_is_visible_to(police_officer, child)

    services.override_decide(
        actor=log.school_manager, decision=decision, outcome="approved", reasons="In order."
    )

    assert subject_is_visible_to(police_officer, child)


def test_consent_decisions_and_minimum_information_are_never_referred(log, child):
    parent_consent(log.world, log.senco, child)

    decision = record(log, log.senco, child, information_level=InformationLevel.DETAILED)

    assert decision.override_kind == OverrideKind.NONE
    assert selectors.override_status(decision) == OverrideStatus.NONE
    assert notices_to(log.school_manager) == []
    with pytest.raises(ValidationError):
        services.override_decide(
            actor=log.school_manager, decision=decision, outcome="approved", reasons="Fine."
        )
