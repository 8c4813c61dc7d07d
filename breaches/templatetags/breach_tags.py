"""How a milestone stands, as a GOV.UK tag written in Python: the breach register writes one for
each of its fifty rows, and an included template each was a large part of its time
(docs/performance.md)."""

from django import template
from django.utils.html import format_html

from breaches.choices import MilestoneState
from breaches.selectors import MilestoneStatus

register = template.Library()


def _days(count: int) -> str:
    return f"{count} working day{'' if count == 1 else 's'}"


@register.simple_tag
def deadline_tag(status: MilestoneStatus) -> str:
    """Overdue (by N working days), due today, N working days left (yellow when two or fewer),
    done late, done, or waiting for the meeting."""
    state = status.state
    if state == MilestoneState.OVERDUE:
        by = status.working_days_overdue
        label = f"Overdue by {_days(by)}" if by else "Overdue"
        colour = "red"
    elif state == MilestoneState.DUE_TODAY:
        label, colour = "Due today", "orange"
    elif state == MilestoneState.DUE:
        left = status.working_days_left
        label, colour = f"{_days(left)} left", "yellow" if left <= 2 else "blue"
    elif state == MilestoneState.DONE_LATE:
        label, colour = "Done late", "pink"
    elif state == MilestoneState.DONE:
        label, colour = "Done", "green"
    else:
        label, colour = "Waits for the meeting", "grey"
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)
