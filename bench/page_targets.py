"""Targets (d) to (h) of bench/run.py and EXPLAIN: the agreement and breach registers, the
reminder sweep, the PDFs over HTTP, the other list pages at full scale, and the plans of every
recorded floor. A mixin of bench.run.Bench, imported by bench/run.py after
bench.harness.setup() has chosen the bench settings."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path

from django.db import connection
from django.urls import reverse

from bench import harness
from bench.harness import VAR, measure, not_built, report, route
from partners.tenancy import activate


class PageTargets:
    # --- (d), (e) registers -----------------------------------------------------------------

    def target_agreements(self) -> None:
        ig = self.person("ig_officer")
        page = route(("agreements:agreement_list", "agreement_list"))
        self.read(
            "(d) agreement register (IG officer)", page, ig.page_headers, floor="html-agreements"
        )
        manager = self.person("manager")
        self.read("(d) agreement register (manager)", page, manager.page_headers)

    def target_breaches(self) -> None:
        page = route(("breaches:breach_list", "breach_list"))
        if page is None:
            return not_built("(e) breach register", "the breach register page is not built yet")
        ig = self.person("ig_officer")
        self.read("(e) breach register (IG officer)", page, ig.page_headers, floor="html-breaches")
        manager = self.person("manager")
        self.read("(e) breach register (manager)", page, manager.page_headers)

    # --- (f) reminders ----------------------------------------------------------------------

    def target_reminders(self) -> None:
        for run in (1, 2):
            job = subprocess.run(  # noqa: S603
                [
                    sys.executable,
                    str(Path(__file__).parent / "reminder_sweep.py"),
                    self.tenant.slug,
                ],
                cwd=harness.ROOT,
                capture_output=True,
                text=True,
            )
            if job.returncode:
                print(job.stdout, job.stderr)
                raise SystemExit("The reminder sweep failed.")
            figures = json.loads(job.stdout.strip().splitlines()[-1])
            print(
                f"(f) reminder sweep, run {run}: {figures['seconds']:.1f} s, peak RSS "
                f"{figures['peak_rss_mb']:.0f} MB, sent {figures['sent']}, "
                f"failed {figures['failed']}",
                flush=True,
            )
            with open(VAR / "results.jsonl", "a") as out:
                out.write(json.dumps({"label": f"(f) reminder sweep run {run}", **figures}) + "\n")

    # --- (g) PDFs ---------------------------------------------------------------------------

    def target_pdf(self) -> None:
        from agreements.models import Agreement
        from consent.models import ConsentRecord

        ig = self.person("ig_officer")
        with activate(self.tenant):
            agreement = Agreement.objects.filter(status="active").order_by("pk").first()
            consent = (
                ConsentRecord.objects.filter(subject=self.busy_child(), agreement__isnull=False)
                .select_related("subject", "agreement")
                .order_by("pk")
                .first()
            )
        runs = max(10, self.args.requests // 10)
        agreement_pdf = route(("agreements:agreement_pdf", "agreement_pdf"), agreement.public_id)
        self.download("(g) agreement PDF (seeded agreement)", agreement_pdf, ig, runs)
        path = route(
            ("consent:consent_form_pdf", "consent_form_pdf"),
            consent.subject.public_id,
            consent.agreement.public_id,
        )
        if path is None:
            return not_built("(g) consent form PDF", "the consent form PDF is not built yet")
        self.download("(g) consent form PDF", path, ig, runs)
        print("    the 20-page agreement: .venv/bin/python bench/agreement_pdf.py --runs 10")

    def download(self, label: str, path: str, who: harness.Identity, runs: int) -> None:
        """A PDF, one at a time (each render keeps a worker busy for its whole length)."""
        report(
            measure(
                label,
                self.server,
                lambda i: ("GET", path, who.page_headers, None),
                requests=runs,
                concurrency=1,
                warmup=2,
            )
        )

    # --- (h) the other list pages -----------------------------------------------------------

    def target_pages(self) -> None:
        """Every other page that lists what grows with the partnership, for the member who sees
        most of it. Not in the issue's list (a)-(g), but under the same 100 ms target."""
        ig = self.person("ig_officer")
        h = ig.page_headers
        self.read("(h) dashboard (IG officer)", reverse("dashboard"), h, floor="html-dashboard")
        directory = reverse("organisation_list")
        self.read("(h) organisations, first page", directory, h, floor="html-organisations")
        self.read("(h) organisations, last page", f"{directory}?page=last", h)
        self.read("(h) organisations, search 'school'", f"{directory}?q=school", h)
        people = reverse("membership_list")
        self.read("(h) people, first page", people, h, floor="html-people")
        self.read("(h) people, last page", f"{people}?page=last", h, floor="html-people-last")
        # A surname many people share, and practitioners only, as an IG officer would search.
        surname = self.person("senco").membership.user.full_name.split()[-1]
        self.read(
            "(h) people, one surname, practitioners",
            f"{people}?who={surname}&role=practitioner",
            h,
        )
        self.find_child(ig, "(h) find a child by name (IG officer)")
        self.find_child(self.practitioner_for(self.busy_child()), "(h) find a child (practitioner)")
        due = reverse("consent:consents_due")
        senco = self.person("senco")
        self.read("(h) consents due for review (SENCo)", due, senco.page_headers)
        self.read("(h) consents due within 90 days (IG officer)", f"{due}?within=90", h)
        manager = self.person("manager")
        overrides = reverse("sharing_log:override_queue")
        self.read("(h) override queue (manager)", overrides, manager.page_headers)
        self.read("(h) inaccuracy notices (IG officer)", reverse("sharing_log:notice_list"), h)
        self.read("(h) notifications inbox (IG officer)", reverse("notifications_inbox"), h)
        access_log = reverse("security_access_log")
        self.read("(h) access log (IG officer)", access_log, h)
        self.read("(h) access log, one surname (IG officer)", f"{access_log}?who={surname}", h)

    def find_child(self, who: harness.Identity, label: str) -> None:
        """The search is POSTed (a name never goes in a URL), as htmx sends it while typing."""
        from consent.models import DataSubject

        if not self.wanted(label):
            return
        with activate(self.tenant):
            child = self.busy_child()
            surname = DataSubject.objects.filter(pk=child.pk).values_list("surname", flat=True)[0]
        token = secrets.token_hex(16)
        headers = {
            **who.page_headers,
            "Cookie": f"{who.page_headers['Cookie']}; csrftoken={token}",
            "X-CSRFToken": token,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        body = f"query={surname}".encode()
        report(
            measure(
                f"{label} ('{surname[:1]}…', htmx)",
                self.server,
                lambda i: ("POST", reverse("consent:subject_find"), headers, body),
                requests=self.args.requests,
                concurrency=self.args.concurrency,
            )
        )

    # --- EXPLAIN ----------------------------------------------------------------------------

    def target_explain(self) -> None:
        out_dir = VAR / "explain"
        out_dir.mkdir(exist_ok=True)
        for floor in sorted((VAR / "floors").glob("*.json")):
            statements = json.loads(floor.read_text())["statements"]
            lines = []
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                    lines.append(f"-- {sql}\n{plan}\n")
            (out_dir / f"{floor.stem}.txt").write_text("\n".join(lines))
            total = sum(
                float(line.rsplit("Execution Time: ", 1)[1].split()[0])
                for line in "\n".join(lines).splitlines()
                if "Execution Time:" in line
            )
            print(
                f"EXPLAIN {floor.stem}: {len(statements)} statements, {total:.2f} ms in PostgreSQL"
            )
