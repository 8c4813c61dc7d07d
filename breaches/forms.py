"""Forms of the breach pages. They parse what was typed; the services check the rules and save,
and their errors are put back on the fields (breaches/views/base.py).

A moment (when a breach was identified, when the meeting is) is asked as a date and a time of
day in the partnership's time zone, and handed to the service as one aware datetime. Steps of the
partners' meeting happen on the day it was held, so they ask for the time only.
"""

from __future__ import annotations

import datetime as dt

from django import forms

from agreements.forms import ReviewActionCompleteForm, ReviewActionForm, _date, _text
from agreements.models import IN_FORCE_STATUSES
from agreements.selectors import agreements_visible_to
from breaches.choices import TellingMethod
from partners.fields import (
    DOCUMENT_TYPES,
    EVIDENCE_TYPES,
    OrganisationChoiceField,
    OrganisationChoiceMixin,
    clean_document,
)
from partners.models import Membership, Organisation
from partners.reminders import local_today, tenant_zone
from partners.roles import can

YES_NO = [("yes", "Yes"), ("no", "No")]
UPLOAD_LIMIT_MB = 10


def _time(label: str, *, required: bool = True, help_text: str = "") -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        help_text=help_text or "24-hour clock, for example 14:30",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
        error_messages={
            "required": f"Enter the {label[0].lower()}{label[1:]}",
            "invalid": f"{label} must be a real time, like 09:30 or 14:30",
        },
    )


def _yes_no(label: str, *, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"required": f"Select yes or no: {label[0].lower()}{label[1:]}"},
    )


def _upload(label: str, allowed: dict[str, str], help_text: str) -> forms.FileField:
    accept = ",".join(f".{extension}" for extension in allowed)
    return forms.FileField(
        label=label,
        required=False,
        widget=forms.FileInput(attrs={"accept": accept}),
        help_text=help_text,
        error_messages={"empty": "The selected file is empty"},
    )


def moment(day: dt.date, clock: dt.time, tenant) -> dt.datetime:
    """A date and a time of day in the partnership's time zone, as one aware datetime."""
    return dt.datetime.combine(day, clock, tzinfo=tenant_zone(tenant))


def partnership_today(tenant) -> dt.date:
    return local_today(tenant)


# --- Reporting a breach ------------------------------------------------------------------------


class InForceAgreementField(forms.ModelChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(queryset=None, to_field_name="public_id", **kwargs)

    def label_from_instance(self, obj) -> str:
        return obj.title


class BreachReportForm(OrganisationChoiceMixin, forms.Form):
    FIELDSETS = (
        (
            "The breach",
            (
                "agreement",
                "title",
                "reporting_organisation",
                "organisation_in_breach",
                "identified_on",
                "identified_time",
                "occurred_on",
                "description",
                "containment",
            ),
        ),
        (
            "Personal data",
            (
                "personal_data_involved",
                "personal_data_categories",
                "special_category_data",
                "people_affected",
            ),
        ),
    )

    agreement = InForceAgreementField(
        label="Agreement that was breached",
        empty_label="Select an agreement",
        error_messages={"required": "Select the agreement that was breached"},
    )
    title = forms.CharField(
        label="Short description",
        max_length=200,
        help_text="For the register, for example: Assessment report emailed to the wrong "
        "school. Never a child's name or details.",
        error_messages={"required": "Enter a short description of the breach"},
    )
    reporting_organisation = OrganisationChoiceField(
        only_active=True,
        label="Reported by",
        empty_label="Select an organisation",
        error_messages={"required": "Select the organisation reporting the breach"},
    )
    organisation_in_breach = OrganisationChoiceField(
        label="Organisation in breach",
        empty_label="Select an organisation",
        help_text="It must have signed the agreement.",
        error_messages={"required": "Select the organisation in breach"},
    )
    identified_on = _date(
        "Date identified", help_text="Day 0 of every deadline. For example, 27 3 2026"
    )
    identified_time = _time("Time identified")
    occurred_on = _date("Date it occurred", required=False, help_text="If known.")
    description = _text(
        "What happened",
        help_text="How it happened and how it was found. Refer to people by their role, not "
        "their name.",
    )
    containment = _text("Containment taken", required=False, rows=3)
    personal_data_involved = _yes_no(
        "Was personal data involved?",
        help_text="If yes, whether to report it to the ICO is decided within 72 hours.",
    )
    personal_data_categories = forms.CharField(
        label="Categories of personal data",
        required=False,
        max_length=2000,
        help_text="If personal data was involved, for example: contact details, SEN records.",
    )
    special_category_data = forms.BooleanField(
        label="Special category data was involved (health, for example)", required=False
    )
    people_affected = forms.IntegerField(
        label="Approximate number of people affected",
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={"invalid": "Enter the number of people as a whole number"},
    )

    def __init__(self, *args, viewer: Membership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.fields["agreement"].queryset = (
            agreements_visible_to(viewer)
            .filter(status__in=IN_FORCE_STATUSES, document_version__gte=1)
            .order_by("title")
        )
        if not can(viewer, "breaches.manage"):
            # A manager reports for their own organisation.
            del self.fields["reporting_organisation"]
        else:
            self.initial.setdefault("reporting_organisation", viewer.organisation.public_id)
        tenant = viewer.tenant
        self.initial.setdefault("identified_on", partnership_today(tenant))

    @property
    def fieldsets(self) -> list[tuple[str, list]]:
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.FIELDSETS
        ]

    def report_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["reporting_organisation"] = data.get(
            "reporting_organisation", self.viewer.organisation
        )
        data["identified_at"] = moment(
            data.pop("identified_on"), data.pop("identified_time"), self.viewer.tenant
        )
        data["personal_data_categories"] = data["personal_data_categories"] or ""
        return data


class BreachEndForm(forms.Form):
    reason = _text("Reason", rows=3)


# --- Partners told and milestones ----------------------------------------------------------------


class PartnerToldForm(forms.Form):
    told_on = _date("Date they were told")
    contact_name = forms.CharField(
        label="Who was told",
        max_length=150,
        help_text="Their name and role, for example: Sam Patel, IG lead.",
        error_messages={"required": "Enter who was told"},
    )
    method = forms.ChoiceField(
        label="How were they told?",
        choices=TellingMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they were told"},
    )
    notes = _text("Notes", required=False, rows=2)


class AcknowledgedForm(forms.Form):
    acknowledged_on = _date("Date they acknowledged it")


class MilestoneCompleteForm(forms.Form):
    done_on = _date("Date done")
    evidence = _text(
        "Evidence",
        help_text="What was done and to whom it went, for example: report sent by secure email "
        "to every partner's IG lead.",
        rows=3,
    )
    evidence_file = _upload(
        "Upload a document (optional)",
        EVIDENCE_TYPES,
        "A PDF, DOCX, ODT, PNG or JPG file, smaller than 10MB.",
    )

    def clean_evidence_file(self):
        return clean_document(
            self.cleaned_data.get("evidence_file"),
            allowed=EVIDENCE_TYPES,
            max_megabytes=UPLOAD_LIMIT_MB,
        )


# --- The partners' meeting ---------------------------------------------------------------------


class MeetingScheduleForm(forms.Form):
    scheduled_on = _date("Date of the meeting")
    scheduled_time = _time("Time of the meeting")
    location = forms.CharField(
        label="Where or how",
        max_length=200,
        required=False,
        help_text="For example, Sessions House, or a video call.",
    )

    def moment_fields(self, tenant) -> dict:
        data = self.cleaned_data
        return {
            "scheduled_for": moment(data["scheduled_on"], data["scheduled_time"], tenant),
            "location": data["location"],
        }


class MeetingHeldForm(forms.Form):
    held_on = _date("Date the meeting was held")
    chair = forms.CharField(label="Chair", max_length=150, required=False)
    location = forms.CharField(label="Where or how", max_length=200, required=False)


class AttendeeForm(OrganisationChoiceMixin, forms.Form):
    organisation = OrganisationChoiceField(
        label="Attending for",
        empty_label="Select an organisation",
        error_messages={"required": "Select the organisation they attended for"},
    )
    name = forms.CharField(
        label="Name", max_length=150, error_messages={"required": "Enter the attendee's name"}
    )
    job_title = forms.CharField(label="Job title", max_length=150, required=False)


class _OnTheDay(forms.Form):
    """A step of the meeting: a time on the day it was held."""

    time_field = ""

    def moment(self, meeting) -> dt.datetime:
        return moment(meeting.held_on, self.cleaned_data[self.time_field], meeting.breach.tenant)


class PresentedForm(_OnTheDay):
    time_field = "presented_time"
    presented_time = _time("Time it presented")
    presentation = _text(
        "What it presented", help_text="Its report, and any action taken since.", rows=4
    )


class WithdrewForm(_OnTheDay):
    time_field = "withdrew_time"
    withdrew_time = _time("Time it withdrew")


class DecideForm(_OnTheDay):
    time_field = "decided_time"
    deliberation = _text("What the partners considered", required=False, rows=4)
    sanctions = _text(
        "Sanctions", help_text="The sanctions imposed, or that none were imposed.", rows=3
    )
    decided_time = _time("Time of the decision")


class RecalledForm(_OnTheDay):
    time_field = "recalled_time"
    recalled_time = _time("Time it was recalled")
    recall_notes = _text(
        "What it was told", help_text="The agreed action and sanctions, as told.", rows=3
    )


# An agreed action has what an action of a review's implementation plan has: what, whose, when.
ActionForm = ReviewActionForm
ActionCompleteForm = ReviewActionCompleteForm


class MinutesForm(forms.Form):
    minutes_text = _text(
        "Minutes",
        required=False,
        help_text="Who attended, what the organisation in breach presented, the agreed actions "
        "and the sanctions. Or upload them below.",
        rows=8,
    )
    minutes_file = _upload(
        "Upload the minutes (optional)",
        DOCUMENT_TYPES,
        "A PDF, DOCX or ODT file, smaller than 10MB.",
    )

    def clean_minutes_file(self):
        return clean_document(
            self.cleaned_data.get("minutes_file"),
            allowed=DOCUMENT_TYPES,
            max_megabytes=UPLOAD_LIMIT_MB,
        )


class CirculateForm(forms.Form):
    circulated_on = _date("Date the minutes were circulated")
    circulated_to = forms.CharField(
        label="Circulated to",
        max_length=300,
        help_text="For example, every signatory's IG lead.",
        error_messages={"required": "Say to whom the minutes were circulated"},
    )


# --- The ICO assessment ------------------------------------------------------------------------


class IcoDecideForm(forms.Form):
    must_report = _yes_no(
        "Must the breach be reported to the ICO?",
        help_text="Unless it is unlikely to result in a risk to people's rights and freedoms "
        "(UK GDPR Article 33).",
    )
    reasons = _text("Reasons", rows=4)
    tell_people = _yes_no(
        "Must the people affected be told?",
        help_text="When it is likely to result in a high risk to them (Article 34).",
    )
    tell_people_reasons = _text(
        "Why they must be told", required=False, help_text="Needed if they must be told.", rows=3
    )


class IcoReportedForm(forms.Form):
    reported_on = _date("Date reported to the ICO")
    reported_time = _time("Time reported")
    ico_reference = forms.CharField(
        label="ICO reference",
        max_length=50,
        error_messages={"required": "Enter the reference the ICO gave"},
    )
    delay_reasons = _text(
        "Reasons for the delay",
        required=False,
        help_text="Needed when it was reported more than 72 hours after becoming aware.",
        rows=3,
    )

    def report_fields(self, tenant) -> dict:
        data = self.cleaned_data
        return {
            "reported_at": moment(data["reported_on"], data["reported_time"], tenant),
            "ico_reference": data["ico_reference"],
            "delay_reasons": data["delay_reasons"],
        }


class PeopleToldForm(forms.Form):
    told_on = _date("Date the people affected were told")


# --- Indemnity events --------------------------------------------------------------------------


class IndemnityNotifyForm(OrganisationChoiceMixin, forms.Form):
    suffering_partner = OrganisationChoiceField(
        label="Suffering partner",
        empty_label="Select an organisation",
        help_text="The partner that suffered the claim or loss.",
        error_messages={"required": "Select the suffering partner"},
    )
    alleged_contributor = OrganisationChoiceField(
        label="Alleged contributor",
        empty_label="Select an organisation",
        help_text="The partner whose act, omission or negligence is alleged to have contributed.",
        error_messages={"required": "Select the alleged contributor"},
    )
    description = _text("Details of the indemnity event", rows=4)
    notified_on = _date("Date written notice was given")
    council_notified_on = _date(
        "Date the council was told",
        required=False,
        help_text="Unless the council is the suffering partner or the alleged contributor.",
    )

    def __init__(self, *args, viewer: Membership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        if not can(viewer, "breaches.manage"):
            del self.fields["suffering_partner"]
        self.initial.setdefault("notified_on", partnership_today(viewer.tenant))

    def notice_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.setdefault("suffering_partner", self.viewer.organisation)
        return data


class IndemnityResponseForm(forms.Form):
    responded_on = _date("Date of the written response")
    response = _text("The written response", help_text="A summary of what it said.", rows=4)
    response_file = _upload(
        "Upload the response (optional)",
        DOCUMENT_TYPES,
        "A PDF, DOCX or ODT file, smaller than 10MB.",
    )

    def clean_response_file(self):
        return clean_document(
            self.cleaned_data.get("response_file"),
            allowed=DOCUMENT_TYPES,
            max_megabytes=UPLOAD_LIMIT_MB,
        )


# --- The register's filters ----------------------------------------------------------------------


def organisation_by_public_id(value: str) -> Organisation | None:
    """The partnership's organisation with this public id, or None for anything else."""
    try:
        return Organisation.objects.filter(public_id=value).first() if value else None
    except (ValueError, forms.ValidationError):
        return None
