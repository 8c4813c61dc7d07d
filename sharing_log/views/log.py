"""The organisation's log and a child's log, filtered (date range, decision, legal basis,
recipient, practitioner) and paged by keyset ("Newer" / "Older" with an opaque cursor: no page
numbers and no count, so page 1,000 costs what page 1 does), and the CSV export of a filtered
log (streamed, formula-injection safe, recorded in the access audit)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views import View
from django.views.generic import TemplateView

from consent.audit import CHILD
from consent.models.subjects import full_name
from partners.links import link_maker
from partners.permissions import MembershipRequiredMixin
from partners.roles import can
from partners.security.audit import access_record
from partners.security.csv import csv_response
from partners.security.models import AccessAction
from sharing_log.audit import DECISION_LOG_EXPORT
from sharing_log.choices import Basis, OverrideStatus
from sharing_log.forms import LogFilterForm
from sharing_log.selectors import (
    EXPORT_HEADER,
    DecisionFilters,
    decision_export_rows,
    decision_log,
    decision_table_rows,
    override_status_for,
)
from sharing_log.templatetags.sharing_log_tags import outcome_tag, override_tag
from sharing_log.views.base import NEWER, OLDER, ChildMixin, decode_cursor, encode_cursor

# Decisions per page of a log.
PAGE_SIZE = 50

FILTER_NAMES = (
    "decided_from_day",
    "decided_from_month",
    "decided_from_year",
    "decided_to_day",
    "decided_to_month",
    "decided_to_year",
    "outcome",
    "basis",
    "recipient",
    "organisation",
    "practitioner",
)


def filter_form(request) -> LogFilterForm:
    viewer = request.membership
    sees_all = can(viewer, "decisions.view_all")
    bound = any(request.GET.get(name) for name in FILTER_NAMES)
    return LogFilterForm(request.GET if bound else None, viewer=viewer, sees_all=sees_all)


def filters_from(form: LogFilterForm, **fixed) -> DecisionFilters:
    """The filters that were given and valid (an invalid one is shown with its error and not
    applied)."""
    if not form.is_bound:
        return DecisionFilters(**fixed)
    form.is_valid()
    data = form.cleaned_data
    return DecisionFilters(
        decided_from=data.get("decided_from"),
        decided_to=data.get("decided_to"),
        outcome=data.get("outcome") or "",
        basis=data.get("basis") or "",
        recipient_organisation=data.get("recipient"),
        decided_by=data.get("practitioner"),
        organisation=data.get("organisation"),
        **fixed,
    )


BREAK = mark_safe("<br>")


def table_rows(decisions: list[dict]) -> list[dict]:
    """What the log's table writes for each decision (a `decision_table_rows` row), worked out
    here: fifty rows of template lookups, filters, links and included tags were half the page's
    time (docs/performance.md). The tags and month names are written once per page."""
    detail_url = link_maker("sharing_log:decision_detail", "id")
    # "j M Y, H:i" as Django's date filter writes it ("7 Dec 2026, 09:05").
    months = {month: str(name).title() for month, name in MONTHS_3.items()}
    bases = dict(Basis.choices)
    tags_for: dict[tuple[str, str], str] = {}
    rows = []
    for decision in decisions:
        decided = timezone.localtime(decision["decided_at"])
        status = override_status_for(decision["override_kind"], decision["approval__outcome"])
        key = (decision["outcome"], status)
        if key not in tags_for:
            tags = outcome_tag(decision["outcome"])
            if status != OverrideStatus.NONE:
                tags = tags + BREAK + override_tag(status)
            tags_for[key] = tags
        recipients = [(label,) for label in decision["recipients"]]
        rows.append(
            {
                "url": detail_url(decision["public_id"]),
                "decided_iso": decided.isoformat(),
                "decided_label": (
                    f"{decided.day} {months[decided.month]} {decided.year}, "
                    f"{decided.hour:02d}:{decided.minute:02d}"
                ),
                "corrects": decision["supersedes_id"] is not None,
                "about": (
                    full_name(decision["subject__forenames"], decision["subject__surname"])
                    if decision["subject_id"]
                    else "Aggregate information"
                ),
                "tags": tags_for[key],
                "basis": bases.get(decision["basis"], decision["basis"]) or "None given",
                "recipients": format_html_join(BREAK, "{}", recipients) if recipients else "Nobody",
                "by": decision["decided_by__user__full_name"],
                "organisation": decision["organisation__name"],
            }
        )
    return rows


class LogPage(MembershipRequiredMixin, TemplateView):
    required_capability = "decisions.view"
    template_name = "sharing_log/decision_list.html"

    def fixed_filters(self) -> dict:
        return {}

    def export_url_name(self) -> str:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        viewer = self.request.membership
        form = filter_form(self.request)
        filters = filters_from(form, **self.fixed_filters())
        cursor = decode_cursor(self.request.GET.get("cursor", ""))
        page = self._page(viewer, filters, cursor)
        query = self.request.GET.copy()
        query.pop("cursor", None)

        def link(direction, public_id) -> str:
            linked = query.copy()
            linked["cursor"] = encode_cursor(direction, public_id)
            return f"?{linked.urlencode()}"

        context.update(
            filter_form=form,
            filtered=form.is_bound,
            rows=table_rows(page.decisions),
            older_url=link(OLDER, page.next_after) if page.has_next else "",
            newer_url=link(NEWER, page.prev_before) if page.prev_before else "",
            export_query=query.urlencode(),
            can_record=can(viewer, "decisions.record"),
            can_export=can(viewer, "decisions.export"),
            sees_all=can(viewer, "decisions.view_all"),
        )
        return context

    @staticmethod
    def _page(viewer, filters, cursor):
        read = {
            "viewer": viewer,
            "filters": filters,
            "limit": PAGE_SIZE,
            "rows": decision_table_rows,
        }
        if cursor is None:
            return decision_log(**read)
        direction, public_id = cursor
        if direction == OLDER:
            return decision_log(after=public_id, **read)
        return decision_log(before=public_id, **read)


class DecisionListView(LogPage):
    """The log of the viewer's organisation (decisions it made or received), or of the whole
    partnership for the IG officer and the auditor."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading="Sharing decision log", export_url_name="sharing_log:decision_export", **kwargs
        )


class ChildLogView(ChildMixin, LogPage):
    """A child's log: the decisions about one child the viewer may see."""

    def fixed_filters(self) -> dict:
        return {"subject": self.subject}

    def get_context_data(self, **kwargs):
        # Viewing a child's sharing history is a view of the child's record.
        access_record(
            request=self.request,
            action=AccessAction.VIEW,
            object_type=CHILD,
            object_id=self.subject.public_id,
            subject_id=self.subject.public_id,
        )
        return super().get_context_data(
            heading="Sharing decisions",
            subject=self.subject,
            export_url_name="sharing_log:child_export",
            **kwargs,
        )


class ExportView(MembershipRequiredMixin, View):
    """The filtered log as CSV, streamed row by row."""

    required_capability = "decisions.export"

    def fixed_filters(self) -> dict:
        return {}

    def subject_id(self):
        return None

    def filename(self) -> str:
        return f"sharing-log-{slugify(self.request.membership.tenant.name)[:40]}.csv"

    def get(self, request, *args, **kwargs):
        filters = filters_from(filter_form(request), **self.fixed_filters())
        access_record(
            request=request,
            action=AccessAction.EXPORT,
            object_type=DECISION_LOG_EXPORT,
            subject_id=self.subject_id(),
        )
        return csv_response(
            filename=self.filename(),
            header=EXPORT_HEADER,
            rows=decision_export_rows(viewer=request.membership, filters=filters),
        )


class ChildExportView(ChildMixin, ExportView):
    """A child's log as CSV. The file is named by the record's public id, never the child."""

    def fixed_filters(self) -> dict:
        return {"subject": self.subject}

    def subject_id(self):
        return self.subject.public_id

    def filename(self) -> str:
        return f"sharing-log-{self.subject.public_id}.csv"
