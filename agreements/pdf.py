"""The agreement as a PDF (WeasyPrint): a title page with the document control table, a table of
contents, every structured section and the signature table (Haringey §13).

The HTML comes from Django templates (templates/agreements/pdf/), so everything an editor typed
is escaped; the print stylesheet numbers the pages and fills the contents' page numbers with
target-counter(). Fonts are the system's (Liberation Sans, DejaVu Sans): nothing is downloaded.

WeasyPrint fetches what a document references (images, stylesheets, fonts) through a URL
fetcher. Ours refuses everything except the project's own static files (STATIC_ROOT and
STATICFILES_DIRS) and small inline raster images, so neither a template nor anything that ever
reaches the HTML can make the server read another file or call another host.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from agreements.choices import AgreementAction, InformationLevel
from agreements.models import Agreement
from agreements.selectors import (
    agreement_content,
    agreement_signature_table,
    agreement_transitions,
)

# Relative URLs in the PDF's HTML ({% static %} gives "/static/…") resolve against this origin,
# which can never be reached (RFC 2606 reserves .invalid); the fetcher maps it to files on disk.
BASE_URL = "https://sharewell.invalid/"
# Inline images (data: URLs) are accepted up to this size, and only as raster images.
DATA_URL_LIMIT = 64 * 1024
DATA_URL_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


class UrlRefused(ValueError):
    """The PDF referenced something outside the project's static files. WeasyPrint logs it
    and renders the document without that resource."""


def static_roots() -> list[Path]:
    """The folders whose files the PDF may use: the collected static files and the sources."""
    roots = [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]
    resolved = []
    for root in roots:
        # A STATICFILES_DIRS entry may be (prefix, path).
        path = root[1] if isinstance(root, tuple | list) else root
        if path:
            resolved.append(Path(path).resolve())
    return resolved


def _inside(path: Path, roots: Iterable[Path]) -> bool:
    return any(path.is_relative_to(root) for root in roots)


class StaticFilesOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that reads the project's static files and nothing else.

    Accepted: the static URL ({% static 'x' %}, relative to BASE_URL), a file:// URL, both only
    when the file, with every symbolic link and ".." resolved, lies under STATIC_ROOT or a
    STATICFILES_DIRS folder; and a data: URL of a small raster image. Everything else, http(s)
    to any other host, file:// elsewhere, other schemes, is refused without being opened.
    """

    def __init__(self) -> None:
        # No network handler is ever reached (fetch() below opens files itself), but in case a
        # future WeasyPrint calls the parent's machinery, it too is limited to files.
        super().__init__(timeout=1, allowed_protocols=("file",), allow_redirects=False)
        self.roots = static_roots()
        static_url = settings.STATIC_URL or "/static/"
        self.static_prefix = urljoin(BASE_URL, static_url)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return self._data(url)
        path = self._static_path(url)
        mime_type, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            path.as_uri(),
            body=path.read_bytes(),
            headers={"Content-Type": mime_type or "application/octet-stream"},
        )

    def _static_path(self, url: str) -> Path:
        parts = urlsplit(url)
        if url.startswith(self.static_prefix):
            relative = unquote(urlsplit(url[len(self.static_prefix) :]).path)
            candidates = [root / relative for root in self.roots]
        elif parts.scheme == "file" and parts.netloc in ("", "localhost"):
            candidates = [Path(unquote(parts.path))]
        else:
            raise UrlRefused(f"Only the project's static files may be used in a PDF: {url}")
        for candidate in candidates:
            path = candidate.resolve()
            if _inside(path, self.roots) and path.is_file():
                return path
        raise UrlRefused(f"Not one of the project's static files: {url}")

    def _data(self, url: str) -> URLFetcherResponse:
        if len(url) > DATA_URL_LIMIT * 4 // 3 + 100:
            raise UrlRefused("An inline image in a PDF must be small.")
        header, sep, payload = url[len("data:") :].partition(",")
        media_type, *params = header.split(";")
        if not sep or media_type.lower() not in DATA_URL_TYPES or "base64" not in params:
            raise UrlRefused("Only small base64 PNG, JPEG, GIF or WebP images may be inlined.")
        try:
            body = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            raise UrlRefused("The inline image is not valid base64.") from None
        if len(body) > DATA_URL_LIMIT:
            raise UrlRefused("An inline image in a PDF must be small.")
        return URLFetcherResponse(url, body=body, headers={"Content-Type": media_type.lower()})


def html_to_pdf(html: str, *, url_fetcher: URLFetcher | None = None) -> bytes:
    """Render HTML (made by our templates) to PDF bytes, fetching only our static files."""
    fetcher = url_fetcher or StaticFilesOnlyFetcher()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    return document.write_pdf()


# --- The agreement ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str


SECTIONS = (
    Section("about", "About this agreement"),
    Section("organisations", "Organisations involved and their roles"),
    Section("purposes", "Purposes of the sharing"),
    Section("information", "Information to be shared"),
    Section("data-subjects", "Whose information"),
    Section("legal-bases", "Lawful basis and legal powers"),
    Section("methods", "Sharing methods"),
    Section("channels", "How information is shared"),
    Section("shared-systems", "Shared IT systems"),
    Section("exclusions", "Services excluded from scope"),
    Section("terms", "Terms"),
    Section("consent", "When signed consent is required"),
    Section("rights", "Transparency and individuals' rights"),
    Section("governance", "Information governance"),
    Section("breaches", "Breaches of this agreement"),
    Section("review", "Review"),
    Section("further-details", "Further details"),
    Section("signatures", "Signatures"),
)


def _grouped(rows, key) -> list[tuple[str, list]]:
    """Rows in their saved order, grouped under each label as it first appears."""
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return list(groups.items())


def agreement_pdf_context(agreement: Agreement) -> dict:
    content = agreement_content(agreement=agreement)
    levels = dict(InformationLevel.choices)
    data_items = sorted(
        content["data_items"], key=lambda item: list(levels).index(item.level)
    )  # Aggregate, then minimum, then detailed; the editor's order within each.
    approvals = [
        transition
        for transition in agreement_transitions(agreement=agreement)
        if transition.action == AgreementAction.APPROVE
    ]
    return {
        "agreement": agreement,
        "sections": SECTIONS,
        "content": content,
        "information_levels": _grouped(data_items, lambda item: levels[item.level]),
        "terms_by_party": _grouped(content["terms"], lambda term: term.party_label),
        "signatures": list(agreement_signature_table(agreement=agreement)),
        "approvals": approvals,
        "generated_at": timezone.localtime(),
        "service_name": getattr(settings, "SHAREWELL_SERVICE_NAME", "Sharewell"),
    }


def agreement_pdf_html(agreement: Agreement) -> str:
    return render_to_string("agreements/pdf/agreement.html", agreement_pdf_context(agreement))


def agreement_pdf(agreement: Agreement) -> bytes:
    """The agreement as PDF bytes. The caller has already checked that the viewer may read it
    (the access function); the agreement's tenant must be the active one."""
    return html_to_pdf(agreement_pdf_html(agreement))


def agreement_pdf_filename(agreement: Agreement) -> str:
    """The download's name: the agreement's title (an agreement is about partners, never about
    a child) and its version."""
    version = f"v{agreement.document_version}" if agreement.document_version else "draft"
    return f"{slugify(agreement.title)[:80] or 'agreement'}-{version}.pdf"
