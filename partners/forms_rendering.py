"""Django forms rendered as GOV.UK Frontend components (label, hint, error message, input).

`{{ form }}` in any template renders every field as the GOV.UK component that fits its widget,
with no per-form template code:

- text-like inputs (text, email, number, password, URL, a single-box date…) → govuk-input
- Textarea → govuk-textarea; Select / SelectMultiple → govuk-select; FileInput → govuk-file-upload
- PasswordInput → govuk-password-input (with its "Show" button)
- CheckboxInput (a BooleanField) → govuk-checkboxes with one item
- RadioSelect → govuk-radios in a fieldset; CheckboxSelectMultiple → govuk-checkboxes in a fieldset
- `DateInput` below (day, month, year boxes) → govuk-date-input in a fieldset
- any other multi-part widget → a fieldset around Django's own rendering of it

Errors add the component's error classes and an error message, and the ids of the hint and the
error message are in the control's (or fieldset's) `aria-describedby`. The page's error summary
(templates/includes/error_summary.html) links to `field.error_anchor`.

Optional per-form and per-field settings, all plain attributes:
- `Form.page_heading_field = "name"`: that field's label (or legend) is the page's <h1>.
- `Field.hint_from_instance(obj)`: a hint under each radio or checkbox of a model choice field.
- widget `attrs={"class": "govuk-input--width-10"}`: extra classes on the control.

A <select> is written in Python (`select_html`), not by Django's select.html, which includes a
template per option and its attributes: a list of 1,000 organisations cost 2,000 includes. The
markup is the same as the templates', and a project or widget template of its own still wins.
"""

from __future__ import annotations

import datetime
import html
from functools import cached_property
from pathlib import Path

from django import forms
from django.forms.boundfield import BoundField
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import DjangoTemplates, TemplatesSetting
from django.template import TemplateDoesNotExist
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
ATTRS_TEMPLATE = "django/forms/widgets/attrs.html"


# --- Markup written in Python, as Django's widget templates write it ----------------------------


def _as_text(value) -> str:
    """What `{{ value }}` writes: local time, localised, a string, escaped unless safe."""
    if type(value) is str:
        # The common case, without the lazy-string checks of django.utils.html.escape (which is
        # this same html.escape): a thousand options call it a thousand times.
        return html.escape(value)
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


def _as_string(value) -> str:
    """What `{{ value|stringformat:'s' }}` writes: str() of it, escaped unless it was safe."""
    text = str(value)
    return text if isinstance(value, SafeData) else html.escape(text)


def _attrs(attrs: dict) -> str:
    if not attrs:
        return ""
    return "".join(
        f" {_as_text(name)}" if value is True else f' {_as_text(name)}="{_as_string(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def flat_attrs(attrs: dict) -> SafeString:
    """HTML attributes as django/forms/widgets/attrs.html writes them: ` name="value"`, a bare
    ` name` for True, nothing for False; names and values escaped."""
    return mark_safe(_attrs(attrs))  # noqa: S308 (escaped by _as_text and _as_string)


def select_html(widget: dict) -> SafeString | None:
    """A Select or SelectMultiple from its template context (`widget.get_context()["widget"]`),
    character for character as select.html and select_option.html write it: optgroups, the
    selected options and every option attribute included. None when an option names a template
    of its own, which the caller then renders as usual."""
    parts = [f'<select name="{_as_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_as_text(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append(
                f'\n  <option value="{_as_string(option["value"])}"'
                f"{_attrs(option['attrs'])}>{_as_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    # Every name, value and label in it was escaped by _as_text or _as_string.
    return mark_safe("".join(parts))  # noqa: S308


def option_tags(choices, selected: str = "") -> SafeString:
    """The <option>s of a <select> a template writes itself (a filter bar), from (value, label)
    pairs, with the `selected` value marked: built here because a template loop over a
    partnership's thousand organisations cost a page a third of its time."""
    return mark_safe(  # noqa: S308 (every value and label escaped)
        "".join(
            f'\n<option value="{html.escape(str(value))}"'
            f"{' selected' if str(value) == selected else ''}>{html.escape(str(label))}</option>"
            for value, label in choices
        )
    )


class FlatSelect(forms.Select):
    """A <select> of plain (value, label) choices, without groups (a partnership's thousand
    organisations). Its options are the dicts Django's `create_option` makes, built without
    copying the widget's attributes or looking for groups for each of them: for two lists of
    1,000 organisations that was a third of the sharing log page's time (docs/performance.md).
    The markup is Django's, option for option."""

    def optgroups(self, name, value, attrs=None):
        options = []
        has_selected = False
        for index, (option_value, label) in enumerate(self.choices):
            option_value = "" if option_value is None else option_value
            selected = not has_selected and str(option_value) in value
            has_selected |= selected
            options.append(
                {
                    "name": name,
                    "value": option_value,
                    "label": label,
                    "selected": selected,
                    "index": str(index),
                    "attrs": {"selected": True} if selected else {},
                    "type": self.input_type,
                    "template_name": self.option_template_name,
                    "wrap_label": True,
                }
            )
        return [(None, options, 0)]


class PrebuiltSelect(FlatSelect):
    """A FlatSelect whose options are written already (`prebuilt`: the markup of every option,
    none chosen, as FlatSelect writes it), so that a form only marks the chosen one: a
    partnership's thousand organisations are escaped and written once while they are unchanged
    (partners.fields.organisation_options), not for each page. The markup is FlatSelect's,
    character for character; without `prebuilt`, or when a project template writes selects,
    it is a FlatSelect."""

    prebuilt: str | None = None

    def render(self, name, value, attrs=None, renderer=None):
        if self.prebuilt is None or not getattr(renderer, "_selects_in_python", False):
            return super().render(name, value, attrs, renderer)
        # Widget's context, not ChoiceWidget's: that would build a dict for every option.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        options = self.prebuilt
        # As FlatSelect: the first option whose value is among the chosen is marked.
        for chosen in widget["value"]:
            unmarked = f'<option value="{_as_string(chosen)}">'
            if unmarked in options:
                options = options.replace(unmarked, unmarked[:-1] + " selected>", 1)
                break
        # Every name, value and label in it was escaped by _as_text or _as_string.
        return mark_safe(  # noqa: S308
            f'<select name="{_as_text(name)}"{_attrs(widget["attrs"])}>{options}\n</select>'
        )


def options_markup(choices) -> str:
    """(value, label) pairs as PrebuiltSelect's `prebuilt`: FlatSelect's options, none chosen."""
    return "".join(
        f'\n  <option value="{_as_string("" if value is None else value)}">'
        f"{_as_text(label)}</option>\n"
        for value, label in choices
    )


class ColumnsChoiceIterator(ModelChoiceIterator):
    """The choices of a model choice field read with only `field.option_columns`: what its
    labels (and values) show. Cleaning still reads the chosen row whole, from `field.queryset`,
    so a form or service using the instance after cleaning loads nothing more."""

    def __init__(self, field) -> None:
        super().__init__(field)
        if self.queryset is not None:
            self.queryset = self.queryset.only(*field.option_columns)


class DateInput(forms.MultiWidget):
    """A GOV.UK date input: three boxes for day, month and year (for memorable dates).

    Use it with a `forms.DateField`: `widgets = {"date_of_birth": DateInput()}`. The boxes post
    as `<name>_day`, `<name>_month` and `<name>_year`; the field receives "YYYY-MM-DD" (or the
    incomplete text, which DateField rejects as "Enter a valid date").
    """

    # The order and labels of the boxes, as in the GOV.UK component.
    parts = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))

    def __init__(self, attrs=None):
        widgets = {
            name: forms.TextInput(attrs={"inputmode": "numeric"}) for name, _label, _w in self.parts
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str) and value.count("-") == 2:
            year, month, day = value.split("-")
            return [day, month, year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        day, month, year = (
            (data.get(f"{name}_{part}") or "").strip() for part, _label, _w in self.parts
        )
        if not (day or month or year):
            return None
        return f"{year}-{month.zfill(2)}-{day.zfill(2)}"

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}_{part}" in data for part, _label, _w in self.parts)


class GovukBoundField(BoundField):
    """A BoundField that knows which GOV.UK component renders it."""

    @cached_property
    def govuk_kind(self) -> str:
        widget = self.field.widget
        # Order matters: CheckboxSelectMultiple is a RadioSelect, SelectMultiple is a Select.
        if isinstance(widget, forms.CheckboxSelectMultiple):
            return "checkboxes"
        if isinstance(widget, forms.RadioSelect):
            return "radios"
        if isinstance(widget, forms.CheckboxInput):
            return "checkbox"
        if isinstance(widget, DateInput):
            return "date"
        if isinstance(widget, forms.MultiWidget):
            return "fieldset"
        if isinstance(widget, forms.Select):
            return "select"
        if isinstance(widget, forms.Textarea):
            return "textarea"
        if isinstance(widget, forms.FileInput):
            return "file"
        if isinstance(widget, forms.PasswordInput):
            return "password"
        return "input"

    # The CSS class each kind of control carries, and the extra class it takes on an error.
    control_classes = {
        "input": ("govuk-input", "govuk-input--error"),
        "password": (
            "govuk-input govuk-password-input__input govuk-js-password-input-input",
            "govuk-input--error",
        ),
        "select": ("govuk-select", "govuk-select--error"),
        "textarea": ("govuk-textarea", "govuk-textarea--error"),
        "file": ("govuk-file-upload", "govuk-file-upload--error"),
        "checkbox": ("govuk-checkboxes__input", ""),
        "checkboxes": ("govuk-checkboxes__input", ""),
        "radios": ("govuk-radios__input", ""),
        "fieldset": ("govuk-input", "govuk-input--error"),
        "date": ("", ""),
    }

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        # GOV.UK services validate on the server and show their own error messages; the
        # browser's validation bubbles are inconsistent and not accessible.
        attrs.pop("required", None)
        if self.govuk_kind == "password":
            attrs.setdefault("spellcheck", "false")
            attrs.setdefault("autocapitalize", "none")
        base, error = self.control_classes[self.govuk_kind]
        widget = widget or self.field.widget
        classes = [base, widget.attrs.get("class", ""), attrs.get("class", "")]
        if self.errors:
            classes.append(error)
        joined = " ".join(c for c in classes if c)
        if joined:
            attrs["class"] = joined
        return attrs

    @property
    def is_page_heading(self) -> bool:
        return getattr(self.form, "page_heading_field", None) == self.name

    @property
    def is_optional(self) -> bool:
        return not self.field.required and self.govuk_kind != "checkbox"

    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}_helptext"

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}_error"

    @property
    def fieldset_describedby(self) -> str:
        ids = []
        if self.help_text:
            ids.append(self.hint_id)
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)

    @property
    def error_anchor(self) -> str:
        """The id the error summary links to: the first control the user can correct."""
        if self.govuk_kind in ("radios", "checkboxes"):
            items = self.govuk_items
            return items[0]["id"] if items else self.auto_id
        if self.govuk_kind == "date":
            return f"{self.auto_id}_day"
        if self.govuk_kind == "fieldset":
            return f"{self.auto_id}_0"
        return self.auto_id

    @cached_property
    def govuk_items(self) -> list[dict]:
        """Radios or checkboxes as dicts: id, name, value, label, checked, attrs (and as HTML,
        attrs_html), hint."""
        hint_from_instance = getattr(self.field, "hint_from_instance", None)
        items = []
        for subwidget in self.subwidgets:
            data = subwidget.data
            value = data["value"]
            if value in ("", None):
                # A blank choice is "no answer", which radios express by none being checked.
                continue
            attrs = {k: v for k, v in data["attrs"].items() if k not in ("id", "class", "checked")}
            instance = getattr(value, "instance", None)
            hint = hint_from_instance(instance) if hint_from_instance and instance else ""
            item_id = data["attrs"].get("id", "")
            items.append(
                {
                    "id": item_id,
                    "name": data["name"],
                    "value": value,
                    "label": data["label"],
                    "checked": data["selected"],
                    "attrs": attrs,
                    "attrs_html": flat_attrs(attrs),
                    "hint": hint,
                    "hint_id": f"{item_id}_hint" if hint else "",
                }
            )
        return items

    @property
    def date_parts(self) -> list[dict]:
        """The day, month and year boxes of a `DateInput`, with what the user typed."""
        widget = self.field.widget
        if self.form.is_bound:
            values = [
                self.form.data.get(f"{self.html_name}_{part}", "") for part, *_ in widget.parts
            ]
        else:
            values = widget.decompress(self.value())
        # autocomplete="bday" on the widget becomes bday-day, bday-month and bday-year.
        autocomplete = widget.attrs.get("autocomplete", "")
        items = []
        for (part, label, width), value in zip(widget.parts, values, strict=True):
            classes = f"govuk-input govuk-date-input__input govuk-input--width-{width}"
            if self.errors:
                classes += " govuk-input--error"
            items.append(
                {
                    "id": f"{self.auto_id}_{part}",
                    "name": f"{self.html_name}_{part}",
                    "label": label,
                    "value": value or "",
                    "classes": classes,
                    "autocomplete": f"{autocomplete}-{part}" if autocomplete else "",
                }
            )
        return items


class GovukFormRenderer(TemplatesSetting):
    """Renders forms with the project's GOV.UK templates and fields with GovukBoundField.

    Project templates come first (so templates/django/forms/... may override a widget); Django's
    built-in widget templates are the fallback, without needing `django.forms` installed.
    """

    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"
    bound_field_class = GovukBoundField

    @cached_property
    def _django_widgets(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django_widgets.get_template(template_name)

    @cached_property
    def _selects_in_python(self) -> bool:
        """Whether the select templates are Django's own: a project's copy of one is used."""
        builtin = Path(forms.__file__).parent / "templates"
        for name in (SELECT_TEMPLATE, OPTION_TEMPLATE, ATTRS_TEMPLATE):
            try:
                origin = super().get_template(name).origin.name
            except TemplateDoesNotExist:
                continue
            if not Path(origin).is_relative_to(builtin):
                return False
        return True

    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE and self._selects_in_python:
            markup = select_html(context["widget"])
            if markup is not None:
                return markup
        return super().render(template_name, context, request=request)
