"""The agreements register, and the way in to every agreements page: each page opens for its
roles and refuses the others (to a role for whom the record does not exist, it is not
found), the navigation leads every role to the register, and the register shows each
agreement's kind, status, version, owner and next review, highlights an overdue review,
filters by kind, status and review due, lists only what the viewer may read, continues
after the last title on the page and costs the same number of queries however many rows.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agreements.models import Agreement
from partners.roles import Role
from partners.tenancy import activate
from tests.agreements.page_helpers import url, visible_text
from tests.factories import AgreementFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ALL = frozenset(Role)
IG = frozenset({Role.IG_OFFICER})
IG_AND_MANAGER = frozenset({Role.IG_OFFICER, Role.MANAGER})


def _fake_pdf(agreement) -> bytes:
    return b"%PDF-1.7 " + agreement.title.encode()


@pytest.fixture
def fake_pdf(monkeypatch):
    """A quick stand-in for the renderer where only who may open the page is under test; the
    downloads in test_pages_agreement.py render the real PDF (and test_pdf.py reads it back)."""
    import agreements.pdf

    monkeypatch.setattr(agreements.pdf, "agreement_pdf", _fake_pdf)


# --- Every page opens for its roles and refuses the others -----------------------------------
# (url of the page in the world, roles it opens for, roles to whom the record does not exist).
# Everyone else is refused with a 403.

PAGES = {
    "agreement_list": (lambda w: url("agreement_list"), ALL, ()),
    "agreement_create": (lambda w: url("agreement_create"), IG, ()),
    "agreement_detail": (
        lambda w: url("agreement_detail", w.active),
        ALL,
        (),
    ),
    "agreement_detail (a draft)": (
        lambda w: url("agreement_detail", w.draft),
        {Role.IG_OFFICER, Role.AUDITOR, Role.MANAGER},
        {Role.SENCO, Role.PRACTITIONER},
    ),
    "agreement_edit": (
        lambda w: url("agreement_edit", w.draft),
        IG,
        {Role.SENCO, Role.PRACTITIONER},
    ),
    "agreement_content_edit": (
        lambda w: url("agreement_content_edit", w.draft, section="purposes"),
        IG,
        {Role.SENCO, Role.PRACTITIONER},
    ),
    "agreement_changes": (lambda w: url("agreement_changes", w.active, from_version=1), ALL, ()),
    "agreement_pdf": (lambda w: url("agreement_pdf", w.active), ALL, ()),
    "agreement_circulate": (lambda w: url("agreement_circulate", w.draft), IG, ()),
    "agreement_return_to_draft": (
        lambda w: url("agreement_return_to_draft", w.circulated),
        IG,
        (),
    ),
    "agreement_approve": (lambda w: url("agreement_approve", w.circulated), IG, ()),
    "agreement_start_review": (lambda w: url("agreement_start_review", w.active), IG, ()),
    "agreement_supersede": (lambda w: url("agreement_supersede", w.active), IG, ()),
    "agreement_expire": (lambda w: url("agreement_expire", w.active), IG, ()),
    "agreement_withdraw": (lambda w: url("agreement_withdraw", w.active), IG, ()),
    "signatory_invite": (lambda w: url("signatory_invite", w.active), IG, ()),
    # The school is invited; the council's manager does not act for it.
    "signatory_sign": (lambda w: url("signatory_sign", w.school_invited), IG, ()),
    "signatory_decline": (lambda w: url("signatory_decline", w.school_invited), IG, ()),
    "signatory_withdraw": (
        lambda w: url("signatory_withdraw", w.council_signed),
        IG_AND_MANAGER,
        (),
    ),
    "consultation_open": (lambda w: url("consultation_open", w.reviewed), IG, ()),
    "consultation_detail": (lambda w: url("consultation_detail", w.consultation), ALL, ()),
    "consultation_respond": (
        lambda w: url("consultation_respond", w.consultation),
        IG_AND_MANAGER,
        (),
    ),
    "consultation_approve": (lambda w: url("consultation_approve", w.consultation), IG, ()),
    "consultation_drop": (lambda w: url("consultation_drop", w.consultation), IG, ()),
    "review_detail": (lambda w: url("review_detail", w.review), ALL, ()),
    "review_findings": (lambda w: url("review_findings", w.review), IG, ()),
    "review_report": (lambda w: url("review_report", w.review), IG, ()),
    "review_action_add": (lambda w: url("review_action_add", w.review), IG, ()),
    "review_complete": (lambda w: url("review_complete", w.review), IG, ()),
    "review_action_complete": (lambda w: url("review_action_complete", w.action), IG, ()),
    "audit_request_create": (
        lambda w: url("audit_request_create", w.active),
        IG_AND_MANAGER,
        (),
    ),
    "audit_request_complete": (
        lambda w: url("audit_request_complete", w.audit),
        IG_AND_MANAGER,
        (),
    ),
    "audit_request_cancel": (
        lambda w: url("audit_request_cancel", w.audit),
        IG_AND_MANAGER,
        (),
    ),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_each_page_opens_for_its_roles_and_refuses_the_others(page, world, clients, fake_pdf):
    url_for, allowed, hidden = PAGES[page]
    target = url_for(world)

    answers = {role: clients[role].get(target).status_code for role in Role}

    expected = {role: 200 if role in allowed else 404 if role in hidden else 403 for role in Role}
    assert answers == expected


def test_every_agreements_page_is_in_the_role_table():
    from django.urls import get_resolver

    names = {
        pattern.name
        for pattern in get_resolver("agreements.urls").url_patterns
        if getattr(pattern, "name", None)
    }
    assert names == {page.split(" ")[0] for page in PAGES}


def test_the_navigation_leads_every_role_to_the_agreements(partnership, clients):
    for role in Role:
        html = clients[role].get(url("dashboard")).content.decode()
        assert '<a class="govuk-service-navigation__link" href="/agreements/"' in html


# --- The register --------------------------------------------------------------------------


def test_the_register_shows_kind_status_version_owner_and_next_review(world, clients):
    response = clients[Role.IG_OFFICER].get(url("agreement_list"))

    text = visible_text(response)
    assert response.status_code == 200
    row = re.search(r"Kent and Medway ISA .*?(?=Kent schools protocol)", text).group(0)
    assert "Information sharing agreement" in row
    assert "Active" in row
    assert "V1.0" in row
    assert "Kent and Medway County Council" in row
    review_date = world.active.next_review_date
    assert f"{review_date.day} {review_date:%B %Y}" in row
    assert "Draft early help protocol" in text
    assert "Not yet approved" in text


def test_an_overdue_review_is_highlighted(world, clients):
    Agreement.objects.cross_tenant().filter(pk=world.active.pk).update(
        next_review_date=timezone.localdate() - dt.timedelta(days=1)
    )

    html = clients[Role.IG_OFFICER].get(url("agreement_list")).content.decode()

    overdue = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", html, re.S)
    tagged = [row for row in overdue if "Overdue" in row]
    assert len(tagged) == 1
    assert "Kent and Medway ISA" in tagged[0]
    assert "govuk-tag--red" in tagged[0]


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("kind=sop", [], ["Kent and Medway ISA", "Draft early help protocol"]),
        (
            "status=draft",
            ["Draft early help protocol"],
            ["Kent and Medway ISA", "SEND standard operating procedure"],
        ),
        (
            "status=consultation",
            ["SEND standard operating procedure"],
            ["Draft early help protocol"],
        ),
        ("review=overdue", ["Kent and Medway ISA"], ["Kent schools protocol"]),
        ("review=next_30_days", ["Kent schools protocol"], ["Kent and Medway ISA"]),
    ],
)
def test_the_register_filters_by_kind_status_and_review_due(world, clients, query, shown, hidden):
    today = timezone.localdate()
    Agreement.objects.cross_tenant().filter(pk=world.active.pk).update(
        next_review_date=today - dt.timedelta(days=3)
    )
    Agreement.objects.cross_tenant().filter(pk=world.reviewed.pk).update(
        next_review_date=today + dt.timedelta(days=10)
    )
    # A draft with a review date in the window is not "due": only agreements in force are.
    Agreement.objects.cross_tenant().filter(pk=world.draft.pk).update(
        next_review_date=today - dt.timedelta(days=3)
    )

    text = visible_text(clients[Role.AUDITOR].get(f"{url('agreement_list')}?{query}"))

    for title in shown:
        assert title in text
    for title in hidden:
        assert title not in text


def test_the_register_shows_the_kind_filter_finding_an_sop(world, clients, partnership):
    with activate(partnership.tenant):
        AgreementFactory(tenant=partnership.tenant, kind="sop", title="Safe haven procedure")

    text = visible_text(clients[Role.IG_OFFICER].get(f"{url('agreement_list')}?kind=sop"))

    assert "Safe haven procedure" in text
    assert "Kent and Medway ISA" not in text


def test_the_register_shows_only_what_the_viewer_may_read(world, clients):
    text = visible_text(clients[Role.PRACTITIONER].get(url("agreement_list")))

    assert "Kent and Medway ISA" in text
    assert "Draft early help protocol" not in text
    assert "SEND standard operating procedure" not in text


def _register_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("agreement_list")).status_code == 200
    return len(queries)


def test_the_register_costs_the_same_number_of_queries_for_3_rows_as_for_30(partnership, clients):
    tenant = partnership.tenant
    with activate(tenant):
        parent = AgreementFactory(tenant=tenant, owner_organisation=partnership.council)
        for _ in range(2):
            AgreementFactory(tenant=tenant, parent=parent, owner_organisation=partnership.school)
    client = clients[Role.IG_OFFICER]
    _register_queries(client)  # the session's first use costs extra queries once
    with_3 = _register_queries(client)

    with activate(tenant):
        for _ in range(27):
            owner = OrganisationFactory(tenant=tenant)
            AgreementFactory(tenant=tenant, parent=parent, owner_organisation=owner)
    with_30 = _register_queries(client)

    assert Agreement.objects.cross_tenant().filter(tenant=tenant).count() == 30
    assert with_30 == with_3


def test_the_register_continues_after_the_last_title_on_the_page(partnership, clients, monkeypatch):
    from agreements.views import register

    monkeypatch.setattr(register, "PAGE_SIZE", 2)
    with activate(partnership.tenant):
        for title in ("Alpha", "Bravo", "Charlie", "Delta", "Echo"):
            AgreementFactory(tenant=partnership.tenant, title=title)
    client = clients[Role.IG_OFFICER]

    seen = []
    page_url = url("agreement_list")
    for _ in range(5):
        html = client.get(page_url).content.decode()
        seen.append(re.findall(r'class="govuk-link" href="/agreements/[^"]+/">(\w+)</a>', html))
        found = re.search(r'href="(\?[^"]*after=[^"]+)" rel="next"', html)
        if not found:
            break
        page_url = url("agreement_list") + found.group(1).replace("&amp;", "&")

    assert seen == [["Alpha", "Bravo"], ["Charlie", "Delta"], ["Echo"]]
