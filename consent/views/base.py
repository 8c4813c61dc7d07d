"""What the children and consent pages share: the child (or consent) loaded through its access
function before anything else, so that a record the user may not see is the same 404 for every
method, and PDF downloads."""

from __future__ import annotations

from functools import cached_property

from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control

from agreements.views.base import FormPage, LoadsObjectFirst
from consent.models import ConsentRecord, DataSubject
from consent.selectors import consent_get_for, subject_get_for


def subject_url(subject: DataSubject, tab: str = "") -> str:
    url = reverse("consent:subject_detail", kwargs={"id": subject.public_id})
    return f"{url}#{tab}" if tab else url


def consent_url(consent: ConsentRecord) -> str:
    return reverse("consent:consent_detail", kwargs={"id": consent.public_id})


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


class SubjectMixin(LoadsObjectFirst):
    """A page about one child, addressed by the record's public id: 404 unless the user's
    organisation is involved with the child (or they see every child)."""

    @cached_property
    def subject(self) -> DataSubject:
        return subject_get_for(self.request.membership, self.kwargs["id"])

    def load(self) -> None:
        _ = self.subject


class ConsentMixin(LoadsObjectFirst):
    """A page about one consent record of a child the user may see."""

    @cached_property
    def consent(self) -> ConsentRecord:
        return consent_get_for(self.request.membership, self.kwargs["id"])

    def load(self) -> None:
        _ = self.consent


class ChildFormPage(FormPage):
    """A form page about a child: the caption names the child (in the page, never the URL)."""

    def page_subject(self) -> DataSubject:
        raise NotImplementedError

    def get_caption(self) -> str:
        return self.page_subject().full_name

    def get_back_url(self) -> str:
        return subject_url(self.page_subject())

    def get_back_label(self) -> str:
        return self.page_subject().full_name
