"""Another partnership's organisation does not exist for an outsider, on every route.

The outsider is the IG officer of another partnership: the strongest role there, nothing here.
The last tests prove the helper itself fails on a route that leaks.
"""

import pytest
from django.http import HttpResponse, HttpResponseNotFound, JsonResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.utils.html import escape

from partners.models import Organisation
from tests.isolation import assert_tenant_isolated

pytestmark = pytest.mark.django_db

# Every route that shows or changes an organisation, by URL name. A new one must be added to a
# test below and here, or test_every_organisation_route_is_checked fails.
CHECKED_ROUTES = {
    "organisation_list",
    "organisation_detail",
    "organisation-list",
    "organisation-detail",
}


@pytest.fixture
def theirs(partnership) -> Organisation:
    """An organisation of the partnership, with a name worth hunting for in a page."""
    return partnership.council


def search_for(organisation) -> str:
    """Part of the name: enough to put a leaked row on the first page, while the page's echo of
    the search box is not the whole name (which the helper would rightly call a leak)."""
    return organisation.name.split(" ", 1)[1]


def api_token_client(membership) -> Client:
    response = Client().post(
        "/api/auth/token/",
        {"email": membership.user.email, "password": "correct horse battery staple"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return Client(headers={"Authorization": f"Bearer {response.json()['token']}"})


def api_writes(url: str) -> list[tuple]:
    return [
        ("put", url, {"name": "Taken over", "type": "police"}),
        ("patch", url, {"name": "Taken over"}),
        ("delete", url, None),
        ("post", url, {"name": "Taken over"}),
    ]


def test_the_organisation_pages_hide_another_partnerships_organisation(
    theirs, outsider, client_for
):
    detail = reverse("organisation_detail", kwargs={"public_id": theirs.public_id})
    listing = reverse("organisation_list")

    assert_tenant_isolated(
        client_for(outsider),
        theirs,
        detail_urls=[detail],
        list_urls=[listing, f"{listing}?q={search_for(theirs)}"],
    )


@pytest.mark.parametrize("auth", ["session", "token"])
def test_the_organisation_api_hides_another_partnerships_organisation(
    theirs, outsider, client_for, auth
):
    client = client_for(outsider) if auth == "session" else api_token_client(outsider)
    detail = reverse("organisation-detail", kwargs={"id": theirs.public_id})
    listing = reverse("organisation-list")

    assert_tenant_isolated(
        client,
        theirs,
        detail_urls=[detail],
        list_urls=[listing, f"{listing}?search={search_for(theirs)}"],
        # Over the session these also pass CSRF's check (the test client skips it by default),
        # so the answer is the API's own.
        write_requests=api_writes(detail),
    )


def test_every_organisation_route_is_checked():
    def names(patterns):
        for pattern in patterns:
            # The platform admin spans partnerships by design and serves platform staff only.
            if isinstance(pattern, URLResolver) and pattern.namespace != "admin":
                yield from names(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield pattern.name

    routes = {name for name in names(get_resolver().url_patterns) if "organisation" in name}

    unchecked = routes - CHECKED_ROUTES
    assert not unchecked, f"Add these routes to the isolation tests: {sorted(unchecked)}"
    assert routes >= CHECKED_ROUTES, "A checked route no longer exists; update CHECKED_ROUTES."


# --- The helper can fail ---------------------------------------------------------------------
# Deliberately leaky views, reachable only in the tests below (they use this module as
# ROOT_URLCONF). They read past the tenant-scoped manager, as a forgotten scope would.


def leaky_detail(request, public_id):
    organisation = Organisation._base_manager.get(public_id=public_id)
    return JsonResponse({"id": str(organisation.public_id), "name": organisation.name})


def leaky_list(request):
    names = ", ".join(escape(o.name) for o in Organisation._base_manager.all())
    return HttpResponse(f"<ul><li>{names}</li></ul>")


def leaky_write(request, public_id):
    # Answers 404 as it should, but renames the organisation first.
    Organisation._base_manager.filter(public_id=public_id).update(name="Taken over")
    return HttpResponseNotFound("Not found")


def odd_404(request, public_id):
    # A 404 whose body differs from an unknown id's tells the caller the object exists.
    found = Organisation._base_manager.filter(public_id=public_id).exists()
    return JsonResponse({"detail": "Not found.", "exists": found}, status=404)


urlpatterns = [
    path("leaky/<uuid:public_id>/", leaky_detail),
    path("leaky/", leaky_list),
    path("leaky-write/<uuid:public_id>/", leaky_write),
    path("api/odd/<uuid:public_id>/", odd_404),
]


@pytest.mark.urls(__name__)
def test_the_helper_fails_on_a_detail_route_that_answers(theirs, outsider, client_for):
    with pytest.raises(AssertionError, match=r"GET /leaky/.* answered 200, not 404"):
        assert_tenant_isolated(
            client_for(outsider), theirs, detail_urls=[f"/leaky/{theirs.public_id}/"]
        )


@pytest.mark.urls(__name__)
def test_the_helper_fails_on_a_list_that_shows_the_object_even_escaped(
    partnership, outsider, client_for
):
    theirs = Organisation._base_manager.create(
        tenant=partnership.tenant, name="O'Brien & Daughters Nursery", type="early_years"
    )

    with pytest.raises(AssertionError, match="shows another tenant's object"):
        assert_tenant_isolated(client_for(outsider), theirs, list_urls=["/leaky/"])


@pytest.mark.urls(__name__)
def test_the_helper_fails_on_a_write_that_404s_but_changes_the_object(theirs, outsider, client_for):
    with pytest.raises(AssertionError, match="changed the object"):
        assert_tenant_isolated(
            client_for(outsider),
            theirs,
            write_requests=[("post", f"/leaky-write/{theirs.public_id}/", {})],
        )


@pytest.mark.urls(__name__)
def test_the_helper_fails_on_a_404_that_differs_from_an_unknown_ids(theirs, outsider, client_for):
    with pytest.raises(AssertionError, match="unlike an id that never existed"):
        assert_tenant_isolated(
            client_for(outsider), theirs, detail_urls=[f"/api/odd/{theirs.public_id}/"]
        )


def test_the_helper_fails_for_a_client_that_is_not_signed_in(theirs):
    # A redirect to sign-in or a 401 never counts as "hidden".
    with pytest.raises(AssertionError, match="answered 302, not 200"):
        assert_tenant_isolated(Client(), theirs, list_urls=[reverse("organisation_list")])
    with pytest.raises(AssertionError, match="answered 401, not 200"):
        assert_tenant_isolated(Client(), theirs, list_urls=[reverse("organisation-list")])
