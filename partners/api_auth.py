"""API authentication by bearer token, bound to one membership."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from partners.selectors import api_token_for
from partners.services import api_token_touch, token_digest
from partners.tenancy import bind_for_request


class MembershipTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>` (or `Token <token>`): the token's membership is active."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from None
        token = api_token_for(digest=token_digest(raw))
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        membership = token.membership
        django_request = request._request
        django_request.membership = membership
        django_request.tenant = membership.tenant
        bind_for_request(membership.tenant)
        api_token_touch(token=token)
        return membership.user, token

    def authenticate_header(self, request) -> str:
        return "Bearer"


class MembershipTokenScheme(OpenApiAuthenticationExtension):
    """Documents the token in the OpenAPI schema as an HTTP Bearer scheme (Swagger UI's
    "Authorize" button); `Token <token>` works too but is left out to keep one way to call."""

    target_class = MembershipTokenAuthentication
    name = "membershipToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A token from POST /api/auth/token/, sent as `Authorization: Bearer <token>`. "
                "It acts as one membership: its partnership, organisation and role."
            ),
        }
