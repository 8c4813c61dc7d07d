"""Writes of the sharing decision log. Split by concern; import from `sharing_log.services`."""

from sharing_log.services.decisions import (
    MAX_BATCH,
    BatchInvalid,
    decision_record,
    decision_supersede,
    decisions_record,
)
from sharing_log.services.drafts import DecisionDraft, RecipientSpec
from sharing_log.services.notices import inaccuracy_acknowledge, inaccuracy_notice_record
from sharing_log.services.overrides import override_decide

__all__ = [
    "MAX_BATCH",
    "BatchInvalid",
    "DecisionDraft",
    "RecipientSpec",
    "decision_record",
    "decision_supersede",
    "decisions_record",
    "inaccuracy_acknowledge",
    "inaccuracy_notice_record",
    "override_decide",
]
