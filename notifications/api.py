"""The inbox over the API: a member's own notices only."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from notifications.models import Notice
from notifications.selectors import inbox_list, notice_get
from notifications.services import inbox_mark_all_read, inbox_mark_read
from partners.api.shell import TenantViewSet


class NoticeSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["id", "title", "body", "link", "reason", "created_at", "read_at", "is_read"]

    def get_is_read(self, notice: Notice) -> bool:
        return notice.read_at is not None


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notices this call marked read.")


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """The caller's notices, newest first; `?unread=true` for unread ones only."""

    serializer_class = NoticeSerializer
    required_capability = "dashboard.view"

    def get_queryset(self):
        return inbox_list(
            membership=self.request.membership,
            unread_only=self.request.query_params.get("unread") == "true",
        )

    def get_object(self):
        return notice_get(membership=self.request.membership, public_id=self.kwargs["id"])

    @extend_schema(request=None, responses={200: MarkedSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, id=None):
        marked = inbox_mark_read(membership=request.membership, notice=self.get_object())
        return Response({"marked": int(marked)}, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses={200: MarkedSerializer})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": inbox_mark_all_read(membership=request.membership)})
