"""What the pages share: a form page that calls one service, and documents served only through a
view that has checked who may have them."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.views.generic import FormView

from partners.fields import add_service_errors
from partners.permissions import MembershipRequiredMixin


class ServiceFormView(MembershipRequiredMixin, FormView):
    """A page whose form calls one service (`perform`). The service's ValidationError is shown on
    the form, and whatever the service did before raising it is undone (it runs in a savepoint:
    a page that shows an error must not have saved half of the change)."""

    success_message = ""

    def perform(self, form):
        raise NotImplementedError

    def success_url_for(self, result) -> str:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            with transaction.atomic():
                result = self.perform(form)
        except ValidationError as error:
            return self.service_refused(form, error)
        if message := self.success_message_for(result):
            messages.success(self.request, message)
        return redirect(self.success_url_for(result))

    def success_message_for(self, result) -> str:
        return self.success_message.format(result=result)

    def service_refused(self, form, error: ValidationError):
        add_service_errors(form, error)
        return self.form_invalid(form)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


def document_name(document) -> str:
    """What a stored document is called on a page: its kind, never its stored path."""
    if not document:
        return ""
    return PurePosixPath(document.name).suffix.lstrip(".").upper() + " document"


DOCUMENT_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


def document_response(document, *, download_name: str) -> FileResponse:
    """A stored document as a download, for a view that has already checked who may have it.
    Documents live under MEDIA_ROOT, which no URL serves; this is the only way to them."""
    if not document:
        raise Http404("No document.")
    suffix = PurePosixPath(document.name).suffix.lower()
    try:
        handle = document.open("rb")
    except FileNotFoundError:
        raise Http404("No document.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{download_name}{suffix}",
        content_type=DOCUMENT_CONTENT_TYPES.get(suffix, "application/octet-stream"),
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
