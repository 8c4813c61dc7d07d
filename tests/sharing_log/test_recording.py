"""Recording a sharing decision (Golden Rule 7): what every decision must say, each legal basis
and what it needs, and the refusal of a share claimed on consent that the consent record does
not give."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agreements.choices import InformationLevel, LegalBasisKind
from agreements.models import LegalBasis
from consent import services as consent_services
from consent.access import subject_is_visible_to
from consent.choices import Decision
from partners.models import TrainingPolicy
from partners.roles import Role
from sharing_log import selectors
from sharing_log.choices import Basis, IdentityCheck, Outcome, OverrideKind
from sharing_log.models import DecisionRecipient, SharingDecision
from sharing_log.services import RecipientSpec
from sharing_log.services.decisions import override_kind_for
from tests.sharing_log.conftest import (
    ALL_YES,
    gateway,
    parent_consent,
    police_request,
    record,
    today,
)


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# --- Consent ----------------------------------------------------------------------------------


def test_a_share_on_consent_links_the_consent_found_and_snapshots_it(log, child):
    consent = parent_consent(log.world, log.senco, child)

    decision = record(log, log.senco, child)

    assert decision.basis == Basis.CONSENT
    assert decision.consent == consent
    snapshot = decision.consent_snapshot
    assert snapshot["relied_on"] is True
    assert snapshot["checked_on"] == today().isoformat()
    [check] = snapshot["checks"]
    assert check["ok"] is True
    assert check["consent"]["id"] == str(consent.public_id)
    assert check["consent"]["status"] == "given"
    assert check["consent"]["giver_name"] == "Jo Sampleton"
    assert decision.override_kind == OverrideKind.NONE
    assert decision.organisation == log.school
    assert decision.decided_by == log.senco


def test_the_snapshot_keeps_what_was_relied_on_after_the_consent_is_withdrawn(log, child):
    consent = parent_consent(log.world, log.senco, child)
    decision = record(log, log.senco, child)

    consent_services.consent_withdraw(
        actor=log.senco,
        consent=consent,
        withdrawn_on=today(),
        reason="The mother asked us to stop.",
    )

    decision = SharingDecision.objects.get(pk=decision.pk)
    assert decision.consent_snapshot["checks"][0]["consent"]["status"] == "given"


def test_a_share_claimed_on_consent_with_none_recorded_is_refused(log, child):
    with pytest.raises(ValidationError) as excinfo:
        record(log, log.senco, child)

    assert errors_of(excinfo) == {"basis": ["No consent has been recorded for this child."]}
    assert not SharingDecision.objects.exists()


def test_a_share_claimed_on_withdrawn_consent_is_refused_with_its_reason(log, child):
    consent = parent_consent(log.world, log.senco, child)
    consent_services.consent_withdraw(
        actor=log.senco,
        consent=consent,
        withdrawn_on=today(),
        reason="The mother asked us to stop.",
    )

    with pytest.raises(ValidationError) as excinfo:
        record(log, log.senco, child)

    assert errors_of(excinfo)["basis"][0].startswith("Consent was withdrawn")
    assert not SharingDecision.objects.exists()


def test_a_share_claimed_on_consent_that_was_refused_is_refused(log, child):
    parent_consent(log.world, log.senco, child, decision=Decision.REFUSED)

    with pytest.raises(ValidationError) as excinfo:
        record(log, log.senco, child)

    assert errors_of(excinfo)["basis"][0].startswith("Consent was refused")


def test_consent_must_cover_every_recipient(log, child):
    parent_consent(log.world, log.senco, child)  # To the council and the NHS trust only.

    with pytest.raises(ValidationError) as excinfo:
        record(
            log,
            log.senco,
            child,
            recipients=[
                RecipientSpec(organisation=log.council),
                RecipientSpec(organisation=log.police),
            ],
        )

    assert "recipient" in errors_of(excinfo)["basis"][0]


def test_consent_is_a_childs_so_aggregate_information_needs_another_basis(log):
    with pytest.raises(ValidationError) as excinfo:
        record(log, log.senco, None, information_level=InformationLevel.AGGREGATE)

    assert "basis" in errors_of(excinfo)


# --- The other bases ------------------------------------------------------------------------------


def test_a_statutory_function_names_its_gateway_from_the_maintained_list(log, child):
    with pytest.raises(ValidationError) as excinfo:
        record(log, log.senco, child, basis=Basis.STATUTORY_FUNCTION, consent_scope=None)
    assert "statutory_gateway" in errors_of(excinfo)

    decision = record(
        log,
        log.senco,
        child,
        basis=Basis.STATUTORY_FUNCTION,
        statutory_gateway=gateway("children-act-2004-s11"),
        consent_scope=None,
    )

    assert decision.statutory_gateway.citation == "Children Act 2004 section 11"
    assert decision.consent is None


def test_a_gateway_must_be_a_statute(log, child):
    with pytest.raises(ValidationError) as excinfo:
        record(
            log,
            log.senco,
            child,
            basis=Basis.STATUTORY_FUNCTION,
            statutory_gateway=gateway("uk-gdpr-6-1-e"),
        )

    assert errors_of(excinfo) == {
        "statutory_gateway": ["Choose a statutory gateway from the list."]
    }


def test_a_police_request_needs_its_section_29_form_reference(log, child):
    with pytest.raises(ValidationError) as excinfo:
        record(log, log.senco, child, **police_request(log, child, request_reference=" "))

    assert "Section 29(3)" in errors_of(excinfo)["request_reference"][0]
    assert not SharingDecision.objects.exists()


@pytest.mark.parametrize(
    "basis",
    [
        Basis.SAFEGUARDING_INTEREST,
        Basis.VITAL_INTERESTS,
        Basis.SIGNIFICANT_HARM,
        Basis.URGENT_MEDICAL,
        Basis.COURT_ORDER,
        Basis.HOME_OFFICE_S129,
        Basis.PUBLIC_INTEREST,
    ],
)
def test_minimum_information_without_consent_is_recorded_without_referral(log, child, basis):
    decision = record(log, log.senco, child, basis=basis, consent_scope=None)

    assert decision.basis == basis
    assert decision.override_kind == OverrideKind.NONE
    assert decision.consent is None
    # What consent said at the time is kept as evidence, even when not relied on.
    assert decision.consent_snapshot["relied_on"] is False


def test_every_basis_is_accepted_for_aggregate_information_except_consent(log):
    for basis in Basis:
        if basis in (Basis.CONSENT, Basis.STATUTORY_FUNCTION, Basis.POLICE_REQUEST):
            continue
        decision = record(
            log,
            log.senco,
            None,
            basis=basis,
            consent_scope=None,
            information_level=InformationLevel.AGGREGATE,
            information_description="Numbers of pupils with EHC plans, by year group.",
        )
        assert decision.subject is None
        assert decision.override_kind == OverrideKind.NONE
        assert decision.consent_snapshot == {}


# --- What every decision records ------------------------------------------------------------------


def test_recipients_are_stored_with_the_decisions_time(log, child):
    parent_consent(log.world, log.senco, child)
    decision = record(
        log,
        log.senco,
        child,
        recipients=[
            RecipientSpec(organisation=log.council, person_name="Sam Officer", person_role="SEN"),
            RecipientSpec(organisation=log.nhs),
        ],
    )

    rows = list(DecisionRecipient.objects.filter(decision=decision).order_by("id"))
    assert [(row.organisation, row.person_name) for row in rows] == [
        (log.council, "Sam Officer"),
        (log.nhs, ""),
    ]
    assert {row.decided_at for row in rows} == {decision.decided_at}


def test_a_decision_names_someone_to_share_with(log, child):
    with pytest.raises(ValidationError) as excinfo:
        record(log, log.senco, child, recipients=[])
    assert "recipients" in errors_of(excinfo)

    with pytest.raises(ValidationError) as excinfo:
        record(log, log.senco, child, recipients=[RecipientSpec(person_role="Someone")])
    assert errors_of(excinfo)["recipients"] == [
        "Each recipient needs an organisation or a person's name."
    ]


def test_each_golden_rule_6_check_is_answered(log, child):
    checks = dict(ALL_YES)
    del checks["check_proportionate"]

    with pytest.raises(ValidationError) as excinfo:
        record(log, log.senco, child, checks=checks)

    assert errors_of(excinfo) == {
        "check_proportionate": ["Answer whether the information is proportionate."]
    }


def test_a_share_with_a_check_answered_no_explains_why(log, child):
    parent_consent(log.world, log.senco, child)
    checks = {**ALL_YES, "check_timely": False}
    with pytest.raises(ValidationError) as excinfo:
        record(log, log.senco, child, checks=checks)
    assert "checks_note" in errors_of(excinfo)

    decision = record(
        log, log.senco, child, checks=checks, checks_note="The request came after the review."
    )

    assert decision.check_timely is False
    assert decision.check_necessary is True


def test_the_person_asking_is_named_and_their_identity_confirmed(log, child):
    with pytest.raises(ValidationError) as excinfo:
        record(
            log,
            log.senco,
            child,
            requested_by_name="",
            requested_by_organisation=None,
            identity_check=IdentityCheck.OTHER,
        )

    assert set(errors_of(excinfo)) == {
        "requested_by_name",
        "requested_by_organisation",
        "identity_check_details",
    }


def test_a_share_on_our_own_initiative_names_no_requester(log, child):
    parent_consent(log.world, log.senco, child)

    decision = record(
        log,
        log.senco,
        child,
        identity_check=IdentityCheck.NOT_REQUESTED,
        requested_by_name="",
        requested_by_organisation=None,
        requested_by_role="",
    )

    assert decision.identity_check == IdentityCheck.NOT_REQUESTED


def test_a_share_says_how_and_where_the_record_is_kept(log, child):
    with pytest.raises(ValidationError) as excinfo:
        record(log, log.senco, child, method="", channel="", record_location="")

    assert {"method", "channel", "record_location"} <= set(errors_of(excinfo))


def test_advice_sought_records_what_it_was(log, child):
    parent_consent(log.world, log.senco, child)
    with pytest.raises(ValidationError) as excinfo:
        record(log, log.senco, child, advice_sought=["dsl"])
    assert "advice_given" in errors_of(excinfo)

    decision = record(
        log,
        log.senco,
        child,
        advice_sought=["dpo", "dsl"],
        advice_given="Share the minimum: attendance and the support plan only.",
        protected_identities="The neighbour who reported concerns.",
    )

    assert decision.advice_sought == ["dpo", "dsl"]
    assert decision.protected_identities == "The neighbour who reported concerns."


def test_reasons_are_recorded_whether_or_not_information_is_shared(log, child):
    with pytest.raises(ValidationError) as excinfo:
        record(log, log.senco, child, outcome=Outcome.NOT_SHARE, basis="", reasons=" ")

    assert "reasons" in errors_of(excinfo)


def test_a_not_share_decision_says_whether_and_when_it_will_be_reconsidered(log, child):
    not_share = {"outcome": Outcome.NOT_SHARE, "basis": "", "method": "", "channel": ""}
    with pytest.raises(ValidationError) as excinfo:
        record(log, log.senco, child, **not_share)
    assert "will_reconsider" in errors_of(excinfo)

    with pytest.raises(ValidationError) as excinfo:
        record(log, log.senco, child, will_reconsider=True, **not_share)
    assert "reconsider_on" in errors_of(excinfo)

    with pytest.raises(ValidationError) as excinfo:
        record(
            log,
            log.senco,
            child,
            will_reconsider=True,
            reconsider_on=today() - dt.timedelta(days=1),
            **not_share,
        )
    assert errors_of(excinfo) == {
        "reconsider_on": ["The reconsideration date cannot be in the past."]
    }

    decision = record(
        log,
        log.senco,
        child,
        will_reconsider=True,
        reconsider_on=today() + dt.timedelta(days=28),
        reasons="The request did not say why the information is needed.",
        **not_share,
    )

    assert decision.outcome == Outcome.NOT_SHARE
    assert decision.basis == ""
    assert decision.reconsider_on == today() + dt.timedelta(days=28)
    assert decision.consent_snapshot == {}


def test_a_decision_cannot_be_dated_in_the_future(log, child):
    with pytest.raises(ValidationError) as excinfo:
        record(log, log.senco, child, decided_at=timezone.now() + dt.timedelta(hours=2))

    assert "decided_at" in errors_of(excinfo)


def test_a_decision_recorded_after_the_event_keeps_its_time(log, child):
    parent_consent(log.world, log.senco, child)
    earlier = timezone.now() - dt.timedelta(days=2)

    decision = record(log, log.senco, child, decided_at=earlier)

    assert decision.decided_at == earlier


def test_data_items_come_from_the_agreement_relied_on(log, child):
    parent_consent(log.world, log.senco, child)
    item = log.agreement.data_items.first()

    decision = record(log, log.senco, child, data_items=[item])

    assert decision.data_items == [
        {"id": str(item.public_id), "name": item.name, "level": item.level}
    ]
    with pytest.raises(ValidationError) as excinfo:
        record(log, log.senco, child, agreement=None, consent_scope=None, data_items=[item])
    assert "data_items" in errors_of(excinfo)


# --- Who may record -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.IG_OFFICER, Role.AUDITOR])
def test_only_practitioners_sencos_and_managers_record_decisions(log, child, role):
    with pytest.raises(PermissionDenied):
        record(log, log.member(role), child)


def test_a_child_not_visible_to_the_practitioner_is_not_found(log, child):
    outsider = log.elsewhere_practitioner
    assert not subject_is_visible_to(outsider, child)

    with pytest.raises(ValidationError) as excinfo:
        record(log, outsider, child)

    assert errors_of(excinfo) == {"subject": ["Choose a child or young person you work with."]}


def test_a_partnership_that_requires_training_blocks_the_untrained(log, child):
    tenant = log.partnership.tenant
    tenant.untrained_decision_policy = TrainingPolicy.BLOCK
    tenant.save()
    log.senco.tenant.refresh_from_db()

    with pytest.raises(ValidationError) as excinfo:
        record(log, log.senco, child)

    assert "training" in excinfo.value.messages[0]


# --- The override rule, as a table ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("basis", "level", "special", "refusal", "immediate", "expected"),
    [
        (Basis.CONSENT, InformationLevel.DETAILED, ["health"], False, False, OverrideKind.NONE),
        (Basis.POLICE_REQUEST, InformationLevel.MINIMUM, [], False, False, OverrideKind.NONE),
        (Basis.POLICE_REQUEST, InformationLevel.DETAILED, [], False, False, OverrideKind.PRIOR),
        (Basis.PUBLIC_INTEREST, InformationLevel.MINIMUM, ["health"], False, False, "prior"),
        (Basis.PUBLIC_INTEREST, InformationLevel.MINIMUM, [], True, False, OverrideKind.PRIOR),
        (Basis.URGENT_MEDICAL, InformationLevel.DETAILED, [], False, False, "retrospective"),
        (Basis.SIGNIFICANT_HARM, InformationLevel.DETAILED, [], False, True, "retrospective"),
        (Basis.SIGNIFICANT_HARM, InformationLevel.DETAILED, [], False, False, "prior"),
    ],
)
def test_which_shares_override_confidentiality(basis, level, special, refusal, immediate, expected):
    kind = override_kind_for(
        subject=object(),
        outcome=Outcome.SHARE,
        basis=basis,
        information_level=level,
        special_categories=special,
        against_refusal=refusal,
        immediate_risk=immediate,
    )

    assert kind == expected


def test_not_sharing_and_aggregate_information_never_override():
    common = {
        "basis": Basis.PUBLIC_INTEREST,
        "information_level": InformationLevel.DETAILED,
        "special_categories": ["health"],
        "against_refusal": True,
        "immediate_risk": False,
    }
    assert override_kind_for(subject=object(), outcome=Outcome.NOT_SHARE, **common) == "none"
    assert override_kind_for(subject=None, outcome=Outcome.SHARE, **common) == "none"


def test_the_gateways_are_the_maintained_list_of_statutes(log):
    citations = set(selectors.statutory_gateways().values_list("citation", flat=True))

    assert {
        "Children Act 1989 section 17",
        "Children Act 1989 section 47",
        "Children Act 2004 section 10",
        "Children Act 2004 section 11",
        "Crime and Disorder Act 1998 section 115",
        "Children and Families Act 2014 Part 3",
        "Education Act 2002 section 175",
    } <= citations
    assert "UK GDPR Article 6(1)(e)" not in citations


def test_a_gateway_named_by_its_id_is_one_of_the_gateways(log, other_partnership):
    # statutory_gateway_by_id (the API's gateway field) asks the same conditions as the list in
    # one raw statement: the same rows are found, read whole, and no other.
    tenant = log.partnership.tenant
    own = LegalBasis.objects.create(
        tenant=tenant, code="local-act", kind=LegalBasisKind.STATUTE, citation="Local Act 2020"
    )
    theirs = LegalBasis.objects.create(
        tenant=other_partnership.tenant,
        code="their-act",
        kind=LegalBasisKind.STATUTE,
        citation="Their Act 2021",
    )
    retired = LegalBasis.objects.create(
        tenant=tenant,
        code="old-act",
        kind=LegalBasisKind.STATUTE,
        citation="Old Act 1990",
        is_active=False,
    )
    article = LegalBasis.objects.get(tenant__isnull=True, citation="UK GDPR Article 6(1)(e)")

    gateways = list(selectors.statutory_gateways())
    assert own in gateways
    for statute in gateways:
        found = selectors.statutory_gateway_by_id(statute.public_id)
        assert found is not None, statute.citation
        for field in LegalBasis._meta.concrete_fields:
            assert getattr(found, field.attname) == getattr(statute, field.attname), field
    for other in (theirs, retired, article):
        assert selectors.statutory_gateway_by_id(other.public_id) is None, other.citation
    assert selectors.statutory_gateway_by_id(uuid.uuid4()) is None
