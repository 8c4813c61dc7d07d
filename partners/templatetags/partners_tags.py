"""Someone's IG training as a GOV.UK tag and the words on its expiry, written in Python: the
people list writes them for each of its hundred rows, and an included template each cost the
page a fifth of its time (docs/performance.md, (h))."""

from datetime import date

from django import template
from django.utils.html import format_html

from partners.reminders import long_date

register = template.Library()

TRAINING_TAGS = {
    "current": ("green", "Current"),
    "expired": ("red", "Out of date"),
    "none": ("yellow", "Not recorded"),
}


@register.simple_tag
def training_tag(status: str) -> str:
    """`status` is "current", "expired" or "none" (partners.selectors.training_state)."""
    colour, label = TRAINING_TAGS.get(status, TRAINING_TAGS["none"])
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)


@register.simple_tag
def training_expiry(status: str, expires_on: date | None) -> str:
    """When someone's IG training runs out, in the words beside its tag: "until 5 January
    2027" while current, "lapsed on 5 January 2027" after; nothing when none is recorded."""
    if expires_on is None:
        return ""
    return f"{'until' if status == 'current' else 'lapsed on'} {long_date(expires_on)}"
