"""What the agreement pages share: the agreement (or record under it) loaded through its access
function, and a form page that calls one service and says plainly when it was refused."""

from __future__ import annotations

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse

from agreements.models import Agreement
from agreements.selectors import agreement_get_for
from agreements.services import ConcurrentEdit
from partners.models import Membership
from partners.roles import can
from partners.views.base import ServiceFormView


def agreement_url(agreement: Agreement, tab: str = "") -> str:
    url = reverse("agreement_detail", kwargs={"public_id": agreement.public_id})
    return f"{url}#{tab}" if tab else url


def acts_for(viewer: Membership, organisation_id: int) -> bool:
    """Whether the viewer answers for this organisation: the IG officer records any
    organisation's answer, anyone else only their own (the services check it again)."""
    return can(viewer, "agreements.manage") or viewer.organisation_id == organisation_id


def refuse_with_message(request, error: ValidationError, url: str):
    """Send the user back to a page with the rule that refused what they asked."""
    messages.error(request, " ".join(error.messages))
    return redirect(url)


class LoadsObjectFirst:
    """Loads the page's object before anything else, so that a record the user may not see is
    a 404 for every method, whatever the form holds."""

    def load(self) -> None:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        self.load()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.load()
        handler = getattr(super(), "post", None)
        if handler is None:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return handler(request, *args, **kwargs)


class AgreementMixin(LoadsObjectFirst):
    """A page about one agreement, addressed by its public id (404 unless the viewer may see
    it; with `for_edit`, 403 when they may see it but not change it)."""

    for_edit = False

    @cached_property
    def agreement(self) -> Agreement:
        return agreement_get_for(
            self.request.membership, self.kwargs["public_id"], for_edit=self.for_edit
        )

    def load(self) -> None:
        _ = self.agreement

    def forget_agreement(self) -> None:
        # The copy a refused service was given may hold what the user typed; the page around
        # the form shows what is saved.
        self.__dict__.pop("agreement", None)


class FormPage(ServiceFormView):
    """A form page of the agreements pages (templates/agreements/form_page.html)."""

    template_name = "agreements/form_page.html"
    heading = ""
    submit_label = "Save"
    warning = False
    intro: tuple[str, ...] = ()
    intro_template = ""

    def get_heading(self) -> str:
        return self.heading

    def get_caption(self) -> str:
        return ""

    def get_back_url(self) -> str:
        raise NotImplementedError

    def get_back_label(self) -> str:
        return "Back"

    def get_intro(self) -> tuple[str, ...]:
        return self.intro

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            heading=self.get_heading(),
            caption=self.get_caption(),
            back_url=self.get_back_url(),
            back_label=self.get_back_label(),
            intro=self.get_intro(),
            intro_template=self.intro_template,
            submit_label=self.submit_label,
            warning=self.warning,
        )
        return context

    def service_refused(self, form, error: ValidationError):
        if isinstance(error, ConcurrentEdit):
            # Someone else saved first: nothing of this user's was written. Keep their entries
            # and say so; a 409, as the API answers.
            form.add_error(None, error.messages)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        return super().service_refused(form, error)


class AgreementFormPage(AgreementMixin, FormPage):
    def get_caption(self) -> str:
        return self.agreement.title

    def get_back_url(self) -> str:
        return agreement_url(self.agreement, getattr(self, "back_tab", ""))

    def get_back_label(self) -> str:
        return self.agreement.title

    def get_context_data(self, **kwargs):
        return super().get_context_data(agreement=self.agreement, **kwargs)

    def service_refused(self, form, error: ValidationError):
        self.forget_agreement()
        return super().service_refused(form, error)
