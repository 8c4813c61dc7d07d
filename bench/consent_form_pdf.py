"""How long the consent form PDF takes to render, for a child under an agreement with three
consent scopes and thirty signed partners.

    .venv/bin/python bench/consent_form_pdf.py [--runs 20] [--keep-pdf out.pdf]

Builds one partnership, one approved agreement with its consent scopes and signatories, and one
child in a throwaway database (Django's test database: in memory for SQLite, a `test_…` database
for PostgreSQL, dropped at the end), renders the form `--runs` times after one warm-up, and
prints the page count and the p50 / p95 / min / max times, elapsed ("wall") and the process's
own CPU time ("cpu"). Nothing is written to the project's own database. Issue 5's target is
under 0.5 seconds; the measured figure is kept in docs/performance.md.
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

logging.getLogger("weasyprint").setLevel(logging.ERROR)

WHEN_REQUIRED = (
    "The processes of the statutory assessment of special educational needs and the writing, "
    "review and monitoring of an Education, Health and Care plan, including sharing with the "
    "professionals who contribute advice."
)


def build(tenant):
    """An approved agreement with three consent scopes and thirty signatories, and a child."""
    from agreements.choices import AgreementKind, AgreementStatus, SignatoryStatus
    from agreements.models import Agreement, ConsentScope, Signatory
    from consent.models import DataSubject
    from partners.models import Organisation, OrganisationType

    today = timezone.localdate()
    organisations = Organisation.objects.bulk_create(
        Organisation(
            tenant=tenant, name=f"Benchmark Organisation {i:03d}", type=OrganisationType.ACADEMY
        )
        for i in range(30)
    )
    agreement = Agreement.objects.create(
        tenant=tenant,
        title="Benchmark SEND information sharing standard operating procedure",
        reference="BENCH-SOP",
        kind=AgreementKind.STANDARD_OPERATING_PROCEDURE,
        owner_organisation=organisations[0],
        status=AgreementStatus.ACTIVE,
        document_version=1,
        approval_date=today,
        issue_date=today,
        next_review_date=today + timedelta(days=365),
    )
    for position, name in enumerate(
        ("Statutory assessment and EHC plan", "High Needs Funding and SCARF", "Early help")
    ):
        ConsentScope.objects.create(
            tenant=tenant,
            agreement=agreement,
            position=position,
            name=name,
            when_required=WHEN_REQUIRED,
        )
    Signatory.objects.bulk_create(
        Signatory(
            tenant=tenant,
            agreement=agreement,
            organisation=organisation,
            status=SignatoryStatus.SIGNED,
            invited_on=today,
            signer_name=f"Signer {i}",
            signer_title="Headteacher",
            typed_signature=f"Signer {i}",
            signed_on=today,
            version_signed=1,
        )
        for i, organisation in enumerate(organisations)
    )
    child = DataSubject.objects.create(
        tenant=tenant,
        forenames="Benchmark Ava",
        surname="Sampleton",
        aliases="Ava Sample\nAva Sampleton-Test",
        date_of_birth=today - timedelta(days=9 * 365),
        gender="female",
        address_line_1="1 Demo Row",
        town="Maidstone",
        postcode="ME14 1ZZ",
        nhs_number="9990000018",
        current_setting=organisations[1],
    )
    return agreement, child


def timed(render, runs: int):
    data = render()  # Warm-up: fonts, templates, stylesheets.
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        data = render()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return data, wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed renders (after a warm-up)")
    parser.add_argument("--keep-pdf", type=Path, help="also write the consent form to this file")
    args = parser.parse_args()

    from consent.pdf import consent_form_pdf
    from partners.models import Tenant
    from partners.tenancy import activate

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        tenant = Tenant.objects.create(name="Benchmark partnership", slug="benchmark")
        with activate(tenant):
            agreement, child = build(tenant)
            form = timed(lambda: consent_form_pdf(child, agreement), args.runs)
        if args.keep_pdf:
            args.keep_pdf.write_bytes(form[0])
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

    report("consent form PDF", *form)


if __name__ == "__main__":
    main()
