"""`consent_check`: is there current consent for this child, for this purpose, to share with this
organisation, covering these data categories — and if not, why not. Every answer."""

import datetime as dt

import pytest

from consent import services
from consent.choices import CaptureMethod, CheckReason, Decision, GiverKind, SpecialCategory
from consent.models import ConsentRecord
from consent.selectors import CheckWarning, consent_check
from tests.consent.conftest import born, open_record, parent_consent, today

pytestmark = pytest.mark.django_db

DAYS_AGO_60 = today() - dt.timedelta(days=60)


def check(world, child, **kwargs):
    kwargs.setdefault("scope", world.statutory)
    kwargs.setdefault("recipient", world.council)
    return consent_check(subject=child, **kwargs)


def test_current_consent_is_relied_on(world, senco, child):
    consent = parent_consent(world, senco, child)

    result = check(world, child)

    assert result.ok and bool(result)
    assert result.reason is None
    assert result.consent == consent
    assert result.warnings == ()
    assert "covers this sharing" in result.message


def test_none_when_no_consent_was_ever_recorded(world, child):
    result = check(world, child)

    assert not result.ok
    assert result.reason == CheckReason.NONE
    assert result.consent is None


def test_none_before_the_consent_was_given(world, senco, child):
    parent_consent(world, senco, child, given_on=today() - dt.timedelta(days=5))

    result = check(world, child, on=today() - dt.timedelta(days=6))

    assert result.reason == CheckReason.NONE


def test_scope_not_covered(world, senco, child):
    parent_consent(
        world, senco, child, scopes=[world.early_help], capture_method=CaptureMethod.VERBAL
    )

    result = check(world, child, scope=world.statutory)

    assert result.reason == CheckReason.SCOPE_NOT_COVERED
    assert check(world, child, scope=world.early_help).ok


def test_consents_not_covering_the_purpose_are_read_no_further(
    world, senco, child, django_assert_num_queries
):
    # A share on another basis is still checked (to find a refusal), and most often no consent
    # covers its purpose: the records with their purposes answer it (one query); only those
    # covering it have their recipients, third parties and timeline read (three more).
    parent_consent(world, senco, child, scopes=[world.early_help])
    parent_consent(world, senco, child, scopes=[world.early_help])

    with django_assert_num_queries(1):
        assert check(world, child, scope=world.statutory).reason == CheckReason.SCOPE_NOT_COVERED
    with django_assert_num_queries(4):
        assert check(world, child, scope=world.early_help).ok


def test_the_consent_relied_on_is_read_whole_with_its_purposes(world, senco, child):
    # The check reads a child's records through a raw cursor: what it relies on (and a decision
    # keeps in its snapshot) is the record as the ORM reads it, every field, and its purposes.
    older = parent_consent(world, senco, child, given_on=DAYS_AGO_60, scopes=[world.early_help])
    consent = parent_consent(
        world,
        senco,
        child,
        scopes=[world.early_help, world.statutory],
        explicit_special_category=True,
        special_categories=[SpecialCategory.HEALTH],
    )

    result = check(world, child, data_categories=[SpecialCategory.HEALTH])

    assert result.ok and result.consent.pk == consent.pk
    stored = ConsentRecord.objects.get(pk=consent.pk)
    for field in ConsentRecord._meta.concrete_fields:
        assert getattr(result.consent, field.attname) == getattr(stored, field.attname), field
    assert result.consent.subject is child
    assert [purpose.pk for purpose in result.consent.purposes.all()] == list(
        stored.purposes.order_by("id").values_list("pk", flat=True)
    )
    # Before the newer consent was given, the older one is all there is: it covers early help only.
    earlier = check(world, child, scope=world.early_help, on=DAYS_AGO_60)
    assert earlier.ok and earlier.consent.pk == older.pk
    assert check(world, child, on=DAYS_AGO_60).reason == CheckReason.SCOPE_NOT_COVERED


def test_a_purpose_in_words_is_matched_by_its_words_or_a_scope_of_that_name(world, senco, child):
    parent_consent(
        world,
        senco,
        child,
        scopes=[],
        other_purposes=["Early help"],
        capture_method=CaptureMethod.VERBAL,
    )

    assert check(world, child, scope="early HELP").ok
    assert check(world, child, scope=world.early_help).ok
    assert check(world, child, scope="Youth offending").reason == CheckReason.SCOPE_NOT_COVERED


def test_refused(world, senco, child):
    refusal = parent_consent(
        world, senco, child, decision=Decision.REFUSED, recipients=[], given_on=DAYS_AGO_60
    )

    result = check(world, child)

    assert result.reason == CheckReason.REFUSED
    assert result.consent == refusal
    assert "refused on" in result.message


def test_a_refusal_overrides_earlier_consent_until_newer_consent_is_given(world, senco, child):
    parent_consent(world, senco, child, given_on=today() - dt.timedelta(days=90))
    parent_consent(
        world, senco, child, decision=Decision.REFUSED, recipients=[], given_on=DAYS_AGO_60
    )
    assert check(world, child).reason == CheckReason.REFUSED
    # As it stood before the refusal, the consent was good.
    assert check(world, child, on=DAYS_AGO_60 - dt.timedelta(days=1)).ok

    newer = parent_consent(world, senco, child, given_on=today() - dt.timedelta(days=10))

    assert check(world, child).consent == newer


def test_a_refusal_naming_recipients_refuses_only_those(world, senco, child):
    parent_consent(world, senco, child, given_on=today() - dt.timedelta(days=90))
    parent_consent(
        world,
        senco,
        child,
        decision=Decision.REFUSED,
        recipients=[world.nhs],
        given_on=DAYS_AGO_60,
    )

    assert check(world, child, recipient=world.nhs).reason == CheckReason.REFUSED
    assert check(world, child, recipient=world.council).ok


def test_withdrawn(world, senco, child):
    consent = parent_consent(world, senco, child, given_on=DAYS_AGO_60)
    withdrawn_on = today() - dt.timedelta(days=7)
    services.consent_withdraw(
        actor=senco, consent=consent, withdrawn_on=withdrawn_on, reason="The parent asked."
    )

    result = check(world, child)

    assert result.reason == CheckReason.WITHDRAWN
    assert result.consent == consent
    assert "withdrawn on" in result.message
    # A decision logged now about a share made before the withdrawal checks the consent as it
    # stood then.
    assert check(world, child, on=withdrawn_on - dt.timedelta(days=1)).ok


def test_expired_even_before_the_expiry_job_has_run(world, senco, child):
    consent = parent_consent(world, senco, child, valid_until=today())
    assert check(world, child).ok

    result = check(world, child, on=today() + dt.timedelta(days=1))

    assert result.reason == CheckReason.EXPIRED
    assert result.consent == consent

    services.consents_expire_due(on=today() + dt.timedelta(days=1))
    assert check(world, child, on=today() + dt.timedelta(days=1)).reason == CheckReason.EXPIRED


def test_a_replaced_consent_gives_way_to_the_one_that_replaced_it(world, senco, child):
    old = parent_consent(world, senco, child, given_on=DAYS_AGO_60)
    new = parent_consent(world, senco, child, replaces=old, recipients=[world.council])

    assert check(world, child).consent == new
    # The replaced consent no longer lets anything go to the NHS trust.
    assert check(world, child, recipient=world.nhs).reason == CheckReason.RECIPIENT_NOT_COVERED


def test_recipient_not_covered(world, senco, child):
    consent = parent_consent(world, senco, child, recipients=[world.council])

    result = check(world, child, recipient=world.elsewhere)

    assert result.reason == CheckReason.RECIPIENT_NOT_COVERED
    assert result.consent == consent


def test_a_named_third_party_is_a_recipient(world, senco, child):
    parent_consent(world, senco, child, third_parties=["Springfield Advocacy"])

    assert check(world, child, recipient="springfield advocacy").ok
    assert (
        check(world, child, recipient="Another Charity").reason == CheckReason.RECIPIENT_NOT_COVERED
    )


def test_special_category_not_explicit(world, senco, child):
    parent_consent(world, senco, child)

    result = check(world, child, data_categories=[SpecialCategory.HEALTH])

    assert result.reason == CheckReason.SPECIAL_CATEGORY_NOT_EXPLICIT
    assert "health" in result.message
    # Categories that are not special need nothing more than the consent itself.
    assert check(world, child, data_categories=["attendance", "attainment"]).ok


def test_explicit_consent_covers_only_the_categories_named(world, senco, child):
    parent_consent(
        world,
        senco,
        child,
        explicit_special_category=True,
        special_categories=[SpecialCategory.HEALTH],
    )

    assert check(world, child, data_categories=[SpecialCategory.HEALTH]).ok
    result = check(world, child, data_categories=[SpecialCategory.HEALTH, SpecialCategory.RELIGION])
    assert result.reason == CheckReason.SPECIAL_CATEGORY_NOT_EXPLICIT


def test_of_two_standing_consents_the_one_that_covers_is_relied_on(world, senco, child):
    parent_consent(world, senco, child, given_on=DAYS_AGO_60, recipients=[world.council])
    to_nhs = parent_consent(
        world,
        senco,
        child,
        recipients=[world.nhs],
        explicit_special_category=True,
        special_categories=[SpecialCategory.HEALTH],
    )

    assert check(world, child, recipient=world.nhs).consent == to_nhs
    result = check(world, child, recipient=world.nhs, data_categories=["health"])
    assert result.consent == to_nhs


def test_a_consent_overdue_for_review_still_counts_with_a_warning(world, senco, child):
    parent_consent(world, senco, child, given_on=today() - dt.timedelta(days=400))

    result = check(world, child)

    assert result.ok
    assert [code for code, _ in result.warnings] == [CheckWarning.REVIEW_OVERDUE]


def test_a_parents_consent_past_compulsory_school_age_warns_that_the_young_person_decides(
    world, senco
):
    young_person = open_record(senco, date_of_birth=born(17))
    # Given when they were about 15, before the end of compulsory school age.
    parent_consent(world, senco, young_person, given_on=today() - dt.timedelta(days=700))

    result = check(world, young_person, on=today())

    assert result.ok
    assert CheckWarning.YOUNG_PERSON_DECIDES in [code for code, _ in result.warnings]


def test_the_answer_never_names_the_child(world, senco, child):
    parent_consent(
        world, senco, child, decision=Decision.REFUSED, recipients=[], given_on=DAYS_AGO_60
    )
    for result in (
        check(world, child),
        check(world, child, scope="Unknown"),
        consent_check(
            subject=open_record(senco, nhs_number="", forenames="Noah"),
            scope="x",
            recipient=world.council,
        ),
    ):
        assert "Ava" not in result.message and "Sampleton" not in result.message
        assert "Noah" not in result.message


def test_a_young_persons_own_consent(world, senco):
    young_person = open_record(senco, date_of_birth=born(17))
    services.consent_record(
        actor=senco,
        subject=young_person,
        giver_kind=GiverKind.YOUNG_PERSON,
        scopes=[world.early_help],
        recipients=[world.council],
        capture_method=CaptureMethod.ELECTRONIC,
        given_on=today(),
    )

    result = check(world, young_person, scope=world.early_help)

    assert result.ok and result.warnings == ()
