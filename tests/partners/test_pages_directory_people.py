"""The partners directory pages for people and their training: the people list with its search,
filters and pages, invitations and the join page, changing someone's role and deactivating them
(never one's own), and IG training recorded by the person or by the IG officer, with what
happens when it lapses. A form with bad input shows its errors and saves nothing; list pages run
as many queries for 30 rows as for 3. Another partnership's objects are checked in
test_isolation_pages.py."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from partners import services
from partners.models import Invitation, Membership, TrainingRecord
from partners.reminders import long_date
from partners.roles import Role
from partners.tenancy import activate
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory
from tests.partners.pages_directory_helpers import (
    PDF,
    _queries,
    date_parts,
    pdf,
    record_training,
    visible_text,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


# --- People ----------------------------------------------------------------------------------


def test_the_people_page_lists_role_organisation_training_and_status(partnership, client_for):
    today = timezone.localdate()
    record_training(partnership, partnership.member(Role.SENCO), today - dt.timedelta(days=10))
    leaver = MembershipFactory(
        tenant=partnership.tenant, organisation=partnership.school, user__full_name="Lee Leaver"
    )
    with activate(partnership.tenant):
        services.membership_deactivate(actor=partnership.member(Role.IG_OFFICER), membership=leaver)

    html = client_for(partnership.member(Role.AUDITOR)).get(reverse("membership_list")).content
    text = visible_text(html)
    senco = partnership.member(Role.SENCO).user.full_name
    assert re.search(
        re.escape(senco) + rf" SENCo {re.escape(partnership.school.name)} Current", text
    )
    assert "Lee Leaver" in text and "Deactivated" in text
    assert "Not recorded" in text
    # The auditor sees everyone but cannot invite.
    assert b'href="/people/invite/"' not in html
    officer = client_for(partnership.member(Role.IG_OFFICER)).get(reverse("membership_list"))
    assert b'href="/people/invite/"' in officer.content


def test_the_people_page_pages_active_people_by_name_with_their_latest_training(
    partnership, client_for
):
    # 100 a page: active people first, by name; each with the expiry of their latest training.
    for number in range(100):
        MembershipFactory(
            tenant=partnership.tenant,
            organisation=partnership.school,
            user__full_name=f"Zed Person {number:03d}",
        )
    last = MembershipFactory(
        tenant=partnership.tenant, organisation=partnership.school, user__full_name="Zz Last"
    )
    record_training(partnership, last, dt.date(2025, 3, 1))
    latest = record_training(partnership, last, dt.date(2026, 3, 2))
    leaver = MembershipFactory(
        tenant=partnership.tenant, organisation=partnership.school, user__full_name="Aaron Leaver"
    )
    with activate(partnership.tenant):
        services.membership_deactivate(actor=partnership.member(Role.IG_OFFICER), membership=leaver)
    client = client_for(partnership.member(Role.IG_OFFICER))

    first = visible_text(client.get(reverse("membership_list")).content)
    second = visible_text(client.get(reverse("membership_list") + "?page=2").content)

    assert "Aaron Leaver" not in first and "Zz Last" not in first
    names = re.findall(r"Zed Person \d{3}|Zz Last|Aaron Leaver", second)
    assert names[-2:] == ["Zz Last", "Aaron Leaver"]
    assert names == [*sorted(names[:-1]), "Aaron Leaver"]
    # The later of the two records, not the earlier.
    expiry = re.search(r"Zz Last .*? (?:until|lapsed on) (\d+ \w+ \d{4})", second)
    assert expiry is not None, second
    assert expiry.group(1) == long_date(latest.expires_on)


def test_every_page_of_people_follows_on_from_the_one_before(partnership, client_for, monkeypatch):
    # Pages past the middle are read backwards from the end: they must be the same people, in
    # the same order, as reading forwards would give.
    from partners.views.people import MembershipListView

    monkeypatch.setattr(MembershipListView, "paginate_by", 4)
    for number in (7, 3, 11, 5, 9, 1, 12, 8, 2, 10, 6, 4):
        MembershipFactory(
            tenant=partnership.tenant,
            organisation=partnership.school,
            user__full_name=f"Paged Person {number:02d}",
        )
    client = client_for(partnership.member(Role.IG_OFFICER))
    with activate(partnership.tenant):
        everyone = [
            str(membership.user)
            for membership in Membership.objects.select_related("user").order_by(
                "-is_active", "user__full_name", "pk"
            )
        ]
    assert len(everyone) > 16

    pages, number = [], 1
    while True:
        response = client.get(reverse("membership_list"), {"page": number})
        assert response.status_code == 200
        pages.append([row["name"] for row in response.context["rows"]])
        if not response.context["page_obj"].has_next():
            break
        number += 1

    assert [len(page) for page in pages[:-1]] == [4] * (len(pages) - 1)
    assert [name for page in pages for name in page] == everyone
    last = client.get(reverse("membership_list"), {"page": "last"})
    assert [row["name"] for row in last.context["rows"]] == pages[-1]


def test_the_people_page_runs_as_many_queries_for_30_people_as_for_3(partnership, client_for):
    client = client_for(partnership.member(Role.IG_OFFICER))

    def grow(count: int) -> None:
        for _ in range(count):
            member = MembershipFactory(tenant=partnership.tenant, organisation=partnership.school)
            record_training(partnership, member, dt.date(2026, 1, 1))

    grow(3)
    # The first page after the organisations change writes their options once more.
    _queries(client, reverse("membership_list"))
    three = _queries(client, reverse("membership_list"))
    filtered = _queries(client, reverse("membership_list"), who="user", role=Role.PRACTITIONER)
    grow(27)
    assert _queries(client, reverse("membership_list")) == three
    assert (
        _queries(client, reverse("membership_list"), who="user", role=Role.PRACTITIONER) == filtered
    )


def test_people_are_found_by_name_or_email_organisation_role_and_status(partnership, client_for):
    def person(full_name, email, organisation, role=Role.PRACTITIONER):
        return MembershipFactory(
            tenant=partnership.tenant,
            organisation=organisation,
            role=role,
            user__full_name=full_name,
            user__email=email,
        )

    person("Alex Morgan-Reid", "a.morgan@oakfield.example", partnership.school)
    person("Sam Morgan", "sam.carter@council.example", partnership.council, Role.MANAGER)
    leaver = person("Jo Morgan", "jo@oakfield.example", partnership.school)
    with activate(partnership.tenant):
        services.membership_deactivate(actor=partnership.member(Role.IG_OFFICER), membership=leaver)
    client = client_for(partnership.member(Role.IG_OFFICER))

    def found(**query) -> list[str]:
        response = client.get(reverse("membership_list"), query)
        assert response.status_code == 200
        return [row["name"] for row in response.context["rows"]]

    assert found(who="MORGAN") == ["Alex Morgan-Reid", "Sam Morgan", "Jo Morgan"]
    assert found(who="  oakfield.example ") == ["Alex Morgan-Reid", "Jo Morgan"]
    assert found(who="morgan", organisation=partnership.school.public_id) == [
        "Alex Morgan-Reid",
        "Jo Morgan",
    ]
    assert found(who="morgan", role=Role.MANAGER) == ["Sam Morgan"]
    assert found(who="morgan", status="active") == ["Alex Morgan-Reid", "Sam Morgan"]
    assert found(who="morgan", status="deactivated") == ["Jo Morgan"]
    assert found(who="nobody by this name") == []
    page = visible_text(client.get(reverse("membership_list"), {"who": "morgan"}).content)
    assert "3 people match" in page
    assert (
        'value="morgan"'
        in client.get(reverse("membership_list"), {"who": "morgan"}).content.decode()
    )


def test_the_people_search_keeps_its_filters_from_page_to_page(partnership, client_for):
    for number in range(105):
        MembershipFactory(
            tenant=partnership.tenant,
            organisation=partnership.school,
            user__full_name=f"Pat Paged {number:03d}",
        )
    client = client_for(partnership.member(Role.IG_OFFICER))

    first = client.get(reverse("membership_list"), {"who": "paged"})
    second = client.get(
        first.context["page_obj"].has_next() and reverse("membership_list"),
        {"who": "paged", "page": 2},
    )

    assert 'href="?who=paged&amp;page=2"' in first.content.decode()
    assert [row["name"] for row in second.context["rows"]] == [
        f"Pat Paged {number:03d}" for number in range(100, 105)
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"role": "overlord"}, "Select a role from the list"),
        ({"status": "retired"}, "Select a status from the list"),
        ({"organisation": "not-an-id"}, "Select an organisation from the list"),
    ],
    ids=["role", "status", "organisation"],
)
def test_a_bad_people_filter_is_a_400_with_the_error(partnership, client_for, query, message):
    response = client_for(partnership.member(Role.IG_OFFICER)).get(
        reverse("membership_list"), query
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert response.context["rows"] == []


def test_another_partnerships_organisation_is_not_a_people_filter(
    partnership, other_partnership, client_for
):
    response = client_for(partnership.member(Role.IG_OFFICER)).get(
        reverse("membership_list"), {"organisation": other_partnership.school.public_id}
    )

    assert response.status_code == 400
    assert "Select an organisation from the list" in response.content.decode()
    assert other_partnership.school.name not in response.content.decode()


def test_an_invitation_is_emailed_with_a_link_to_the_join_page(
    partnership, client_for, django_capture_on_commit_callbacks
):
    client = client_for(partnership.member(Role.IG_OFFICER))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("membership_invite"),
            {
                "full_name": "Nadia New",
                "email": "Nadia.New@School.example.org",
                "organisation": str(partnership.school.public_id),
                "role": Role.SENCO,
            },
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver/join/([\w-]+)/", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    with activate(partnership.tenant):
        invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("nadia.new@school.example.org", Role.SENCO)
    assert link.group(1) not in invitation.token_digest


def test_a_bad_invitation_shows_its_errors_and_sends_nothing(
    partnership, client_for, django_capture_on_commit_callbacks
):
    client = client_for(partnership.member(Role.IG_OFFICER))
    with django_capture_on_commit_callbacks(execute=True):
        blank = client.post(reverse("membership_invite"), {"email": "nope"})
        member = client.post(
            reverse("membership_invite"),
            {
                "full_name": "Already Here",
                "email": partnership.member(Role.SENCO).user.email,
                "organisation": str(partnership.school.public_id),
                "role": Role.SENCO,
            },
        )
    assert blank.status_code == 400
    for message in (
        "Enter the person&#x27;s full name",
        "Enter an email address in the correct format",
        "Select the organisation they work for",
        "Select a role",
    ):
        assert message in blank.content.decode(), message
    assert member.status_code == 400
    assert "This person is already a member of the partnership." in member.content.decode()
    assert mail.outbox == []
    with activate(partnership.tenant):
        assert not Invitation.objects.exists()


def _invite(partnership, email: str, role=Role.PRACTITIONER) -> str:
    links = []
    with activate(partnership.tenant):
        services.invitation_send(
            actor=partnership.member(Role.IG_OFFICER),
            email=email,
            full_name="Invited Person",
            organisation=partnership.school,
            role=role,
            accept_url_for=lambda raw: links.append(raw) or f"http://testserver/join/{raw}/",
        )
    return reverse("invitation_accept", kwargs={"token": links[0]})


def test_a_newcomer_sets_a_password_on_the_join_page_and_is_signed_in(partnership, client):
    url = _invite(partnership, "newcomer@example.org")
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert f"Join {partnership.tenant.name}" in html
    assert "Create a password" in html and "Confirm password" in html
    assert "no-store" in page["Cache-Control"]

    mismatch = client.post(url, {"password": "a long passphrase 2026", "password_again": "other"})
    assert mismatch.status_code == 400
    assert "The passwords do not match" in mismatch.content.decode()
    weak = client.post(url, {"password": "password", "password_again": "password"})
    assert weak.status_code == 400
    assert "This password is too short" in weak.content.decode()

    joined = client.post(
        url, {"password": "a long passphrase 2026", "password_again": "a long passphrase 2026"}
    )
    assert joined.status_code == 302 and joined["Location"] == reverse("dashboard")
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 200
    assert dashboard.context["active_membership"].user.email == "newcomer@example.org"
    assert dashboard.context["active_membership"].tenant == partnership.tenant
    # The link works once.
    used = client.get(url)
    assert used.status_code == 404
    assert "This invitation link does not work" in used.content.decode()


def test_someone_with_an_account_joins_with_their_existing_password(
    partnership, other_partnership, client
):
    existing = other_partnership.member(Role.SENCO).user
    url = _invite(partnership, existing.email)
    html = client.get(url).content.decode()
    assert "Your Sharewell password" in html and "Confirm password" not in html

    wrong = client.post(url, {"password": "not my password"})
    assert wrong.status_code == 400
    assert "Enter the password of your existing Sharewell account." in wrong.content.decode()
    assert client.post(url, {"password": DEFAULT_PASSWORD}).status_code == 302
    assert Membership._base_manager.filter(user=existing, tenant=partnership.tenant).exists()


def test_an_unknown_join_link_says_so_and_echoes_nothing(db, client):
    token = "made-up-token-value"
    response = client.get(reverse("invitation_accept", kwargs={"token": token}))
    assert response.status_code == 404
    assert token not in response.content.decode()


def test_a_user_with_no_password_yet_is_not_a_user_with_an_account(partnership, client):
    # The join page asks a newcomer to create a password and an existing user for theirs; an
    # account made some other way (by the platform admin) counts as existing.
    UserFactory(email="made.by.admin@example.org")
    url = _invite(partnership, "made.by.admin@example.org")
    assert "Your Sharewell password" in client.get(url).content.decode()


def test_the_ig_officer_changes_someones_role_but_not_their_own(partnership, client_for):
    officer = partnership.member(Role.IG_OFFICER)
    practitioner = partnership.member(Role.PRACTITIONER)
    client = client_for(officer)
    response = client.post(
        reverse("membership_change", args=[practitioner.public_id]),
        {"role": Role.SENCO, "organisation": str(partnership.council.public_id)},
    )
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert (practitioner.role, practitioner.organisation) == (Role.SENCO, partnership.council)

    own = client.post(
        reverse("membership_change", args=[officer.public_id]),
        {"role": Role.AUDITOR, "organisation": str(partnership.council.public_id)},
    )
    assert own.status_code == 400
    assert "You cannot change your own role. Ask another IG officer." in own.content.decode()
    officer.refresh_from_db()
    assert officer.role == Role.IG_OFFICER


def test_deactivation_asks_for_confirmation_then_posts(partnership, client_for):
    officer = partnership.member(Role.IG_OFFICER)
    practitioner = partnership.member(Role.PRACTITIONER)
    client = client_for(officer)
    url = reverse("membership_deactivate", args=[practitioner.public_id])

    page = client.get(url)
    assert "Are you sure you want to deactivate" in page.content.decode()
    practitioner.refresh_from_db()
    assert practitioner.is_active  # looking at the page changes nothing

    assert client.post(url).status_code == 302
    practitioner.refresh_from_db()
    assert not practitioner.is_active

    own = client.post(reverse("membership_deactivate", args=[officer.public_id]))
    assert own.status_code == 400
    assert "You cannot deactivate your own membership." in own.content.decode()
    officer.refresh_from_db()
    assert officer.is_active


# --- Training --------------------------------------------------------------------------------


def test_a_member_records_their_own_training_which_lapses_after_12_months(partnership, client_for):
    senco = partnership.member(Role.SENCO)
    client = client_for(senco)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert 'href="/my-training/record/"' in dashboard and "Not recorded" in dashboard

    response = client.post(
        reverse("my_training_record"),
        {
            "course": "Kent SEND IG refresher",
            **date_parts("completed_on", dt.date(2026, 9, 14)),
            **date_parts("expires_on", None),
            "evidence": pdf("certificate.pdf"),
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("my_training")
    with activate(partnership.tenant):
        record = TrainingRecord.objects.get(membership=senco)
    assert record.expires_on == dt.date(2027, 9, 14)
    assert record.recorded_by == senco
    text = visible_text(client.get(reverse("my_training")).content)
    assert "Kent SEND IG refresher" in text

    evidence = client.get(reverse("training_evidence", args=[record.public_id]))
    assert evidence.status_code == 200
    assert b"".join(evidence.streaming_content) == PDF
    # Another practitioner may not have it; the IG officer and the auditor may.
    other = client_for(partnership.member(Role.PRACTITIONER))
    assert other.get(reverse("training_evidence", args=[record.public_id])).status_code == 404
    auditor = client_for(partnership.member(Role.AUDITOR))
    assert auditor.get(reverse("training_evidence", args=[record.public_id])).status_code == 200


def test_the_ig_officer_records_training_for_someone(partnership, client_for):
    practitioner = partnership.member(Role.PRACTITIONER)
    response = client_for(partnership.member(Role.IG_OFFICER)).post(
        reverse("membership_training_record", args=[practitioner.public_id]),
        {
            "course": "Information sharing for practitioners",
            **date_parts("completed_on", dt.date(2026, 5, 1)),
            **date_parts("expires_on", dt.date(2027, 1, 31)),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("membership_detail", args=[practitioner.public_id])
    with activate(partnership.tenant):
        record = TrainingRecord.objects.get(membership=practitioner)
    assert record.expires_on == dt.date(2027, 1, 31)
    assert record.recorded_by == partnership.member(Role.IG_OFFICER)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"course": ""}, "Enter the name of the course"),
        (date_parts("completed_on", None), "Enter the date the course was completed"),
        (
            {"completed_on_day": "31", "completed_on_month": "2", "completed_on_year": "2026"},
            "Date completed must be a real date",
        ),
        (
            date_parts("expires_on", dt.date(2026, 1, 1)),
            "The expiry date must be after the completion date.",
        ),
        (
            {"evidence": SimpleUploadedFile("evidence.exe", b"MZ")},
            "The selected file must be a PDF, DOCX, ODT, PNG or JPG",
        ),
    ],
    ids=["no-course", "no-date", "impossible-date", "expires-first", "wrong-type"],
)
def test_bad_training_input_shows_the_error_and_saves_nothing(
    changes, message, partnership, client_for
):
    data = {
        "course": "IG refresher",
        **date_parts("completed_on", dt.date(2026, 5, 1)),
        **date_parts("expires_on", None),
        **changes,
    }
    response = client_for(partnership.member(Role.PRACTITIONER)).post(
        reverse("my_training_record"), data
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    with activate(partnership.tenant):
        assert not TrainingRecord.objects.exists()


def test_the_ig_officer_sets_what_happens_when_training_lapses(partnership, client_for):
    client = client_for(partnership.member(Role.IG_OFFICER))
    page = client.get(reverse("training_policy")).content.decode()
    assert 'value="warn" checked' in page
    assert client.post(reverse("training_policy"), {}).status_code == 400
    response = client.post(reverse("training_policy"), {"untrained_decision_policy": "block"})
    assert response.status_code == 302
    partnership.tenant.refresh_from_db()
    assert partnership.tenant.untrained_decision_policy == "block"


@pytest.mark.parametrize("current", [True, False], ids=["current", "lapsed"])
def test_training_reads_until_its_expiry_or_lapsed_on_it_on_every_page_that_shows_it(
    partnership, client_for, current
):
    # The same words on the person's dashboard, the people list and their page.
    practitioner = partnership.member(Role.PRACTITIONER)
    completed = timezone.localdate() - dt.timedelta(days=30 if current else 3 * 365)
    record = record_training(partnership, practitioner, completed)
    expected = f"{'until' if current else 'lapsed on'} {long_date(record.expires_on)}"
    own = client_for(practitioner)
    officer = client_for(partnership.member(Role.IG_OFFICER))

    pages = {
        "dashboard": own.get(reverse("dashboard")),
        "people": officer.get(reverse("membership_list"), {"who": practitioner.user.full_name}),
        "person": officer.get(reverse("membership_detail", args=[practitioner.public_id])),
    }

    for name, response in pages.items():
        assert response.status_code == 200, name
        assert expected in visible_text(response.content), name
