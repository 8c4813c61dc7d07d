"""The isolation helper (tests/isolation.py) fails on a route that leaks: a detail route that
answers, a list that shows the object even escaped, a write that answers 404 but changes the
object, a 404 unlike an unknown id's, and a client that is not signed in. The leaky views are
this module's own, reachable only by the tests that use it as their URLconf."""

import pytest
from django.http import HttpResponse, HttpResponseNotFound, JsonResponse
from django.test import Client
from django.urls import path, reverse
from django.utils.html import escape

from partners.models import Organisation
from tests.isolation import assert_tenant_isolated

pytestmark = pytest.mark.django_db


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
