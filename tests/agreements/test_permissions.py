"""Who reads and edits which agreement (django-guardian object permissions on a direct table),
and the one access function: 404 for missing, another partnership's or not-allowed-to-see;
PermissionDenied for seen but not editable."""

import datetime as dt
import uuid

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm

from agreements import selectors, services
from agreements.models import AgreementGroupObjectPermission, AgreementUserObjectPermission
from partners.roles import Role
from partners.tenancy import activate
from tests.agreements.conftest import make_active, make_draft
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreements(in_tenant, officer):
    council_draft = make_draft(in_tenant, title="Council draft")
    school_draft = make_draft(in_tenant, title="School draft", owner_organisation=in_tenant.school)
    consultation = make_draft(in_tenant, title="In consultation")
    services.agreement_circulate(actor=officer, agreement=consultation, reason="Comment")
    services.signatory_invite(actor=officer, agreement=consultation, organisation=in_tenant.school)
    active = make_active(in_tenant, officer, title="Active")
    abandoned = make_draft(in_tenant, title="Abandoned draft")
    services.agreement_withdraw(actor=officer, agreement=abandoned, reason="Not needed")
    return {a.title: a for a in (council_draft, school_draft, consultation, active, abandoned)}


EVERYTHING = {"Council draft", "School draft", "In consultation", "Active", "Abandoned draft"}


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        (Role.IG_OFFICER, EVERYTHING),
        (Role.AUDITOR, EVERYTHING),
        # At the council, which owns all but the school's draft.
        (Role.MANAGER, EVERYTHING - {"School draft"}),
        # At the school: its own draft, the consultation it is invited to, and what is active.
        (Role.SENCO, {"School draft", "In consultation", "Active"}),
        (Role.PRACTITIONER, {"School draft", "In consultation", "Active"}),
    ],
)
def test_who_reads_which_agreement(in_tenant, agreements, role, visible):
    member = in_tenant.member(role)

    listed = set(selectors.agreement_list(viewer=member).values_list("title", flat=True))

    assert listed == visible
    for title, agreement in agreements.items():
        if title in visible:
            assert selectors.agreement_get_for(member, agreement.public_id) == agreement
        else:
            with pytest.raises(Http404):
                selectors.agreement_get_for(member, agreement.public_id)


def test_another_partnerships_agreement_is_a_404_for_everyone_there(
    in_tenant, agreements, outsider
):
    active = agreements["Active"]

    with activate(outsider.tenant), pytest.raises(Http404):
        selectors.agreement_get_for(outsider, active.public_id)
    # Even if the wrong tenant were somehow active, the access function refuses.
    with pytest.raises(Http404):
        selectors.agreement_get_for(outsider, active.public_id)


@pytest.mark.parametrize("public_id", [uuid.uuid4(), "not-a-uuid", ""])
def test_a_missing_or_malformed_id_is_a_404(in_tenant, public_id):
    with pytest.raises(Http404):
        selectors.agreement_get_for(in_tenant.member(Role.IG_OFFICER), public_id)


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.MANAGER, Role.SENCO, Role.PRACTITIONER])
def test_reading_is_not_editing(in_tenant, agreements, role):
    with pytest.raises(PermissionDenied):
        selectors.agreement_get_for(
            in_tenant.member(role), agreements["Active"].public_id, for_edit=True
        )


def test_the_ig_officer_edits_every_agreement(in_tenant, agreements, officer):
    for agreement in agreements.values():
        assert selectors.agreement_get_for(officer, agreement.public_id, for_edit=True)


def test_a_manager_of_the_owner_edits_a_draft_only_while_granted_it(in_tenant, agreements, officer):
    manager = in_tenant.member(Role.MANAGER)
    draft = agreements["Council draft"]
    with pytest.raises(PermissionDenied):
        selectors.agreement_get_for(manager, draft.public_id, for_edit=True)

    services.agreement_grant_editor(actor=officer, agreement=draft, membership=manager)

    editable = selectors.agreement_get_for(manager, draft.public_id, for_edit=True)
    services.agreement_set_content(
        actor=manager,
        agreement=editable,
        expected_version=editable.version,
        section="exclusions",
        items=[{"service": "Fostering Service"}],
    )
    assert draft.exclusions.get().service == "Fostering Service"
    # Granted through guardian's direct table for agreements, carrying the tenant.
    grant = AgreementUserObjectPermission.objects.get(
        user=manager.user, content_object=draft, permission__codename="change_agreement"
    )
    assert grant.tenant == in_tenant.tenant
    assert not UserObjectPermission.objects.exists()

    # Once it leaves draft, the grant no longer lets them edit.
    services.agreement_circulate(actor=officer, agreement=draft, reason="Comment")
    with pytest.raises(PermissionDenied):
        selectors.agreement_get_for(manager, draft.public_id, for_edit=True)
    with pytest.raises(PermissionDenied):
        services.agreement_update(
            actor=manager, agreement=draft, expected_version=draft.version, security="x"
        )


def test_a_revoked_grant_no_longer_edits(in_tenant, agreements, officer):
    manager = in_tenant.member(Role.MANAGER)
    draft = agreements["Council draft"]
    services.agreement_grant_editor(actor=officer, agreement=draft, membership=manager)

    services.agreement_revoke_editor(actor=officer, agreement=draft, membership=manager)

    with pytest.raises(PermissionDenied):
        selectors.agreement_get_for(manager, draft.public_id, for_edit=True)
    assert not AgreementUserObjectPermission.objects.filter(user=manager.user).exists()


def test_only_a_manager_of_the_owner_can_be_granted_a_draft(in_tenant, agreements, officer):
    draft = agreements["Council draft"]
    school_manager = MembershipFactory(
        tenant=in_tenant.tenant, organisation=in_tenant.school, role=Role.MANAGER
    )
    for membership in (school_manager, in_tenant.member(Role.AUDITOR)):
        with pytest.raises(ValidationError):
            services.agreement_grant_editor(actor=officer, agreement=draft, membership=membership)
    with pytest.raises(PermissionDenied):
        services.agreement_grant_editor(
            actor=in_tenant.member(Role.MANAGER),
            agreement=draft,
            membership=in_tenant.member(Role.MANAGER),
        )


def test_a_group_grant_lets_its_members_read_a_draft(in_tenant, agreements):
    practitioner = in_tenant.member(Role.PRACTITIONER)
    draft = agreements["Council draft"]
    group = Group.objects.create(name="SEND working group")
    practitioner.user.groups.add(group)

    assign_perm("agreements.view_agreement", group, draft)

    assert AgreementGroupObjectPermission.objects.get(group=group).tenant == in_tenant.tenant
    assert selectors.agreement_get_for(practitioner, draft.public_id) == draft
    with pytest.raises(PermissionDenied):
        selectors.agreement_get_for(practitioner, draft.public_id, for_edit=True)


def test_a_grant_on_another_partnerships_agreement_shows_nothing_here(
    in_tenant, other_partnership, agreements
):
    with activate(other_partnership.tenant):
        theirs = make_draft(other_partnership, title="Their draft")
    practitioner = in_tenant.member(Role.PRACTITIONER)
    assign_perm("agreements.view_agreement", practitioner.user, theirs)

    assert "Their draft" not in set(
        selectors.agreement_list(viewer=practitioner).values_list("title", flat=True)
    )
    with pytest.raises(Http404):
        selectors.agreement_get_for(practitioner, theirs.public_id)


def test_an_inactive_membership_sees_nothing(in_tenant, agreements):
    member = in_tenant.member(Role.SENCO)
    member.is_active = False

    assert not selectors.agreement_list(viewer=member).exists()


def test_a_signatory_is_reached_only_through_an_agreement_the_member_may_read(
    in_tenant, agreements, outsider
):
    signatory = agreements["In consultation"].signatories.get()
    invited_school = in_tenant.member(Role.PRACTITIONER)
    elsewhere = MembershipFactory(
        tenant=in_tenant.tenant,
        organisation=OrganisationFactory(tenant=in_tenant.tenant),
        role=Role.PRACTITIONER,
    )

    assert selectors.signatory_get_for(invited_school, signatory.public_id) == signatory
    with pytest.raises(Http404):
        selectors.signatory_get_for(elsewhere, signatory.public_id)
    with activate(outsider.tenant), pytest.raises(Http404):
        selectors.signatory_get_for(outsider, signatory.public_id)


@pytest.fixture
def governance(in_tenant, officer):
    """One of each object reached through an agreement: review, action, consultation, audit."""
    agreement = make_active(in_tenant, officer)
    signatory = services.signatory_invite(
        actor=officer, agreement=agreement, organisation=in_tenant.school
    )
    services.signatory_sign(
        actor=officer,
        signatory=signatory,
        signer_name="Anne Head",
        signer_title="Headteacher",
        typed_signature="Anne Head",
    )
    today = timezone.localdate()
    consultation = services.change_propose(
        actor=officer,
        agreement=agreement,
        summary="A change",
        details="Details",
        respond_by=today + dt.timedelta(days=14),
    )
    audit = services.audit_request_create(
        actor=officer,
        agreement=agreement,
        requesting_organisation=in_tenant.council,
        auditor="Internal audit",
        scope="Section 7",
        notice_given_on=today,
        starts_on=today + dt.timedelta(days=40),
    )
    services.change_decide(actor=officer, consultation=consultation, approve=False, reason="No")
    review = services.agreement_start_review(actor=officer, agreement=agreement, reason="Due")
    action = services.review_action_add(
        actor=officer,
        review=review,
        description="Re-issue guidance",
        owner_organisation=in_tenant.school,
        owner_name="Business manager",
        due_on=today,
    )
    return {
        "signatory": (selectors.signatory_get_for, signatory),
        "consultation": (selectors.consultation_get_for, consultation),
        "review": (selectors.review_get_for, review),
        "review action": (selectors.review_action_get_for, action),
        "audit request": (selectors.audit_request_get_for, audit),
    }


@pytest.mark.parametrize(
    "kind", ["signatory", "consultation", "review", "review action", "audit request"]
)
def test_each_access_function_finds_its_object_here_and_nothing_elsewhere(
    in_tenant, governance, outsider, kind
):
    get, obj = governance[kind]

    assert get(in_tenant.member(Role.PRACTITIONER), obj.public_id) == obj
    with pytest.raises(Http404):
        get(in_tenant.member(Role.PRACTITIONER), uuid.uuid4())
    with activate(outsider.tenant), pytest.raises(Http404):
        get(outsider, obj.public_id)
