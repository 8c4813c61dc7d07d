"""The API of an agreement's signatories (Haringey §13): the list over time, inviting an
organisation, and signing, declining and withdrawing, each its own endpoint and service."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action

from agreements import services
from agreements.api.common import UnderAgreementViewSet
from agreements.models import Signatory
from agreements.selectors import agreement_signatories, signatory_get_for
from partners.api.shell import PublicIdField
from partners.models import Organisation


class SignatorySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    invited_by = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True, help_text="A membership's id."
    )
    recorded_by = serializers.SlugRelatedField(
        slug_field="public_id",
        read_only=True,
        allow_null=True,
        help_text="The membership that recorded the latest answer.",
    )
    carried_over_from = serializers.SlugRelatedField(
        slug_field="public_id",
        read_only=True,
        allow_null=True,
        help_text="The signature on the superseded agreement this one transferred from.",
    )

    class Meta:
        model = Signatory
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "status",
            "invited_on",
            "invited_by",
            "signer_name",
            "signer_title",
            "typed_signature",
            "signed_on",
            "version_signed",
            "carried_over_from",
            "declined_on",
            "decline_reason",
            "withdrawn_on",
            "withdrawal_reason",
            "recorded_by",
            "created_at",
        ]


class InviteSerializer(serializers.Serializer):
    organisation = PublicIdField(
        queryset=Organisation.objects, help_text="The id of an organisation of your partnership."
    )


class SignSerializer(serializers.Serializer):
    signer_name = serializers.CharField(max_length=150, allow_blank=True)
    signer_title = serializers.CharField(max_length=150, allow_blank=True)
    typed_signature = serializers.CharField(
        max_length=150, allow_blank=True, help_text="The signer's full name, typed as entered."
    )
    signed_on = serializers.DateField(required=False, help_text="Today if left out.")


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)
    declined_on = serializers.DateField(required=False, help_text="Today if left out.")


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)
    withdrawn_on = serializers.DateField(required=False, help_text="Today if left out.")


_ANSWER = (
    "The IG officer records the answer of any organisation; a designated manager answers for "
    "their own organisation only (403 otherwise)."
)


@extend_schema_view(
    list=extend_schema(
        summary="An agreement's signatories, current and past",
        description="Every invitation and what became of it, newest first (cursor pagination).",
    ),
    retrieve=extend_schema(summary="One signatory of the agreement"),
    create=extend_schema(
        summary="Invite an organisation to sign",
        description="IG officers only.",
        request=InviteSerializer,
        responses={201: SignatorySerializer},
    ),
    sign=extend_schema(
        summary="Sign for an invited organisation",
        description="An authorised person signs with their name, title and the date, typing "
        "their name as the signature. Only an agreement in force is signed. " + _ANSWER,
        request=SignSerializer,
        responses={200: SignatorySerializer},
    ),
    decline=extend_schema(
        summary="Decline the invitation",
        description=_ANSWER,
        request=DeclineSerializer,
        responses={200: SignatorySerializer},
    ),
    withdraw=extend_schema(
        summary="Withdraw a signature",
        description="The organisation stops being a signatory from the date, for the reason "
        "given, and does not carry over to later versions. " + _ANSWER,
        request=WithdrawSerializer,
        responses={200: SignatorySerializer},
    ),
)
class SignatoryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, UnderAgreementViewSet
):
    """/api/agreements/{id}/signatories/…"""

    serializer_class = SignatorySerializer
    lookup_url_kwarg = "signatory_id"
    required_capability = {
        "create": "agreements.manage",
        "sign": "agreements.sign",
        "decline": "agreements.sign",
        "withdraw": "agreements.sign",
        "default": "agreements.view",
    }

    def get_queryset(self):
        return agreement_signatories(agreement=self.agreement).select_related(
            "invited_by", "recorded_by", "carried_over_from"
        )

    def get_object(self):
        signatory = signatory_get_for(self.request.membership, self.kwargs[self.lookup_url_kwarg])
        return self.under_agreement(signatory, signatory.agreement_id)

    def create(self, request, *args, **kwargs):
        payload = InviteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        signatory = services.signatory_invite(
            actor=request.membership, agreement=self.agreement, **payload.validated_data
        )
        return self.respond(SignatorySerializer, signatory, status.HTTP_201_CREATED)

    def _answer(self, service, serializer_class):
        signatory = self.get_object()
        payload = serializer_class(data=self.request.data)
        payload.is_valid(raise_exception=True)
        service(actor=self.request.membership, signatory=signatory, **payload.validated_data)
        return self.respond(SignatorySerializer, signatory)

    @action(detail=True, methods=["post"])
    def sign(self, request, *args, **kwargs):
        return self._answer(services.signatory_sign, SignSerializer)

    @action(detail=True, methods=["post"])
    def decline(self, request, *args, **kwargs):
        return self._answer(services.signatory_decline, DeclineSerializer)

    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        return self._answer(services.signatory_withdraw, WithdrawSerializer)
