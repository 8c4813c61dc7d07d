"""/api/inaccuracy-notices/: notices that information shared was inaccurate (list, record, one
notice) and each recipient organisation's acknowledgement, its own endpoint."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action

from partners.api.shell import TenantViewSet
from partners.security.audit import access_record
from partners.security.models import AccessAction
from sharing_log import services
from sharing_log.api.serializers import (
    AcknowledgeInSerializer,
    InaccuracyNoticeSerializer,
    NoticeFilterSerializer,
    NoticeInSerializer,
)
from sharing_log.audit import INACCURACY_NOTICE
from sharing_log.selectors import (
    notice_get_for,
    notices_to_acknowledge,
    notices_unacknowledged,
    notices_visible_to,
)


@extend_schema_view(
    list=extend_schema(
        summary="Inaccuracy notices",
        description="Notices on decisions you may see, newest first. `waiting=anyone`: those "
        "some recipient has not acknowledged (every one of the partnership's for the IG "
        "officer); `waiting=us`: those your organisation has not acknowledged.",
        parameters=[NoticeFilterSerializer],
    ),
    retrieve=extend_schema(summary="One inaccuracy notice"),
    create=extend_schema(
        summary="Give notice that shared information was inaccurate",
        description="By the organisation that shared it; every partner organisation it went to "
        "is told and must acknowledge.",
        request=NoticeInSerializer,
        responses={201: InaccuracyNoticeSerializer},
    ),
    acknowledge=extend_schema(
        summary="Acknowledge a notice for your organisation",
        request=AcknowledgeInSerializer,
        responses={201: InaccuracyNoticeSerializer},
    ),
)
class InaccuracyNoticeViewSet(TenantViewSet):
    serializer_class = InaccuracyNoticeSerializer
    required_capability = {"create": "decisions.record", "default": "decisions.view"}

    def get_queryset(self):
        membership = self.request.membership
        waiting = self.query(NoticeFilterSerializer).get("waiting", "")
        if waiting == "anyone":
            notices = notices_unacknowledged(viewer=membership)
        elif waiting == "us":
            notices = notices_to_acknowledge(membership=membership)
        else:
            notices = notices_visible_to(membership)
        return notices.prefetch_related(
            "recipient_organisations__organisation", "acknowledgements"
        ).select_related("decision", "organisation", "recorded_by")

    def get_object(self):
        notice = notice_get_for(self.request.membership, self.kwargs[self.lookup_url_kwarg])
        self.check_object_permissions(self.request, notice)
        return notice

    def _fresh(self, notice):
        fresh = notice_get_for(self.request.membership, notice.public_id)
        return self.respond(InaccuracyNoticeSerializer, fresh, status.HTTP_201_CREATED)

    def list(self, request, *args, **kwargs):
        notices = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(InaccuracyNoticeSerializer(notices, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        notice = self.get_object()
        subject_id = notice.decision.subject.public_id if notice.decision.subject_id else None
        access_record(
            request=request,
            action=AccessAction.VIEW,
            object_type=INACCURACY_NOTICE,
            object_id=notice.public_id,
            subject_id=subject_id,
        )
        return self.respond(InaccuracyNoticeSerializer, notice)

    def create(self, request, *args, **kwargs):
        payload = NoticeInSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        notice = services.inaccuracy_notice_record(
            actor=request.membership, **payload.validated_data
        )
        return self._fresh(notice)

    @action(detail=True, methods=["post"])
    def acknowledge(self, request, *args, **kwargs):
        notice = self.get_object()
        payload = AcknowledgeInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.inaccuracy_acknowledge(
            actor=request.membership, notice=notice, note=payload.validated_data.get("note", "")
        )
        return self._fresh(notice)
