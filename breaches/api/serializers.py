"""What the breaches API reads and writes: a breach in the register and in full, its milestones
(with how each stands today), the partners to be told, and the meeting record. Related records
are named by their public ids."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agreements.api.common import VisibleAgreementField
from agreements.models import Agreement
from breaches.choices import BreachStatus, MilestoneKind, MilestoneState, TellingMethod
from breaches.models import (
    AgreedAction,
    BreachMeeting,
    BreachReport,
    MeetingAttendee,
    Milestone,
    PartnerNotification,
)
from breaches.selectors import milestone_status
from partners.api.shell import PublicIdField, StoredFileNameField
from partners.models import Organisation
from partners.reminders import local_today


def _uuid(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="public_id", read_only=True, **kwargs)


def _code(choices, help_text: str = "") -> serializers.CharField:
    """A code from a choice list, read only. Given as a string with its values in the help text:
    the schema already has enums named "kind", "status" and "method" for other lists."""
    values = ", ".join(choices.values)
    return serializers.CharField(read_only=True, help_text=f"{help_text} One of {values}.".strip())


# --- Reading --------------------------------------------------------------------------------------


class MilestoneSerializer(serializers.ModelSerializer):
    """A milestone, and how it stands on the partnership's today."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    kind = _code(MilestoneKind)
    label = serializers.CharField(source="get_kind_display", read_only=True)
    responsible_organisation = _uuid(help_text="Whose step it is.")
    completed_by = _uuid(allow_null=True, help_text="The membership that recorded it.")
    evidence_file = StoredFileNameField()
    state = serializers.SerializerMethodField()
    working_days_left = serializers.SerializerMethodField(
        help_text="Working days until it is due (0 on the day); null when done or not set."
    )
    working_days_overdue = serializers.SerializerMethodField(
        help_text="Working days past its due date; null unless overdue."
    )

    class Meta:
        model = Milestone
        fields = [
            "id",
            "kind",
            "label",
            "position",
            "responsible_organisation",
            "working_days",
            "counted_from",
            "due_on",
            "done_on",
            "completed_by",
            "evidence",
            "evidence_file",
            "state",
            "working_days_left",
            "working_days_overdue",
        ]

    def _status(self, milestone: Milestone):
        cache = self.context.setdefault("milestone_statuses", {})
        if milestone.pk not in cache:
            breach = milestone.breach
            on = local_today(breach.tenant)
            cache[milestone.pk] = milestone_status(milestone, on=on, region=breach.region)
        return cache[milestone.pk]

    @extend_schema_field(_code(MilestoneState))
    def get_state(self, milestone: Milestone) -> str:
        return self._status(milestone).state

    def get_working_days_left(self, milestone: Milestone) -> int | None:
        return self._status(milestone).working_days_left

    def get_working_days_overdue(self, milestone: Milestone) -> int | None:
        return self._status(milestone).working_days_overdue


class PartnerNotificationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    organisation = _uuid()
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    told_by = _uuid(allow_null=True)
    method = _code(TellingMethod, "How they were told (empty until they are).")

    class Meta:
        model = PartnerNotification
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "told_on",
            "contact_name",
            "method",
            "told_by",
            "acknowledged_on",
            "notes",
        ]


class BreachSerializer(serializers.ModelSerializer):
    """A breach in the register."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    agreement = _uuid()
    agreement_title = serializers.CharField(source="agreement.title", read_only=True)
    reporting_organisation = _uuid()
    organisation_in_breach = _uuid()
    organisation_in_breach_name = serializers.CharField(
        source="organisation_in_breach.name", read_only=True
    )
    status = _code(BreachStatus)
    next_milestone = serializers.CharField(
        source="next_kind",
        read_only=True,
        allow_null=True,
        help_text="The kind of the first milestone not done yet; null when every one is done.",
    )
    next_due_on = serializers.DateField(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(
        read_only=True, help_text="A milestone or the 72-hour ICO assessment is overdue."
    )

    class Meta:
        model = BreachReport
        fields = [
            "id",
            "title",
            "agreement",
            "agreement_title",
            "reporting_organisation",
            "organisation_in_breach",
            "organisation_in_breach_name",
            "identified_at",
            "identified_on",
            "occurred_on",
            "status",
            "personal_data_involved",
            "next_milestone",
            "next_due_on",
            "is_overdue",
            "created_at",
        ]


class BreachDetailSerializer(BreachSerializer):
    """A breach in full, with its deadline rules, milestones and the partners to be told."""

    reported_by = _uuid(allow_null=True)
    closed_by = _uuid(allow_null=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    partners = PartnerNotificationSerializer(
        many=True, read_only=True, source="partner_notifications"
    )

    class Meta(BreachSerializer.Meta):
        fields = [
            *BreachSerializer.Meta.fields,
            "reported_by",
            "reported_at",
            "description",
            "containment",
            "personal_data_categories",
            "special_category_data",
            "people_affected",
            "region",
            "notify_days",
            "report_days",
            "meeting_days",
            "minutes_days",
            "indemnity_response_days",
            "closed_at",
            "closed_by",
            "closure_reason",
            "version",
            "milestones",
            "partners",
        ]


class AttendeeSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    organisation = _uuid()
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = MeetingAttendee
        fields = ["id", "organisation", "organisation_name", "name", "job_title"]


class AgreedActionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    owner_organisation = _uuid()

    class Meta:
        model = AgreedAction
        fields = ["id", "description", "owner_organisation", "owner_name", "due_on", "completed_on"]


class MeetingSerializer(serializers.ModelSerializer):
    """The partners' meeting record (Haringey 6.3–6.6), with its attendees and agreed actions."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    step = serializers.CharField(read_only=True, help_text="How far the meeting has gone.")
    attendees = AttendeeSerializer(many=True, read_only=True)
    actions = AgreedActionSerializer(many=True, read_only=True, source="breach.actions")
    minutes_file = StoredFileNameField()

    class Meta:
        model = BreachMeeting
        fields = [
            "id",
            "step",
            "scheduled_for",
            "location",
            "held_on",
            "chair",
            "presented_at",
            "presentation",
            "withdrew_at",
            "deliberation",
            "sanctions",
            "decided_at",
            "recalled_at",
            "recall_notes",
            "minutes_text",
            "minutes_file",
            "minutes_circulated_on",
            "attendees",
            "actions",
        ]


# --- Writing --------------------------------------------------------------------------------------


class BreachFilterSerializer(serializers.Serializer):
    status = serializers.CharField(
        required=False,
        help_text=f"One of {', '.join(BreachStatus.values)}; open breaches if left out.",
    )
    stage = serializers.CharField(
        required=False,
        help_text="The next milestone to do (a milestone kind), or `ready` (every one done).",
    )
    organisation_in_breach = PublicIdField(queryset=Organisation.objects, required=False)
    agreement = VisibleAgreementField(queryset=Agreement.objects, required=False)
    overdue = serializers.BooleanField(
        required=False, default=False, help_text="true: only breaches with something overdue."
    )

    def validate_status(self, value: str) -> str:
        if value not in BreachStatus.values:
            raise serializers.ValidationError(f"Choose one of {', '.join(BreachStatus.values)}.")
        return value

    def validate_stage(self, value: str) -> str:
        if value not in (*MilestoneKind.values, "ready"):
            raise serializers.ValidationError("Choose a milestone kind, or ready.")
        return value


class BreachCreateSerializer(serializers.Serializer):
    agreement = VisibleAgreementField(
        queryset=Agreement.objects, help_text="The agreement breached (approved, in force)."
    )
    title = serializers.CharField(
        max_length=200, allow_blank=True, help_text="Never a child's name or details."
    )
    reporting_organisation = PublicIdField(
        queryset=Organisation.objects,
        required=False,
        help_text="Your own organisation if left out (a manager reports only for their own).",
    )
    organisation_in_breach = PublicIdField(queryset=Organisation.objects)
    identified_at = serializers.DateTimeField(help_text="Day 0 of every deadline.")
    occurred_on = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(allow_blank=True)
    containment = serializers.CharField(required=False, allow_blank=True, default="")
    personal_data_involved = serializers.BooleanField(default=False)
    personal_data_categories = serializers.CharField(required=False, allow_blank=True, default="")
    special_category_data = serializers.BooleanField(default=False)
    people_affected = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    aware_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="When it was known that personal data was involved, if later than "
        "identified_at: the 72 hours count from it.",
    )


class MilestoneCompleteSerializer(serializers.Serializer):
    done_on = serializers.DateField()
    evidence = serializers.CharField(allow_blank=True)


class PartnerToldSerializer(serializers.Serializer):
    told_on = serializers.DateField()
    contact_name = serializers.CharField(max_length=150, allow_blank=True)
    method = serializers.CharField(
        allow_blank=True, help_text=f"One of {', '.join(TellingMethod.values)}."
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class AcknowledgedSerializer(serializers.Serializer):
    acknowledged_on = serializers.DateField()


class ScheduleSerializer(serializers.Serializer):
    scheduled_for = serializers.DateTimeField()
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class HeldSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    chair = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AttendeeInputSerializer(serializers.Serializer):
    organisation = PublicIdField(queryset=Organisation.objects)
    name = serializers.CharField(max_length=150, allow_blank=True)
    job_title = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class PresentedSerializer(serializers.Serializer):
    presented_at = serializers.DateTimeField()
    presentation = serializers.CharField(allow_blank=True)


class WithdrewSerializer(serializers.Serializer):
    withdrew_at = serializers.DateTimeField()


class MeetingDecisionSerializer(serializers.Serializer):
    sanctions = serializers.CharField(allow_blank=True)
    deliberation = serializers.CharField(required=False, allow_blank=True, default="")
    decided_at = serializers.DateTimeField(required=False, help_text="Now if left out.")


class RecalledSerializer(serializers.Serializer):
    recalled_at = serializers.DateTimeField()
    recall_notes = serializers.CharField(allow_blank=True)


class AgreedActionInputSerializer(serializers.Serializer):
    description = serializers.CharField(allow_blank=True)
    owner_organisation = PublicIdField(queryset=Organisation.objects)
    owner_name = serializers.CharField(max_length=150, allow_blank=True)
    due_on = serializers.DateField()


class MinutesSerializer(serializers.Serializer):
    minutes_text = serializers.CharField(allow_blank=True)


class CirculatedSerializer(serializers.Serializer):
    circulated_on = serializers.DateField()
    circulated_to = serializers.CharField(max_length=300, allow_blank=True)
