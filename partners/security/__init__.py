"""Security of the service: two-step verification, sign-in lockout, session policy, response
headers, the access audit, append-only tables and safe CSV exports (see SECURITY.md).

- appendonly: models and database triggers that refuse UPDATE and DELETE;
- audit: `access_record()` — who viewed or exported what — and the search over it;
- csv: CSV exports whose cells cannot run as spreadsheet formulas;
- lockout: django-axes' handler, the lockout page and notice, unlocking by an IG officer;
- middleware: session policy, two-step verification gate, security headers;
- mfa: who must use two-step verification, enrolment, verification, recovery codes;
- network: the client's address, behind a known number of proxies;
- sessions: the register of signed-in sessions (idle and absolute timeouts, sign-out everywhere);
- views, forms, urls: the pages.
"""
