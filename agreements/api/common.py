"""What the agreements API shares: fields that resolve a UUID inside the caller's partnership
(and what the caller may see), the PDF renderer, and the base of every viewset under one
agreement (/api/agreements/{id}/…), which loads the agreement before anything else."""

from __future__ import annotations

import json
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.http import Http404
from rest_framework.renderers import BaseRenderer

from agreements.models import LegalBasis
from agreements.selectors import agreement_get_for, agreements_visible_to
from partners.api.shell import ErrorResponse409Serializer, PublicIdField, TenantViewSet

CONFLICT = {409: ErrorResponse409Serializer}


class VisibleAgreementField(PublicIdField):
    """An agreement named by its id: one of the partnership's that the caller may read. A draft
    they may not see is "not found", in the same words as an id that never existed."""

    def get_queryset(self):
        return agreements_visible_to(self.context["request"].membership)


class LegalBasisField(PublicIdField):
    """A legal basis the partnership's agreements may cite: the shared reference rows and the
    partnership's own, never another partnership's."""

    def get_queryset(self):
        # Evaluated per request: which rows are available depends on the active partnership.
        return LegalBasis.objects.available()


class PdfRenderer(BaseRenderer):
    """application/pdf. The view returns the PDF's bytes itself; an error on the same route
    (a 404, say) is still rendered as the API's JSON error body."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data).encode()


@contextmanager
def errors_as_attrs():
    """The content services name a list's errors "<section>-<index>-<field>" (a formset's
    names); the API names nested fields "<section>.<index>.<field>", as its validation does."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {key.replace("-", "."): value for key, value in error.message_dict.items()}
        ) from None


class UnderAgreementViewSet(TenantViewSet):
    """Base of the viewsets under one agreement. The agreement is loaded first, whatever the
    method: one the caller may not see (another partnership's, a draft not theirs) is a 404
    before any 403, 405 or validation error could tell that it exists."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.agreement = agreement_get_for(request.membership, kwargs["id"])

    def under_agreement(self, obj, agreement_id: int):
        """A record found by its own access function, refused (404) when it belongs to another
        agreement than the one in the path."""
        if agreement_id != self.agreement.pk:
            raise Http404("Not under this agreement.")
        self.check_object_permissions(self.request, obj)
        return obj
