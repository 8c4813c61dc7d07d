"""Importing organisations from a Get Information About Schools (GIAS) extract: upload, preview,
then progress polled by htmx until the worker has finished."""

from __future__ import annotations

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from partners.forms import OrganisationImportForm
from partners.models import ImportStatus, OrganisationType
from partners.permissions import MembershipRequiredMixin
from partners.security.audit import IMPORT_FILE, access_record
from partners.security.models import AccessAction
from partners.selectors import (
    organisation_import_get,
    organisation_imports_recent,
)
from partners.services import (
    organisation_import_confirm,
    organisation_import_preview,
    organisation_import_upload,
)
from partners.views.base import ServiceFormView


class OrganisationImportUploadView(ServiceFormView):
    required_capability = "organisations.manage"
    template_name = "partners/import_upload.html"
    form_class = OrganisationImportForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(recent=organisation_imports_recent(), **kwargs)

    def perform(self, form):
        return organisation_import_upload(
            actor=self.request.membership, upload=form.cleaned_data["source"]
        )

    def success_url_for(self, job) -> str:
        return reverse("organisation_import_preview", kwargs={"public_id": job.public_id})


class OrganisationImportPreviewView(MembershipRequiredMixin, TemplateView):
    """What the import would do, before anything is written; its button starts the import."""

    required_capability = "organisations.manage"
    template_name = "partners/import_preview.html"
    SAMPLE_SIZE = 20

    @cached_property
    def job(self):
        return organisation_import_get(public_id=self.kwargs["public_id"])

    def get(self, request, *args, **kwargs):
        if self.job.status != ImportStatus.PREVIEWED:
            return redirect(_progress_url(self.job))
        response = super().get(request, *args, **kwargs)
        # The preview shows rows of the uploaded file.
        access_record(
            request=request,
            action=AccessAction.VIEW,
            object_type=IMPORT_FILE,
            object_id=self.job.public_id,
        )
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        preview = organisation_import_preview(job=self.job, sample_size=self.SAMPLE_SIZE)
        types = dict(OrganisationType.choices)
        for row in preview.sample:
            row["type_label"] = types.get(row.get("type"), row.get("type"))
        context.update(job=self.job, preview=preview)
        return context

    def post(self, request, *args, **kwargs):
        try:
            with transaction.atomic():
                organisation_import_confirm(actor=request.membership, job=self.job)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
        return redirect(_progress_url(self.job))


def _progress_url(job) -> str:
    return reverse("organisation_import_progress", kwargs={"public_id": job.public_id})


class OrganisationImportProgressView(MembershipRequiredMixin, TemplateView):
    """How far the import has got. The page polls its status fragment (below) every second
    until the import has finished, then shows the result."""

    required_capability = "organisations.manage"
    template_name = "partners/import_progress.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = organisation_import_get(public_id=self.kwargs["public_id"])
        context.update(job=job, finished=job.status in (ImportStatus.DONE, ImportStatus.FAILED))
        return context


@method_decorator(never_cache, name="dispatch")
class OrganisationImportStatusView(OrganisationImportProgressView):
    template_name = "partners/_import_status.html"
