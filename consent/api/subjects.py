"""The API of children's records: the children the caller may see (filtered only by what names
nobody: setting, SEN provision), a search POSTed (names and identifiers never go in a URL),
opening a record with duplicate detection, one child, an edit with the version check, and the
consent form to print as a PDF."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from agreements.api.common import CONFLICT, PdfRenderer
from agreements.models import IN_FORCE_STATUSES
from agreements.selectors import agreements_visible_to
from consent import services
from consent.audit import CONSENT_FORM_PDF, audit_child
from consent.choices import Ethnicity, Gender, SenStatus
from consent.models import DataSubject
from consent.pdf import consent_form_filename, consent_form_pdf
from consent.selectors import subject_find, subject_get_for, subject_search, subjects_visible_to
from partners.api.shell import PublicIdField, TenantViewSet
from partners.models import Organisation
from partners.security.models import AccessAction

SEARCH_LIMIT = 25

PDF_RESPONSE = {
    (200, "application/pdf"): OpenApiResponse(
        response=OpenApiTypes.BINARY, description="The PDF document."
    )
}


class SubjectSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    current_setting = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )
    version = serializers.IntegerField(
        read_only=True,
        help_text="Send it back with an edit; a stale version is refused with 409.",
    )

    class Meta:
        model = DataSubject
        fields = [
            "id",
            "forenames",
            "surname",
            "aliases",
            "date_of_birth",
            "gender",
            "ethnicity",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "phone",
            "nhs_number",
            "upn",
            "current_setting",
            "sen_status",
            "version",
            "created_at",
            "updated_at",
        ]


class SubjectInputSerializer(serializers.Serializer):
    forenames = serializers.CharField(max_length=150)
    surname = serializers.CharField(max_length=150)
    aliases = serializers.CharField(
        required=False, allow_blank=True, help_text="Other names, one per line."
    )
    date_of_birth = serializers.DateField()
    gender = serializers.ChoiceField(choices=Gender.choices)
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices, required=False, allow_blank=True)
    address_line_1 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address_line_2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    town = serializers.CharField(max_length=100, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=10, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    nhs_number = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="10 digits (modulus 11)."
    )
    upn = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="Unique Pupil Number."
    )
    current_setting = PublicIdField(queryset=Organisation.objects, required=False, allow_null=True)
    sen_status = serializers.ChoiceField(choices=SenStatus.choices, required=False)


class SubjectCreateSerializer(SubjectInputSerializer):
    confirmed_different = serializers.BooleanField(
        default=False,
        help_text="true after a 409 for a similar name and the same date of birth, when this is "
        "a different child. A record with the same NHS number or UPN is never opened twice.",
    )


class SubjectUpdateSerializer(SubjectInputSerializer):
    version = serializers.IntegerField(
        min_value=1, help_text="The version you read; a stale one is refused with 409."
    )


class SubjectFilterSerializer(serializers.Serializer):
    current_setting = serializers.UUIDField(
        required=False, help_text="Only children at this organisation (its id)."
    )
    sen_status = serializers.ChoiceField(choices=SenStatus.choices, required=False)


class SubjectSearchSerializer(serializers.Serializer):
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="One search box: a name, a date of birth, an NHS number, a UPN, or a name and a "
        'date of birth ("Ava 31/12/2015").',
    )
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    nhs_number = serializers.CharField(required=False, allow_blank=True, max_length=20)
    upn = serializers.CharField(required=False, allow_blank=True, max_length=20)


class DuplicateErrorSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[("possible_duplicate", "possible_duplicate")])
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class DuplicateResponseSerializer(serializers.Serializer):
    """The body of a 409 on opening a record: the child may already have one."""

    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = DuplicateErrorSerializer(many=True)
    candidates = serializers.ListField(
        child=serializers.UUIDField(),
        help_text="The ids of the existing records you may see: retrieve one instead.",
    )
    same_identifier = serializers.BooleanField(
        help_text="true: a record has the same NHS number or UPN (never opened twice); false: a "
        "similar name and the same date of birth (send confirmed_different: true if it is a "
        "different child)."
    )
    hidden_match = serializers.BooleanField(
        help_text="true: the record with the same identifier is one your organisation is not "
        "involved with; ask your IG officer to add it to the team around the child."
    )


# What the services add to the serializer's own checks (consent/validators.py, the age limits).
SERVICE_ERROR_CODES = {
    "nhs_number": ["nhs_format", "nhs_check_digit"],
    "upn": ["upn_format", "upn_check_letter"],
    "date_of_birth": ["dob_future", "age_out_of_scope", "invalid"],
    "postcode": ["invalid_postcode"],
    "current_setting": ["invalid"],
    "non_field_errors": ["invalid"],
}


def _service_errors(view):
    for field, codes in SERVICE_ERROR_CODES.items():
        view = extend_validation_errors(
            codes, field_name=field, actions=["create", "partial_update"]
        )(view)
    return view


@_service_errors
@extend_schema_view(
    list=extend_schema(
        summary="The children you may see",
        description="Children and young people your organisation is involved with (IG officers "
        "and auditors: all of the partnership's). Filter by setting or SEN provision only: to "
        "find a child by name or identifier, POST to /api/subjects/search/.",
        parameters=[SubjectFilterSerializer],
    ),
    retrieve=extend_schema(
        summary="One child's record",
        description="A child your organisation is not involved with is a 404, as if they did "
        "not exist.",
    ),
    create=extend_schema(
        summary="Open a record for a child",
        description="SENCos and IG officers. A possible duplicate is refused with 409 and the "
        "ids of the existing records you may see.",
        request=SubjectCreateSerializer,
        responses={201: SubjectSerializer, 409: DuplicateResponseSerializer},
    ),
    partial_update=extend_schema(
        summary="Edit a child's details",
        description="Send the `version` you read: if the record changed since, the answer is "
        "409 and nothing is saved.",
        request=SubjectUpdateSerializer,
        responses={200: SubjectSerializer, **CONFLICT},
    ),
    search=extend_schema(
        summary="Find a child",
        description="Among the children you may see, those matching every criterion given (at "
        f"most {SEARCH_LIMIT}). A POST, so names and identifiers stay out of URLs and logs. No "
        "criterion finds nobody.",
        request=SubjectSearchSerializer,
        responses={200: SubjectSerializer(many=True)},
    ),
)
class SubjectViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantViewSet
):
    serializer_class = SubjectSerializer
    required_capability = {
        "create": "consent.record",
        "partial_update": "consent.record",
        "default": "consent.view",
    }

    def get_queryset(self):
        filters = self.query(SubjectFilterSerializer)
        subjects = subjects_visible_to(self.request.membership).select_related("current_setting")
        if filters.get("current_setting"):
            subjects = subjects.filter(current_setting__public_id=filters["current_setting"])
        if filters.get("sen_status"):
            subjects = subjects.filter(sen_status=filters["sen_status"])
        return subjects

    def get_object(self):
        subject = subject_get_for(self.request.membership, self.kwargs[self.lookup_url_kwarg])
        self.check_object_permissions(self.request, subject)
        return subject

    def retrieve(self, request, *args, **kwargs):
        subject = self.get_object()
        audit_child(request, subject)
        return self.respond(SubjectSerializer, subject)

    def create(self, request, *args, **kwargs):
        payload = SubjectCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        confirmed = fields.pop("confirmed_different")
        try:
            subject = services.subject_create(
                actor=request.membership, confirmed_different=confirmed, **fields
            )
        except services.PossibleDuplicate as duplicate:
            body = {
                "type": "client_error",
                "errors": [
                    {"code": "possible_duplicate", "detail": duplicate.messages[0], "attr": None}
                ],
                "candidates": [match.public_id for match in duplicate.matches],
                "same_identifier": duplicate.same_identifier,
                "hidden_match": duplicate.hidden_match,
            }
            return Response(DuplicateResponseSerializer(body).data, status=status.HTTP_409_CONFLICT)
        return self.respond(SubjectSerializer, subject, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        subject = self.get_object()
        payload = SubjectUpdateSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        if "version" not in fields:
            raise serializers.ValidationError(
                {"version": ["Send the version you read."]}, code="required"
            )
        version = fields.pop("version")
        with transaction.atomic():
            services.subject_update(
                actor=request.membership, subject=subject, expected_version=version, **fields
            )
        fresh = subject_get_for(request.membership, subject.public_id)
        return self.respond(SubjectSerializer, fresh)

    @action(detail=False, methods=["post"], pagination_class=None)
    def search(self, request, *args, **kwargs):
        payload = SubjectSearchSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        criteria = payload.validated_data
        viewer = request.membership
        if criteria.get("text", "").strip():
            found = subject_find(viewer=viewer, text=criteria["text"])
        else:
            found = subject_search(
                viewer=viewer,
                name=criteria.get("name", ""),
                date_of_birth=criteria.get("date_of_birth"),
                nhs_number=criteria.get("nhs_number", ""),
                upn=criteria.get("upn", ""),
            )
        subjects = found.select_related("current_setting")[:SEARCH_LIMIT]
        return Response(SubjectSerializer(subjects, many=True).data)


class SubjectConsentFormViewSet(TenantViewSet):
    """/api/subjects/{id}/consent-form/{agreement_id}/: the consent form to print."""

    required_capability = "consent.view"
    renderer_classes = [PdfRenderer, JSONRenderer]

    @extend_schema(
        summary="The consent form to print, for one agreement in force",
        description="Pre-filled with the child's details and the agreement's consent scopes, "
        "ready to print and sign. Named by the child's id, never their name.",
        responses=PDF_RESPONSE,
    )
    def retrieve(self, request, *args, **kwargs):
        subject = subject_get_for(request.membership, kwargs["id"])
        agreement = (
            agreements_visible_to(request.membership)
            .filter(status__in=IN_FORCE_STATUSES, public_id=kwargs["agreement_id"])
            .first()
        )
        if agreement is None:
            raise Http404("No such agreement.")
        response = HttpResponse(
            consent_form_pdf(subject, agreement), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{consent_form_filename(subject)}"'
        audit_child(request, subject, object_type=CONSENT_FORM_PDF, action=AccessAction.PDF)
        return response
