"""The sharing log API: recording (the same rules as the service, as 400s with field messages),
the log with filters and keyset pages, one decision (recorded in the access audit), supersede,
approval, inaccuracy notices; no update or delete (405), and nothing of another partnership."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from partners.roles import Role
from partners.security.models import AccessEvent
from partners.tenancy import activate
from sharing_log import services
from sharing_log.api.serializers import DecisionSummarySerializer
from sharing_log.choices import Basis
from sharing_log.models import SharingDecision
from sharing_log.selectors import DecisionFilters, decision_log
from tests.factories import MembershipFactory
from tests.isolation import assert_tenant_isolated
from tests.sharing_log.api_helpers import body, post
from tests.sharing_log.conftest import (
    every_kind_of_decision,
    gateway,
    parent_consent,
    police_request,
    record,
)


def test_recording_a_share_on_consent(log, child, api):
    parent_consent(log.world, log.senco, child)

    response = post(api(log.senco), "/api/decisions/", body(log, child))

    assert response.status_code == 201, response.json()
    data = response.json()
    decision = SharingDecision.objects.get(public_id=data["id"])
    assert data["sequence"] == 1
    assert data["chain_hash"] == decision.chain_hash
    assert data["consent"] == str(decision.consent.public_id)
    assert data["override_status"] == "none"
    assert data["recipients"] == [
        {
            "organisation": str(log.council.public_id),
            "organisation_name": "",
            "person_name": "Sam Officer",
            "person_role": "",
        }
    ]


def test_a_share_on_consent_not_found_is_a_400_on_basis(log, child, api):
    response = post(api(log.senco), "/api/decisions/", body(log, child))

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["attr"] == "basis"
    assert error["detail"] == "No consent has been recorded for this child."


def police_body(log, child) -> dict:
    """Detailed information to the police on their request, without consent, as JSON."""
    police = police_request(log, child)
    return body(
        log,
        child,
        basis="police_request",
        request_reference=police["request_reference"],
        consent_scope=None,
        information_level="detailed",
        recipients=[{"organisation": str(log.police.public_id), "person_name": "DC Jones"}],
        override_reasons=police["override_reasons"],
        override_evidence=police["override_evidence"],
        third_parties_informed=police["third_parties_informed"],
    )


def test_a_police_request_goes_to_the_manager_who_approves(log, child, api):
    request = police_body(log, child)
    created = post(api(log.senco), "/api/decisions/", request)
    assert created.status_code == 201, created.json()
    assert created.json()["override_kind"] == "prior"
    assert created.json()["override_status"] == "pending"
    url = f"/api/decisions/{created.json()['id']}/approval/"

    assert post(api(log.senco), url, {"outcome": "approved", "reasons": "Mine."}).status_code == 403
    approved = post(api(log.school_manager), url, {"outcome": "approved", "reasons": "In order."})

    assert approved.status_code == 201, approved.json()
    assert approved.json()["override_status"] == "approved"
    assert approved.json()["approval"]["manager"] == str(log.school_manager.public_id)


def test_the_log_filters_and_pages_with_cursors(log, child, api):
    for basis in (Basis.PUBLIC_INTEREST, Basis.COURT_ORDER, Basis.SAFEGUARDING_INTEREST):
        record(log, log.senco, child, basis=basis, consent_scope=None)
    client = api(log.officer)

    first = client.get("/api/decisions/", {"page_size": 2})
    assert first.status_code == 200
    assert [d["basis"] for d in first.json()["results"]] == [
        "safeguarding_interest",
        "court_order",
    ]
    assert first.json()["previous"] is None
    second = client.get(first.json()["next"])
    assert [d["basis"] for d in second.json()["results"]] == ["public_interest"]
    assert second.json()["next"] is None
    back = client.get(second.json()["previous"])
    assert back.json()["results"] == first.json()["results"]

    filtered = client.get(
        "/api/decisions/", {"basis": "court_order", "subject": str(child.public_id)}
    )
    assert [d["basis"] for d in filtered.json()["results"]] == ["court_order"]
    bad = client.get("/api/decisions/", {"outcome": "perhaps"})
    assert bad.status_code == 400


@pytest.mark.parametrize("season", ["winter", "summer"])
def test_the_logs_rows_are_what_the_decision_serializer_writes(log, child, api, season):
    """The list writes plain rows itself (for speed); each must be exactly what the schema's
    DecisionSummarySerializer writes for the same decision, for every kind of row, in GMT and
    in British Summer Time."""
    if season == "summer":
        with time_machine.travel(dt.datetime(2027, 7, 14, 10, 30, tzinfo=dt.UTC), tick=False):
            every_kind_of_decision(log, child)
    else:
        every_kind_of_decision(log, child)

    response = api(log.officer).get("/api/decisions/", {"current": "false"})

    assert response.status_code == 200
    rows = response.json()["results"]
    with activate(log.world.partnership.tenant):
        page = decision_log(viewer=log.officer, filters=DecisionFilters(current_only=False))
        expected = json.loads(
            JSONRenderer().render(DecisionSummarySerializer(page.decisions, many=True).data)
        )
    assert len(rows) == 6
    assert rows == expected
    assert [list(row) for row in rows] == [list(row) for row in expected]  # the keys' order too
    assert {row["override_status"] for row in rows} >= {"approved", "pending", "none"}
    offset = "+01:00" if season == "summer" else "Z"
    assert all(row["decided_at"].endswith(offset) for row in rows)


@pytest.mark.parametrize("season", ["winter", "summer"])
def test_what_recording_answers_is_the_decision_as_it_is_read_back(log, child, api, season):
    """The answer to a POST is written from what the service has just recorded, not read back
    from the log: it must be exactly what GET /api/decisions/{id}/ writes of the same decision
    (the keys' order too), for every kind of decision, in GMT and in British Summer Time, and
    in a batch exactly the log's rows."""
    now = dt.datetime(2027, 7 if season == "summer" else 1, 14, 10, 30, tzinfo=dt.UTC)
    earlier = now - dt.timedelta(minutes=75, microseconds=876544)
    with time_machine.travel(now, tick=False):
        parent_consent(log.world, log.senco, child)
        client = api(log.senco)
        on_consent = body(log, child, decided_at=earlier.isoformat())
        statutory = body(
            log,
            child,
            basis="statutory_function",
            consent_scope=None,
            statutory_gateway=str(gateway().public_id),
        )
        police = police_body(log, child)
        urgent = body(
            log,
            child,
            basis="public_interest",
            consent_scope=None,
            special_categories=["health"],
            recipients=[
                {"organisation_name": "Riverside GP", "person_name": "Dr Shah"},
                {"organisation": str(log.council.public_id), "person_role": "Duty officer"},
            ],
            immediate_risk=True,
            override_reasons="The child is at risk today.",
            override_evidence="The call this morning.",
            third_parties_informed="None yet.",
        )
        not_shared = body(
            log,
            None,
            outcome="not_share",
            basis="",
            consent_scope=None,
            will_reconsider=True,
            reconsider_on=(now.date() + dt.timedelta(days=200)).isoformat(),
            method="",
            channel="",
        )
        answers = []
        for request in (on_consent, statutory, police, urgent, not_shared):
            with CaptureQueriesContext(connection) as queries:
                created = post(client, "/api/decisions/", request)
            assert created.status_code == 201, created.json()
            read_back = [
                query["sql"]
                for query in queries.captured_queries
                if query["sql"].startswith("SELECT")
                and any(
                    f'FROM "sharing_log_{table}"' in query["sql"]
                    for table in ("sharingdecision", "decisionrecipient", "overrideapproval")
                )
            ]
            assert read_back == []
            answers.append(created.json())
        correction = post(
            client,
            f"/api/decisions/{answers[3]['id']}/supersede/",
            {**urgent, "reason": "The GP was the wrong one."},
        )
        assert correction.status_code == 201, correction.json()
        answers.append(correction.json())
        batch = post(client, "/api/decisions/batch/", {"decisions": [statutory, not_shared]})
        assert batch.status_code == 201, batch.json()

        for answer in answers:
            detail = api(log.officer).get(f"/api/decisions/{answer['id']}/").json()
            if answer["id"] == answers[3]["id"]:
                detail["superseded_by"] = None  # corrected after it was recorded
            assert answer == detail
            assert list(answer) == list(detail)
        log_rows = {
            row["id"]: row
            for row in api(log.officer)
            .get("/api/decisions/", {"current": "false"})
            .json()["results"]
        }
        for row in batch.json()["results"]:
            assert row == log_rows[row["id"]]
            assert list(row) == list(log_rows[row["id"]])
    assert {answer["override_kind"] for answer in answers} == {"none", "prior", "retrospective"}
    in_london = earlier.astimezone(ZoneInfo("Europe/London")).isoformat()
    assert answers[0]["decided_at"] == in_london.replace("+00:00", "Z")
    assert answers[1]["statutory_gateway_citation"]
    assert answers[5]["supersedes"] == answers[3]["id"]
    offset = "+01:00" if season == "summer" else "Z"
    assert answers[2]["created_at"].endswith(offset)


def test_a_child_filter_the_caller_may_not_see_is_a_400(log, child, api):
    response = api(log.elsewhere_practitioner).get(
        "/api/decisions/", {"subject": str(child.public_id)}
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "subject"


@pytest.mark.parametrize("role", [Role.IG_OFFICER, Role.SENCO])
def test_a_cursor_or_organisation_not_in_the_callers_log_is_a_400_on_it(
    log, child, api, other_partnership, role
):
    """The IG officer sees the whole log, so their cursor is found by a read of its own; anyone
    else's through what they may see. Either way a decision of another partnership, or an id
    that is no decision at all, is not a place in the log."""
    ours = record(log, log.senco, child, basis=Basis.PUBLIC_INTEREST, consent_scope=None)
    newer = record(log, log.senco, child, basis=Basis.COURT_ORDER, consent_scope=None)
    theirs = api(other_partnership.member(role))

    for cursor in ("after", "before"):
        for value in (ours.public_id, child.public_id, uuid.uuid4()):
            response = theirs.get("/api/decisions/", {cursor: str(value)})
            assert response.status_code == 400, (cursor, value)
            assert response.json()["errors"][0]["attr"] == cursor
            assert "no decision with this id" in response.json()["errors"][0]["detail"]
    named = theirs.get("/api/decisions/", {"recipient_organisation": str(log.council.public_id)})
    assert named.status_code == 400
    assert named.json()["errors"][0]["attr"] == "recipient_organisation"

    page = api(log.world.member(role)).get("/api/decisions/", {"after": str(newer.public_id)})
    assert page.status_code == 200
    assert [row["id"] for row in page.json()["results"]] == [str(ours.public_id)]


def test_retrieving_a_decision_is_recorded_in_the_access_audit(log, child, api):
    decision = record(log, log.senco, child, basis=Basis.PUBLIC_INTEREST, consent_scope=None)

    response = api(log.officer).get(f"/api/decisions/{decision.public_id}/")

    assert response.status_code == 200
    event = AccessEvent.objects.get(object_id=decision.public_id)
    assert (event.action, event.object_type, event.subject_id) == (
        "view",
        "sharing_decision",
        child.public_id,
    )


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_decisions_are_never_changed_or_removed(log, child, api, method):
    decision = record(log, log.senco, child, basis=Basis.PUBLIC_INTEREST, consent_scope=None)

    response = getattr(api(log.senco), method)(
        f"/api/decisions/{decision.public_id}/", {}, content_type="application/json"
    )

    assert response.status_code == 405


def test_superseding_through_the_api(log, child, api):
    decision = record(log, log.senco, child, basis=Basis.PUBLIC_INTEREST, consent_scope=None)
    correction = body(
        log,
        child,
        basis="public_interest",
        consent_scope=None,
        information_description="Attendance only.",
        reason="The plan was not sent after all.",
    )

    response = post(api(log.senco), f"/api/decisions/{decision.public_id}/supersede/", correction)

    assert response.status_code == 201, response.json()
    assert response.json()["supersedes"] == str(decision.public_id)
    detail = api(log.officer).get(f"/api/decisions/{decision.public_id}/").json()
    assert detail["superseded_by"] == response.json()["id"]


def test_inaccuracy_notices_through_the_api(log, child, api):
    decision = record(
        log,
        log.senco,
        child,
        basis=Basis.PUBLIC_INTEREST,
        consent_scope=None,
    )
    council_practitioner = MembershipFactory(
        tenant=log.partnership.tenant, organisation=log.council, role=Role.PRACTITIONER
    )

    created = post(
        api(log.senco),
        "/api/inaccuracy-notices/",
        {"decision": str(decision.public_id), "what_was_wrong": "Last year's attendance."},
    )
    assert created.status_code == 201, created.json()
    notice_id = created.json()["id"]
    assert created.json()["recipients"] == [
        {"organisation": str(log.council.public_id), "acknowledged": False}
    ]
    waiting = api(log.officer).get("/api/inaccuracy-notices/", {"waiting": "anyone"})
    assert [n["id"] for n in waiting.json()["results"]] == [notice_id]

    acknowledged = post(
        api(council_practitioner),
        f"/api/inaccuracy-notices/{notice_id}/acknowledge/",
        {"note": "Updated."},
    )

    assert acknowledged.status_code == 201, acknowledged.json()
    assert acknowledged.json()["recipients"][0]["acknowledged"] is True
    assert (
        api(log.officer).get("/api/inaccuracy-notices/", {"waiting": "anyone"}).json()["results"]
        == []
    )


def test_another_partnership_finds_nothing(log, child, api, other_partnership):
    decision = record(log, log.senco, child, basis=Basis.PUBLIC_INTEREST, consent_scope=None)
    notice_decision = record(log, log.senco, child, basis=Basis.COURT_ORDER, consent_scope=None)
    notice = services.inaccuracy_notice_record(
        actor=log.senco, decision=notice_decision, what_was_wrong="Wrong date."
    )

    # Their SENCo may record, correct and acknowledge in their own partnership.
    for role in (Role.SENCO, Role.IG_OFFICER):
        client = api(other_partnership.member(role))
        writes = [
            ("POST", f"/api/decisions/{decision.public_id}/approval/", {}),
            ("PATCH", f"/api/decisions/{decision.public_id}/", {}),
            ("DELETE", f"/api/decisions/{decision.public_id}/", {}),
        ]
        if role == Role.SENCO:
            writes.append(("POST", f"/api/decisions/{decision.public_id}/supersede/", {}))
        assert_tenant_isolated(
            client,
            decision,
            detail_urls=[f"/api/decisions/{decision.public_id}/"],
            list_urls=["/api/decisions/", "/api/inaccuracy-notices/"],
            write_requests=writes,
            markers=["Sampleton"],
        )
        assert_tenant_isolated(
            client,
            notice,
            detail_urls=[f"/api/inaccuracy-notices/{notice.public_id}/"],
            write_requests=[
                ("POST", f"/api/inaccuracy-notices/{notice.public_id}/acknowledge/", {})
            ],
        )
    # Naming our decision in their notice: it does not exist for them.
    response = post(
        api(other_partnership.member(Role.SENCO)),
        "/api/inaccuracy-notices/",
        {"decision": str(decision.public_id), "what_was_wrong": "Wrong."},
    )
    assert response.status_code == 400
    assert "no sharing decision with this id" in response.json()["errors"][0]["detail"]


def test_a_page_of_the_log_takes_the_same_queries_however_long(
    log, child, api, django_assert_num_queries
):
    client = api(log.practitioner)
    for _ in range(3):
        record(log, log.senco, child, basis=Basis.PUBLIC_INTEREST, consent_scope=None)
    client.get("/api/decisions/")  # Sign-in and session work happen once.
    with CaptureQueriesContext(connection) as few:
        assert len(client.get("/api/decisions/").json()["results"]) == 3
    for _ in range(30):
        record(log, log.senco, child, basis=Basis.PUBLIC_INTEREST, consent_scope=None)

    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/decisions/").json()["results"]) == 33


def test_each_further_recipient_costs_only_the_lookup_of_its_id(log, api):
    # The answer reads every recipient's organisation at once, not one query per recipient.
    client = api(log.senco)

    def record_to(*organisations) -> int:
        aggregate = body(
            log,
            None,
            basis="public_interest",
            consent_scope=None,
            information_level="aggregate",
            information_description="Exclusions by year group.",
            recipients=[{"organisation": str(o.public_id)} for o in organisations],
        )
        with CaptureQueriesContext(connection) as queries:
            response = post(client, "/api/decisions/", aggregate)
        assert response.status_code == 201, response.json()
        assert len(response.json()["recipients"]) == len(organisations)
        return len(queries)

    record_to(log.council)  # Sign-in and session work happen once.
    one = record_to(log.council)
    three = record_to(log.council, log.police, log.nhs)

    assert three == one + 2


def test_the_platform_admin_offers_no_way_to_change_the_log():
    from django.contrib import admin

    from sharing_log import models

    for name in models.__all__:
        model = getattr(models, name)
        if isinstance(model, type):
            assert model not in admin.site._registry
