"""The REST API shell and the partners app's endpoints.

The shell is what every app's API shares: the base viewset for tenant-scoped objects, the
exception handler that turns a service's ValidationError into a 400, and the JSON error views
Django uses for /api/ paths that never reach a DRF view. Every error, from DRF or from Django,
has one shape: {"type": ..., "errors": [{"code", "detail", "attr"}]} (drf-standardized-errors).
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_standardized_errors.handler import ExceptionHandler
from drf_standardized_errors.settings import package_settings
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.fields import get_error_detail
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from partners import views as pages
from partners.models import Organisation
from partners.selectors import organisation_get, organisation_list
from partners.services import api_token_issue

API_PREFIX = "/api/"


# --- Errors ----------------------------------------------------------------------------------


class ApiExceptionHandler(ExceptionHandler):
    """drf-standardized-errors, plus: a service's Django ValidationError is a 400 with field
    messages, so an API view can call a service without translating its errors by hand."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, DjangoValidationError):
            detail = get_error_detail(exc)
            if isinstance(detail, dict) and NON_FIELD_ERRORS in detail:
                detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
            return exceptions.ValidationError(detail)
        return super().convert_known_exceptions(exc)


def _json_error(request: HttpRequest, exc: exceptions.APIException) -> JsonResponse:
    context = {"view": None, "args": (), "kwargs": {}, "request": request}
    body = package_settings.EXCEPTION_FORMATTER_CLASS(exc, context, exc).run()
    return JsonResponse(body, status=exc.status_code)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


# Django's error views (config/urls.py handler400/403/404/500). An /api/ path that no DRF view
# handled (an unknown URL, a bad Host header) answers in the API's error format; every other
# path gets the service's error page.


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json_error(request, exceptions.ParseError("Bad request."))
    return pages.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json_error(request, exceptions.PermissionDenied())
    return pages.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json_error(request, exceptions.NotFound())
    return pages.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _json_error(request, exceptions.APIException())
    return pages.server_error(request)


# --- Base viewset ----------------------------------------------------------------------------


class TenantViewSet(viewsets.GenericViewSet):
    """Base of every API viewset over tenant-owned objects.

    Objects are addressed by their UUID (`{id}` in the path, a `uuid` path converter, so anything
    else is a 404 before the view runs). A subclass's `get_object()` calls its model's access
    function, which already answers 404 for a missing or another tenant's object.
    """

    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_converter = "uuid"

    def http_method_not_allowed(self, request, *args, **kwargs):
        # A method the route does not offer (PUT on a read-only resource, say) is checked against
        # the object first: another tenant's object is a 404 whatever is done to it, exactly as if
        # it did not exist, and only the caller's own object earns the 405.
        if self.lookup_url_kwarg in kwargs:
            self.get_object()
        return super().http_method_not_allowed(request, *args, **kwargs)


# --- Organisations ---------------------------------------------------------------------------


class OrganisationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "type", "parent", "is_active"]


@extend_schema_view(
    list=extend_schema(
        summary="The partnership's organisations",
        description="Newest first, a page at a time: follow `next` (cursor pagination).",
        parameters=[
            OpenApiParameter(
                "search",
                OpenApiTypes.STR,
                description="Only organisations whose name contains this text.",
            )
        ],
    ),
    retrieve=extend_schema(
        summary="One organisation of the partnership",
        description="Another partnership's organisation is a 404, as if it did not exist.",
    ),
)
class OrganisationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Organisations of the caller's partnership."""

    serializer_class = OrganisationSerializer
    required_capability = "organisations.view"

    def get_queryset(self):
        return organisation_list(search=self.request.query_params.get("search", "").strip())

    def get_object(self):
        organisation = organisation_get(public_id=self.kwargs[self.lookup_url_kwarg])
        self.check_object_permissions(self.request, organisation)
        return organisation


# --- API tokens ------------------------------------------------------------------------------


class TokenObtainSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    membership = serializers.UUIDField(
        required=False,
        help_text="The membership the token acts as; required when you belong to several "
        "partnerships.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Shown once. Send it as `Authorization: Bearer …`.")
    membership = serializers.UUIDField()
    tenant = serializers.CharField()
    role = serializers.CharField()


class TokenObtainView(APIView):
    """Exchange an email address and password for an API token bound to one membership."""

    # The credentials are in the body: no session, so no CSRF, and no token needed to get one.
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Obtain an API token",
        request=TokenObtainSerializer,
        responses={201: TokenSerializer},
    )
    def post(self, request):
        payload = TokenObtainSerializer(data=request.data)
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
        return Response(TokenSerializer(body).data, status=status.HTTP_201_CREATED)
