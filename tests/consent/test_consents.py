"""Recording consent: who gave it (the young person with a competence assessment, or a person
with parental responsibility), what for, with whom, special category data explicitly, how it was
captured and the signed form, when it is reviewed. Nothing recorded is ever changed or removed:
withdrawal, review, expiry and replacement are new events of its timeline."""

import datetime as dt

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction

from consent import selectors, services
from consent.choices import (
    CaptureMethod,
    ConsentStatus,
    Decision,
    EventKind,
    GiverKind,
    Relationship,
    SpecialCategory,
)
from consent.models import ConsentEvent, ConsentRecord
from consent.tasks import expire_consents
from partners.roles import Role
from tests.agreements.conftest import make_draft
from tests.consent.conftest import born, open_record, parent_consent, today
from tests.factories import ConsentScopeFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"x" * 200


def signed_form(name="Ava Sampleton consent.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_a_parents_consent_with_everything_it_says(world, senco, child):
    consent = parent_consent(
        world,
        senco,
        child,
        third_parties=[services.ThirdParty("Springfield Advocacy", "Independent supporter")],
        explicit_special_category=True,
        special_categories=[SpecialCategory.HEALTH, SpecialCategory.ETHNIC_ORIGIN],
        signed_form=signed_form(),
    )

    assert consent.status == ConsentStatus.GIVEN
    assert consent.agreement == world.agreement
    assert consent.relationship_label == "Mother"
    assert [p.scope for p in consent.purposes.all()] == [world.statutory]
    assert {r.organisation for r in consent.recipient_links.all()} == {world.council, world.nhs}
    assert consent.third_parties.get().name == "Springfield Advocacy"
    assert consent.special_categories == ["health", "ethnic_origin"]
    # Golden Rule 2: reviewed after twelve months unless the partnership says otherwise.
    assert consent.review_due == consent.given_on + relativedelta(years=1)
    assert consent.recorded_by == senco
    # The stored file name never carries the child's name.
    assert "Sampleton" not in consent.signed_form.name
    assert consent.signed_form.name.endswith(".pdf")
    kinds = [event.kind for event in selectors.consent_timeline(consent=consent)]
    assert kinds == [EventKind.GIVEN, EventKind.FORM_ATTACHED]


def test_a_young_person_under_16_needs_a_recorded_competence_assessment(world, senco):
    teenager = open_record(senco, date_of_birth=born(14))
    consent_from_them = {
        "giver_kind": GiverKind.YOUNG_PERSON,
        "scopes": [world.early_help],
        "recipients": [world.council],
        "capture_method": CaptureMethod.VERBAL,
        "given_on": today(),
    }

    with pytest.raises(ValidationError) as error:
        services.consent_record(actor=senco, subject=teenager, **consent_from_them)
    assert "competence_assessment" in error.value.message_dict

    consent = services.consent_record(
        actor=senco,
        subject=teenager,
        competence_assessment="Explained back what is shared, with whom and why.",
        **consent_from_them,
    )
    assert consent.giver_name == teenager.full_name
    assert consent.competence_assessed_by == senco
    assert consent.competence_assessed_on == today()
    assert consent.relationship_label == "The child or young person"


def test_a_young_person_of_16_is_presumed_competent(world, senco):
    young_person = open_record(senco, date_of_birth=born(16, 5))

    consent = services.consent_record(
        actor=senco,
        subject=young_person,
        giver_kind=GiverKind.YOUNG_PERSON,
        scopes=[world.early_help],
        recipients=[world.council],
        capture_method=CaptureMethod.ELECTRONIC,
        given_on=today(),
    )
    assert consent.competence_assessment == ""


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"giver_name": ""}, "giver_name"),
        ({"giver_relationship": ""}, "giver_relationship"),
        ({"giver_relationship": Relationship.OTHER}, "giver_relationship_other"),
        ({"scopes": []}, "scopes"),
        ({"recipients": []}, "recipients"),
        # Statutory assessment needs a signed form (Kent SEND SOP).
        ({"capture_method": CaptureMethod.VERBAL}, "capture_method"),
        ({"capture_method": CaptureMethod.VERBAL, "scopes": []}, "scopes"),
        ({"special_categories": [SpecialCategory.HEALTH]}, "explicit_special_category"),
        ({"explicit_special_category": True}, "special_categories"),
        ({"given_on": today() + dt.timedelta(days=1)}, "given_on"),
        ({"review_due": today() - dt.timedelta(days=30)}, "review_due"),
        ({"valid_until": today() - dt.timedelta(days=60)}, "valid_until"),
    ],
)
def test_what_a_consent_must_say(world, senco, child, fields, field):
    with pytest.raises(ValidationError) as error:
        parent_consent(world, senco, child, **fields)
    assert field in error.value.message_dict
    assert not ConsentRecord.objects.exists()


def test_purposes_in_words_need_no_agreement(world, senco, child):
    consent = services.consent_record(
        actor=senco,
        subject=child,
        giver_kind=GiverKind.PARENT,
        giver_name="Jo Sampleton",
        giver_relationship=Relationship.FATHER,
        other_purposes=["Referral to the SEND partnership service"],
        recipients=[world.council],
        capture_method=CaptureMethod.VERBAL,
        given_on=today(),
    )
    assert consent.agreement is None
    assert consent.purposes.get().description == "Referral to the SEND partnership service"


def test_scopes_come_from_an_agreement_in_force(world, senco, child):
    draft = make_draft(world.partnership, title="Draft protocol")
    draft_scope = ConsentScopeFactory(agreement=draft, name="Early help")
    with pytest.raises(ValidationError) as error:
        parent_consent(world, senco, child, scopes=[draft_scope])
    assert "agreement" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        parent_consent(world, senco, child, scopes=[world.statutory, draft_scope])
    assert "scopes" in error.value.message_dict


def test_a_refusal_is_recorded_with_who_refused_and_when(world, senco, child):
    refusal = parent_consent(
        world,
        senco,
        child,
        decision=Decision.REFUSED,
        recipients=[],
        capture_method=CaptureMethod.VERBAL,
        notes="Prefers to work with the school alone.",
    )
    assert refusal.status == ConsentStatus.REFUSED
    assert refusal.review_due is None
    assert [e.kind for e in refusal.events.all()] == [EventKind.REFUSED]
    with pytest.raises(ValidationError):
        services.consent_withdraw(actor=senco, consent=refusal, reason="n/a")


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.AUDITOR, Role.MANAGER])
def test_only_sencos_and_ig_officers_record_consent(world, child, role):
    with pytest.raises(PermissionDenied):
        parent_consent(world, world.member(role), child)


def test_an_uninvolved_senco_cannot_record_consent_for_the_child(world, child):
    with pytest.raises(PermissionDenied):
        parent_consent(world, world.elsewhere_practitioner, child)


# --- Never overwritten ----------------------------------------------------------------------------


def test_withdrawal_leaves_the_earlier_record_intact(world, senco, child):
    consent = parent_consent(world, senco, child)
    before = ConsentRecord.objects.filter(pk=consent.pk).values(
        "decision", "giver_name", "given_on", "review_due", "capture_method", "recorded_by"
    )[0]
    given_event = consent.events.get()

    services.consent_withdraw(
        actor=senco,
        consent=consent,
        withdrawn_on=today() - dt.timedelta(days=2),
        reason="The mother asked by telephone that nothing more is shared.",
    )

    consent.refresh_from_db()
    after = ConsentRecord.objects.filter(pk=consent.pk).values(*before)[0]
    assert after == before
    assert (consent.status, consent.status_on) == (
        ConsentStatus.WITHDRAWN,
        today() - dt.timedelta(days=2),
    )
    timeline = selectors.consent_timeline(consent=consent)
    assert [e.kind for e in timeline] == [EventKind.GIVEN, EventKind.WITHDRAWN]
    assert timeline[0] == given_event and timeline[0].recorded_by == senco
    assert timeline[1].reason.startswith("The mother asked")
    # The record's own history has a row for each state.
    assert [h.status for h in consent.history.order_by("history_date")] == ["given", "withdrawn"]
    # Withdrawn once; a second withdrawal is refused rather than written again.
    with pytest.raises(ValidationError):
        services.consent_withdraw(actor=senco, consent=consent, reason="Again")
    assert consent.events.count() == 2


def test_a_withdrawal_needs_a_reason_and_a_date_after_the_consent(world, senco, child):
    consent = parent_consent(world, senco, child)
    with pytest.raises(ValidationError):
        services.consent_withdraw(actor=senco, consent=consent, reason=" ")
    with pytest.raises(ValidationError):
        services.consent_withdraw(
            actor=senco,
            consent=consent,
            reason="Asked",
            withdrawn_on=consent.given_on - dt.timedelta(days=1),
        )
    assert consent.events.count() == 1


def test_a_consent_record_is_never_deleted(world, senco, child):
    consent = parent_consent(world, senco, child)
    with pytest.raises(ValidationError):
        consent.delete()
    assert ConsentRecord.objects.filter(pk=consent.pk).exists()


def test_the_timeline_is_append_only_down_to_the_database(world, senco, child):
    consent = parent_consent(world, senco, child)
    event = consent.events.get()

    with pytest.raises(IntegrityError):
        event.reason = "rewritten"
        event.save()
    with pytest.raises(IntegrityError):
        ConsentEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    # Each refusal in its own savepoint: on PostgreSQL a refused statement aborts the transaction.
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE consent_consentevent SET reason = 'rewritten' WHERE id = %s", [event.pk]
        )
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM consent_consentevent WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.reason != "rewritten"


# --- Review, renewal, the form -------------------------------------------------------------------


def test_a_review_confirms_the_consent_and_sets_the_next_review(world, senco, child):
    consent = parent_consent(world, senco, child, given_on=today() - dt.timedelta(days=360))

    services.consent_review(actor=senco, consent=consent, notes="Still happy for us to share.")

    consent.refresh_from_db()
    assert consent.review_due == today() + relativedelta(years=1)
    event = consent.events.last()
    assert (event.kind, event.on, event.review_due) == (
        EventKind.REVIEWED,
        today(),
        consent.review_due,
    )
    # The first event still says when the first review was due.
    assert consent.events.first().review_due == consent.given_on + relativedelta(years=1)


def test_a_partnerships_review_period_applies_to_new_consents(world, senco, child):
    services.consent_settings_update(
        actor=world.member(Role.IG_OFFICER), review_months=6, review_at_twelve=True
    )
    given_on = today() - dt.timedelta(days=10)
    consent = parent_consent(world, senco, child, given_on=given_on)

    assert consent.review_due == given_on + relativedelta(months=6)
    with pytest.raises(PermissionDenied):
        services.consent_settings_update(actor=senco, review_months=3, review_at_twelve=False)


def test_a_signed_form_is_attached_once(world, senco, child):
    consent = parent_consent(world, senco, child)

    services.consent_attach_form(actor=senco, consent=consent, signed_form=signed_form())
    first = consent.signed_form.name

    with pytest.raises(ValidationError):
        services.consent_attach_form(
            actor=senco, consent=consent, signed_form=signed_form("again.pdf")
        )
    consent.refresh_from_db()
    assert consent.signed_form.name == first
    assert [e.kind for e in consent.events.all()] == [EventKind.GIVEN, EventKind.FORM_ATTACHED]


def test_a_form_is_attached_only_to_consent_given_on_one(world, senco, child):
    verbal = parent_consent(
        world, senco, child, scopes=[world.early_help], capture_method=CaptureMethod.VERBAL
    )
    with pytest.raises(ValidationError):
        services.consent_attach_form(actor=senco, consent=verbal, signed_form=signed_form())
    with pytest.raises(ValidationError):
        parent_consent(
            world,
            senco,
            child,
            scopes=[world.early_help],
            capture_method=CaptureMethod.VERBAL,
            signed_form=signed_form(),
        )


def test_a_new_consent_can_replace_an_older_one(world, senco, child):
    old = parent_consent(world, senco, child, given_on=today() - dt.timedelta(days=200))

    new = parent_consent(world, senco, child, replaces=old, recipients=[world.council])

    old.refresh_from_db()
    assert old.status == ConsentStatus.EXPIRED
    assert old.events.last().kind == EventKind.REPLACED
    assert list(old.replaced_by.all()) == [new]
    with pytest.raises(ValidationError):
        parent_consent(world, senco, child, replaces=old)


# --- Expiry ---------------------------------------------------------------------------------------


def test_a_consent_past_its_last_day_expires_once(world, senco, child):
    lapsed = parent_consent(
        world,
        senco,
        child,
        given_on=today() - dt.timedelta(days=100),
        valid_until=today() - dt.timedelta(days=10),
    )
    standing = parent_consent(world, senco, child, valid_until=today() + dt.timedelta(days=10))

    # Recorded after its last day, a consent is expired at once.
    lapsed.refresh_from_db()
    assert lapsed.status == ConsentStatus.EXPIRED
    assert lapsed.events.last().on == today() - dt.timedelta(days=9)
    assert services.consents_expire_due(on=today()) == 0

    assert services.consents_expire_due(on=today() + dt.timedelta(days=11)) == 1
    assert services.consents_expire_due(on=today() + dt.timedelta(days=11)) == 0
    standing.refresh_from_db()
    assert standing.status == ConsentStatus.EXPIRED
    assert standing.events.filter(kind=EventKind.EXPIRED).count() == 1
    assert standing.events.get(kind=EventKind.EXPIRED).recorded_by is None


def test_the_expiry_job_runs_in_every_partnership(world, senco, child):
    parent_consent(world, senco, child, valid_until=today() + dt.timedelta(days=1))
    with time_machine.travel(today() + dt.timedelta(days=3)):
        assert expire_consents.delay().get() == 1
        assert expire_consents.delay().get() == 0
