"""The partners directory pages: organisations (list with filters, create, edit, security summary),
authorised contacts, people and invitations, IG training and its policy, and importing from GIAS.

Each page opens for the roles that may use it and is a 403 for the others; a form with bad input
shows its errors and saves nothing; list pages run as many queries for 30 rows as for 3.
Another partnership's objects are checked in tests/partners/test_isolation.py.
"""

from __future__ import annotations

import datetime as dt
import html as html_module
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partners import services
from partners.models import (
    AuthorisedContact,
    ImportStatus,
    Invitation,
    Membership,
    Organisation,
    OrganisationImport,
    TrainingRecord,
)
from partners.reminders import long_date
from partners.roles import Role
from partners.tenancy import activate
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "partners" / "fixtures" / "gias_sample.csv"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files go to a folder of this test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def visible_text(html: str | bytes) -> str:
    html = html.decode() if isinstance(html, bytes) else html
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def pdf(name: str = "security.pdf", size: int | None = None) -> SimpleUploadedFile:
    content = PDF if size is None else PDF + b"0" * (size - len(PDF))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def odt(name: str = "security.odt") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def date_parts(name: str, value: dt.date | None) -> dict:
    if value is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {
        f"{name}_day": str(value.day),
        f"{name}_month": str(value.month),
        f"{name}_year": str(value.year),
    }


def organisation_form_data(organisation: Organisation | None = None, **changes) -> dict:
    """What the organisation form posts: the organisation's values, then the changes."""
    data = {
        "name": "Kent Community Health NHS Foundation Trust",
        "type": "nhs_trust",
        "parent": "",
        "is_active": "on",
        "address_line_1": "Trinity House",
        "address_line_2": "110-120 Upper Pemberton",
        "town": "Ashford",
        "postcode": "tn25 4ay",
        "phone": "01233 667700",
        "urn": "",
        "la_establishment_number": "",
        "ods_code": "ryy",
        "charity_number": "",
        "company_number": "",
        "ico_registration_number": "z1234567",
        **date_parts("ico_renewal_date", dt.date(2027, 3, 31)),
        "caldicott_guardian": "Dr Sam Patel",
        "dpo_name": "Alex Morgan",
        "dpo_email": "dpo@kentcht.example.org",
    }
    if organisation is not None:
        data.update(
            {
                field: getattr(organisation, field) or ""
                for field in (
                    "name",
                    "type",
                    "address_line_1",
                    "address_line_2",
                    "town",
                    "postcode",
                    "phone",
                    "urn",
                    "la_establishment_number",
                    "ods_code",
                    "charity_number",
                    "company_number",
                    "ico_registration_number",
                    "caldicott_guardian",
                    "dpo_name",
                    "dpo_email",
                )
            }
        )
        data.update(date_parts("ico_renewal_date", organisation.ico_renewal_date))
        data["parent"] = str(organisation.parent.public_id) if organisation.parent else ""
        data["version"] = organisation.version
        if not organisation.is_active:
            del data["is_active"]
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def add_contact(partnership, **fields) -> AuthorisedContact:
    values = {
        "name": "Jo Lead",
        "role": "Designated safeguarding lead",
        "email": "jo.lead@school.example.org",
        "valid_from": dt.date(2025, 9, 1),
        **fields,
    }
    with activate(partnership.tenant):
        return services.contact_add(
            actor=partnership.member(Role.IG_OFFICER), organisation=partnership.school, **values
        )


def upload_sample(partnership, content: bytes | None = None) -> OrganisationImport:
    with activate(partnership.tenant):
        return services.organisation_import_upload(
            actor=partnership.member(Role.IG_OFFICER),
            upload=SimpleUploadedFile("gias.csv", content or SAMPLE.read_bytes()),
        )


def record_training(partnership, member, completed_on: dt.date, evidence=None) -> TrainingRecord:
    with activate(partnership.tenant):
        return services.training_record(
            actor=partnership.member(Role.IG_OFFICER),
            membership=member,
            course="IG refresher",
            completed_on=completed_on,
            evidence=evidence,
        )


# --- Who may open each page ------------------------------------------------------------------

IG_ONLY = {Role.IG_OFFICER}
PEOPLE_VIEWERS = {Role.IG_OFFICER, Role.AUDITOR}
EVERYONE = set(Role)


def _pages(partnership) -> dict[str, tuple[str, set]]:
    contact = add_contact(partnership)
    job = upload_sample(partnership)
    practitioner = partnership.member(Role.PRACTITIONER)
    organisation = partnership.school
    with activate(partnership.tenant):
        services.organisation_update(
            actor=partnership.member(Role.IG_OFFICER),
            organisation=organisation,
            expected_version=organisation.version,
            security_summary=pdf(),
        )
    org = {"public_id": organisation.public_id}
    job_id = {"public_id": job.public_id}
    person = {"public_id": practitioner.public_id}
    return {
        "organisation_list": (reverse("organisation_list"), EVERYONE),
        "organisation_detail": (reverse("organisation_detail", kwargs=org), EVERYONE),
        "organisation_security_summary": (
            reverse("organisation_security_summary", kwargs=org),
            EVERYONE,
        ),
        "organisation_create": (reverse("organisation_create"), IG_ONLY),
        "organisation_edit": (reverse("organisation_edit", kwargs=org), IG_ONLY),
        "contact_add": (reverse("contact_add", kwargs=org), IG_ONLY),
        "contact_edit": (
            reverse("contact_edit", kwargs={**org, "contact_id": contact.public_id}),
            IG_ONLY,
        ),
        "organisation_import_upload": (reverse("organisation_import_upload"), IG_ONLY),
        "organisation_import_preview": (
            reverse("organisation_import_preview", kwargs=job_id),
            IG_ONLY,
        ),
        "organisation_import_progress": (
            reverse("organisation_import_progress", kwargs=job_id),
            IG_ONLY,
        ),
        "organisation_import_status": (
            reverse("organisation_import_status", kwargs=job_id),
            IG_ONLY,
        ),
        "membership_list": (reverse("membership_list"), PEOPLE_VIEWERS),
        "membership_detail": (reverse("membership_detail", kwargs=person), PEOPLE_VIEWERS),
        "membership_invite": (reverse("membership_invite"), IG_ONLY),
        "membership_change": (reverse("membership_change", kwargs=person), IG_ONLY),
        "membership_deactivate": (reverse("membership_deactivate", kwargs=person), IG_ONLY),
        "membership_training_record": (
            reverse("membership_training_record", kwargs=person),
            IG_ONLY,
        ),
        "my_training": (reverse("my_training"), EVERYONE),
        "my_training_record": (reverse("my_training_record"), EVERYONE),
        "training_policy": (reverse("training_policy"), IG_ONLY),
    }


PAGE_NAMES = [
    "organisation_list",
    "organisation_detail",
    "organisation_security_summary",
    "organisation_create",
    "organisation_edit",
    "contact_add",
    "contact_edit",
    "organisation_import_upload",
    "organisation_import_preview",
    "organisation_import_progress",
    "organisation_import_status",
    "membership_list",
    "membership_detail",
    "membership_invite",
    "membership_change",
    "membership_deactivate",
    "membership_training_record",
    "my_training",
    "my_training_record",
    "training_policy",
]


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_each_page_opens_for_its_roles_and_is_refused_to_the_others(page, partnership, client_for):
    url, allowed = _pages(partnership)[page]
    for role in Role:
        response = client_for(partnership.member(role)).get(url)
        expected = 200 if role in allowed else 403
        assert response.status_code == expected, f"{role.value} got {response.status_code}"
        if expected == 403:
            assert "You cannot use this page" in response.content.decode()


def test_the_write_pages_refuse_a_post_from_other_roles_and_change_nothing(partnership, client_for):
    pages = _pages(partnership)
    practitioner = partnership.member(Role.PRACTITIONER)
    auditor = partnership.member(Role.AUDITOR)
    for page in (
        "organisation_create",
        "organisation_edit",
        "contact_add",
        "membership_invite",
        "membership_change",
        "membership_deactivate",
        "training_policy",
        "organisation_import_preview",
    ):
        url, _ = pages[page]
        for member in (practitioner, auditor):
            assert client_for(member).post(url, {"name": "Taken"}).status_code == 403, page
    practitioner.refresh_from_db()
    assert practitioner.is_active
    with activate(partnership.tenant):
        assert OrganisationImport.objects.get().status == ImportStatus.PREVIEWED
        assert not Organisation.objects.filter(name="Taken").exists()


def test_the_navigation_offers_people_to_those_who_may_see_them(partnership, client_for):
    for role in Role:
        html = client_for(partnership.member(role)).get(reverse("dashboard")).content.decode()
        assert ('href="/people/"' in html) == (role in PEOPLE_VIEWERS), role


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


def test_the_list_offers_adding_and_importing_to_the_ig_officer_only(partnership, client_for):
    officer = client_for(partnership.member(Role.IG_OFFICER)).get(reverse("organisation_list"))
    assert 'href="/organisations/new/"' in officer.content.decode()
    assert 'href="/organisations/import/"' in officer.content.decode()
    manager = client_for(partnership.member(Role.MANAGER)).get(reverse("organisation_list"))
    assert 'href="/organisations/new/"' not in manager.content.decode()
    assert 'href="/organisations/import/"' not in manager.content.decode()


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


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


# --- People ----------------------------------------------------------------------------------


def test_the_people_page_lists_role_organisation_training_and_status(partnership, client_for):
    today = timezone.localdate()
    record_training(partnership, partnership.member(Role.SENCO), today - dt.timedelta(days=10))
    leaver = MembershipFactory(
        tenant=partnership.tenant, organisation=partnership.school, user__full_name="Lee Leaver"
    )
    with activate(partnership.tenant):
        services.membership_deactivate(actor=partnership.member(Role.IG_OFFICER), membership=leaver)

    html = client_for(partnership.member(Role.AUDITOR)).get(reverse("membership_list")).content
    text = visible_text(html)
    senco = partnership.member(Role.SENCO).user.full_name
    assert re.search(
        re.escape(senco) + rf" SENCo {re.escape(partnership.school.name)} Current", text
    )
    assert "Lee Leaver" in text and "Deactivated" in text
    assert "Not recorded" in text
    # The auditor sees everyone but cannot invite.
    assert b'href="/people/invite/"' not in html
    officer = client_for(partnership.member(Role.IG_OFFICER)).get(reverse("membership_list"))
    assert b'href="/people/invite/"' in officer.content


def test_the_people_page_pages_active_people_by_name_with_their_latest_training(
    partnership, client_for
):
    # 100 a page: active people first, by name; each with the expiry of their latest training.
    for number in range(100):
        MembershipFactory(
            tenant=partnership.tenant,
            organisation=partnership.school,
            user__full_name=f"Zed Person {number:03d}",
        )
    last = MembershipFactory(
        tenant=partnership.tenant, organisation=partnership.school, user__full_name="Zz Last"
    )
    record_training(partnership, last, dt.date(2025, 3, 1))
    latest = record_training(partnership, last, dt.date(2026, 3, 2))
    leaver = MembershipFactory(
        tenant=partnership.tenant, organisation=partnership.school, user__full_name="Aaron Leaver"
    )
    with activate(partnership.tenant):
        services.membership_deactivate(actor=partnership.member(Role.IG_OFFICER), membership=leaver)
    client = client_for(partnership.member(Role.IG_OFFICER))

    first = visible_text(client.get(reverse("membership_list")).content)
    second = visible_text(client.get(reverse("membership_list") + "?page=2").content)

    assert "Aaron Leaver" not in first and "Zz Last" not in first
    names = re.findall(r"Zed Person \d{3}|Zz Last|Aaron Leaver", second)
    assert names[-2:] == ["Zz Last", "Aaron Leaver"]
    assert names == [*sorted(names[:-1]), "Aaron Leaver"]
    # The later of the two records, not the earlier.
    expiry = re.search(r"Zz Last .*? (?:until|lapsed on) (\d+ \w+ \d{4})", second)
    assert expiry is not None, second
    assert expiry.group(1) == long_date(latest.expires_on)


def test_every_page_of_people_follows_on_from_the_one_before(partnership, client_for, monkeypatch):
    # Pages past the middle are read backwards from the end: they must be the same people, in
    # the same order, as reading forwards would give.
    from partners.views.people import MembershipListView

    monkeypatch.setattr(MembershipListView, "paginate_by", 4)
    for number in (7, 3, 11, 5, 9, 1, 12, 8, 2, 10, 6, 4):
        MembershipFactory(
            tenant=partnership.tenant,
            organisation=partnership.school,
            user__full_name=f"Paged Person {number:02d}",
        )
    client = client_for(partnership.member(Role.IG_OFFICER))
    with activate(partnership.tenant):
        everyone = [
            str(membership.user)
            for membership in Membership.objects.select_related("user").order_by(
                "-is_active", "user__full_name", "pk"
            )
        ]
    assert len(everyone) > 16

    pages, number = [], 1
    while True:
        response = client.get(reverse("membership_list"), {"page": number})
        assert response.status_code == 200
        pages.append([row["name"] for row in response.context["rows"]])
        if not response.context["page_obj"].has_next():
            break
        number += 1

    assert [len(page) for page in pages[:-1]] == [4] * (len(pages) - 1)
    assert [name for page in pages for name in page] == everyone
    last = client.get(reverse("membership_list"), {"page": "last"})
    assert [row["name"] for row in last.context["rows"]] == pages[-1]


def test_the_people_page_runs_as_many_queries_for_30_people_as_for_3(partnership, client_for):
    client = client_for(partnership.member(Role.IG_OFFICER))

    def grow(count: int) -> None:
        for _ in range(count):
            member = MembershipFactory(tenant=partnership.tenant, organisation=partnership.school)
            record_training(partnership, member, dt.date(2026, 1, 1))

    grow(3)
    # The first page after the organisations change writes their options once more.
    _queries(client, reverse("membership_list"))
    three = _queries(client, reverse("membership_list"))
    filtered = _queries(client, reverse("membership_list"), who="user", role=Role.PRACTITIONER)
    grow(27)
    assert _queries(client, reverse("membership_list")) == three
    assert (
        _queries(client, reverse("membership_list"), who="user", role=Role.PRACTITIONER) == filtered
    )


def test_people_are_found_by_name_or_email_organisation_role_and_status(partnership, client_for):
    def person(full_name, email, organisation, role=Role.PRACTITIONER):
        return MembershipFactory(
            tenant=partnership.tenant,
            organisation=organisation,
            role=role,
            user__full_name=full_name,
            user__email=email,
        )

    person("Alex Morgan-Reid", "a.morgan@oakfield.example", partnership.school)
    person("Sam Morgan", "sam.carter@council.example", partnership.council, Role.MANAGER)
    leaver = person("Jo Morgan", "jo@oakfield.example", partnership.school)
    with activate(partnership.tenant):
        services.membership_deactivate(actor=partnership.member(Role.IG_OFFICER), membership=leaver)
    client = client_for(partnership.member(Role.IG_OFFICER))

    def found(**query) -> list[str]:
        response = client.get(reverse("membership_list"), query)
        assert response.status_code == 200
        return [row["name"] for row in response.context["rows"]]

    assert found(who="MORGAN") == ["Alex Morgan-Reid", "Sam Morgan", "Jo Morgan"]
    assert found(who="  oakfield.example ") == ["Alex Morgan-Reid", "Jo Morgan"]
    assert found(who="morgan", organisation=partnership.school.public_id) == [
        "Alex Morgan-Reid",
        "Jo Morgan",
    ]
    assert found(who="morgan", role=Role.MANAGER) == ["Sam Morgan"]
    assert found(who="morgan", status="active") == ["Alex Morgan-Reid", "Sam Morgan"]
    assert found(who="morgan", status="deactivated") == ["Jo Morgan"]
    assert found(who="nobody by this name") == []
    page = visible_text(client.get(reverse("membership_list"), {"who": "morgan"}).content)
    assert "3 people match" in page
    assert (
        'value="morgan"'
        in client.get(reverse("membership_list"), {"who": "morgan"}).content.decode()
    )


def test_the_people_search_keeps_its_filters_from_page_to_page(partnership, client_for):
    for number in range(105):
        MembershipFactory(
            tenant=partnership.tenant,
            organisation=partnership.school,
            user__full_name=f"Pat Paged {number:03d}",
        )
    client = client_for(partnership.member(Role.IG_OFFICER))

    first = client.get(reverse("membership_list"), {"who": "paged"})
    second = client.get(
        first.context["page_obj"].has_next() and reverse("membership_list"),
        {"who": "paged", "page": 2},
    )

    assert 'href="?who=paged&amp;page=2"' in first.content.decode()
    assert [row["name"] for row in second.context["rows"]] == [
        f"Pat Paged {number:03d}" for number in range(100, 105)
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"role": "overlord"}, "Select a role from the list"),
        ({"status": "retired"}, "Select a status from the list"),
        ({"organisation": "not-an-id"}, "Select an organisation from the list"),
    ],
    ids=["role", "status", "organisation"],
)
def test_a_bad_people_filter_is_a_400_with_the_error(partnership, client_for, query, message):
    response = client_for(partnership.member(Role.IG_OFFICER)).get(
        reverse("membership_list"), query
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert response.context["rows"] == []


def test_another_partnerships_organisation_is_not_a_people_filter(
    partnership, other_partnership, client_for
):
    response = client_for(partnership.member(Role.IG_OFFICER)).get(
        reverse("membership_list"), {"organisation": other_partnership.school.public_id}
    )

    assert response.status_code == 400
    assert "Select an organisation from the list" in response.content.decode()
    assert other_partnership.school.name not in response.content.decode()


def test_an_invitation_is_emailed_with_a_link_to_the_join_page(
    partnership, client_for, django_capture_on_commit_callbacks
):
    client = client_for(partnership.member(Role.IG_OFFICER))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("membership_invite"),
            {
                "full_name": "Nadia New",
                "email": "Nadia.New@School.example.org",
                "organisation": str(partnership.school.public_id),
                "role": Role.SENCO,
            },
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver/join/([\w-]+)/", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    with activate(partnership.tenant):
        invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("nadia.new@school.example.org", Role.SENCO)
    assert link.group(1) not in invitation.token_digest


def test_a_bad_invitation_shows_its_errors_and_sends_nothing(
    partnership, client_for, django_capture_on_commit_callbacks
):
    client = client_for(partnership.member(Role.IG_OFFICER))
    with django_capture_on_commit_callbacks(execute=True):
        blank = client.post(reverse("membership_invite"), {"email": "nope"})
        member = client.post(
            reverse("membership_invite"),
            {
                "full_name": "Already Here",
                "email": partnership.member(Role.SENCO).user.email,
                "organisation": str(partnership.school.public_id),
                "role": Role.SENCO,
            },
        )
    assert blank.status_code == 400
    for message in (
        "Enter the person&#x27;s full name",
        "Enter an email address in the correct format",
        "Select the organisation they work for",
        "Select a role",
    ):
        assert message in blank.content.decode(), message
    assert member.status_code == 400
    assert "This person is already a member of the partnership." in member.content.decode()
    assert mail.outbox == []
    with activate(partnership.tenant):
        assert not Invitation.objects.exists()


def _invite(partnership, email: str, role=Role.PRACTITIONER) -> str:
    links = []
    with activate(partnership.tenant):
        services.invitation_send(
            actor=partnership.member(Role.IG_OFFICER),
            email=email,
            full_name="Invited Person",
            organisation=partnership.school,
            role=role,
            accept_url_for=lambda raw: links.append(raw) or f"http://testserver/join/{raw}/",
        )
    return reverse("invitation_accept", kwargs={"token": links[0]})


def test_a_newcomer_sets_a_password_on_the_join_page_and_is_signed_in(partnership, client):
    url = _invite(partnership, "newcomer@example.org")
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert f"Join {partnership.tenant.name}" in html
    assert "Create a password" in html and "Confirm password" in html
    assert "no-store" in page["Cache-Control"]

    mismatch = client.post(url, {"password": "a long passphrase 2026", "password_again": "other"})
    assert mismatch.status_code == 400
    assert "The passwords do not match" in mismatch.content.decode()
    weak = client.post(url, {"password": "password", "password_again": "password"})
    assert weak.status_code == 400
    assert "This password is too short" in weak.content.decode()

    joined = client.post(
        url, {"password": "a long passphrase 2026", "password_again": "a long passphrase 2026"}
    )
    assert joined.status_code == 302 and joined["Location"] == reverse("dashboard")
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 200
    assert dashboard.context["active_membership"].user.email == "newcomer@example.org"
    assert dashboard.context["active_membership"].tenant == partnership.tenant
    # The link works once.
    used = client.get(url)
    assert used.status_code == 404
    assert "This invitation link does not work" in used.content.decode()


def test_someone_with_an_account_joins_with_their_existing_password(
    partnership, other_partnership, client
):
    existing = other_partnership.member(Role.SENCO).user
    url = _invite(partnership, existing.email)
    html = client.get(url).content.decode()
    assert "Your Sharewell password" in html and "Confirm password" not in html

    wrong = client.post(url, {"password": "not my password"})
    assert wrong.status_code == 400
    assert "Enter the password of your existing Sharewell account." in wrong.content.decode()
    assert client.post(url, {"password": DEFAULT_PASSWORD}).status_code == 302
    assert Membership._base_manager.filter(user=existing, tenant=partnership.tenant).exists()


def test_an_unknown_join_link_says_so_and_echoes_nothing(db, client):
    token = "made-up-token-value"
    response = client.get(reverse("invitation_accept", kwargs={"token": token}))
    assert response.status_code == 404
    assert token not in response.content.decode()


def test_the_ig_officer_changes_someones_role_but_not_their_own(partnership, client_for):
    officer = partnership.member(Role.IG_OFFICER)
    practitioner = partnership.member(Role.PRACTITIONER)
    client = client_for(officer)
    response = client.post(
        reverse("membership_change", args=[practitioner.public_id]),
        {"role": Role.SENCO, "organisation": str(partnership.council.public_id)},
    )
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert (practitioner.role, practitioner.organisation) == (Role.SENCO, partnership.council)

    own = client.post(
        reverse("membership_change", args=[officer.public_id]),
        {"role": Role.AUDITOR, "organisation": str(partnership.council.public_id)},
    )
    assert own.status_code == 400
    assert "You cannot change your own role. Ask another IG officer." in own.content.decode()
    officer.refresh_from_db()
    assert officer.role == Role.IG_OFFICER


def test_deactivation_asks_for_confirmation_then_posts(partnership, client_for):
    officer = partnership.member(Role.IG_OFFICER)
    practitioner = partnership.member(Role.PRACTITIONER)
    client = client_for(officer)
    url = reverse("membership_deactivate", args=[practitioner.public_id])

    page = client.get(url)
    assert "Are you sure you want to deactivate" in page.content.decode()
    practitioner.refresh_from_db()
    assert practitioner.is_active  # looking at the page changes nothing

    assert client.post(url).status_code == 302
    practitioner.refresh_from_db()
    assert not practitioner.is_active

    own = client.post(reverse("membership_deactivate", args=[officer.public_id]))
    assert own.status_code == 400
    assert "You cannot deactivate your own membership." in own.content.decode()
    officer.refresh_from_db()
    assert officer.is_active


# --- Training --------------------------------------------------------------------------------


def test_a_member_records_their_own_training_which_lapses_after_12_months(partnership, client_for):
    senco = partnership.member(Role.SENCO)
    client = client_for(senco)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert 'href="/my-training/record/"' in dashboard and "Not recorded" in dashboard

    response = client.post(
        reverse("my_training_record"),
        {
            "course": "Kent SEND IG refresher",
            **date_parts("completed_on", dt.date(2026, 9, 14)),
            **date_parts("expires_on", None),
            "evidence": pdf("certificate.pdf"),
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("my_training")
    with activate(partnership.tenant):
        record = TrainingRecord.objects.get(membership=senco)
    assert record.expires_on == dt.date(2027, 9, 14)
    assert record.recorded_by == senco
    text = visible_text(client.get(reverse("my_training")).content)
    assert "Kent SEND IG refresher" in text

    evidence = client.get(reverse("training_evidence", args=[record.public_id]))
    assert evidence.status_code == 200
    assert b"".join(evidence.streaming_content) == PDF
    # Another practitioner may not have it; the IG officer and the auditor may.
    other = client_for(partnership.member(Role.PRACTITIONER))
    assert other.get(reverse("training_evidence", args=[record.public_id])).status_code == 404
    auditor = client_for(partnership.member(Role.AUDITOR))
    assert auditor.get(reverse("training_evidence", args=[record.public_id])).status_code == 200


def test_the_ig_officer_records_training_for_someone(partnership, client_for):
    practitioner = partnership.member(Role.PRACTITIONER)
    response = client_for(partnership.member(Role.IG_OFFICER)).post(
        reverse("membership_training_record", args=[practitioner.public_id]),
        {
            "course": "Information sharing for practitioners",
            **date_parts("completed_on", dt.date(2026, 5, 1)),
            **date_parts("expires_on", dt.date(2027, 1, 31)),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("membership_detail", args=[practitioner.public_id])
    with activate(partnership.tenant):
        record = TrainingRecord.objects.get(membership=practitioner)
    assert record.expires_on == dt.date(2027, 1, 31)
    assert record.recorded_by == partnership.member(Role.IG_OFFICER)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"course": ""}, "Enter the name of the course"),
        (date_parts("completed_on", None), "Enter the date the course was completed"),
        (
            {"completed_on_day": "31", "completed_on_month": "2", "completed_on_year": "2026"},
            "Date completed must be a real date",
        ),
        (
            date_parts("expires_on", dt.date(2026, 1, 1)),
            "The expiry date must be after the completion date.",
        ),
        (
            {"evidence": SimpleUploadedFile("evidence.exe", b"MZ")},
            "The selected file must be a PDF, DOCX, ODT, PNG or JPG",
        ),
    ],
    ids=["no-course", "no-date", "impossible-date", "expires-first", "wrong-type"],
)
def test_bad_training_input_shows_the_error_and_saves_nothing(
    changes, message, partnership, client_for
):
    data = {
        "course": "IG refresher",
        **date_parts("completed_on", dt.date(2026, 5, 1)),
        **date_parts("expires_on", None),
        **changes,
    }
    response = client_for(partnership.member(Role.PRACTITIONER)).post(
        reverse("my_training_record"), data
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    with activate(partnership.tenant):
        assert not TrainingRecord.objects.exists()


def test_the_ig_officer_sets_what_happens_when_training_lapses(partnership, client_for):
    client = client_for(partnership.member(Role.IG_OFFICER))
    page = client.get(reverse("training_policy")).content.decode()
    assert 'value="warn" checked' in page
    assert client.post(reverse("training_policy"), {}).status_code == 400
    response = client.post(reverse("training_policy"), {"untrained_decision_policy": "block"})
    assert response.status_code == 302
    partnership.tenant.refresh_from_db()
    assert partnership.tenant.untrained_decision_policy == "block"


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


def test_a_user_with_no_password_yet_is_not_a_user_with_an_account(partnership, client):
    # The join page asks a newcomer to create a password and an existing user for theirs; an
    # account made some other way (by the platform admin) counts as existing.
    UserFactory(email="made.by.admin@example.org")
    url = _invite(partnership, "made.by.admin@example.org")
    assert "Your Sharewell password" in client.get(url).content.decode()


@pytest.mark.parametrize("current", [True, False], ids=["current", "lapsed"])
def test_training_reads_until_its_expiry_or_lapsed_on_it_on_every_page_that_shows_it(
    partnership, client_for, current
):
    # The same words on the person's dashboard, the people list and their page.
    practitioner = partnership.member(Role.PRACTITIONER)
    completed = timezone.localdate() - dt.timedelta(days=30 if current else 3 * 365)
    record = record_training(partnership, practitioner, completed)
    expected = f"{'until' if current else 'lapsed on'} {long_date(record.expires_on)}"
    own = client_for(practitioner)
    officer = client_for(partnership.member(Role.IG_OFFICER))

    pages = {
        "dashboard": own.get(reverse("dashboard")),
        "people": officer.get(reverse("membership_list"), {"who": practitioner.user.full_name}),
        "person": officer.get(reverse("membership_detail", args=[practitioner.public_id])),
    }

    for name, response in pages.items():
        assert response.status_code == 200, name
        assert expected in visible_text(response.content), name
