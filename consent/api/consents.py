"""The consent API: a child's consents (list, record), one consent, withdrawing and reviewing it
(each its own endpoint and service), its receipt as a PDF, and the consent check."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_standardized_errors.openapi_serializers import ErrorResponse404Serializer
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from agreements.api.common import PdfRenderer
from agreements.models import Agreement, ConsentScope
from consent import services
from consent.api.common import (
    AgreementInForceField,
    ConsentSerializer,
    ScopeInForceField,
    ThirdPartySerializer,
)
from consent.api.subjects import PDF_RESPONSE
from consent.audit import CONSENT_CHECK, CONSENT_RECEIPT_PDF, audit_consent
from consent.choices import (
    CaptureMethod,
    CheckReason,
    Decision,
    GiverKind,
    Relationship,
    SpecialCategory,
)
from consent.models import ConsentRecord
from consent.pdf import consent_receipt_filename, consent_receipt_pdf
from consent.selectors import consent_check, consent_get_for, consents_for_subject, subject_get_for
from partners.api.shell import PublicIdField, TenantViewSet
from partners.models import Organisation
from partners.permissions import HasActiveMembership
from partners.security.audit import access_record
from partners.security.models import AccessAction


class ConsentCreateSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices, default=Decision.GIVEN)
    giver_kind = serializers.ChoiceField(choices=GiverKind.choices)
    giver_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    giver_relationship = serializers.ChoiceField(
        choices=Relationship.choices, required=False, allow_blank=True
    )
    giver_relationship_other = serializers.CharField(
        max_length=150, required=False, allow_blank=True
    )
    competence_assessment = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Required when a child under 16 decides: the practitioner's Gillick assessment.",
    )
    competence_assessed_on = serializers.DateField(required=False, allow_null=True)
    parent_decides_because = serializers.CharField(required=False, allow_blank=True)
    agreement = AgreementInForceField(
        queryset=Agreement.objects,
        required=False,
        allow_null=True,
        help_text="The agreement in force it is given under (the scopes' agreement if left out).",
    )
    scopes = serializers.ListField(
        child=ScopeInForceField(queryset=ConsentScope.objects),
        required=False,
        help_text="Ids of consent scopes of one agreement in force.",
    )
    other_purposes = serializers.ListField(
        child=serializers.CharField(max_length=250),
        required=False,
        help_text="Purposes in words, when no scope fits.",
    )
    recipients = serializers.ListField(
        child=PublicIdField(queryset=Organisation.objects),
        required=False,
        help_text="Ids of the partnership's organisations it allows sharing with.",
    )
    third_parties = ThirdPartySerializer(many=True, required=False)
    explicit_special_category = serializers.BooleanField(default=False)
    special_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=SpecialCategory.choices), required=False
    )
    capture_method = serializers.ChoiceField(choices=CaptureMethod.choices)
    given_on = serializers.DateField()
    review_due = serializers.DateField(
        required=False, allow_null=True, help_text="12 months after given_on if left out."
    )
    valid_until = serializers.DateField(required=False, allow_null=True)
    replaces = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="The id of a standing consent of this child that the new one takes the place of.",
    )
    notes = serializers.CharField(required=False, allow_blank=True)


class ConsentWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="How and why it was withdrawn.")
    withdrawn_on = serializers.DateField(required=False, allow_null=True, help_text="Today.")


class ConsentReviewSerializer(serializers.Serializer):
    reviewed_on = serializers.DateField(required=False, allow_null=True, help_text="Today.")
    review_due = serializers.DateField(
        required=False, allow_null=True, help_text="12 months after the review if left out."
    )
    notes = serializers.CharField(required=False, allow_blank=True)


class ConsentCheckSerializer(serializers.Serializer):
    subject = serializers.UUIDField(help_text="The child's id.")
    scope = ScopeInForceField(
        queryset=ConsentScope.objects,
        required=False,
        allow_null=True,
        help_text="The purpose: a consent scope's id, or give `purpose` in words.",
    )
    purpose = serializers.CharField(required=False, allow_blank=True, max_length=250)
    recipient = PublicIdField(
        queryset=Organisation.objects,
        required=False,
        allow_null=True,
        help_text="The organisation to share with, or give `third_party` by name.",
    )
    third_party = serializers.CharField(required=False, allow_blank=True, max_length=200)
    data_categories = serializers.ListField(
        child=serializers.CharField(max_length=50),
        required=False,
        help_text="What would be shared; the special categories among them need explicit consent.",
    )
    on = serializers.DateField(required=False, allow_null=True, help_text="Today if left out.")

    def validate(self, data):
        if not data.get("scope") and not (data.get("purpose") or "").strip():
            raise serializers.ValidationError({"purpose": "Give a scope or a purpose."})
        if not data.get("recipient") and not (data.get("third_party") or "").strip():
            raise serializers.ValidationError({"third_party": "Give a recipient or a third party."})
        return data


class ConsentWarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ConsentCheckResultSerializer(serializers.Serializer):
    current = serializers.BooleanField(help_text="Whether there is current consent to rely on.")
    reason = serializers.ChoiceField(
        choices=CheckReason.choices, allow_null=True, help_text="Why not, when there is none."
    )
    message = serializers.CharField(help_text="In words; never names the child.")
    consent = serializers.UUIDField(
        allow_null=True, help_text="The consent relied on, or the one the reason is about."
    )
    warnings = ConsentWarningSerializer(many=True)


def _invalid(fields, **where):
    """The services' field errors carry no code of their own: the API answers them as
    "invalid", on the field they name."""

    def decorate(view):
        for field in fields:
            view = extend_validation_errors(["invalid"], field_name=field, **where)(view)
        return view

    return decorate


@_invalid([*ConsentCreateSerializer().fields, "non_field_errors"], actions=["create"])
@extend_schema_view(
    list=extend_schema(
        summary="A child's consents",
        description="Newest first, each with its purposes, recipients and timeline.",
    ),
    create=extend_schema(
        summary="Record consent given or refused",
        description="SENCos and IG officers. A signed-form scan is attached on the consent's page.",
        request=ConsentCreateSerializer,
        responses={201: ConsentSerializer},
    ),
)
class SubjectConsentViewSet(TenantViewSet):
    """/api/subjects/{id}/consents/. The child is loaded first, whatever the method: one the
    caller may not see is a 404 before anything else could tell that they exist."""

    serializer_class = ConsentSerializer
    required_capability = {"create": "consent.record", "default": "consent.view"}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.subject = subject_get_for(request.membership, kwargs["id"])

    def get_queryset(self):
        return consents_for_subject(viewer=self.request.membership, subject=self.subject)

    def list(self, request, *args, **kwargs):
        consents = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ConsentSerializer(consents, many=True).data)

    def create(self, request, *args, **kwargs):
        payload = ConsentCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        replaces_id = fields.pop("replaces", None)
        if replaces_id:
            replaces = ConsentRecord.objects.filter(
                public_id=replaces_id, subject=self.subject
            ).first()
            if replaces is None:
                raise serializers.ValidationError(
                    {"replaces": ["There is no consent of this child with this id."]}
                )
            fields["replaces"] = replaces
        fields["third_parties"] = [dict(party) for party in fields.get("third_parties", [])]
        for optional in ("competence_assessed_on", "review_due", "valid_until", "agreement"):
            if fields.get(optional) is None:
                fields.pop(optional, None)
        consent = services.consent_record(actor=request.membership, subject=self.subject, **fields)
        fresh = consent_get_for(request.membership, consent.public_id)
        return self.respond(ConsentSerializer, fresh, status.HTTP_201_CREATED)


@_invalid([*ConsentWithdrawSerializer().fields, "non_field_errors"], actions=["withdraw"])
@_invalid([*ConsentReviewSerializer().fields, "non_field_errors"], actions=["review"])
@extend_schema_view(
    retrieve=extend_schema(summary="One consent, with its timeline"),
    withdraw=extend_schema(
        summary="Record that consent was withdrawn",
        description="A new event in the consent's timeline; nothing before it changes.",
        request=ConsentWithdrawSerializer,
        responses={200: ConsentSerializer},
    ),
    review=extend_schema(
        summary="Record that consent was reviewed and still stands",
        request=ConsentReviewSerializer,
        responses={200: ConsentSerializer},
    ),
    receipt=extend_schema(
        summary="The consent receipt, to give the family",
        responses=PDF_RESPONSE,
    ),
)
class ConsentViewSet(TenantViewSet):
    serializer_class = ConsentSerializer
    required_capability = {
        "withdraw": "consent.record",
        "review": "consent.record",
        "default": "consent.view",
    }

    def get_renderers(self):
        if getattr(self, "action", None) == "receipt":
            return [PdfRenderer(), JSONRenderer()]
        return super().get_renderers()

    def get_object(self):
        consent = consent_get_for(self.request.membership, self.kwargs[self.lookup_url_kwarg])
        self.check_object_permissions(self.request, consent)
        return consent

    def _fresh(self, consent):
        fresh = consent_get_for(self.request.membership, consent.public_id)
        return self.respond(ConsentSerializer, fresh)

    def retrieve(self, request, *args, **kwargs):
        consent = self.get_object()
        audit_consent(request, consent)
        return self.respond(ConsentSerializer, consent)

    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        consent = self.get_object()
        payload = ConsentWithdrawSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.consent_withdraw(
            actor=request.membership,
            consent=consent,
            reason=payload.validated_data["reason"],
            withdrawn_on=payload.validated_data.get("withdrawn_on"),
        )
        return self._fresh(consent)

    @action(detail=True, methods=["post"])
    def review(self, request, *args, **kwargs):
        consent = self.get_object()
        payload = ConsentReviewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.consent_review(
            actor=request.membership,
            consent=consent,
            reviewed_on=data.get("reviewed_on"),
            review_due=data.get("review_due"),
            notes=data.get("notes", ""),
        )
        return self._fresh(consent)

    @action(detail=True, methods=["get"], renderer_classes=[PdfRenderer, JSONRenderer])
    def receipt(self, request, *args, **kwargs):
        consent = self.get_object()
        response = HttpResponse(consent_receipt_pdf(consent), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{consent_receipt_filename(consent)}"'
        )
        audit_consent(request, consent, object_type=CONSENT_RECEIPT_PDF, action=AccessAction.PDF)
        return response


@_invalid(["purpose", "third_party"])
class ConsentCheckView(APIView):
    """Is there current consent for this child, for this purpose, to share with this recipient,
    covering these data categories? The one answer the sharing log relies on."""

    permission_classes = [HasActiveMembership]
    required_capability = "consent.view"

    @extend_schema(
        summary="Check for current consent",
        description="A child you may not see is a 404, as if they did not exist. The answer "
        "says why there is no consent to rely on: none recorded, refused, withdrawn, expired, "
        "the purpose or recipient not covered, or special category data not explicitly "
        "consented to.",
        request=ConsentCheckSerializer,
        responses={200: ConsentCheckResultSerializer, 404: ErrorResponse404Serializer},
    )
    def post(self, request):
        payload = ConsentCheckSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        subject = subject_get_for(request.membership, data["subject"])
        answer = consent_check(
            subject=subject,
            scope=data.get("scope") or data.get("purpose", ""),
            recipient=data.get("recipient") or data.get("third_party", ""),
            data_categories=data.get("data_categories", ()),
            on=data.get("on"),
        )
        access_record(
            request=request,
            action=AccessAction.VIEW,
            object_type=CONSENT_CHECK,
            object_id=answer.consent.public_id if answer.consent else None,
            subject_id=subject.public_id,
        )
        body = {
            "current": answer.ok,
            "reason": answer.reason,
            "message": answer.message,
            "consent": answer.consent.public_id if answer.consent else None,
            "warnings": [{"code": code, "message": text} for code, text in answer.warnings],
        }
        return Response(ConsentCheckResultSerializer(body).data)
