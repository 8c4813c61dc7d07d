"""The API of an agreement's reviews (Haringey 5.1–5.5): start one, record its findings and the
date they were reported, add the implementation plan's actions and complete them, and complete
the review (which sets the next review date)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action

from agreements import services
from agreements.api.common import CONFLICT, UnderAgreementViewSet
from agreements.models import Review, ReviewAction
from agreements.selectors import agreement_reviews, review_action_get_for, review_get_for
from partners.api.shell import PublicIdField
from partners.models import Organisation


class ReviewActionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    owner_organisation = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    owner_organisation_name = serializers.CharField(
        source="owner_organisation.name", read_only=True
    )

    class Meta:
        model = ReviewAction
        fields = [
            "id",
            "description",
            "owner_organisation",
            "owner_organisation_name",
            "owner_name",
            "due_on",
            "completed_on",
        ]


class ReviewSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    opened_by = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    completed_by = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True
    )
    is_open = serializers.BooleanField(read_only=True)
    reported_late = serializers.BooleanField(
        read_only=True, help_text="The findings were reported after they were due."
    )
    actions = ReviewActionSerializer(
        many=True, read_only=True, help_text="The implementation plan's actions."
    )

    class Meta:
        model = Review
        fields = [
            "id",
            "due_on",
            "opened_by",
            "reviewers",
            "reviewed_on",
            "findings",
            "next_meeting_on",
            "report_due_on",
            "reported_on",
            "reported_late",
            "implementation_plan",
            "changes_required",
            "completed_on",
            "completed_by",
            "is_open",
            "actions",
            "created_at",
        ]


class StartSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)
    due_on = serializers.DateField(
        required=False, help_text="The next review date (or today) if left out."
    )
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The agreement's version you read; a stale one is refused with 409.",
    )


class FindingsSerializer(serializers.Serializer):
    reviewed_on = serializers.DateField()
    findings = serializers.CharField(allow_blank=True)
    reviewers = serializers.CharField(required=False, allow_blank=True)
    next_meeting_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The next partners' meeting: the report is due then, or one calendar month "
        "after the review, whichever is sooner.",
    )


class ReportSerializer(serializers.Serializer):
    reported_on = serializers.DateField()


class ActionInputSerializer(serializers.Serializer):
    description = serializers.CharField()
    owner_organisation = PublicIdField(queryset=Organisation.objects)
    owner_name = serializers.CharField(max_length=150)
    due_on = serializers.DateField()


class ActionCompleteSerializer(serializers.Serializer):
    completed_on = serializers.DateField(required=False, help_text="Today if left out.")


class CompleteSerializer(serializers.Serializer):
    implementation_plan = serializers.CharField(allow_blank=True)
    changes_required = serializers.BooleanField(
        help_text="false: the agreement returns to active with no new version; true: it stays "
        "under review until the new version is approved."
    )
    completed_on = serializers.DateField(required=False, help_text="Today if left out.")


_IG = "IG officers only."


@extend_schema_view(
    list=extend_schema(
        summary="An agreement's reviews",
        description="With each review's implementation plan; newest first (cursor pagination).",
    ),
    retrieve=extend_schema(summary="One review of the agreement"),
    create=extend_schema(
        summary="Start a review",
        description=f"{_IG} Puts the active agreement under review and opens the review record.",
        request=StartSerializer,
        responses={201: ReviewSerializer, **CONFLICT},
    ),
    findings=extend_schema(
        summary="Record the review's findings",
        description=f"{_IG} Sets when the findings are to be reported.",
        request=FindingsSerializer,
        responses={200: ReviewSerializer},
    ),
    report=extend_schema(
        summary="Record when the findings were reported in writing",
        description=_IG,
        request=ReportSerializer,
        responses={200: ReviewSerializer},
    ),
    complete=extend_schema(
        summary="Complete the review",
        description=f"{_IG} Needs the findings, their report and the implementation plan; sets "
        "the next review date.",
        request=CompleteSerializer,
        responses={200: ReviewSerializer},
    ),
)
class ReviewViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, UnderAgreementViewSet
):
    """/api/agreements/{id}/reviews/…"""

    serializer_class = ReviewSerializer
    lookup_url_kwarg = "review_id"
    required_capability = {
        "create": "agreements.manage",
        "findings": "agreements.manage",
        "report": "agreements.manage",
        "complete": "agreements.manage",
        "default": "agreements.view",
    }

    def get_queryset(self):
        return agreement_reviews(agreement=self.agreement)

    def get_object(self):
        review = review_get_for(self.request.membership, self.kwargs[self.lookup_url_kwarg])
        return self.under_agreement(review, review.agreement_id)

    def fresh(self, review: Review) -> Review:
        return agreement_reviews(agreement=self.agreement).get(pk=review.pk)

    def create(self, request, *args, **kwargs):
        payload = StartSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        arguments = dict(payload.validated_data)
        review = services.agreement_start_review(
            actor=request.membership,
            agreement=self.agreement,
            expected_version=arguments.pop("version", None),
            **arguments,
        )
        return self.respond(ReviewSerializer, self.fresh(review), status.HTTP_201_CREATED)

    def _record(self, service, serializer_class):
        review = self.get_object()
        payload = serializer_class(data=self.request.data)
        payload.is_valid(raise_exception=True)
        service(actor=self.request.membership, review=review, **payload.validated_data)
        return self.respond(ReviewSerializer, self.fresh(review))

    @action(detail=True, methods=["post"])
    def findings(self, request, *args, **kwargs):
        return self._record(services.review_record_findings, FindingsSerializer)

    @action(detail=True, methods=["post"])
    def report(self, request, *args, **kwargs):
        return self._record(services.review_report, ReportSerializer)

    @action(detail=True, methods=["post"])
    def complete(self, request, *args, **kwargs):
        return self._record(services.review_complete, CompleteSerializer)


@extend_schema_view(
    create=extend_schema(
        summary="Add an action to a review's implementation plan",
        description=f"{_IG} An owner (an organisation of the partnership and a person) and a "
        "due date.",
        request=ActionInputSerializer,
        responses={201: ReviewActionSerializer},
    ),
    complete=extend_schema(
        summary="Mark an implementation plan action done",
        description=_IG,
        request=ActionCompleteSerializer,
        responses={200: ReviewActionSerializer},
    ),
)
class ReviewActionViewSet(mixins.CreateModelMixin, UnderAgreementViewSet):
    """/api/agreements/{id}/reviews/{review_id}/actions/…"""

    serializer_class = ReviewActionSerializer
    lookup_url_kwarg = "action_id"
    required_capability = "agreements.manage"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        review = review_get_for(request.membership, kwargs["review_id"])
        self.review = self.under_agreement(review, review.agreement_id)

    def get_object(self):
        planned = review_action_get_for(self.request.membership, self.kwargs[self.lookup_url_kwarg])
        if planned.review_id != self.review.pk:
            raise Http404("Not an action of this review.")
        self.check_object_permissions(self.request, planned)
        return planned

    def create(self, request, *args, **kwargs):
        payload = ActionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        planned = services.review_action_add(
            actor=request.membership, review=self.review, **payload.validated_data
        )
        return self.respond(ReviewActionSerializer, planned, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def complete(self, request, *args, **kwargs):
        planned = self.get_object()
        payload = ActionCompleteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.review_action_complete(
            actor=request.membership, action=planned, **payload.validated_data
        )
        return self.respond(ReviewActionSerializer, planned)
