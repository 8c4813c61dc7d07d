"""The agreement pages: the register and its filters, an agreement's tabs, editing (with the
version check: two tabs, the second save refused and nothing lost), each lifecycle move on its
own page (illegal ones refused with the rule's message), signing, change consultations,
reviews, audit requests and the PDF; and every page opens for its roles and refuses the others.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from html import unescape

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from agreements import services
from agreements.choices import AgreementStatus, ConsultationStatus, SignatoryStatus
from agreements.models import (
    Agreement,
    AgreementLegalBasis,
    AuditRequest,
    ChangeConsultation,
    ChangeResponse,
    Purpose,
    Review,
    ReviewAction,
    Signatory,
    Term,
)
from agreements.services.lifecycle import AGREEMENT_EDITABLE_FIELDS
from partners.roles import Role
from partners.tenancy import activate
from tests.agreements.conftest import make_active, make_draft
from tests.factories import AgreementFactory, OrganisationFactory, legal_basis

pytestmark = pytest.mark.django_db

ALL = frozenset(Role)
IG = frozenset({Role.IG_OFFICER})
IG_AND_MANAGER = frozenset({Role.IG_OFFICER, Role.MANAGER})


def date_parts(name: str, value: dt.date | None) -> dict:
    if value is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {
        f"{name}_day": str(value.day),
        f"{name}_month": str(value.month),
        f"{name}_year": str(value.year),
    }


def visible_text(response) -> str:
    return visible_text_of(response.content.decode())


def visible_text_of(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def url(name: str, obj=None, **kwargs) -> str:
    if obj is not None:
        kwargs["public_id"] = obj.public_id
    return reverse(name, kwargs=kwargs)


@dataclass
class World:
    """Agreements of the standing partnership in every state a page deals with."""

    draft: Agreement
    circulated: Agreement
    active: Agreement
    reviewed: Agreement
    council_signed: Signatory
    school_invited: Signatory
    consultation: ChangeConsultation
    review: Review
    action: ReviewAction
    audit: AuditRequest


def build_world(partnership) -> World:
    """The draft and the consultation draft are owned by the council (whose managers may read
    them); the school's SENCo and practitioner see only what is published."""
    officer = partnership.member(Role.IG_OFFICER)
    today = timezone.localdate()
    with activate(partnership.tenant):
        draft = make_draft(partnership, title="Draft early help protocol")
        circulated = make_draft(partnership, title="SEND standard operating procedure")
        services.agreement_circulate(actor=officer, agreement=circulated, reason="For comment")
        active = make_active(partnership, officer, title="Kent and Medway ISA", reference="KM-ISA")
        council_signed = services.signatory_invite(
            actor=officer, agreement=active, organisation=partnership.council
        )
        services.signatory_sign(
            actor=officer,
            signatory=council_signed,
            signer_name="Pat Director",
            signer_title="Director of Children's Services",
            typed_signature="Pat Director",
        )
        school_invited = services.signatory_invite(
            actor=officer, agreement=active, organisation=partnership.school
        )
        consultation = services.change_propose(
            actor=officer,
            agreement=active,
            summary="Add police as a partner",
            details="Kent Police join the partnership.",
            respond_by=today + dt.timedelta(days=14),
        )
        reviewed = make_active(partnership, officer, title="Kent schools protocol")
        review = services.agreement_start_review(
            actor=officer, agreement=reviewed, reason="Annual review"
        )
        services.review_record_findings(
            actor=officer, review=review, reviewed_on=today, findings="Mostly sound."
        )
        action = services.review_action_add(
            actor=officer,
            review=review,
            description="Update the contacts list",
            owner_organisation=partnership.council,
            owner_name="Sam Officer",
            due_on=today + dt.timedelta(days=30),
        )
        audit = services.audit_request_create(
            actor=officer,
            agreement=active,
            requesting_organisation=partnership.council,
            auditor="Internal audit",
            scope="Records of sharing decisions",
            notice_given_on=today,
            starts_on=today + relativedelta(months=1, days=1),
        )
    return World(
        draft=draft,
        circulated=circulated,
        active=active,
        reviewed=reviewed,
        council_signed=council_signed,
        school_invited=school_invited,
        consultation=consultation,
        review=review,
        action=action,
        audit=audit,
    )


@pytest.fixture
def world(partnership) -> World:
    return build_world(partnership)


@pytest.fixture
def officer(partnership):
    return partnership.member(Role.IG_OFFICER)


def _fake_pdf(agreement) -> bytes:
    return b"%PDF-1.7 " + agreement.title.encode()


@pytest.fixture
def fake_pdf(monkeypatch):
    """A quick stand-in for the renderer where only who may open the page is under test; the
    downloads below render the real PDF (and tests/agreements/test_pdf.py reads it back)."""
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


@pytest.fixture
def clients(partnership, client_for):
    return {role: client_for(partnership.member(role)) for role in Role}


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


# --- The agreement's page ------------------------------------------------------------------


def test_the_agreement_page_has_its_tabs(world, clients):
    response = clients[Role.IG_OFFICER].get(url("agreement_detail", world.active))

    html = response.content.decode()
    tabs = re.findall(r'<a class="govuk-tabs__tab" href="#([a-z]+)">([^<]+)</a>', html)
    assert [label for _, label in tabs] == [
        "Summary",
        "Content",
        "Signatories",
        "Consultations",
        "Reviews and audits",
        "Completeness",
        "Related agreements",
        "History",
    ]
    for anchor, _ in tabs:
        assert f'id="{anchor}"' in html


def test_the_agreement_page_shows_document_control_signatories_and_consultations(world, clients):
    text = visible_text(clients[Role.SENCO].get(url("agreement_detail", world.active)))

    assert "Reference KM-ISA" in text or "KM-ISA" in text
    assert "V1.0" in text
    # Signatories: who signed, with name, title and date, and the counts over time.
    assert "Pat Director, Director of Children's Services" in text
    assert "1 organisation has signed" in text
    assert "Signatories over time" in text
    # The consultation and its tally.
    assert "Add police as a partner" in text
    assert "0 agree, 0 object, 0 comment, 1 yet to respond" in text
    # Reviews and audit requests.
    assert "Internal audit" in text


def test_the_completeness_tab_tags_complete_and_missing_headings(partnership, clients):
    with activate(partnership.tenant):
        agreement = AgreementFactory(
            tenant=partnership.tenant, owner_organisation=partnership.council
        )
        Purpose.objects.create(
            tenant=partnership.tenant, agreement=agreement, service="SEN", description="Plans"
        )

    html = clients[Role.IG_OFFICER].get(url("agreement_detail", agreement)).content.decode()

    panel = html.split('id="completeness"', 1)[1].split("govuk-tabs__panel", 1)[0]
    items = re.findall(r'<li class="govuk-task-list__item">(.*?)</li>', panel, re.S)
    tags = {
        visible_text_of(re.search(r'<span class="govuk-body[^"]*">(.*?)</span>', item).group(1)): (
            visible_text_of(re.search(r"<strong[^>]*>(.*?)</strong>", item).group(1))
        )
        for item in items
    }
    assert tags["Purpose of the sharing"] == "Complete"
    assert tags["Lawful basis and legal power"] == "Missing"
    assert tags["Further details (optional)"] == "Missing"
    assert len(tags) == 8
    assert "Cite a UK GDPR Article 6 lawful basis." in panel
    assert "cannot be approved until every required heading is covered" in panel


def test_a_child_agreement_shows_the_terms_it_inherits_and_the_parent_lists_it(
    world, partnership, officer, clients
):
    with activate(partnership.tenant):
        child = AgreementFactory(
            tenant=partnership.tenant,
            kind="sop",
            parent=world.active,
            title="SEND SOP",
            owner_organisation=partnership.council,
        )
        Term.objects.create(
            tenant=partnership.tenant, agreement=world.active, party="schools", text="Golden rule 7"
        )
    client = clients[Role.IG_OFFICER]

    child_html = client.get(url("agreement_detail", child)).content.decode()
    parent_html = client.get(url("agreement_detail", world.active)).content.decode()

    related = child_html.split('id="related"', 1)[1]
    assert "Kent and Medway ISA" in related
    assert "Golden rule 7" in related
    assert "SEND SOP" in parent_html.split('id="related"', 1)[1]


def test_a_parent_the_viewer_cannot_read_is_not_named(partnership, officer, clients):
    with activate(partnership.tenant):
        parent = AgreementFactory(
            tenant=partnership.tenant,
            title="Unpublished partnership agreement",
            owner_organisation=partnership.council,
        )
        child = make_active(partnership, officer, title="Published procedure", parent=parent)
    client = clients[Role.PRACTITIONER]

    register = client.get(url("agreement_list")).content.decode()
    page = client.get(url("agreement_detail", child)).content.decode()
    summary = page.split('id="summary"', 1)[1].split('id="content"', 1)[0]
    related = page.split('id="related"', 1)[1].split('id="history"', 1)[0]

    assert "Published procedure" in register
    assert "Unpublished partnership agreement" not in register + summary + related
    assert "An agreement you cannot see yet" in summary
    officer_page = clients[Role.IG_OFFICER].get(url("agreement_detail", child)).content.decode()
    assert "Unpublished partnership agreement" in officer_page


def test_the_history_tab_shows_a_readable_diff(world, partnership, officer, clients):
    with activate(partnership.tenant):
        services.agreement_update(
            actor=officer,
            agreement=world.draft,
            expected_version=world.draft.version,
            security="Encrypted email only.",
        )

    html = clients[Role.IG_OFFICER].get(url("agreement_detail", world.draft)).content.decode()

    history = visible_text_of(html.split('id="history"', 1)[1])
    assert "Agreement details: changed" in history
    assert "Security" in history
    assert "Encrypted email only." in history
    assert "by Information governance officer of Kent and Medway" in history


def test_only_the_legal_moves_are_offered(world, clients):
    client = clients[Role.IG_OFFICER]

    draft = client.get(url("agreement_detail", world.draft)).content.decode()
    active = client.get(url("agreement_detail", world.active)).content.decode()

    assert url("agreement_circulate", world.draft) in draft
    assert url("agreement_withdraw", world.draft) in draft
    assert url("agreement_approve", world.draft) not in draft
    assert url("agreement_start_review", world.draft) not in draft
    assert url("agreement_start_review", world.active) in active
    assert url("agreement_circulate", world.active) not in active
    assert url("agreement_approve", world.active) not in active


def test_no_moves_are_offered_to_a_role_that_cannot_make_them(world, clients):
    html = clients[Role.AUDITOR].get(url("agreement_detail", world.active)).content.decode()

    assert url("agreement_start_review", world.active) not in html
    assert url("agreement_edit", world.active) not in html


def test_the_changes_between_versions_are_listed(world, partnership, officer, clients):
    with activate(partnership.tenant):
        agreement = world.reviewed
        services.agreement_update(
            actor=officer,
            agreement=agreement,
            expected_version=agreement.version,
            retention="Seven years.",
        )

    response = clients[Role.AUDITOR].get(url("agreement_changes", agreement, from_version=1))

    text = visible_text(response)
    assert response.status_code == 200
    assert "Changes since version 1" in text
    assert "Retention and deletion" in text
    assert "Seven years." in text


def test_an_unknown_version_is_not_found(world, clients):
    client = clients[Role.IG_OFFICER]

    changes = url("agreement_changes", world.active, from_version=1)
    assert client.get(url("agreement_changes", world.active, from_version=7)).status_code == 404
    assert client.get(f"{changes}?to=x").status_code == 404
    assert client.get(f"{changes}?to=2").status_code == 404


# --- Creating and editing ------------------------------------------------------------------


def test_the_ig_officer_creates_an_sop_under_an_isa(world, partnership, clients):
    response = clients[Role.IG_OFFICER].post(
        url("agreement_create"),
        {
            "kind": "sop",
            "title": "Kent SEND SOP",
            "parent": str(world.active.public_id),
            "owner_organisation": str(partnership.council.public_id),
        },
    )

    with activate(partnership.tenant):
        created = Agreement.objects.get(title="Kent SEND SOP")
    assert response.status_code == 302
    assert response["Location"] == url("agreement_detail", created)
    assert (created.kind, created.parent, created.status) == ("sop", world.active, "draft")


def test_creating_an_agreement_with_a_taken_title_is_refused_on_the_form(world, clients):
    response = clients[Role.IG_OFFICER].post(
        url("agreement_create"),
        {
            "kind": "isa",
            "title": "Kent and Medway ISA",
            "owner_organisation": str(world.active.owner_organisation.public_id),
        },
    )

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def edit_data(agreement: Agreement, **changes) -> dict:
    data = {
        "version": agreement.version,
        "title": agreement.title,
        "reference": agreement.reference,
        "kind": agreement.kind,
        "parent": str(agreement.parent.public_id) if agreement.parent else "",
        "owner_organisation": str(agreement.owner_organisation.public_id),
    }
    for name in AGREEMENT_EDITABLE_FIELDS:
        if name not in data:
            data[name] = getattr(agreement, name)
    data.update(changes)
    return data


def test_editing_document_control_saves_through_the_service(world, partnership, clients):
    response = clients[Role.IG_OFFICER].post(
        url("agreement_edit", world.draft),
        edit_data(
            world.draft,
            owner_name="Jo Owner",
            breach_notify_days=3,
            breach_indemnity_response_days=6,
        ),
    )

    world.draft.refresh_from_db()
    assert response.status_code == 302
    assert (
        world.draft.owner_name,
        world.draft.breach_notify_days,
        world.draft.breach_indemnity_response_days,
    ) == ("Jo Owner", 3, 6)
    assert world.draft.history.first().history_user == partnership.member(Role.IG_OFFICER).user


def test_editing_the_same_agreement_in_two_tabs_refuses_the_second_save(world, clients):
    """Both tabs load version N. The first save wins; the second is refused with a message,
    keeps what was typed in it on the page, and overwrites nothing."""
    client = clients[Role.IG_OFFICER]
    edit = url("agreement_edit", world.draft)
    first_tab = client.get(edit)
    second_tab = client.get(edit)
    loaded = world.draft.version
    assert f'name="version" value="{loaded}"' in first_tab.content.decode()
    assert f'name="version" value="{loaded}"' in second_tab.content.decode()

    saved = client.post(edit, edit_data(world.draft, security="Saved from the first tab"))
    refused = client.post(edit, edit_data(world.draft, security="Typed in the second tab"))

    world.draft.refresh_from_db()
    assert saved.status_code == 302
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Your changes have not been saved" in page
    assert "Someone else changed this agreement while you were editing it" in page
    assert "Typed in the second tab" in page  # the user's entries are kept
    assert "Security: Saved from the first tab" in visible_text(refused)  # and theirs shown
    assert world.draft.security == "Saved from the first tab"


def test_editing_the_same_list_in_two_tabs_refuses_the_second_save(world, partnership, clients):
    client = clients[Role.IG_OFFICER]
    edit = url("agreement_content_edit", world.draft, section="purposes")
    client.get(edit)
    with activate(partnership.tenant):
        purpose = Purpose.objects.get(agreement=world.draft)

    def save(description: str):
        return client.post(
            edit,
            {
                "version": world.draft.version,
                "purposes-TOTAL_FORMS": "2",
                "purposes-INITIAL_FORMS": "1",
                "purposes-0-public_id": str(purpose.public_id),
                "purposes-0-service": purpose.service,
                "purposes-0-description": description,
                "purposes-1-public_id": "",
                "purposes-1-service": "",
                "purposes-1-description": "",
            },
        )

    first = save("From the first tab")
    second = save("From the second tab")

    purpose.refresh_from_db()
    assert first.status_code == 302
    assert second.status_code == 409
    page = second.content.decode()
    assert "Your changes have not been saved" in page
    assert "From the second tab" in page
    assert purpose.description == "From the first tab"


def _legal_bases_post(agreement, rows: list[tuple[str, str, str]]) -> dict:
    """rows: (public id or "", basis code, how it applies); a blank row follows."""
    data = {
        "version": agreement.version,
        "legal_bases-TOTAL_FORMS": str(len(rows) + 1),
        "legal_bases-INITIAL_FORMS": str(sum(1 for public_id, *_ in rows if public_id)),
    }
    for index, (public_id, code, how) in enumerate([*rows, ("", "", "")]):
        data[f"legal_bases-{index}-public_id"] = public_id
        data[f"legal_bases-{index}-basis"] = str(legal_basis(code).public_id) if code else ""
        data[f"legal_bases-{index}-how_it_applies"] = how
    return data


def test_a_section_is_edited_as_a_formset(world, partnership, clients):
    with activate(partnership.tenant):
        cited = list(AgreementLegalBasis.objects.filter(agreement=world.draft))
    client = clients[Role.IG_OFFICER]
    rows = [
        (str(cited[0].public_id), "uk-gdpr-6-1-e", "Statutory duties"),
        ("", "uk-gdpr-9-2-g", ""),
    ]
    # The second saved row is left out: removed.
    data = _legal_bases_post(world.draft, rows)

    response = client.post(url("agreement_content_edit", world.draft, section="legal_bases"), data)

    assert response.status_code == 302
    with activate(partnership.tenant):
        saved = [
            (row.basis.code, row.how_it_applies)
            for row in AgreementLegalBasis.objects.filter(agreement=world.draft)
        ]
    assert saved == [("uk-gdpr-6-1-e", "Statutory duties"), ("uk-gdpr-9-2-g", "")]


def test_a_ticked_row_is_removed_and_save_and_add_another_comes_back(world, partnership, clients):
    with activate(partnership.tenant):
        purpose = Purpose.objects.get(agreement=world.draft)
    edit = url("agreement_content_edit", world.draft, section="purposes")

    response = clients[Role.IG_OFFICER].post(
        edit,
        {
            "version": world.draft.version,
            "then": "add",
            "purposes-TOTAL_FORMS": "2",
            "purposes-INITIAL_FORMS": "1",
            "purposes-0-public_id": str(purpose.public_id),
            "purposes-0-service": purpose.service,
            "purposes-0-description": purpose.description,
            "purposes-0-DELETE": "on",
            "purposes-1-service": "Early help",
            "purposes-1-description": "Coordinated support",
        },
    )

    assert (response.status_code, response["Location"]) == (302, edit)
    with activate(partnership.tenant):
        assert list(
            Purpose.objects.filter(agreement=world.draft).values_list("service", flat=True)
        ) == ["Early help"]


def test_the_services_errors_land_on_the_row_and_field_they_name(world, partnership, clients):
    """The service names errors "<section>-<index>-<field>" by the row's place in the list it
    was given; with a row removed before it, that is not the form's place on the page."""
    with activate(partnership.tenant):
        cited = list(AgreementLegalBasis.objects.filter(agreement=world.draft))
    data = _legal_bases_post(
        world.draft,
        [
            (str(cited[0].public_id), "uk-gdpr-6-1-e", ""),
            (str(cited[1].public_id), "children-and-families-act-2014-part-3", ""),
            ("", "uk-gdpr-6-1-e", "Cited twice"),
        ],
    )
    data["legal_bases-0-DELETE"] = "on"
    data["legal_bases-1-basis"] = str(legal_basis("uk-gdpr-6-1-e").public_id)

    response = clients[Role.IG_OFFICER].post(
        url("agreement_content_edit", world.draft, section="legal_bases"), data
    )

    page = response.content.decode()
    assert response.status_code == 400
    # The third form (index 2) is the second item given to the service: its error is there.
    fieldsets = {
        number: page.split(f'id="row-{number}"', 1)[1].split("</fieldset>", 1)[0]
        for number in (1, 2, 3)
    }
    assert "This is already on the list." in fieldsets[3]
    assert "govuk-select--error" in fieldsets[3]
    assert "This is already on the list." not in fieldsets[1] + fieldsets[2]
    with activate(partnership.tenant):
        assert AgreementLegalBasis.objects.filter(agreement=world.draft).count() == 2


def test_a_term_for_another_party_needs_its_name(world, partnership, clients):
    data = {
        "version": world.draft.version,
        "terms-TOTAL_FORMS": "1",
        "terms-INITIAL_FORMS": "0",
        "terms-0-party": "other",
        "terms-0-party_name": "",
        "terms-0-text": "Keep minutes.",
    }
    with activate(partnership.tenant):
        before = Term.objects.filter(agreement=world.draft).count()

    response = clients[Role.IG_OFFICER].post(
        url("agreement_content_edit", world.draft, section="terms"), data
    )

    assert response.status_code == 400
    assert "Name the party this term binds." in response.content.decode()
    with activate(partnership.tenant):
        assert Term.objects.filter(agreement=world.draft).count() == before


def test_an_unknown_section_is_not_found(world, clients):
    client = clients[Role.IG_OFFICER]

    response = client.get(url("agreement_content_edit", world.draft, section="recipes"))

    assert response.status_code == 404


def test_an_active_agreement_is_not_edited_but_the_page_says_why(world, clients):
    client = clients[Role.IG_OFFICER]
    before = world.active.version

    shown = client.get(url("agreement_edit", world.active), follow=True)
    forced = client.post(url("agreement_edit", world.active), edit_data(world.active, title="X"))

    world.active.refresh_from_db()
    assert "An agreement that is active cannot be edited. Start a review to change it." in (
        visible_text(shown)
    )
    assert forced.status_code == 400
    assert "Start a review to change it." in forced.content.decode()
    assert (world.active.title, world.active.version) == ("Kent and Medway ISA", before)


# --- The lifecycle -------------------------------------------------------------------------


def test_each_move_is_its_own_page_calling_its_own_service(world, partnership, clients):
    client = clients[Role.IG_OFFICER]
    agreement = world.draft

    circulated = client.post(
        url("agreement_circulate", agreement),
        {"version": agreement.version, "reason": "Out to partners"},
    )
    agreement.refresh_from_db()
    approved = client.post(
        url("agreement_approve", agreement),
        {
            "version": agreement.version,
            "reason": "Agreed at the board",
            **date_parts("approved_on", None),
            **date_parts("issued_on", None),
        },
    )
    agreement.refresh_from_db()

    assert (circulated.status_code, approved.status_code) == (302, 302)
    assert (agreement.status, agreement.document_version) == ("active", 1)
    with activate(partnership.tenant):
        moves = list(agreement.transitions.values_list("action", "reason", "actor"))
    officer = partnership.member(Role.IG_OFFICER)
    assert moves == [
        ("circulate", "Out to partners", officer.pk),
        ("approve", "Agreed at the board", officer.pk),
    ]


@pytest.mark.parametrize(
    ("move", "state", "message"),
    [
        ("agreement_approve", "draft", "You cannot approve while the agreement is a draft."),
        (
            "agreement_start_review",
            "draft",
            "You cannot start a review while the agreement is a draft.",
        ),
        (
            "agreement_circulate",
            "active",
            "You cannot send for consultation while the agreement is active.",
        ),
        (
            "agreement_return_to_draft",
            "active",
            "You cannot return to draft while the agreement is active.",
        ),
    ],
)
def test_an_illegal_move_forced_is_refused_with_the_message_and_changes_nothing(
    world, clients, move, state, message
):
    agreement = world.draft if state == "draft" else world.active
    before = (agreement.status, agreement.version, agreement.document_version)
    client = clients[Role.IG_OFFICER]

    forced = client.post(
        url(move, agreement),
        {"version": agreement.version, "reason": "Forced", **date_parts("due_on", None)},
    )
    opened = client.get(url(move, agreement), follow=True)

    agreement.refresh_from_db()
    assert forced.status_code == 400
    assert message in forced.content.decode()
    assert "Possible now:" in forced.content.decode()
    assert message in visible_text(opened)  # the page itself sends them back, saying why
    assert (agreement.status, agreement.version, agreement.document_version) == before


def test_approving_an_incomplete_agreement_is_refused(partnership, officer, clients):
    with activate(partnership.tenant):
        agreement = AgreementFactory(
            tenant=partnership.tenant, owner_organisation=partnership.council
        )
        services.agreement_circulate(actor=officer, agreement=agreement, reason="Comment")

    response = clients[Role.IG_OFFICER].post(
        url("agreement_approve", agreement),
        {"version": agreement.version, "reason": "Board"},
    )

    agreement.refresh_from_db()
    assert response.status_code == 400
    assert "This agreement cannot be approved until it covers: purpose of the sharing" in (
        unescape(response.content.decode())
    )
    assert (agreement.status, agreement.document_version) == ("consultation", 0)


def test_a_move_made_from_a_stale_page_is_refused(world, partnership, officer, clients):
    client = clients[Role.IG_OFFICER]
    loaded = world.draft.version
    with activate(partnership.tenant):
        services.agreement_update(
            actor=officer, agreement=world.draft, expected_version=loaded, summary="Changed"
        )

    response = client.post(
        url("agreement_circulate", world.draft), {"version": loaded, "reason": "Out"}
    )

    world.draft.refresh_from_db()
    assert response.status_code == 409
    assert "Someone else changed this agreement a moment ago" in response.content.decode()
    assert world.draft.status == "draft"


def test_starting_a_review_opens_its_page(world, clients):
    response = clients[Role.IG_OFFICER].post(
        url("agreement_start_review", world.active),
        {"version": world.active.version, "reason": "Annual", **date_parts("due_on", None)},
    )

    review = Review.objects.cross_tenant().get(agreement=world.active)
    assert response.status_code == 302
    assert response["Location"] == url("review_detail", review)


def test_superseding_names_the_newer_agreement(world, clients):
    response = clients[Role.IG_OFFICER].post(
        url("agreement_supersede", world.active),
        {
            "version": world.active.version,
            "reason": "Replaced by the code of practice",
            "superseded_by": str(world.reviewed.public_id),
            "carry_over_signatories": "on",
        },
    )

    world.active.refresh_from_db()
    assert response.status_code == 302
    assert (world.active.status, world.active.superseded_by) == ("superseded", world.reviewed)


def test_a_move_without_a_reason_is_refused_on_the_form(world, clients):
    response = clients[Role.IG_OFFICER].post(
        url("agreement_withdraw", world.draft), {"version": world.draft.version, "reason": ""}
    )

    world.draft.refresh_from_db()
    assert response.status_code == 400
    assert "Enter the reason" in response.content.decode()
    assert world.draft.status == "draft"


# --- Signatories ---------------------------------------------------------------------------


def sign_data(name="Alex Head", title="Headteacher", signature="Alex Head", on=None):
    return {
        "signer_name": name,
        "signer_title": title,
        "typed_signature": signature,
        **date_parts("signed_on", on or timezone.localdate()),
    }


def test_an_organisation_signs_with_name_title_date_and_typed_signature(world, clients):
    response = clients[Role.IG_OFFICER].post(
        url("signatory_sign", world.school_invited), sign_data()
    )

    world.school_invited.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == url("agreement_detail", world.active) + "#signatories"
    signed = world.school_invited
    assert (signed.status, signed.signer_name, signed.signer_title, signed.typed_signature) == (
        "signed",
        "Alex Head",
        "Headteacher",
        "Alex Head",
    )
    assert signed.signed_on == timezone.localdate()


def test_a_typed_signature_that_is_not_the_signers_name_is_refused(world, clients):
    response = clients[Role.IG_OFFICER].post(
        url("signatory_sign", world.school_invited), sign_data(signature="A H")
    )

    world.school_invited.refresh_from_db()
    assert response.status_code == 400
    assert "The typed signature must be the signer&#x27;s name as entered." in (
        response.content.decode()
    )
    assert world.school_invited.status == "invited"


def test_a_manager_withdraws_their_own_organisation_with_a_date_and_reason(world, clients):
    response = clients[Role.MANAGER].post(
        url("signatory_withdraw", world.council_signed),
        {"reason": "Service decommissioned", **date_parts("withdrawn_on", timezone.localdate())},
    )

    world.council_signed.refresh_from_db()
    assert response.status_code == 302
    assert (world.council_signed.status, world.council_signed.withdrawal_reason) == (
        "withdrawn",
        "Service decommissioned",
    )


def test_a_manager_cannot_sign_for_another_organisation(world, clients):
    response = clients[Role.MANAGER].post(url("signatory_sign", world.school_invited), sign_data())

    world.school_invited.refresh_from_db()
    assert response.status_code == 403
    assert world.school_invited.status == "invited"


def test_declining_records_the_reason(world, clients):
    response = clients[Role.IG_OFFICER].post(
        url("signatory_decline", world.school_invited), {"reason": "Not relevant to us"}
    )

    world.school_invited.refresh_from_db()
    assert response.status_code == 302
    assert (world.school_invited.status, world.school_invited.decline_reason) == (
        "declined",
        "Not relevant to us",
    )


def test_withdrawing_twice_is_refused_with_the_rule(world, clients):
    client = clients[Role.IG_OFFICER]
    data = {"reason": "Leaving", **date_parts("withdrawn_on", timezone.localdate())}
    client.post(url("signatory_withdraw", world.council_signed), data)

    again = client.post(url("signatory_withdraw", world.council_signed), data)

    assert again.status_code == 400
    assert "Only a signatory that has signed can withdraw." in again.content.decode()


def test_inviting_an_organisation(world, partnership, clients):
    with activate(partnership.tenant):
        police = OrganisationFactory(tenant=partnership.tenant, name="Kent Police", type="police")

    response = clients[Role.IG_OFFICER].post(
        url("signatory_invite", world.active), {"organisation": str(police.public_id)}
    )

    assert response.status_code == 302
    assert (
        Signatory.objects.cross_tenant()
        .filter(agreement=world.active, organisation=police, status=SignatoryStatus.INVITED)
        .exists()
    )


# --- Change consultations ------------------------------------------------------------------


def test_proposing_a_change_with_a_deadline(world, partnership, clients):
    with activate(partnership.tenant):
        signatory = services.signatory_invite(
            actor=partnership.member(Role.IG_OFFICER),
            agreement=world.reviewed,
            organisation=partnership.school,
        )
        services.signatory_sign(
            actor=partnership.member(Role.IG_OFFICER),
            signatory=signatory,
            signer_name="Alex Head",
            signer_title="Headteacher",
            typed_signature="Alex Head",
        )
    deadline = timezone.localdate() + dt.timedelta(days=21)

    response = clients[Role.IG_OFFICER].post(
        url("consultation_open", world.reviewed),
        {
            "summary": "Extend retention",
            "details": "Keep records for seven years.",
            **date_parts("respond_by", deadline),
        },
    )

    with activate(partnership.tenant):
        consultation = ChangeConsultation.objects.get(agreement=world.reviewed)
        consulted = list(consultation.responses.values_list("organisation", flat=True))
    assert response.status_code == 302
    assert response["Location"] == url("consultation_detail", consultation)
    assert consultation.respond_by == deadline
    assert consulted == [partnership.school.pk]


def test_a_manager_responds_for_their_organisation(world, partnership, clients):
    response = clients[Role.MANAGER].post(
        url("consultation_respond", world.consultation),
        {"reply": "object", "comment": "Police need a separate protocol."},
    )

    answer = ChangeResponse.objects.cross_tenant().get(consultation=world.consultation)
    assert response.status_code == 302
    assert (answer.organisation, answer.reply, answer.comment) == (
        partnership.council,
        "object",
        "Police need a separate protocol.",
    )
    # The manager is not offered a choice of organisation to answer for.
    form = clients[Role.MANAGER].get(url("consultation_respond", world.consultation))
    assert 'name="organisation"' not in form.content.decode()


def test_an_objection_needs_a_comment(world, clients):
    response = clients[Role.MANAGER].post(
        url("consultation_respond", world.consultation), {"reply": "object", "comment": ""}
    )

    assert response.status_code == 400
    assert "Say what the objection or comment is." in response.content.decode()


def test_the_tally_counts_silence_as_agreement_after_the_deadline_and_the_change_is_approved(
    world, partnership, clients, client_for
):
    consultation = world.consultation
    client = clients[Role.IG_OFFICER]

    before = client.get(url("consultation_detail", consultation))
    too_soon = client.post(url("consultation_approve", consultation), {"reason": "Agreed"})
    assert "Approve the change</a>" not in before.content.decode()
    assert too_soon.status_code == 400
    assert "Some signatories have not responded" in too_soon.content.decode()

    after_deadline = consultation.respond_by + dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(after_deadline, dt.time(10)), tick=False):
        # Two weeks on, the officer signs in again.
        client = client_for(partnership.member(Role.IG_OFFICER))
        detail = client.get(url("consultation_detail", consultation))
        approved = client.post(url("consultation_approve", consultation), {"reason": "Agreed"})

    consultation.refresh_from_db()
    text = visible_text(detail)
    assert "1 agree (including 1 taken as agreement" in text
    assert "The deadline has passed" in text
    assert approved.status_code == 302
    assert consultation.status == ConsultationStatus.APPROVED
    assert ChangeResponse.objects.cross_tenant().get(consultation=consultation).deemed


def test_responses_close_at_the_deadline(world, partnership, client_for):
    after_deadline = world.consultation.respond_by + dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(after_deadline, dt.time(10)), tick=False):
        response = client_for(partnership.member(Role.MANAGER)).post(
            url("consultation_respond", world.consultation), {"reply": "agree"}
        )

    assert response.status_code == 400
    assert "no response counts as agreement" in response.content.decode()


def test_dropping_a_change_at_any_time(world, clients):
    response = clients[Role.IG_OFFICER].post(
        url("consultation_drop", world.consultation), {"reason": "Police joining next year"}
    )

    world.consultation.refresh_from_db()
    assert response.status_code == 302
    assert world.consultation.status == ConsultationStatus.DROPPED
    decided = clients[Role.IG_OFFICER].get(
        url("consultation_drop", world.consultation), follow=True
    )
    assert "This change has already been decided." in visible_text(decided)


# --- Reviews and audit requests ------------------------------------------------------------


def test_a_review_is_recorded_reported_and_completed(world, partnership, clients):
    client = clients[Role.IG_OFFICER]
    review = world.review
    today = timezone.localdate()

    findings = client.post(
        url("review_findings", review),
        {
            "findings": "Contacts out of date.",
            "reviewers": "IG leads",
            **date_parts("reviewed_on", today),
            **date_parts("next_meeting_on", None),
        },
    )
    action = client.post(
        url("review_action_add", review),
        {
            "description": "Refresh the contacts",
            "owner_organisation": str(partnership.school.public_id),
            "owner_name": "Alex Head",
            **date_parts("due_on", today + dt.timedelta(days=14)),
        },
    )
    reported = client.post(url("review_report", review), date_parts("reported_on", today))
    completed = client.post(
        url("review_complete", review),
        {
            "implementation_plan": "Contacts refreshed by the school.",
            "changes_required": "no",
            **date_parts("completed_on", None),
        },
    )

    review.refresh_from_db()
    world.reviewed.refresh_from_db()
    with activate(partnership.tenant):
        actions = review.actions.count()
    assert [r.status_code for r in (findings, action, reported, completed)] == [302] * 4
    assert review.report_due_on == today + relativedelta(months=1)
    assert review.completed_on == today
    assert world.reviewed.status == AgreementStatus.ACTIVE
    assert world.reviewed.next_review_date == today + relativedelta(months=12)
    assert actions == 2


def test_completing_a_review_before_its_report_is_refused(world, clients):
    response = clients[Role.IG_OFFICER].post(
        url("review_complete", world.review),
        {"implementation_plan": "None needed", "changes_required": "no"},
    )

    world.review.refresh_from_db()
    assert response.status_code == 400
    assert "Record when the findings were reported in writing." in response.content.decode()
    assert world.review.completed_on is None


def test_a_review_action_is_marked_done(world, clients):
    response = clients[Role.IG_OFFICER].post(
        url("review_action_complete", world.action), date_parts("completed_on", None)
    )

    world.action.refresh_from_db()
    assert response.status_code == 302
    assert world.action.completed_on == timezone.localdate()


def test_an_audit_needs_one_months_written_notice(world, partnership, clients):
    today = timezone.localdate()
    data = {
        "auditor": "External audit",
        "scope": "Consent records",
        **date_parts("notice_given_on", today),
        **date_parts("starts_on", today + dt.timedelta(days=14)),
    }

    refused = clients[Role.MANAGER].post(url("audit_request_create", world.active), data)
    data.update(date_parts("starts_on", today + relativedelta(months=1)))
    accepted = clients[Role.MANAGER].post(url("audit_request_create", world.active), data)

    assert refused.status_code == 400
    assert "Partners must be given one month&#x27;s written notice" in refused.content.decode()
    assert accepted.status_code == 302
    created = AuditRequest.objects.cross_tenant().get(auditor="External audit")
    # A manager requests for their own organisation.
    assert created.requesting_organisation == partnership.council


def test_an_audit_request_is_completed_or_cancelled(world, clients):
    client = clients[Role.MANAGER]

    cancelled = client.post(url("audit_request_cancel", world.audit), {"reason": "Postponed"})
    again = client.post(url("audit_request_cancel", world.audit), {"reason": "Postponed"})

    world.audit.refresh_from_db()
    assert cancelled.status_code == 302
    assert world.audit.status == "cancelled"
    assert again.status_code == 400
    assert "This audit request has already been closed." in again.content.decode()


# --- The PDF -------------------------------------------------------------------------------


def test_the_pdf_downloads_named_by_title_and_version(world, clients):
    response = clients[Role.PRACTITIONER].get(url("agreement_pdf", world.active))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="kent-and-medway-isa-v1.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")


def test_a_draft_downloads_as_a_draft(world, clients):
    response = clients[Role.IG_OFFICER].get(url("agreement_pdf", world.draft))

    assert response["Content-Disposition"].endswith('-draft.pdf"')


def test_the_real_pdf_has_the_signature_table(world, clients):
    response = clients[Role.IG_OFFICER].get(url("agreement_pdf", world.active))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Pat Director" in text
