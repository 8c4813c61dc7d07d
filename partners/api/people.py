"""The API of the partnership's people: memberships and roles, invitations, IG training
records. Thin callers of partners.services and selectors."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action

from partners.api.shell import PublicIdField, StoredFileNameField, TenantViewSet
from partners.models import Invitation, Membership, Organisation, TrainingRecord
from partners.roles import Role
from partners.selectors import (
    membership_get,
    membership_list,
    training_record_get,
    training_records_visible,
    training_state,
)
from partners.services import (
    invitation_send,
    membership_change,
    membership_deactivate,
    training_record,
)

# --- Memberships and invitations -------------------------------------------------------------


class MembershipSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    training_expires_on = serializers.DateField(
        source="latest_training_expiry",
        read_only=True,
        allow_null=True,
        help_text="When their latest IG training expires (null if none is recorded).",
    )
    training_status = serializers.SerializerMethodField(
        help_text="current, expired, or none (no training recorded)."
    )

    class Meta:
        model = Membership
        fields = [
            "id",
            "full_name",
            "email",
            "organisation",
            "role",
            "is_active",
            "training_expires_on",
            "training_status",
            "created_at",
        ]

    @extend_schema_field(
        serializers.ChoiceField(
            choices=[("current", "current"), ("expired", "expired"), ("none", "none")]
        )
    )
    def get_training_status(self, membership: Membership) -> str:
        return training_state(expires_on=membership.latest_training_expiry, on=timezone.localdate())


class MembershipChangeSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    organisation = PublicIdField(queryset=Organisation.objects, required=False)


class MembershipFilterSerializer(serializers.Serializer):
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)
    organisation = serializers.UUIDField(
        required=False, help_text="Only the people of this organisation (its id)."
    )
    role = serializers.ChoiceField(
        choices=Role.choices, required=False, help_text="Only the people in this role."
    )
    who = serializers.CharField(
        required=False,
        max_length=254,
        help_text="Only the people whose name or email address contains this, in any case.",
    )


@extend_schema_view(
    list=extend_schema(
        summary="The partnership's people",
        description="IG officers and auditors. Each membership with the expiry of its latest IG "
        "training; newest first (cursor pagination).",
        parameters=[MembershipFilterSerializer],
    ),
    retrieve=extend_schema(summary="One membership"),
    partial_update=extend_schema(
        summary="Change someone's role or organisation",
        description="IG officers only. Nobody changes their own role.",
        request=MembershipChangeSerializer,
        responses={200: MembershipSerializer},
    ),
    deactivate=extend_schema(
        summary="End someone's membership",
        description="IG officers only. The membership is kept, with its history; its API tokens "
        "stop working at once. Nobody ends their own.",
        request=None,
        responses={200: MembershipSerializer},
    ),
)
class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """People of the caller's partnership: their organisation, role and training."""

    serializer_class = MembershipSerializer
    required_capability = {
        "partial_update": "memberships.manage",
        "deactivate": "memberships.manage",
        "default": "memberships.view",
    }

    def get_queryset(self):
        filters = self.query(MembershipFilterSerializer)
        return membership_list(
            is_active=filters["is_active"],
            organisation=filters.get("organisation"),
            role=filters.get("role", ""),
            who=filters.get("who", ""),
        )

    def get_object(self):
        membership = membership_get(public_id=self.kwargs[self.lookup_url_kwarg])
        self.check_object_permissions(self.request, membership)
        return membership

    def partial_update(self, request, *args, **kwargs):
        membership = self.get_object()
        payload = MembershipChangeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        membership_change(
            actor=request.membership,
            membership=membership,
            role=payload.validated_data.get("role", membership.role),
            organisation=payload.validated_data.get("organisation", membership.organisation),
        )
        return self.respond(MembershipSerializer, membership_get(public_id=membership.public_id))

    @action(detail=True, methods=["post"])
    def deactivate(self, request, *args, **kwargs):
        membership = self.get_object()
        membership_deactivate(actor=request.membership, membership=membership)
        return self.respond(MembershipSerializer, membership_get(public_id=membership.public_id))


class InvitationInputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=150)
    organisation = PublicIdField(queryset=Organisation.objects)
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    invited_by = serializers.SlugRelatedField(slug_field="public_id", read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "full_name",
            "organisation",
            "role",
            "invited_by",
            "expires_at",
            "created_at",
        ]


def invitation_link(request, raw_token: str) -> str:
    """The absolute link an invitation email carries, to the page where it is accepted."""
    try:
        path = reverse("invitation_accept", args=[raw_token])
    except NoReverseMatch:
        # The acceptance page is not routed yet; /join/<token>/ is the path it is to have.
        path = f"/join/{raw_token}/"
    return request.build_absolute_uri(path)


@extend_schema_view(
    create=extend_schema(
        summary="Invite someone to the partnership",
        description="IG officers only. They are emailed a one-time link, valid for 7 days, with "
        "which they join as the given role at the given organisation.",
        request=InvitationInputSerializer,
        responses={201: InvitationSerializer},
    ),
)
class InvitationViewSet(mixins.CreateModelMixin, TenantViewSet):
    serializer_class = InvitationSerializer
    required_capability = "memberships.manage"

    def create(self, request, *args, **kwargs):
        payload = InvitationInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        invitation = invitation_send(
            actor=request.membership,
            accept_url_for=lambda raw: invitation_link(request, raw),
            **payload.validated_data,
        )
        return self.respond(InvitationSerializer, invitation, status.HTTP_201_CREATED)


# --- Training records ------------------------------------------------------------------------


class TrainingRecordSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    membership = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    recorded_by = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )
    status = serializers.SerializerMethodField(help_text="current until it expires, then expired.")
    evidence = StoredFileNameField()

    class Meta:
        model = TrainingRecord
        fields = [
            "id",
            "membership",
            "course",
            "completed_on",
            "expires_on",
            "status",
            "evidence",
            "recorded_by",
            "created_at",
        ]

    @extend_schema_field(
        serializers.ChoiceField(choices=[("current", "current"), ("expired", "expired")])
    )
    def get_status(self, record: TrainingRecord) -> str:
        return training_state(expires_on=record.expires_on, on=timezone.localdate())


class TrainingRecordInputSerializer(serializers.Serializer):
    membership = PublicIdField(
        queryset=Membership.objects,
        required=False,
        help_text="Whose training it is; your own if left out. Recording someone else's needs "
        "an IG officer.",
    )
    course = serializers.CharField(max_length=200)
    completed_on = serializers.DateField()
    expires_on = serializers.DateField(
        required=False, help_text="Twelve months after completion if left out."
    )


class TrainingRecordFilterSerializer(serializers.Serializer):
    membership = serializers.UUIDField(
        required=False, help_text="Only this membership's records (its id)."
    )
    status = serializers.ChoiceField(
        choices=[("current", "current"), ("expired", "expired")],
        required=False,
        allow_blank=True,
    )


@extend_schema_view(
    list=extend_schema(
        summary="IG training records",
        description="IG officers and auditors see everyone's; anyone else sees their own. "
        "Newest first (cursor pagination).",
        parameters=[TrainingRecordFilterSerializer],
    ),
    retrieve=extend_schema(summary="One IG training record"),
    create=extend_schema(
        summary="Record completed IG training",
        description="Anyone may record their own; recording someone else's needs an IG officer.",
        request=TrainingRecordInputSerializer,
        responses={201: TrainingRecordSerializer},
    ),
)
class TrainingRecordViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantViewSet
):
    """Information governance training, refreshed every twelve months."""

    serializer_class = TrainingRecordSerializer
    # Who may see and record which records is the selector's and the service's rule.
    required_capability = None

    def get_queryset(self):
        filters = self.query(TrainingRecordFilterSerializer)
        return training_records_visible(
            viewer=self.request.membership,
            on=timezone.localdate(),
            membership=filters.get("membership"),
            status=filters.get("status", ""),
        )

    def get_object(self):
        record = training_record_get(
            viewer=self.request.membership, public_id=self.kwargs[self.lookup_url_kwarg]
        )
        self.check_object_permissions(self.request, record)
        return record

    def create(self, request, *args, **kwargs):
        payload = TrainingRecordInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        record = training_record(
            actor=request.membership,
            membership=fields.pop("membership", request.membership),
            **fields,
        )
        return self.respond(TrainingRecordSerializer, record, status.HTTP_201_CREATED)
