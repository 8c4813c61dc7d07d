"""The authorization matrix of the partners app (organisations, people, training, imports, the
security pages), of accounts, and of the project's own routes (health, admin, API docs)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from partners import services
from partners.roles import Role
from partners.tenancy import activate
from tests.factories import MembershipFactory
from tests.partners.pages_directory_helpers import pdf, upload_sample
from tests.security.matrix import (
    EVERYONE,
    IG,
    IG_AND_AUDITOR,
    Api,
    Page,
    World,
    api,
    page,
    same,
)

# --- Objects of the partnership ----------------------------------------------------------------


def _contact(w: World):
    with activate(w.tenant):
        return services.contact_add(
            actor=w.member(Role.IG_OFFICER),
            organisation=w.school,
            name="Jo Contact",
            role="Designated safeguarding lead",
            email="jo.contact@school.example.org",
            valid_from=dt.date(2020, 1, 1),
        )


def contact(w: World):
    return w.once("contact", _contact)


def _summary(w: World):
    with activate(w.tenant):
        return services.organisation_update(
            actor=w.member(Role.IG_OFFICER),
            organisation=w.council,
            expected_version=w.council.version,
            security_summary=pdf(),
        )


def council_with_summary(w: World):
    return w.once("council_with_summary", _summary)


def import_job(w: World):
    return w.once("import_job", lambda w: upload_sample(w.partnership))


def _training(w: World):
    member = w.member(Role.PRACTITIONER)
    with activate(w.tenant):
        return services.training_record(
            actor=member,
            membership=member,
            course="IG refresher",
            completed_on=timezone.localdate() - dt.timedelta(days=10),
            evidence=pdf("certificate.pdf"),
        )


def practitioner_training(w: World):
    """A practitioner's own record: they, the IG officer and the auditor may see it."""
    return w.once("training", _training)


def target(w: World):
    """A member nobody signs in as, to be changed, deactivated or unlocked."""
    return w.once(
        "target",
        lambda w: MembershipFactory(tenant=w.tenant, organisation=w.school, role=Role.PRACTITIONER),
    )


def _invitation_token(w: World) -> str:
    links = []
    with activate(w.tenant):
        services.invitation_send(
            actor=w.member(Role.IG_OFFICER),
            email="new.person@example.org",
            full_name="New Person",
            organisation=w.school,
            role=Role.SENCO,
            accept_url_for=lambda raw: links.append(raw) or f"/join/{raw}/",
        )
    return links[0]


def invitation_token(w: World) -> str:
    return w.once("invitation_token", _invitation_token)


def council_id(w):
    return {"public_id": w.council.public_id}


def target_id(w):
    return {"public_id": target(w).public_id}


def import_id(w):
    return {"public_id": import_job(w).public_id}


# --- Pages -------------------------------------------------------------------------------------

TRAINING_VISIBLE = frozenset({Role.IG_OFFICER, Role.PRACTITIONER, Role.AUDITOR})

PAGES: dict[str, Page] = {
    "healthz": Page(same(200)),
    "dashboard": Page(page()),
    "choose_membership": Page(page()),
    # Organisations and their contacts.
    "organisation_list": Page(page()),
    "organisation_create": Page(page(IG)),
    "organisation_detail": Page(page(of_object=True), kwargs=council_id),
    "organisation_edit": Page(page(IG, of_object=True), kwargs=council_id),
    "organisation_security_summary": Page(
        page(of_object=True), kwargs=lambda w: {"public_id": council_with_summary(w).public_id}
    ),
    "contact_add": Page(page(IG, of_object=True), kwargs=council_id),
    "contact_edit": Page(
        page(IG, of_object=True),
        kwargs=lambda w: {"public_id": w.school.public_id, "contact_id": contact(w).public_id},
    ),
    "organisation_import_upload": Page(page(IG)),
    "organisation_import_preview": Page(page(IG, of_object=True), kwargs=import_id),
    "organisation_import_progress": Page(page(IG, of_object=True), kwargs=import_id),
    "organisation_import_status": Page(page(IG, of_object=True), kwargs=import_id),
    # People and training.
    "membership_list": Page(page(IG_AND_AUDITOR)),
    "membership_invite": Page(page(IG)),
    "membership_detail": Page(page(IG_AND_AUDITOR, of_object=True), kwargs=target_id),
    "membership_change": Page(page(IG, of_object=True), kwargs=target_id),
    "membership_deactivate": Page(page(IG, of_object=True), kwargs=target_id),
    "membership_training_record": Page(page(IG, of_object=True), kwargs=target_id),
    # A one-time secret link, for someone who is not yet a member: the invitation says which
    # partnership it is for, whoever follows it.
    "invitation_accept": Page(same(200), kwargs=lambda w: {"token": invitation_token(w)}),
    "my_training": Page(page()),
    "my_training_record": Page(page()),
    "training_evidence": Page(
        # Hidden (404) from those who may not see that person's training, as from an outsider.
        page(TRAINING_VISIBLE, denied=404, outsider=404),
        kwargs=lambda w: {"public_id": practitioner_training(w).public_id},
    ),
    "training_policy": Page(page(IG)),
    # Accounts.
    "login": Page(same(302) | {"anonymous": 200}),
    "logout": Page(same(302), method="POST", login_url="/sign-in/"),
    "password_change": Page(page()),
    "password_change_done": Page(page()),
    "password_reset": Page(same(200)),
    "password_reset_done": Page(same(200)),
    "password_reset_confirm": Page(same(200), kwargs=lambda w: {"uidb64": "MQ", "token": "x-y"}),
    "password_reset_complete": Page(same(200)),
    # Two-step verification and sessions: the person's own. Every caller here has passed the
    # second step already, so the code page sends them on.
    "security_two_step_verify": Page(page(ok=302)),
    "security_two_step_setup": Page(page()),
    "security_account": Page(page()),
    # New recovery codes need an app set up (the roles that must use one have one here).
    "security_recovery_codes": Page(
        page(frozenset({Role.IG_OFFICER, Role.MANAGER, Role.AUDITOR}), denied=404), method="POST"
    ),
    "security_sign_out_everywhere": Page(page(ok=302), method="POST"),
    # The IG officer's security pages.
    "security_access_log": Page(page(IG_AND_AUDITOR)),
    "security_access_log_export": Page(page(IG_AND_AUDITOR)),
    "security_locked_accounts": Page(page(IG)),
    "security_unlock": Page(page(IG, ok=302, of_object=True), kwargs=target_id, method="POST"),
    "security_settings": Page(page(IG)),
    # The API's schema and documentation are public: they describe, and hold no data.
    "api_schema": Page(same(200)),
    "api_docs": Page(same(200)),
}

# The platform admin serves platform staff only (is_staff, whatever the role): everyone here is
# sent to its sign-in page. Its hundred-odd routes are tried by anonymous, the least and the most
# powerful role and the outsider; the other roles would add requests, not checks.
NAMESPACES: dict[str, Page] = {
    "admin": Page(
        same(302),
        login_url="/admin/login/",
        callers=("anonymous", "practitioner", "ig_officer", "outsider"),
    ),
}
PAGES.update(
    {
        "admin:login": Page(same(200)),
        # Signing out of the admin leads to its index (which then asks to sign in).
        "admin:logout": Page(same(302), method="POST", login_url="/admin/"),
    }
)

# --- API -------------------------------------------------------------------------------------


def org_id(w):
    return {"id": w.council.public_id}


def contact_ids(w):
    return {"id": w.school.public_id, "contact_id": contact(w).public_id}


def membership_id(w):
    return {"id": target(w).public_id}


API: dict[str, Api] = {
    # Signing in needs no credentials; an empty body is refused for everyone alike.
    "POST /api/auth/token/": Api(same(400)),
    "GET /api/organisations/": Api(api()),
    "POST /api/organisations/": Api(api(IG, ok=400)),
    "GET /api/organisations/{id}/": Api(api(of_object=True), params=org_id),
    "PUT /api/organisations/{id}/": Api(api(IG, ok=400, of_object=True), params=org_id),
    "PATCH /api/organisations/{id}/": Api(api(IG, ok=400, of_object=True), params=org_id),
    "PUT /api/organisations/{id}/designated-managers/": Api(
        api(IG, ok=400, of_object=True), params=org_id
    ),
    "GET /api/organisations/{id}/contacts/": Api(api(of_object=True), params=org_id),
    "POST /api/organisations/{id}/contacts/": Api(api(IG, ok=400, of_object=True), params=org_id),
    "GET /api/organisations/{id}/contacts/{contact_id}/": Api(
        api(of_object=True), params=contact_ids
    ),
    "PATCH /api/organisations/{id}/contacts/{contact_id}/": Api(
        api(IG, of_object=True), params=contact_ids
    ),
    "GET /api/memberships/": Api(api(IG_AND_AUDITOR)),
    "GET /api/memberships/{id}/": Api(api(IG_AND_AUDITOR, of_object=True), params=membership_id),
    "PATCH /api/memberships/{id}/": Api(api(IG, of_object=True), params=membership_id),
    "POST /api/memberships/{id}/deactivate/": Api(api(IG, of_object=True), params=membership_id),
    "POST /api/invitations/": Api(api(IG, ok=400)),
    "GET /api/training-records/": Api(api()),
    "POST /api/training-records/": Api(api(EVERYONE, ok=400)),
    "GET /api/training-records/{id}/": Api(
        api(TRAINING_VISIBLE, denied=404, outsider=404),
        params=lambda w: {"id": practitioner_training(w).public_id},
    ),
}
