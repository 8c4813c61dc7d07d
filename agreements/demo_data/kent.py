"""Kent & Medway (demo): the information sharing agreement, the SEND standard operating
procedure and the schools protocol that sit under it (Kent SEND SOP and Golden Rules, Kent
schools protocol), and a multi-agency protocol that became a code of practice, after the
Buckinghamshire report of 2009."""

from __future__ import annotations

from agreements.choices import AgreementKind as K
from agreements.choices import Channel as C
from agreements.choices import InformationLevel as L
from agreements.choices import Party as P
from agreements.choices import SharingMethod as M
from agreements.demo_data.specs import (
    HEALTH_CARE,
    PUBLIC_TASK,
    SAFEGUARDING,
    STATUTORY_PURPOSES,
    SUBSTANTIAL,
    AgreementSpec,
    SignatorySpec,
    prose,
)

KENT_CONTACT = "Information and Intelligence (demo), information.intelligence@demo.sharewell.test"

ISA = "Kent & Medway Information Sharing Agreement (demo)"
SEND_SOP = "SEND Information Sharing Agreement: Standard Operating Procedure (demo)"
SCHOOLS = "Information Sharing Protocol between Kent County Council and Kent Schools (demo)"
BUCKS_PROTOCOL = "Multi-agency Information Sharing Protocol for Children and Young People (demo)"
BUCKS_CODE = (
    "Multi-agency Information Sharing Code of Practice for Children and Young People (demo)"
)

METHODS = (
    (M.FORM_BASED, "Requests and replies on the agreed forms, for non-urgent sharing."),
    (M.SHARED_ENVIRONMENT, "A shared, access-controlled workspace for a team around the child."),
    (M.DIRECT_ACCESS, "Read access to a partner's system, limited to authorised staff."),
    (M.FORMAL_MEETING, "Sharing in formal meetings and conferences, minuted."),
    (M.OPERATIONALLY_URGENT, "By telephone when a child is at risk, confirmed in writing after."),
)

GOLDEN_RULES = (
    "Remember that data protection law is not a barrier to sharing information but provides a "
    "framework to ensure that personal information about living persons is shared appropriately.",
    "Be open and honest with the person (and/or their family where appropriate) from the outset "
    "about why, what, how and with whom information will, or could be, shared, and seek their "
    "agreement, unless it is unsafe or inappropriate to do so. Review consent frequently with "
    "those who have given it so that it is always current.",
    "Seek advice if in any doubt, without disclosing the identity of the person where possible.",
    "Share with consent where appropriate and, where possible, respect the wishes of those who "
    "do not consent to share confidential information. Information may still be shared without "
    "consent if, in their judgement, lack of consent can be overridden in the public interest, "
    "basing the judgement on the facts of the case.",
    "Consider safety and well-being: base information sharing decisions on the safety and "
    "well-being of the person and others who may be affected by their actions.",
    "Apply the principles 'necessary, proportionate, relevant, accurate, timely and secure': "
    "share only what is necessary for the purpose, only with those who need it, accurately and "
    "up to date, in a timely fashion and securely.",
    "Keep records of decisions and the reasons for them, whether to share information or not; "
    "if the decision is to share, record what was shared, with whom and for what purpose.",
)

KENT: tuple[AgreementSpec, ...] = (
    AgreementSpec(
        title=ISA,
        kind=K.INFORMATION_SHARING_AGREEMENT,
        owner="council",
        approved_months_ago=14,
        reference="KM-ISA",
        owner_name="Priya Raman",
        owner_job_title="Information Governance Officer",
        summary="The overarching agreement of the Kent & Medway partners; procedures and "
        "protocols sit underneath it and are read in conjunction with it.",
        prose=prose(KENT_CONTACT),
        purposes=(
            ("Children's services", "To safeguard and promote the welfare of children."),
            ("Early help", "To give families the right help at the right time."),
            ("Education", "To support children's education, attendance and inclusion."),
        ),
        data_items=(
            (L.AGGREGATE, "Service activity and outcome statistics", False, False),
            (L.MINIMUM, "Name, address, date of birth and identifiers", False, False),
            (L.DETAILED, "Relevant health information", True, False),
        ),
        data_subjects=("Children and young people aged 0 to 19 (25 with SEND)", "Their families"),
        legal_bases=(
            PUBLIC_TASK,
            SUBSTANTIAL,
            STATUTORY_PURPOSES,
            SAFEGUARDING,
            HEALTH_CARE,
            ("children-act-2004-s10", ""),
            ("children-act-2004-s11", ""),
            ("common-law-duty-of-confidentiality", "Overridden only in the public interest."),
        ),
        methods=METHODS,
        channels=(
            (C.SECURE_EMAIL, ""),
            (C.SECURE_WEBSITE, ""),
            (C.VERBAL, ""),
            (C.WRITTEN, ""),
            (C.MEETING, ""),
        ),
        terms=(
            (
                P.ALL,
                "",
                "Confirm which individuals are authorised information sharing contacts "
                "and notify any change promptly.",
            ),
            (P.ALL, "", "Keep a record of every decision to share or not to share."),
        ),
        signatories=(
            SignatorySpec("council", "Priya Raman", "Information Governance Officer", 13),
            SignatorySpec("nhs_trust", "Grace Mensah (demo)", "Caldicott Guardian", 12),
            SignatorySpec("icb", "Owen Price (demo)", "Director of Nursing", 12),
            SignatorySpec("police", "Insp. Carla Dunn (demo)", "Public Protection", 11),
            SignatorySpec("primary_school", "Helen Ashby (demo)", "Headteacher", 10),
            SignatorySpec("academy", "Marcus Lee (demo)", "Principal", 9),
        ),
    ),
    AgreementSpec(
        title=SEND_SOP,
        kind=K.STANDARD_OPERATING_PROCEDURE,
        owner="sen_service",
        parent=ISA,
        approved_months_ago=8,
        owner_name="David Okafor",
        owner_job_title="Head of SEN Assessment and Placement",
        summary="Sits underneath and is read in conjunction with the Kent & Medway Information "
        "Sharing Agreement. Parties: all multi-agency partners in the continuum of SEND "
        "provision across education, health and social care.",
        prose=prose(KENT_CONTACT),
        settings={"first_review_months": 12, "review_interval_months": 12},
        purposes=(
            (
                "Education, health and wellbeing",
                "To improve education, health and emotional "
                "wellbeing outcomes for children and young people.",
            ),
            (
                "SEN statutory duties",
                "To meet the requirements of the Children and Families Act 2014.",
            ),
            (
                "Holistic assessment",
                "To improve provision through a holistic assessment of needs and plan.",
            ),
            ("Joint commissioning", "To commission jointly and address gaps in provision."),
            ("Tell us once", "To share information once for all services."),
            (
                "High Needs Funding",
                "To handle requests for High Needs Funding and allocate and "
                "monitor any funding agreed.",
            ),
        ),
        data_items=(
            (
                L.DETAILED,
                "Information and advice for statutory assessment and the EHC plan",
                True,
                False,
            ),
            (L.DETAILED, "Annual review of the EHC plan", True, False),
            (L.DETAILED, "High Needs Funding and SCARF requests and monitoring", False, False),
            (L.AGGREGATE, "Support provided by the setting and its costs", False, False),
        ),
        data_subjects=(
            "Children and young people with SEND",
            "Their parents and carers",
            "Educational providers and their staff",
        ),
        legal_bases=(
            PUBLIC_TASK,
            ("children-and-families-act-2014-part-3", "EHC needs assessments and plans."),
            ("children-and-families-act-2014-s25", ""),
            SUBSTANTIAL,
            STATUTORY_PURPOSES,
            HEALTH_CARE,
        ),
        methods=METHODS,
        channels=(
            (C.SECURE_EMAIL, ""),
            (C.SECURE_WEBSITE, "For storage and retrieval of information."),
            (
                C.PROTECTED_EMAIL,
                "To families and external providers, subject to each "
                "organisation's policies on the use of email.",
            ),
            (C.VERBAL, ""),
            (C.WRITTEN, ""),
            (
                C.CONFIDENTIAL_POST,
                "Marked confidential and addressed to a named person, such as "
                "the Headteacher, Principal or SENCo.",
            ),
        ),
        terms=(
            *((P.ALL, "Each partner agency (its staff)", rule) for rule in GOLDEN_RULES),
            (
                P.ALL,
                "",
                "Have systems that record accurately and in time how information was or "
                "was not shared, who requested it and where the record is kept.",
            ),
            (
                P.ALL,
                "",
                "Tell the other parties at once when information shared is found "
                "inaccurate or no longer relevant.",
            ),
        ),
        consent_scopes=(
            (
                "Statutory assessment and EHC plan",
                "Statutory assessment processes, including monitoring of plans where issued.",
            ),
            (
                "High Needs Funding and SCARF",
                "High Needs funding processes, including assessing requests for funding and "
                "monitoring any funding agreed.",
            ),
        ),
        signatories=(
            SignatorySpec("sen_service", "David Okafor", "Head of SEN Assessment", 8),
            SignatorySpec("primary_school", "Rachel Whitfield", "SENCo", 7),
            SignatorySpec("special_school", "Ian Carver (demo)", "Headteacher", 7),
            SignatorySpec("nursery", "Beth Lowe (demo)", "Manager", 6),
            SignatorySpec("nhs_trust", "Grace Mensah (demo)", "Caldicott Guardian", 6),
        ),
    ),
    AgreementSpec(
        title=SCHOOLS,
        kind=K.INDIVIDUAL_PROTOCOL,
        owner="council",
        parent=ISA,
        approved_months_ago=4,
        reference="EYPS-ISP",
        owner_name="Priya Raman",
        owner_job_title="Head of Information and Intelligence (demo)",
        summary="The sharing of children and young people's personal information while they are "
        "educated in Kent schools, including academies and free schools.",
        prose=prose(
            KENT_CONTACT,
            further_details="Business processes of each service are "
            "described on the council's schools information pages.",
        ),
        settings={"first_review_months": 12},
        purposes=(
            (
                "Early Help and Preventative Services",
                "Supporting children and families with the right help at the right time.",
            ),
            (
                "PRUs, Inclusion and Attendance Service",
                "Reducing exclusions and improving attendance.",
            ),
            (
                "Youth Justice",
                "Sharing with the relevant school about young people aged 10 to 17 "
                "who have received an out of court disposal or a sentence.",
            ),
            ("Early Years and Childcare", "Free early education entitlement and childcare."),
            ("Standards and School Improvement", "Improvement advice and consultancy."),
            ("Provision Planning", "Meeting demand for school places."),
            ("Fair Access", "School admissions and eligibility for home to school transport."),
            (
                "Information and Intelligence",
                "Statutory school data collections and management information.",
            ),
            ("SEN Assessment and Placement", "Statutory SEN duties and EHC plans."),
            (
                "Kent Educational Psychology Service",
                "Psychological practice for vulnerable children.",
            ),
            ("Skills and Employability", "Post-16 participation, training and applications."),
        ),
        exclusions=tuple(
            (service, "Excluded from the scope of this protocol.")
            for service in (
                "Central Referral Unit",
                "Family Support Teams",
                "Integrated Children in Care Service",
                "Fostering Service",
                "Adoption Service",
                "Safeguarding and Quality Assurance",
                "Local Authority Designated Officer (LADO) service",
                "Virtual School Kent",
                "Centralised recording of notifications",
            )
        ),
        data_items=(
            (L.MINIMUM, "Names, addresses, contact details and dates of birth", False, False),
            (L.MINIMUM, "Parents, guardians, carers and siblings of pupils", False, False),
            (L.DETAILED, "Family details of those living at the same address", False, False),
            (L.DETAILED, "Lifestyle and social circumstances", False, False),
            (L.DETAILED, "Case file information", False, False),
            (L.DETAILED, "Student and pupil records", False, False),
            (L.MINIMUM, "National and local identifiers (NHS number, UPN)", False, False),
            (L.DETAILED, "Physical or mental health", True, False),
            (L.DETAILED, "Racial or ethnic origin", True, False),
            (L.DETAILED, "Special educational need and disability status", True, False),
            (L.DETAILED, "Child in need, child protection and looked after status", False, False),
            (L.DETAILED, "Offences, alleged offences, proceedings and sentences", False, True),
            (L.AGGREGATE, "School census and key stage results", False, False),
        ),
        data_subjects=(
            "Students and pupils educated in Kent schools",
            "Individuals associated with or related to them",
            "Parents, guardians and carers, or their representatives",
            "Complainants and enquirers",
            "Employees of Kent schools",
            "Offenders and suspected offenders",
        ),
        legal_bases=(
            (
                "uk-gdpr-6-1-a",
                "Consent of the young person, or a parent for a child below the age of competence.",
            ),
            PUBLIC_TASK,
            ("uk-gdpr-9-2-a", "Explicit consent, recorded."),
            ("uk-gdpr-9-2-c", ""),
            SUBSTANTIAL,
            STATUTORY_PURPOSES,
            HEALTH_CARE,
            ("dpa-2018-sch1-p3-36", "Offence data shared with Youth Justice."),
            ("education-act-1996-s537a", "School census and pupil-level returns."),
            ("children-and-families-act-2014-part-3", ""),
            ("children-act-2004-s10", ""),
        ),
        shared_systems=tuple(
            (name, "Controlled access, only to those authorised.")
            for name in (
                "Perspective Lite",
                "School management information systems",
                "DfE COLLECT",
                "Capita One",
                "Care Director Youth",
                "CACI Impulse",
                "Admissions System",
                "Learner Records Service",
                "Integrated Youth Support System",
                "Liberi Early Help Module",
            )
        ),
        channels=(
            (C.SHARED_SYSTEM, ""),
            (C.MEETING, ""),
            (C.SECURE_EMAIL, "For example Egress or CJSM."),
            (C.PAPER_RECORDS, ""),
            (C.PROTECTED_FILES, ""),
            (C.ENCRYPTED_MEDIA, ""),
        ),
        terms=(
            (P.SCHOOLS, "", "Use council secure data transfer services where provided."),
            (P.SCHOOLS, "", "Co-operate with the council on any safeguarding concern."),
            (P.SCHOOLS, "", "Provide individual performance data for vulnerable groups."),
            (P.SCHOOLS, "", "Observe retention schedules for data received from the council."),
            (P.SCHOOLS, "", "Tell data subjects with whom their data may be shared."),
            (P.SCHOOLS, "", "Follow the Information Security Guidance for Schools."),
            (P.MAINTAINED_SCHOOLS, "", "Send census returns to the council for approval."),
            (P.ACADEMIES, "", "Give the council a copy of each census file sent to the DfE."),
            (P.COUNCIL, "Kent County Council", "Follow its information security policy."),
            (P.COUNCIL, "Kent County Council", "Secure its email under its secure email policy."),
            (P.COUNCIL, "Kent County Council", "Tell the school of inaccuracies it finds."),
            (P.COUNCIL, "Kent County Council", "Produce statistics of mutual benefit."),
            (P.ALL, "", "Confirm authorised information sharing contacts and notify changes."),
            (P.ALL, "", "Make sure contacts know this protocol and data protection law."),
        ),
        consent_scopes=(
            (
                "Early help",
                "Intensive early help support through the Early Help Triage "
                "process, agreed with the family.",
            ),
        ),
        signatories=(
            SignatorySpec("primary_school", "Helen Ashby (demo)", "Headteacher", 4),
            SignatorySpec("academy", "Marcus Lee (demo)", "Principal", 3),
            SignatorySpec("free_school", "Sana Iqbal (demo)", "Headteacher", 3),
            SignatorySpec("special_school", "Ian Carver (demo)", "Headteacher", 2),
        ),
    ),
)

# After the Buckinghamshire report (2009): the protocol became a code of practice, and "all
# current signatories will transfer to the Code of Practice unless they ask to be withdrawn".
BUCKS_COMMON = {
    "kind": K.INDIVIDUAL_PROTOCOL,
    "owner": "council",
    "parent": ISA,
    "owner_name": "Priya Raman",
    "owner_job_title": "Information Governance Officer",
    "prose": prose(KENT_CONTACT),
    "purposes": (
        (
            "Team around the child",
            "Early intervention and prevention through informed consent "
            "and proportionate sharing between the professionals of a team around the child.",
        ),
    ),
    "data_items": (
        (L.MINIMUM, "Name, address and date of birth", False, False),
        (L.DETAILED, "Early help assessment and plan", False, False),
    ),
    "data_subjects": ("Children and young people", "Their parents and carers"),
    "legal_bases": (("uk-gdpr-6-1-a", ""), PUBLIC_TASK, ("children-act-2004-s10", "")),
    "channels": ((C.SECURE_EMAIL, ""), (C.MEETING, "")),
}

BUCKS: tuple[AgreementSpec, ...] = (
    AgreementSpec(
        title=BUCKS_PROTOCOL,
        approved_months_ago=30,
        summary="Superseded by the code of practice; its signatories transferred.",
        superseded_by=BUCKS_CODE,
        superseded_months_ago=2,
        signatories=(
            SignatorySpec("third_sector", "Amy Rowe (demo)", "Chief Executive", 28),
            SignatorySpec("nursery", "Beth Lowe (demo)", "Manager", 27),
            SignatorySpec("youth_justice", "Tariq Aziz (demo)", "Service Manager", 26),
            SignatorySpec("police", "Insp. Carla Dunn (demo)", "Public Protection", 20),
            SignatorySpec("nhs_trust", "Grace Mensah (demo)", "Caldicott Guardian", 15),
            SignatorySpec(
                "free_school",
                "Sana Iqbal (demo)",
                "Headteacher",
                14,
                withdrawn_months_ago=3,
                withdrawal_reason="Asked to be withdrawn rather than transfer to the code.",
            ),
        ),
        **BUCKS_COMMON,
    ),
    AgreementSpec(
        title=BUCKS_CODE,
        approved_months_ago=2,
        summary="Outlines the principles and standards of conduct expected of the signatories "
        "and their staff, read with the government's information sharing advice; each "
        "organisation keeps its own information sharing procedures.",
        signatories=(SignatorySpec("early_help", "Tom Brennan", "Family Support Worker", 1),),
        **{**BUCKS_COMMON, "kind": K.CODE_OF_PRACTICE},
    ),
)

KENT_AGREEMENTS: tuple[AgreementSpec, ...] = KENT + BUCKS
