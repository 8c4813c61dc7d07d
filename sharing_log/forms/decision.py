"""The decision form, in the order of the government's flowchart, its recipients, and the
correction of a recorded decision."""

from django import forms
from django.forms import formset_factory

from agreements.choices import Channel, InformationLevel, SharingMethod
from agreements.models import Agreement, ConsentScope, DataItem
from consent.choices import SpecialCategory
from partners.fields import OrganisationChoiceField
from partners.models import Membership
from sharing_log.choices import (
    GOLDEN_RULE_6_CHECKS,
    AdviceSource,
    Basis,
    IdentityCheck,
    Outcome,
)
from sharing_log.forms.fields import (
    AgreementChoiceField,
    DataItemsField,
    FieldsetsMixin,
    GatewayChoiceField,
    ScopeChoiceField,
    date_field,
    in_force_agreements,
    line_field,
    text_field,
    yes_no_field,
)
from sharing_log.selectors import statutory_gateways
from sharing_log.services import DecisionDraft, RecipientSpec

# --- Recipients -------------------------------------------------------------------------------


class RecipientForm(forms.Form):
    """One recipient: a partner organisation, or an organisation outside the partnership by
    name, and the person there (with their role). A row left empty is ignored."""

    organisation = OrganisationChoiceField(
        label="Partner organisation", required=False, empty_label="Not a partner organisation"
    )
    organisation_name = line_field(
        "Organisation outside the partnership",
        help_text="Only when it is not a partner organisation.",
        max_length=200,
    )
    person_name = line_field("Name of the person")
    person_role = line_field("Their role")

    def __init__(self, *args, organisations=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        if organisations is not None:
            field.queryset = organisations
        else:
            field.load_choices()

    def spec(self) -> RecipientSpec | None:
        data = getattr(self, "cleaned_data", {}) or {}
        spec = RecipientSpec(
            organisation=data.get("organisation"),
            organisation_name=(data.get("organisation_name") or "").strip(),
            person_name=(data.get("person_name") or "").strip(),
            person_role=(data.get("person_role") or "").strip(),
        )
        if not (spec.organisation or spec.organisation_name or spec.person_name):
            return None
        return spec


class BaseRecipientFormSet(forms.BaseFormSet):
    def __init__(self, *args, organisations=None, **kwargs) -> None:
        self.organisations = organisations
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "organisations": self.organisations}

    def specs(self) -> list[RecipientSpec]:
        return [spec for form in self.forms if (spec := form.spec()) is not None]


RecipientFormSet = formset_factory(
    RecipientForm, formset=BaseRecipientFormSet, extra=2, max_num=20, absolute_max=20
)


# --- The decision -----------------------------------------------------------------------------


class DecisionForm(FieldsetsMixin, forms.Form):
    """Everything `decision_record` takes, in the order of the government's flowchart."""

    FIELDSETS = (
        ("purpose", "1. Purpose", ("purpose", "agreement", "consent_scope")),
        (
            "consent",
            "2. Consent and the legal basis",
            (
                "basis",
                "statutory_gateway",
                "request_reference",
                "basis_details",
                "immediate_risk",
            ),
        ),
        (
            "override",
            "3. Overriding confidentiality",
            ("override_reasons", "override_evidence", "third_parties_informed"),
        ),
        (
            "what",
            "4. What and with whom",
            (
                "outcome",
                "information_level",
                "data_items",
                "special_categories",
                "information_description",
                "protected_identities",
            ),
        ),
        (
            "requester",
            "Who asked for the information",
            (
                "requested_by_name",
                "requested_by_organisation",
                "requested_by_organisation_name",
                "requested_by_role",
                "identity_check",
                "identity_check_details",
            ),
        ),
        ("how", "5. How", ("method", "channel", "record_location")),
        ("checks", "Golden Rule 6: is the sharing…", (*GOLDEN_RULE_6_CHECKS, "checks_note")),
        ("advice", "Advice", ("advice_sought", "advice_given")),
        ("reasons", "Your reasons", ("reasons", "will_reconsider", "reconsider_on")),
    )

    # 1. Purpose
    purpose = text_field(
        "What is the purpose of sharing?",
        help_text="Why the information is being shared, or was asked for. Information shared "
        "for one purpose must not be used for another.",
        error="Enter the purpose of sharing",
    )
    agreement = AgreementChoiceField(
        queryset=None,
        to_field_name="public_id",
        required=False,
        label="Which agreement does the sharing rely on?",
        empty_label="No agreement",
        help_text="Its data items are offered under “What and with whom”.",
    )
    consent_scope = ScopeChoiceField(
        queryset=None,
        to_field_name="public_id",
        required=False,
        label="Which consent scope does the purpose fall under?",
        empty_label="None: check consent for the purpose as written",
    )
    # 2. Consent and the legal basis
    basis = forms.ChoiceField(
        label="What is the legal basis for sharing?",
        choices=Basis.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="Protecting a child from harm comes first, and consent is often not the right "
        "basis. A decision not to share may leave this empty.",
    )
    statutory_gateway = GatewayChoiceField(
        queryset=None,
        to_field_name="public_id",
        required=False,
        label="Statutory gateway",
        empty_label="Select the legal gateway",
        help_text="For a statutory function: the power or duty relied on.",
    )
    request_reference = line_field(
        "Reference of the request or order",
        help_text="For a police request, the reference of its Section 29(3) form (required). "
        "For a court order or a Home Office request, its reference.",
        max_length=100,
    )
    basis_details = text_field("More about the legal basis", required=False)
    immediate_risk = forms.BooleanField(
        label="A child is at immediate risk of harm: there is no time to wait for a manager",
        required=False,
        help_text="The sharing is recorded now and approved by a designated manager afterwards.",
    )
    # 3. Overriding confidentiality
    override_reasons = text_field(
        "Why confidentiality is being overridden",
        required=False,
        help_text="Needed when you share detailed or sensitive information without consent, or "
        "against a refusal (Haringey 4.6–4.7).",
    )
    override_evidence = text_field(
        "The evidence and information the decision is based on", required=False
    )
    third_parties_informed = text_field(
        "Third parties, and everything they have been given", required=False
    )
    # 4. What and with whom
    outcome = forms.ChoiceField(
        label="What is your decision?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you share, share in part or do not share"},
    )
    information_level = forms.ChoiceField(
        label="Level of the information",
        choices=InformationLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the level of the information"},
    )
    data_items = DataItemsField(
        queryset=None,
        to_field_name="public_id",
        required=False,
        label="Which of the agreement's data items?",
        widget=forms.CheckboxSelectMultiple,
    )
    special_categories = forms.MultipleChoiceField(
        label="Special category data among it",
        choices=SpecialCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )
    information_description = text_field(
        "What information is shared, or withheld?",
        help_text="What exactly, in words.",
        error="Enter what information is shared or withheld",
    )
    protected_identities = text_field(
        "People whose identity must be protected",
        required=False,
        help_text="Anyone named who must be redacted before the information is shared.",
    )
    # Who asked
    requested_by_name = line_field("Name of the person who asked")
    requested_by_organisation = OrganisationChoiceField(
        label="Their organisation", required=False, empty_label="Not a partner organisation"
    )
    requested_by_organisation_name = line_field(
        "Their organisation, if not a partner", max_length=200
    )
    requested_by_role = line_field("Their role")
    identity_check = forms.ChoiceField(
        label="How did you confirm who they are?",
        choices=IdentityCheck.choices,
        widget=forms.RadioSelect,
        help_text="Safe Haven: confirm the identity of whoever asks before sharing anything.",
        error_messages={"required": "Select how you confirmed the identity of who asked"},
    )
    identity_check_details = text_field("More about how you confirmed it", required=False, rows=2)
    # 5. How
    method = forms.ChoiceField(
        label="Method of sharing",
        choices=SharingMethod.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="Needed when you share; not for a decision not to share.",
    )
    channel = forms.ChoiceField(
        label="Channel",
        choices=[("", "Select the channel"), *Channel.choices],
        required=False,
        help_text="Needed when you share.",
    )
    record_location = line_field(
        "Where is the record of what was shared kept?",
        help_text="For example, the child's file in the case management system.",
        max_length=300,
    )
    # Golden Rule 6
    check_necessary = yes_no_field("Necessary for the purpose?")
    check_proportionate = yes_no_field("Proportionate: no more than is needed?")
    check_relevant = yes_no_field("Relevant to the purpose?")
    check_adequate = yes_no_field("Adequate for the purpose?")
    check_accurate = yes_no_field("Accurate and up to date?")
    check_timely = yes_no_field("Timely?")
    check_secure = yes_no_field("Shared securely?")
    checks_note = text_field(
        "About the checks",
        required=False,
        help_text="Needed when you share and answer any check “No”.",
    )
    # Advice
    advice_sought = forms.MultipleChoiceField(
        label="Whose advice did you seek?",
        choices=AdviceSource.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Seek advice if you are in any doubt, without naming the person where "
        "possible (Golden Rule 3).",
    )
    advice_given = text_field("What advice was given?", required=False)
    # Reasons
    reasons = text_field(
        "Your reasons for the decision",
        help_text="Record your reasons whether or not you share (Golden Rule 7).",
        error="Enter your reasons for the decision",
    )
    will_reconsider = yes_no_field(
        "If you decided not to share, will the decision be reconsidered?",
        required=False,
    )
    reconsider_on = date_field("When will it be reconsidered?")

    def __init__(self, *args, viewer: Membership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        agreements = in_force_agreements(viewer)
        self.fields["agreement"].queryset = agreements
        self.fields["consent_scope"].queryset = (
            ConsentScope.objects.filter(agreement__in=agreements)
            .select_related("agreement")
            .order_by("agreement__title", "position", "id")
        )
        self.fields["statutory_gateway"].queryset = statutory_gateways()
        self.fields["requested_by_organisation"].load_choices()
        self.fields["data_items"].queryset = self._data_items(agreements)

    def _data_items(self, agreements):
        """The data items of the agreement chosen (as posted, or as given initially)."""
        chosen = self.data.get(self.add_prefix("agreement")) if self.is_bound else None
        if chosen is None:
            initial = self.initial.get("agreement")
            chosen = getattr(initial, "public_id", initial)
        if not chosen:
            return DataItem.objects.none()
        try:
            agreement = agreements.get(public_id=chosen)
        except (Agreement.DoesNotExist, ValueError, forms.ValidationError):
            return DataItem.objects.none()
        return DataItem.objects.filter(agreement=agreement).order_by("position", "id")

    def clean(self):
        data = super().clean()
        agreement, items = data.get("agreement"), data.get("data_items")
        if items and agreement and any(item.agreement_id != agreement.pk for item in items):
            self.add_error("data_items", "Select data items of the agreement chosen")
        return data

    def draft(self, *, subject, recipients: list[RecipientSpec]) -> DecisionDraft:
        data = self.cleaned_data
        return DecisionDraft(
            subject=subject,
            outcome=data["outcome"],
            purpose=data["purpose"].strip(),
            information_level=data["information_level"],
            information_description=data["information_description"].strip(),
            reasons=data["reasons"].strip(),
            identity_check=data["identity_check"],
            checks={name: data[name] for name in GOLDEN_RULE_6_CHECKS},
            recipients=recipients,
            basis=data["basis"],
            requested_by_name=data["requested_by_name"].strip(),
            requested_by_organisation=data["requested_by_organisation"],
            requested_by_organisation_name=data["requested_by_organisation_name"].strip(),
            requested_by_role=data["requested_by_role"].strip(),
            identity_check_details=data["identity_check_details"].strip(),
            agreement=data["agreement"],
            consent_scope=data["consent_scope"],
            data_items=list(data["data_items"] or ()),
            special_categories=list(data["special_categories"]),
            method=data["method"],
            channel=data["channel"],
            record_location=data["record_location"].strip(),
            statutory_gateway=data["statutory_gateway"],
            request_reference=data["request_reference"].strip(),
            basis_details=data["basis_details"].strip(),
            immediate_risk=data["immediate_risk"],
            checks_note=data["checks_note"].strip(),
            advice_sought=list(data["advice_sought"]),
            advice_given=data["advice_given"].strip(),
            protected_identities=data["protected_identities"].strip(),
            will_reconsider=data["will_reconsider"],
            reconsider_on=data["reconsider_on"],
            override_reasons=data["override_reasons"].strip(),
            override_evidence=data["override_evidence"].strip(),
            third_parties_informed=data["third_parties_informed"].strip(),
        )

    def preview_inputs(self) -> dict:
        """What the live consent check needs, from what has been typed so far (valid or not)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        data = self.cleaned_data
        return {
            "purpose": (data.get("purpose") or "").strip(),
            "consent_scope": data.get("consent_scope"),
            "special_categories": list(data.get("special_categories") or ()),
            "basis": data.get("basis") or "",
        }


def decision_initial(decision) -> tuple[dict, list[dict]]:
    """A recorded decision's answers as the decision form's initial values (for a correction),
    and its recipients as the recipient rows'."""
    data_item_ids = [item.get("id") for item in decision.data_items or ()]
    initial = {
        name: getattr(decision, name)
        for name in (
            "purpose",
            "agreement",
            "consent_scope",
            "basis",
            "statutory_gateway",
            "request_reference",
            "basis_details",
            "immediate_risk",
            "override_reasons",
            "override_evidence",
            "third_parties_informed",
            "outcome",
            "information_level",
            "special_categories",
            "information_description",
            "protected_identities",
            "requested_by_name",
            "requested_by_organisation",
            "requested_by_organisation_name",
            "requested_by_role",
            "identity_check",
            "identity_check_details",
            "method",
            "channel",
            "record_location",
            "checks_note",
            "advice_sought",
            "advice_given",
            "reasons",
            "reconsider_on",
        )
    }
    initial["agreement"] = decision.agreement.public_id if decision.agreement_id else None
    initial["consent_scope"] = (
        decision.consent_scope.public_id if decision.consent_scope_id else None
    )
    initial["statutory_gateway"] = (
        decision.statutory_gateway.public_id if decision.statutory_gateway_id else None
    )
    initial["requested_by_organisation"] = (
        decision.requested_by_organisation.public_id
        if decision.requested_by_organisation_id
        else None
    )
    initial["data_items"] = [item_id for item_id in data_item_ids if item_id]
    for name in GOLDEN_RULE_6_CHECKS:
        initial[name] = "yes" if getattr(decision, name) else "no"
    if decision.will_reconsider is not None:
        initial["will_reconsider"] = "yes" if decision.will_reconsider else "no"
    recipients = [
        {
            "organisation": recipient.organisation.public_id if recipient.organisation_id else None,
            "organisation_name": recipient.organisation_name,
            "person_name": recipient.person_name,
            "person_role": recipient.person_role,
        }
        for recipient in decision.recipients.all()
    ]
    return initial, recipients


class SupersedeForm(DecisionForm):
    FIELDSETS = (
        ("correction", "Why the decision is being corrected", ("supersede_reason",)),
        *DecisionForm.FIELDSETS,
    )

    supersede_reason = text_field(
        "What was wrong with the recorded decision?",
        help_text="The recorded decision stays in the log, marked as corrected by this one.",
        error="Enter why the decision is being corrected",
    )
