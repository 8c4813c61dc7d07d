"""notify() puts a notice in each inbox and an email in the outbox, once per dedup key."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template import Context, Template
from django.urls import reverse

from notifications.models import Notice, OutboxEmail
from notifications.selectors import inbox_list, inbox_unread_count, notice_get
from notifications.services import inbox_mark_all_read, inbox_mark_read, notify
from partners.tenancy import activate

pytestmark = pytest.mark.django_db


def tell(recipients, key="breach:1:partners-notified", **overrides):
    fields = {
        "recipients": recipients,
        "title": "A breach milestone is due tomorrow",
        "body": "Partners must be told of the breach within 5 working days.",
        "link": "/breaches/6f1c0d6e-0000-4000-8000-000000000001/",
        "reason": "You are the IG officer of the partnership.",
        "dedup_key": key,
    }
    return notify(**(fields | overrides))


def test_notifying_twice_with_one_key_gives_one_notice_and_one_email(in_tenant):
    officer = in_tenant.member("ig_officer")

    first = tell([officer])
    second = tell([officer])

    assert len(first) == 1
    assert second == []
    assert Notice.objects.filter(recipient=officer).count() == 1
    email = OutboxEmail.objects.get()
    assert email.to == officer.user.email
    assert email.subject == "A breach milestone is due tomorrow"
    assert email.sent_at is None


def test_each_recipient_gets_their_own_notice_and_email(in_tenant):
    officer, manager = in_tenant.member("ig_officer"), in_tenant.member("manager")

    tell([officer, manager])
    tell([officer, manager, officer])

    assert sorted(Notice.objects.values_list("recipient_id", flat=True)) == sorted(
        [officer.pk, manager.pk]
    )
    assert sorted(OutboxEmail.objects.values_list("to", flat=True)) == sorted(
        [officer.user.email, manager.user.email]
    )


def test_a_new_key_is_a_new_notice(in_tenant):
    officer = in_tenant.member("ig_officer")

    tell([officer], key="breach:1:partners-notified")
    tell([officer], key="breach:1:report-distributed")

    assert Notice.objects.count() == 2
    assert OutboxEmail.objects.count() == 2


def test_without_email_only_the_inbox_is_written(in_tenant):
    tell([in_tenant.member("ig_officer")], email=False)

    assert Notice.objects.count() == 1
    assert not OutboxEmail.objects.exists()


def test_the_email_says_why_and_links_to_the_page(in_tenant, settings):
    settings.SHAREWELL_SITE_URL = "https://sharewell.example.org/"
    tell([in_tenant.member("ig_officer")])

    body = OutboxEmail.objects.get().body
    assert "Partners must be told of the breach within 5 working days." in body
    assert "https://sharewell.example.org/breaches/6f1c0d6e-0000-4000-8000-000000000001/" in body
    assert "Why you are getting this: You are the IG officer of the partnership." in body


def test_email_text_is_not_html_escaped(in_tenant):
    tell([in_tenant.member("ig_officer")], title="Review: Kent & Medway's agreement")

    email = OutboxEmail.objects.get()
    assert email.subject == "Review: Kent & Medway's agreement"
    assert "Kent & Medway's agreement" in email.body


def test_a_line_break_cannot_reach_the_email_subject(in_tenant):
    tell([in_tenant.member("ig_officer")], title="Two\nlines")

    assert OutboxEmail.objects.get().subject == "Two lines"


def test_inactive_people_are_not_notified(in_tenant):
    left = in_tenant.member("senco")
    left.is_active = False
    left.save()
    deactivated = in_tenant.member("auditor")
    deactivated.user.is_active = False
    deactivated.user.save()

    tell([left, deactivated, in_tenant.member("manager")])

    assert list(Notice.objects.values_list("recipient_id", flat=True)) == [
        in_tenant.member("manager").pk
    ]
    assert OutboxEmail.objects.count() == 1


def test_a_member_of_another_partnership_is_refused(in_tenant, outsider):
    with pytest.raises(ValueError, match="active partnership"):
        tell([in_tenant.member("ig_officer"), outsider])

    assert not Notice.objects.exists()
    assert not OutboxEmail.objects.exists()


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/x", "breaches/1/"])
def test_a_link_is_a_path_in_the_service(in_tenant, link):
    with pytest.raises(ValidationError):
        tell([in_tenant.member("ig_officer")], link=link)

    assert not Notice.objects.exists()


# --- The inbox ---------------------------------------------------------------------------------


def test_the_inbox_lists_a_members_own_notices_newest_first(in_tenant):
    officer, manager = in_tenant.member("ig_officer"), in_tenant.member("manager")
    tell([officer], key="one", title="First")
    tell([officer, manager], key="two", title="Second")

    assert [n.title for n in inbox_list(membership=officer)] == ["Second", "First"]
    assert [n.title for n in inbox_list(membership=manager)] == ["Second"]
    assert inbox_unread_count(membership=officer) == 2


def test_marking_read_lowers_the_unread_count_once(in_tenant):
    officer = in_tenant.member("ig_officer")
    tell([officer], key="one")
    tell([officer], key="two")
    newest, oldest = inbox_list(membership=officer)

    assert inbox_mark_read(membership=officer, notice=newest) is True
    assert inbox_mark_read(membership=officer, notice=newest) is False
    assert inbox_unread_count(membership=officer) == 1
    assert list(inbox_list(membership=officer, unread_only=True)) == [oldest]

    assert inbox_mark_all_read(membership=officer) == 1
    assert inbox_unread_count(membership=officer) == 0


def test_someone_elses_notice_is_a_404_and_cannot_be_marked_read(in_tenant):
    officer, manager = in_tenant.member("ig_officer"), in_tenant.member("manager")
    tell([officer])
    notice = Notice.objects.get()

    assert notice_get(membership=officer, public_id=notice.public_id) == notice
    with pytest.raises(Http404):
        notice_get(membership=manager, public_id=notice.public_id)
    with pytest.raises(PermissionDenied):
        inbox_mark_read(membership=manager, notice=notice)
    assert inbox_unread_count(membership=officer) == 1


def test_another_partnerships_notices_are_invisible(in_tenant, outsider):
    with activate(outsider.tenant):
        tell([outsider])
        notice = Notice.objects.get()

    assert not Notice.objects.exists()
    with pytest.raises(Http404):
        notice_get(membership=in_tenant.member("ig_officer"), public_id=notice.public_id)


def test_the_page_header_gets_the_unread_count(partnership, client_for):
    officer = partnership.member("ig_officer")
    with activate(partnership.tenant):
        tell([officer], key="one")
        tell([officer], key="two")
        tell([partnership.member("manager")], key="three")

    response = client_for(officer).get(reverse("dashboard"))

    assert response.status_code == 200
    unread_notice_count = response.context["unread_notice_count"]
    with activate(partnership.tenant):
        # A callable, which a template calls while the request's tenant is active.
        assert (
            Template("{{ unread_notice_count }}").render(
                Context({"unread_notice_count": unread_notice_count})
            )
            == "2"
        )


def test_a_page_without_an_active_membership_counts_nothing(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert response.context["unread_notice_count"] == 0


def test_a_title_too_long_for_the_inbox_is_shortened_not_refused(in_tenant):
    """Titles are built from agreements' and organisations' names, which can be long; a notice
    refused for its length would be retried, and refused, at every sweep."""
    officer = in_tenant.member("ig_officer")
    long_title = "Overdue: the breach report of " + "A very long agreement title " * 10

    (notice,) = tell([officer], title=long_title)

    assert len(notice.title) == 200
    assert notice.title.endswith("…")
    assert long_title.startswith(notice.title[:-1])
    assert OutboxEmail.objects.get().subject == notice.title
