"""What every reader of consent shares."""

from __future__ import annotations

from datetime import date

from django.utils import timezone


def _today() -> date:
    return timezone.localdate()
