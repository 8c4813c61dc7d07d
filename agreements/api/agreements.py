"""The API of agreements themselves: the register, one agreement with its structured content,
creating and editing (content lists as nested lists, with the version check), each move of the
lifecycle as its own endpoint, the PDF, and the legal bases an agreement may cite.
Thin callers of agreements.services and agreements.selectors."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer

from agreements import services
from agreements.api.common import (
    CONFLICT,
    LegalBasisField,
    PdfRenderer,
    VisibleAgreementField,
    errors_as_attrs,
)
from agreements.choices import AgreementAction, AgreementKind, AgreementStatus
from agreements.models import Agreement, LegalBasis
from agreements.pdf import agreement_pdf, agreement_pdf_filename
from agreements.selectors import (
    agreement_available_actions,
    agreement_can_edit,
    agreement_completeness,
    agreement_content,
    agreement_get_for,
    agreement_list,
    agreements_due_for_review,
    legal_bases_available,
)
from agreements.services import SECTIONS
from agreements.services.lifecycle import AGREEMENT_EDITABLE_FIELDS
from partners.api.shell import PublicIdField, TenantViewSet
from partners.models import Organisation

# The endpoint (under /api/agreements/{id}/) that makes each move of the lifecycle. Closing a
# review has none: completing the review does it (/reviews/{review_id}/complete/).
MOVE_ENDPOINTS = {
    AgreementAction.CIRCULATE: "submit-for-consultation",
    AgreementAction.RETURN_TO_DRAFT: "return-to-draft",
    AgreementAction.APPROVE: "approve",
    AgreementAction.START_REVIEW: "start-review",
    AgreementAction.SUPERSEDE: "supersede",
    AgreementAction.EXPIRE: "expire",
    AgreementAction.WITHDRAW: "withdraw",
}


# --- Structured content ----------------------------------------------------------------------


def _section_serializer(name: str) -> type[serializers.ModelSerializer]:
    """The serializer of one list of content, from the service's own description of it, so the
    API offers exactly the fields `agreement_set_content` takes."""
    spec = SECTIONS[name]
    attrs = {
        "id": serializers.UUIDField(
            source="public_id",
            required=False,
            help_text="The item's id. Give it to keep (and change) an item; leave it out to add "
            "one. Items left out of the list are removed.",
        ),
        "Meta": type("Meta", (), {"model": spec.model, "fields": ["id", *spec.fields]}),
    }
    if name == "legal_bases":
        attrs["basis"] = LegalBasisField(queryset=LegalBasis.objects)
        attrs["citation"] = serializers.CharField(source="basis.citation", read_only=True)
        attrs["title"] = serializers.CharField(source="basis.title", read_only=True)
        attrs["Meta"].fields = [*attrs["Meta"].fields, "citation", "title"]
    class_name = "".join(part.capitalize() for part in name.split("_")) + "Item"
    return type(class_name, (serializers.ModelSerializer,), attrs)


SECTION_SERIALIZERS = {name: _section_serializer(name) for name in SECTIONS}


def _section_fields(*, write: bool) -> dict[str, serializers.Field]:
    """One nested list per section. Read, each comes from `agreement_content` (one query per
    list, however long), which the detail serializer puts on the agreement as `content_lists`."""
    fields = {}
    for name, serializer in SECTION_SERIALIZERS.items():
        label = SECTIONS[name].label
        if write:
            fields[name] = serializer(
                many=True,
                required=False,
                help_text=f"{label}: the whole list, in order. It replaces the current one.",
            )
        else:
            fields[name] = serializer(
                many=True, read_only=True, source=f"content_lists.{name}", help_text=label
            )
    return fields


# --- Agreements ------------------------------------------------------------------------------


class AgreementSerializer(serializers.ModelSerializer):
    """An agreement in the register: its document control and lifecycle."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    parent = serializers.SlugRelatedField(
        slug_field="public_id",
        read_only=True,
        allow_null=True,
        help_text="The agreement this one sits underneath (its id).",
    )
    owner_organisation = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    superseded_by = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )
    version_label = serializers.CharField(read_only=True)
    available_actions = serializers.SerializerMethodField(
        help_text="The lifecycle endpoints you may POST to now, by name "
        "(e.g. submit-for-consultation)."
    )
    version = serializers.IntegerField(
        read_only=True,
        help_text="Send it back with an edit or a move; a stale version is refused with 409.",
    )

    class Meta:
        model = Agreement
        fields = [
            "id",
            "title",
            "reference",
            "kind",
            "status",
            "parent",
            "owner_organisation",
            "owner_name",
            "owner_job_title",
            "document_version",
            "version_label",
            "approval_date",
            "issue_date",
            "next_review_date",
            "superseded_by",
            "review_flagged_at",
            "review_flag_reason",
            "available_actions",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_available_actions(self, agreement: Agreement) -> list[str]:
        viewer = self.context["request"].membership
        return [
            MOVE_ENDPOINTS[action]
            for action in agreement_available_actions(viewer=viewer, agreement=agreement)
            if action in MOVE_ENDPOINTS
        ]


# The narrative headings and settings, shown with one agreement (not in the register).
DETAIL_FIELDS = [f for f in AGREEMENT_EDITABLE_FIELDS if f not in AgreementSerializer.Meta.fields]


class HeadingSerializer(serializers.Serializer):
    heading = serializers.CharField(source="heading.value")
    label = serializers.CharField()
    required = serializers.BooleanField()
    complete = serializers.BooleanField()
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="What is missing; empty when complete."
    )


class _AgreementDetailBase(AgreementSerializer):
    can_edit = serializers.SerializerMethodField(
        help_text="Whether you may edit it at all (its status may still forbid an edit now)."
    )
    completeness = serializers.SerializerMethodField(
        help_text="The ICO data sharing code's headings, complete or not. An agreement is not "
        "approved while a required heading is missing."
    )

    class Meta(AgreementSerializer.Meta):
        fields = [
            *AgreementSerializer.Meta.fields,
            *DETAIL_FIELDS,
            "can_edit",
            "completeness",
            *SECTIONS,
        ]

    def to_representation(self, agreement: Agreement):
        agreement.content_lists = agreement_content(agreement=agreement)
        return super().to_representation(agreement)

    def get_can_edit(self, agreement: Agreement) -> bool:
        return agreement_can_edit(self.context["request"].membership, agreement)

    @extend_schema_field(HeadingSerializer(many=True))
    def get_completeness(self, agreement: Agreement) -> list[dict]:
        return HeadingSerializer(agreement_completeness(agreement).headings, many=True).data


AgreementDetailSerializer = type(
    "AgreementDetailSerializer",
    (_AgreementDetailBase,),
    {
        "__module__": __name__,
        "__doc__": "One agreement in full: every narrative heading, every list of its structured "
        "content and its completeness against the ICO data sharing code.",
        **_section_fields(write=False),
    },
)


class _AgreementInputBase(serializers.ModelSerializer):
    owner_organisation = PublicIdField(
        queryset=Organisation.objects,
        help_text="The organisation that owns the document (IG officers only may change it).",
    )
    parent = VisibleAgreementField(
        queryset=Agreement.objects,
        required=False,
        allow_null=True,
        help_text="The id of the agreement this one sits underneath.",
    )

    class Meta:
        model = Agreement
        fields = ["owner_organisation", *AGREEMENT_EDITABLE_FIELDS, *SECTIONS]


AgreementCreateSerializer = type(
    "AgreementCreateSerializer",
    (_AgreementInputBase,),
    {"__module__": __name__, **_section_fields(write=True)},
)


class _AgreementUpdateBase(_AgreementInputBase):
    version = serializers.IntegerField(
        min_value=1,
        help_text="The version you read. If the agreement changed since, nothing is saved and "
        "the answer is 409 Conflict.",
    )

    class Meta(_AgreementInputBase.Meta):
        fields = [*_AgreementInputBase.Meta.fields, "version"]
        extra_kwargs = {
            "owner_organisation": {"required": False},
            "title": {"required": False},
            "kind": {"required": False},
        }


AgreementUpdateSerializer = type(
    "AgreementUpdateSerializer",
    (_AgreementUpdateBase,),
    {"__module__": __name__, **_section_fields(write=True)},
)


class AgreementFilterSerializer(serializers.Serializer):
    search = serializers.CharField(
        required=False, allow_blank=True, help_text="Title or reference contains this text."
    )
    kind = serializers.ChoiceField(choices=AgreementKind.choices, required=False)
    status = serializers.ChoiceField(choices=AgreementStatus.choices, required=False)
    review_due = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: only agreements in force whose review is due by today (or that were "
        "flagged for review); false: only the others.",
    )


class MoveSerializer(serializers.Serializer):
    reason = serializers.CharField(
        allow_blank=True, help_text="Why: kept with the move in the agreement's history."
    )
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The version you read. If the agreement changed since, nothing moves and the "
        "answer is 409 Conflict.",
    )


class ApproveSerializer(MoveSerializer):
    approved_on = serializers.DateField(required=False, help_text="Today if left out.")
    issued_on = serializers.DateField(required=False, help_text="The approval date if left out.")


class StartReviewSerializer(MoveSerializer):
    due_on = serializers.DateField(
        required=False, help_text="The next review date (or today) if left out."
    )


class SupersedeSerializer(MoveSerializer):
    superseded_by = VisibleAgreementField(
        queryset=Agreement.objects, help_text="The newer agreement, approved and in force."
    )
    carry_over_signatories = serializers.BooleanField(
        default=True,
        help_text="Current signatories transfer to the newer agreement unless this is false.",
    )


class LegalBasisSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    shared = serializers.SerializerMethodField(
        help_text="true for the shared reference rows; false for your partnership's own."
    )

    class Meta:
        model = LegalBasis
        fields = ["id", "code", "kind", "citation", "title", "summary", "shared"]

    def get_shared(self, basis: LegalBasis) -> bool:
        return basis.tenant_id is None


def _move_schema(summary: str, request, description: str = ""):
    return extend_schema(
        summary=summary,
        description=(description + " " if description else "")
        + "IG officers only. A move the agreement's status does not allow is refused (400) with "
        "what is possible now, and nothing changes.",
        request=request,
        responses={200: AgreementDetailSerializer, **CONFLICT},
    )


@extend_schema_view(
    list=extend_schema(
        summary="The register of agreements",
        description="The agreements you may read: everyone reads approved ones; drafts are seen "
        "by the IG officer, the auditor, the owner organisation and those invited or granted. "
        "Newest first (cursor pagination).",
        parameters=[AgreementFilterSerializer],
    ),
    retrieve=extend_schema(
        summary="One agreement with its structured content",
        description="An agreement you may not read (another partnership's, or a draft not "
        "yours) is a 404, as if it did not exist.",
        responses={200: AgreementDetailSerializer},
    ),
    create=extend_schema(
        summary="Draft a new agreement",
        description="IG officers only. Content lists may be given at once; each is saved "
        "through the same rules as an edit.",
        request=AgreementCreateSerializer,
        responses={201: AgreementDetailSerializer},
    ),
    partial_update=extend_schema(
        summary="Edit an agreement and its structured content",
        description="The IG officer edits any agreement that is a draft, in consultation or "
        "under review; a manager of the owner organisation edits a draft they were granted. "
        "Each content list given replaces the current one (items keep their `id`; items left "
        "out are removed). Send the `version` you read: if the agreement changed since, the "
        "answer is 409 and nothing is saved.",
        request=AgreementUpdateSerializer,
        responses={200: AgreementDetailSerializer, **CONFLICT},
    ),
    submit_for_consultation=_move_schema(
        "Send a draft to the partners for consultation", MoveSerializer
    ),
    return_to_draft=_move_schema("Return an agreement in consultation to draft", MoveSerializer),
    approve=_move_schema(
        "Approve the agreement",
        ApproveSerializer,
        "Adds 1 to the version number and sets the approval and issue dates (and, on the first "
        "approval, the first review date). Refused while a required ICO heading is missing, a "
        "review is open or a change consultation undecided.",
    ),
    start_review=_move_schema(
        "Put an active agreement under review",
        StartReviewSerializer,
        "Opens its review record (see /reviews/).",
    ),
    supersede=_move_schema("Mark the agreement as superseded by a newer one", SupersedeSerializer),
    expire=_move_schema("Mark the agreement as expired", MoveSerializer),
    withdraw=_move_schema("Withdraw the agreement", MoveSerializer),
    pdf=extend_schema(
        summary="The agreement as a PDF",
        description="Title page with document control, contents, every section and the "
        "signature table.",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The PDF document."
            )
        },
    ),
)
class AgreementViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    TenantViewSet,
):
    """The partnership's agreements, as far as the caller may see them."""

    serializer_class = AgreementSerializer
    required_capability = {
        "create": "agreements.manage",
        "submit_for_consultation": "agreements.manage",
        "return_to_draft": "agreements.manage",
        "approve": "agreements.manage",
        "start_review": "agreements.manage",
        "supersede": "agreements.manage",
        "expire": "agreements.manage",
        "withdraw": "agreements.manage",
        # Editing: the IG officer, or a manager granted a draft; the service decides (403).
        "default": "agreements.view",
    }

    def get_queryset(self):
        filters = self.query(AgreementFilterSerializer)
        agreements = agreement_list(
            viewer=self.request.membership,
            search=filters.get("search", "").strip(),
            status=filters.get("status", ""),
            kind=filters.get("kind", ""),
        ).select_related("superseded_by")
        if filters["review_due"] is not None:
            due = agreements_due_for_review(on=timezone.localdate()).values("pk")
            agreements = (
                agreements.filter(pk__in=due)
                if filters["review_due"]
                else agreements.exclude(pk__in=due)
            )
        return agreements

    def get_object(self, *, for_edit: bool = False):
        """404 for an agreement the caller may not see; with `for_edit`, 403 for one they may
        see but not change (before their request body is looked at)."""
        agreement = agreement_get_for(
            self.request.membership, self.kwargs[self.lookup_url_kwarg], for_edit=for_edit
        )
        self.check_object_permissions(self.request, agreement)
        return agreement

    def respond_detail(self, agreement: Agreement, status_code: int = status.HTTP_200_OK):
        """The agreement as it now stands, read afresh through the access function."""
        fresh = agreement_get_for(self.request.membership, agreement.public_id)
        return self.respond(AgreementDetailSerializer, fresh, status_code)

    def retrieve(self, request, *args, **kwargs):
        return self.respond(AgreementDetailSerializer, self.get_object())

    def create(self, request, *args, **kwargs):
        payload = AgreementCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        sections = {name: fields.pop(name) for name in SECTIONS if name in fields}
        with transaction.atomic():
            agreement = services.agreement_create(actor=request.membership, **fields)
            self._set_content(agreement, sections)
        return self.respond_detail(agreement, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        agreement = self.get_object(for_edit=True)
        payload = AgreementUpdateSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        if "version" not in fields:
            raise serializers.ValidationError(
                {"version": ["Send the version you read."]}, code="required"
            )
        version = fields.pop("version")
        sections = {name: fields.pop(name) for name in SECTIONS if name in fields}
        with transaction.atomic():
            if fields:
                services.agreement_update(
                    actor=request.membership,
                    agreement=agreement,
                    expected_version=version,
                    **fields,
                )
                version = agreement.version
            self._set_content(agreement, sections, version=version)
        return self.respond_detail(agreement)

    def _set_content(self, agreement: Agreement, sections: dict, version: int | None = None):
        # Each list is saved by the service with the version check; the next list is checked
        # against the version the previous save left.
        for section, items in sections.items():
            with errors_as_attrs():
                services.agreement_set_content(
                    actor=self.request.membership,
                    agreement=agreement,
                    expected_version=version or agreement.version,
                    section=section,
                    items=items,
                )
            version = agreement.version

    # --- The lifecycle: one endpoint per move --------------------------------------------------

    def _move(self, service, serializer_class=MoveSerializer):
        agreement = self.get_object()
        payload = serializer_class(data=self.request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        arguments = dict(payload.validated_data)
        arguments["expected_version"] = arguments.pop("version", None)
        service(actor=self.request.membership, agreement=agreement, **arguments)
        return self.respond_detail(agreement)

    @action(detail=True, methods=["post"], url_path="submit-for-consultation")
    def submit_for_consultation(self, request, *args, **kwargs):
        return self._move(services.agreement_circulate)

    @action(detail=True, methods=["post"], url_path="return-to-draft")
    def return_to_draft(self, request, *args, **kwargs):
        return self._move(services.agreement_return_to_draft)

    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        return self._move(services.agreement_approve, ApproveSerializer)

    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request, *args, **kwargs):
        return self._move(services.agreement_start_review, StartReviewSerializer)

    @action(detail=True, methods=["post"])
    def supersede(self, request, *args, **kwargs):
        return self._move(services.agreement_supersede, SupersedeSerializer)

    @action(detail=True, methods=["post"])
    def expire(self, request, *args, **kwargs):
        return self._move(services.agreement_expire)

    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        return self._move(services.agreement_withdraw)

    @action(detail=True, methods=["get"], renderer_classes=[PdfRenderer, JSONRenderer])
    def pdf(self, request, *args, **kwargs):
        agreement = self.get_object()
        response = HttpResponse(agreement_pdf(agreement), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{agreement_pdf_filename(agreement)}"'
        )
        return response


@extend_schema_view(
    list=extend_schema(
        summary="The legal bases an agreement may cite",
        description="UK GDPR Article 6 and 9 conditions, DPA 2018 Schedule 1 conditions and "
        "statutes: the shared reference list and your partnership's own additions.",
    )
)
class LegalBasisViewSet(mixins.ListModelMixin, TenantViewSet):
    serializer_class = LegalBasisSerializer
    required_capability = "agreements.view"
    # A short reference list (a few dozen rows), in its own order: one page.
    pagination_class = None

    def get_queryset(self):
        return legal_bases_available()
