"""The browser shell: navigation per role, dashboards, banners, the organisation pages, error
pages, and forms rendered as GOV.UK components."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.test import Client
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse
from django.utils import timezone

from config import urls as project_urls
from partners import context_processors
from partners.forms_rendering import DateInput
from partners.models import JobHeartbeat, OrganisationType
from partners.roles import Role
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

# A URLconf for error pages: the project's routes, its error handlers, and views that fail with
# messages that must never reach the page.
SECRET = "Jordan Smith, born 3 March 2015"


def _forbidden(request):
    raise PermissionDenied(SECRET)


def _missing(request):
    raise Http404(SECRET)


def _boom(request):
    raise RuntimeError(SECRET)


def _flash(request):
    messages.success(request, "Agreement saved.")
    messages.warning(request, "The review is overdue.")
    return HttpResponse(status=204)


urlpatterns = [
    *project_urls.urlpatterns,
    path("test/forbidden/", _forbidden),
    path("test/missing/", _missing),
    path("test/boom/", _boom),
    path("test/flash/", _flash),
]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


def nav_links(html: str) -> list[tuple[str, str]]:
    """(text, href) of each link in the service navigation."""
    match = re.search(
        r'<ul class="govuk-service-navigation__list" id="navigation">(.*?)</ul>', html, re.S
    )
    if not match:
        return []
    links = re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', match.group(1), re.S)
    return [(re.sub(r"<[^>]+>", "", text).strip(), href) for href, text in links]


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


# --- Navigation ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_exactly_the_links_its_capabilities_allow(
    role, partnership, client_for, monkeypatch
):
    # A restricted entry beside the real ones: only the IG officer and the auditor may view
    # memberships, so only they may see its link.
    monkeypatch.setattr(
        context_processors,
        "NAVIGATION",
        [*context_processors.NAVIGATION, ("Members", "choose_membership", "memberships.view")],
    )
    html = client_for(partnership.member(role)).get(reverse("dashboard")).content.decode()

    expected = [
        ("Home", "/"),
        ("Organisations", "/organisations/"),
        ("Agreements", "/agreements/"),
        # Every role may look for a child; need-to-know decides which children they find.
        ("Children", reverse("consent:subject_find")),
        ("Sharing log", reverse("sharing_log:decision_list")),
    ]
    if role in (Role.IG_OFFICER, Role.MANAGER, Role.AUDITOR):
        expected += [("Breaches", reverse("breach_list"))]
    if role in (Role.IG_OFFICER, Role.AUDITOR):
        expected += [("People", "/people/")]
    expected += [("Due and overdue", reverse("notifications_due"))]
    if role in (Role.IG_OFFICER, Role.AUDITOR):
        expected += [("Members", "/partnership/")]
    assert nav_links(html) == expected


def test_the_current_page_is_marked_in_the_navigation(partnership, client_for):
    html = client_for(partnership.member("senco")).get(reverse("organisation_list")).content
    assert (
        b'<a class="govuk-service-navigation__link" href="/organisations/" aria-current="page">'
        in html
    )
    assert html.count(b'aria-current="page"') == 1


def test_a_namespaced_page_is_marked_current_too(partnership, client_for):
    href = reverse("consent:subject_find")
    html = client_for(partnership.member("senco")).get(href).content.decode()
    assert f'href="{href}" aria-current="page"' in html
    assert html.count('aria-current="page"') == 1


def test_signed_out_pages_show_no_navigation_and_no_account_area(db):
    html = Client().get(reverse("login")).content.decode()
    assert nav_links(html) == []
    assert "Sign out" not in html
    assert "govuk-generic-header" in html


def test_the_page_shell_follows_the_govuk_template(partnership, client_for):
    html = client_for(partnership.member("ig_officer")).get(reverse("dashboard")).content.decode()
    assert '<html lang="en-GB" class="govuk-template">' in html
    assert '<body class="govuk-template__body">' in html
    # The skip link is the first thing a keyboard reaches, and it points at <main>.
    assert html.index('class="govuk-skip-link"') < html.index("<header")
    assert '<main class="govuk-main-wrapper" id="main-content">' in html
    assert '<a href="#main-content" class="govuk-skip-link"' in html
    assert 'class="govuk-generic-header__homepage-link">Sharewell</a>' in html
    assert '<footer class="govuk-footer">' in html
    # No inline script: a Content-Security-Policy without 'unsafe-inline' must not break it.
    for tag in re.findall(r"<script[^>]*>", html):
        assert " src=" in tag, tag
    assert re.search(r'<script type="module" src="/static/js/app\.mjs"></script>', html)
    assert '<script src="/static/vendor/htmx.min.js" defer></script>' in html
    assert '<script src="/static/js/body-classes.js"></script>' in html


def test_the_account_area_names_the_user_partnership_and_organisation(partnership, client_for):
    member = partnership.member("practitioner")
    html = client_for(member).get(reverse("dashboard")).content.decode()
    account = html[html.index('class="sw-account"') : html.index("</section>")]
    assert member.user.full_name in account
    assert partnership.tenant.name in account
    assert partnership.school.name in account
    # Sign-out is a form that POSTs, with its CSRF token.
    assert '<form class="sw-account__form" method="post" action="/sign-out/">' in account
    assert 'name="csrfmiddlewaretoken"' in account
    assert "Switch partnership" not in account


def test_switch_partnership_is_offered_to_a_member_of_two_partnerships(
    partnership, other_partnership, client_for
):
    member = partnership.member("practitioner")
    MembershipFactory(
        tenant=other_partnership.tenant,
        organisation=other_partnership.school,
        user=member.user,
        role=Role.SENCO,
    )
    html = client_for(member).get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("choose_membership")}">Switch partnership</a>' in html


# --- Dashboards ----------------------------------------------------------------------------

ROLE_SAYS = {
    Role.IG_OFFICER: "You run the partnership",
    Role.MANAGER: "whether confidentiality may be overridden",
    Role.SENCO: "You record consent",
    Role.PRACTITIONER: "You record every decision to share or not to share",
    Role.AUDITOR: "You cannot change anything",
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_has_its_own_dashboard(role, partnership, client_for):
    response = client_for(partnership.member(role)).get(reverse("dashboard"))
    assert response.status_code == 200
    assert f"dashboards/{role.value}.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert ROLE_SAYS[role] in html
    assert f'<h1 class="govuk-heading-l">{role.label}</h1>' in html
    assert 'href="/organisations/">Organisations</a>' in html


def test_the_ig_officer_sees_the_partnerships_counts_and_when_jobs_last_ran(
    partnership, other_partnership, client_for
):
    OrganisationFactory(tenant=partnership.tenant, name="Early Help")
    JobHeartbeat.objects.create(name="scheduler", last_run_at=timezone.now() - timedelta(minutes=3))
    response = client_for(partnership.member("ig_officer")).get(reverse("dashboard"))
    text = visible_text(response.content.decode())
    # Three organisations and five members here; the other partnership's are not counted.
    assert "3 organisations" in text
    assert "5 members" in text
    assert response.context["scheduler"].name == "scheduler"
    assert "They last ran on" in text
    assert "have not run" not in text


def test_the_ig_officer_is_warned_when_scheduled_jobs_have_stopped(partnership, client_for):
    client = client_for(partnership.member("ig_officer"))
    text = visible_text(client.get(reverse("dashboard")).content.decode())
    assert "Scheduled jobs have not run yet." in text

    JobHeartbeat.objects.create(name="scheduler", last_run_at=timezone.now() - timedelta(hours=2))
    text = visible_text(client.get(reverse("dashboard")).content.decode())
    assert "Scheduled jobs have not run for more than 30 minutes." in text


def test_other_roles_dashboards_show_no_partnership_counts(partnership, client_for):
    response = client_for(partnership.member("practitioner")).get(reverse("dashboard"))
    assert "organisation_count" not in response.context
    assert "Scheduled jobs" not in response.content.decode()


def test_a_user_with_no_membership_is_sent_to_the_explanation(db):
    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory())
    response = client.get(reverse("dashboard"), follow=True)
    assert response.redirect_chain == [(reverse("choose_membership"), 302)]
    assert "You are not a member of a partnership" in response.content.decode()


# --- Messages ------------------------------------------------------------------------------


@pytest.mark.urls("tests.partners.test_pages")
def test_messages_are_govuk_notification_banners(partnership, client_for):
    client = client_for(partnership.member("manager"))
    client.get("/test/flash/")
    html = client.get(reverse("dashboard")).content.decode()
    assert (
        '<div class="govuk-notification-banner govuk-notification-banner--success" role="alert" '
        'aria-labelledby="govuk-notification-banner-title-1" '
        'data-module="govuk-notification-banner">' in html
    )
    assert '<p class="govuk-notification-banner__heading">Agreement saved.</p>' in html
    assert (
        '<div class="govuk-notification-banner" role="region" '
        'aria-labelledby="govuk-notification-banner-title-2"' in html
    )
    assert "The review is overdue." in html
    # Shown once: the next page has no banner.
    assert "govuk-notification-banner" not in client.get(reverse("dashboard")).content.decode()


# --- Organisations -------------------------------------------------------------------------


def test_the_organisation_list_is_a_full_page_with_a_search_box(
    partnership, other_partnership, client_for
):
    response = client_for(partnership.member("auditor")).get(reverse("organisation_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert '<label class="govuk-label" for="organisation-search">Search by name</label>' in html
    assert 'hx-get="/organisations/"' in html
    assert partnership.council.name in html
    assert other_partnership.council.name not in html
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_htmx_gets_only_the_results_and_the_new_count(partnership, client_for):
    client = client_for(partnership.member("auditor"))
    response = client.get(
        reverse("organisation_list"), {"q": "primary"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "<header" not in html
    assert '<table class="govuk-table">' in html
    assert partnership.school.name in html
    assert partnership.council.name not in html
    assert 'id="organisation-count" role="status" hx-swap-oob="innerHTML"' in html
    assert "1 organisation matching “primary”" in visible_text(html)
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_full_page(partnership, client_for):
    response = client_for(partnership.member("auditor")).get(
        reverse("organisation_list"),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()


def test_a_search_that_matches_nothing_says_so(partnership, client_for):
    response = client_for(partnership.member("auditor")).get(
        reverse("organisation_list"), {"q": "zzz"}
    )
    assert "No organisation’s name contains “zzz”" in response.content.decode()


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("organisation_list"))
    assert response.status_code == 200
    return len(queries)


def test_the_organisation_list_runs_as_many_queries_for_30_organisations_as_for_3(
    partnership, client_for
):
    client = client_for(partnership.member("ig_officer"))
    OrganisationFactory(tenant=partnership.tenant, parent=partnership.council)
    with_three = _list_queries(client)
    for _ in range(27):
        OrganisationFactory(tenant=partnership.tenant, parent=partnership.council)
    with_thirty = _list_queries(client)
    assert with_three == with_thirty


def test_the_organisation_page_is_a_summary_list(partnership, client_for):
    service = OrganisationFactory(
        tenant=partnership.tenant,
        name="SEND Information Service",
        parent=partnership.council,
        type=OrganisationType.LA_SERVICE,
    )
    client = client_for(partnership.member("manager"))
    html = client.get(reverse("organisation_detail", args=[service.public_id])).content.decode()
    assert '<h1 class="govuk-heading-l">SEND Information Service</h1>' in html
    assert '<dl class="govuk-summary-list">' in html
    assert '<dt class="govuk-summary-list__key">Part of</dt>' in html
    assert f'href="/organisations/{partnership.council.public_id}/">' in html
    # The navigation marks the section the page is in, not the page itself.
    assert 'href="/organisations/" aria-current="true">' in html
    assert 'aria-current="page"' not in html

    parent = client.get(reverse("organisation_detail", args=[partnership.council.public_id]))
    assert "SEND Information Service" in parent.content.decode()


def test_another_partnerships_organisation_is_a_404_that_reveals_nothing(
    partnership, other_partnership, client_for
):
    theirs = other_partnership.council
    response = client_for(partnership.member("ig_officer")).get(
        reverse("organisation_detail", args=[theirs.public_id])
    )
    html = response.content.decode()
    assert response.status_code == 404
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert theirs.name not in html
    assert str(theirs.public_id) not in html
    assert "No such organisation" not in html


# --- Error pages ---------------------------------------------------------------------------


@pytest.mark.urls("tests.partners.test_pages")
@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/test/forbidden/", 403, "You cannot use this page"),
        ("/test/missing/", 404, "Page not found"),
        ("/organisations/5b0c1f1e-8a4e-4c41-9d2c-1c1f0e7f3a11/", 404, "Page not found"),
        ("/no-such-page/", 404, "Page not found"),
    ],
)
def test_error_pages_show_no_exception_text_and_no_personal_data(
    url, status, heading, partnership, client_for
):
    member = partnership.member("ig_officer")
    response = client_for(member).get(url)
    html = response.content.decode()
    assert response.status_code == status
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in html
    assert SECRET not in html
    assert member.user.full_name not in html
    assert member.user.email not in html
    assert url not in html.replace('href="/"', "")


@pytest.mark.urls("tests.partners.test_pages")
def test_a_server_error_page_shows_nothing_of_the_exception(partnership, client_for):
    client = client_for(partnership.member("ig_officer"))
    client.raise_request_exception = False
    response = client.get("/test/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert SECRET not in html
    assert "RuntimeError" not in html
    assert partnership.member("ig_officer").user.full_name not in html


def test_the_500_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert '<h1 class="govuk-heading-l">Sorry, there is a problem with the service</h1>' in html
    assert "govuk-template__body" in html


def test_the_csrf_failure_page_is_a_service_page(partnership):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "a@example.org", "password": "x"})
    assert response.status_code == 403
    assert "Sorry, you need to try again" in response.content.decode()


# --- Forms as GOV.UK components ------------------------------------------------------------


class EverythingForm(forms.Form):
    name = forms.CharField(label="Full name", help_text="As on their birth certificate.")
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    kind = forms.ChoiceField(
        label="Type", choices=[("", "Choose"), ("school", "School"), ("nhs", "NHS")]
    )
    method = forms.ChoiceField(
        label="How was consent given?",
        choices=[("written", "In writing"), ("verbal", "Verbally")],
        widget=forms.RadioSelect,
    )
    scopes = forms.MultipleChoiceField(
        label="What does it cover?",
        choices=[("ehc", "EHC plan"), ("scarf", "SCARF")],
        widget=forms.CheckboxSelectMultiple,
    )
    confirm = forms.BooleanField(label="I confirm this is correct")
    born = forms.DateField(
        label="Date of birth", widget=DateInput, help_text="For example, 27 3 2015"
    )
    secret = forms.CharField(label="Password", widget=forms.PasswordInput)


def contains_html(haystack: str, needle: str) -> bool:
    """Whether the element `needle` is in `haystack`, ignoring attribute and class order."""
    return parse_html(haystack).count(parse_html(needle)) > 0


def test_an_unbound_form_renders_govuk_components():
    html = str(EverythingForm())
    for element in [
        '<label class="govuk-label" for="id_name">Full name</label>',
        '<div id="id_name_helptext" class="govuk-hint">As on their birth certificate.</div>',
        '<input type="text" name="name" class="govuk-input" aria-describedby="id_name_helptext"'
        ' id="id_name">',
        '<label class="govuk-label" for="id_notes">Notes (optional)</label>',
        '<textarea name="notes" cols="40" rows="10" class="govuk-textarea" id="id_notes">'
        "</textarea>",
        '<input class="govuk-radios__input" id="id_method_0" name="method" type="radio"'
        ' value="written">',
        '<label class="govuk-label govuk-radios__label" for="id_method_0">In writing</label>',
        '<input class="govuk-checkboxes__input" id="id_scopes_1" name="scopes" type="checkbox"'
        ' value="scarf">',
        '<input type="checkbox" name="confirm" class="govuk-checkboxes__input" id="id_confirm">',
        '<label class="govuk-label govuk-checkboxes__label" for="id_confirm">'
        "I confirm this is correct</label>",
        '<input class="govuk-input govuk-date-input__input govuk-input--width-4" id="id_born_year"'
        ' name="born_year" type="text" inputmode="numeric" value="">',
        '<input type="password" name="secret" spellcheck="false" autocapitalize="none"'
        ' class="govuk-input govuk-password-input__input govuk-js-password-input-input"'
        ' id="id_secret">',
    ]:
        assert contains_html(html, element), element
    assert 'class="govuk-select" id="id_kind"' in html
    assert '<div class="govuk-radios" data-module="govuk-radios">' in html
    assert '<div class="govuk-checkboxes" data-module="govuk-checkboxes">' in html
    assert (
        '<fieldset class="govuk-fieldset" role="group" aria-describedby="id_born_helptext">' in html
    )
    assert 'data-module="govuk-password-input"' in html
    # Server-side validation only: no browser bubbles.
    assert " required" not in html


def test_a_form_with_errors_marks_each_field_and_describes_it():
    form = EverythingForm(
        data={"method": "verbal", "born_day": "31", "born_month": "2", "born_year": "2015"}
    )
    assert not form.is_valid()
    html = str(form)
    for element in [
        '<input type="text" name="name" aria-invalid="true"'
        ' aria-describedby="id_name_helptext id_name_error" class="govuk-input govuk-input--error"'
        ' id="id_name">',
        '<p id="id_name_error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span> This field is required.</p>',
        '<input class="govuk-radios__input" id="id_method_1" name="method" type="radio"'
        ' value="verbal" checked>',
        '<input class="govuk-input govuk-date-input__input govuk-input--width-2'
        ' govuk-input--error" id="id_born_day" name="born_day" type="text" inputmode="numeric"'
        ' value="31">',
    ]:
        assert contains_html(html, element), element
    assert html.count('<div class="govuk-form-group govuk-form-group--error">') == 5
    assert 'class="govuk-select govuk-select--error"' in html
    assert '<fieldset class="govuk-fieldset" aria-describedby="id_scopes_error">' in html
    assert 'aria-describedby="id_born_helptext id_born_error"' in html
    assert form.errors["born"] == ["Enter a valid date."]

    summary = render_to_string("includes/error_summary.html", {"form": form})
    assert '<div class="govuk-error-summary" data-module="govuk-error-summary">' in summary
    anchors = re.findall(r'<a href="#([^"]+)">', summary)
    assert anchors == [
        "id_name",
        "id_kind",
        "id_scopes_0",
        "id_confirm",
        "id_born_day",
        "id_secret",
    ]


def test_a_page_with_form_errors_has_the_summary_above_the_heading(db):
    response = Client().post(reverse("password_reset"), {"email": "not an email"})
    html = response.content.decode()
    assert html.index("govuk-error-summary") < html.index("<h1")
    assert "<title>Error: Reset your password – Sharewell</title>" in html
    assert '<a href="#id_email">Enter an email address in the correct format' in html


def test_the_date_input_gives_the_field_a_date():
    form = EverythingForm(
        data={
            "name": "A",
            "kind": "nhs",
            "method": "verbal",
            "scopes": ["ehc"],
            "confirm": "on",
            "born_day": "3",
            "born_month": "3",
            "born_year": "2015",
            "secret": "x",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["born"].isoformat() == "2015-03-03"
