"""The OpenAPI 3 schema is valid and warning-free, and its Swagger UI is self-hosted."""

import re
from html import unescape as html_unescape
from html.parser import HTMLParser

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker) -> dict:
    """The schema as `manage.py spectacular` writes it, failing on any warning."""
    target = tmp_path_factory.mktemp("openapi") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--fail-on-warn", file=str(target))
    return yaml.safe_load(target.read_text())


def test_the_schema_is_valid_openapi_3_without_warnings(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Sharewell API"


def test_the_token_and_organisation_endpoints_are_documented_with_their_security(schema):
    paths = schema["paths"]

    token = paths["/api/auth/token/"]["post"]
    assert token["security"] == [{}], "Obtaining a token needs no credentials."
    assert {"400", "201"} <= set(token["responses"])

    for path, operation in (
        ("/api/organisations/", "get"),
        ("/api/organisations/{id}/", "get"),
    ):
        spec = paths[path][operation]
        assert {"membershipToken": []} in spec["security"], path
        assert {"cookieAuth": []} in spec["security"], path
        assert {"401", "403", "404"} <= set(spec["responses"]), path

    listing = paths["/api/organisations/"]["get"]
    assert {"cursor", "search"} <= {p["name"] for p in listing["parameters"]}
    (id_param,) = paths["/api/organisations/{id}/"]["get"]["parameters"]
    assert id_param["schema"] == {"type": "string", "format": "uuid"}


def test_the_token_is_documented_as_a_bearer_scheme(schema):
    scheme = schema["components"]["securitySchemes"]["membershipToken"]

    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert "/api/auth/token/" in scheme["description"]


def test_errors_are_documented_in_the_one_error_format(schema):
    error = schema["components"]["schemas"]["ErrorResponse404"]
    assert set(error["properties"]) == {"type", "errors"}
    item = schema["components"]["schemas"]["Error404"]
    assert set(item["properties"]) == {"code", "detail", "attr"}


def test_the_schema_is_served_as_json(db):
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert response.json()["paths"]["/api/organisations/"]


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])


def test_the_docs_load_swagger_ui_from_our_own_static_files(db):
    response = Client().get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assets = _Assets()
    assets.feed(html)

    # The start-up script comes from the docs URL itself (no inline script, for the CSP).
    start_up = [url for url in assets.urls if url.startswith("/api/docs/?")]
    assert len(start_up) == 1, assets.urls
    static = [url for url in assets.urls if url not in start_up]
    assert len(static) >= 3, assets.urls  # CSS, bundle, standalone preset (and favicon)
    for url in static:
        assert url.startswith("/static/"), f"{url} is not served by us"
        assert finders.find(url.removeprefix("/static/")), f"{url} is not among our static files"
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "A CDN is referenced"
    script = Client().get(html_unescape(start_up[0]))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
