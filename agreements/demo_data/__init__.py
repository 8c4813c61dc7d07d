"""The demo agreements, as data. Wording follows the seeds in shared/seeds, brought up to date
(UK GDPR and the Data Protection Act 2018 instead of the 1998 Act). People and contacts are
invented; every name ends "(demo)" or belongs to the demo users. `agreements/demo.py` builds
them."""

from agreements.demo_data.haringey import HARINGEY, HARINGEY_ORGANISATIONS, HARINGEY_PROTOCOL
from agreements.demo_data.kent import (
    BUCKS_CODE,
    BUCKS_PROTOCOL,
    GOLDEN_RULES,
    ISA,
    KENT_AGREEMENTS,
    SCHOOLS,
    SEND_SOP,
)
from agreements.demo_data.specs import AgreementSpec, SignatorySpec

DEMO_AGREEMENTS: dict[str, tuple[AgreementSpec, ...]] = {
    "kent": KENT_AGREEMENTS,
    "haringey": HARINGEY_PROTOCOL,
}

__all__ = [
    "BUCKS_CODE",
    "BUCKS_PROTOCOL",
    "DEMO_AGREEMENTS",
    "GOLDEN_RULES",
    "HARINGEY",
    "HARINGEY_ORGANISATIONS",
    "ISA",
    "SCHOOLS",
    "SEND_SOP",
    "AgreementSpec",
    "SignatorySpec",
]
