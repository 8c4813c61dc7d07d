"""The log's filter form in a partnership of many organisations and people: the page costs the
same queries and templates for 30 more organisations and recorders as for 3 (the organisations'
options written once while they are unchanged), and the lists of organisations and of
practitioners read only what their options show."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.roles import Role
from partners.tenancy import activate
from sharing_log.forms import LogFilterForm
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def more_partners(partnership, count: int) -> None:
    """`count` more organisations, and as many practitioners of the council (who record)."""
    tenant = partnership.tenant
    OrganisationFactory.create_batch(count, tenant=tenant)
    MembershipFactory.create_batch(
        count, tenant=tenant, organisation=partnership.council, role=Role.PRACTITIONER
    )


def the_log(client) -> tuple[int, list[str], str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("sharing_log:decision_list"))
    assert response.status_code == 200
    return len(queries), [t.name for t in response.templates], response.content.decode()


def test_the_log_costs_the_same_for_33_organisations_and_recorders_as_for_3(
    partnership, client_for
):
    client = client_for(partnership.member(Role.IG_OFFICER))
    more_partners(partnership, 1)
    the_log(client)  # the session's first use costs extra queries once
    queries_3, templates_3, _ = the_log(client)

    more_partners(partnership, 30)
    # The organisations changed: the first page after it writes their options again (one query
    # more); the next reuses them.
    queries_changed, _, _ = the_log(client)
    queries_33, templates_33, html = the_log(client)

    assert queries_changed == queries_3 + 1
    assert queries_33 == queries_3
    assert templates_33 == templates_3
    assert "django/forms/widgets/select_option.html" not in templates_33
    # Both organisation lists (shared with, decided by) and the council's 31 more recorders.
    assert html.count(f">{partnership.school.name}</option>") == 2
    assert html.count(f"({partnership.council.name})</option>") >= 31


def test_the_practitioner_list_reads_names_in_one_query(partnership):
    more_partners(partnership, 10)
    with activate(partnership.tenant):
        form = LogFilterForm(None, viewer=partnership.member(Role.IG_OFFICER), sees_all=True)
        with CaptureQueriesContext(connection) as queries:
            html = str(form["practitioner"])

    [query] = [q["sql"] for q in queries.captured_queries]
    columns = query.split(" FROM ")[0]
    assert '"partners_user"."full_name"' in columns
    assert '"partners_organisation"."name"' in columns
    for unread in ('"password"', '"email"', '"postcode"', '"last_login"'):
        assert unread not in columns
    officer = partnership.member(Role.MANAGER).user.full_name
    assert f"{officer} ({partnership.council.name})</option>" in html


def test_a_chosen_practitioner_filters_as_a_whole_membership(partnership):
    more_partners(partnership, 2)
    manager = partnership.member(Role.MANAGER)
    with activate(partnership.tenant):
        form = LogFilterForm(
            {"practitioner": str(manager.public_id)},
            viewer=partnership.member(Role.IG_OFFICER),
            sees_all=True,
        )
        assert form.is_valid(), form.errors

    chosen = form.cleaned_data["practitioner"]
    assert chosen == manager
    assert (chosen.role, chosen.user.email) == (manager.role, manager.user.email)


def test_the_two_organisation_lists_are_written_once_and_kept(partnership, client_for):
    # "Shared with" and "Decided by organisation" offer the same thousand organisations at
    # scale: written once for both and kept while they are unchanged, so a page reads none of
    # them, only whether any changed (one aggregate), and never counts them alone.
    client = client_for(partnership.member(Role.IG_OFFICER))
    the_log(client)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("sharing_log:decision_list")).content.decode()

    organisations = [q["sql"] for q in queries if 'FROM "partners_organisation"' in q["sql"]]
    assert len(organisations) == 1, organisations
    assert organisations[0].startswith('SELECT COUNT("partners_organisation"."id")'), organisations
    assert 'MAX("partners_organisation"."updated_at")' in organisations[0]
    assert html.count(f">{partnership.school.name}</option>") == 2
