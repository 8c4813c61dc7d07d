"""Haringey (demo): the Haringey information sharing protocol for children and young people
(2006) with its three partner organisations (§2.2, §13), under current law."""

from __future__ import annotations

from agreements.choices import AgreementKind as K
from agreements.choices import Channel as C
from agreements.choices import InformationLevel as L
from agreements.choices import Party as P
from agreements.demo_data.specs import (
    PUBLIC_TASK,
    SAFEGUARDING,
    SUBSTANTIAL,
    AgreementSpec,
    SignatorySpec,
    prose,
)
from partners.models import OrganisationType

HARINGEY = "Haringey Information Sharing Protocol for Children and Young People (demo)"

HARINGEY_CONTACT = "Haringey Council (demo) data protection officer, dpo@demo.sharewell.test"

# Organisations the Haringey protocol names (§2.2) that the base demo does not have.
HARINGEY_ORGANISATIONS: tuple[tuple[str, str, OrganisationType], ...] = (
    ("pct", "Haringey Teaching Primary Care Trust (demo)", OrganisationType.NHS_TRUST),
    ("police", "Metropolitan Police Service, Haringey Division (demo)", OrganisationType.POLICE),
)

HARINGEY_PROTOCOL: tuple[AgreementSpec, ...] = (
    AgreementSpec(
        title=HARINGEY,
        kind=K.INDIVIDUAL_PROTOCOL,
        owner="council",
        approved_months_ago=5,
        owner_name="Children and Young People's Strategic Partnership (demo)",
        summary="Governs the sharing of information between agencies working with children "
        "and young people aged 0–19 (25 for young people with additional needs). Changes are "
        "agreed by report to the CYPSP (2.3).",
        prose=prose(HARINGEY_CONTACT),
        settings={
            "breach_notify_days": 5,
            "breach_report_days": 10,
            "breach_meeting_days": 20,
            "breach_minutes_days": 5,
            "first_review_months": 6,
            "review_interval_months": 12,
        },
        purposes=tuple(
            ("Children's services partnership", text)
            for text in (
                "Provide professionals with background information on their clients.",
                "Reduce the need for information to be repeated to different professionals.",
                "Give professionals relevant, up to date information for decisions in meeting "
                "statutory duties to promote the welfare of children.",
                "Let professionals keep track of their interventions and contact.",
                "Ensure that clients can be traced.",
                "Identify children and families who have not benefited from support before.",
                "Reduce duplication of data collection across partner agencies.",
                "Improve the consistency and accuracy of management information.",
                "Ensure that children and young people are adequately safeguarded.",
            )
        ),
        data_items=(
            (
                L.AGGREGATE,
                "Aggregate and management information for planning and monitoring",
                False,
                False,
            ),
            (
                L.MINIMUM,
                "Originating organisation and lead professional or key contact",
                False,
                False,
            ),
            (L.MINIMUM, "Forenames and surname, including aliases", False, False),
            (L.MINIMUM, "Address including postcode", False, False),
            (L.MINIMUM, "Phone number", False, False),
            (L.MINIMUM, "Date of birth", False, False),
            (L.MINIMUM, "Gender", False, False),
            (L.MINIMUM, "Ethnic origin", True, False),
            (L.MINIMUM, "Current status (under 5s provision, school, college)", False, False),
            (L.MINIMUM, "NHS number", False, False),
            (L.DETAILED, "Type, date and duration of contact and who was in contact", False, False),
            (L.DETAILED, "Special educational needs (EHC plan), if any", True, False),
            (L.DETAILED, "Level of support and social circumstances", False, False),
            (L.DETAILED, "Relevant health information", True, False),
            (L.DETAILED, "Legal status (looked after, offending)", False, True),
            (L.DETAILED, "Additional relevant information as case notes", False, False),
        ),
        data_subjects=(
            "Children and young people aged 0 to 19, or to 25 with additional needs",
            "Their parents, guardians and carers",
        ),
        legal_bases=(
            PUBLIC_TASK,
            ("uk-gdpr-6-1-d", "Protection of vital interests (4.4)."),
            ("uk-gdpr-9-2-a", "Explicit consent for detailed and sensitive information (4.4)."),
            ("uk-gdpr-9-2-c", "Urgent medical treatment (4.5)."),
            SUBSTANTIAL,
            SAFEGUARDING,
            ("dpa-2018-sch1-p2-10", "Police investigations (4.5)."),
            ("dpa-2018-sch1-p3-36", ""),
            ("children-act-2004-s10", ""),
            ("children-act-2004-s11", ""),
            ("children-act-1989-s47", "Risk of significant harm (4.5)."),
            ("nationality-immigration-asylum-act-2002-s129", "Home Office requests (4.5)."),
            (
                "dpa-2018-sch2-p2",
                "Police requests, on the form that replaced the section 29(3) form (4.5).",
            ),
        ),
        channels=((C.SECURE_EMAIL, ""), (C.VERBAL, ""), (C.WRITTEN, ""), (C.MEETING, "")),
        terms=(
            (
                P.ALL,
                "",
                "Keep registration with the Information Commissioner up to date and "
                "renew it annually (4.1–4.2).",
            ),
            (
                P.ALL,
                "",
                "Tell the child or guardian that information will be shared with the "
                "partners named in section 2 (4.3).",
            ),
            (
                P.ALL,
                "",
                "Refer any case where confidentiality may be breached to a designated "
                "manager unless exceptional circumstances apply (4.6).",
            ),
            (
                P.ALL,
                "",
                "Record fully the reasons for breaching confidentiality, the evidence, "
                "and the third parties and what they were given (4.7).",
            ),
            (P.ALL, "", "Use information only for the purposes in this protocol (4.8)."),
            (P.ALL, "", "Supply a summary security document, attached as an appendix (7.4)."),
            (P.ALL, "", "Designate one or more senior managers to oversee the protocol (8.3)."),
            (
                P.ALL,
                "",
                "Indemnify each other against claims arising from their own act, "
                "omission or negligence, and maintain insurance for it (11.1–11.2).",
            ),
            (
                P.ALL,
                "",
                "Refer disputes to the data protection officers or Caldicott guardians "
                "of the partners concerned, then to mediation (12.1–12.2).",
            ),
        ),
        consent_scopes=(
            (
                "Detailed and sensitive information",
                "Explicit consent of a competent child or young person, or of those with parental "
                "responsibility, before detailed and sensitive information is shared (4.4).",
            ),
        ),
        signatories=(
            SignatorySpec("council", "Jan Morgan (demo)", "Director of Children's Services", 5),
            SignatorySpec("pct", "Dr Ruth Adeyemi (demo)", "Caldicott Guardian", 4),
            SignatorySpec("police", "Supt. Alan Fry (demo)", "Borough Commander", 4),
        ),
    ),
)
