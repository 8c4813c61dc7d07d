"""Another partnership's child, consent and team do not exist for the IG officer of this one
(who sees every child of their own): pages, API and search alike (tests/isolation.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.consent.conftest import parent_consent
from tests.isolation import assert_tenant_isolated

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(world, senco, child):
    consent = parent_consent(world, senco, child)
    member = child.team.get()
    return child, consent, member


def page(name: str, obj, **kwargs) -> str:
    return reverse(f"consent:{name}", kwargs={"id": obj.public_id, **kwargs})


@pytest.fixture
def outsider_client(outsider, client_for):
    return client_for(outsider)


def test_another_partnerships_child_is_isolated_in_pages(world, theirs, outsider_client):
    child, consent, member = theirs
    assert_tenant_isolated(
        outsider_client,
        child,
        detail_urls=[
            page("subject_detail", child),
            page("subject_edit", child),
            page("consent_record", child),
            page("team_add", child),
            page("consent_form_pdf", child, agreement_id=world.agreement.public_id),
        ],
        list_urls=[reverse("consent:consents_due"), reverse("consent:subject_find")],
        write_requests=[
            ("post", page("subject_edit", child), {"forenames": "Changed", "version": 1}),
            ("post", page("team_add", child), {"role": "x"}),
            ("post", page("consent_record", child), {"decision": "given"}),
        ],
        markers=[child.surname, child.nhs_number],
    )
    assert_tenant_isolated(
        outsider_client,
        consent,
        detail_urls=[
            page("consent_detail", consent),
            page("consent_receipt_pdf", consent),
            page("consent_signed_form", consent),
            page("consent_review", consent),
            page("consent_renew", consent),
        ],
        write_requests=[
            ("post", page("consent_withdraw", consent), {"reason": "Not theirs"}),
            ("post", page("consent_review", consent), {}),
        ],
    )
    assert_tenant_isolated(
        outsider_client,
        member,
        detail_urls=[page("team_end", member), page("team_lead", member)],
        write_requests=[("post", page("team_end", member), {"reason": "Not theirs"})],
    )


def test_another_partnerships_child_is_isolated_in_the_api(world, theirs, outsider_client):
    child, consent, _member = theirs
    assert_tenant_isolated(
        outsider_client,
        child,
        detail_urls=[
            f"/api/subjects/{child.public_id}/",
            f"/api/subjects/{child.public_id}/consents/",
            f"/api/subjects/{child.public_id}/consent-form/{world.agreement.public_id}/",
        ],
        list_urls=["/api/subjects/"],
        write_requests=[
            ("patch", f"/api/subjects/{child.public_id}/", {"town": "Elsewhere", "version": 1}),
            ("post", f"/api/subjects/{child.public_id}/consents/", {}),
            (
                "post",
                "/api/consent-check/",
                {"subject": str(child.public_id), "purpose": "x", "third_party": "y"},
            ),
        ],
        markers=[child.surname, child.nhs_number],
    )
    assert_tenant_isolated(
        outsider_client,
        consent,
        detail_urls=[
            f"/api/consents/{consent.public_id}/",
            f"/api/consents/{consent.public_id}/receipt/",
        ],
        write_requests=[
            ("post", f"/api/consents/{consent.public_id}/withdraw/", {"reason": "x"}),
            ("post", f"/api/consents/{consent.public_id}/review/", {}),
        ],
    )


@pytest.mark.parametrize("query", ["Sampleton", "999 000 0018", "Ava"])
def test_another_partnerships_child_is_never_found(world, theirs, outsider_client, query):
    child = theirs[0]

    # The results alone (an htmx search): the full page echoes the search box.
    page_search = outsider_client.post(
        reverse("consent:subject_find"), {"query": query}, headers={"HX-Request": "true"}
    )
    api_search = outsider_client.post(
        "/api/subjects/search/", {"text": query}, content_type="application/json"
    )

    assert page_search.status_code == 200 and api_search.status_code == 200
    for response in (page_search, api_search):
        assert child.surname not in response.content.decode()
        assert str(child.public_id) not in response.content.decode()
