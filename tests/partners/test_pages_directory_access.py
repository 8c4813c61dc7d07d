"""Who may use each partners directory page. Each page opens for the roles that may use it and
is a 403 for the others; a write page refuses a post from the others and changes nothing; the
navigation offers people only to those who may see them, and the organisation list offers adding
and importing only to the IG officer."""

import pytest
from django.urls import reverse

from partners import services
from partners.models import ImportStatus, Organisation, OrganisationImport
from partners.roles import Role
from partners.tenancy import activate
from tests.partners.pages_directory_helpers import add_contact, pdf, upload_sample

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


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


def test_the_list_offers_adding_and_importing_to_the_ig_officer_only(partnership, client_for):
    officer = client_for(partnership.member(Role.IG_OFFICER)).get(reverse("organisation_list"))
    assert 'href="/organisations/new/"' in officer.content.decode()
    assert 'href="/organisations/import/"' in officer.content.decode()
    manager = client_for(partnership.member(Role.MANAGER)).get(reverse("organisation_list"))
    assert 'href="/organisations/new/"' not in manager.content.decode()
    assert 'href="/organisations/import/"' not in manager.content.decode()
