"""The sharing decision log. Split by concern; import from `sharing_log.models`."""

from sharing_log.models.decisions import (
    GENESIS_HASH,
    DecisionRecipient,
    OverrideApproval,
    SharingDecision,
    SharingLogHead,
)
from sharing_log.models.notices import (
    InaccuracyAcknowledgement,
    InaccuracyNotice,
    InaccuracyNoticeRecipient,
)

__all__ = [
    "GENESIS_HASH",
    "DecisionRecipient",
    "InaccuracyAcknowledgement",
    "InaccuracyNotice",
    "InaccuracyNoticeRecipient",
    "OverrideApproval",
    "SharingDecision",
    "SharingLogHead",
]
