"""The checks a decision must pass before it is recorded (the seeds' questions, the legal basis
and its evidence, Golden Rule 6), each adding its messages to the errors by field."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError

from agreements.choices import InformationLevel
from agreements.choices import LegalBasisKind as GatewayKind
from agreements.selectors import agreements_visible_to
from consent.choices import SPECIAL_CATEGORY_VALUES
from partners.models import Membership, TrainingPolicy
from partners.selectors import training_is_current
from sharing_log.choices import (
    GOLDEN_RULE_6_CHECKS,
    SHARING_OUTCOMES,
    AdviceSource,
    Basis,
    IdentityCheck,
    Outcome,
    OverrideKind,
)
from sharing_log.services.drafts import DecisionDraft


def clean_text(value) -> str:
    return (value or "").strip() if isinstance(value, str) else value


class Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def check_training(actor: Membership, on: date) -> None:
    if actor.tenant.untrained_decision_policy != TrainingPolicy.BLOCK:
        return
    if not training_is_current(membership=actor, on=on):
        raise ValidationError(
            "Your information governance training is not current, and your partnership asks "
            "for it before anyone logs a sharing decision. Record your refresher training first."
        )


REQUIRED_TEXT = {
    "purpose": "Say why the information is (or would have been) shared.",
    "information_description": "Describe the information shared or withheld.",
    "reasons": "Give the reasons for the decision, whether or not information is shared.",
}


def check_required(draft: DecisionDraft, errors: Errors) -> None:
    for name, message in REQUIRED_TEXT.items():
        if not clean_text(getattr(draft, name)):
            errors.add(name, message)
    choices = {
        "outcome": (Outcome, "Choose whether to share, share in part or not share."),
        "information_level": (InformationLevel, "Choose the level of the information."),
        "identity_check": (
            IdentityCheck,
            "Choose how the identity of the person asking was confirmed.",
        ),
    }
    for name, (options, message) in choices.items():
        if getattr(draft, name) not in options.values:
            errors.add(name, message)
    if draft.basis and draft.basis not in Basis.values:
        errors.add("basis", "Choose the legal basis from the list.")


def check_recipients(actor: Membership, draft: DecisionDraft, errors: Errors) -> None:
    if not draft.recipients:
        errors.add(
            "recipients",
            "Say with whom the information is shared (or would have been): an organisation "
            "or a named person.",
        )
        return
    seen = set()
    for recipient in draft.recipients:
        names_someone = (
            recipient.organisation is not None
            or recipient.organisation_name.strip()
            or recipient.person_name.strip()
        )
        if not names_someone:
            errors.add("recipients", "Each recipient needs an organisation or a person's name.")
        if recipient.organisation is not None and (
            recipient.organisation.tenant_id != actor.tenant_id
        ):
            errors.add("recipients", "Choose organisations of your partnership.")
        key = (
            recipient.organisation.pk if recipient.organisation else None,
            recipient.organisation_name.strip().casefold(),
            recipient.person_name.strip().casefold(),
        )
        if key in seen:
            errors.add("recipients", "A recipient is listed twice.")
        seen.add(key)


def check_requester(draft: DecisionDraft, actor: Membership, errors: Errors) -> None:
    if draft.requested_by_organisation is not None and (
        draft.requested_by_organisation.tenant_id != actor.tenant_id
    ):
        errors.add("requested_by_organisation", "Choose an organisation of your partnership.")
    if draft.identity_check == IdentityCheck.NOT_REQUESTED:
        return
    if not clean_text(draft.requested_by_name):
        errors.add("requested_by_name", "Enter the name of the person who asked.")
    if draft.requested_by_organisation is None and not clean_text(
        draft.requested_by_organisation_name
    ):
        errors.add("requested_by_organisation", "Say which organisation the person asking is from.")
    if not clean_text(draft.requested_by_role):
        errors.add("requested_by_role", "Enter the role of the person who asked.")
    if draft.identity_check == IdentityCheck.OTHER and not clean_text(draft.identity_check_details):
        errors.add("identity_check_details", "Describe how their identity was confirmed.")


def visible_agreement_ids(actor: Membership, drafts: Iterable[DecisionDraft]) -> set[int]:
    """Which of the agreements these drafts rely on the actor may read: one query for a whole
    batch."""
    named = {draft.agreement.pk for draft in drafts if draft.agreement is not None}
    if not named:
        return set()
    return set(agreements_visible_to(actor).filter(pk__in=named).values_list("pk", flat=True))


def check_information(
    actor: Membership,
    draft: DecisionDraft,
    errors: Errors,
    visible_agreements: set[int] | None = None,
) -> None:
    if visible_agreements is None:
        visible_agreements = visible_agreement_ids(actor, [draft])
    if draft.agreement is not None and draft.agreement.pk not in visible_agreements:
        errors.add("agreement", "Choose an agreement of your partnership.")
    if draft.data_items:
        if draft.agreement is None:
            errors.add("data_items", "Choose the agreement the data items come from.")
        elif any(item.agreement_id != draft.agreement.pk for item in draft.data_items):
            errors.add("data_items", "Choose data items of the agreement relied on.")
    if draft.consent_scope is not None and (
        draft.agreement is None or draft.consent_scope.agreement_id != draft.agreement.pk
    ):
        errors.add("consent_scope", "Choose a consent scope of the agreement relied on.")
    unknown = set(draft.special_categories) - SPECIAL_CATEGORY_VALUES
    if unknown:
        errors.add("special_categories", "Choose special categories from the list.")


def check_checks(draft: DecisionDraft, errors: Errors) -> None:
    """Golden Rule 6: each question answered yes or no; a share with a "no" explains it."""
    for name, label in GOLDEN_RULE_6_CHECKS.items():
        if not isinstance(draft.checks.get(name), bool):
            errors.add(name, f"Answer whether the information is {label.lower()}.")
    answered_no = [name for name in GOLDEN_RULE_6_CHECKS if draft.checks.get(name) is False]
    if draft.outcome in SHARING_OUTCOMES and answered_no and not clean_text(draft.checks_note):
        errors.add(
            "checks_note",
            "Explain why the information is shared although not every check is met.",
        )


def check_basis(draft: DecisionDraft, tenant_id: int, errors: Errors) -> None:
    shares = draft.outcome in SHARING_OUTCOMES
    if shares and not draft.basis:
        errors.add("basis", "Choose the legal basis for sharing.")
    if draft.basis == Basis.CONSENT and draft.subject is None:
        errors.add("basis", "Consent is a child's: choose the child, or another legal basis.")
    if draft.basis == Basis.STATUTORY_FUNCTION:
        gateway = draft.statutory_gateway
        if gateway is None:
            errors.add("statutory_gateway", "Choose the statutory gateway relied on.")
        elif (
            gateway.kind != GatewayKind.STATUTE
            or not gateway.is_active
            or gateway.tenant_id not in (None, tenant_id)
        ):
            errors.add("statutory_gateway", "Choose a statutory gateway from the list.")
    if draft.basis == Basis.POLICE_REQUEST and not clean_text(draft.request_reference):
        errors.add(
            "request_reference",
            "Enter the reference of the police's Section 29(3) request form: a police request "
            "is answered only on the form.",
        )
    if shares and not draft.method:
        errors.add("method", "Choose how the information is shared.")
    if shares and not draft.channel:
        errors.add("channel", "Choose the channel the information is sent through.")
    if shares and not clean_text(draft.record_location):
        errors.add("record_location", "Say where the record of what was shared is kept.")


def check_advice_and_reconsideration(draft: DecisionDraft, on: date, errors: Errors) -> None:
    if set(draft.advice_sought) - set(AdviceSource.values):
        errors.add("advice_sought", "Choose whose advice was sought from the list.")
    if draft.advice_sought and not clean_text(draft.advice_given):
        errors.add("advice_given", "Record the advice that was given.")
    if draft.outcome == Outcome.NOT_SHARE:
        if draft.will_reconsider is None:
            errors.add("will_reconsider", "Say whether the decision will be reconsidered.")
        elif draft.will_reconsider and draft.reconsider_on is None:
            errors.add("reconsider_on", "Enter when the decision will be reconsidered.")
        elif draft.will_reconsider and draft.reconsider_on < on:
            errors.add("reconsider_on", "The reconsideration date cannot be in the past.")


def check_override(draft: DecisionDraft, kind: str, errors: Errors) -> None:
    if kind == OverrideKind.NONE:
        return
    required = {
        "override_reasons": "Give the reasons for overriding confidentiality.",
        "override_evidence": "Record the evidence the override rests on.",
        "third_parties_informed": "Say which third parties have been informed (or none, and why).",
    }
    for name, message in required.items():
        if not clean_text(getattr(draft, name)):
            errors.add(name, message)
