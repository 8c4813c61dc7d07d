"""The building blocks of the sharing log forms: GOV.UK-worded fields, choice fields that name
records by their public id, and fieldsets."""

from django import forms
from django.forms.utils import ErrorDict, ErrorList

from agreements.models import IN_FORCE_STATUSES, Agreement, ConsentScope, DataItem, LegalBasis
from agreements.selectors import agreements_visible_to
from partners.forms_rendering import ColumnsChoiceIterator, DateInput
from partners.models import Membership

YES_NO = [("yes", "Yes"), ("no", "No")]


def text_field(label: str, *, required: bool = True, help_text: str = "", rows: int = 3, error=""):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": error or f"Enter {label[0].lower()}{label[1:]}"},
    )


def line_field(label: str, *, required: bool = False, help_text: str = "", max_length: int = 150):
    return forms.CharField(
        label=label, required=required, help_text=help_text, max_length=max_length
    )


def date_field(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        help_text=help_text or "For example, 27 3 2026",
        error_messages={
            "required": f"Enter the {label[0].lower()}{label[1:]}",
            "invalid": f"{label} must be a real date",
        },
    )


def yes_no_field(label: str, *, required: bool = True, help_text: str = "", error: str = ""):
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=required,
        help_text=help_text,
        widget=forms.RadioSelect,
        error_messages={"required": error or f"Select yes or no: {label[0].lower()}{label[1:]}"},
    )


def without_errors(*forms_or_formsets) -> None:
    """Show bound forms again as typed but without their errors: for a button that only
    redraws the page (add a recipient, show the agreement's data items, check consent)."""
    for item in forms_or_formsets:
        if isinstance(item, forms.BaseForm):
            item._errors = ErrorDict()
        else:
            item._errors = []
            item._non_form_errors = ErrorList()
            for form in item.forms:
                form._errors = ErrorDict()


class FieldsetsMixin:
    """Fields in the groups the page shows as fieldsets, each with an optional introduction."""

    FIELDSETS: tuple[tuple[str, str, tuple[str, ...]], ...] = ()

    @property
    def fieldsets(self) -> list[dict]:
        return [
            {
                "key": key,
                "legend": legend,
                "fields": [self[name] for name in names if name in self.fields],
            }
            for key, legend, names in self.FIELDSETS
        ]


# --- Choice fields --------------------------------------------------------------------------


class AgreementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agreement) -> str:
        return obj.title


class ScopeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ConsentScope) -> str:
        return f"{obj.name} ({obj.agreement.title})"


class GatewayChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: LegalBasis) -> str:
        return f"{obj.citation}: {obj.title}" if obj.title else obj.citation


class DataItemsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: DataItem) -> str:
        return obj.name

    def hint_from_instance(self, obj: DataItem) -> str:
        hint = obj.get_level_display()
        if obj.special_category:
            hint += ", special category data"
        return hint


class MemberChoiceField(forms.ModelChoiceField):
    """A member, named with their organisation. Its queryset follows `user` and `organisation`
    with select_related; the options read only the columns the label shows."""

    iterator = ColumnsChoiceIterator
    # The foreign keys stay: a field followed by select_related cannot be deferred.
    option_columns = ("public_id", "user", "user__full_name", "organisation", "organisation__name")

    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.user.full_name} ({obj.organisation.name})"


def in_force_agreements(viewer: Membership):
    return (
        agreements_visible_to(viewer).filter(status__in=IN_FORCE_STATUSES).order_by("title", "pk")
    )
