"""What the sharing log's API tests share: a decision as the API takes it, and posting JSON."""

from __future__ import annotations

from tests.sharing_log.conftest import ALL_YES


def body(log, child, **changes) -> dict:
    """A share of minimum information with the council on consent, as JSON."""
    values = {
        "subject": str(child.public_id) if child else None,
        "outcome": "share",
        "purpose": "Statutory assessment and EHC plan",
        "agreement": str(log.agreement.public_id),
        "consent_scope": str(log.statutory.public_id),
        "information_level": "minimum",
        "information_description": "Attendance this term.",
        "reasons": "Needed for the EHC needs assessment.",
        "identity_check": "call_back",
        "requested_by_name": "Sam Officer",
        "requested_by_organisation": str(log.council.public_id),
        "requested_by_role": "SEN casework officer",
        "recipients": [{"organisation": str(log.council.public_id), "person_name": "Sam Officer"}],
        "basis": "consent",
        "method": "method_1",
        "channel": "secure_email",
        "record_location": "School MIS",
        **ALL_YES,
    }
    values.update(changes)
    return values


def post(client, url, data):
    return client.post(url, data, content_type="application/json")
