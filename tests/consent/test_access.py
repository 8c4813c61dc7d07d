"""Need-to-know (Haringey 3.8): a child's record is visible to the organisations involved with
the child — current setting, team around the child, recipients of a standing consent, and what
other apps register — through django-guardian grants to each organisation's group, granted when
it becomes involved and revoked when it no longer is. IG officers and auditors see every child of
their partnership; everyone else gets the same 404 as for a child who does not exist."""

import uuid

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from guardian.shortcuts import get_group_perms, get_groups_with_perms

from consent import access, selectors, services
from consent.access import (
    organisation_group,
    subject_get_for,
    subjects_get_for,
    subjects_visible_to,
)
from consent.models import (
    DataSubject,
    DataSubjectGroupObjectPermission,
    DataSubjectUserObjectPermission,
)
from partners.models import Membership
from partners.roles import Role
from partners.services import membership_change
from partners.tenancy import activate
from tests.consent.conftest import open_record, parent_consent, today
from tests.factories import DataSubjectFactory

pytestmark = pytest.mark.django_db


def sees(membership, child) -> bool:
    """Whether every way in agrees that the member sees the child: the access function, the
    list, a search by NHS number and the lookup of several children at once."""
    try:
        got = subject_get_for(membership, child.public_id) == child
    except Http404:
        got = False
    listed = subjects_visible_to(membership).filter(pk=child.pk).exists()
    found = (
        selectors.subject_find(viewer=membership, text=child.nhs_number)
        .filter(pk=child.pk)
        .exists()
    )
    together = subjects_get_for(membership, [child.public_id, uuid.uuid4()])
    assert set(together) <= {child.public_id}
    in_batch = child.public_id in together
    raw = seen_by_raw_statement(membership, child)
    assert got == listed == found == in_batch == raw, (got, listed, found, in_batch, raw)
    return got


def seen_by_raw_statement(membership, child) -> bool:
    """The rule as the log's raw walk asks it (`child_visible_sql`), in the member's partnership
    as that walk names it."""
    quote = connection.ops.quote_name
    condition, params = access.child_visible_sql(membership, f"s.{quote('id')}")
    table = quote(DataSubject._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {table} s WHERE s.{quote('id')} = %s "  # noqa: S608
            f"AND s.{quote('tenant_id')} = %s AND {condition}",
            [child.pk, membership.tenant_id, *params],
        )
        return cursor.fetchone() is not None


def granted_organisations(child) -> set:
    return {group.sharewell_organisation.organisation for group in get_groups_with_perms(child)}


def test_who_sees_a_child_at_first(world, child):
    # The school is the child's setting (and its SENCo opened the record).
    assert sees(world.member(Role.SENCO), child)
    assert sees(world.member(Role.PRACTITIONER), child)
    # The IG officer and the auditor see every child of the partnership.
    assert sees(world.member(Role.IG_OFFICER), child)
    assert sees(world.member(Role.AUDITOR), child)
    # A designated manager reads children's records only where their organisation is involved:
    # the council is not (yet).
    assert not sees(world.member(Role.MANAGER), child)
    # Organisations not involved with the child.
    assert not sees(world.nhs_practitioner, child)
    assert not sees(world.elsewhere_practitioner, child)
    assert granted_organisations(child) == {world.school}


def test_another_partnerships_child_is_a_404_for_everyone_there(world, child, outsider):
    with activate(outsider.tenant):
        assert not subjects_visible_to(outsider).exists()
        assert not selectors.subject_find(viewer=outsider, text=child.nhs_number).exists()
        with pytest.raises(Http404):
            subject_get_for(outsider, child.public_id)
        assert subjects_get_for(outsider, [child.public_id]) == {}
    # Even if the wrong tenant were somehow active, the access functions refuse.
    with pytest.raises(Http404):
        subject_get_for(outsider, child.public_id)
    assert subjects_get_for(outsider, [child.public_id]) == {}


@pytest.mark.parametrize("public_id", [uuid.uuid4(), "not-a-uuid", ""])
def test_a_missing_child_is_the_same_404(world, child, public_id):
    with pytest.raises(Http404) as missing:
        subject_get_for(world.member(Role.IG_OFFICER), public_id)
    with pytest.raises(Http404) as hidden:
        subject_get_for(world.nhs_practitioner, child.public_id)
    assert str(missing.value) == str(hidden.value) == "No such child or young person."


def test_joining_the_team_grants_and_leaving_it_revokes(world, senco, child):
    nurse = world.nhs_practitioner

    member = services.team_member_add(
        actor=senco, subject=child, organisation=world.nhs, membership=nurse, role="School nurse"
    )

    assert sees(nurse, child)
    assert "view_datasubject" in get_group_perms(organisation_group(world.nhs), child)
    # The grant is a row of the child's own permission table (a direct foreign key).
    assert DataSubjectGroupObjectPermission.objects.filter(
        content_object=child, group=organisation_group(world.nhs)
    ).exists()

    services.team_member_end(actor=senco, member=member, reason="Moved to another area")

    assert not sees(nurse, child)
    assert granted_organisations(child) == {world.school}
    # The team keeps the record of who was involved when.
    member.refresh_from_db()
    assert member.ended_on == today() and member.end_reason == "Moved to another area"


def test_a_designated_manager_sees_a_child_once_their_organisation_is_involved(world, senco, child):
    manager = world.member(Role.MANAGER)
    services.team_member_add(
        actor=senco, subject=child, organisation=world.council, role="Social worker"
    )

    assert sees(manager, child)
    # They see the record, to log decisions and approve overrides, but do not record consent.
    with pytest.raises(PermissionDenied):
        parent_consent(world, manager, child)


def test_a_consent_naming_an_organisation_grants_it_while_the_consent_stands(world, senco, child):
    nurse = world.nhs_practitioner
    consent = parent_consent(world, senco, child, recipients=[world.nhs])

    assert sees(nurse, child)

    services.consent_withdraw(actor=senco, consent=consent, reason="The parent asked.")

    assert not sees(nurse, child)


def test_an_organisation_involved_twice_keeps_the_record_until_both_end(world, senco, child):
    member = services.team_member_add(
        actor=senco, subject=child, organisation=world.nhs, role="Paediatrician"
    )
    consent = parent_consent(world, senco, child, recipients=[world.nhs])

    services.team_member_end(actor=senco, member=member, reason="Discharged")
    assert sees(world.nhs_practitioner, child)

    services.consent_withdraw(actor=senco, consent=consent, reason="The parent asked.")
    assert not sees(world.nhs_practitioner, child)


def test_the_record_follows_the_child_to_a_new_setting(world):
    officer = world.member(Role.IG_OFFICER)
    child = open_record(officer, current_setting=world.school)
    assert sees(world.member(Role.SENCO), child)

    services.subject_update(
        actor=officer, subject=child, expected_version=1, current_setting=world.elsewhere
    )

    assert sees(world.elsewhere_practitioner, child)
    assert not sees(world.member(Role.SENCO), child)
    assert granted_organisations(child) == {world.elsewhere}


def test_a_member_who_moves_organisation_sees_what_their_new_one_sees(world, child):
    practitioner = world.member(Role.PRACTITIONER)
    assert sees(practitioner, child)

    membership_change(
        actor=world.member(Role.IG_OFFICER),
        membership=practitioner,
        role=Role.PRACTITIONER,
        organisation=world.nhs,
    )

    assert not sees(practitioner, child)


def test_a_child_granted_to_one_person_is_seen_by_them(world, child):
    # Guardian's per-user grant: the exception beside the organisations' grants.
    nurse = world.nhs_practitioner
    assert not sees(nurse, child)

    DataSubjectUserObjectPermission.objects.create(
        user=nurse.user,
        content_object=child,
        permission=Permission.objects.get(codename=access.VIEW_PERMISSION),
    )

    assert sees(nurse, child)
    other = open_record(
        world.member(Role.SENCO), forenames="Other", nhs_number="", confirmed_different=True
    )
    assert not sees(nurse, other)


def test_a_deactivated_membership_sees_nobody(world, child):
    senco = world.member(Role.SENCO)
    senco.is_active = False

    assert not sees(senco, child)


def test_an_uninvolved_organisation_cannot_change_the_childs_record(world, child):
    with pytest.raises(PermissionDenied):
        services.team_member_add(
            actor=world.elsewhere_practitioner,
            subject=child,
            organisation=world.elsewhere,
            role="Curious",
        )
    assert not sees(world.elsewhere_practitioner, child)


def test_another_app_can_name_organisations_involved(world, child):
    """The sharing log registers a source: organisations a decision shared with."""
    shared_with = {child.pk: {world.elsewhere.pk}}
    access.register_involvement_source("tests.decisions", lambda s: shared_with.get(s.pk, ()))
    try:
        services.subject_sync_access(subject=child)
        assert sees(world.elsewhere_practitioner, child)

        shared_with.clear()
        services.subject_sync_access(subject=child)
        assert not sees(world.elsewhere_practitioner, child)
    finally:
        access.unregister_involvement_source("tests.decisions")


def test_listing_children_costs_the_same_queries_for_one_or_twenty(
    world, senco, django_assert_max_num_queries
):
    practitioner = world.member(Role.PRACTITIONER)
    open_record(senco)
    with django_assert_max_num_queries(2) as one:
        list(subjects_visible_to(practitioner).select_related("current_setting"))
    for n in range(19):
        open_record(senco, forenames=f"Child{n}", nhs_number="", confirmed_different=True)
    with django_assert_max_num_queries(len(one)):
        children = list(subjects_visible_to(practitioner).select_related("current_setting"))
    assert len(children) == 20


def test_an_organisation_sees_its_first_child_in_the_same_request_it_is_granted(
    world, senco, child
):
    nurse = world.nhs_practitioner
    # The NHS trust has no child yet, so no group to be granted to: asked again next time.
    assert not sees(nurse, child)

    services.team_member_add(
        actor=senco, subject=child, organisation=world.nhs, membership=nurse, role="School nurse"
    )

    assert sees(nurse, child)


def test_need_to_know_asks_the_grants_by_their_own_columns(world, child, django_assert_num_queries):
    # The grants' unique index is (group, permission, child): asked by those ids, each child is
    # one probe of it, with no join to the groups or the permissions to compile or plan
    # (docs/performance.md: a practitioner's log page planned in 3.5 ms rather than 5.2 ms).
    practitioner = world.member(Role.PRACTITIONER)
    sql = str(subjects_visible_to(practitioner).query)
    for table in ("auth_group", "auth_permission", "consent_organisationgroup"):
        assert f'"{table}"' not in sql, sql
    # The ids are read once for the member (a request's instance), not once per question.
    practitioner = Membership.objects.get(pk=practitioner.pk)
    with django_assert_num_queries(2):
        assert list(subjects_visible_to(practitioner)) == [child]
    with django_assert_num_queries(1):
        assert list(subjects_visible_to(practitioner)) == [child]


def test_a_record_made_outside_the_services_is_granted_to_nobody_until_synced(world):
    child = DataSubjectFactory(tenant=world.partnership.tenant, current_setting=world.school)
    senco = world.member(Role.SENCO)
    assert not sees(senco, child)

    services.subject_sync_access(subject=child)
    services.subject_sync_access(subject=child)

    assert sees(senco, child)
    assert DataSubjectGroupObjectPermission.objects.filter(content_object=child).count() == 1
