"""The sharing log pages: the organisation's and a child's log (filters, keyset pages with an
opaque cursor, the same number of queries for 3 decisions as for 33), a decision's page with
every answer, the consent as it stood and the chain of corrections, the CSV export, and another
partnership seeing none of it. Every view of a decision, and every export, is in the access log.

The guided form, overrides and inaccuracy notices are in test_pages_record.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consent import services as consent_services
from partners.roles import Role
from partners.security.models import AccessAction, AccessEvent
from partners.tenancy import activate
from sharing_log import services
from sharing_log.choices import Basis, Outcome
from tests.isolation import assert_tenant_isolated
from tests.sharing_log.conftest import draft, police_request
from tests.sharing_log.pages_world import (
    CHILD,
    STATUTORY,
    SURNAME,
    World,
    build_world,
    decision_ids,
    record_more,
    today,
    url,
    visible_text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(partnership) -> World:
    return build_world(partnership)


@pytest.fixture
def clients(partnership, client_for):
    return {role: client_for(partnership.member(role)) for role in Role}


# --- The log ---------------------------------------------------------------------------------


def test_the_practitioner_sees_their_organisations_decisions_newest_first(world, clients):
    response = clients[Role.PRACTITIONER].get(url("decision_list"))

    assert response.status_code == 200
    assert decision_ids(response) == [str(world.override.public_id), str(world.share.public_id)]
    text = visible_text(response)
    assert CHILD in text
    assert "Override waiting for a manager" in text


def test_each_row_of_the_log_says_when_about_whom_what_why_with_whom_and_by_whom(world, clients):
    with activate(world.partnership.tenant):
        practitioner = world.member(Role.PRACTITIONER)
        correction = services.decision_supersede(
            actor=practitioner,
            decision=world.share,
            draft=draft(
                world,
                world.child,
                basis=Basis.PUBLIC_INTEREST,
                consent_scope=None,
                recipients=[
                    services.RecipientSpec(organisation=world.council, person_name="Sam Officer"),
                    services.RecipientSpec(organisation_name="Riverside GP & Co"),
                ],
            ),
            reason="Two recipients, not one.",
        )
        aggregate = services.decision_record(
            actor=practitioner,
            draft=draft(world, None, basis=Basis.PUBLIC_INTEREST, consent_scope=None),
        )

    html = clients[Role.PRACTITIONER].get(url("decision_list")).content.decode()

    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', html, re.S)[1:]
    assert len(rows) == 3  # the current versions: the aggregate, the correction, the override
    first, second, third = rows
    assert f'href="{url("decision_detail", aggregate)}"' in first
    assert "Aggregate information" in first
    assert "Public interest" in first
    assert "govuk-tag--green" in first and "Override" not in first
    local = timezone.localtime(correction.decided_at)
    assert f'<time datetime="{local.isoformat()}">' in second
    assert f"{local.day} {local:%b %Y, %H:%M}</time>" in second
    assert "Corrects an earlier decision" in second
    assert CHILD in second
    assert f"Sam Officer, {world.council.name}<br>Riverside GP &amp; Co" in second
    assert practitioner.user.full_name in second and world.school.name in second
    assert "Corrects" not in third
    assert (
        '<strong class="govuk-tag govuk-tag--green">Share</strong><br>'
        '<strong class="govuk-tag govuk-tag--yellow">Override waiting for a manager</strong>'
    ) in third


def test_the_log_filters_by_decision_basis_recipient_and_practitioner(world, clients):
    client = clients[Role.IG_OFFICER]
    [not_share] = record_more(
        world, 1, outcome=Outcome.NOT_SHARE, purpose="Declined request", will_reconsider=False
    )

    def shown(**query) -> set:
        response = client.get(url("decision_list"), query)
        assert response.status_code == 200
        ids = set(re.findall(r"/sharing-log/decisions/([0-9a-f-]{36})/", response.content.decode()))
        return ids

    everything = {str(d.public_id) for d in (world.share, world.override, not_share)}
    assert shown() == everything
    assert shown(outcome="not_share") == {str(not_share.public_id)}
    assert shown(basis="police_request") == {str(world.override.public_id)}
    assert shown(recipient=str(world.police.public_id)) == {str(world.override.public_id)}
    practitioner = world.member(Role.PRACTITIONER)
    assert (
        shown(organisation=str(world.school.public_id), practitioner=str(practitioner.public_id))
        == everything
    )


def test_the_log_filters_by_date_range(world, clients):
    client = clients[Role.AUDITOR]
    tomorrow = today() + dt.timedelta(days=1)
    query = {
        "decided_from_day": tomorrow.day,
        "decided_from_month": tomorrow.month,
        "decided_from_year": tomorrow.year,
    }

    assert "No decision matches the filters chosen" in visible_text(
        client.get(url("decision_list"), query)
    )
    query.update(
        decided_from_day=today().day,
        decided_from_month=today().month,
        decided_from_year=today().year,
    )
    assert CHILD in visible_text(client.get(url("decision_list"), query))


def test_a_wrong_date_range_is_shown_as_an_error_and_not_applied(world, clients):
    query = {
        "decided_from_day": "31",
        "decided_from_month": "2",
        "decided_from_year": "2026",
    }
    response = clients[Role.AUDITOR].get(url("decision_list"), query)

    assert response.status_code == 200
    text = visible_text(response)
    assert "There is a problem" in text
    assert "Decided from must be a real date" in text
    assert CHILD in text


def test_pages_go_older_and_newer_with_an_opaque_cursor_and_no_count(world, clients, monkeypatch):
    from sharing_log.views import log

    monkeypatch.setattr(log, "PAGE_SIZE", 2)
    extra = record_more(world, 3)  # five decisions in all: 2 + 2 + 1
    client = clients[Role.IG_OFFICER]

    first = client.get(url("decision_list"))
    first_text = visible_text(first)
    assert "Safeguarding review 2" not in first_text  # purposes are not in the list
    older = re.search(r'href="(\?cursor=[^"]+)" rel="next"', first.content.decode()).group(1)
    assert "Newer" not in first_text
    assert str(extra[2].public_id) not in older  # the cursor is opaque

    second = client.get(url("decision_list") + unescape(older))
    assert second.status_code == 200
    second_ids = re.findall(r"/sharing-log/decisions/([0-9a-f-]{36})/", second.content.decode())
    assert second_ids == [str(extra[0].public_id), str(world.override.public_id)]
    newer = re.search(r'href="(\?cursor=[^"]+)" rel="prev"', second.content.decode()).group(1)

    back = client.get(url("decision_list") + unescape(newer))
    back_ids = re.findall(r"/sharing-log/decisions/([0-9a-f-]{36})/", back.content.decode())
    assert back_ids == [str(extra[2].public_id), str(extra[1].public_id)]


def test_a_cursor_that_is_not_ours_is_a_404(world, clients):
    assert (
        clients[Role.IG_OFFICER].get(url("decision_list"), {"cursor": "bm9wZQ"}).status_code == 404
    )


def _log_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", [Role.IG_OFFICER, Role.PRACTITIONER, Role.MANAGER])
def test_the_log_costs_the_same_number_of_queries_for_3_decisions_as_for_33(world, clients, role):
    client = clients[role]
    record_more(world, 1)
    paths = [url("decision_list"), url("child_log", world.child)]
    for path in paths:
        _log_queries(client, path)  # the session's first use costs extra queries once
    with_3 = [_log_queries(client, path) for path in paths]

    record_more(world, 30)
    with_33 = [_log_queries(client, path) for path in paths]

    assert with_33 == with_3


def test_the_childs_log_shows_only_decisions_about_the_child_and_is_audited(world, clients):
    with activate(world.partnership.tenant):
        other = consent_services.subject_create(
            actor=world.member(Role.SENCO),
            forenames="Ben",
            surname="Otherchild",
            date_of_birth=today() - dt.timedelta(days=8 * 365),
            gender="male",
            nhs_number="",
            upn="",
            current_setting=world.school,
            sen_status="none",
        )
        services.decision_record(
            actor=world.member(Role.PRACTITIONER),
            draft=draft(world, other, basis=Basis.SAFEGUARDING_INTEREST, consent_scope=None),
        )
    practitioner = world.member(Role.PRACTITIONER)

    response = clients[Role.PRACTITIONER].get(url("child_log", world.child))

    ids = set(re.findall(r"/sharing-log/decisions/([0-9a-f-]{36})/", response.content.decode()))
    assert ids == {str(world.share.public_id), str(world.override.public_id)}
    with activate(world.partnership.tenant):
        assert AccessEvent.objects.filter(
            membership=practitioner, action=AccessAction.VIEW, subject_id=world.child.public_id
        ).exists()


def test_a_child_the_organisation_is_not_involved_with_has_no_log_page(world, clients):
    with activate(world.partnership.tenant):
        stranger = consent_services.subject_create(
            actor=world.member(Role.IG_OFFICER),
            forenames="Cal",
            surname="Elsewhere",
            date_of_birth=today() - dt.timedelta(days=7 * 365),
            gender="male",
            nhs_number="",
            upn="",
            current_setting=None,
            sen_status="none",
        )

    assert clients[Role.PRACTITIONER].get(url("child_log", stranger)).status_code == 404
    assert clients[Role.IG_OFFICER].get(url("child_log", stranger)).status_code == 200


# --- A decision's page -------------------------------------------------------------------------


def test_a_decisions_page_shows_every_answer_and_the_consent_as_it_stood(world, clients):
    response = clients[Role.PRACTITIONER].get(url("decision_detail", world.share))

    assert response.status_code == 200
    text = visible_text(response)
    for expected in (
        STATUTORY,
        "SEND information sharing",
        "Consent",
        "Attendance this term and the current SEN support plan.",
        "Sam Officer (SEN casework officer), " + world.council.name,
        "Called back on a number from a trusted directory",
        "Method 1: form based, non-urgent",
        "Secure email",
        "School MIS, safeguarding folder",
        "The council needs them for the EHC needs assessment.",
        "Consent covers this sharing.",
        "given by Jo Sampleton",
        "Necessary Yes",
        "Secure Yes",
    ):
        assert expected in text, expected


def test_viewing_a_decision_is_recorded_in_the_access_log(world, clients):
    auditor = world.member(Role.AUDITOR)
    clients[Role.AUDITOR].get(url("decision_detail", world.override))

    with activate(world.partnership.tenant):
        event = AccessEvent.objects.get(membership=auditor, object_id=world.override.public_id)
    assert event.action == AccessAction.VIEW
    assert event.object_type == "sharing_decision"
    assert event.subject_id == world.child.public_id


def test_a_pending_override_says_so_and_offers_the_manager_the_approval(world, clients):
    manager_text = visible_text(clients[Role.MANAGER].get(url("decision_detail", world.override)))
    practitioner_text = visible_text(
        clients[Role.PRACTITIONER].get(url("decision_detail", world.override))
    )

    assert "Overriding confidentiality waits for a designated manager" in practitioner_text
    assert "Approve or reject the override" in manager_text
    assert "Approve or reject the override" not in practitioner_text
    assert "S29-2026-0042" in practitioner_text


def test_a_corrected_decision_links_to_its_correction_and_back(world, clients):
    with activate(world.partnership.tenant):
        correction = services.decision_supersede(
            actor=world.member(Role.PRACTITIONER),
            decision=world.share,
            draft=draft(world, world.child, information_description="Attendance only."),
            reason="The SEN support plan was not shared after all.",
        )
    client = clients[Role.PRACTITIONER]

    old = client.get(url("decision_detail", world.share)).content.decode()
    new = visible_text(client.get(url("decision_detail", correction)))
    log = client.get(url("decision_list")).content.decode()

    assert "This decision has been corrected." in unescape(old)
    assert url("decision_detail", correction) in old
    assert "corrected because The SEN support plan was not shared after all." in new
    assert str(world.share.public_id) not in log  # the list shows the current one
    assert str(correction.public_id) in log
    assert "Correct this decision" not in visible_text(
        client.get(url("decision_detail", world.share))
    )


# --- Export ------------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_the_export_streams_the_filtered_log_as_csv_and_is_audited(world, clients):
    officer = world.member(Role.IG_OFFICER)

    response = clients[Role.IG_OFFICER].get(url("decision_export"), {"basis": "police_request"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert "no-store" in response["Cache-Control"]
    rows = _csv(response)
    assert len(rows) == 2  # the header and the police request
    assert str(world.override.public_id) in rows[1]
    with activate(world.partnership.tenant):
        assert AccessEvent.objects.filter(
            membership=officer, action=AccessAction.EXPORT, object_type="sharing_log.export"
        ).exists()


def test_the_export_cannot_be_made_to_run_a_formula(world, clients):
    [decision] = record_more(world, 1, purpose='=HYPERLINK("http://evil.example","x")')

    rows = _csv(clients[Role.IG_OFFICER].get(url("decision_export")))

    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert not any(cell.startswith("=") for cell in cells)
    assert decision.purpose.startswith("=")


def test_a_childs_export_is_named_by_the_record_not_the_child(world, clients):
    response = clients[Role.MANAGER].get(url("child_export", world.child))

    assert response.status_code == 200
    assert SURNAME not in response["Content-Disposition"]
    assert str(world.child.public_id) in response["Content-Disposition"]
    assert len(_csv(response)) == 3


# --- Another partnership ---------------------------------------------------------------------


def test_another_partnership_finds_no_decision_child_or_notice(world, outsider, client_for):
    client = client_for(outsider)

    assert_tenant_isolated(
        client,
        world.share,
        detail_urls=[url("decision_detail", world.share)],
        list_urls=[url("decision_list"), url("override_queue"), url("notice_list")],
        markers=[CHILD, "Attendance this term"],
    )
    assert_tenant_isolated(
        client,
        world.override,
        detail_urls=[
            url("decision_detail", world.override),
            url("override_decide", world.override),
        ],
        list_urls=[url("decision_export")],
        write_requests=[
            (
                "POST",
                url("override_decide", world.override),
                {"outcome": "approved", "reasons": "x"},
            )
        ],
        markers=[CHILD, "S29-2026-0042"],
    )
    assert_tenant_isolated(
        client,
        world.notice,
        detail_urls=[url("notice_detail", world.notice)],
        write_requests=[("POST", url("notice_acknowledge", world.notice), {"note": "Done"})],
        markers=["last year's"],
    )
    assert_tenant_isolated(
        client,
        world.child,
        detail_urls=[url("child_log", world.child), url("child_export", world.child)],
        markers=[CHILD],
    )


# --- The other lists and the decision's page cost the same however much they show ----------------


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def more_overrides(world: World, count: int) -> None:
    practitioner = world.member(Role.PRACTITIONER)
    with activate(world.partnership.tenant):
        for number in range(count):
            services.decision_record(
                actor=practitioner,
                draft=draft(
                    world,
                    world.child,
                    **police_request(world, world.child, request_reference=f"S29-2026-{number:04}"),
                ),
            )


def more_notices(world: World, count: int) -> None:
    practitioner = world.member(Role.PRACTITIONER)
    with activate(world.partnership.tenant):
        for number in range(count):
            services.inaccuracy_notice_record(
                actor=practitioner, decision=world.share, what_was_wrong=f"Figure {number} wrong."
            )


def test_the_override_queue_costs_the_same_for_1_override_as_for_11(world, clients):
    client = clients[Role.MANAGER]
    _queries(client, url("override_queue"))
    with_1 = _queries(client, url("override_queue"))

    more_overrides(world, 10)

    assert _queries(client, url("override_queue")) == with_1
    assert visible_text(client.get(url("override_queue"))).count("Waiting to share") == 11


def test_the_notice_lists_cost_the_same_for_1_notice_as_for_11(world, clients):
    officer, manager = clients[Role.IG_OFFICER], clients[Role.MANAGER]
    for client in (officer, manager):
        _queries(client, url("notice_list"))
    with_1 = [_queries(client, url("notice_list")) for client in (officer, manager)]

    more_notices(world, 10)

    assert [_queries(client, url("notice_list")) for client in (officer, manager)] == with_1
    notices = re.findall(
        r"/sharing-log/notices/([0-9a-f-]{36})/", officer.get(url("notice_list")).content.decode()
    )
    assert len(set(notices)) == 11


def test_a_decisions_page_costs_the_same_with_1_notice_as_with_11(world, clients):
    client = clients[Role.PRACTITIONER]
    path = url("decision_detail", world.share)
    _queries(client, path)
    with_1 = _queries(client, path)

    more_notices(world, 10)

    assert _queries(client, path) == with_1
