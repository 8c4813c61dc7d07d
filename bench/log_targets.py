"""Targets (a) to (c) of bench/run.py: the sharing log (API and pages, each beside its floor,
and page 1,000 beside COUNT(*) + OFFSET), a child's record, and recording decisions (one per
POST, sustained, in batches, then verify_sharing_log). A mixin of bench.run.Bench, imported by
bench/run.py after bench.harness.setup() has chosen the bench settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import timedelta

from django.utils import timezone

from bench import harness
from bench.harness import measure, not_built, report, route
from partners.tenancy import activate


class LogTargets:
    # --- (a) the sharing log ----------------------------------------------------------------

    def cursor_at(self, depth: int, **filters) -> tuple[str | None, int]:
        """The keyset cursor of page `depth` (the public id of the last current decision of the
        page before it, newest first), or of the last page when there are fewer; and the page
        number it is. Computed once here with OFFSET, so the benchmark can ask for the page
        directly, as a client that had followed `next` that far would."""
        from sharing_log.models import SharingDecision

        with activate(self.tenant):
            decisions = SharingDecision.objects.filter(superseded_by__isnull=True, **filters)
            total = decisions.count()
            page = max(1, min(depth, (total + 49) // 50))
            if page == 1:
                return None, 1
            after = decisions.order_by("-decided_at", "-id").values_list("public_id", flat=True)[
                (page - 1) * 50 - 1
            ]
        return str(after), page

    def target_list(self) -> None:
        api = route(("decision-list", "sharing_log:decision-list"))
        if api is None:
            return not_built("(a) sharing log API", "the /api/decisions/ route is not built yet")
        ig = self.person("ig_officer")
        child = self.busy_child()
        recipient, received = self.busiest_recipient()
        today = timezone.localdate()
        frm = today - timedelta(days=730)
        h = ig.api_headers
        depth = self.args.depth
        self.read("(a) API log, first page", api, h, floor="api-log-first")
        after, page = self.cursor_at(depth)
        self.read(
            f"(a) API log, page {page:,} (keyset)", f"{api}?after={after}", h, floor="api-log-deep"
        )
        naive = f"/bench-naive/decisions/?tenant={self.tenant.slug}&page={page}"
        report(
            measure(
                f"(a) COUNT(*)+OFFSET page {page:,} (admin way)",
                self.server,
                lambda i: ("GET", naive, {}, None),
                requests=max(20, self.args.requests // 4),
                concurrency=self.args.concurrency,
            )
        )
        self.read(
            "(a) API log, filtered by child",
            f"{api}?subject={child.public_id}",
            h,
            floor="api-log-child",
        )
        # Not the IG officer's whole log: what a practitioner's organisation made or received
        # about children it may see, the everyday view of the log.
        practitioner = self.practitioner_for(child)
        self.read(
            "(a) API log, a practitioner's organisation, first",
            api,
            practitioner.api_headers,
            floor="api-log-organisation",
        )
        by_recipient = f"{api}?recipient_organisation={recipient.public_id}"
        self.read(
            f"(a) API log, by recipient ({received:,} rows), first",
            by_recipient,
            h,
            floor="api-log-recipient",
        )
        after, page = self.cursor_at(depth, recipients__organisation=recipient)
        if after:
            self.read(
                f"(a) API log, by recipient, page {page}",
                f"{by_recipient}&after={after}",
                h,
                floor="api-log-recipient-deep",
            )
        dated = f"{api}?decided_from={frm.isoformat()}&decided_to={today.isoformat()}"
        self.read("(a) API log, last two years, first", dated, h, floor="api-log-dates")
        after, page = self.cursor_at(depth, decided_at__date__gte=frm, decided_at__date__lte=today)
        self.read(
            f"(a) API log, last two years, page {page:,}",
            f"{dated}&after={after}",
            h,
            floor="api-log-dates-deep",
        )
        self.html_log(ig, child, recipient, frm, today)

    def html_log(self, ig, child, recipient, frm, today) -> None:
        page = route(
            (
                "sharing_log:decision_list",
                "sharing_log:log",
                "sharing_log:decision_log",
                "decision_list",
            )
        )
        if page is None:
            return not_built("(a) sharing log pages", "the sharing log list page is not built yet")
        h = ig.page_headers
        self.read("(a) HTML log, first page", page, h, floor="html-log-first")
        self.read(
            "(a) HTML log, a practitioner's organisation",
            page,
            self.practitioner_for(child).page_headers,
            floor="html-log-organisation",
        )
        after, number = self.cursor_at(self.args.depth)
        self.read(
            f"(a) HTML log, page {number:,} (keyset)",
            f"{page}?after={after}",
            h,
            floor="html-log-deep",
        )
        self.read(
            "(a) HTML log, by recipient",
            f"{page}?recipient_organisation={recipient.public_id}",
            h,
            floor="html-log-recipient",
        )
        self.read(
            "(a) HTML log, last two years",
            f"{page}?decided_from={frm.isoformat()}&decided_to={today.isoformat()}",
            h,
            floor="html-log-dates",
        )
        child_log = route(
            ("sharing_log:subject_log", "sharing_log:child_log", "sharing_log:subject_decisions"),
            child.public_id,
        )
        if child_log:
            self.read("(a) HTML log of a child", child_log, h, floor="html-log-child")

    # --- (b) a child's record ---------------------------------------------------------------

    def target_child(self) -> None:
        child = self.busy_child()
        page = route(("consent:subject_detail", "subject_detail"), child.public_id)
        if page is None:
            return not_built("(b) child record page", "the child record page is not built yet")
        practitioner = self.practitioner_for(child)
        self.read(
            "(b) child record page (practitioner)",
            page,
            practitioner.page_headers,
            floor="html-child",
        )
        self.read(
            "(b) child record page (IG officer)", page, self.person("ig_officer").page_headers
        )

    # --- (c) logging decisions --------------------------------------------------------------

    def decision_payloads(self, practitioner, n: int) -> list[bytes]:
        """Shares on a statutory gateway about children the practitioner's organisation is
        involved with, to another involved organisation: the everyday decision."""
        from agreements.models import LegalBasis
        from consent.access import subjects_visible_to
        from consent.models import DataSubjectGroupObjectPermission
        from partners.models import Organisation
        from sharing_log.choices import GOLDEN_RULE_6_CHECKS

        membership = practitioner.membership
        with activate(self.tenant):
            subjects = list(subjects_visible_to(membership).order_by("pk")[:200])
            gateway = LegalBasis.objects.filter(tenant__isnull=True, kind="statute").first()
            payloads = []
            for i in range(n):
                subject = subjects[i % len(subjects)]
                others = (
                    DataSubjectGroupObjectPermission.objects.filter(content_object=subject)
                    .exclude(
                        group__sharewell_organisation__organisation_id=membership.organisation_id
                    )
                    .values_list("group__sharewell_organisation__organisation_id", flat=True)
                )
                other = Organisation.objects.filter(pk__in=list(others)).first()
                recipient = (
                    {"organisation": str(other.public_id), "person_role": "Duty officer"}
                    if other
                    else {"organisation_name": "Riverside GP Practice", "person_name": "Dr A. Shah"}
                )
                asked_by = (
                    {"requested_by_organisation": str(other.public_id)}
                    if other
                    else {"requested_by_organisation_name": "Riverside GP Practice"}
                )
                payloads.append(
                    json.dumps(
                        {
                            "subject": str(subject.public_id),
                            "requested_by_name": "Sam Carter",
                            "requested_by_role": "Designated safeguarding lead",
                            **asked_by,
                            "outcome": "share",
                            "purpose": "To plan support at a Team Around the Family meeting.",
                            "information_level": "minimum",
                            "information_description": "Attendance and the current plan.",
                            "reasons": "Needed for the meeting; minimum data only.",
                            "identity_check": "known_contact",
                            "basis": "statutory_function",
                            "statutory_gateway": str(gateway.public_id) if gateway else None,
                            "method": "method_1",
                            "channel": "secure_email",
                            "record_location": "Case management system",
                            **dict.fromkeys(GOLDEN_RULE_6_CHECKS, True),
                            "recipients": [recipient],
                        }
                    ).encode()
                )
        return payloads

    def target_decide(self) -> None:
        api = route(("decision-list", "sharing_log:decision-list"))
        if api is None:
            return not_built("(c) logging a decision", "the /api/decisions/ route is not built yet")
        child = self.busy_child()
        practitioner = self.practitioner_for(child)
        headers = {**practitioner.api_headers, "Content-Type": "application/json"}
        latency_n, sustained_n = self.args.requests, self.args.sustained
        payloads = self.decision_payloads(practitioner, latency_n + sustained_n + 20)
        report(
            measure(
                "(c) log a decision (POST), latency",
                self.server,
                lambda i: (
                    "POST",
                    api,
                    headers,
                    payloads[i if i >= 0 else latency_n + sustained_n - i],
                ),
                requests=latency_n,
                concurrency=self.args.concurrency,
                expect=(201,),
            )
        )
        report(
            measure(
                f"(c) log decisions, sustained (c={self.args.concurrency * 2})",
                self.server,
                lambda i: ("POST", api, headers, payloads[latency_n + i if i >= 0 else -1 + i]),
                requests=sustained_n,
                concurrency=self.args.concurrency * 2,
                warmup=0,
                expect=(201,),
            )
        )
        self.decide_in_batches(api, headers, practitioner)
        if self.args.no_verify:
            return
        started = time.perf_counter()
        verify = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "verify_sharing_log", "--tenant", self.tenant.slug],
            cwd=harness.ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench"},
            capture_output=True,
            text=True,
        )
        print(
            f"    verify_sharing_log: exit {verify.returncode} in "
            f"{time.perf_counter() - started:.1f} s: "
            f"{(verify.stdout + verify.stderr).strip()[-300:]}"
        )

    def decide_in_batches(self, api: str, headers: dict, practitioner) -> None:
        """The same decisions sent as an integration sends them: POST /api/decisions/batch/,
        BATCH at a time (each still validated and consent-checked on its own)."""
        batch = route(("decision-batch", "sharing_log:decision-batch"))
        if batch is None:
            return not_built("(c) batches of decisions", "the batch route is not built yet")
        size, count = self.args.batch, max(1, self.args.sustained // self.args.batch)
        decisions = self.decision_payloads(practitioner, size * (count + 4))
        bodies = [
            json.dumps(
                {"decisions": [json.loads(d) for d in decisions[i * size : (i + 1) * size]]}
            ).encode()
            for i in range(count + 4)
        ]
        result = report(
            measure(
                f"(c) log decisions in batches of {size}, sustained "
                f"(c={self.args.concurrency * 2})",
                self.server,
                lambda i: ("POST", batch, headers, bodies[i + 4 if i >= 0 else -i - 1]),
                requests=count,
                concurrency=self.args.concurrency * 2,
                warmup=0,
                expect=(201,),
            )
        )
        print(
            f"    = {result.per_second * size:,.0f} decisions/s, "
            f"{result.cpu_ms / size:.1f} ms cpu per decision"
        )
