"""The consent API: the children a caller may see (never searched through the query string),
a POSTed search, opening a record with duplicate detection (409 with the candidates' ids),
editing with the version check, a child's consents, recording, reviewing and withdrawing
consent, and the consent check. A child the caller's organisation is not involved with is a 404
everywhere, exactly as one that never existed."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from consent.choices import ConsentStatus, EventKind
from consent.models import ConsentRecord, DataSubject
from partners.roles import Role
from partners.security.models import AccessEvent
from tests.consent.conftest import born, open_record, parent_consent, today

pytestmark = pytest.mark.django_db

JSON = "application/json"


def ids(response) -> set[str]:
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {row["id"] for row in rows}


def test_the_list_is_the_children_the_caller_may_see(world, senco, child, client_for):
    other = open_record(
        world.elsewhere_practitioner, forenames="Zed", surname="Elsewhere", nhs_number=""
    )

    mine = client_for(senco).get("/api/subjects/")
    theirs = client_for(world.elsewhere_practitioner).get("/api/subjects/")
    officer = client_for(world.member(Role.IG_OFFICER)).get("/api/subjects/")

    assert ids(mine) == {str(child.public_id)}
    assert ids(theirs) == {str(other.public_id)}
    assert ids(officer) == {str(child.public_id), str(other.public_id)}


def test_the_list_filters_only_by_what_names_nobody(world, senco, child, client_for):
    client = client_for(senco)

    at_school = client.get(f"/api/subjects/?current_setting={world.school.public_id}")
    elsewhere = client.get(f"/api/subjects/?current_setting={world.elsewhere.public_id}")
    # A name in the query string is not a filter: it changes nothing.
    named = client.get("/api/subjects/?surname=Nobody&name=Nobody")

    assert ids(at_school) == {str(child.public_id)}
    assert ids(elsewhere) == set()
    assert ids(named) == {str(child.public_id)}


def test_a_search_is_posted(world, senco, child, client_for):
    client = client_for(senco)

    by_text = client.post("/api/subjects/search/", {"text": "999 000 0018"}, content_type=JSON)
    by_name = client.post(
        "/api/subjects/search/",
        {"name": "Ava", "date_of_birth": child.date_of_birth.isoformat()},
        content_type=JSON,
    )
    nothing = client.post("/api/subjects/search/", {}, content_type=JSON)
    uninvolved = client_for(world.elsewhere_practitioner).post(
        "/api/subjects/search/", {"text": "Sampleton"}, content_type=JSON
    )

    assert ids(by_text) == ids(by_name) == {str(child.public_id)}
    assert ids(nothing) == set()
    assert ids(uninvolved) == set()


def new_child(**fields) -> dict:
    return {
        "forenames": "Noah",
        "surname": "Testwood",
        "date_of_birth": born(8).isoformat(),
        "gender": "male",
        "sen_status": "sen_support",
        **fields,
    }


def test_opening_a_record(world, senco, client_for):
    response = client_for(senco).post(
        "/api/subjects/",
        new_child(current_setting=str(world.school.public_id), nhs_number="943 476 5919"),
        content_type=JSON,
    )

    assert response.status_code == 201, response.json()
    subject = DataSubject.objects.get(public_id=response.json()["id"])
    assert subject.nhs_number == "9434765919"


def test_a_duplicate_is_a_409_with_the_candidates(world, senco, child, client_for):
    client = client_for(senco)

    same_number = client.post(
        "/api/subjects/", new_child(nhs_number="9990000018"), content_type=JSON
    )
    similar = new_child(
        forenames="Ava", surname="Sampleton", date_of_birth=child.date_of_birth.isoformat()
    )
    offered = client.post("/api/subjects/", similar, content_type=JSON)
    confirmed = client.post(
        "/api/subjects/", {**similar, "confirmed_different": True}, content_type=JSON
    )

    assert same_number.status_code == 409
    assert same_number.json()["candidates"] == [str(child.public_id)]
    assert same_number.json()["same_identifier"] is True
    assert offered.status_code == 409 and offered.json()["same_identifier"] is False
    assert confirmed.status_code == 201


def test_a_hidden_duplicate_is_a_409_naming_nobody(world, child, client_for):
    response = client_for(world.elsewhere_practitioner).post(
        "/api/subjects/", new_child(nhs_number="9990000018"), content_type=JSON
    )

    assert response.status_code == 409
    assert response.json()["candidates"] == []
    assert response.json()["hidden_match"] is True
    assert "Sampleton" not in response.content.decode()


def test_an_invalid_nhs_number_is_a_400_that_does_not_repeat_it(world, senco, client_for):
    response = client_for(senco).post(
        "/api/subjects/", new_child(nhs_number="9434765918"), content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "nhs_number"
    assert "9434765918" not in response.content.decode()


def test_an_edit_with_a_stale_version_is_a_409(world, senco, child, client_for):
    client = client_for(senco)
    path = f"/api/subjects/{child.public_id}/"

    first = client.patch(path, {"town": "Maidstone", "version": 1}, content_type=JSON)
    stale = client.patch(path, {"town": "Ashford", "version": 1}, content_type=JSON)

    assert first.status_code == 200 and first.json()["version"] == 2
    assert stale.status_code == 409
    child.refresh_from_db()
    assert child.town == "Maidstone"


def test_retrieving_a_child_is_audited(world, senco, child, client_for):
    response = client_for(senco).get(f"/api/subjects/{child.public_id}/")

    assert response.status_code == 200
    assert AccessEvent.objects.filter(
        membership=senco, object_type="child", subject_id=child.public_id, channel="api"
    ).exists()


def consent_body(world, **fields) -> dict:
    body = {
        "giver_kind": "parent",
        "giver_name": "Jo Sampleton",
        "giver_relationship": "mother",
        "scopes": [str(world.statutory.public_id)],
        "recipients": [str(world.council.public_id), str(world.nhs.public_id)],
        "third_parties": [{"name": "Dr A Patel", "description": "Speech therapist"}],
        "explicit_special_category": True,
        "special_categories": ["health"],
        "capture_method": "signed_form",
        "given_on": today().isoformat(),
    }
    body.update(fields)
    return body


def test_recording_and_listing_a_childs_consents(world, senco, child, client_for):
    client = client_for(senco)
    path = f"/api/subjects/{child.public_id}/consents/"

    created = client.post(path, consent_body(world), content_type=JSON)
    listed = client.get(path)

    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "given"
    assert body["purposes"] == [
        {"scope": str(world.statutory.public_id), "description": world.statutory.name}
    ]
    assert set(body["recipients"]) == {str(world.council.public_id), str(world.nhs.public_id)}
    assert [event["kind"] for event in body["events"]] == ["given"]
    assert ids(listed) == {body["id"]}


def test_recording_consent_refuses_what_the_rules_refuse(world, senco, child, client_for):
    response = client_for(senco).post(
        f"/api/subjects/{child.public_id}/consents/",
        consent_body(world, capture_method="verbal"),
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "capture_method"
    assert not ConsentRecord.objects.exists()


def test_withdrawing_and_reviewing(world, senco, child, client_for):
    consent = parent_consent(world, senco, child)
    client = client_for(senco)
    path = f"/api/consents/{consent.public_id}/"

    reviewed = client.post(f"{path}review/", {"notes": "Still stands"}, content_type=JSON)
    refused = client.post(f"{path}withdraw/", {"reason": ""}, content_type=JSON)
    withdrawn = client.post(f"{path}withdraw/", {"reason": "By letter"}, content_type=JSON)

    assert reviewed.status_code == 200
    assert refused.status_code == 400
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == ConsentStatus.WITHDRAWN
    assert [event["kind"] for event in withdrawn.json()["events"]] == [
        EventKind.GIVEN,
        EventKind.REVIEWED,
        EventKind.WITHDRAWN,
    ]


def test_a_practitioner_reads_but_may_not_withdraw(world, senco, child, client_for):
    consent = parent_consent(world, senco, child)
    client = client_for(world.member(Role.PRACTITIONER))

    read = client.get(f"/api/consents/{consent.public_id}/")
    withdraw = client.post(
        f"/api/consents/{consent.public_id}/withdraw/", {"reason": "x"}, content_type=JSON
    )

    assert read.status_code == 200
    assert withdraw.status_code == 403


def check(client, child, world, **fields):
    body = {
        "subject": str(child.public_id),
        "scope": str(world.statutory.public_id),
        "recipient": str(world.nhs.public_id),
        **fields,
    }
    return client.post("/api/consent-check/", body, content_type=JSON)


def test_the_consent_check_answers_with_the_reason(world, senco, child, client_for):
    client = client_for(world.member(Role.PRACTITIONER))

    none = check(client, child, world)
    consent = parent_consent(world, senco, child, recipients=[world.nhs])
    current = check(client, child, world)
    special = check(client, child, world, data_categories=["health"])
    elsewhere = check(client, child, world, recipient=str(world.elsewhere.public_id))
    by_words = check(client, child, world, scope=None, purpose=world.statutory.name.upper())

    assert none.json() | {"message": ""} == {
        "current": False,
        "reason": "none",
        "message": "",
        "consent": None,
        "warnings": [],
    }
    assert current.json()["current"] is True
    assert current.json()["consent"] == str(consent.public_id)
    assert special.json()["reason"] == "special_category_not_explicit"
    assert elsewhere.json()["reason"] == "recipient_not_covered"
    assert by_words.json()["current"] is True
    assert AccessEvent.objects.filter(object_type="consent.check").count() == 5


def test_the_consent_check_warns_of_an_overdue_review(world, senco, child, client_for):
    parent_consent(
        world,
        senco,
        child,
        given_on=today() - dt.timedelta(days=400),
        recipients=[world.nhs],
    )

    answer = check(client_for(senco), child, world).json()

    assert answer["current"] is True
    assert [w["code"] for w in answer["warnings"]] == ["review_overdue"]


def test_an_uninvolved_caller_gets_the_same_404_as_for_a_child_who_never_existed(
    world, senco, child, client_for
):
    consent = parent_consent(world, senco, child)
    client = client_for(world.elsewhere_practitioner)
    missing = uuid.uuid4()

    for path in (
        "/api/subjects/{}/",
        "/api/subjects/{}/consents/",
        f"/api/subjects/{{}}/consent-form/{world.agreement.public_id}/",
    ):
        hidden, never = client.get(path.format(child.public_id)), client.get(path.format(missing))
        assert (hidden.status_code, hidden.content) == (404, never.content), path
    hidden = client.get(f"/api/consents/{consent.public_id}/")
    never = client.get(f"/api/consents/{missing}/")
    assert (hidden.status_code, hidden.content) == (404, never.content)
    hidden_check = check(client, child, world)
    never_check = client.post(
        "/api/consent-check/",
        {"subject": str(missing), "purpose": "x", "third_party": "y"},
        content_type=JSON,
    )
    assert (hidden_check.status_code, hidden_check.content) == (404, never_check.content)
    assert (
        client.post(
            f"/api/consents/{consent.public_id}/withdraw/", {"reason": "x"}, content_type=JSON
        ).status_code
        == 404
    )
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.GIVEN
