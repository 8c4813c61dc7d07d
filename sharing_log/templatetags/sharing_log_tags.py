"""A decision's outcome and override status as GOV.UK tags, written in Python: the log's table
writes two for each of its fifty rows, and an included template each cost the page a tenth of
its time (docs/performance.md)."""

from django import template
from django.utils.html import format_html

from sharing_log.choices import Outcome, OverrideStatus

register = template.Library()

OUTCOME_COLOURS = {Outcome.SHARE: "green", Outcome.SHARE_IN_PART: "blue"}
OVERRIDE_TAGS = {
    OverrideStatus.PENDING: ("yellow", "Override waiting for a manager"),
    OverrideStatus.APPROVED: ("green", "Override approved"),
    OverrideStatus.REJECTED: ("red", "Override rejected"),
}


@register.simple_tag
def outcome_tag(outcome: str) -> str:
    """Share (green), share in part (blue) or not share (grey)."""
    colour = OUTCOME_COLOURS.get(outcome, "grey")
    label = Outcome(outcome).label if outcome in Outcome.values else outcome
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)


@register.simple_tag
def override_tag(status: str) -> str:
    """Nothing for a decision that overrides nothing."""
    if status not in OVERRIDE_TAGS:
        return ""
    colour, label = OVERRIDE_TAGS[status]
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)
