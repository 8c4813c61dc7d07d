"""What every reader of consent shares."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from consent.models import ConsentSettings


def _today() -> date:
    return timezone.localdate()


def consent_settings() -> ConsentSettings:
    """The active partnership's consent settings (the defaults, unsaved, if it has none)."""
    return ConsentSettings.objects.first() or ConsentSettings(review_months=12)
