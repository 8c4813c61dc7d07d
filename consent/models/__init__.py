"""Children and young people, the team around them, and their consent. Split by concern; import
from `consent.models`."""

from consent.models.consents import (
    ConsentEvent,
    ConsentPurpose,
    ConsentRecipient,
    ConsentRecord,
    ConsentThirdParty,
)
from consent.models.requests import ConsentSettings, SubjectAccessRequest
from consent.models.subjects import (
    DataSubject,
    DataSubjectGroupObjectPermission,
    DataSubjectUserObjectPermission,
    OrganisationGroup,
    TeamMember,
)

__all__ = [
    "ConsentEvent",
    "ConsentPurpose",
    "ConsentRecipient",
    "ConsentRecord",
    "ConsentSettings",
    "ConsentThirdParty",
    "DataSubject",
    "DataSubjectGroupObjectPermission",
    "DataSubjectUserObjectPermission",
    "OrganisationGroup",
    "SubjectAccessRequest",
    "TeamMember",
]
