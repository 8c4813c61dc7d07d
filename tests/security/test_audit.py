"""The access audit: downloads, exports and previews of uploaded files write an access event;
events are append-only in the ORM and in the database; the IG officer and the auditor search
them (by person, record, child, date), a page at a time; nobody else sees them."""

import csv
import io
import uuid
from datetime import timedelta
from html import escape

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partners import services
from partners.models import AccessEvent, Membership
from partners.roles import Role
from partners.security.appendonly import AppendOnlyError
from partners.tenancy import activate
from tests.factories import MembershipFactory
from tests.partners.pages_directory_helpers import pdf, upload_sample

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def viewed_by(membership, **fields) -> AccessEvent:
    defaults = {
        "action": "view",
        "object_type": "child",
        "object_id": uuid.uuid4(),
        "channel": "page",
    }
    return AccessEvent.objects.create(
        tenant=membership.tenant, membership=membership, **{**defaults, **fields}
    )


def event(partnership, role=Role.SENCO, **fields) -> AccessEvent:
    return viewed_by(partnership.member(role), **fields)


def who(response) -> set:
    return {recorded.membership for recorded, _what in response.context["events"]}


def with_summary(partnership):
    with activate(partnership.tenant):
        services.organisation_update(
            actor=partnership.member(Role.IG_OFFICER),
            organisation=partnership.council,
            expected_version=partnership.council.version,
            security_summary=pdf(),
        )


# --- Writing -----------------------------------------------------------------------------------


def test_downloading_a_security_summary_is_recorded(partnership, client_for):
    with_summary(partnership)
    member = partnership.member(Role.PRACTITIONER)
    client = client_for(member)
    client.defaults.update(REMOTE_ADDR="198.51.100.8", HTTP_USER_AGENT="Test browser/2")

    response = client.get(
        reverse("organisation_security_summary", args=[partnership.council.public_id])
    )

    assert response.status_code == 200
    with activate(partnership.tenant):
        (recorded,) = AccessEvent.objects.all()
    assert (recorded.membership, recorded.action, recorded.object_type) == (
        member,
        "download",
        "organisation.security_summary",
    )
    assert recorded.object_id == partnership.council.public_id
    assert (recorded.ip_address, recorded.user_agent) == ("198.51.100.8", "Test browser/2")
    assert (recorded.route, recorded.channel) == ("organisation_security_summary", "page")


def test_a_refused_download_records_nothing(partnership, outsider, client_for):
    with_summary(partnership)

    response = client_for(outsider).get(
        reverse("organisation_security_summary", args=[partnership.council.public_id])
    )

    assert response.status_code == 404
    assert not AccessEvent.objects.cross_tenant().exists()


def test_previewing_an_uploaded_import_file_is_recorded(partnership, client_for):
    job = upload_sample(partnership)

    client_for(partnership.member(Role.IG_OFFICER)).get(
        reverse("organisation_import_preview", args=[job.public_id])
    )

    with activate(partnership.tenant):
        assert AccessEvent.objects.get().object_id == job.public_id


# --- Append-only -------------------------------------------------------------------------------


def test_the_orm_refuses_to_change_or_remove_an_event(partnership):
    recorded = event(partnership)
    recorded.action = "export"

    with pytest.raises(AppendOnlyError):
        recorded.save()
    with pytest.raises(AppendOnlyError):
        recorded.delete()
    with activate(partnership.tenant):
        events = AccessEvent.objects.all()
        with pytest.raises(AppendOnlyError):
            events.update(action="export")
        with pytest.raises(AppendOnlyError):
            events.delete()
        assert AccessEvent.objects.get().action == "view"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE partners_accessevent SET action = 'export'",
        "DELETE FROM partners_accessevent",
    ],
)
def test_the_database_refuses_to_change_or_remove_an_event(partnership, sql):
    event(partnership)

    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)

    with activate(partnership.tenant):
        assert AccessEvent.objects.get().action == "view"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_postgresql_refuses_to_truncate_the_events(partnership):
    event(partnership)

    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # The row's foreign-key checks are deferred to the commit; run them now, or PostgreSQL
        # refuses the TRUNCATE for that reason before the trigger is asked.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE partners_accessevent")


# --- Searching ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.IG_OFFICER, Role.AUDITOR])
def test_the_ig_officer_and_the_auditor_see_who_viewed_a_child(partnership, client_for, role):
    child = uuid.uuid4()
    event(partnership, Role.SENCO, object_type="consent", subject_id=child)
    event(partnership, Role.PRACTITIONER, object_type="child", object_id=child, subject_id=child)
    event(partnership, Role.MANAGER, object_type="child")  # another child

    page = client_for(partnership.member(role)).get(
        reverse("security_access_log"), {"subject_id": str(child)}
    )

    assert page.status_code == 200
    assert who(page) == {partnership.member(Role.SENCO), partnership.member(Role.PRACTITIONER)}
    assert str(child) in page.content.decode()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.SENCO, Role.PRACTITIONER])
def test_nobody_else_sees_the_access_log(partnership, client_for, role):
    client = client_for(partnership.member(role))

    assert client.get(reverse("security_access_log")).status_code == 403
    assert client.get(reverse("security_access_log_export")).status_code == 403


def test_the_log_filters_by_person_and_date(partnership, client_for):
    event(partnership, Role.SENCO)
    event(partnership, Role.PRACTITIONER)
    client = client_for(partnership.member(Role.IG_OFFICER))
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)

    by_person = client.get(reverse("security_access_log"), {"who": "senco"})
    since_today = client.get(
        reverse("security_access_log"),
        {"since_day": today.day, "since_month": today.month, "since_year": today.year},
    )
    since_tomorrow = client.get(
        reverse("security_access_log"),
        {"since_day": tomorrow.day, "since_month": tomorrow.month, "since_year": tomorrow.year},
    )

    assert who(by_person) == {partnership.member(Role.SENCO)}
    assert len(since_today.context["events"]) == 2
    assert "No entries match" in since_tomorrow.content.decode()


def named(partnership, full_name: str, email: str) -> Membership:
    return MembershipFactory(
        tenant=partnership.tenant,
        organisation=partnership.school,
        user__full_name=full_name,
        user__email=email,
    )


def test_a_person_is_found_by_part_of_their_name_or_email_in_any_case(partnership, client_for):
    alex = named(partnership, "Alex Morgan-Reid", "a.morgan@oakfield.example")
    sam = named(partnership, "Sam Morgan", "sam.carter@riverside.example")
    jo = named(partnership, "Jo Bell", "jo.bell@oakfield.example")
    for membership in (alex, sam, jo):
        viewed_by(membership)
    client = client_for(partnership.member(Role.IG_OFFICER))

    def found(text: str) -> set:
        response = client.get(reverse("security_access_log"), {"who": text})
        assert response.status_code == 200
        return who(response)

    assert found("MORGAN") == {alex, sam}
    assert found("  morgan   reid ") == set()  # spaces are squeezed, not a second search
    assert found("morgan-reid") == {alex}
    assert found("oakfield.example") == {alex, jo}
    assert found("sam.carter@riverside.example") == {sam}
    assert found("nobody by this name") == set()


def test_a_person_of_another_partnership_is_never_found(partnership, other_partnership, client_for):
    theirs = MembershipFactory(
        tenant=other_partnership.tenant, user__full_name="Robin Unique", user__email="r@x.example"
    )
    viewed_by(theirs)

    response = client_for(partnership.member(Role.IG_OFFICER)).get(
        reverse("security_access_log"), {"who": "Robin Unique"}
    )

    assert response.status_code == 200
    assert who(response) == set()
    assert "Robin Unique" not in response.content.decode().replace('value="Robin Unique"', "")


def test_the_person_search_lists_nobody_and_costs_the_same_for_30_people_as_for_3(
    partnership, client_for
):
    # A partnership has 10,000 people: a list of everyone to choose from cost the page 1.7 s
    # (and ~700 KB) at that size; the search box writes none of them.
    client = client_for(partnership.member(Role.IG_OFFICER))
    senco = partnership.member(Role.SENCO)
    event(partnership, Role.SENCO)
    MembershipFactory.create_batch(3, tenant=partnership.tenant, organisation=partnership.school)

    def page():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("security_access_log"), {"who": senco.user.email})
        return len(queries), response

    page()
    few, _ = page()
    others = MembershipFactory.create_batch(
        27, tenant=partnership.tenant, organisation=partnership.school
    )
    many, response = page()
    html = response.content.decode()

    assert many == few
    assert who(response) == {senco}
    assert f'name="who" value="{escape(senco.user.email)}"' in html
    assert not any(other.user.full_name in html for other in others)
    assert not any(other.user.email in html for other in others)


def test_a_bad_filter_is_a_400_with_the_error(partnership, client_for):
    response = client_for(partnership.member(Role.IG_OFFICER)).get(
        reverse("security_access_log"), {"subject_id": "not-an-id"}
    )

    assert response.status_code == 400
    assert "Enter a record id" in response.content.decode()


def test_the_log_pages_by_keyset_newest_first(partnership, client_for):
    kind = "organisation.security_summary"
    events = [event(partnership, object_type=kind) for _ in range(55)]
    event(partnership, object_type="training_record.evidence")
    client = client_for(partnership.member(Role.IG_OFFICER))

    first = client.get(reverse("security_access_log"), {"object_type": kind})
    assert first.status_code == 200
    html = first.content.decode()
    assert str(events[-1].object_id) in html
    assert str(events[4].object_id) not in html
    older = first.context["older_url"]
    second = client.get(reverse("security_access_log") + older)

    assert len(second.context["events"]) == 5
    assert str(events[4].object_id) in second.content.decode()
    assert str(events[-1].object_id) not in second.content.decode()
    assert not second.context["older_url"]


def test_the_export_is_safe_csv_and_is_itself_recorded(partnership, client_for):
    event(partnership, object_type="child")
    ig = partnership.member(Role.IG_OFFICER)
    ig.user.full_name = '=HYPERLINK("http://evil.example")'
    ig.user.save()
    event(partnership, Role.IG_OFFICER, object_type="child")

    response = client_for(ig).get(reverse("security_access_log_export"))

    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["When", "Name", "Email"]
    # The two views, and the export itself (recorded before its rows are read).
    assert [row[5] for row in rows[1:]] == ["Exported", "Viewed", "Viewed"]
    assert {row[1] for row in rows[1:]} >= {'\'=HYPERLINK("http://evil.example")'}
    with activate(partnership.tenant):
        assert AccessEvent.objects.filter(action="export", object_type="access_log").count() == 1
