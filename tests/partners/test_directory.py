"""Partners: organisations in full, designated managers, authorised contacts, training, people."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from partners import selectors, services
from partners.models import AuthorisedContact, Invitation, Membership, Organisation
from partners.roles import Role
from partners.tenancy import activate
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_an_ig_officer_creates_an_organisation_with_its_identifiers(in_tenant):
    officer = in_tenant.member(Role.IG_OFFICER)
    trust = services.organisation_create(
        actor=officer,
        name="Kent Community Health NHS Foundation Trust",
        type="nhs_trust",
        ods_code="RYY",
        ico_registration_number="Z1234567",
        postcode="me14 1aa",
    )
    assert trust.tenant == in_tenant.tenant
    assert trust.history.count() == 1
    assert trust.history.first().history_user == officer.user


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "NOT A POSTCODE", "Enter a real postcode"),
        ("ods_code", "ryy!", "ODS codes"),
        ("ico_registration_number", "12345", "ICO numbers"),
        ("urn", "12", "URN"),
    ],
)
def test_bad_identifiers_are_refused_with_a_specific_message(in_tenant, field, value, message):
    officer = in_tenant.member(Role.IG_OFFICER)
    with pytest.raises(ValidationError) as refused:
        services.organisation_create(actor=officer, name="Bad", type="other", **{field: value})
    assert message in str(refused.value.message_dict[field])
    assert not Organisation.objects.filter(name="Bad").exists()


def test_only_the_ig_officer_manages_organisations(in_tenant):
    for role in (Role.MANAGER, Role.SENCO, Role.PRACTITIONER, Role.AUDITOR):
        with pytest.raises(PermissionDenied):
            services.organisation_create(actor=in_tenant.member(role), name="X", type="other")


def test_an_organisation_in_one_partnership_cannot_have_a_parent_in_another(
    in_tenant, other_partnership
):
    officer = in_tenant.member(Role.IG_OFFICER)
    with pytest.raises(ValidationError) as refused:
        services.organisation_create(
            actor=officer, name="SEN service", type="la_service", parent=other_partnership.council
        )
    assert "same partnership" in str(refused.value)


def test_the_second_of_two_concurrent_edits_is_refused_and_the_first_kept(in_tenant):
    officer = in_tenant.member(Role.IG_OFFICER)
    council = in_tenant.council
    first_tab = Organisation.objects.get(pk=council.pk)
    second_tab = Organisation.objects.get(pk=council.pk)
    services.organisation_update(
        actor=officer, organisation=first_tab, expected_version=first_tab.version, phone="01622 1"
    )
    with pytest.raises(services.ConcurrentEdit):
        services.organisation_update(
            actor=officer,
            organisation=second_tab,
            expected_version=second_tab.version,
            phone="01622 2",
        )
    council.refresh_from_db()
    assert council.phone == "01622 1"
    assert council.version == 2


def test_designated_managers_are_people_of_the_partnership_and_their_changes_are_kept(
    in_tenant, other_partnership
):
    officer = in_tenant.member(Role.IG_OFFICER)
    manager = in_tenant.member(Role.MANAGER)
    services.organisation_set_designated_managers(
        actor=officer, organisation=in_tenant.council, managers=[manager]
    )
    assert list(in_tenant.council.designated_managers.all()) == [manager]
    services.organisation_set_designated_managers(
        actor=officer, organisation=in_tenant.council, managers=[]
    )
    assert in_tenant.council.designated_managers.count() == 0
    with pytest.raises(ValidationError):
        services.organisation_set_designated_managers(
            actor=officer,
            organisation=in_tenant.council,
            managers=[other_partnership.member(Role.MANAGER)],
        )


def test_a_contact_change_is_timestamped_and_kept_in_history(in_tenant):
    officer = in_tenant.member(Role.IG_OFFICER)
    contact = services.contact_add(
        actor=officer,
        organisation=in_tenant.school,
        name="Jo Bloggs",
        role="Data protection lead",
        email="jo@school.example.org",
        valid_from=dt.date(2026, 9, 1),
    )
    services.contact_update(actor=officer, contact=contact, valid_to=dt.date(2026, 12, 31))
    history = list(contact.history.order_by("history_date"))
    assert [h.valid_to for h in history] == [None, dt.date(2026, 12, 31)]
    assert all(h.history_user == officer.user for h in history)
    assert history[1].history_date >= history[0].history_date


def test_a_contact_cannot_end_before_it_starts(in_tenant):
    with pytest.raises(ValidationError):
        services.contact_add(
            actor=in_tenant.member(Role.IG_OFFICER),
            organisation=in_tenant.school,
            name="Jo",
            role="Lead",
            email="jo@example.org",
            valid_from=dt.date(2026, 9, 1),
            valid_to=dt.date(2026, 8, 1),
        )
    assert not AuthorisedContact.objects.exists()


def test_current_contacts_exclude_those_whose_authority_has_ended(in_tenant):
    officer = in_tenant.member(Role.IG_OFFICER)
    kwargs = {"actor": officer, "organisation": in_tenant.school, "role": "Lead"}
    services.contact_add(
        name="Past",
        email="p@x.org",
        valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2025, 12, 31),
        **kwargs,
    )
    services.contact_add(name="Now", email="n@x.org", valid_from=dt.date(2026, 1, 1), **kwargs)
    current = selectors.contacts_current(organisation=in_tenant.school, on=dt.date(2026, 11, 22))
    assert [c.name for c in current] == ["Now"]


def test_training_lapses_twelve_months_after_completion_by_default(in_tenant):
    practitioner = in_tenant.member(Role.PRACTITIONER)
    record = services.training_record(
        actor=in_tenant.member(Role.IG_OFFICER),
        membership=practitioner,
        course="Information governance for schools",
        completed_on=dt.date(2025, 11, 1),
    )
    assert record.expires_on == dt.date(2026, 11, 1)
    assert selectors.training_is_current(membership=practitioner, on=dt.date(2026, 10, 31))
    assert not selectors.training_is_current(membership=practitioner, on=dt.date(2026, 11, 1))


def test_someone_may_record_their_own_training_but_not_another_persons(in_tenant):
    practitioner = in_tenant.member(Role.PRACTITIONER)
    services.training_record(
        actor=practitioner, membership=practitioner, course="IG", completed_on=dt.date(2026, 1, 5)
    )
    with pytest.raises(PermissionDenied):
        services.training_record(
            actor=practitioner,
            membership=in_tenant.member(Role.SENCO),
            course="IG",
            completed_on=dt.date(2026, 1, 5),
        )


def test_the_organisation_shows_who_is_out_of_date_with_training(in_tenant):
    officer = in_tenant.member(Role.IG_OFFICER)
    senco, practitioner = in_tenant.member(Role.SENCO), in_tenant.member(Role.PRACTITIONER)
    services.training_record(
        actor=officer, membership=senco, course="IG", completed_on=dt.date(2026, 6, 1)
    )
    services.training_record(
        actor=officer, membership=practitioner, course="IG", completed_on=dt.date(2025, 6, 1)
    )
    statuses = {
        row.membership.role: row.status
        for row in selectors.training_status_for_organisation(
            organisation=in_tenant.school, on=dt.date(2026, 11, 22)
        )
    }
    assert statuses == {Role.SENCO: "current", Role.PRACTITIONER: "expired"}


def test_an_invitation_emails_a_one_time_link_that_makes_a_membership(in_tenant):
    officer = in_tenant.member(Role.IG_OFFICER)
    links = []
    with pytest.raises(ValidationError):  # validation before anything is sent
        services.invitation_send(
            actor=officer,
            email="not-an-email",
            full_name="X",
            organisation=in_tenant.school,
            role=Role.SENCO,
            accept_url_for=links.append,
        )
    invitation = services.invitation_send(
        actor=officer,
        email="New.Senco@School.example.org",
        full_name="New Senco",
        organisation=in_tenant.school,
        role=Role.SENCO,
        accept_url_for=lambda raw: links.append(raw) or f"https://sharewell.test/join/{raw}/",
    )
    raw = links[-1]
    assert invitation.email == "new.senco@school.example.org"
    assert raw not in invitation.token_digest
    membership = services.invitation_accept(raw_token=raw, password="a long passphrase 2026")
    assert membership.role == Role.SENCO and membership.organisation == in_tenant.school
    assert membership.user.check_password("a long passphrase 2026")
    with pytest.raises(ValidationError, match="already been used"):
        services.invitation_accept(raw_token=raw, password="a long passphrase 2026")


def test_an_invitation_sends_its_email_when_the_transaction_commits(
    in_tenant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(
            actor=in_tenant.member(Role.IG_OFFICER),
            email="ep@council.example.org",
            full_name="Ed Psych",
            organisation=in_tenant.council,
            role=Role.PRACTITIONER,
            accept_url_for=lambda raw: f"https://sharewell.test/join/{raw}/",
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ep@council.example.org"]
    assert "https://sharewell.test/join/" in mail.outbox[0].body


def test_an_expired_invitation_link_no_longer_works(in_tenant, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    links = []
    services.invitation_send(
        actor=in_tenant.member(Role.IG_OFFICER),
        email="late@example.org",
        full_name="Late",
        organisation=in_tenant.school,
        role=Role.PRACTITIONER,
        accept_url_for=lambda raw: links.append(raw) or "x",
    )
    time_machine.shift(dt.timedelta(days=8))
    with pytest.raises(ValidationError, match="expired"):
        services.invitation_accept(raw_token=links[0], password="a long passphrase 2026")
    assert not Membership.objects.filter(user__email="late@example.org").exists()


def test_nobody_can_change_their_own_role(in_tenant):
    officer = in_tenant.member(Role.IG_OFFICER)
    with pytest.raises(ValidationError, match="own role"):
        services.membership_change(
            actor=officer, membership=officer, role=Role.AUDITOR, organisation=officer.organisation
        )
    practitioner = in_tenant.member(Role.PRACTITIONER)
    with pytest.raises(PermissionDenied):
        services.membership_change(
            actor=practitioner,
            membership=practitioner,
            role=Role.IG_OFFICER,
            organisation=practitioner.organisation,
        )
    practitioner.refresh_from_db()
    assert practitioner.role == Role.PRACTITIONER


def test_an_ig_officer_changes_a_role_and_the_change_is_kept(in_tenant):
    officer = in_tenant.member(Role.IG_OFFICER)
    practitioner = in_tenant.member(Role.PRACTITIONER)
    services.membership_change(
        actor=officer, membership=practitioner, role=Role.SENCO, organisation=in_tenant.school
    )
    roles = [h.role for h in practitioner.history.order_by("history_date")]
    assert roles == [Role.PRACTITIONER, Role.SENCO]


def test_deactivating_a_member_keeps_them_and_their_history(in_tenant):
    officer = in_tenant.member(Role.IG_OFFICER)
    leaver = MembershipFactory(tenant=in_tenant.tenant, organisation=in_tenant.school)
    services.membership_deactivate(actor=officer, membership=leaver)
    leaver.refresh_from_db()
    assert leaver.is_active is False
    assert Membership.objects.filter(pk=leaver.pk).exists()
    with pytest.raises(ValidationError):
        services.membership_deactivate(actor=officer, membership=officer)


def test_an_invitee_accepts_with_no_partnership_active(partnership):
    """Following the link happens before the invitee has any membership, so no tenant is active."""
    links = []
    with activate(partnership.tenant):
        services.invitation_send(
            actor=partnership.member(Role.IG_OFFICER),
            email="newcomer@example.org",
            full_name="Newcomer",
            organisation=partnership.school,
            role=Role.PRACTITIONER,
            accept_url_for=lambda raw: links.append(raw) or "x",
        )
    membership = services.invitation_accept(raw_token=links[0], password="a long passphrase 2026")
    assert membership.tenant == partnership.tenant
    with activate(partnership.tenant):
        assert Invitation.objects.get(email="newcomer@example.org").membership == membership


def test_a_weak_password_is_refused_and_the_invitation_stays_usable(partnership):
    links = []
    with activate(partnership.tenant):
        services.invitation_send(
            actor=partnership.member(Role.IG_OFFICER),
            email="weak@example.org",
            full_name="Weak",
            organisation=partnership.school,
            role=Role.PRACTITIONER,
            accept_url_for=lambda raw: links.append(raw) or "x",
        )
    with pytest.raises(ValidationError):
        services.invitation_accept(raw_token=links[0], password="short")
    membership = services.invitation_accept(raw_token=links[0], password="a long passphrase 2026")
    assert membership.user.email == "weak@example.org"


def test_a_deactivated_member_invited_again_gets_their_membership_back(in_tenant):
    officer = in_tenant.member(Role.IG_OFFICER)
    leaver = in_tenant.member(Role.PRACTITIONER)
    services.membership_deactivate(actor=officer, membership=leaver)
    links = []
    services.invitation_send(
        actor=officer,
        email=leaver.user.email,
        full_name=leaver.user.full_name,
        organisation=in_tenant.council,
        role=Role.SENCO,
        accept_url_for=lambda raw: links.append(raw) or "x",
    )
    membership = services.invitation_accept(
        raw_token=links[0], password="correct horse battery staple"
    )
    assert membership.pk == leaver.pk
    leaver.refresh_from_db()
    assert (leaver.is_active, leaver.role, leaver.organisation) == (
        True,
        Role.SENCO,
        in_tenant.council,
    )
    assert Membership.objects.filter(user=leaver.user).count() == 1
