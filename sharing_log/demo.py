"""The demo sharing log of the Kent & Medway demo partnership (see partners/demo.py for the
hook): a few weeks of decisions about the demo children, on every legal basis, shares and
decisions not to share, an override waiting for the designated manager and others approved, a
corrected (superseded) entry, and two inaccuracy notices, one acknowledged and one not.

Everything is written through the services, so the demo obeys the rules the app enforces and
its hash chain is valid. The demo SENCo decides for her school (Hopfield Primary), the Early Help
practitioner for KCC Early Help, whose designated manager for overrides is the demo manager of
the council's SEN service (added here). Idempotent: once the partnership has a decision, a second
run writes nothing (decisions are append-only, so the log is never rebuilt).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from agreements.choices import Channel, InformationLevel, SharingMethod
from agreements.demo_data import SEND_SOP
from agreements.models import Agreement, ConsentScope, LegalBasis
from consent.choices import SpecialCategory
from consent.models import DataSubject
from partners.models import DesignatedManager
from sharing_log import services
from sharing_log.choices import (
    GOLDEN_RULE_6_CHECKS,
    AdviceSource,
    ApprovalOutcome,
    Basis,
    IdentityCheck,
    Outcome,
)
from sharing_log.models import SharingDecision
from sharing_log.services import DecisionDraft, RecipientSpec

STATUTORY = "Statutory assessment and EHC plan"
ALL_MET = dict.fromkeys(GOLDEN_RULE_6_CHECKS, True)


def extend_demo(demo) -> None:
    needed = ("senco", "practitioner", "manager")
    if any(key not in demo.members for key in needed) or "early_help" not in demo.organisations:
        return  # Only the Kent demo partnership has the people who log decisions.
    if SharingDecision.objects.exists():
        return
    _Story(demo).tell()


class _Story:
    def __init__(self, demo) -> None:
        self.demo = demo
        self.senco = demo.member("senco")
        self.practitioner = demo.member("practitioner")
        self.manager = demo.member("manager")
        self.now = timezone.now()
        self.agreement = Agreement.objects.filter(title=SEND_SOP).order_by("-id").first()
        self.scope = (
            ConsentScope.objects.filter(agreement=self.agreement, name=STATUTORY).first()
            if self.agreement
            else None
        )
        self.items = list(self.agreement.data_items.all()[:3]) if self.agreement else []

    def org(self, key: str):
        return self.demo.organisation(key)

    def child(self, surname: str) -> DataSubject | None:
        return DataSubject.objects.filter(surname=surname).first()

    def draft(self, subject, *, days_ago: int, **fields) -> DecisionDraft:
        values = {
            "subject": subject,
            "decided_at": self.now - timedelta(days=days_ago, hours=3),
            "outcome": Outcome.SHARE,
            "agreement": self.agreement,
            "data_items": self.items[:2],
            "information_level": InformationLevel.MINIMUM,
            "identity_check": IdentityCheck.CALL_BACK,
            "checks": ALL_MET,
            "method": SharingMethod.FORM_BASED,
            "channel": Channel.SECURE_EMAIL,
            "record_location": "Child's record in the school MIS, sharing log section",
            **fields,
        }
        return DecisionDraft(**values)

    def record(self, actor, subject, **fields) -> SharingDecision:
        return services.decision_record(actor=actor, draft=self.draft(subject, **fields))

    def tell(self) -> None:
        # The council's SEN service manager is also Early Help's designated manager for
        # overriding confidentiality (Haringey 4.6).
        DesignatedManager.objects.get_or_create(
            tenant=self.demo.tenant, organisation=self.org("early_help"), membership=self.manager
        )
        shared_on_consent = self.consent_shares()
        self.early_help_overrides()
        self.other_bases()
        self.notices(shared_on_consent)

    # --- The SENCo's decisions --------------------------------------------------------------

    def consent_shares(self) -> list[SharingDecision]:
        ava, noah = self.child("Sampleton"), self.child("Testwood")
        made = []
        if ava is not None and self.scope is not None:
            made.append(
                self.record(
                    self.senco,
                    ava,
                    days_ago=20,
                    basis=Basis.CONSENT,
                    purpose=STATUTORY,
                    consent_scope=self.scope,
                    information_description="Attendance, the SEN support plan and the latest "
                    "assessment results, for the EHC needs assessment.",
                    reasons="The SEN service needs them to decide on the EHC needs assessment; "
                    "the mother consented to sharing for it.",
                    requested_by_name="Fiona Grant (demo)",
                    requested_by_organisation=self.org("sen_service"),
                    requested_by_role="SEN case officer",
                    recipients=[
                        RecipientSpec(
                            organisation=self.org("sen_service"),
                            person_name="Fiona Grant (demo)",
                            person_role="SEN case officer",
                        )
                    ],
                )
            )
        if noah is not None and self.scope is not None:
            first = self.record(
                self.senco,
                noah,
                days_ago=40,
                basis=Basis.CONSENT,
                purpose=STATUTORY,
                consent_scope=self.scope,
                information_description="The whole SEN file.",
                reasons="The educational psychologist asked for background before assessing.",
                requested_by_name="Dr Priya Shah (demo)",
                requested_by_organisation=self.org("educational_psychology"),
                requested_by_role="Educational psychologist",
                recipients=[RecipientSpec(organisation=self.org("educational_psychology"))],
            )
            services.decision_supersede(
                actor=self.senco,
                decision=first,
                reason="Only part of the file was sent: the family's letters were held back as "
                "not needed for the assessment.",
                draft=self.draft(
                    noah,
                    days_ago=39,
                    outcome=Outcome.SHARE_IN_PART,
                    basis=Basis.CONSENT,
                    purpose=STATUTORY,
                    consent_scope=self.scope,
                    information_description="The SEN support plans and reviews; not the "
                    "family's letters.",
                    reasons="Only what the assessment needs (Golden Rule 6: proportionate).",
                    requested_by_name="Dr Priya Shah (demo)",
                    requested_by_organisation=self.org("educational_psychology"),
                    requested_by_role="Educational psychologist",
                    recipients=[RecipientSpec(organisation=self.org("educational_psychology"))],
                ),
            )
        arlo = self.child("Fictonby")
        if arlo is not None:
            self.record(
                self.senco,
                arlo,
                days_ago=12,
                outcome=Outcome.NOT_SHARE,
                basis="",
                method="",
                channel="",
                record_location="",
                purpose="A family support programme",
                information_description="Attendance and behaviour records.",
                reasons="The family refused consent for early help two months ago and there is "
                "no risk of harm that would justify sharing without it.",
                requested_by_name="Sam Lee (demo)",
                requested_by_organisation=self.org("third_sector"),
                requested_by_role="Family support worker",
                identity_check=IdentityCheck.SECURE_EMAIL,
                recipients=[RecipientSpec(organisation=self.org("third_sector"))],
                will_reconsider=True,
                reconsider_on=(self.now + timedelta(days=90)).date(),
                advice_sought=[AdviceSource.DSL],
                advice_given="Do not share; offer the family the programme again at the "
                "next review.",
            )
        return made

    # --- Early Help's overrides -------------------------------------------------------------

    def early_help_overrides(self) -> None:
        police = self.org("police")
        isla, theo = self.child("Fablewick"), self.child("Notwell")
        ruby, evie = self.child("Placeworth"), self.child("Sampleford")
        override = {
            "information_level": InformationLevel.DETAILED,
            "record_location": "Early Help case record",
            "third_parties_informed": "None: telling the family would prejudice the inquiry.",
        }
        if isla is not None:
            # Waiting for the designated manager.
            self.record(
                self.practitioner,
                isla,
                days_ago=1,
                basis=Basis.POLICE_REQUEST,
                request_reference="S29-KENT-2026-0117",
                purpose="Prevention and detection of crime",
                information_description="Home visit notes from the last three months.",
                reasons="The police are investigating an assault at the child's home.",
                requested_by_name="DC Sarah Jones (demo)",
                requested_by_organisation=police,
                requested_by_role="Detective constable",
                identity_check=IdentityCheck.WRITTEN_REQUEST,
                recipients=[
                    RecipientSpec(organisation=police, person_name="DC Sarah Jones (demo)")
                ],
                override_reasons="A serious crime may have been committed against the child.",
                override_evidence="The signed Section 29(3) form, reference S29-KENT-2026-0117.",
                **override,
            )
        if theo is not None:
            # Urgent: shared at once, approved afterwards.
            decision = self.record(
                self.practitioner,
                theo,
                days_ago=8,
                basis=Basis.SIGNIFICANT_HARM,
                immediate_risk=True,
                method=SharingMethod.OPERATIONALLY_URGENT,
                channel=Channel.VERBAL,
                purpose="Protecting the child from harm",
                information_description="The child's disclosure this morning and the family's "
                "address.",
                reasons="The child said he was afraid to go home tonight.",
                identity_check=IdentityCheck.NOT_REQUESTED,
                recipients=[RecipientSpec(organisation=police, person_role="Duty sergeant")],
                override_reasons="Immediate risk of significant harm to the child.",
                override_evidence="The disclosure, written down word for word.",
                **override,
            )
            services.override_decide(
                actor=self.manager,
                decision=decision,
                outcome=ApprovalOutcome.APPROVED,
                reasons="Right to act at once; the record is complete.",
            )
        gateway = LegalBasis.objects.filter(
            tenant__isnull=True, code="children-act-1989-s47"
        ).first()
        if ruby is not None and gateway is not None:
            decision = self.record(
                self.practitioner,
                ruby,
                days_ago=15,
                basis=Basis.STATUTORY_FUNCTION,
                statutory_gateway=gateway,
                purpose="Section 47 enquiries",
                information_description="Early Help assessment and chronology.",
                reasons="Children's social care opened section 47 enquiries and asked for the "
                "Early Help record.",
                requested_by_name="Tom Reid (demo)",
                requested_by_organisation=self.org("council"),
                requested_by_role="Social worker",
                identity_check=IdentityCheck.KNOWN_CONTACT,
                recipients=[RecipientSpec(organisation=self.org("council"))],
                override_reasons="Section 47 enquiries: the duty to assist overrides consent.",
                override_evidence="The social worker's written request of the same day.",
                **override,
            )
            services.override_decide(
                actor=self.manager,
                decision=decision,
                outcome=ApprovalOutcome.APPROVED,
                reasons="A statutory duty to assist; proportionate.",
            )
        if evie is not None:
            # Urgent medical treatment, still to be approved afterwards.
            self.record(
                self.practitioner,
                evie,
                days_ago=2,
                basis=Basis.URGENT_MEDICAL,
                method=SharingMethod.OPERATIONALLY_URGENT,
                channel=Channel.VERBAL,
                special_categories=[SpecialCategory.HEALTH],
                purpose="Urgent medical treatment",
                information_description="The young person's medication and allergies.",
                reasons="Taken ill at a youth session; the paramedics asked what she takes.",
                requested_by_name="Paramedic crew (demo)",
                requested_by_organisation_name="South East Coast Ambulance Service",
                requested_by_role="Paramedic",
                identity_check=IdentityCheck.IN_PERSON,
                recipients=[RecipientSpec(organisation_name="South East Coast Ambulance Service")],
                override_reasons="Urgent medical treatment.",
                override_evidence="The paramedics' request at the scene.",
                third_parties_informed="The young person's mother, by telephone the same hour.",
                information_level=InformationLevel.DETAILED,
                record_location="Early Help case record",
            )
            self.record(
                self.practitioner,
                evie,
                days_ago=30,
                basis=Basis.VITAL_INTERESTS,
                purpose="Keeping the young person safe",
                information_description="That she had not been seen for three days.",
                reasons="Missing from home; the police needed a recent photograph.",
                requested_by_name="PC Amir Khan (demo)",
                requested_by_organisation=police,
                requested_by_role="Missing persons coordinator",
                recipients=[RecipientSpec(organisation=police)],
            )
        if isla is not None:
            self.record(
                self.practitioner,
                isla,
                days_ago=25,
                basis=Basis.HOME_OFFICE_S129,
                request_reference="HO-129-2026-5521",
                purpose="Home Office request about the family's address",
                information_description="The family's current address only.",
                reasons="A request under section 129 of the 2002 Act; only the address held.",
                requested_by_name="Immigration Enforcement (demo)",
                requested_by_organisation_name="Home Office",
                requested_by_role="Case officer",
                identity_check=IdentityCheck.WRITTEN_REQUEST,
                recipients=[RecipientSpec(organisation_name="Home Office")],
                advice_sought=[AdviceSource.DPO],
                advice_given="The request meets section 129; share the address only.",
            )

    # --- Other bases ---------------------------------------------------------------------------

    def other_bases(self) -> None:
        leo, maya = self.child("Mockridge"), self.child("Storyford")
        if leo is not None:
            self.record(
                self.senco,
                leo,
                days_ago=6,
                basis=Basis.SAFEGUARDING_INTEREST,
                purpose="Safeguarding: a concern about the child's weight loss",
                information_description="Dates of the concerns and the school's observations.",
                reasons="The school nurse should assess; a recognised legitimate interest "
                "(safeguarding).",
                identity_check=IdentityCheck.NOT_REQUESTED,
                recipients=[RecipientSpec(organisation=self.org("nhs_trust"))],
                protected_identities="The classmate who raised the concern.",
            )
        if maya is not None:
            self.record(
                self.senco,
                maya,
                days_ago=35,
                basis=Basis.COURT_ORDER,
                request_reference="ME26P00412",
                purpose="Family court proceedings",
                information_description="Attendance records for the school year.",
                reasons="Ordered by the Family Court.",
                requested_by_name="Court clerk (demo)",
                requested_by_organisation_name="Family Court at Medway",
                requested_by_role="Clerk",
                identity_check=IdentityCheck.WRITTEN_REQUEST,
                recipients=[RecipientSpec(organisation_name="Family Court at Medway")],
            )
        self.record(
            self.senco,
            None,
            days_ago=10,
            basis=Basis.PUBLIC_INTEREST,
            information_level=InformationLevel.AGGREGATE,
            data_items=[],
            purpose="Planning SEND places for next year",
            information_description="Numbers of pupils on SEN support and with EHC plans, by "
            "year group; no names.",
            reasons="Aggregate figures for the council's sufficiency planning.",
            requested_by_name="Fiona Grant (demo)",
            requested_by_organisation=self.org("sen_service"),
            requested_by_role="SEN case officer",
            recipients=[RecipientSpec(organisation=self.org("sen_service"))],
        )

    # --- Inaccuracy notices --------------------------------------------------------------------

    def notices(self, shared_on_consent: list[SharingDecision]) -> None:
        for decision in shared_on_consent:
            notice = services.inaccuracy_notice_record(
                actor=self.senco,
                decision=decision,
                what_was_wrong="The attendance figure sent was last year's.",
                correction="Attendance this school year is 91%.",
            )
            services.inaccuracy_acknowledge(
                actor=self.manager, notice=notice, note="Our case record is corrected."
            )
        leo_share = (
            SharingDecision.objects.filter(subject__surname="Mockridge").order_by("-id").first()
        )
        if leo_share is not None:
            services.inaccuracy_notice_record(
                actor=self.senco,
                decision=leo_share,
                what_was_wrong="The dates of the first concern were a week out.",
                correction="The first concern was on the Monday, not the Friday before.",
            )
