"""The sharing log API's fields and serializers: UUID fields that resolve inside the caller's
partnership (and, for a child, among those the caller may see), and what the API answers."""

from __future__ import annotations

from collections.abc import Mapping

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agreements.choices import Channel, InformationLevel, SharingMethod
from agreements.models import ConsentScope, DataItem, LegalBasis
from agreements.selectors import agreements_visible_to
from consent.access import subject_get_for, subjects_get_for, subjects_visible_to
from consent.choices import SpecialCategory
from consent.models import DataSubject
from partners.api.shell import CopiedFieldsMixin, PublicIdField
from partners.models import Organisation
from sharing_log.choices import (
    GOLDEN_RULE_6_CHECKS,
    AdviceSource,
    ApprovalOutcome,
    Basis,
    IdentityCheck,
    Outcome,
    OverrideKind,
    OverrideStatus,
)
from sharing_log.models import InaccuracyNotice, SharingDecision
from sharing_log.selectors import (
    LIST_DEFERRED,
    decisions_visible_to,
    notice_acknowledged_ids,
    override_status,
    statutory_gateway_by_id,
    statutory_gateways,
)
from sharing_log.services import MAX_BATCH, DecisionDraft, RecipientSpec


def _membership(context):
    return context["request"].membership


@extend_schema_field(OpenApiTypes.UUID)
class _ScopedIdField(PublicIdField):
    """A related object named by its UUID among those a queryset of the request allows."""


class VisibleSubjectField(_ScopedIdField):
    """A child the caller may see; any other is "not found", like an id that never existed."""

    def get_queryset(self):
        return subjects_visible_to(_membership(self.context))

    def look_up(self, public_id):
        # Through the child's access function, which remembers for the rest of the request that
        # this member may see the child: the service checks again without asking the database.
        try:
            return subject_get_for(_membership(self.context), public_id)
        except Http404:
            self.fail("does_not_exist", model=DataSubject._meta.verbose_name)


class VisibleAgreementField(_ScopedIdField):
    def get_queryset(self):
        return agreements_visible_to(_membership(self.context))


class ConsentScopeField(_ScopedIdField):
    def get_queryset(self):
        agreements = agreements_visible_to(_membership(self.context))
        return ConsentScope.objects.filter(agreement__in=agreements)


class DataItemField(_ScopedIdField):
    def get_queryset(self):
        agreements = agreements_visible_to(_membership(self.context))
        return DataItem.objects.filter(agreement__in=agreements)


class GatewayField(_ScopedIdField):
    def get_queryset(self):
        return statutory_gateways()

    def look_up(self, public_id):
        found = statutory_gateway_by_id(public_id)
        if found is None:
            self.fail("does_not_exist", model=LegalBasis._meta.verbose_name)
        return found


class VisibleDecisionField(_ScopedIdField):
    def get_queryset(self):
        return decisions_visible_to(_membership(self.context))


# --- Writing ----------------------------------------------------------------------------------


class RecipientInSerializer(CopiedFieldsMixin, serializers.Serializer):
    organisation = PublicIdField(
        queryset=Organisation.objects,
        required=False,
        allow_null=True,
        help_text="A partner organisation's id.",
    )
    organisation_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="An organisation not a partner."
    )
    person_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    person_role = serializers.CharField(max_length=150, required=False, allow_blank=True)


class DecisionInSerializer(CopiedFieldsMixin, serializers.Serializer):
    """A decision as the API takes it. Field names are the record's; the service validates the
    rules (which answers each basis and outcome needs) and answers 400 with field messages."""

    subject = VisibleSubjectField(
        required=False, allow_null=True, help_text="The child's id; null for aggregate information."
    )
    decided_at = serializers.DateTimeField(
        required=False, help_text="When it was decided (now if left out); never in the future."
    )
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    purpose = serializers.CharField(allow_blank=True)
    agreement = VisibleAgreementField(required=False, allow_null=True)
    consent_scope = ConsentScopeField(required=False, allow_null=True)
    information_level = serializers.ChoiceField(choices=InformationLevel.choices)
    data_items = serializers.ListField(child=DataItemField(), required=False)
    special_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=SpecialCategory.choices), required=False
    )
    information_description = serializers.CharField(allow_blank=True)
    recipients = RecipientInSerializer(many=True)
    method = serializers.ChoiceField(
        choices=SharingMethod.choices, required=False, allow_blank=True
    )
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, allow_blank=True)
    record_location = serializers.CharField(max_length=300, required=False, allow_blank=True)
    basis = serializers.ChoiceField(choices=Basis.choices, required=False, allow_blank=True)
    statutory_gateway = GatewayField(required=False, allow_null=True)
    request_reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    basis_details = serializers.CharField(required=False, allow_blank=True)
    immediate_risk = serializers.BooleanField(required=False, default=False)
    checks_note = serializers.CharField(required=False, allow_blank=True)
    advice_sought = serializers.ListField(
        child=serializers.ChoiceField(choices=AdviceSource.choices), required=False
    )
    advice_given = serializers.CharField(required=False, allow_blank=True)
    protected_identities = serializers.CharField(required=False, allow_blank=True)
    reasons = serializers.CharField(allow_blank=True)
    will_reconsider = serializers.BooleanField(required=False, allow_null=True, default=None)
    reconsider_on = serializers.DateField(required=False, allow_null=True)
    requested_by_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    requested_by_organisation = PublicIdField(
        queryset=Organisation.objects, required=False, allow_null=True
    )
    requested_by_organisation_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True
    )
    requested_by_role = serializers.CharField(max_length=150, required=False, allow_blank=True)
    identity_check = serializers.ChoiceField(choices=IdentityCheck.choices)
    identity_check_details = serializers.CharField(required=False, allow_blank=True)
    override_reasons = serializers.CharField(required=False, allow_blank=True)
    override_evidence = serializers.CharField(required=False, allow_blank=True)
    third_parties_informed = serializers.CharField(required=False, allow_blank=True)
    # Golden Rule 6 (choices.GOLDEN_RULE_6_CHECKS): each answered true or false.
    check_necessary = serializers.BooleanField(required=False, allow_null=True, default=None)
    check_proportionate = serializers.BooleanField(required=False, allow_null=True, default=None)
    check_relevant = serializers.BooleanField(required=False, allow_null=True, default=None)
    check_adequate = serializers.BooleanField(required=False, allow_null=True, default=None)
    check_accurate = serializers.BooleanField(required=False, allow_null=True, default=None)
    check_timely = serializers.BooleanField(required=False, allow_null=True, default=None)
    check_secure = serializers.BooleanField(required=False, allow_null=True, default=None)

    def draft(self) -> DecisionDraft:
        return draft_from(self.validated_data)


def _ids_named(field: PublicIdField, items: list[Mapping], name: str) -> set:
    """The well-formed ids under `name` in these items (a malformed one is the field's to
    refuse, with its own message)."""
    found = set()
    for item in items:
        value = item.get(name)
        if value is None:
            continue
        try:
            found.add(field.public_id_of(value))
        except serializers.ValidationError:
            continue
    return found


def draft_from(validated: dict) -> DecisionDraft:
    """The service's draft from a DecisionInSerializer's validated data."""
    data = dict(validated)
    data.pop("reason", None)
    answers = {name: data.pop(name, None) for name in GOLDEN_RULE_6_CHECKS}
    checks = {name: answer for name, answer in answers.items() if answer is not None}
    data["recipients"] = [RecipientSpec(**dict(item)) for item in data["recipients"]]
    return DecisionDraft(checks=checks, **data)


class DecisionBatchInSerializer(serializers.Serializer):
    """Several decisions at once, recorded in the order given: all of them or none."""

    decisions = DecisionInSerializer(many=True, min_length=1, max_length=MAX_BATCH)

    def to_internal_value(self, data):
        self._look_up_together(data)
        return super().to_internal_value(data)

    def _look_up_together(self, data) -> None:
        """Read the children and the organisations the batch names in one query each, before
        each decision's fields look up their own: one by one they were most of a batch's
        queries. Only what the caller may see is read; the rest fails in each field as usual."""
        items = data.get("decisions") if isinstance(data, Mapping) else None
        if not isinstance(items, list) or len(items) > MAX_BATCH:
            return
        items = [item for item in items if isinstance(item, Mapping)]
        recipients = [
            recipient
            for item in items
            if isinstance(item.get("recipients"), list)
            for recipient in item["recipients"]
            if isinstance(recipient, Mapping)
        ]
        fields = self.fields["decisions"].child.fields
        subject = fields["subject"]
        subject.remember(
            subjects_get_for(_membership(self.context), _ids_named(subject, items, "subject"))
        )
        organisation = fields["recipients"].child.fields["organisation"]
        organisations = _ids_named(organisation, recipients, "organisation")
        organisation.remember(
            {
                row.public_id: row
                for row in organisation.get_queryset().filter(public_id__in=organisations)
            }
        )

    def drafts(self) -> list[DecisionDraft]:
        return [draft_from(item) for item in self.validated_data["decisions"]]


class SupersedeInSerializer(DecisionInSerializer):
    """The corrected decision, in full, and why the earlier one is corrected."""

    reason = serializers.CharField(allow_blank=True, help_text="Why the decision is corrected.")


class ApprovalInSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ApprovalOutcome.choices)
    reasons = serializers.CharField(allow_blank=True)


# --- Reading ----------------------------------------------------------------------------------


def _uuid(obj) -> str | None:
    return str(obj.public_id) if obj is not None else None


class RecipientOutSerializer(serializers.Serializer):
    organisation = serializers.UUIDField(allow_null=True)
    organisation_name = serializers.CharField()
    person_name = serializers.CharField()
    person_role = serializers.CharField()

    def to_representation(self, recipient):
        return {
            "organisation": _uuid(recipient.organisation),
            "organisation_name": recipient.organisation_name,
            "person_name": recipient.person_name,
            "person_role": recipient.person_role,
        }


class ApprovalOutSerializer(serializers.Serializer):
    manager = serializers.UUIDField(help_text="The manager's membership id.")
    outcome = serializers.ChoiceField(choices=ApprovalOutcome.choices)
    reasons = serializers.CharField()
    decided_at = serializers.DateTimeField()
    retrospective = serializers.BooleanField()

    def to_representation(self, approval):
        return {
            "manager": str(approval.manager.public_id),
            "outcome": approval.outcome,
            "reasons": approval.reasons,
            "decided_at": serializers.DateTimeField().to_representation(approval.decided_at),
            "retrospective": approval.retrospective,
        }


class DecisionSerializer(serializers.ModelSerializer):
    """A sharing decision as recorded (never changed afterwards), with its place in the chain."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    subject = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    decided_by = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, help_text="A membership id."
    )
    requested_by_organisation = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    agreement = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    consent_scope = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    consent = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    statutory_gateway = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    statutory_gateway_citation = serializers.CharField(
        source="statutory_gateway.citation", read_only=True, default=""
    )
    supersedes = serializers.SerializerMethodField()
    superseded_by = serializers.SerializerMethodField()
    recipients = RecipientOutSerializer(many=True, read_only=True)
    override_kind = serializers.ChoiceField(choices=OverrideKind.choices, read_only=True)
    override_status = serializers.SerializerMethodField()
    approval = serializers.SerializerMethodField()

    class Meta:
        model = SharingDecision
        fields = [
            "id",
            "sequence",
            "subject",
            "organisation",
            "decided_by",
            "decided_at",
            "requested_by_name",
            "requested_by_organisation",
            "requested_by_organisation_name",
            "requested_by_role",
            "identity_check",
            "identity_check_details",
            "outcome",
            "purpose",
            "agreement",
            "consent_scope",
            "information_level",
            "data_items",
            "special_categories",
            "information_description",
            "recipients",
            "method",
            "channel",
            "record_location",
            "basis",
            "consent",
            "consent_snapshot",
            "statutory_gateway",
            "statutory_gateway_citation",
            "request_reference",
            "basis_details",
            "immediate_risk",
            *GOLDEN_RULE_6_CHECKS,
            "checks_note",
            "advice_sought",
            "advice_given",
            "protected_identities",
            "reasons",
            "will_reconsider",
            "reconsider_on",
            "override_kind",
            "override_status",
            "override_reasons",
            "override_evidence",
            "third_parties_informed",
            "approval",
            "supersedes",
            "superseded_by",
            "supersede_reason",
            "content_hash",
            "chain_hash",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_superseded_by(self, decision) -> str | None:
        # Lists annotate it (sharing_log.selectors); one decision reads the relation.
        if hasattr(decision, "superseded_by_public_id"):
            newer = decision.superseded_by_public_id
            return str(newer) if newer else None
        try:
            return str(decision.superseded_by.public_id)
        except SharingDecision.superseded_by.RelatedObjectDoesNotExist:
            return None

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_supersedes(self, decision) -> str | None:
        if hasattr(decision, "supersedes_public_id"):
            older = decision.supersedes_public_id
            return str(older) if older else None
        return str(decision.supersedes.public_id) if decision.supersedes_id else None

    @extend_schema_field(serializers.ChoiceField(choices=OverrideStatus.choices))
    def get_override_status(self, decision) -> str:
        return str(override_status(decision))

    @extend_schema_field(ApprovalOutSerializer(allow_null=True))
    def get_approval(self, decision):
        try:
            return ApprovalOutSerializer(decision.approval).data
        except SharingDecision.approval.RelatedObjectDoesNotExist:
            return None


class DecisionSummarySerializer(DecisionSerializer):
    """A decision as a row of the log: everything but the details the log does not show (the
    consent snapshot, data items, hashes, advice, notes); GET /api/decisions/{id}/ has them."""

    # Related ids come annotated on the rows (sharing_log.selectors), not from a join each.
    statutory_gateway = serializers.UUIDField(
        source="statutory_gateway_public_id", read_only=True, allow_null=True
    )
    requested_by_organisation = serializers.UUIDField(
        source="requested_by_organisation_public_id", read_only=True, allow_null=True
    )
    agreement = serializers.UUIDField(source="agreement_public_id", read_only=True, allow_null=True)
    consent_scope = serializers.UUIDField(
        source="consent_scope_public_id", read_only=True, allow_null=True
    )
    consent = serializers.UUIDField(source="consent_public_id", read_only=True, allow_null=True)

    class Meta(DecisionSerializer.Meta):
        fields = [
            name
            for name in DecisionSerializer.Meta.fields
            if name not in LIST_DEFERRED and name != "statutory_gateway_citation"
        ]
        read_only_fields = fields


class DecisionBatchSerializer(serializers.Serializer):
    """The decisions a batch recorded, in the order sent, as rows of the log."""

    results = DecisionSummarySerializer(many=True)


class DecisionPageSerializer(serializers.Serializer):
    """A page of a log, newest first (keyset: no counts, constant cost at any depth)."""

    next = serializers.URLField(allow_null=True, help_text="Older decisions.")
    previous = serializers.URLField(allow_null=True, help_text="Newer decisions.")
    results = DecisionSummarySerializer(many=True)


# --- Inaccuracy notices -------------------------------------------------------------------------


class NoticeInSerializer(serializers.Serializer):
    decision = VisibleDecisionField(help_text="The decision whose information was inaccurate.")
    what_was_wrong = serializers.CharField(allow_blank=True)
    correction = serializers.CharField(required=False, allow_blank=True)


class AcknowledgeInSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)


class NoticeRecipientSerializer(serializers.Serializer):
    organisation = serializers.UUIDField()
    acknowledged = serializers.BooleanField()


class InaccuracyNoticeSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    decision = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    recorded_by = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, help_text="A membership id."
    )
    recipients = serializers.SerializerMethodField(
        help_text="The organisations that must acknowledge, and whether each has."
    )

    class Meta:
        model = InaccuracyNotice
        fields = [
            "id",
            "decision",
            "organisation",
            "recorded_by",
            "recorded_at",
            "what_was_wrong",
            "correction",
            "recipients",
        ]
        read_only_fields = fields

    @extend_schema_field(NoticeRecipientSerializer(many=True))
    def get_recipients(self, notice) -> list[dict]:
        acknowledged = notice_acknowledged_ids(notice)
        return [
            {
                "organisation": str(row.organisation.public_id),
                "acknowledged": row.organisation_id in acknowledged,
            }
            for row in notice.recipient_organisations.all()
        ]


class NoticeFilterSerializer(serializers.Serializer):
    waiting = serializers.ChoiceField(
        choices=[("", "all"), ("anyone", "anyone"), ("us", "us")],
        required=False,
        allow_blank=True,
        help_text='"anyone": not yet acknowledged by some recipient; "us": not yet acknowledged '
        "by your organisation.",
    )


__all__ = [
    "AcknowledgeInSerializer",
    "ApprovalInSerializer",
    "DecisionBatchInSerializer",
    "DecisionBatchSerializer",
    "DecisionInSerializer",
    "DecisionPageSerializer",
    "DecisionSerializer",
    "DecisionSummarySerializer",
    "InaccuracyNoticeSerializer",
    "NoticeFilterSerializer",
    "NoticeInSerializer",
    "SupersedeInSerializer",
]
