"""Structured content, edited one list at a time; the agreement's own fields; the version check;
completeness against the ICO headings."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agreements import selectors, services
from agreements.choices import Channel, IcoHeading, InformationLevel, LegalBasisKind, Party
from agreements.models import Agreement, AgreementLegalBasis, DataItem, LegalBasis, Purpose
from agreements.services.lifecycle import flag_descendants_for_review
from partners.roles import Role
from partners.tenancy import activate
from tests.agreements.conftest import make_draft
from tests.factories import AgreementFactory, legal_basis

pytestmark = pytest.mark.django_db


def set_content(officer, agreement, section, items):
    agreement.refresh_from_db()
    return services.agreement_set_content(
        actor=officer,
        agreement=agreement,
        expected_version=agreement.version,
        section=section,
        items=items,
    )


def test_a_list_is_saved_in_the_order_given_and_each_row_keeps_its_history(
    in_tenant, officer, draft
):
    set_content(
        officer,
        draft,
        "purposes",
        [
            {"service": "Fair Access", "description": "School admissions and transport."},
            {"service": "Early Help", "description": "The right help at the right time."},
        ],
    )

    assert list(draft.purposes.values_list("service", flat=True)) == ["Fair Access", "Early Help"]
    assert all(p.history.first().history_user == officer.user for p in draft.purposes.all())


def test_rows_are_changed_by_public_id_added_without_and_removed_when_left_out(
    in_tenant, officer, draft
):
    rows = set_content(
        officer,
        draft,
        "data_items",
        [
            {"level": InformationLevel.MINIMUM, "name": "Name"},
            {"level": InformationLevel.DETAILED, "name": "Health", "special_category": True},
        ],
    )
    name, health = rows

    set_content(
        officer,
        draft,
        "data_items",
        [
            {"public_id": health.public_id, "name": "Physical or mental health"},
            {"level": InformationLevel.MINIMUM, "name": "NHS number"},
        ],
    )

    items = list(draft.data_items.all())
    assert [i.name for i in items] == ["Physical or mental health", "NHS number"]
    assert items[0].pk == health.pk
    # Fields an item leaves out keep their values.
    assert items[0].special_category is True
    assert not DataItem.objects.filter(pk=name.pk).exists()
    assert name.history.filter(history_type="-").exists()


def test_every_bad_row_is_reported_under_its_formset_field_name_and_nothing_is_saved(
    in_tenant, officer, draft
):
    before = list(draft.purposes.values_list("service", flat=True))

    with pytest.raises(ValidationError) as refused:
        set_content(
            officer,
            draft,
            "purposes",
            [
                {"service": "Fine", "description": "Fine"},
                {"service": "", "description": "No service"},
                {"service": "No description", "description": ""},
            ],
        )

    assert set(refused.value.message_dict) == {"purposes-1-service", "purposes-2-description"}
    assert list(draft.purposes.values_list("service", flat=True)) == before


def test_a_method_or_channel_is_listed_once(in_tenant, officer, draft):
    with pytest.raises(ValidationError) as refused:
        set_content(
            officer,
            draft,
            "channels",
            [{"channel": Channel.SECURE_EMAIL}, {"channel": Channel.SECURE_EMAIL}],
        )
    assert "channels-1-channel" in refused.value.message_dict

    # Removing a channel and adding it back in one save is not a duplicate.
    set_content(officer, draft, "channels", [{"channel": Channel.VERBAL}])
    set_content(officer, draft, "channels", [{"channel": Channel.VERBAL, "conditions": "Noted"}])
    assert list(draft.channels.values_list("channel", "conditions")) == [(Channel.VERBAL, "Noted")]


def test_a_term_for_other_parties_names_them(in_tenant, officer, draft):
    with pytest.raises(ValidationError) as refused:
        set_content(officer, draft, "terms", [{"party": Party.OTHER, "text": "Do it"}])
    assert "terms-0-party_name" in refused.value.message_dict

    set_content(
        officer, draft, "terms", [{"party": Party.OTHER, "party_name": "Kent Police", "text": "x"}]
    )
    assert draft.terms.get().party_label == "Kent Police"


def test_an_unknown_section_or_field_is_a_programming_error(in_tenant, officer, draft):
    with pytest.raises(TypeError):
        set_content(officer, draft, "recipes", [])
    with pytest.raises(TypeError):
        set_content(officer, draft, "purposes", [{"service": "x", "colour": "red"}])


def test_a_partnership_cites_shared_legal_bases_and_its_own_but_not_anothers(
    in_tenant, officer, draft, other_partnership
):
    own = services.legal_basis_add(
        actor=officer,
        code="kent-local-act",
        kind=LegalBasisKind.STATUTE,
        citation="Kent Act 1981",
        title="A local power",
    )
    with activate(other_partnership.tenant):
        theirs = services.legal_basis_add(
            actor=other_partnership.member(Role.IG_OFFICER),
            code="haringey-local-act",
            kind=LegalBasisKind.STATUTE,
            citation="Haringey Act",
            title="Theirs",
        )

    assert set(LegalBasis.objects.available()) >= {own, legal_basis("uk-gdpr-6-1-e")}
    assert theirs not in LegalBasis.objects.available()
    set_content(officer, draft, "legal_bases", [{"basis": own}])
    with pytest.raises(ValidationError) as refused:
        set_content(officer, draft, "legal_bases", [{"basis": theirs}])
    assert "legal_bases-0-basis" in refused.value.message_dict
    assert draft.legal_bases.get().basis == own


def test_the_shared_legal_bases_cover_article_6_article_9_and_the_statutes(db):
    kinds = set(LegalBasis.objects.filter(tenant__isnull=True).values_list("kind", flat=True))
    assert kinds == set(LegalBasisKind.values)
    assert LegalBasis.objects.get(code="children-and-families-act-2014-part-3").kind == "statute"
    assert "Public task" in str(legal_basis("uk-gdpr-6-1-e"))


def test_the_second_of_two_concurrent_edits_is_refused_and_the_first_kept(
    in_tenant, officer, draft
):
    first_tab = Agreement.objects.get(pk=draft.pk)
    second_tab = Agreement.objects.get(pk=draft.pk)
    services.agreement_update(
        actor=officer, agreement=first_tab, expected_version=first_tab.version, security="First"
    )

    with pytest.raises(services.ConcurrentEdit):
        services.agreement_update(
            actor=officer,
            agreement=second_tab,
            expected_version=second_tab.version,
            security="Second",
        )
    with pytest.raises(services.ConcurrentEdit):
        services.agreement_set_content(
            actor=officer,
            agreement=second_tab,
            expected_version=second_tab.version,
            section="purposes",
            items=[],
        )

    draft.refresh_from_db()
    assert draft.security == "First"
    assert draft.purposes.exists()


def test_a_flag_set_by_a_rule_makes_an_older_edit_stale_rather_than_lost(in_tenant, officer, draft):
    page = Agreement.objects.get(pk=draft.pk)
    parent = AgreementFactory(tenant=in_tenant.tenant, owner_organisation=in_tenant.council)
    Agreement.objects.filter(pk=draft.pk).update(parent=parent)
    flag_descendants_for_review(parent, actor=officer, reason="Parent changed")

    with pytest.raises(services.ConcurrentEdit):
        services.agreement_update(
            actor=officer, agreement=page, expected_version=page.version, security="Late"
        )
    draft.refresh_from_db()
    assert draft.review_flagged_at is not None


def test_an_active_agreement_is_changed_through_a_review_not_edited(in_tenant, officer, active):
    with pytest.raises(ValidationError, match="Start a review"):
        services.agreement_update(
            actor=officer, agreement=active, expected_version=active.version, security="x"
        )

    services.agreement_start_review(actor=officer, agreement=active, reason="Annual")
    active.refresh_from_db()
    services.agreement_update(
        actor=officer, agreement=active, expected_version=active.version, security="Reviewed"
    )
    active.refresh_from_db()
    assert active.security == "Reviewed"


def test_an_agreement_cannot_sit_underneath_itself_or_its_own(in_tenant, officer, draft):
    child = make_draft(in_tenant, parent=draft)

    with pytest.raises(ValidationError) as refused:
        services.agreement_update(
            actor=officer, agreement=draft, expected_version=draft.version, parent=child
        )
    assert "parent" in refused.value.message_dict


def test_creating_an_agreement_is_for_the_ig_officer_and_starts_a_draft(in_tenant, officer):
    agreement = services.agreement_create(
        actor=officer,
        title="SEND SOP",
        kind="sop",
        owner_organisation=in_tenant.council,
        breach_notify_days=3,
    )
    assert (agreement.status, agreement.document_version) == ("draft", 0)
    # Breach deadlines are stored per agreement; defaults from Haringey 6.1–6.6.
    assert (
        agreement.breach_notify_days,
        agreement.breach_report_days,
        agreement.breach_meeting_days,
        agreement.breach_minutes_days,
    ) == (3, 10, 20, 5)
    assert (agreement.first_review_months, agreement.review_interval_months) == (6, 12)
    with pytest.raises(PermissionDenied):
        services.agreement_create(
            actor=in_tenant.member(Role.MANAGER),
            title="Mine",
            kind="sop",
            owner_organisation=in_tenant.council,
        )


def test_breach_deadlines_must_be_whole_working_days(in_tenant, officer, draft):
    with pytest.raises(ValidationError) as refused:
        services.agreement_update(
            actor=officer, agreement=draft, expected_version=draft.version, breach_report_days=0
        )
    assert "breach_report_days" in refused.value.message_dict


# --- Completeness ------------------------------------------------------------------------------


def headings(agreement):
    return {h.heading: h for h in selectors.agreement_completeness(agreement).headings}


def test_a_complete_agreement_covers_every_required_heading(in_tenant, draft):
    completeness = selectors.agreement_completeness(draft)

    assert completeness.is_complete
    assert [h.heading for h in completeness.headings] == list(IcoHeading)
    # "Further details" is optional: missing, but approval is not blocked by it.
    assert not headings(draft)[IcoHeading.FURTHER_DETAILS].complete


def test_an_empty_agreement_shows_what_each_heading_is_missing(in_tenant):
    agreement = AgreementFactory(tenant=in_tenant.tenant, owner_organisation=in_tenant.council)

    status = headings(agreement)

    assert not selectors.agreement_completeness(agreement).is_complete
    assert status[IcoHeading.PURPOSE].missing == ("List at least one purpose.",)
    assert len(status[IcoHeading.GOVERNANCE].missing) == 6
    assert len(status[IcoHeading.LAWFUL_BASIS].missing) == 2
    # Nothing special is listed, so nothing special is needed.
    assert status[IcoHeading.SPECIAL_CATEGORY].complete


def test_special_category_and_criminal_offence_data_need_their_conditions(
    in_tenant, officer, draft
):
    DataItem.objects.create(
        tenant=draft.tenant,
        agreement=draft,
        level=InformationLevel.DETAILED,
        name="Physical / mental health",
        special_category=True,
    )
    DataItem.objects.create(
        tenant=draft.tenant,
        agreement=draft,
        level=InformationLevel.DETAILED,
        name="Offences",
        criminal_offence=True,
    )
    assert len(headings(draft)[IcoHeading.SPECIAL_CATEGORY].missing) == 2

    for code in ("uk-gdpr-9-2-g", "dpa-2018-sch1-p2-18"):
        AgreementLegalBasis.objects.create(
            tenant=draft.tenant, agreement=draft, basis=legal_basis(code)
        )
    assert headings(draft)[IcoHeading.SPECIAL_CATEGORY].complete


def test_completeness_reads_the_agreement_in_one_query(in_tenant, draft, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.agreement_completeness(draft)


def test_a_purpose_removed_makes_the_agreement_incomplete(in_tenant, officer, draft):
    set_content(officer, draft, "purposes", [])

    assert not Purpose.objects.filter(agreement=draft).exists()
    assert not headings(draft)[IcoHeading.PURPOSE].complete
