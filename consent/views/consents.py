"""Consent pages: recording consent given or refused (and renewing it), one consent with its
timeline, reviewing and withdrawing it, its signed form, the consent form and receipt as PDFs,
and the list of consents due for review."""

from __future__ import annotations

from functools import cached_property

from django.http import Http404
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from agreements.models import IN_FORCE_STATUSES, Agreement
from agreements.selectors import agreements_visible_to
from consent import services
from consent.audit import (
    CONSENT_FORM_PDF,
    CONSENT_RECEIPT_PDF,
    SIGNED_FORM,
    audit_child,
    audit_consent,
)
from consent.choices import CaptureMethod, ConsentStatus, GiverKind
from consent.forms import AttachFormForm, ConsentForm, ConsentReviewForm, ConsentWithdrawForm
from consent.models import ConsentRecord
from consent.pdf import (
    consent_form_filename,
    consent_form_pdf,
    consent_receipt_filename,
    consent_receipt_pdf,
)
from consent.selectors import (
    consent_get_for,
    consent_settings,
    due_review_at_twelve,
    needs_young_person_renewal,
    subject_get_for,
)
from consent.views.base import (
    ChildFormPage,
    ConsentMixin,
    SubjectMixin,
    consent_url,
    pdf_response,
)
from partners.permissions import MembershipRequiredMixin
from partners.roles import can
from partners.security.models import AccessAction
from partners.views.base import document_response


class ConsentRecordView(SubjectMixin, ChildFormPage):
    """Record a decision about sharing the child's information: consent given, or refused."""

    required_capability = "consent.record"
    template_name = "consent/consent_form.html"
    form_class = ConsentForm
    heading = "Record consent"
    submit_label = "Record the decision"

    replaces: ConsentRecord | None = None

    def page_subject(self):
        return self.subject

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "viewer": self.request.membership}

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.subject, replaces=self.replaces, **kwargs)

    def perform(self, form):
        return services.consent_record(
            actor=self.request.membership,
            subject=self.subject,
            replaces=self.replaces,
            **form.service_arguments(),
        )

    def success_message_for(self, consent) -> str:
        return f"{consent.get_decision_display()} has been recorded."

    def success_url_for(self, consent) -> str:
        return consent_url(consent)


class ConsentRenewView(ConsentMixin, ConsentRecordView):
    """Record a new consent that takes the place of this one (a young person renewing what their
    parent gave, say). The earlier consent ends when the new one is recorded."""

    heading = "Renew consent"

    @cached_property
    def subject(self):
        return self.consent.subject

    @property
    def replaces(self):
        return self.consent

    def load(self) -> None:
        _ = self.consent

    def get_initial(self):
        consent = self.consent
        young_person = needs_young_person_renewal(consent, timezone.localdate())
        return {
            "decision": "given",
            "giver_kind": GiverKind.YOUNG_PERSON if young_person else consent.giver_kind,
            "scopes": [p.scope for p in consent.purposes.all() if p.scope_id],
            "other_purposes": "\n".join(
                p.description for p in consent.purposes.all() if not p.scope_id
            ),
            "recipients": [link.organisation for link in consent.recipient_links.all()],
            "third_parties": "\n".join(
                f"{p.name} – {p.description}" if p.description else p.name
                for p in consent.third_parties.all()
            ),
            "explicit_special_category": consent.explicit_special_category,
            "special_categories": consent.special_categories,
            "capture_method": consent.capture_method,
        }


class ConsentDetailView(ConsentMixin, MembershipRequiredMixin, TemplateView):
    required_capability = "consent.view"
    template_name = "consent/consent_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        consent, today = self.consent, timezone.localdate()
        standing = consent.status == ConsentStatus.GIVEN
        context.update(
            consent=consent,
            subject=consent.subject,
            events=list(consent.events.all()),
            standing=standing,
            review_overdue=standing and consent.review_due and consent.review_due <= today,
            young_person_renewal=standing and needs_young_person_renewal(consent, today),
            review_at_twelve=standing
            and consent_settings().review_at_twelve
            and due_review_at_twelve(consent, today),
            can_record=can(self.request.membership, "consent.record"),
            may_attach=consent.capture_method == CaptureMethod.SIGNED_FORM
            and not consent.signed_form,
        )
        audit_consent(self.request, consent)
        return context


class ConsentPage(ConsentMixin, ChildFormPage):
    required_capability = "consent.record"

    def page_subject(self):
        return self.consent.subject

    def get_caption(self) -> str:
        return f"{self.consent.subject.full_name}: {self.consent}"

    def get_back_url(self) -> str:
        return consent_url(self.consent)

    def get_back_label(self) -> str:
        return "Back to the consent"

    def success_url_for(self, consent) -> str:
        return consent_url(consent)

    def service_refused(self, form, error):
        self.__dict__.pop("consent", None)
        return super().service_refused(form, error)


class ConsentReviewView(ConsentPage):
    form_class = ConsentReviewForm
    heading = "Review consent"
    submit_label = "Record the review"
    intro = (
        "Golden Rule 2: check with the person who gave the consent that it still stands, and "
        "that they understand what is shared, with whom and why. If they have changed their "
        "mind, record a withdrawal instead.",
    )
    success_message = "The review has been recorded."

    def perform(self, form):
        data = form.cleaned_data
        return services.consent_review(
            actor=self.request.membership,
            consent=self.consent,
            reviewed_on=data["reviewed_on"],
            review_due=data["review_due"],
            notes=data["notes"],
        )


class ConsentWithdrawView(ConsentPage):
    form_class = ConsentWithdrawForm
    heading = "Record that consent was withdrawn"
    submit_label = "Record the withdrawal"
    warning = True
    intro = (
        "Nothing more is shared on this consent from the day it was withdrawn. The consent and "
        "its history stay on record; the withdrawal is added to it.",
    )
    success_message = "The withdrawal has been recorded."

    def perform(self, form):
        return services.consent_withdraw(
            actor=self.request.membership,
            consent=self.consent,
            reason=form.cleaned_data["reason"],
            withdrawn_on=form.cleaned_data["withdrawn_on"],
        )


class AttachFormView(ConsentPage):
    template_name = "consent/attach_form.html"
    form_class = AttachFormForm
    heading = "Attach the signed form"
    submit_label = "Attach"
    success_message = "The signed form has been attached."

    def perform(self, form):
        return services.consent_attach_form(
            actor=self.request.membership,
            consent=self.consent,
            signed_form=form.cleaned_data["signed_form"],
        )


class SignedFormView(MembershipRequiredMixin, View):
    """The scan of the signed form, only through this view (MEDIA_ROOT has no URL)."""

    required_capability = "consent.view"

    def get(self, request, id):
        consent = consent_get_for(request.membership, id)
        response = document_response(
            consent.signed_form, download_name=f"signed-consent-form-{consent.public_id}"
        )
        audit_consent(request, consent, object_type=SIGNED_FORM, action=AccessAction.DOWNLOAD)
        return response


class ConsentReceiptPdfView(MembershipRequiredMixin, View):
    required_capability = "consent.view"

    def get(self, request, id):
        consent = consent_get_for(request.membership, id)
        response = pdf_response(consent_receipt_pdf(consent), consent_receipt_filename(consent))
        audit_consent(request, consent, object_type=CONSENT_RECEIPT_PDF, action=AccessAction.PDF)
        return response


class ConsentFormPdfView(MembershipRequiredMixin, View):
    """The consent form for a child under one agreement in force, pre-filled, to print."""

    required_capability = "consent.view"

    def get(self, request, id, agreement_id):
        subject = subject_get_for(request.membership, id)
        try:
            agreement = (
                agreements_visible_to(request.membership)
                .filter(status__in=IN_FORCE_STATUSES)
                .get(public_id=agreement_id)
            )
        except Agreement.DoesNotExist:
            raise Http404("No such agreement.") from None
        response = pdf_response(
            consent_form_pdf(subject, agreement), consent_form_filename(subject)
        )
        audit_child(request, subject, object_type=CONSENT_FORM_PDF, action=AccessAction.PDF)
        return response
