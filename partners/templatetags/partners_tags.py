"""Someone's IG training as a GOV.UK tag, written in Python: the people list writes one for each
of its hundred rows, and an included template each cost the page a fifth of its time
(docs/performance.md, (h))."""

from django import template
from django.utils.html import format_html

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
