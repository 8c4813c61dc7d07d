"""The partners directory pages for organisations: the list with its filters, adding and editing
an organisation with its security summary (a stale edit from a second tab is refused), the
detail page with its contacts, people and history, authorised contacts, and importing
organisations from GIAS. A form with bad input shows its errors and saves nothing; list pages
run as many queries for 30 rows as for 3. Another partnership's objects are checked in
test_isolation_pages.py."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from partners import services
from partners.models import AuthorisedContact, ImportStatus, Organisation, OrganisationImport
from partners.roles import Role
from partners.tenancy import activate
from tests.factories import MembershipFactory, OrganisationFactory
from tests.partners.pages_directory_helpers import (
    PDF,
    SAMPLE,
    _queries,
    add_contact,
    date_parts,
    odt,
    organisation_form_data,
    pdf,
    record_training,
    upload_sample,
    visible_text,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


# --- Organisations: list ---------------------------------------------------------------------


def test_the_list_filters_by_type_and_status_and_keeps_the_search(partnership, client_for):
    OrganisationFactory(tenant=partnership.tenant, name="Closed Primary", type="academy")
    Organisation._base_manager.filter(name="Closed Primary").update(is_active=False)
    OrganisationFactory(tenant=partnership.tenant, name="Kent Police", type="police")
    client = client_for(partnership.member(Role.SENCO))
    url = reverse("organisation_list")

    def results(params: dict) -> str:
        html = client.get(url, params).content.decode()
        return visible_text(html[html.index('id="organisation-count"') : html.index("</main>")])

    academies = results({"type": "academy"})
    assert partnership.school.name in academies and "Closed Primary" in academies
    assert "Kent Police" not in academies

    active_academies = results({"type": "academy", "status": "active"})
    assert partnership.school.name in active_academies
    assert "Closed Primary" not in active_academies

    inactive = results({"status": "inactive", "q": "primary"})
    assert "Closed Primary" in inactive
    assert partnership.school.name not in inactive
    assert "1 organisation matching “primary” (inactive)" in inactive

    # An unknown filter value is ignored rather than an error.
    assert client.get(url, {"type": "nonsense", "status": "maybe"}).status_code == 200


def test_htmx_filters_answer_with_only_the_results(partnership, client_for):
    OrganisationFactory(tenant=partnership.tenant, name="Kent Police", type="police")
    response = client_for(partnership.member(Role.AUDITOR)).get(
        reverse("organisation_list"), {"type": "police"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "Kent Police" in html and partnership.school.name not in html
    assert 'hx-swap-oob="innerHTML"' in html
    page = client_for(partnership.member(Role.AUDITOR)).get(reverse("organisation_list"))
    assert 'hx-trigger="change"' in page.content.decode()
    assert 'name="type"' in page.content.decode() and 'name="status"' in page.content.decode()


def test_the_filtered_list_runs_as_many_queries_for_30_organisations_as_for_3(
    partnership, client_for
):
    client = client_for(partnership.member(Role.IG_OFFICER))
    url = reverse("organisation_list")
    OrganisationFactory(tenant=partnership.tenant, type="academy", parent=partnership.council)
    three = _queries(client, url, type="academy", status="active", q="a")
    for _ in range(27):
        OrganisationFactory(tenant=partnership.tenant, type="academy", parent=partnership.council)
    assert _queries(client, url, type="academy", status="active", q="a") == three


# --- Organisations: create and edit ----------------------------------------------------------


def test_the_ig_officer_adds_an_organisation_with_every_field(partnership, client_for, media):
    client = client_for(partnership.member(Role.IG_OFFICER))
    page = client.get(reverse("organisation_create")).content.decode()
    for legend in (
        "Organisation details",
        "Address and telephone",
        "Identifiers",
        "ICO registration",
        "Governance people",
        "Security summary",
    ):
        assert f'<h2 class="govuk-fieldset__heading">{legend}</h2>' in page
    assert 'enctype="multipart/form-data"' in page

    data = organisation_form_data(parent=str(partnership.council.public_id))
    response = client.post(reverse("organisation_create"), {**data, "security_summary": odt()})

    with activate(partnership.tenant):
        trust = Organisation.objects.get(name="Kent Community Health NHS Foundation Trust")
    assert response.status_code == 302
    assert response["Location"] == reverse("organisation_detail", args=[trust.public_id])
    assert (trust.type, trust.parent, trust.postcode) == (
        "nhs_trust",
        partnership.council,
        "TN25 4AY",
    )
    assert (trust.ods_code, trust.ico_registration_number) == ("RYY", "Z1234567")
    assert trust.ico_renewal_date == dt.date(2027, 3, 31)
    assert (trust.caldicott_guardian, trust.dpo_email) == (
        "Dr Sam Patel",
        "dpo@kentcht.example.org",
    )
    # Stored under a random name below MEDIA_ROOT, not the name it had on someone's computer.
    assert trust.security_summary.name.startswith("security-summaries/")
    assert trust.security_summary.name.endswith(".odt")
    assert "security" not in Path(trust.security_summary.name).name
    assert (media / trust.security_summary.name).exists()
    assert trust.history.get().history_user == partnership.member(Role.IG_OFFICER).user


def test_bad_organisation_input_shows_each_error_and_saves_nothing(partnership, client_for):
    client = client_for(partnership.member(Role.IG_OFFICER))
    data = organisation_form_data(
        name=partnership.council.name.upper(),
        type="",
        postcode="ABC 123",
        ods_code="ryy!",
        ico_renewal_date_day="31",
        ico_renewal_date_month="2",
    )
    response = client.post(reverse("organisation_create"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert html.index("govuk-error-summary") < html.index("<h1")
    for message in (
        "An organisation with this name is already in the partnership",
        "Select the type of organisation",
        "Enter a real postcode, like SE1 7PB.",
        "ODS codes are 3 to 10 capital letters or digits.",
        "ICO registration renewal date must be a real date",
    ):
        assert message in html, message
    # The summary links to each field, in the order of the page.
    anchors = re.findall(r'<a href="#(id_[^"]+)">', html)
    assert anchors[:3] == ["id_name", "id_type", "id_postcode"]
    assert 'value="ABC 123"' in html
    with activate(partnership.tenant):
        assert Organisation.objects.count() == 2


def test_an_edit_saves_bumps_the_version_and_sets_designated_managers(partnership, client_for):
    officer, manager = partnership.member(Role.IG_OFFICER), partnership.member(Role.MANAGER)
    council = partnership.council
    client = client_for(officer)
    page = client.get(reverse("organisation_edit", args=[council.public_id])).content.decode()
    assert f'<input type="hidden" name="version" value="{council.version}"' in page
    # Designated managers are chosen from the organisation's own people.
    assert manager.user.full_name in page
    assert partnership.member(Role.SENCO).user.full_name not in page

    data = organisation_form_data(
        council, phone="03000 414141", designated_managers=[str(manager.public_id)]
    )
    response = client.post(reverse("organisation_edit", args=[council.public_id]), data)

    assert response.status_code == 302
    council.refresh_from_db()
    assert council.phone == "03000 414141"
    assert council.version == 2
    with activate(partnership.tenant):
        assert list(council.designated_managers.all()) == [manager]


def test_a_stale_edit_from_a_second_tab_is_refused_and_keeps_what_was_typed(
    partnership, client_for
):
    """Two tabs load the same organisation; the first saves; the second's save is refused with a
    clear banner, its typed values stay in the form, and the first save is not overwritten."""
    council = partnership.council
    url = reverse("organisation_edit", args=[council.public_id])
    first_tab = client_for(partnership.member(Role.IG_OFFICER))
    second_tab = client_for(partnership.member(Role.IG_OFFICER))
    loaded = [first_tab.get(url), second_tab.get(url)]
    version = loaded[0].context["form"].initial["version"]
    assert all(f'name="version" value="{version}"' in r.content.decode() for r in loaded)

    saved = first_tab.post(url, organisation_form_data(council, town="Maidstone"))
    assert saved.status_code == 302

    refused = second_tab.post(
        url, organisation_form_data(council, town="Canterbury", phone="01227 000000")
    )
    html = refused.content.decode()
    assert refused.status_code == 409
    assert "Someone else changed this organisation while you were editing it." in html
    assert "Your changes have not been saved." in html
    assert "Town or city: Maidstone" in visible_text(html)
    assert 'value="Canterbury"' in html and 'value="01227 000000"' in html
    # The refused form still carries the version it was loaded with: saving it again is refused
    # again until the user opens the latest version.
    assert f'name="version" value="{version}"' in html
    council.refresh_from_db()
    assert (council.town, council.phone, council.version) == ("Maidstone", "", version + 1)
    again = second_tab.post(
        url, organisation_form_data(council, town="Canterbury", version=version)
    )
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("summary.txt", b"plain text"), "must be a PDF, DOCX or ODT"),
        (SimpleUploadedFile("summary.pdf", b"MZ\x90\x00 not a pdf"), "is not a real PDF file"),
        (SimpleUploadedFile("summary.docx", b"PK\x03\x04broken"), "is not a real DOCX file"),
        (pdf(size=10 * 1024 * 1024 + 1), "must be smaller than 10MB"),
        (SimpleUploadedFile("summary.pdf", b""), "The selected file is empty"),
    ],
    ids=["wrong-type", "disguised", "broken-docx", "oversize", "empty"],
)
def test_the_security_summary_upload_refuses_wrong_types_and_oversize_files(
    upload, message, partnership, client_for, media
):
    council = partnership.council
    response = client_for(partnership.member(Role.IG_OFFICER)).post(
        reverse("organisation_edit", args=[council.public_id]),
        {**organisation_form_data(council, town="Changed"), "security_summary": upload},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    council.refresh_from_db()
    assert (council.security_summary.name, council.town, council.version) == ("", "", 1)
    assert not (media / "security-summaries").exists()


def test_the_security_summary_is_downloaded_only_through_the_checked_view(partnership, client_for):
    council = partnership.council
    client = client_for(partnership.member(Role.IG_OFFICER))
    client.post(
        reverse("organisation_edit", args=[council.public_id]),
        {**organisation_form_data(council), "security_summary": pdf()},
    )
    council.refresh_from_db()
    url = reverse("organisation_security_summary", args=[council.public_id])

    response = client_for(partnership.member(Role.PRACTITIONER)).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    # Nothing serves MEDIA_ROOT itself.
    assert client.get(f"/media/{council.security_summary.name}").status_code == 404
    # An organisation without a document has nothing to download.
    empty = reverse("organisation_security_summary", args=[partnership.school.public_id])
    assert client.get(empty).status_code == 404
    # The detail page links to it.
    detail = client.get(reverse("organisation_detail", args=[council.public_id])).content.decode()
    assert f'href="{url}"' in detail


# --- Organisations: the detail page ----------------------------------------------------------


def test_the_detail_page_has_summary_contacts_people_and_history_tabs(partnership, client_for):
    today = timezone.localdate()
    current = add_contact(partnership, name="Jo Current")
    past = add_contact(
        partnership,
        name="Pat Former",
        email="pat@school.example.org",
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2024, 7, 31),
    )
    with activate(partnership.tenant):
        services.contact_update(
            actor=partnership.member(Role.IG_OFFICER), contact=current, role="Headteacher"
        )
    record_training(partnership, partnership.member(Role.SENCO), today - dt.timedelta(days=30))
    record_training(
        partnership, partnership.member(Role.PRACTITIONER), today.replace(year=today.year - 2)
    )

    response = client_for(partnership.member(Role.AUDITOR)).get(
        reverse("organisation_detail", args=[partnership.school.public_id])
    )
    html = response.content.decode()
    text = visible_text(html)
    for tab in ("#summary", "#contacts", "#people", "#history"):
        assert f'class="govuk-tabs__tab" href="{tab}"' in html
    assert 'data-module="govuk-tabs"' in html

    contacts = text[text.index("Authorised now") : text.index("People and training Information")]
    assert contacts.index("Jo Current") < contacts.index("Past and future contacts")
    assert contacts.index("Past and future contacts") < contacts.index("Pat Former")
    assert "until 31 July 2024" in contacts
    current.refresh_from_db()
    assert f'datetime="{timezone.localtime(current.updated_at).isoformat()}"' in html
    # The auditor reads, but is offered no change.
    assert reverse("contact_add", args=[partnership.school.public_id]) not in html

    people = text[text.index("Active members of") : text.index("Change history Every change")]
    senco, practitioner = (
        partnership.member(r).user.full_name for r in (Role.SENCO, Role.PRACTITIONER)
    )
    assert re.search(re.escape(senco) + r" SENCo Current", people)
    assert re.search(re.escape(practitioner) + r" Practitioner Out of date", people)
    assert '<strong class="govuk-tag govuk-tag--red">Out of date</strong>' in html

    history = text[text.index("Change history Every change") :]
    officer = partnership.member(Role.IG_OFFICER).user.full_name
    assert "Authorised contact Jo Current: changed" in history
    assert "Role or job title Designated safeguarding lead → changed to Headteacher" in history
    assert f"by {officer}" in history
    assert "Authorised contact Pat Former: added" in history
    assert past.email in history


def test_the_history_names_fields_and_values_in_words(partnership, client_for):
    council = partnership.council
    client = client_for(partnership.member(Role.IG_OFFICER))
    client.post(
        reverse("organisation_edit", args=[council.public_id]),
        organisation_form_data(
            council,
            type="police",
            parent=str(partnership.school.public_id),
            ico_registration_number="Z7654321",
            **date_parts("ico_renewal_date", dt.date(2027, 4, 1)),
            security_summary=pdf(),
        ),
    )
    text = visible_text(
        client.get(reverse("organisation_detail", args=[council.public_id])).content
    )
    history = text[text.index("Change history Every change") :]
    assert "Organisation details: changed" in history
    assert "Type Local authority service → changed to Police" in history
    assert f"Parent Not set → changed to {partnership.school.name}" in history
    assert "ICO registration renewal date Not set → changed to 1 April 2027" in history
    assert "Security summary document Not set → changed to A new document" in history
    assert "security-summaries/" not in history


def test_the_detail_page_runs_as_many_queries_for_30_contacts_as_for_3(partnership, client_for):
    client = client_for(partnership.member(Role.IG_OFFICER))
    url = reverse("organisation_detail", args=[partnership.school.public_id])

    def grow(count: int) -> None:
        for index in range(count):
            contact = add_contact(partnership, name=f"Contact {index}", email=f"c{index}@x.org")
            with activate(partnership.tenant):
                services.contact_update(
                    actor=partnership.member(Role.IG_OFFICER),
                    contact=contact,
                    valid_from=dt.date(2020, 1, 1),
                    valid_to=dt.date(2024, 1, 1) if index % 2 else None,
                )
            member = MembershipFactory(tenant=partnership.tenant, organisation=partnership.school)
            record_training(partnership, member, dt.date(2026, 1, 1))

    grow(3)
    three = _queries(client, url)
    grow(27)
    assert _queries(client, url) == three


# --- Authorised contacts ---------------------------------------------------------------------


def test_the_ig_officer_adds_a_contact_and_later_ends_their_authority(partnership, client_for):
    client = client_for(partnership.member(Role.IG_OFFICER))
    school = partnership.school
    response = client.post(
        reverse("contact_add", args=[school.public_id]),
        {
            "name": "Robin Hale",
            "role": "Headteacher",
            "email": "head@school.example.org",
            "phone": "01622 000111",
            **date_parts("valid_from", dt.date(2026, 9, 1)),
            **date_parts("valid_to", None),
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/organisations/{school.public_id}/#contacts")
    with activate(partnership.tenant):
        contact = AuthorisedContact.objects.get(name="Robin Hale")
    assert (contact.valid_from, contact.valid_to) == (dt.date(2026, 9, 1), None)

    edit = reverse("contact_edit", args=[school.public_id, contact.public_id])
    form = client.get(edit).content.decode()
    assert 'value="Robin Hale"' in form and 'name="valid_from_year" type="text"' in form
    response = client.post(
        edit,
        {
            "name": "Robin Hale",
            "role": "Headteacher",
            "email": "head@school.example.org",
            **date_parts("valid_from", dt.date(2026, 9, 1)),
            **date_parts("valid_to", dt.date(2027, 8, 31)),
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.valid_to == dt.date(2027, 8, 31)
    assert contact.history.count() == 2


def test_a_contact_ending_before_it_starts_is_refused_and_nothing_saved(partnership, client_for):
    client = client_for(partnership.member(Role.IG_OFFICER))
    contact = add_contact(partnership)
    edit = reverse("contact_edit", args=[partnership.school.public_id, contact.public_id])
    response = client.post(
        edit,
        {
            "name": "Jo Lead",
            "role": "DSL",
            "email": "not-an-email",
            **date_parts("valid_from", dt.date(2025, 9, 1)),
            **date_parts("valid_to", dt.date(2025, 8, 1)),
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter an email address in the correct format" in html

    response = client.post(
        edit,
        {
            "name": "Jo Lead",
            "role": "DSL",
            "email": "jo@school.example.org",
            **date_parts("valid_from", dt.date(2025, 9, 1)),
            **date_parts("valid_to", dt.date(2025, 8, 1)),
        },
    )
    assert response.status_code == 400
    assert "The end date must be on or after the start date." in response.content.decode()
    contact.refresh_from_db()
    assert (contact.role, contact.valid_to, contact.history.count()) == (
        "Designated safeguarding lead",
        None,
        1,
    )


def test_a_contact_of_another_organisation_is_not_found_under_this_one(partnership, client_for):
    contact = add_contact(partnership)
    response = client_for(partnership.member(Role.IG_OFFICER)).get(
        reverse("contact_edit", args=[partnership.council.public_id, contact.public_id])
    )
    assert response.status_code == 404


# --- Importing from GIAS ---------------------------------------------------------------------


def test_an_import_goes_from_upload_to_preview_to_progress_to_result(partnership, client_for):
    client = client_for(partnership.member(Role.IG_OFFICER))
    broken = "\n".join(
        [
            SAMPLE.read_text().rstrip("\n"),
            "12,886,Kent,2999,Bad URN School,01,Community school,4,x,1,Open,2,Primary,4,11,"
            "Road,,,Town,Kent,ME14 1AA,,0,Mr,A,B,1",
            "990001,886,Kent,2001,Oakfield Again,01,Community school,4,x,1,Open,2,Primary,4,11,"
            "Road,,,Town,Kent,ME14 1AA,,0,Mr,A,B,1",
        ]
    )
    response = client.post(
        reverse("organisation_import_upload"),
        {"source": SimpleUploadedFile("establishments.csv", broken.encode())},
    )
    with activate(partnership.tenant):
        job = OrganisationImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("organisation_import_preview", args=[job.public_id])

    preview = client.get(response["Location"])
    text = visible_text(preview.content)
    assert "Rows in the file 10" in text
    assert "Organisations to add 8" in text and "Organisations to update 0" in text
    assert "Rows with errors 2" in text
    assert "11 990001 URN 990001 appears again; line 2 was used." in text
    assert "10 12 URN '12' is not 5 to 7 digits." in text
    assert "Oakfield Primary School (demo)" in text and "Maintained school" in text
    with activate(partnership.tenant):
        assert Organisation.objects.count() == 2  # the preview writes nothing

    started = client.post(reverse("organisation_import_preview", args=[job.public_id]))
    progress_url = reverse("organisation_import_progress", args=[job.public_id])
    assert started.status_code == 302 and started["Location"] == progress_url
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED
    # Back on the preview, the import is not offered twice.
    assert (
        client.get(reverse("organisation_import_preview", args=[job.public_id]))["Location"]
        == progress_url
    )

    waiting = client.get(progress_url).content.decode()
    status_url = reverse("organisation_import_status", args=[job.public_id])
    assert f'hx-get="{status_url}" hx-trigger="every 1s" hx-swap="outerHTML"' in waiting
    assert 'id="import-status-text" role="status"' in waiting
    assert '<label class="govuk-label govuk-label--s" for="import-progress-bar">' in waiting
    assert "Waiting to start: 10 rows to import." in visible_text(waiting)

    with activate(partnership.tenant):
        services.organisation_import_run(job_id=job.pk)

    fragment = client.get(status_url, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert "<html" not in html
    assert "hx-trigger" not in html  # finished: the polling stops
    assert 'id="import-status-text" role="status" hx-swap-oob="innerHTML"' in html
    text = visible_text(html)
    assert "Finished: 8 added, 0 updated, 2 rows with errors." in text
    assert "10 of 10 rows" in text
    assert "10 12 URN '12' is not 5 to 7 digits." in text
    assert "no-store" in fragment["Cache-Control"]
    with activate(partnership.tenant):
        assert Organisation.objects.filter(urn__startswith="9900").count() == 8


def test_the_import_upload_refuses_files_that_are_not_gias_extracts(partnership, client_for):
    client = client_for(partnership.member(Role.IG_OFFICER))
    for upload, message in [
        (SimpleUploadedFile("schools.xlsx", b"PK\x03\x04"), "The selected file must be a CSV"),
        (SimpleUploadedFile("schools.csv", b"Name,Town\nA,B\n"), "has no &#x27;URN&#x27;"),
        (SimpleUploadedFile("schools.csv", b""), "The selected file is empty"),
    ]:
        response = client.post(reverse("organisation_import_upload"), {"source": upload})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert client.post(reverse("organisation_import_upload"), {}).status_code == 400
    with activate(partnership.tenant):
        assert not OrganisationImport.objects.exists()


def test_the_upload_page_lists_recent_imports(partnership, client_for):
    job = upload_sample(partnership)
    html = client_for(partnership.member(Role.IG_OFFICER)).get(
        reverse("organisation_import_upload")
    )
    assert reverse("organisation_import_preview", args=[job.public_id]) in html.content.decode()


def test_the_import_result_runs_as_many_queries_for_30_errors_as_for_3(partnership, client_for):
    client = client_for(partnership.member(Role.IG_OFFICER))

    def finished_with_errors(count: int) -> str:
        job = upload_sample(partnership)
        errors = [
            {"line": n + 2, "urn": "1", "message": "URN '1' is not 5 to 7 digits."}
            for n in range(count)
        ]
        OrganisationImport._base_manager.filter(pk=job.pk).update(
            status=ImportStatus.DONE, errors=errors
        )
        return reverse("organisation_import_progress", args=[job.public_id])

    three = _queries(client, finished_with_errors(3))
    assert _queries(client, finished_with_errors(30)) == three
    text = visible_text(client.get(finished_with_errors(30)).content)
    assert text.count("is not 5 to 7 digits") == 30


def test_the_preview_runs_as_many_queries_for_30_errors_as_for_3(partnership, client_for):
    client = client_for(partnership.member(Role.IG_OFFICER))
    header = SAMPLE.read_text().splitlines()[0]
    bad = "1,886,Kent,1,Bad,01,Community school,4,x,1,Open,2,P,4,11,R,,,T,K,ME14 1AA,,0,M,A,B,1"

    def preview_of(count: int) -> str:
        job = upload_sample(partnership, "\n".join([header, *[bad] * count]).encode())
        return reverse("organisation_import_preview", args=[job.public_id])

    assert _queries(client, preview_of(3)) == _queries(client, preview_of(30))
