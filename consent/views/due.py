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
from partners.links import link_maker
from partners.permissions import MembershipRequiredMixin
from partners.reminders import long_date

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
        )
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
        # One more than is shown tells whether there are more.
        renewals = consents_needing_young_person_renewal(
            viewer=viewer, on=today, limit=PAGE_SIZE + 1
        )
        twelve = consents_for_review_at_twelve(viewer=viewer, on=today, limit=PAGE_SIZE + 1)
        context.update(
            today=today,
            rows=due_rows(rows, today=today),
            next_url=next_url,
            first_page=first_page,
            within=str(days),
            windows=WINDOWS,
            mine=mine,
            renewals=given_rows(renewals[:PAGE_SIZE]),
            more_renewals=len(renewals) > PAGE_SIZE,
            twelve=given_rows(twelve[:PAGE_SIZE]),
            more_twelve=len(twelve) > PAGE_SIZE,
        )
        return context


# What the lists write of each consent, worked out here rather than by template lookups,
# filters and a reversed link per row: 150 rows of them were most of the page's time
# (docs/performance.md, (h)).


def due_rows(consents, *, today) -> list[dict]:
    detail_url = link_maker("consent:consent_detail", "id")
    return [
        {
            "url": detail_url(consent.public_id),
            "overdue": consent.review_due <= today,
            "due_iso": consent.review_due.isoformat(),
            "due": long_date(consent.review_due),
            "child": consent.subject.full_name,
            "setting": (
                consent.subject.current_setting.name
                if consent.subject.current_setting_id
                else "None recorded"
            ),
            "given_by": f"{consent.giver_name} ({consent.relationship_label})",
            "recorded_by": consent.recorded_by.user.full_name if consent.recorded_by_id else "",
        }
        for consent in consents
    ]


def given_rows(consents) -> list[dict]:
    detail_url = link_maker("consent:consent_detail", "id")
    return [
        {
            "url": detail_url(consent.public_id),
            "child": consent.subject.full_name,
            "given_by": consent.giver_name,
            "given_on": long_date(consent.given_on),
        }
        for consent in consents
    ]
