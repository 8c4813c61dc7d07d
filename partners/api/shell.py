"""The REST API shell every app's API shares.

The base viewset for tenant-scoped objects, the field that turns a UUID into a related object of
the active tenant, the exception handler that turns a service's ValidationError into a 400 (and a
refused concurrent edit into a 409), the JSON error views Django uses for /api/ paths that never
reach a DRF view, and token sign-in. Every error, from DRF or from Django, has one shape:
{"type": ..., "errors": [{"code", "detail", "attr"}]} (drf-standardized-errors).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping
from functools import cache
from pathlib import PurePosixPath

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from drf_spectacular.utils import extend_schema, extend_schema_field
from drf_standardized_errors.handler import ExceptionHandler
from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from drf_standardized_errors.settings import package_settings
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.fields import get_error_detail
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from partners import views as pages
from partners.raw_reads import by_public_id
from partners.services import ConcurrentEdit, api_token_issue
from partners.tenancy import TenantManager

API_PREFIX = "/api/"


# --- Errors ----------------------------------------------------------------------------------


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Someone else changed this record while you were editing it."
    default_code = "conflict"


class ApiExceptionHandler(ExceptionHandler):
    """drf-standardized-errors, plus: a service's Django ValidationError is a 400 with field
    messages, so an API view can call a service without translating its errors by hand; a
    concurrent edit the service refused is a 409 Conflict with the service's message; and a view
    with `commit_on_error = True` keeps what its request wrote (token sign-in's failure count), and
    one with `own_transactions = True` has no request-wide transaction to roll back."""

    def set_rollback(self) -> None:
        view = self.context.get("view")
        if getattr(view, "commit_on_error", False) or getattr(view, "own_transactions", False):
            # The service that failed has rolled back its own transaction; any outer one (a
            # test's) is not the request's to end.
            return
        super().set_rollback()

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        # ConcurrentEdit is a ValidationError too, so it is recognised first.
        if isinstance(exc, ConcurrentEdit):
            return Conflict(" ".join(exc.messages))
        if isinstance(exc, DjangoValidationError):
            detail = get_error_detail(exc)
            if isinstance(detail, dict) and NON_FIELD_ERRORS in detail:
                detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
            return exceptions.ValidationError(detail)
        return super().convert_known_exceptions(exc)


class ErrorCode409Enum(models.TextChoices):
    CONFLICT = "conflict"


class Error409Serializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ErrorCode409Enum.choices)
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse409Serializer(serializers.Serializer):
    """The body of a 409: the record changed since the client read it; nothing was saved."""

    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error409Serializer(many=True)


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


# --- Base viewset and fields -----------------------------------------------------------------


class TenantViewSet(viewsets.GenericViewSet):
    """Base of every API viewset over tenant-owned objects.

    Objects are addressed by their UUID (`{id}` in the path, a `uuid` path converter, so anything
    else is a 404 before the view runs). A subclass's `get_object()` calls its model's access
    function, which already answers 404 for a missing or another tenant's object.
    """

    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_converter = "uuid"
    # True: the requests are not one transaction each (ATOMIC_REQUESTS); every service the views
    # call commits, or rolls back, its own.
    own_transactions = False

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        view = super().as_view(actions, **initkwargs)
        return transaction.non_atomic_requests(view) if cls.own_transactions else view

    def http_method_not_allowed(self, request, *args, **kwargs):
        # A method the route does not offer (PUT on a read-only resource, say) is checked against
        # the object first: another tenant's object is a 404 whatever is done to it, exactly as if
        # it did not exist, and only the caller's own object earns the 405.
        if self.lookup_url_kwarg in kwargs:
            self.get_object()
        return super().http_method_not_allowed(request, *args, **kwargs)

    def query(self, serializer_class: type[serializers.Serializer]) -> dict:
        """The request's query parameters, validated: a bad filter is a 400 naming it."""
        params = serializer_class(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return params.validated_data

    def respond(self, serializer_class, instance, status_code: int = status.HTTP_200_OK):
        context = self.get_serializer_context()
        return Response(serializer_class(instance, context=context).data, status=status_code)


# The serializer context's key of the rows a request's id fields have looked up.
LOOKUPS = "lookups"


def _copy_field(field: serializers.Field) -> serializers.Field:
    """A copy of a declared field for one serializer instance (CopiedFieldsMixin)."""
    if isinstance(field, serializers.ManyRelatedField) or (
        isinstance(field, serializers.BaseSerializer)
        and not isinstance(field, serializers.ListSerializer)
    ):
        return copy.deepcopy(field)
    # copy.copy, without its generic protocol: the same new instance with the same attributes.
    copied = object.__new__(type(field))
    copied.__dict__.update(field.__dict__)
    child = getattr(field, "child", None)
    if child is not None:
        # A list's child, copied in turn and bound to this copy, as the list's __init__ binds it.
        copied.child = _copy_field(child)
        copied.child.source = child._kwargs.get("source")
        copied.child.bind(field_name="", parent=copied)
    return copied


class CopiedFieldsMixin:
    """A serializer whose declared fields are copied for each instance, not deep-copied.

    DRF deep-copies every declared field for every serializer it makes, and a field's deep copy
    runs its `__init__` again with deep copies of its arguments (each choice list, each message):
    1.4 ms of recording a decision, whose input has forty-five fields. A field keeps nothing of a
    request but what `bind` sets on it (its name and parent, through which it finds the
    request's context), so a shallow copy, bound to this serializer, is a field of its own; a
    list's child is copied and bound to the list's copy in the same way. A nested serializer
    (not a list of them) is deep-copied as DRF does."""

    def get_fields(self):
        return {name: _copy_field(field) for name, field in self._declared_fields.items()}


@cache
def _every_field(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(field.name for field in model._meta.concrete_fields)


class PublicIdField(serializers.SlugRelatedField):
    """A related object named by its UUID, looked up through the model's tenant-scoped manager
    when the request is validated: another partnership's object is "not found", in the same
    words as an id that never existed. Give the manager (`queryset=Organisation.objects`), not a
    queryset, so the lookup happens inside the request's tenant."""

    default_error_messages = {
        "does_not_exist": "There is no {model} with this id in your partnership.",
        "invalid": "Enter a valid id (a UUID).",
    }

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("slug_field", "public_id")
        super().__init__(**kwargs)

    def public_id_of(self, data) -> uuid.UUID:
        try:
            return uuid.UUID(str(data))
        except (TypeError, ValueError, AttributeError):
            self.fail("invalid")

    def _memo(self) -> dict | None:
        return self.context.get(LOOKUPS)

    def _memo_key(self, public_id: uuid.UUID) -> tuple:
        return (type(self), getattr(self.queryset, "model", None), public_id)

    def remember(self, found: Mapping[uuid.UUID, object]) -> None:
        """Rows already looked up (a batch reads all the ids it names at once): the field
        answers them without asking the database. Only rows this field would find belong here;
        an id left out is looked up, and refused, as usual."""
        memo = self._memo()
        if memo is not None:
            memo.update({self._memo_key(public_id): row for public_id, row in found.items()})

    def look_up(self, public_id: uuid.UUID):
        manager = self.queryset
        if isinstance(manager, TenantManager) and type(manager).get_queryset is (
            TenantManager.get_queryset
        ):
            # The manager's own rows, the partnership's: the whole row by its id through a raw
            # cursor (partners.raw_reads), as get() reads it, without building a queryset.
            model = manager.model
            found = by_public_id(model, public_id, fields=_every_field(model))
            if found is None:
                self.fail("does_not_exist", model=model._meta.verbose_name)
            return found
        queryset = self.get_queryset()
        try:
            return queryset.get(public_id=public_id)
        except ObjectDoesNotExist:
            self.fail("does_not_exist", model=queryset.model._meta.verbose_name)

    def to_internal_value(self, data):
        public_id = self.public_id_of(data)
        # A request that names the same row many times (a batch of decisions, each naming the
        # same gateway and organisations) may share one lookup: a dict under "lookups" in the
        # serializer's context.
        memo = self._memo()
        key = self._memo_key(public_id)
        if memo is not None and key in memo:
            return memo[key]
        found = self.look_up(public_id)
        if memo is not None:
            memo[key] = found
        return found


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "readOnly": True,
        "description": "The name of the stored file, or null when there is none.",
    }
)
class StoredFileNameField(serializers.Field):
    """A stored file, shown by its name only: the file itself is never served from a URL that
    bypasses the tenant check."""

    def __init__(self, **kwargs) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return PurePosixPath(value.name).name if value else None


# --- API tokens ------------------------------------------------------------------------------


class TokenObtainSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    membership = serializers.UUIDField(
        required=False,
        help_text="The membership the token acts as; required when you belong to several "
        "partnerships.",
    )
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text="The 6-digit code from your authenticator app (or a recovery code). Required "
        "for IG officers, designated managers and auditors, and for everyone in a partnership "
        "that asks it or who has set up two-step verification.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Shown once. Send it as `Authorization: Bearer …`.")
    membership = serializers.UUIDField()
    tenant = serializers.CharField()
    role = serializers.CharField()


class ErrorCode429Enum(models.TextChoices):
    THROTTLED = "throttled"


class Error429Serializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ErrorCode429Enum.choices)
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse429Serializer(serializers.Serializer):
    """The body of a 429: too many failed sign-ins from this account or address; wait."""

    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error429Serializer(many=True)


class TokenObtainView(APIView):
    """Exchange an email address and password (and the code from an authenticator app, for those
    who use two-step verification) for an API token bound to one membership."""

    # The credentials are in the body: no session, so no CSRF, and no token needed to get one.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    # A refused sign-in must still count towards the lockout, and a wrong code towards its
    # throttling: the error answer commits the request's transaction instead of rolling it back
    # (the service writes nothing else before it refuses).
    commit_on_error = True

    @extend_schema(
        summary="Obtain an API token",
        description="After repeated failures the account or address is locked for a while "
        "(429, with Retry-After), whatever is sent.",
        request=TokenObtainSerializer,
        responses={201: TokenSerializer, 429: ErrorResponse429Serializer},
    )
    def post(self, request):
        payload = TokenObtainSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        raw, token = api_token_issue(
            request=request._request,
            email=payload.validated_data["email"],
            password=payload.validated_data["password"],
            otp=payload.validated_data.get("otp") or None,
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
