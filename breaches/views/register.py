"""The breach register (filtered by status, stage, organisation in breach, agreement and overdue),
reporting a breach, and closing or withdrawing one."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from agreements.models import Agreement
from breaches import services
from breaches.choices import BreachStatus, MilestoneKind
from breaches.forms import BreachEndForm, BreachReportForm, organisation_by_public_id
from breaches.models import BreachReport, Milestone
from breaches.selectors import (
    breach_register,
    breaches_visible_to,
    milestone_status,
)
from breaches.templatetags.breach_tags import deadline_tag
from breaches.views.base import BreachFormPage, BreachStepPage, breach_url
from partners.forms_rendering import option_tags
from partners.links import link_maker
from partners.models import Organisation
from partners.permissions import MembershipRequiredMixin
from partners.reminders import local_today, long_date
from partners.roles import can

PAGE_SIZE = 50
ANY = "any"
STAGES = [*MilestoneKind.choices, ("ready", "Every step done: ready to close")]


def next_step(breach: BreachReport, on: date):
    """How the breach's next milestone stands on `on`, from the register's annotations (no
    query): None when every milestone is done."""
    if breach.next_kind is None:
        return None
    upcoming = Milestone(kind=breach.next_kind, due_on=breach.next_due_on)
    return milestone_status(upcoming, on=on, region=breach.region)


def _day(on: date) -> str:
    return format_html('<time datetime="{}">{}</time>', on.isoformat(), long_date(on))


def _stage(breach: BreachReport, step) -> str:
    if breach.status != BreachStatus.OPEN:
        return breach.get_status_display()
    return step.label if step else "Every step done: ready to close"


def _deadline(breach: BreachReport, step) -> str:
    """The next deadline and how it stands; whether anything else is overdue."""
    if breach.status == BreachStatus.OPEN and step:
        due = step.milestone.due_on
        cell = format_html("{}<br>{}", _day(due), deadline_tag(step)) if due else deadline_tag(step)
        if breach.is_overdue and not step.is_overdue:
            cell += OVERDUE_TOO
        return cell
    return ICO_OVERDUE if breach.is_overdue else "–"


OVERDUE_TOO = mark_safe(
    '<br><strong class="govuk-tag govuk-tag--red govuk-!-margin-top-1">Something is overdue'
    "</strong>"
)
ICO_OVERDUE = mark_safe('<strong class="govuk-tag govuk-tag--red">ICO assessment overdue</strong>')


# What register_rows reads of a breach, its agreement and the organisation in breach: whole rows
# of the three (some ninety columns) made fifty rows' instances a sixth of the page's time.
REGISTER_FIELDS = (
    "public_id",
    "title",
    "personal_data_involved",
    "identified_on",
    "status",
    "region",
    "agreement__title",
    "organisation_in_breach__name",
)


def register_rows(breaches, on: date) -> list[dict]:
    """What the register's table writes for each breach, worked out here as the sharing log's
    table is: fifty rows of template lookups, date filters and an included deadline template
    were most of the page's time (docs/performance.md)."""
    detail_url = link_maker("breach_detail", "public_id")
    rows = []
    for breach in breaches:
        step = next_step(breach, on)
        rows.append(
            {
                "url": detail_url(breach.public_id),
                "title": breach.title,
                "agreement": breach.agreement.title,
                "personal_data": breach.personal_data_involved,
                "organisation": breach.organisation_in_breach.name,
                "identified": _day(breach.identified_on),
                "stage": _stage(breach, step),
                "deadline": _deadline(breach, step),
            }
        )
    return rows


class BreachListView(MembershipRequiredMixin, TemplateView):
    """The breaches the viewer may see, newest identified first, a page at a time (keyset
    pagination: the same cost on every page)."""

    required_capability = "breaches.view"
    template_name = "breaches/breach_list.html"

    def _param(self, name: str) -> str:
        return self.request.GET.get(name, "").strip()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        viewer = self.request.membership
        today = local_today(viewer.tenant)
        status = self._param("status") or BreachStatus.OPEN
        if status not in (*BreachStatus.values, ANY):
            status = BreachStatus.OPEN
        stage = self._param("stage")
        if stage not in dict(STAGES):
            stage = ""
        organisation = organisation_by_public_id(self._param("organisation"))
        agreement = self._agreement(self._param("agreement"))
        overdue = self._param("overdue") == "yes"
        breaches = breach_register(
            viewer=viewer,
            on=today,
            status="" if status == ANY else status,
            stage=stage,
            organisation_in_breach=organisation.pk if organisation else None,
            agreement=agreement.pk if agreement else None,
            overdue_only=overdue,
        )
        breaches = (
            breaches.select_related(None)
            .select_related("agreement", "organisation_in_breach")
            .only(*REGISTER_FIELDS)
        )
        after = self._param("after")
        if after:
            breaches = breaches.filter(self._after(breaches, after))
        page = list(breaches[: PAGE_SIZE + 1])
        rows = page[:PAGE_SIZE]
        next_url = ""
        if len(page) > PAGE_SIZE:
            query = self.request.GET.copy()
            query["after"] = str(rows[-1].public_id)
            next_url = f"?{query.urlencode()}"
        visible = breaches_visible_to(viewer)
        context.update(
            rows=register_rows(rows, today),
            statuses=[*BreachStatus.choices, (ANY, "Any status")],
            stages=STAGES,
            # Only those with a breach the viewer may see, and only what the <select>s show.
            organisation_options=option_tags(
                Organisation.objects.filter(pk__in=visible.values("organisation_in_breach"))
                .order_by("name")
                .values_list("public_id", "name"),
                selected=str(organisation.public_id) if organisation else "",
            ),
            agreement_options=option_tags(
                Agreement.objects.filter(pk__in=visible.values("agreement"))
                .order_by("title")
                .values_list("public_id", "title"),
                selected=str(agreement.public_id) if agreement else "",
            ),
            status=status,
            stage=stage,
            organisation=organisation,
            agreement=agreement,
            overdue=overdue,
            filtered=bool(
                status != BreachStatus.OPEN or stage or organisation or agreement or overdue
            ),
            next_url=next_url,
            first_page=not after,
            may_report=can(viewer, "breaches.report"),
            today=today,
        )
        return context

    @staticmethod
    def _agreement(value: str) -> Agreement | None:
        if not value:
            return None
        try:
            return Agreement.objects.filter(public_id=value).first()
        except (ValueError, ValidationError):
            return None

    @staticmethod
    def _after(breaches, public_id: str) -> Q:
        """The rows after the breach named (newest identified first): the next page."""
        try:
            last = breaches.values("identified_on", "pk").get(public_id=public_id)
        except (BreachReport.DoesNotExist, ValueError, ValidationError):
            raise Http404("No such page.") from None
        return Q(identified_on__lt=last["identified_on"]) | Q(
            identified_on=last["identified_on"], pk__lt=last["pk"]
        )


class BreachReportView(BreachFormPage):
    required_capability = "breaches.report"
    template_name = "breaches/report_form.html"
    form_class = BreachReportForm
    heading = "Report a breach of protocol"
    submit_label = "Report the breach"
    intro = (
        "The deadlines count in working days from the day the breach was identified (Haringey "
        "6.1–6.6): the partners are told within 5, the report distributed within 10 and the "
        "partners' meeting held within 20, unless the agreement sets other numbers.",
    )
    success_message = "The breach has been reported. Its deadlines are below."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "viewer": self.request.membership}

    def get_back_url(self) -> str:
        return reverse("breach_list")

    def get_back_label(self) -> str:
        return "Breaches"

    def perform(self, form):
        return services.breach_report(actor=self.request.membership, **form.report_fields())

    def success_url_for(self, breach) -> str:
        return breach_url(breach)


class BreachCloseView(BreachStepPage):
    required_capability = "breaches.manage"
    form_class = BreachEndForm
    heading = "Close the breach"
    submit_label = "Close the breach"
    intro = (
        "A breach is closed when every milestone is done and any ICO assessment is complete. "
        "Agreed actions stay on record with their owners.",
    )
    success_message = "The breach has been closed."

    def acting_for(self):
        return ()

    def perform(self, form):
        return services.breach_close(
            actor=self.request.membership, breach=self.breach, reason=form.cleaned_data["reason"]
        )


class BreachWithdrawView(BreachStepPage):
    form_class = BreachEndForm
    heading = "Withdraw the report: it was not a breach"
    submit_label = "Withdraw the report"
    warning = True
    intro = ("It stays on record with your reason, and its reminders stop.",)
    success_message = "The report has been withdrawn."

    def acting_for(self):
        return (self.breach.reporting_organisation_id,)

    def perform(self, form):
        return services.breach_withdraw(
            actor=self.request.membership, breach=self.breach, reason=form.cleaned_data["reason"]
        )
