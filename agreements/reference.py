"""The shared reference rows of legal bases, as data.

Every partnership cites these rows; a migration writes them (`legal_bases_sync`), and a change
of law is a change of this list plus a migration that runs the sync again, reviewed like code.
A row is never deleted (agreements cite it); one that no longer applies is marked inactive.
The wording summarises the provision; the statute itself is authoritative.
"""

from __future__ import annotations

from typing import NamedTuple


class BasisSpec(NamedTuple):
    code: str
    kind: str
    citation: str
    title: str
    summary: str


A6, A9, S1, ST, CL = "article_6", "article_9", "schedule_1", "statute", "common_law"

LEGAL_BASES: tuple[BasisSpec, ...] = (
    BasisSpec("uk-gdpr-6-1-a", A6, "UK GDPR Article 6(1)(a)", "Consent",
              "The individual has given clear consent for the processing for a specific purpose."),
    BasisSpec("uk-gdpr-6-1-b", A6, "UK GDPR Article 6(1)(b)", "Contract",
              "Necessary for a contract with the individual, or steps they asked for first."),
    BasisSpec("uk-gdpr-6-1-c", A6, "UK GDPR Article 6(1)(c)", "Legal obligation",
              "Necessary to comply with the law (not including contractual obligations)."),
    BasisSpec("uk-gdpr-6-1-d", A6, "UK GDPR Article 6(1)(d)", "Vital interests",
              "Necessary to protect someone's life."),
    BasisSpec("uk-gdpr-6-1-e", A6, "UK GDPR Article 6(1)(e)", "Public task",
              "Necessary to perform a task in the public interest or for official functions "
              "that have a clear basis in law."),
    BasisSpec("uk-gdpr-6-1-ea", A6, "UK GDPR Article 6(1)(ea)", "Recognised legitimate interest",
              "A recognised legitimate interest listed in Annex 1, such as safeguarding "
              "vulnerable individuals (inserted by the Data (Use and Access) Act 2025)."),
    BasisSpec("uk-gdpr-6-1-f", A6, "UK GDPR Article 6(1)(f)", "Legitimate interests",
              "Necessary for legitimate interests, unless overridden by the individual's "
              "interests; not available to public authorities performing their tasks."),
    BasisSpec("uk-gdpr-9-2-a", A9, "UK GDPR Article 9(2)(a)", "Explicit consent",
              "The individual has given explicit consent for one or more specified purposes."),
    BasisSpec("uk-gdpr-9-2-b", A9, "UK GDPR Article 9(2)(b)",
              "Employment, social security and social protection",
              "Necessary for obligations and rights in employment, social security and social "
              "protection law (with a DPA 2018 Schedule 1 Part 1 condition)."),
    BasisSpec("uk-gdpr-9-2-c", A9, "UK GDPR Article 9(2)(c)", "Vital interests",
              "Necessary to protect someone's vital interests where they cannot give consent."),
    BasisSpec("uk-gdpr-9-2-f", A9, "UK GDPR Article 9(2)(f)", "Legal claims and judicial acts",
              "Necessary for legal claims or whenever courts act in their judicial capacity."),
    BasisSpec("uk-gdpr-9-2-g", A9, "UK GDPR Article 9(2)(g)", "Substantial public interest",
              "Necessary for reasons of substantial public interest (with a DPA 2018 Schedule 1 "
              "Part 2 condition)."),
    BasisSpec("uk-gdpr-9-2-h", A9, "UK GDPR Article 9(2)(h)", "Health or social care",
              "Necessary for preventive or occupational medicine, diagnosis, the provision of "
              "health or social care or treatment, or the management of those systems."),
    BasisSpec("uk-gdpr-9-2-i", A9, "UK GDPR Article 9(2)(i)", "Public health",
              "Necessary for reasons of public interest in the area of public health."),
    BasisSpec("uk-gdpr-9-2-j", A9, "UK GDPR Article 9(2)(j)", "Archiving, research and statistics",
              "Necessary for archiving in the public interest, research or statistics."),
    BasisSpec("dpa-2018-sch1-p1-2", S1, "DPA 2018 Schedule 1 Part 1 paragraph 2",
              "Health or social care purposes",
              "Completes Article 9(2)(h) for health and social care purposes."),
    BasisSpec("dpa-2018-sch1-p2-6", S1, "DPA 2018 Schedule 1 Part 2 paragraph 6",
              "Statutory and government purposes",
              "Necessary for a function conferred by an enactment or rule of law, and for "
              "reasons of substantial public interest."),
    BasisSpec("dpa-2018-sch1-p2-18", S1, "DPA 2018 Schedule 1 Part 2 paragraph 18",
              "Safeguarding of children and of individuals at risk",
              "Necessary to protect a child or an individual at risk from neglect or physical, "
              "mental or emotional harm, where consent cannot be given, cannot reasonably be "
              "expected to be obtained, or would prejudice that protection."),
    BasisSpec("dpa-2018-sch1-p2-10", S1, "DPA 2018 Schedule 1 Part 2 paragraph 10",
              "Preventing or detecting unlawful acts",
              "Necessary to prevent or detect an unlawful act, where consent would prejudice it; "
              "also available for criminal offence data (Article 10)."),
    BasisSpec("dpa-2018-sch1-p3-36", S1, "DPA 2018 Schedule 1 Part 3 paragraph 36",
              "Criminal offence data: extension of Part 2 conditions",
              "A Part 2 condition other than its substantial public interest test, applied to "
              "personal data about criminal convictions and offences (Article 10)."),
    BasisSpec("children-act-1989-s17", ST, "Children Act 1989 section 17",
              "Children in need",
              "The local authority's duty to safeguard and promote the welfare of children in "
              "need in its area."),
    BasisSpec("children-act-1989-s47", ST, "Children Act 1989 section 47",
              "Enquiries where a child may be suffering significant harm",
              "The local authority's duty to make enquiries, and other bodies' duty to assist."),
    BasisSpec("children-act-2004-s10", ST, "Children Act 2004 section 10",
              "Co-operation to improve well-being",
              "Arrangements between the local authority and its relevant partners to improve the "
              "well-being of children in its area."),
    BasisSpec("children-act-2004-s11", ST, "Children Act 2004 section 11",
              "Arrangements to safeguard and promote welfare",
              "Named bodies must make sure their functions are discharged having regard to the "
              "need to safeguard and promote the welfare of children."),
    BasisSpec("children-and-families-act-2014-part-3", ST, "Children and Families Act 2014 Part 3",
              "Children and young people in England with special educational needs or disabilities",
              "Duties to identify, assess and make provision for children and young people with "
              "SEN or disabilities, including EHC needs assessments and plans (sections 22–50)."),
    BasisSpec("children-and-families-act-2014-s25", ST, "Children and Families Act 2014 section 25",
              "Promoting integration",
              "The local authority's duty to integrate educational provision with health and "
              "social care provision."),
    BasisSpec("education-act-1996-s29", ST, "Education Act 1996 section 29",
              "Information to be provided by local authorities",
              "Provision of information to the Secretary of State about schools and pupils."),
    BasisSpec("education-act-1996-s537a", ST, "Education Act 1996 section 537A",
              "Individual pupil information",
              "Provision of individual pupil information, including the school census."),
    BasisSpec("education-act-2002-s175", ST, "Education Act 2002 section 175",
              "Duties of local authorities and governing bodies in relation to welfare of children",
              "Functions exercised with a view to safeguarding and promoting children's welfare."),
    BasisSpec("crime-and-disorder-act-1998-s115", ST, "Crime and Disorder Act 1998 section 115",
              "Disclosure of information",
              "A power to share with relevant authorities for the purposes of the Act, such as "
              "reducing crime and disorder."),
    BasisSpec("health-and-social-care-act-2012-s251b", ST,
              "Health and Social Care Act 2012 section 251B", "Duty to share information",
              "Health and adult social care bodies' duty to share information for an "
              "individual's direct care, where this is in their interests."),
    BasisSpec("nationality-immigration-asylum-act-2002-s129", ST,
              "Nationality, Immigration and Asylum Act 2002 section 129",
              "Local authority: supply of information to the Secretary of State",
              "Information requested by the Home Office about a person (Haringey 4.5)."),
    BasisSpec("dpa-2018-sch2-p2", ST, "DPA 2018 Schedule 2 paragraph 2",
              "Crime and taxation: general",
              "Exemption from some provisions where disclosure is for the prevention or "
              "detection of crime (formerly DPA 1998 section 29(3))."),
    BasisSpec("common-law-duty-of-confidentiality", CL, "Common law duty of confidentiality",
              "Confidential information",
              "Information given in confidence is shared with consent, where the law requires "
              "it, or where there is an overriding public interest."),
    BasisSpec("human-rights-act-1998-article-8", CL, "Human Rights Act 1998, Article 8",
              "Right to respect for private and family life",
              "Interference must be in accordance with the law, necessary and proportionate."),
)  # fmt: skip


def legal_bases_sync(model) -> int:
    """Write the shared rows into `model` (the real LegalBasis, or a migration's historical one),
    adding new rows and bringing changed wording up to date. Returns how many rows changed."""
    changed = 0
    for position, spec in enumerate(LEGAL_BASES, start=1):
        values = {
            "kind": spec.kind,
            "citation": spec.citation,
            "title": spec.title,
            "summary": spec.summary,
            "position": position * 10,
            "is_active": True,
        }
        row = model.objects.filter(tenant__isnull=True, code=spec.code).first()
        if row is None:
            model.objects.create(tenant=None, code=spec.code, **values)
            changed += 1
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
            changed += 1
    return changed
