"""The SENCo's list: consents of the children the user may see that are due (or overdue) for
review, and parents' consents a young person must now renew (or, where the partnership asks,
that a child who has turned 12 should look at again)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from consent.models import ConsentRecord
from consent.selectors import (
    consents_due_for_review,
    consents_for_review_at_twelve,
    consents_needing_young_person_renewal,
)
from partners.permissions import MembershipRequiredMixin

PAGE_SIZE = 50
WINDOWS = {"30": 30, "60": 60, "90": 90}


class ConsentsDueView(MembershipRequiredMixin, TemplateView):
    """Soonest first, a page at a time, continuing after the last consent shown (keyset
    pagination: the same cost on every page, and no count of rows). Filters name no child."""

    required_capability = "consent.view"
    template_name = "consent/consents_due.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        viewer, today = self.request.membership, timezone.localdate()
        window = self.request.GET.get("within", "30")
        days = WINDOWS.get(window, 30)
        mine = self.request.GET.get("mine") == "1"
        due = consents_due_for_review(
            viewer=viewer, on=today, within=timedelta(days=days), recorded_by_viewer=mine
        ).select_related("subject__current_setting")
        after = self.request.GET.get("after", "")
        first_page = not after
        if after:
            last = ConsentRecord.objects.filter(public_id=after).values("review_due", "pk").first()
            if last is None:
                raise Http404("No such consent.")
            due = due.filter(
                Q(review_due__gt=last["review_due"])
                | Q(review_due=last["review_due"], pk__gt=last["pk"])
            )
        page = list(due[: PAGE_SIZE + 1])
        rows = page[:PAGE_SIZE]
        next_url = ""
        if len(page) > PAGE_SIZE:
            query = self.request.GET.copy()
            query["after"] = str(rows[-1].public_id)
            next_url = f"?{query.urlencode()}"
        renewals = consents_needing_young_person_renewal(viewer=viewer, on=today)
        twelve = consents_for_review_at_twelve(viewer=viewer, on=today)
        context.update(
            today=today,
            rows=[{"consent": c, "overdue": c.review_due <= today} for c in rows],
            next_url=next_url,
            first_page=first_page,
            within=str(days),
            windows=WINDOWS,
            mine=mine,
            renewals=renewals[:PAGE_SIZE],
            more_renewals=len(renewals) > PAGE_SIZE,
            twelve=twelve[:PAGE_SIZE],
            more_twelve=len(twelve) > PAGE_SIZE,
        )
        return context
