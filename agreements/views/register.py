"""The register of agreements (filtered by kind, status and when review is due) and starting a
new one."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from agreements.choices import AgreementKind, AgreementStatus
from agreements.forms import AgreementCreateForm
from agreements.models import IN_FORCE_STATUSES, Agreement
from agreements.selectors import agreement_list, agreements_visible_to
from agreements.services import agreement_create
from agreements.views.base import FormPage, agreement_url
from partners.permissions import MembershipRequiredMixin
from partners.roles import can

PAGE_SIZE = 50
REVIEW_DUE = {
    "overdue": "Review overdue",
    "next_30_days": "Review due in the next 30 days",
}


class AgreementListView(MembershipRequiredMixin, TemplateView):
    """The agreements the viewer may read, by title. A page at a time, continuing after the
    last title shown (keyset pagination: the same cost on every page, and no count of rows)."""

    required_capability = "agreements.view"
    template_name = "agreements/agreement_list.html"

    def _choice(self, name: str, allowed) -> str:
        value = self.request.GET.get(name, "")
        return value if value in allowed else ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        kind = self._choice("kind", AgreementKind.values)
        status = self._choice("status", AgreementStatus.values)
        review = self._choice("review", REVIEW_DUE)
        agreements = agreement_list(viewer=self.request.membership, kind=kind, status=status)
        if review:
            in_force = agreements.filter(status__in=IN_FORCE_STATUSES)
            agreements = (
                in_force.filter(next_review_date__lt=today)
                if review == "overdue"
                else in_force.filter(
                    next_review_date__gte=today, next_review_date__lte=today + timedelta(days=30)
                )
            )
        after = self.request.GET.get("after", "")
        if after:
            agreements = agreements.filter(self._after(agreements, after))
        page = list(agreements.order_by("title", "pk")[: PAGE_SIZE + 1])
        rows = page[:PAGE_SIZE]
        next_url = ""
        if len(page) > PAGE_SIZE:
            query = self.request.GET.copy()
            query["after"] = str(rows[-1].public_id)
            next_url = f"?{query.urlencode()}"
        # A parent is named only to those who may read it (one query for the whole page).
        parent_ids = {agreement.parent_id for agreement in rows if agreement.parent_id}
        readable_parents = (
            set(
                agreements_visible_to(self.request.membership)
                .filter(pk__in=parent_ids)
                .values_list("pk", flat=True)
            )
            if parent_ids
            else set()
        )
        context.update(
            rows=[
                {
                    "agreement": agreement,
                    "url": agreement_url(agreement),
                    "parent": agreement.parent if agreement.parent_id in readable_parents else None,
                    "overdue": bool(
                        agreement.next_review_date
                        and agreement.status in IN_FORCE_STATUSES
                        and agreement.next_review_date < today
                    ),
                }
                for agreement in rows
            ],
            kinds=AgreementKind.choices,
            statuses=AgreementStatus.choices,
            review_choices=list(REVIEW_DUE.items()),
            kind=kind,
            status=status,
            review=review,
            filtered=bool(kind or status or review),
            next_url=next_url,
            first_page=not after,
            can_manage=can(self.request.membership, "agreements.manage"),
            today=today,
        )
        return context

    @staticmethod
    def _after(agreements, public_id: str) -> Q:
        """The rows after the agreement named (by title, then id): the next page."""
        try:
            last = agreements.values("title", "pk").get(public_id=public_id)
        except (Agreement.DoesNotExist, ValueError, ValidationError):
            raise Http404("No such page.") from None
        return Q(title__gt=last["title"]) | Q(title=last["title"], pk__gt=last["pk"])


class AgreementCreateView(FormPage):
    required_capability = "agreements.manage"
    form_class = AgreementCreateForm
    heading = "Start a new agreement"
    submit_label = "Create the draft"
    intro = (
        "It starts as a draft. Fill in its document control and content, then send it to the "
        "partners for consultation.",
    )
    success_message = "{result.title} has been created as a draft."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "viewer": self.request.membership}

    def get_back_url(self) -> str:
        return reverse("agreement_list")

    def get_back_label(self) -> str:
        return "Agreements"

    def perform(self, form):
        data = form.cleaned_data
        return agreement_create(
            actor=self.request.membership,
            title=data["title"].strip(),
            kind=data["kind"],
            owner_organisation=data["owner_organisation"],
            parent=data["parent"],
        )

    def success_url_for(self, agreement) -> str:
        return agreement_url(agreement)
