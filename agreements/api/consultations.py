"""The API of change consultations (Bucks §1–2): propose a change to every signatory with a
deadline, respond for an organisation, see the tally (after the deadline, no response counts
as agreement) and approve or drop the change."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action

from agreements import services
from agreements.api.common import UnderAgreementViewSet
from agreements.choices import Reply
from agreements.models import ChangeConsultation, ChangeResponse
from agreements.selectors import (
    agreement_consultations,
    consultation_get_for,
    consultation_responses,
    consultation_tally,
)
from partners.api.shell import PublicIdField
from partners.models import Organisation


class ConsultationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    proposed_by = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    decided_by = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )

    class Meta:
        model = ChangeConsultation
        fields = [
            "id",
            "summary",
            "details",
            "respond_by",
            "status",
            "proposed_by",
            "decided_by",
            "decided_at",
            "decision_reason",
            "created_at",
        ]


class TallySerializer(serializers.Serializer):
    agree = serializers.IntegerField(help_text="Including silence after the deadline.")
    object = serializers.IntegerField()
    comment = serializers.IntegerField()
    taken_as_agreement = serializers.IntegerField(
        help_text="No response by the deadline, so counted as agreement (Bucks §1)."
    )
    awaiting = serializers.IntegerField(help_text="Not yet answered, before the deadline.")
    deadline_passed = serializers.BooleanField()
    total = serializers.IntegerField()


class ResponseSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    responded_by = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )

    class Meta:
        model = ChangeResponse
        fields = [
            "organisation",
            "organisation_name",
            "reply",
            "comment",
            "deemed",
            "responded_at",
            "responded_by",
        ]


class ConsultationDetailSerializer(ConsultationSerializer):
    tally = serializers.SerializerMethodField()
    responses = serializers.SerializerMethodField()

    class Meta(ConsultationSerializer.Meta):
        fields = [*ConsultationSerializer.Meta.fields, "tally", "responses"]

    @extend_schema_field(TallySerializer)
    def get_tally(self, consultation: ChangeConsultation) -> dict:
        return TallySerializer(consultation_tally(consultation=consultation)).data

    @extend_schema_field(ResponseSerializer(many=True))
    def get_responses(self, consultation: ChangeConsultation) -> list[dict]:
        return ResponseSerializer(consultation_responses(consultation=consultation), many=True).data


class ProposeSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=250)
    details = serializers.CharField()
    respond_by = serializers.DateField(help_text="After today. Silence by then is agreement.")


class RespondSerializer(serializers.Serializer):
    organisation = PublicIdField(
        queryset=Organisation.objects,
        required=False,
        help_text="The signatory organisation answering; your own if left out. Answering for "
        "another needs an IG officer.",
    )
    reply = serializers.ChoiceField(choices=Reply.choices)
    comment = serializers.CharField(
        required=False, allow_blank=True, help_text="Required to object or comment."
    )


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


@extend_schema_view(
    list=extend_schema(
        summary="An agreement's change consultations",
        description="Newest first (cursor pagination).",
    ),
    retrieve=extend_schema(
        summary="One change consultation, with its tally and responses",
        responses={200: ConsultationDetailSerializer},
    ),
    create=extend_schema(
        summary="Propose a change to every signatory",
        description="IG officers only. The agreement must be in force, with signatories, and "
        "have no other change out for consultation.",
        request=ProposeSerializer,
        responses={201: ConsultationDetailSerializer},
    ),
    answer=extend_schema(
        summary="Respond to a proposed change",
        description="Agree, object or comment, until the deadline (a later answer replaces an "
        "earlier one). A designated manager answers for their own organisation; the IG officer "
        "records any signatory's answer.",
        request=RespondSerializer,
        responses={200: ConsultationDetailSerializer},
    ),
    approve=extend_schema(
        summary="Approve the change",
        description="IG officers only, once every signatory has answered or the deadline has "
        "passed (silence then counting as agreement). Every agreement underneath is flagged for "
        "review.",
        request=DecisionSerializer,
        responses={200: ConsultationDetailSerializer},
    ),
    drop=extend_schema(
        summary="Drop the change",
        description="IG officers only, at any time.",
        request=DecisionSerializer,
        responses={200: ConsultationDetailSerializer},
    ),
)
class ConsultationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, UnderAgreementViewSet
):
    """/api/agreements/{id}/consultations/…"""

    serializer_class = ConsultationSerializer
    lookup_url_kwarg = "consultation_id"
    required_capability = {
        "create": "agreements.manage",
        "approve": "agreements.manage",
        "drop": "agreements.manage",
        "answer": "agreements.respond",
        "default": "agreements.view",
    }

    def get_queryset(self):
        return agreement_consultations(agreement=self.agreement)

    def get_object(self):
        consultation = consultation_get_for(
            self.request.membership, self.kwargs[self.lookup_url_kwarg]
        )
        return self.under_agreement(consultation, consultation.agreement_id)

    def retrieve(self, request, *args, **kwargs):
        return self.respond(ConsultationDetailSerializer, self.get_object())

    def create(self, request, *args, **kwargs):
        payload = ProposeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        consultation = services.change_propose(
            actor=request.membership, agreement=self.agreement, **payload.validated_data
        )
        return self.respond(ConsultationDetailSerializer, consultation, status.HTTP_201_CREATED)

    # Not named `respond`: that is the base viewset's way of answering.
    @action(detail=True, methods=["post"], url_path="respond")
    def answer(self, request, *args, **kwargs):
        consultation = self.get_object()
        payload = RespondSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        answer = dict(payload.validated_data)
        services.change_respond(
            actor=request.membership,
            consultation=consultation,
            organisation=answer.pop("organisation", request.membership.organisation),
            **answer,
        )
        return self.respond(ConsultationDetailSerializer, consultation)

    def _decide(self, *, approve: bool):
        consultation = self.get_object()
        payload = DecisionSerializer(data=self.request.data)
        payload.is_valid(raise_exception=True)
        services.change_decide(
            actor=self.request.membership,
            consultation=consultation,
            approve=approve,
            **payload.validated_data,
        )
        return self.respond(ConsultationDetailSerializer, consultation)

    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        return self._decide(approve=True)

    @action(detail=True, methods=["post"])
    def drop(self, request, *args, **kwargs):
        return self._decide(approve=False)
