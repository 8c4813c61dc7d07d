"""How long the agreement PDF takes to render, for an agreement of about 20 pages.

    .venv/bin/python bench/agreement_pdf.py [--runs 10] [--scale 1.0] [--keep-pdf out.pdf]

Builds one partnership and one approved agreement with enough content rows to fill about twenty
A4 pages (purposes, data items, terms, signatories…) in a throwaway database (Django's test
database: in memory for SQLite, a `test_…` database for PostgreSQL, dropped at the end), renders
it `--runs` times after one warm-up, and prints the page count and the p50 / p95 / min / max
times, both elapsed ("wall") and the process's own CPU time ("cpu", which other load on the
machine disturbs less).
Nothing is written to the project's own database. Issue 4 asks for under 2 seconds; the measured
figure is kept in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

import logging  # noqa: E402

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.pdf_report import report  # noqa: E402

# WeasyPrint reports each step at INFO; the timings are what matter here.
logging.getLogger("weasyprint").setLevel(logging.ERROR)

SENTENCE = (
    "Partners share only what is necessary for the purpose, with those who need it, accurately, "
    "in good time and securely, and record what was shared, with whom and why."
)


def paragraph(sentences: int) -> str:
    return " ".join([SENTENCE] * sentences)


def build_agreement(tenant, scale: float):
    """An approved agreement whose content fills about 20 pages at scale 1 (tenant active)."""
    from agreements.choices import (
        AgreementKind,
        AgreementStatus,
        Channel,
        InformationLevel,
        Party,
        SharingMethod,
        SignatoryStatus,
    )
    from agreements.models import (
        Agreement,
        AgreementChannel,
        AgreementLegalBasis,
        AgreementMethod,
        ConsentScope,
        DataItem,
        DataSubjectCategory,
        Exclusion,
        LegalBasis,
        Purpose,
        SharedSystem,
        Signatory,
        Term,
    )
    from partners.models import Organisation, OrganisationType

    def n(count: int) -> int:
        return max(1, round(count * scale))

    organisations = Organisation.objects.bulk_create(
        Organisation(
            tenant=tenant,
            name=f"Benchmark Organisation {i:03d} (Primary Academy Trust)",
            type=OrganisationType.LA_SERVICE,
        )
        for i in range(n(30))
    )
    today = timezone.localdate()
    prose = paragraph(6)
    agreement = Agreement.objects.create(
        tenant=tenant,
        title="Benchmark Information Sharing Agreement for Children and Young People",
        reference="BENCH-1",
        kind=AgreementKind.INFORMATION_SHARING_AGREEMENT,
        owner_organisation=organisations[0],
        owner_name="Pat Owner",
        owner_job_title="Head of Information Governance",
        summary=paragraph(3),
        status=AgreementStatus.ACTIVE,
        document_version=3,
        approval_date=today,
        issue_date=today,
        next_review_date=today + timedelta(days=365),
        **{
            field: "\n\n".join([prose] * 2)
            for field in (
                "parties_and_roles",
                "transparency",
                "individual_rights",
                "contact_point",
                "data_quality",
                "retention",
                "security",
                "breach_arrangements",
                "training",
                "termination",
                "further_details",
            )
        },
    )
    own = {"tenant": tenant, "agreement": agreement}
    Purpose.objects.bulk_create(
        Purpose(**own, position=i, service=f"Service {i}", description=paragraph(3))
        for i in range(n(12))
    )
    levels = list(InformationLevel)
    DataItem.objects.bulk_create(
        DataItem(
            **own,
            position=i,
            level=levels[i % 3],
            name=f"Data item {i}: attendance, exclusions and assessments",
            special_category=i % 5 == 0,
            criminal_offence=i % 17 == 0,
        )
        for i in range(n(75))
    )
    DataSubjectCategory.objects.bulk_create(
        DataSubjectCategory(**own, position=i, description=f"Category of people {i}")
        for i in range(n(6))
    )
    AgreementLegalBasis.objects.bulk_create(
        AgreementLegalBasis(**own, position=i, basis=basis, how_it_applies=paragraph(1))
        for i, basis in enumerate(LegalBasis.objects.filter(tenant__isnull=True)[:12])
    )
    AgreementMethod.objects.bulk_create(
        AgreementMethod(**own, position=i, method=method, notes=paragraph(2))
        for i, method in enumerate(SharingMethod)
    )
    AgreementChannel.objects.bulk_create(
        AgreementChannel(**own, position=i, channel=channel, conditions=paragraph(1))
        for i, channel in enumerate(Channel)
    )
    SharedSystem.objects.bulk_create(
        SharedSystem(**own, position=i, name=f"System {i}", description="Case management")
        for i in range(n(5))
    )
    Exclusion.objects.bulk_create(
        Exclusion(**own, position=i, service=f"Excluded service {i}", description=paragraph(1))
        for i in range(n(3))
    )
    parties = [p for p in Party if p != Party.OTHER]
    Term.objects.bulk_create(
        Term(**own, position=i, party=parties[i % len(parties)], text=paragraph(2))
        for i in range(n(30))
    )
    ConsentScope.objects.bulk_create(
        ConsentScope(**own, position=i, name=f"Consent scope {i}", when_required=paragraph(2))
        for i in range(n(3))
    )
    Signatory.objects.bulk_create(
        Signatory(
            **own,
            organisation=organisation,
            status=SignatoryStatus.SIGNED,
            invited_on=today,
            signer_name=f"Signer Number {i}",
            signer_title="Headteacher and Designated Safeguarding Lead",
            typed_signature=f"Signer Number {i}",
            signed_on=today,
            version_signed=3,
        )
        for i, organisation in enumerate(organisations)
    )
    return agreement


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="timed renders (after a warm-up)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the content rows")
    parser.add_argument("--keep-pdf", type=Path, help="also write the PDF to this file")
    args = parser.parse_args()

    from agreements.pdf import agreement_pdf
    from partners.models import Tenant
    from partners.tenancy import activate

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        tenant = Tenant.objects.create(name="Benchmark partnership", slug="benchmark")
        with activate(tenant):
            agreement = build_agreement(tenant, args.scale)
            agreement.refresh_from_db()
            data = agreement_pdf(agreement)  # Warm-up: fonts, templates, stylesheets.
            timings, cpu = [], []
            for _ in range(args.runs):
                start, start_cpu = time.perf_counter(), time.process_time()
                data = agreement_pdf(agreement)
                timings.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
        if args.keep_pdf:
            args.keep_pdf.write_bytes(data)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

    report("agreement PDF", data, timings, cpu)


if __name__ == "__main__":
    main()
