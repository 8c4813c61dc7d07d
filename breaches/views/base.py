"""What the breach pages share: the breach (or record under it) loaded through its access
function before anything else, a form page that calls one service and refuses, before showing
its form, a member whose organisation the step is not, and the access audit's object types."""

from __future__ import annotations

from functools import cached_property

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from agreements.views.base import FormPage, LoadsObjectFirst
from breaches.forms import partnership_today
from breaches.models import BreachReport
from breaches.selectors import breach_get_for, breach_may_act
from breaches.services import ConcurrentEdit
from partners.fields import add_service_errors
from partners.security.audit import register_object_type

BREACH = register_object_type("breach", "A breach of protocol")
BREACH_DOCUMENT = register_object_type(
    "breach.document", "A breach's evidence, minutes or indemnity response"
)
INDEMNITY_EVENT = register_object_type("indemnity_event", "An indemnity event")


def breach_url(breach: BreachReport, section: str = "") -> str:
    url = reverse("breach_detail", kwargs={"public_id": breach.public_id})
    return f"{url}#{section}" if section else url


def service_errors_on_form(form, error: ValidationError) -> None:
    """A service names a moment `<name>_at` and a day `<name>_on`; the form asks for a moment as
    `<name>_on` and `<name>_time`. Put each message on the field the user can correct."""
    if not hasattr(error, "error_dict"):
        add_service_errors(form, error)
        return
    renamed: dict[str, list[str]] = {}
    for name, messages in error.message_dict.items():
        target = name
        if name not in form.fields and name.endswith("_at"):
            stem = name[: -len("_at")]
            target = next((c for c in (f"{stem}_on", f"{stem}_time") if c in form.fields), name)
        renamed.setdefault(target, []).extend(messages)
    add_service_errors(form, ValidationError(renamed))


class BreachPage(LoadsObjectFirst):
    """A page about one breach, addressed by its public id: a 404 unless the viewer may see it."""

    @cached_property
    def breach(self) -> BreachReport:
        return breach_get_for(self.request.membership, self.kwargs["public_id"])

    def load_object(self) -> None:
        _ = self.breach

    def load(self) -> None:
        self.load_object()


class BreachFormPage(FormPage):
    """A form page of the breach pages (templates/breaches/form_page.html: it takes uploads),
    with the service's errors on the fields the user typed them in."""

    template_name = "breaches/form_page.html"

    def service_refused(self, form, error: ValidationError):
        if isinstance(error, ConcurrentEdit):
            return super().service_refused(form, error)
        service_errors_on_form(form, error)
        return self.form_invalid(form)


class StepPage(LoadsObjectFirst, BreachFormPage):
    """A form that records one step of a breach. `acting_for()` names the organisations whose
    step it is: a member of another (or a role that does not record breaches) is refused with a
    403 before the form is shown; the service checks the same rule when it saves. The dates in
    `today_fields` start as the partnership's today."""

    required_capability = "breaches.report"
    section = ""
    today_fields: tuple[str, ...] = ()

    def the_breach(self) -> BreachReport:
        raise NotImplementedError

    def acting_for(self) -> tuple[int | None, ...]:
        raise NotImplementedError

    def load(self) -> None:
        self.load_object()
        if not breach_may_act(self.request.membership, *self.acting_for()):
            raise PermissionDenied("This step is another organisation's to record.")

    def get_initial(self):
        today = partnership_today(self.request.membership.tenant)
        return {**super().get_initial(), **dict.fromkeys(self.today_fields, today)}

    def get_caption(self) -> str:
        return self.the_breach().title

    def get_back_url(self) -> str:
        return breach_url(self.the_breach(), self.section)

    def get_back_label(self) -> str:
        return "The breach"

    def success_url_for(self, result) -> str:
        return breach_url(self.the_breach(), self.section)


class BreachStepPage(BreachPage, StepPage):
    """A step addressed by the breach's own id."""

    def the_breach(self) -> BreachReport:
        return self.breach

    def load(self) -> None:
        StepPage.load(self)
