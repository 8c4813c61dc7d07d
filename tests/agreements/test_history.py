"""Every change kept, and read back as "label: old → new, who, when", including the structured
content; the difference between two approved versions; parents and children."""

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agreements import selectors, services
from agreements.choices import InformationLevel, Party
from partners.roles import Role
from partners.selectors import FieldChange
from tests.agreements.conftest import make_active, make_draft

pytestmark = pytest.mark.django_db


def content(officer, agreement, section, items):
    agreement.refresh_from_db()
    services.agreement_set_content(
        actor=officer,
        agreement=agreement,
        expected_version=agreement.version,
        section=section,
        items=items,
    )


def test_a_field_change_reads_as_label_old_new_who_and_when(in_tenant, officer):
    agreement = services.agreement_create(
        actor=officer, title="SEND SOP", kind="sop", owner_organisation=in_tenant.council
    )
    services.agreement_update(
        actor=officer,
        agreement=agreement,
        expected_version=agreement.version,
        security="Secure email only",
        breach_notify_days=3,
    )

    latest = selectors.agreement_history(agreement=agreement)[0]

    assert latest.subject == "Agreement details"
    assert latest.who == officer.user.full_name
    assert latest.when <= timezone.now()
    assert set(latest.changes) == {
        FieldChange("Security", "Not set", "Secure email only"),
        FieldChange("Partners notified within (working days)", "5", "3"),
    }


def test_content_changes_are_in_the_history_item_by_item(in_tenant, officer, draft):
    content(
        officer,
        draft,
        "data_items",
        [{"level": InformationLevel.DETAILED, "name": "Health", "special_category": True}],
    )
    health = draft.data_items.get()
    content(
        officer,
        draft,
        "data_items",
        [{"public_id": health.public_id, "level": InformationLevel.MINIMUM, "name": "Health"}],
    )
    content(officer, draft, "data_items", [])

    entries = [e for e in selectors.agreement_history(agreement=draft) if e.who != "Sharewell"]

    assert [(e.subject, e.action) for e in entries[:3]] == [
        ("Data item: Health", "Removed"),
        ("Data item: Health", "Changed"),
        ("Data item: Health", "Added"),
    ]
    assert entries[1].changes == (
        FieldChange("Level", "Detailed and sensitive information", "Minimum data"),
    )
    assert FieldChange("Special category data", "Not set", "Yes") in entries[2].changes
    assert all(e.who == officer.user.full_name for e in entries[:3])


def test_signatories_and_lifecycle_moves_are_in_the_history(in_tenant, officer, active):
    services.signatory_invite(actor=officer, agreement=active, organisation=in_tenant.school)

    entries = selectors.agreement_history(agreement=active)

    assert entries[0].subject == f"Signatories: Signatory {in_tenant.school.name}"
    statuses = [
        change
        for entry in entries
        if entry.subject == "Agreement details"
        for change in entry.changes
        if change.label == "Status"
    ]
    assert FieldChange("Status", "In consultation", "Active") in statuses


def test_the_history_is_read_in_a_fixed_number_of_queries(in_tenant, officer, draft):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            selectors.agreement_history(agreement=draft)
        return len(captured)

    few = queries()
    for n in range(5):
        content(officer, draft, "terms", [{"party": Party.ALL, "text": f"Term {n}"}])
    for organisation in (in_tenant.school, in_tenant.council):
        services.signatory_invite(actor=officer, agreement=draft, organisation=organisation)

    assert queries() == few


def _review_and_change(officer, agreement):
    services.agreement_start_review(actor=officer, agreement=agreement, reason="Annual")
    agreement.refresh_from_db()
    services.agreement_update(
        actor=officer,
        agreement=agreement,
        expected_version=agreement.version,
        security="Egress secure email only",
    )
    content(
        officer,
        agreement,
        "purposes",
        [
            *(
                {"public_id": p.public_id, "service": p.service, "description": p.description}
                for p in agreement.purposes.all()
            ),
            {"service": "Fair Access", "description": "School admissions."},
        ],
    )
    content(officer, agreement, "data_items", [])
    content(
        officer,
        agreement,
        "data_items",
        [{"level": InformationLevel.MINIMUM, "name": "Unique Pupil Number"}],
    )
    review = agreement.reviews.get()
    today = timezone.localdate()
    services.review_record_findings(actor=officer, review=review, reviewed_on=today, findings="x")
    services.review_report(actor=officer, review=review, reported_on=today)
    services.review_complete(
        actor=officer, review=review, implementation_plan="Adopt v2", changes_required=True
    )


def test_the_difference_between_two_versions_lists_each_change(in_tenant, officer, active):
    old_security = active.security
    _review_and_change(officer, active)
    services.agreement_approve(actor=officer, agreement=active, reason="Version 2")

    diff = selectors.agreement_version_diff(agreement=active, from_version=1, to_version=2)

    assert (diff.from_version, diff.to_version) == (1, 2)
    assert diff.approved_by == officer.user.full_name
    assert diff.approved_at == active.transitions.get(action="approve", document_version=2).at
    assert FieldChange("Security", old_security, "Egress secure email only") in diff.changes
    assert FieldChange("Version number", "1", "2") in diff.changes
    assert FieldChange("Purpose added", "Not included", "Fair Access") in diff.changes
    assert FieldChange("Data item removed", "Date of birth", "Removed") in diff.changes
    assert FieldChange("Data item added", "Not included", "Unique Pupil Number") in diff.changes
    # The purpose kept unchanged is not listed.
    assert not any("SEN Assessment" in change.label for change in diff.changes)


def test_the_difference_since_a_version_shows_work_in_progress(in_tenant, officer, active):
    _review_and_change(officer, active)

    diff = selectors.agreement_version_diff(agreement=active, from_version=1)

    assert diff.to_version is None
    assert diff.approved_at is None
    assert FieldChange("Purpose added", "Not included", "Fair Access") in diff.changes


def test_a_version_never_approved_has_no_difference(in_tenant, active):
    with pytest.raises(Http404):
        selectors.agreement_version_diff(agreement=active, from_version=1, to_version=7)


# --- Parents and children ----------------------------------------------------------------------


def test_a_child_shows_the_terms_it_inherits_nearest_first(in_tenant, officer):
    isa = make_active(in_tenant, officer, title="Kent & Medway ISA")
    sop = make_active(in_tenant, officer, title="SEND SOP", parent=isa)
    appendix = make_draft(in_tenant, title="SEND appendix", parent=sop)
    practitioner = in_tenant.member(Role.PRACTITIONER)

    inherited = selectors.agreement_inherited_terms(viewer=practitioner, agreement=appendix)

    assert [i.agreement for i in inherited] == [sop, isa]
    assert [t.text for t in inherited[1].terms] == ["Keep records of decisions."]
    assert list(selectors.agreement_children(viewer=practitioner, agreement=isa)) == [sop]
    # The draft appendix is the council's: a school practitioner does not see it listed.
    assert not selectors.agreement_children(viewer=practitioner, agreement=sop).exists()
    assert list(
        selectors.agreement_children(viewer=in_tenant.member(Role.AUDITOR), agreement=sop)
    ) == [appendix]


def test_a_parent_the_viewer_cannot_read_is_not_shown(in_tenant, officer):
    parent = make_draft(in_tenant, title="Council draft parent")
    child = make_active(in_tenant, officer, parent=parent)

    inherited = selectors.agreement_inherited_terms(
        viewer=in_tenant.member(Role.SENCO), agreement=child
    )

    assert inherited == []
