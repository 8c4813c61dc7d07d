"""Recording several decisions at once (POST /api/decisions/batch/): in order and chained, all
or none with each bad decision named by its place, a constant number of queries however many
children, and one to a hundred decisions, however many recipients each."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sharing_log.models import SharingDecision
from sharing_log.services import MAX_BATCH
from sharing_log.verification import chain_verify
from tests.consent.conftest import born, open_record
from tests.sharing_log.api_helpers import body, post
from tests.sharing_log.conftest import parent_consent


def test_a_batch_is_recorded_in_order_and_chained(log, child, api):
    parent_consent(log.world, log.senco, child)
    before = SharingDecision.objects.count()
    decisions = [
        body(log, child),
        body(log, None, basis="public_interest", consent_scope=None, purpose="Planning"),
        body(log, child, outcome="not_share", basis="", will_reconsider=False, method=""),
    ]

    response = post(api(log.senco), "/api/decisions/batch/", {"decisions": decisions})

    assert response.status_code == 201, response.json()
    rows = response.json()["results"]
    assert [row["outcome"] for row in rows] == ["share", "share", "not_share"]
    assert [row["subject"] for row in rows] == [str(child.public_id), None, str(child.public_id)]
    first = rows[0]["sequence"]
    assert [row["sequence"] for row in rows] == [first, first + 1, first + 2]
    assert rows[0]["consent"] is not None  # each decision had its own consent check
    assert SharingDecision.objects.count() == before + 3
    assert chain_verify(tenant=log.world.partnership.tenant).ok
    listed = api(log.senco).get("/api/decisions/", {"page_size": 3}).json()["results"]
    assert listed == list(reversed(rows))  # the answer's rows are the log's rows


def test_a_batch_with_one_bad_decision_records_none_and_says_which(log, child, api):
    parent_consent(log.world, log.senco, child)
    before = SharingDecision.objects.count()
    decisions = [
        body(log, child),
        body(log, child, recipients=[{"organisation_name": "Riverside GP"}]),  # not consented
        body(log, child, reasons=""),
    ]

    response = post(api(log.senco), "/api/decisions/batch/", {"decisions": decisions})

    assert response.status_code == 400
    errors = {error["attr"]: error["detail"] for error in response.json()["errors"]}
    assert set(errors) == {"decisions.1.basis", "decisions.2.reasons"}
    assert "does not allow sharing with this recipient" in errors["decisions.1.basis"]
    assert SharingDecision.objects.count() == before


def test_a_batch_costs_the_same_queries_however_many_children_it_names(log, api):
    """The batch reads the children it names (with their grants), their consents, the
    organisations and the agreements once for all its decisions, and whether the recipients
    already see each child once after them: a batch of six children costs what one of two
    does."""
    names = ["Ava", "Ben", "Cal", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy"]
    children = [
        open_record(
            log.senco,
            forenames=name,
            surname="Sampleton",
            nhs_number="",
            date_of_birth=born(9, 10 * index),
            current_setting=log.school,
        )
        for index, name in enumerate(names)
    ]
    for each in children:
        parent_consent(log.world, log.senco, each)
    client = api(log.senco)
    post(client, "/api/decisions/batch/", {"decisions": [body(log, children[-1])]})  # sign-in

    def queries(named) -> int:
        with CaptureQueriesContext(connection) as done:
            response = post(
                client, "/api/decisions/batch/", {"decisions": [body(log, c) for c in named]}
            )
        assert response.status_code == 201, response.json()
        return len(done.captured_queries)

    assert queries(children[:2]) == queries(children[2:8])


def test_a_batch_refuses_a_malformed_or_unknown_id_by_its_place(log, child, api):
    """Reading the batch's ids together changes no answer: each bad id is still its own
    decision's field error, and nothing is recorded."""
    parent_consent(log.world, log.senco, child)
    before = SharingDecision.objects.count()
    response = post(
        api(log.senco),
        "/api/decisions/batch/",
        {
            "decisions": [
                body(log, child),
                body(log, child, subject="not-an-id"),
                body(log, child, recipients=[{"organisation": str(uuid.uuid4())}]),
                body(log, child, subject=str(uuid.uuid4())),
            ]
        },
    )

    assert response.status_code == 400
    errors = {error["attr"]: error["detail"] for error in response.json()["errors"]}
    assert set(errors) == {
        "decisions.1.subject",
        "decisions.2.recipients.0.organisation",
        "decisions.3.subject",
    }
    assert "valid id" in errors["decisions.1.subject"]
    assert "no organisation with this id" in errors["decisions.2.recipients.0.organisation"]
    assert SharingDecision.objects.count() == before


def test_a_full_batch_with_many_recipients_each_is_recorded_whole(log, api):
    # A hundred decisions to eighty recipients each is 8,000 recipient rows: more values than
    # PostgreSQL takes in one statement (65,535), so they are written in several.
    agencies = [{"organisation_name": f"Agency {n}", "person_role": "Duty desk"} for n in range(80)]
    decisions = [
        body(
            log,
            None,
            basis="public_interest",
            consent_scope=None,
            information_level="aggregate",
            information_description=f"Attendance figures, week {week}.",
            recipients=agencies,
        )
        for week in range(MAX_BATCH)
    ]

    response = post(api(log.senco), "/api/decisions/batch/", {"decisions": decisions})

    assert response.status_code == 201, response.content[:500]
    rows = response.json()["results"]
    assert len(rows) == MAX_BATCH
    stored = SharingDecision.objects.filter(public_id__in=[row["id"] for row in rows])
    assert [decision.recipients.count() for decision in stored] == [80] * MAX_BATCH
    assert chain_verify(tenant=log.world.partnership.tenant).ok


@pytest.mark.parametrize("count", [0, MAX_BATCH + 1])
def test_a_batch_holds_between_one_and_a_hundred_decisions(log, child, api, count):
    response = post(
        api(log.senco), "/api/decisions/batch/", {"decisions": [body(log, child)] * count}
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "decisions.non_field_errors"


def test_a_batch_of_a_child_the_caller_may_not_see_is_a_400_and_records_nothing(log, child, api):
    before = SharingDecision.objects.count()
    response = post(
        api(log.elsewhere_practitioner),
        "/api/decisions/batch/",
        {
            "decisions": [
                body(log, None, basis="public_interest", consent_scope=None),
                body(log, child),
            ]
        },
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "decisions.1.subject"
    assert SharingDecision.objects.count() == before
