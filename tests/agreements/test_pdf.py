"""The agreement as a PDF: read back as text, it has the title page with document control, the
contents, every structured section and the signature table; and WeasyPrint can reach nothing
but the project's own static files."""

from __future__ import annotations

import io
import socket
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from pypdf import PdfReader

from agreements import pdf, services
from agreements.choices import Channel, InformationLevel, Party, SharingMethod
from tests.agreements.conftest import make_draft
from tests.factories import OrganisationFactory, legal_basis

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    """The PDF's text, page by page, with runs of whitespace made single spaces."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def pages_of(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def sign(officer, agreement, organisation, name, title, on):
    signatory = services.signatory_invite(
        actor=officer, agreement=agreement, organisation=organisation
    )
    return services.signatory_sign(
        actor=officer,
        signatory=signatory,
        signer_name=name,
        signer_title=title,
        typed_signature=name,
        signed_on=on,
    )


@pytest.fixture
def signed(in_tenant, officer):
    """An approved agreement with rich content and three signatories (one withdrawn)."""
    agreement = make_draft(
        in_tenant,
        title="Kent & Medway Information Sharing Agreement",
        reference="KM-ISA-7",
        owner_name="Pat Owner",
        owner_job_title="Head of Information Governance",
        summary="How the partners share information about children and families.",
    )
    services.agreement_set_content(
        actor=officer,
        agreement=agreement,
        expected_version=agreement.version,
        section="data_items",
        items=[
            {"level": InformationLevel.MINIMUM, "name": "Date of birth"},
            {"level": InformationLevel.DETAILED, "name": "Health needs", "special_category": True},
            {"level": InformationLevel.AGGREGATE, "name": "Numbers of referrals"},
        ],
    )
    for section, items in (
        ("methods", [{"method": SharingMethod.OPERATIONALLY_URGENT, "notes": "By telephone."}]),
        ("channels", [{"channel": Channel.SECURE_EMAIL, "conditions": "Egress only."}]),
        ("shared_systems", [{"name": "Liquidlogic", "description": "Children's social care."}]),
        ("exclusions", [{"service": "Adult social care", "description": "Separate protocol."}]),
        (
            "consent_scopes",
            [{"name": "Statutory assessment and EHC plan", "when_required": "Before a request."}],
        ),
        ("terms", [{"party": Party.SCHOOLS, "text": "Name a designated safeguarding lead."}]),
        (
            "legal_bases",
            [
                {"basis": legal_basis("uk-gdpr-6-1-e"), "how_it_applies": "Statutory duties."},
                {"basis": legal_basis("children-and-families-act-2014-part-3")},
                {"basis": legal_basis("uk-gdpr-9-2-h")},
            ],
        ),
    ):
        agreement.refresh_from_db()
        services.agreement_set_content(
            actor=officer,
            agreement=agreement,
            expected_version=agreement.version,
            section=section,
            items=items,
        )
    agreement.refresh_from_db()
    services.agreement_circulate(actor=officer, agreement=agreement, reason="For comment")
    services.agreement_approve(actor=officer, agreement=agreement, reason="Agreed by the board")
    today = timezone.localdate()
    academy = OrganisationFactory(tenant=in_tenant.tenant, name="Oakwood Academy Trust")
    gone = OrganisationFactory(tenant=in_tenant.tenant, name="Withdrawn Youth Service")
    sign(
        officer,
        agreement,
        in_tenant.council,
        "Sam Director",
        "Director of Children's Services",
        today,
    )
    sign(officer, agreement, academy, "Ann Head", "Headteacher", today)
    left = sign(officer, agreement, gone, "Lee Gone", "Service Manager", today)
    services.signatory_withdraw(actor=officer, signatory=left, reason="Service closed")
    agreement.refresh_from_db()
    return agreement


def test_the_pdf_reads_back_with_title_page_contents_sections_and_signatures(signed, in_tenant):
    data = pdf.agreement_pdf(signed)

    assert data.startswith(b"%PDF-")
    pages = pages_of(data)
    text = " ".join(pages)
    title_page, contents = pages[0], pages[1]
    # Title page with its document control table.
    assert "Kent & Medway Information Sharing Agreement" in title_page
    assert "Information sharing agreement" in title_page
    assert "Document control" in title_page
    assert "KM-ISA-7" in title_page
    assert "V1.0" in title_page
    assert "Pat Owner, Head of Information Governance" in title_page
    today = timezone.localdate()
    assert f"Approval date {today:%-d %B %Y}" in title_page
    assert "Agreed by the board" in title_page  # The version history.
    # The contents lists every section with the page it starts on.
    for number, section in enumerate(pdf.SECTIONS, start=1):
        assert f"{number}. {section.title}" in contents, section.title
    assert "1. About this agreement" in contents and "18. Signatures" in contents
    # Every structured section, with its content.
    for expected in (
        "SEN Assessment and Placement",
        "Statutory assessment within statutory timescales.",
        "Minimum data",
        "Date of birth",
        "Detailed and sensitive information",
        "Health needs",
        "Special category",
        "Aggregate and management information",
        "Pupils",
        "UK GDPR Article 6(1)(e)",
        "Statutory duties.",
        "Method 5: operationally urgent",
        "Secure email",
        "Egress only.",
        "Liquidlogic",
        "Adult social care",
        "Participating schools agree to:",
        "Name a designated safeguarding lead.",
        "Statutory assessment and EHC plan",
        "Each partner's privacy notice names the others.",
        "Each partner follows its own retention schedule.",
        "Partners notified 5 working days",
        "then every 12 months",
    ):
        assert expected in text, expected
    # Page numbers in the running footer.
    assert f"Page 1 of {len(pages)}" in title_page
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_the_signature_table_has_each_current_signatory_with_name_title_and_date(signed):
    text = pdf_text(pdf.agreement_pdf(signed))

    signatures = text[text.rindex("Signatures") :]
    on = f"{timezone.localdate():%-d %B %Y}"
    assert "Organisation Name of signatory Title Signature Date signed" in signatures
    for organisation, name, title in (
        ("Kent and Medway County Council", "Sam Director", "Director of Children's Services"),
        ("Oakwood Academy Trust", "Ann Head", "Headteacher"),
    ):
        row = signatures[signatures.index(organisation) :]
        assert row.startswith(f"{organisation} {name} {title} {name} {on}"), row[:200]
    # A signatory that withdrew is not in the table.
    assert "Withdrawn Youth Service" not in signatures
    assert "Lee Gone" not in text


def test_the_contents_gives_the_page_each_section_starts_on(signed):
    data = pdf.agreement_pdf(signed)
    pages = pages_of(data)
    # Laid out as on the page: each entry's line ends with its page number.
    contents = PdfReader(io.BytesIO(data)).pages[1].extract_text(extraction_mode="layout")
    lines = [" ".join(line.split()) for line in contents.splitlines()]

    for number, section in enumerate(pdf.SECTIONS, start=1):
        entry = f"{number}. {section.title}"
        (line,) = [line for line in lines if line.startswith(f"{entry} ")]
        page = int(line.removeprefix(entry))
        assert entry in pages[page - 1], (entry, page)
        assert all(entry not in text for text in pages[2 : page - 1]), (entry, page)


def test_a_draft_says_it_is_not_approved_and_has_no_signatures_yet(in_tenant):
    draft = make_draft(in_tenant, title="Draft protocol for early help")

    text = pdf_text(pdf.agreement_pdf(draft))

    assert "Draft: this agreement has not been approved." in text
    assert "Not yet approved" in text
    assert "No organisation has signed this agreement yet." in text


def test_what_editors_typed_is_printed_as_text_and_fetches_nothing(in_tenant, officer, monkeypatch):
    fetched: list[str] = []
    original = pdf.StaticFilesOnlyFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(pdf.StaticFilesOnlyFetcher, "fetch", spy)
    draft = make_draft(
        in_tenant,
        summary='<img src="http://example.org/x.png"> <link rel="stylesheet" href="file:///etc/passwd">',
    )

    text = pdf_text(pdf.agreement_pdf(draft))

    assert '<img src="http://example.org/x.png">' in text
    assert fetched == []


# --- The URL fetcher -------------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything opens a socket or a URL."""

    def refuse(*args, **kwargs):
        raise AssertionError("The PDF renderer tried to reach the network.")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)


class RecordingFetcher(pdf.StaticFilesOnlyFetcher):
    def __init__(self):
        super().__init__()
        self.calls: list[tuple[str, str]] = []

    def fetch(self, url, headers=None):
        try:
            response = super().fetch(url, headers)
        except pdf.UrlRefused:
            self.calls.append((url, "refused"))
            raise
        self.calls.append((url, "fetched"))
        return response


def a_static_image() -> tuple[Path, str]:
    root = Path(settings.STATICFILES_DIRS[0])
    path = next(root.rglob("*.png"))
    return path, path.relative_to(root).as_posix()


def test_a_template_referencing_other_hosts_or_files_renders_without_fetching_them(no_network):
    _, static_name = a_static_image()
    fetcher = RecordingFetcher()
    html = f"""
      <html><head>
        <link rel="stylesheet" href="http://example.org/evil.css">
        <link rel="stylesheet" href="file:///etc/passwd">
        <style>@import url("https://example.org/import.css");
               body {{ background: url("file:///etc/shadow") }}</style>
      </head><body>
        <p>Marker paragraph</p>
        <img src="http://example.org/x.png">
        <img src="https://example.org/y.png">
        <img src="file:///etc/passwd">
        <img src="/static/../../../../../etc/passwd">
        <img src="ftp://example.org/z.png">
        <img src="data:text/html;base64,PGgxPmhpPC9oMT4=">
        <img src="/static/{static_name}">
      </body></html>"""

    data = pdf.html_to_pdf(html, url_fetcher=fetcher)

    assert "Marker paragraph" in pdf_text(data)
    outcomes = dict(fetcher.calls)
    for url in (
        "http://example.org/evil.css",
        "file:///etc/passwd",
        "https://example.org/import.css",
        "file:///etc/shadow",
        "http://example.org/x.png",
        "https://example.org/y.png",
        "ftp://example.org/z.png",
        "data:text/html;base64,PGgxPmhpPC9oMT4=",
    ):
        assert outcomes.get(url) == "refused", (url, fetcher.calls)
    # "/static/../../etc/passwd" is resolved against the base URL before it is fetched.
    assert outcomes[f"{pdf.BASE_URL}etc/passwd"] == "refused"
    assert outcomes[f"{pdf.BASE_URL}static/{static_name}"] == "fetched"
    fetched = {url for url, outcome in fetcher.calls if outcome == "fetched"}
    assert fetched == {f"{pdf.BASE_URL}static/{static_name}"}, fetcher.calls


def test_the_fetcher_reads_static_files_only(settings, tmp_path):
    path, static_name = a_static_image()
    fetcher = pdf.StaticFilesOnlyFetcher()

    response = fetcher.fetch(f"{pdf.BASE_URL}static/{static_name}")
    assert response.read() == path.read_bytes()
    assert response.content_type == "image/png"
    assert fetcher.fetch(path.as_uri()).read() == path.read_bytes()

    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    # A link inside the static folder that points outside it is refused too.
    link = Path(settings.STATICFILES_DIRS[0]) / "pdf-test-link.txt"
    link.symlink_to(outside)
    try:
        for url in (
            outside.as_uri(),
            f"{pdf.BASE_URL}static/../../../{outside}",
            f"{pdf.BASE_URL}static/%2e%2e/%2e%2e/etc/passwd",
            f"{pdf.BASE_URL}static/pdf-test-link.txt",
            link.as_uri(),
            f"{pdf.BASE_URL}elsewhere/{static_name}",
            "file://evil.example.org/etc/passwd",
            "http://localhost/static/" + static_name,
            "data:image/svg+xml;base64,PHN2Zy8+",
            "data:image/png," + "x" * 10,
            "data:image/png;base64," + "A" * (pdf.DATA_URL_LIMIT * 2),
        ):
            with pytest.raises(pdf.UrlRefused):
                fetcher.fetch(url)
    finally:
        link.unlink()


def test_a_small_inline_png_is_allowed():
    one_pixel = (
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kg"
        "AAAABJRU5ErkJggg=="
    )
    response = pdf.StaticFilesOnlyFetcher().fetch(f"data:image/png;base64,{one_pixel}")

    assert response.read().startswith(b"\x89PNG")


def test_the_download_name_is_the_title_and_version(signed, in_tenant):
    assert pdf.agreement_pdf_filename(signed) == (
        "kent-medway-information-sharing-agreement-v1.pdf"
    )
    draft = make_draft(in_tenant, title="Early help protocol")
    assert pdf.agreement_pdf_filename(draft) == "early-help-protocol-draft.pdf"
