"""The forms around a recorded decision (a manager's answer to an override, inaccuracy notices
and their acknowledgement) and the log's filters."""

import uuid

from django import forms

from partners.fields import OrganisationChoiceField
from partners.models import Membership
from partners.roles import CAPABILITIES
from sharing_log.choices import (
    ApprovalOutcome,
    Basis,
    Outcome,
)
from sharing_log.forms.fields import MemberChoiceField, date_field, text_field

# --- Overrides, inaccuracy notices ----------------------------------------------------------


class ApprovalForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Do you approve overriding confidentiality?",
        choices=[
            (ApprovalOutcome.APPROVED, "Approve"),
            (ApprovalOutcome.REJECTED, "Reject"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you approve or reject the override"},
    )
    reasons = text_field(
        "Your reasons",
        help_text="They are recorded with your decision and sent to the practitioner.",
        error="Enter your reasons",
    )


class InaccuracyNoticeForm(forms.Form):
    what_was_wrong = text_field(
        "Which information was inaccurate or out of date?",
        error="Enter which information was inaccurate or out of date",
    )
    correction = text_field(
        "The correct information, or what recipients should do",
        required=False,
        help_text="Every organisation that received it is told and asked to acknowledge.",
    )


class AcknowledgeForm(forms.Form):
    note = text_field(
        "What has your organisation done?",
        required=False,
        help_text="For example, records updated on 3 March.",
        rows=2,
    )


# --- The log's filters ------------------------------------------------------------------------


class LogFilterForm(forms.Form):
    """The log's filters, read from the query string (nothing in them names a child)."""

    decided_from = date_field("Decided from", help_text="For example, 1 4 2026")
    decided_to = date_field("Decided up to", help_text="For example, 30 4 2026")
    outcome = forms.ChoiceField(
        label="Decision", choices=[("", "Any decision"), *Outcome.choices], required=False
    )
    basis = forms.ChoiceField(
        label="Legal basis", choices=[("", "Any basis"), *Basis.choices], required=False
    )
    recipient = OrganisationChoiceField(
        label="Shared with", required=False, empty_label="Any organisation"
    )
    organisation = OrganisationChoiceField(
        label="Decided by organisation", required=False, empty_label="Any organisation"
    )
    practitioner = MemberChoiceField(
        queryset=None,
        to_field_name="public_id",
        label="Decided by",
        required=False,
        empty_label="Anyone",
    )

    def __init__(self, *args, viewer: Membership, sees_all: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not sees_all:
            del self.fields["organisation"]
        # Both lists offer every organisation of the partnership, a thousand options, written
        # once while they are unchanged and found once for both (cleaning still checks the
        # choice against the queryset).
        prebuilt = None
        for name in ("recipient", "organisation"):
            if name in self.fields:
                self.fields[name].load_choices()
                self.fields[name].prebuild_options(prebuilt)
                prebuilt = self.fields[name].widget.prebuilt
        # The people who record decisions: of the organisation chosen (or the viewer's own).
        organisation = viewer.organisation
        if sees_all and self.is_bound:
            chosen = self.data.get("organisation")
            found = (
                self.fields["organisation"].queryset.filter(public_id=chosen).first()
                if (chosen and _is_uuid(chosen))
                else None
            )
            organisation = found or organisation
        self.fields["practitioner"].queryset = (
            Membership.objects.filter(
                organisation=organisation, role__in=CAPABILITIES["decisions.record"]
            )
            .select_related("user", "organisation")
            .order_by("user__full_name", "pk")
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("decided_from"), data.get("decided_to")
        if start and end and start > end:
            self.add_error("decided_to", "The end date must be the same as or after the start")
        return data


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
