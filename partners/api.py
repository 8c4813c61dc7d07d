"""REST API of the partners app."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from partners.models import Organisation
from partners.selectors import organisation_get, organisation_list
from partners.services import api_token_issue


class OrganisationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="public_id", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "type", "parent", "is_active"]


class OrganisationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = OrganisationSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    required_capability = "organisations.view"

    def get_queryset(self):
        return organisation_list(search=self.request.query_params.get("search", "").strip())

    def get_object(self):
        organisation = organisation_get(public_id=self.kwargs["id"])
        self.check_object_permissions(self.request, organisation)
        return organisation


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    membership = serializers.UUIDField(required=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    membership = serializers.UUIDField()
    tenant = serializers.CharField()
    role = serializers.CharField()


class TokenObtainView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenRequestSerializer, responses={201: TokenResponseSerializer})
    def post(self, request):
        payload = TokenRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        raw, token = api_token_issue(
            email=payload.validated_data["email"],
            password=payload.validated_data["password"],
            membership_id=payload.validated_data.get("membership"),
        )
        membership = token.membership
        body = {
            "token": raw,
            "membership": membership.public_id,
            "tenant": membership.tenant.name,
            "role": membership.role,
        }
        return Response(TokenResponseSerializer(body).data, status=status.HTTP_201_CREATED)
