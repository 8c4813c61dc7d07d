"""Response headers: a CSP with no inline script and no framing, frame denial, the referrer
policy, nosniff, no caching of anything the service answers (pages and API), HSTS in
production; and no template has an inline script or event handler for the CSP to break."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from partners.roles import Role

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(response) -> None:
    cache = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache, response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    csp = csp_directives(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert not any("unsafe" in value for values in csp.values() for value in values)


def test_a_signed_in_page_carries_every_security_header(partnership, client_for):
    response = client_for(partnership.member(Role.IG_OFFICER)).get(reverse("organisation_list"))

    assert response.status_code == 200
    assert_security_headers(response)


def test_an_api_answer_carries_them_too(partnership, client_for):
    response = client_for(partnership.member(Role.AUDITOR)).get("/api/organisations/")

    assert response.status_code == 200
    assert_security_headers(response)


def test_error_answers_and_the_sign_in_page_are_not_cached_either(db):
    for response in (
        Client().get(reverse("login")),
        Client().get("/api/organisations/"),
        Client().get("/no-such-page/"),
    ):
        assert "no-store" in response["Cache-Control"]
        assert "Content-Security-Policy" in response


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_is_sent_over_https(db):
    # production.py sets these (and redirects plain HTTP); a test reads the header.
    response = Client().get(reverse("login"), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_production_settings_turn_on_hsts_and_secure_cookies():
    source = (Path(settings.BASE_DIR) / "config/settings/production.py").read_text()

    for setting in (
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE = True",
        "CSRF_COOKIE_SECURE = True",
        'SESSION_COOKIE_NAME = "__Host-sessionid"',
        "SECURE_SSL_REDIRECT",
    ):
        assert setting in source


def test_the_api_docs_load_their_script_from_a_file_not_inline(db):
    response = Client().get(reverse("api_docs"))
    html = response.content.decode()

    assert response.status_code == 200
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "'unsafe-inline'" not in csp_directives(response).get("script-src", [])


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
INLINE_STYLE = re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def test_no_template_has_inline_script_style_or_event_handlers():
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        for name, pattern in (
            ("inline <script>", INLINE_SCRIPT),
            ("event handler attribute", EVENT_HANDLER),
            ("style attribute", INLINE_STYLE),
            ("javascript: URL", JAVASCRIPT_URL),
        ):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {name}")

    assert not offenders, "The CSP would block these:\n" + "\n".join(offenders)


def test_htmx_is_told_not_to_inject_styles_or_evaluate_strings():
    base = (TEMPLATES / "base.html").read_text()
    config = re.search(r"""<meta name="htmx-config" content='([^']+)'>""", base)

    assert config, "base.html must configure htmx for the CSP"
    assert '"includeIndicatorStyles": false' in config.group(1)
    assert '"allowEval": false' in config.group(1)
