"""Age: at the end of compulsory school age the rights pass to the young person, so a parent's
consent is flagged for renewal by them; a partnership may also look again at 12; and for a
child over 12, a parent's subject access request records whether the child's confirmation was
sought (SEND partnership policy)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from consent import selectors, services
from consent.ages import end_of_compulsory_school_age
from consent.choices import (
    CaptureMethod,
    ChildConfirmation,
    ConsentStatus,
    GiverKind,
    Requester,
)
from partners.roles import Role
from tests.consent.conftest import open_record, parent_consent

pytestmark = pytest.mark.django_db

# A girl born on 10 March 2010 turns 16 on 10 March 2026: her compulsory schooling ends on the
# last Friday of June 2026.
BORN = dt.date(2010, 3, 10)
HANDOVER = dt.date(2026, 6, 26)


@pytest.fixture
def teenager(world, senco):
    with time_machine.travel(dt.date(2026, 1, 5)):
        return open_record(senco, date_of_birth=BORN)


def given_in_january(world, senco, subject, **fields):
    with time_machine.travel(dt.date(2026, 1, 5)):
        return parent_consent(world, senco, subject, given_on=dt.date(2026, 1, 5), **fields)


def test_the_handover_date(teenager):
    assert end_of_compulsory_school_age(teenager.date_of_birth) == HANDOVER


def test_a_parents_consent_is_flagged_for_the_young_person_once_schooling_ends(
    world, senco, teenager
):
    consent = given_in_january(world, senco, teenager)

    before = dt.date(2026, 6, 25)
    assert selectors.consents_needing_young_person_renewal(viewer=senco, on=before) == []
    assert selectors.consents_needing_young_person_renewal(viewer=senco, on=HANDOVER) == [consent]
    # It still stands (sharing is not stopped), but the check says who decides now.
    assert (
        selectors.consent_check(
            subject=teenager, scope=world.statutory, recipient=world.council, on=HANDOVER
        ).warnings[0][0]
        == selectors.CheckWarning.YOUNG_PERSON_DECIDES
    )


def test_the_young_persons_own_consent_replaces_the_parents(world, senco, teenager):
    consent = given_in_january(world, senco, teenager)

    with time_machine.travel(dt.date(2026, 7, 6)):
        # A review by the parent cannot renew it: the young person decides now.
        with pytest.raises(ValidationError):
            services.consent_review(actor=senco, consent=consent)
        # Nor can the parent give a new consent, unless a reason is recorded.
        with pytest.raises(ValidationError) as error:
            parent_consent(world, senco, teenager, given_on=dt.date(2026, 7, 6))
        assert "giver_kind" in error.value.message_dict

        own = services.consent_record(
            actor=senco,
            subject=teenager,
            giver_kind=GiverKind.YOUNG_PERSON,
            scopes=[world.statutory],
            recipients=[world.council, world.nhs],
            capture_method=CaptureMethod.SIGNED_FORM,
            given_on=dt.date(2026, 7, 6),
            replaces=consent,
        )
        assert selectors.consents_needing_young_person_renewal(viewer=senco) == []

    consent.refresh_from_db()
    assert consent.status == ConsentStatus.EXPIRED
    assert own.giver_name == teenager.full_name


def test_a_parent_may_decide_for_a_young_person_who_lacks_capacity(world, senco, teenager):
    with time_machine.travel(dt.date(2026, 7, 6)):
        consent = parent_consent(
            world,
            senco,
            teenager,
            given_on=dt.date(2026, 7, 6),
            parent_decides_because="Assessed as lacking capacity to decide (MCA 2005).",
        )
        assert selectors.consents_needing_young_person_renewal(viewer=senco) == []
    assert consent.parent_decides_because


def test_a_partnership_may_review_a_parents_consent_at_12(world, senco):
    with time_machine.travel(dt.date(2026, 1, 5)):
        child = open_record(senco, date_of_birth=dt.date(2014, 3, 1))
        consent = parent_consent(world, senco, child, given_on=dt.date(2026, 1, 5))

    on_birthday = dt.date(2026, 3, 1)
    with time_machine.travel(on_birthday):
        # Off by default.
        assert selectors.consents_for_review_at_twelve(viewer=senco) == []
        services.consent_settings_update(
            actor=world.member(Role.IG_OFFICER), review_months=12, review_at_twelve=True
        )
        assert selectors.consents_for_review_at_twelve(viewer=senco) == [consent]
        assert (
            selectors.consents_for_review_at_twelve(
                viewer=senco, on=on_birthday - dt.timedelta(days=1)
            )
            == []
        )


def test_only_a_consent_given_before_the_twelfth_birthday_is_reviewed_at_12(world, senco):
    officer = world.member(Role.IG_OFFICER)
    with time_machine.travel(dt.date(2026, 1, 20)):
        services.consent_settings_update(actor=officer, review_months=12, review_at_twelve=True)
        before = open_record(senco, date_of_birth=dt.date(2014, 1, 10), nhs_number="")
        just_after = open_record(senco, date_of_birth=dt.date(2014, 1, 1), nhs_number="")
        long_after = open_record(senco, date_of_birth=dt.date(2013, 1, 10), nhs_number="")
        flagged = parent_consent(world, senco, before, given_on=dt.date(2026, 1, 5))
        # Given at 12 years and 4 days, and at nearly 13: the child had turned 12.
        parent_consent(world, senco, just_after, given_on=dt.date(2026, 1, 5))
        parent_consent(world, senco, long_after, given_on=dt.date(2026, 1, 5))

    assert selectors.consents_for_review_at_twelve(viewer=senco, on=dt.date(2026, 1, 20)) == [
        flagged
    ]


def test_the_age_lists_give_the_most_recently_given_first_and_stop_at_a_limit(
    world, senco, monkeypatch
):
    # Read two at a time, so that the lists must go on reading to reach the limit.
    monkeypatch.setattr(selectors.records, "CHUNK", 2)
    consents = []
    with time_machine.travel(dt.date(2026, 1, 5)):
        for day, name in zip((2, 3, 4, 5), ("Ada", "Bea", "Cal", "Dev"), strict=True):
            teenager = open_record(
                senco, forenames=name, surname=f"{name}son", date_of_birth=BORN, nhs_number=""
            )
            consents.append(parent_consent(world, senco, teenager, given_on=dt.date(2026, 1, day)))
    newest_first = consents[::-1]

    renewals = selectors.consents_needing_young_person_renewal
    assert renewals(viewer=senco, on=HANDOVER) == newest_first
    assert renewals(viewer=senco, on=HANDOVER, limit=3) == newest_first[:3]
    assert renewals(viewer=senco, on=HANDOVER, limit=9) == newest_first


# --- Subject access requests ----------------------------------------------------------------------


@pytest.fixture
def thirteen(world, senco):
    return open_record(senco, date_of_birth=dt.date(2012, 9, 1))


def sar(senco, subject, **fields):
    values = {
        "requester": Requester.PARENT,
        "requester_name": "Jo Sampleton",
        "received_on": dt.date(2026, 2, 2),
    }
    values.update(fields)
    with time_machine.travel(dt.date(2026, 2, 3)):
        return services.subject_access_request_record(actor=senco, subject=subject, **values)


def test_a_parents_request_for_a_child_over_12_says_whether_the_child_was_asked(senco, thirteen):
    with pytest.raises(ValidationError) as error:
        sar(senco, thirteen)
    assert "child_confirmation_sought" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        sar(senco, thirteen, child_confirmation_sought=False)
    assert "not_sought_because" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        sar(senco, thirteen, child_confirmation_sought=True)
    assert "child_confirmation" in error.value.message_dict

    asked = sar(
        senco,
        thirteen,
        child_confirmation_sought=True,
        child_confirmation=ChildConfirmation.CONFIRMED,
    )
    not_asked = sar(
        senco,
        thirteen,
        child_confirmation_sought=False,
        not_sought_because="Not appropriate: the child is in hospital.",
    )

    assert asked.child_age_on_receipt == 13
    assert (asked.child_confirmation_sought, asked.child_confirmation) == (True, "confirmed")
    assert (not_asked.child_confirmation_sought, not_asked.child_confirmation) == (False, "")
    assert set(selectors.access_requests_for(viewer=senco, subject=thirteen)) == {asked, not_asked}


def test_for_a_younger_child_or_the_young_persons_own_request_nothing_is_asked(senco, thirteen):
    eleven = open_record(senco, forenames="Noah", nhs_number="", date_of_birth=dt.date(2014, 9, 1))

    younger = sar(senco, eleven, child_confirmation_sought=True)
    own = sar(senco, thirteen, requester=Requester.YOUNG_PERSON, requester_name="Ava")

    assert younger.child_age_on_receipt == 11
    assert younger.child_confirmation_sought is None
    assert own.child_confirmation_sought is None
