"""The 'due and overdue' page: a dry run of every reminder source for the viewer's scope. The
IG officer sees the whole partnership's, a manager what would go to their organisation, anyone
else what would go to them; nothing is sent or written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import Notice, Reminder
from partners.roles import Role
from tests.agreements.page_helpers import visible_text
from tests.breaches.conftest import london

pytestmark = pytest.mark.django_db

DUE = reverse("notifications_due")


def test_an_overdue_milestone_is_on_the_ig_officers_page_and_nothing_is_sent(
    world, breach, clock, client_for
):
    clock.move_to(london(2027, 1, 7, 9, 0), tick=False)
    notices = Notice.objects.count()

    text = visible_text(client_for(world.officer).get(DUE))

    assert "Breach milestones" in text
    assert (
        "Overdue Escalated: overdue: Partners notified — breach of "
        f"{world.agreement.title} by {world.school.name} identified on 18 December 2026" in text
    )
    assert "Overdue Overdue: Breach report distributed" in text
    # Only the latest stage of each deadline is listed.
    assert "Due 29 December 2026: Partners notified" not in text
    assert Reminder.objects.count() == 0
    assert Notice.objects.count() == notices


def test_a_manager_sees_what_would_go_to_their_organisation(world, breach, clock, client_for):
    clock.move_to(london(2027, 1, 5, 9, 0), tick=False)

    school = visible_text(client_for(world.school_manager).get(DUE))
    council = visible_text(client_for(world.council_manager).get(DUE))

    # The school distributes its report (due 6 January); the council tells the partners.
    assert "Breach report distributed" in school and "Partners notified" not in school
    assert "Partners notified" in council and "Breach report distributed" not in council


def test_someone_with_nothing_due_is_told_so(world, breach, clock, client_for):
    clock.move_to(london(2027, 1, 7, 9, 0), tick=False)
    response = client_for(world.member(Role.PRACTITIONER)).get(DUE)
    assert response.status_code == 200
    assert "Nothing is due or overdue." in visible_text(response)


def test_the_page_looks_ahead_as_far_as_asked(world, breach, client_for):
    client = client_for(world.officer)
    # On the day of reporting nothing is due yet; within 7 days "due in 2 working days" is.
    assert "Nothing is due or overdue." in visible_text(client.get(DUE, {"ahead": "0"}))
    ahead = visible_text(client.get(DUE, {"ahead": "7"}))
    assert "Coming up Due 29 December 2026: Partners notified" in ahead
