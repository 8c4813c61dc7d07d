"""An agreement's page, in tabs: summary and document control, content, signatories,
consultations, reviews and audit requests, history, completeness against the ICO code, and the
agreements above and below it. Also what changed between versions, and the agreement as a PDF."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views import View
from django.views.generic import TemplateView

from agreements.choices import AgreementAction, ConsultationStatus, SignatoryStatus
from agreements.models import EDITABLE_STATUSES, IN_FORCE_STATUSES
from agreements.selectors import (
    agreement_available_actions,
    agreement_can_edit,
    agreement_children,
    agreement_completeness,
    agreement_consultations,
    agreement_content,
    agreement_get_for,
    agreement_history,
    agreement_inherited_terms,
    agreement_reviews,
    agreement_signatories,
    agreement_transitions,
    agreement_version_diff,
    agreements_visible_to,
    consultation_tally,
    signatory_counts,
)
from agreements.services import SECTIONS
from agreements.views.base import AgreementMixin, acts_for
from partners.permissions import MembershipRequiredMixin
from partners.roles import can

# The page for each move of the lifecycle (its own URL, calling its own service).
MOVE_URLS = {action.value: f"agreement_{action.value}" for action in AgreementAction}
MOVE_URLS.pop(AgreementAction.CLOSE_REVIEW.value)  # completing a review closes it


def status_colour(status: str) -> str:
    return {
        "draft": "grey",
        "consultation": "yellow",
        "active": "green",
        "under_review": "blue",
        "superseded": "purple",
        "expired": "orange",
        "withdrawn": "red",
    }.get(status, "grey")


class AgreementDetailView(AgreementMixin, MembershipRequiredMixin, TemplateView):
    required_capability = "agreements.view"
    template_name = "agreements/agreement_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        viewer, agreement = self.request.membership, self.agreement
        today = timezone.localdate()
        in_force = agreement.status in IN_FORCE_STATUSES
        can_manage = can(viewer, "agreements.manage")
        content = agreement_content(agreement=agreement)
        transitions = list(agreement_transitions(agreement=agreement))
        approvals = [t for t in transitions if t.action == AgreementAction.APPROVE]
        signatories = [
            {
                "row": signatory,
                "may_act": acts_for(viewer, signatory.organisation_id)
                and can(viewer, "agreements.sign"),
            }
            for signatory in agreement_signatories(agreement=agreement)
        ]
        count_dates = sorted({t.at.date() for t in approvals} | {today})[-6:]
        consultations = [
            {"consultation": c, "tally": consultation_tally(consultation=c, on=today)}
            for c in agreement_consultations(agreement=agreement)
        ]
        context.update(
            agreement=agreement,
            # Named only to those who may read it (a draft above a published agreement).
            parent=agreement.parent
            if agreement.parent_id
            and agreements_visible_to(viewer).filter(pk=agreement.parent_id).exists()
            else None,
            today=today,
            status_colour=status_colour(agreement.status),
            review_overdue=bool(
                in_force and agreement.next_review_date and agreement.next_review_date < today
            ),
            in_force=in_force,
            can_manage=can_manage,
            can_edit=agreement.status in EDITABLE_STATUSES
            and agreement_can_edit(viewer, agreement),
            moves=[
                {"label": AgreementAction(action).label, "url_name": MOVE_URLS[action]}
                for action in agreement_available_actions(viewer=viewer, agreement=agreement)
                if action in MOVE_URLS
            ],
            sections=[
                {"name": name, "label": spec.label, "rows": content[name]}
                for name, spec in SECTIONS.items()
            ],
            signatories=signatories,
            signed_count=sum(1 for s in signatories if s["row"].status == SignatoryStatus.SIGNED),
            counts=signatory_counts(agreement=agreement, dates=count_dates),
            consultations=consultations,
            may_propose_change=can_manage
            and in_force
            and not any(c["consultation"].status == ConsultationStatus.OPEN for c in consultations),
            reviews=agreement_reviews(agreement=agreement),
            audit_requests=agreement.audit_requests.select_related(
                "requesting_organisation", "audited_organisation"
            ),
            may_request_audit=can(viewer, "agreements.request_audit") and not agreement.is_terminal,
            transitions=transitions,
            approved_versions=[t.document_version for t in approvals],
            history=agreement_history(agreement=agreement),
            completeness=agreement_completeness(agreement),
            inherited=agreement_inherited_terms(viewer=viewer, agreement=agreement),
            children=agreement_children(viewer=viewer, agreement=agreement).order_by("title"),
        )
        return context


class AgreementChangesView(AgreementMixin, MembershipRequiredMixin, TemplateView):
    """What changed from one approved version to another (`?to=`), or to now."""

    required_capability = "agreements.view"
    template_name = "agreements/agreement_changes.html"

    def _to_version(self) -> int | None:
        value = self.request.GET.get("to", "")
        if not value:
            return None
        try:
            return int(value)
        except ValueError:
            raise Http404("No such version.") from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        diff = agreement_version_diff(
            agreement=self.agreement,
            from_version=self.kwargs["from_version"],
            to_version=self._to_version(),
        )
        return {**context, "agreement": self.agreement, "diff": diff}


class AgreementPdfView(MembershipRequiredMixin, View):
    """The agreement as a PDF, for those who may read it, named as the API names it (its title and
    version: an agreement is about partners, never about a child)."""

    required_capability = "agreements.view"

    def get(self, request, public_id):
        agreement = agreement_get_for(request.membership, public_id)
        # Imported here: the PDF module is built beside these pages.
        from agreements.pdf import agreement_pdf, agreement_pdf_filename

        response = HttpResponse(agreement_pdf(agreement), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{agreement_pdf_filename(agreement)}"'
        )
        patch_cache_control(response, private=True, no_store=True)
        return response
