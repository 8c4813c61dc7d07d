"""Selects, radios and checkboxes as the GOV.UK renderer writes them: a <select> is written in
Python with exactly the markup of Django's select templates (one template per option cost a
long list of organisations thousands of includes), radios and checkboxes include no template per
item, and an organisation list reads only the columns its options show."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.db import connection
from django.test.html import parse_html
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from partners import services
from partners.fields import OrganisationChoiceField, OrganisationChoiceMixin
from partners.forms_rendering import FlatSelect, GovukFormRenderer, PrebuiltSelect, options_markup
from partners.roles import Role
from partners.tenancy import activate
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

TRICKY = 'O\'Brien & <Sons> "Ltd"'


class TemplateSelects(GovukFormRenderer):
    """The renderer as it was: every select through Django's select templates."""

    _selects_in_python = False


class SelectsForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type",
        help_text="The kind of organisation.",
        choices=[("", "Choose"), ("school", "School"), (TRICKY, TRICKY)],
        widget=forms.Select(attrs={"class": "govuk-!-width-full", "data-track": True}),
    )
    several = forms.MultipleChoiceField(
        label="Several",
        required=False,
        choices=[("a", "A"), ("b", mark_safe("<b>B</b>")), ("c", gettext_lazy("Yes"))],
    )
    grouped = forms.ChoiceField(
        label="Grouped",
        required=False,
        choices=[
            ("", "None"),
            ("Schools", [("academy", "Academy"), ("free", "Free school")]),
            ("NHS", [(TRICKY, TRICKY)]),
            ("la", "Council"),
        ],
    )
    number = forms.TypedChoiceField(
        label="Number",
        coerce=int,
        required=False,
        choices=[(1, 1), (2, 2.5), (3, dt.date(2026, 3, 27))],
    )
    fixed = forms.ChoiceField(
        label="Fixed", required=False, disabled=True, choices=[("x", "X"), ("y", "Y")]
    )
    maybe = forms.NullBooleanField(label="Maybe", required=False)


def rendered(renderer, data=None, **initial) -> dict[str, str]:
    form = SelectsForm(data=data, initial=initial, renderer=renderer)
    if form.is_bound:
        form.full_clean()
    return {name: str(form[name]) for name in form.fields}


def templates_rendered(render) -> list[str]:
    names = []

    def record(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    try:
        render()
    finally:
        template_rendered.disconnect(record)
    return names


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"kind": TRICKY, "several": ["a", "c"], "grouped": TRICKY, "number": "3", "maybe": "true"},
        {"kind": "", "several": ["nope"], "grouped": "academy", "number": "9"},
    ],
    ids=["unbound", "chosen", "with errors"],
)
def test_selects_are_written_exactly_as_djangos_templates_write_them(data):
    assert rendered(GovukFormRenderer(), data) == rendered(TemplateSelects(), data)


FLAT_CHOICES = [("", "Any organisation"), ("1", "Ashford"), ("2", TRICKY), ("2", "Twice"), (3, 3)]


@pytest.mark.parametrize("value", [None, "", "2", 3, "missing"])
@pytest.mark.parametrize("renderer", [GovukFormRenderer, TemplateSelects])
def test_a_flat_select_writes_what_djangos_select_writes(value, renderer):
    """FlatSelect builds its options without Django's per-option work: the same markup, the
    same option chosen (only the first of two equal values), through either way of writing."""

    def form(widget):
        class Filter(forms.Form):
            organisation = forms.ChoiceField(choices=FLAT_CHOICES, required=False, widget=widget)

        return str(Filter(data={"organisation": value}, renderer=renderer())["organisation"])

    assert form(FlatSelect(attrs={"data-x": TRICKY})) == form(
        forms.Select(attrs={"data-x": TRICKY})
    )


def test_a_select_with_a_hint_an_error_and_a_choice_keeps_its_markup():
    form = SelectsForm(data={"kind": "", "grouped": TRICKY})
    assert not form.is_valid()
    html = str(form)

    select = (
        '<select name="kind" class="govuk-select govuk-!-width-full govuk-select--error"'
        ' data-track aria-invalid="true" aria-describedby="id_kind_helptext id_kind_error"'
        ' id="id_kind">'
        '<option value="" selected>Choose</option>'
        '<option value="school">School</option>'
        '<option value="O&#x27;Brien &amp; &lt;Sons&gt; &quot;Ltd&quot;">'
        "O&#x27;Brien &amp; &lt;Sons&gt; &quot;Ltd&quot;</option>"
        "</select>"
    )
    assert parse_html(html).count(parse_html(select)) == 1
    grouped = (
        '<select name="grouped" class="govuk-select" id="id_grouped">'
        '<option value="">None</option>'
        '<optgroup label="Schools"><option value="academy">Academy</option>'
        '<option value="free">Free school</option></optgroup>'
        '<optgroup label="NHS"><option value="O&#x27;Brien &amp; &lt;Sons&gt; &quot;Ltd&quot;"'
        " selected>O&#x27;Brien &amp; &lt;Sons&gt; &quot;Ltd&quot;</option></optgroup>"
        '<option value="la">Council</option>'
        "</select>"
    )
    assert parse_html(html).count(parse_html(grouped)) == 1
    assert '<select name="several" class="govuk-select" id="id_several" multiple>' in html
    assert '<select name="fixed" disabled class="govuk-select" id="id_fixed">' in html
    assert '<p id="id_kind_error" class="govuk-error-message">' in html
    assert '<div id="id_kind_helptext" class="govuk-hint">The kind of organisation.</div>' in html


def test_no_template_is_rendered_per_option_or_per_radio():
    class Long(forms.Form):
        place = forms.ChoiceField(
            label="Place", choices=[(str(n), f"Place {n}") for n in range(50)]
        )
        how = forms.ChoiceField(
            label="How",
            choices=[(str(n), f"Way {n}") for n in range(20)],
            widget=forms.RadioSelect(attrs={"data-x": "a&b"}),
        )

    form = Long(data={"how": "3"})
    names = templates_rendered(lambda: str(form))
    html = str(form)

    # The form, two fields and their label, hint, error and legend templates: none per item.
    assert len(names) < 15, names
    assert (
        '<input class="govuk-radios__input" id="id_how_3" name="how" type="radio" value="3"'
        ' checked data-x="a&amp;b">'
    ) in html


def test_a_select_template_of_the_projects_own_is_still_used(tmp_path):
    widgets = tmp_path / "django" / "forms" / "widgets"
    widgets.mkdir(parents=True)
    (widgets / "select.html").write_text('<select name="{{ widget.name }}">ours</select>')
    templates = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [tmp_path]}]
    with override_settings(TEMPLATES=templates):
        html = str(SelectsForm(renderer=GovukFormRenderer())["kind"])

    assert html == '<select name="kind">ours</select>'


def test_an_option_template_of_a_widgets_own_is_still_used():
    class Boxes(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"
        input_type = "checkbox"

    class BoxesForm(forms.Form):
        kind = forms.ChoiceField(choices=[("a", "A")], widget=Boxes)

    html = str(BoxesForm()["kind"])

    assert '<input type="checkbox" name="kind" value="a"' in html


# --- Organisation lists ---------------------------------------------------------------------------


class PartnerForm(OrganisationChoiceMixin, forms.Form):
    organisation = OrganisationChoiceField(label="Organisation", empty_label="Select one")


def test_an_organisation_list_reads_only_the_name_and_public_id(in_tenant):
    OrganisationFactory.create_batch(5, tenant=in_tenant.tenant)
    form = PartnerForm()

    with CaptureQueriesContext(connection) as queries:
        html = str(form["organisation"])

    [query] = [q["sql"] for q in queries.captured_queries if "partners_organisation" in q["sql"]]
    columns = query.split(" FROM ")[0]
    assert '"public_id"' in columns
    assert '"name"' in columns
    assert '"postcode"' not in columns
    assert '"type"' not in columns
    assert html.count("<option") == 8  # the empty label, the council, the school and 5 more


def test_the_chosen_organisation_is_read_whole(in_tenant, django_assert_num_queries):
    school = in_tenant.school
    form = PartnerForm(data={"organisation": str(school.public_id)})
    assert form.is_valid(), form.errors
    chosen = form.cleaned_data["organisation"]

    with django_assert_num_queries(0):
        assert (chosen.name, chosen.type, chosen.postcode, chosen.parent_id) == (
            school.name,
            school.type,
            school.postcode,
            school.parent_id,
        )


# --- Options written once for a partnership -------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "2", 3, "missing"])
def test_a_prebuilt_select_writes_what_a_flat_select_writes(value):
    """PrebuiltSelect reuses options written once and marks only the chosen one: the same
    markup as FlatSelect, and so as Django's select (the test above), whatever is chosen."""

    def form(widget):
        class Filter(forms.Form):
            organisation = forms.ChoiceField(choices=FLAT_CHOICES, required=False, widget=widget)

        return str(Filter(data={"organisation": value})["organisation"])

    prebuilt = PrebuiltSelect(attrs={"data-x": TRICKY})
    prebuilt.prebuilt = options_markup(FLAT_CHOICES)
    assert form(prebuilt) == form(FlatSelect(attrs={"data-x": TRICKY}))


def organisation_list_field(empty_label="Any organisation") -> OrganisationChoiceField:
    field = OrganisationChoiceField(label="Shared with", required=False, empty_label=empty_label)
    field.load_choices()
    field.prebuild_options()
    return field


def options_of(field) -> list[str]:
    return [
        option.split(">", 1)[1]
        for option in field.widget.prebuilt.split("</option>")
        if "<option" in option
    ]


def test_a_partnerships_options_are_written_once_and_kept_while_unchanged(
    in_tenant, django_assert_num_queries
):
    first = organisation_list_field()
    assert options_of(first)[0] == "Any organisation"
    assert in_tenant.school.name in options_of(first)

    # Kept: only the question whether anything changed is asked again.
    with django_assert_num_queries(1):
        again = organisation_list_field()
    assert again.widget.prebuilt == first.widget.prebuilt


def test_the_same_organisations_with_another_empty_choice_are_written_apart(in_tenant):
    assert options_of(organisation_list_field())[0] == "Any organisation"
    assert options_of(organisation_list_field(empty_label="Select one"))[0] == "Select one"
    assert "Any organisation" not in options_of(organisation_list_field(empty_label=None))


def test_a_renamed_or_added_organisation_is_in_the_next_page_at_once(in_tenant):
    officer = in_tenant.member(Role.IG_OFFICER)
    before = options_of(organisation_list_field())
    school = in_tenant.school
    services.organisation_update(
        actor=officer,
        organisation=school,
        expected_version=school.version,
        name="Renamed Primary School",
    )
    renamed = options_of(organisation_list_field())
    assert "Renamed Primary School" in renamed and school.name in renamed
    assert len(renamed) == len(before)

    services.organisation_create(actor=officer, name="Brand New Nursery", type="early_years")
    assert "Brand New Nursery" in options_of(organisation_list_field())


def test_another_partnerships_options_are_its_own(partnership, other_partnership):
    with activate(partnership.tenant):
        ours = options_of(organisation_list_field())
    with activate(other_partnership.tenant):
        theirs = options_of(organisation_list_field())
    assert partnership.school.name in ours and partnership.school.name not in theirs
    assert other_partnership.school.name in theirs and other_partnership.school.name not in ours
