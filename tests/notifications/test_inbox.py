"""The inbox: each member sees only their own notices, with why they got each, and can mark
them read, in pages and through the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notice
from notifications.services import notify
from partners.roles import Role
from partners.tenancy import activate
from tests.isolation import assert_tenant_isolated

pytestmark = pytest.mark.django_db


def send(partnership, role, key, title="Review due", link="/organisations/"):
    member = partnership.member(role)
    with activate(partnership.tenant):
        notify(
            recipients=[member],
            title=title,
            body="The Kent & Medway ISA is due for review in 30 days.",
            link=link,
            reason="You are the IG officer of the partnership.",
            dedup_key=key,
        )
        return Notice.objects.get(recipient=member, dedup_key=key)


def test_the_inbox_lists_my_notices_with_the_reason(partnership, client_for):
    send(partnership, Role.IG_OFFICER, "a", title="Agreement review due in 30 days")
    page = client_for(partnership.member(Role.IG_OFFICER)).get(reverse("notifications_inbox"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Agreement review due in 30 days" in html
    assert "You are the IG officer of the partnership." in html
    assert "Unread" in html


def test_the_header_counts_unread_notices(partnership, client_for):
    send(partnership, Role.SENCO, "a")
    send(partnership, Role.SENCO, "b")
    html = client_for(partnership.member(Role.SENCO)).get(reverse("dashboard")).content.decode()
    assert '2<span class="govuk-visually-hidden"> unread</span>' in html


def test_someone_elses_notice_in_my_partnership_is_not_mine(partnership, client_for):
    notice = send(partnership, Role.IG_OFFICER, "private", title="For the IG officer only")
    senco = client_for(partnership.member(Role.SENCO))
    assert (
        "For the IG officer only" not in senco.get(reverse("notifications_inbox")).content.decode()
    )
    assert senco.post(reverse("notification_open", args=[notice.public_id])).status_code == 404
    assert senco.get(f"/api/notifications/{notice.public_id}/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_opening_a_notice_marks_it_read_and_follows_its_link(partnership, client_for):
    notice = send(partnership, Role.IG_OFFICER, "open", link="/organisations/")
    client = client_for(partnership.member(Role.IG_OFFICER))
    response = client.post(reverse("notification_open", args=[notice.public_id]))
    assert response.status_code == 302 and response["Location"] == "/organisations/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_mark_all_read(partnership, client_for):
    send(partnership, Role.MANAGER, "a")
    send(partnership, Role.MANAGER, "b")
    client = client_for(partnership.member(Role.MANAGER))
    client.post(reverse("notifications_read_all"))
    with activate(partnership.tenant):
        assert not Notice.objects.filter(read_at__isnull=True).exists()


def test_the_api_lists_my_notices_and_marks_them_read(partnership, client_for):
    notice = send(partnership, Role.PRACTITIONER, "api", title="Inaccuracy notice to acknowledge")
    send(partnership, Role.IG_OFFICER, "other", title="Not yours")
    client = client_for(partnership.member(Role.PRACTITIONER))
    listed = client.get("/api/notifications/").json()
    assert [n["title"] for n in listed["results"]] == ["Inaccuracy notice to acknowledge"]
    assert listed["results"][0]["reason"] == "You are the IG officer of the partnership."
    assert client.post(f"/api/notifications/{notice.public_id}/read/").json() == {"marked": 1}
    assert client.post(f"/api/notifications/{notice.public_id}/read/").json() == {"marked": 0}
    assert client.get("/api/notifications/?unread=true").json()["results"] == []


def test_another_partnership_cannot_see_or_touch_a_notice(partnership, outsider, client_for):
    notice = send(partnership, Role.IG_OFFICER, "iso", title="Kent only")
    assert_tenant_isolated(
        client_for(outsider),
        notice,
        detail_urls=[f"/api/notifications/{notice.public_id}/"],
        list_urls=["/api/notifications/", reverse("notifications_inbox")],
        write_requests=[
            ("post", reverse("notification_open", args=[notice.public_id]), {}),
            ("post", f"/api/notifications/{notice.public_id}/read/", {}),
        ],
        markers=["Kent only"],
    )


@pytest.mark.parametrize("route", ["page", "api"])
def test_the_inbox_runs_a_constant_number_of_queries(partnership, client_for, route):
    client = client_for(partnership.member(Role.IG_OFFICER))
    url = reverse("notifications_inbox") if route == "page" else "/api/notifications/"
    client.get(url)  # The first request of a session does its own one-off work.
    for index in range(3):
        send(partnership, Role.IG_OFFICER, f"few-{index}")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for index in range(30):
        send(partnership, Role.IG_OFFICER, f"many-{index}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
