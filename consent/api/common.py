"""What the consent API shares: fields that resolve a UUID inside the caller's partnership
(and, for a child, what the caller may see), and the serializers of what it answers."""

from __future__ import annotations

from rest_framework import serializers

from agreements.models import IN_FORCE_STATUSES, ConsentScope
from agreements.selectors import agreements_visible_to
from consent.access import subjects_visible_to
from consent.choices import EventKind
from consent.models import ConsentEvent, ConsentRecord
from partners.api.shell import PublicIdField


class VisibleSubjectField(PublicIdField):
    """A child named by their id, among those the caller may see: any other is "not found", in
    the same words as an id that never existed."""

    def get_queryset(self):
        return subjects_visible_to(self.context["request"].membership)


class ScopeInForceField(PublicIdField):
    """A consent scope of an agreement in force that the caller may read."""

    def get_queryset(self):
        agreements = agreements_visible_to(self.context["request"].membership).filter(
            status__in=IN_FORCE_STATUSES
        )
        return ConsentScope.objects.filter(agreement__in=agreements).select_related("agreement")


class AgreementInForceField(PublicIdField):
    def get_queryset(self):
        return agreements_visible_to(self.context["request"].membership).filter(
            status__in=IN_FORCE_STATUSES
        )


class PurposeSerializer(serializers.Serializer):
    scope = serializers.UUIDField(
        source="scope.public_id",
        allow_null=True,
        read_only=True,
        help_text="The agreement's consent scope, or null for a purpose in words.",
    )
    description = serializers.CharField(read_only=True)

    def to_representation(self, purpose):
        return {
            "scope": purpose.scope.public_id if purpose.scope_id else None,
            "description": purpose.description,
        }


class ThirdPartySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)


class EventSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=EventKind.choices, read_only=True)
    recorded_by = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True, help_text="A membership id."
    )

    class Meta:
        model = ConsentEvent
        fields = ["kind", "on", "at", "reason", "review_due", "recorded_by"]


class ConsentSerializer(serializers.ModelSerializer):
    """A consent record with its purposes, recipients and timeline. What it says was written
    once; its status summarises the latest event of the timeline."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    subject = serializers.UUIDField(source="subject.public_id", read_only=True)
    agreement = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )
    replaces = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)
    recorded_by = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True, help_text="A membership id."
    )
    purposes = PurposeSerializer(many=True, read_only=True)
    recipients = serializers.SerializerMethodField(
        help_text="Ids of the partnership's organisations it allows sharing with."
    )
    third_parties = ThirdPartySerializer(many=True, read_only=True)
    has_signed_form = serializers.SerializerMethodField()
    events = EventSerializer(many=True, read_only=True)

    class Meta:
        model = ConsentRecord
        fields = [
            "id",
            "subject",
            "decision",
            "status",
            "status_on",
            "status_reason",
            "giver_kind",
            "giver_name",
            "giver_relationship",
            "giver_relationship_other",
            "competence_assessment",
            "competence_assessed_on",
            "parent_decides_because",
            "agreement",
            "purposes",
            "recipients",
            "third_parties",
            "explicit_special_category",
            "special_categories",
            "capture_method",
            "has_signed_form",
            "given_on",
            "review_due",
            "valid_until",
            "replaces",
            "notes",
            "recorded_by",
            "events",
            "created_at",
        ]

    def get_recipients(self, consent: ConsentRecord) -> list[str]:
        return [str(link.organisation.public_id) for link in consent.recipient_links.all()]

    def get_has_signed_form(self, consent: ConsentRecord) -> bool:
        return bool(consent.signed_form)
