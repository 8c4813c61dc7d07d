"""/api/decisions/: the log (keyset pages, filters), one decision, recording one, correcting it
(supersede) and a designated manager's approval of an override, each its own endpoint calling
its own service. Decisions are never changed or removed: PUT, PATCH and DELETE are 405."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.fields import get_error_detail
from rest_framework.response import Response

from consent.access import subject_get_for
from partners.api.shell import LOOKUPS, CopiedFieldsMixin, TenantViewSet
from partners.models import Membership, Organisation
from partners.prepared import with_prepared_statements
from partners.raw_reads import by_public_id
from sharing_log import services
from sharing_log.api.serializers import (
    ApprovalInSerializer,
    DecisionBatchInSerializer,
    DecisionBatchSerializer,
    DecisionInSerializer,
    DecisionPageSerializer,
    DecisionSerializer,
    SupersedeInSerializer,
)
from sharing_log.api.summaries import recorded_representation, summary_representations
from sharing_log.audit import audit_decision
from sharing_log.choices import Basis, Outcome
from sharing_log.models import SharingDecision
from sharing_log.selectors import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    DecisionFilters,
    decision_get_for,
    decision_log,
    decision_summaries,
    recorded_row,
)
from sharing_log.services import MAX_BATCH


class DecisionQuerySerializer(CopiedFieldsMixin, serializers.Serializer):
    """The log's filters. Nothing about a child goes in a query string but the child's opaque
    id; dates are the partnership's calendar days, inclusive."""

    decided_from = serializers.DateField(required=False)
    decided_to = serializers.DateField(required=False)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False)
    basis = serializers.ChoiceField(choices=Basis.choices, required=False)
    recipient_organisation = serializers.UUIDField(required=False)
    decided_by = serializers.UUIDField(required=False, help_text="A membership id.")
    subject = serializers.UUIDField(required=False, help_text="A child's id.")
    organisation = serializers.UUIDField(required=False, help_text="The deciding organisation.")
    current = serializers.BooleanField(
        required=False, default=True, help_text="Only the current version of each decision."
    )
    after = serializers.UUIDField(required=False, help_text="The cursor for older decisions.")
    before = serializers.UUIDField(required=False, help_text="The cursor for newer decisions.")
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=PAGE_SIZE
    )


def recorded(decision: SharingDecision) -> Response:
    """The answer to recording a decision: the decision as DecisionSerializer writes it, from
    what the service has just written (no second read of the log)."""
    return Response(recorded_representation(recorded_row(decision)), status=status.HTTP_201_CREATED)


NOT_IN_PARTNERSHIP = "There is no {what} with this id in your partnership."
CHECKED_IN_VIEW = ("recipient_organisation", "decided_by", "subject", "organisation")
NO_SUCH_CURSOR = "There is no decision with this id in the log you may see."


def _resolve(model, public_id, field: str, what: str):
    if public_id is None:
        return None
    # The filters use only its id (an organisation has forty columns).
    found = by_public_id(model, public_id)
    if found is None:
        raise serializers.ValidationError({field: [NOT_IN_PARTNERSHIP.format(what=what)]})
    return found


def _filter_errors(view):
    """The log's filters are checked in the view: an id that names nothing the caller may see,
    or a cursor that is not a decision of the log, is a 400 on that parameter."""
    for field in (*CHECKED_IN_VIEW, "after", "before"):
        view = extend_validation_errors(["invalid"], field_name=field, actions=["list"])(view)
    return view


@_filter_errors
@extend_schema_view(
    list=extend_schema(
        summary="The sharing decision log",
        description="Newest first, keyset-paginated on (decided_at, id): follow `next` for older "
        "decisions and `previous` for newer ones. Only the decisions you may see: your "
        "organisation's (made or received), about children you may see; every one for the IG "
        "officer and the auditor.",
        parameters=[DecisionQuerySerializer],
        responses={200: DecisionPageSerializer},
    ),
    retrieve=extend_schema(summary="One decision"),
    create=extend_schema(
        summary="Record a sharing decision",
        description="Share, share in part or not share (Golden Rule 7). A share claimed on "
        "consent that the consent check does not find is refused (400 on `basis`). Sharing "
        "detailed or sensitive information without consent, or against a refusal, is referred "
        "to a designated manager (`override_kind`).",
        request=DecisionInSerializer,
        responses={201: DecisionSerializer},
    ),
    batch=extend_schema(
        summary="Record several sharing decisions",
        description=f"Up to {MAX_BATCH} decisions, each checked as one is, recorded in the order "
        "given, all or none: a decision that fails is a 400 whose `attr` starts with its place "
        "in the batch (`decisions.3.basis`), and nothing is recorded. The answer lists the "
        "decisions recorded, in the same order, as rows of the log.",
        request=DecisionBatchInSerializer,
        responses={201: DecisionBatchSerializer},
    ),
    supersede=extend_schema(
        summary="Correct a decision",
        description="A new decision that supersedes this one, with the reason; this one is "
        "kept unchanged.",
        request=SupersedeInSerializer,
        responses={201: DecisionSerializer},
    ),
    approval=extend_schema(
        summary="Approve or reject an override",
        description="A designated manager (or manager) of the deciding organisation, other than "
        "the person who decided; once per decision.",
        request=ApprovalInSerializer,
        responses={201: DecisionSerializer},
    ),
)
class DecisionViewSet(TenantViewSet):
    serializer_class = DecisionSerializer
    required_capability = {
        "create": "decisions.record",
        "batch": "decisions.record",
        "supersede": "decisions.record",
        "default": "decisions.view",
    }

    # Each service commits its own transaction. Appending a decision locks the partnership's
    # chain head until the commit, and with a transaction per request that was after the answer
    # had been written too, so every other writer of the partnership waited for it
    # (docs/performance.md, (c)).
    own_transactions = True

    def get_object(self):
        decision = decision_get_for(self.request.membership, self.kwargs[self.lookup_url_kwarg])
        self.check_object_permissions(self.request, decision)
        return decision

    def _writing_context(self) -> dict:
        # One lookup per id however often the request names it (the same gateway, the same
        # organisations in each decision of a batch).
        return {**self.get_serializer_context(), LOOKUPS: {}}

    def _fresh(self, decision, status_code=status.HTTP_201_CREATED):
        fresh = decision_get_for(self.request.membership, decision.public_id)
        return self.respond(DecisionSerializer, fresh, status_code)

    def _filters(self, query: dict) -> DecisionFilters:
        viewer = self.request.membership
        subject = None
        if query.get("subject"):
            try:
                subject = subject_get_for(viewer, query["subject"])
            except Http404:
                # One message for a child that does not exist and one the caller may not see.
                raise serializers.ValidationError(
                    {"subject": ["There is no child with this id that you may see."]}
                ) from None
        return DecisionFilters(
            decided_from=query.get("decided_from"),
            decided_to=query.get("decided_to"),
            outcome=query.get("outcome", ""),
            basis=query.get("basis", ""),
            recipient_organisation=_resolve(
                Organisation,
                query.get("recipient_organisation"),
                "recipient_organisation",
                "organisation",
            ),
            decided_by=_resolve(Membership, query.get("decided_by"), "decided_by", "membership"),
            subject=subject,
            organisation=_resolve(
                Organisation, query.get("organisation"), "organisation", "organisation"
            ),
            current_only=query.get("current", True),
        )

    def _link(self, **cursor) -> str:
        params = {
            key: value
            for key, value in self.request.query_params.items()
            if key not in ("after", "before")
        }
        params.update({key: str(value) for key, value in cursor.items()})
        return self.request.build_absolute_uri(f"{self.request.path}?{urlencode(params)}")

    def list(self, request, *args, **kwargs):
        query = self.query(DecisionQuerySerializer)
        try:
            page = decision_log(
                viewer=request.membership,
                filters=self._filters(query),
                after=query.get("after"),
                before=query.get("before"),
                limit=query["page_size"],
                rows=decision_summaries,
            )
        except Http404:
            cursor = "before" if query.get("before") else "after"
            raise serializers.ValidationError({cursor: [NO_SUCH_CURSOR]}) from None
        body = {
            "next": self._link(after=page.next_after) if page.next_after else None,
            "previous": self._link(before=page.prev_before) if page.prev_before else None,
            # Plain rows written as DecisionSummarySerializer writes them (the schema's).
            "results": summary_representations(page.decisions),
        }
        return Response(body)

    def retrieve(self, request, *args, **kwargs):
        decision = self.get_object()
        audit_decision(request, decision)
        return self.respond(DecisionSerializer, decision)

    @with_prepared_statements
    def create(self, request, *args, **kwargs):
        payload = DecisionInSerializer(data=request.data, context=self._writing_context())
        payload.is_valid(raise_exception=True)
        return recorded(services.decision_record(actor=request.membership, draft=payload.draft()))

    @action(detail=False, methods=["post"])
    @with_prepared_statements
    def batch(self, request, *args, **kwargs):
        payload = DecisionBatchInSerializer(data=request.data, context=self._writing_context())
        payload.is_valid(raise_exception=True)
        try:
            decisions = services.decisions_record(actor=request.membership, drafts=payload.drafts())
        except services.BatchInvalid as invalid:
            raise serializers.ValidationError(
                {
                    "decisions": {
                        index: get_error_detail(error) for index, error in invalid.by_index.items()
                    }
                }
            ) from None
        rows = [recorded_row(decision) for decision in decisions]
        return Response({"results": summary_representations(rows)}, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    @with_prepared_statements
    def supersede(self, request, *args, **kwargs):
        decision = self.get_object()
        payload = SupersedeInSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        correction = services.decision_supersede(
            actor=request.membership,
            decision=decision,
            draft=payload.draft(),
            reason=payload.validated_data["reason"],
        )
        return recorded(correction)

    @action(detail=True, methods=["post"])
    def approval(self, request, *args, **kwargs):
        decision = self.get_object()
        payload = ApprovalInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.override_decide(
            actor=request.membership, decision=decision, **payload.validated_data
        )
        return self._fresh(decision)
