"""The REST API: the shell every app shares (partners.api.shell) and the partners app's
endpoints (organisations and contacts; memberships, invitations and training).

Names used from elsewhere by dotted path (settings, config/urls.py) are imported here, so
`partners.api.ApiExceptionHandler` and `partners.api.page_not_found` keep working.
"""

from partners.api.organisations import ContactViewSet, OrganisationViewSet
from partners.api.people import InvitationViewSet, MembershipViewSet, TrainingRecordViewSet
from partners.api.shell import (
    API_PREFIX,
    ApiExceptionHandler,
    Conflict,
    PublicIdField,
    StoredFileNameField,
    TenantViewSet,
    TokenObtainView,
    bad_request,
    page_not_found,
    permission_denied,
    server_error,
)

__all__ = [
    "API_PREFIX",
    "ApiExceptionHandler",
    "Conflict",
    "ContactViewSet",
    "InvitationViewSet",
    "MembershipViewSet",
    "OrganisationViewSet",
    "PublicIdField",
    "StoredFileNameField",
    "TenantViewSet",
    "TokenObtainView",
    "TrainingRecordViewSet",
    "bad_request",
    "page_not_found",
    "permission_denied",
    "server_error",
]
