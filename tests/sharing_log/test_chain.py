"""The log is append-only down to the database, and a per-tenant hash chain lets anyone verify
that nothing was altered: `verify_sharing_log` names the first broken link."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from partners.roles import Role
from partners.security.appendonly import AppendOnlyError
from partners.tenancy import activate
from sharing_log import chain, services
from sharing_log.choices import Basis
from sharing_log.models import (
    DecisionRecipient,
    SharingDecision,
    SharingLogHead,
)
from sharing_log.verification import chain_verify
from tests.factories import MembershipFactory
from tests.sharing_log.conftest import draft, police_request, record

APPEND_ONLY_TABLES = [
    "sharing_log_sharingdecision",
    "sharing_log_decisionrecipient",
    "sharing_log_overrideapproval",
    "sharing_log_inaccuracynotice",
    "sharing_log_inaccuracynoticerecipient",
    "sharing_log_inaccuracyacknowledgement",
]


def three_decisions(log, child) -> list[SharingDecision]:
    return [
        record(log, log.senco, child, basis=basis, consent_scope=None)
        for basis in (Basis.PUBLIC_INTEREST, Basis.SAFEGUARDING_INTEREST, Basis.COURT_ORDER)
    ]


# --- The chain ------------------------------------------------------------------------------------


def test_decisions_are_chained_in_sequence_from_the_genesis_hash(log, child):
    first, second, third = three_decisions(log, child)

    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]
    assert first.chain_hash == chain.chain_hash(chain.GENESIS_HASH, first.content_hash)
    assert second.chain_hash == chain.chain_hash(first.chain_hash, second.content_hash)
    assert third.chain_hash == chain.chain_hash(second.chain_hash, third.content_hash)
    head = SharingLogHead.objects.get(tenant=log.partnership.tenant)
    assert (head.sequence, head.chain_hash) == (3, third.chain_hash)


def test_the_chain_hash_is_sha256_of_the_previous_link_and_the_content_hash():
    previous, content = "a" * 64, "b" * 64

    assert chain.chain_hash(previous, content) == hashlib.sha256(b"a" * 64 + b"b" * 64).hexdigest()


def test_content_hash_covers_the_stored_decision_and_its_recipients(log, child):
    decision = record(log, log.senco, child, basis=Basis.PUBLIC_INTEREST, consent_scope=None)
    stored = SharingDecision.objects.get(pk=decision.pk)
    recipients = list(DecisionRecipient.objects.filter(decision=stored))

    content = chain.decision_content(stored, recipients)

    assert chain.content_hash(content) == stored.content_hash
    assert content["public_id"] == str(stored.public_id)
    assert content["basis"] == "public_interest"
    assert content["recipients"] == [
        {
            "organisation_id": log.council.pk,
            "organisation_name": "",
            "person_name": "Sam Officer",
            "person_role": "",
        }
    ]
    # Canonical: sorted keys, no spaces, UTF-8.
    canonical = chain.canonical_content(content)
    assert (
        canonical
        == json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )
    # A change of any word changes the hash.
    altered = dict(content, reasons=content["reasons"] + ".")
    assert chain.content_hash(altered) != stored.content_hash


def test_each_tenant_has_its_own_chain(log, child, other_partnership):
    three_decisions(log, child)
    officer = other_partnership.member("senco")
    with activate(other_partnership.tenant):
        decision = services.decision_record(
            actor=officer,
            draft=draft(
                log,
                None,
                basis=Basis.PUBLIC_INTEREST,
                information_level="aggregate",
                agreement=None,
                consent_scope=None,
                recipients=[services.RecipientSpec(organisation_name="Ofsted")],
                requested_by_organisation=None,
                requested_by_organisation_name="Ofsted",
            ),
        )
    assert decision.sequence == 1
    assert decision.chain_hash == chain.chain_hash(chain.GENESIS_HASH, decision.content_hash)


# --- Append-only ----------------------------------------------------------------------------------


def test_the_orm_refuses_to_change_or_remove_a_decision(log, child):
    decision = record(log, log.senco, child, basis=Basis.PUBLIC_INTEREST, consent_scope=None)

    decision.reasons = "Something else."
    with pytest.raises(AppendOnlyError):
        decision.save()
    with pytest.raises(AppendOnlyError):
        decision.delete()
    with pytest.raises(AppendOnlyError):
        SharingDecision.objects.filter(pk=decision.pk).update(reasons="Rewritten.")
    with pytest.raises(AppendOnlyError):
        DecisionRecipient.objects.filter(decision=decision).delete()


@pytest.fixture
def a_row_in_every_table(log, child):
    """A police request approved by the school's manager, then found inaccurate; the police
    acknowledge the notice."""
    police_officer = MembershipFactory(
        tenant=log.partnership.tenant, organisation=log.police, role=Role.PRACTITIONER
    )
    decision = record(log, log.senco, child, **police_request(log, child))
    services.override_decide(
        actor=log.school_manager, decision=decision, outcome="approved", reasons="In order."
    )
    notice = services.inaccuracy_notice_record(
        actor=log.senco, decision=decision, what_was_wrong="The date of birth was wrong."
    )
    services.inaccuracy_acknowledge(actor=police_officer, notice=notice)


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_the_database_refuses_update_and_delete_with_raw_sql(a_row_in_every_table, table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (a constant table name)
        assert cursor.fetchone()[0] >= 1

    for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):  # noqa: S608
        with (
            pytest.raises(IntegrityError) as excinfo,
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
        assert "append-only" in str(excinfo.value)


# --- verify_sharing_log ---------------------------------------------------------------------------


def _behind_the_apps_back(sql: str, params, table: str = "sharing_log_sharingdecision") -> None:
    """Change a row as someone with database access could, with the table's triggers out of the
    way (inside the test's transaction, so they come back afterwards)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Foreign keys are checked at commit; ALTER TABLE wants none of those pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        else:
            cursor.execute(f"DROP TRIGGER {table}_append_only_update")
            cursor.execute(f"DROP TRIGGER {table}_append_only_delete")
        cursor.execute(sql, params)


def _removed_behind_the_apps_back(decision) -> None:
    _behind_the_apps_back(
        "DELETE FROM sharing_log_decisionrecipient WHERE decision_id = %s",
        [decision.pk],
        table="sharing_log_decisionrecipient",
    )
    _behind_the_apps_back("DELETE FROM sharing_log_sharingdecision WHERE id = %s", [decision.pk])


def test_verify_reports_an_intact_chain(log, child, capsys):
    three_decisions(log, child)

    call_command("verify_sharing_log", "--tenant", log.partnership.tenant.slug)

    assert "3 decisions, chain intact" in capsys.readouterr().out


def test_verify_names_the_first_decision_altered_behind_the_apps_back(log, child, capsys):
    _, second, _ = three_decisions(log, child)
    _behind_the_apps_back(
        "UPDATE sharing_log_sharingdecision SET reasons = %s WHERE id = %s",
        ["Nothing to see here.", second.pk],
    )

    with pytest.raises(CommandError) as excinfo:
        call_command("verify_sharing_log", "--tenant", log.partnership.tenant.slug)

    assert excinfo.value.returncode == 1
    error = capsys.readouterr().err
    assert f"at sequence 2 (decision {second.public_id})" in error
    assert "does not match its content hash" in error


def test_verify_detects_a_recipient_altered(log, child):
    *_, third = three_decisions(log, child)
    _behind_the_apps_back(
        "UPDATE sharing_log_decisionrecipient SET person_name = %s WHERE decision_id = %s",
        ["Someone else", third.pk],
        table="sharing_log_decisionrecipient",
    )

    report = chain_verify(tenant=log.partnership.tenant)

    assert (report.ok, report.sequence, report.public_id) == (False, 3, third.public_id)


def test_verify_detects_a_rewritten_hash(log, child):
    _, second, _ = three_decisions(log, child)
    # Someone rewrites a decision and its content hash too: the next link no longer follows.
    content = chain.decision_content(second, DecisionRecipient.objects.filter(decision=second))
    content["reasons"] = "Rewritten."
    _behind_the_apps_back(
        "UPDATE sharing_log_sharingdecision SET reasons = %s, content_hash = %s WHERE id = %s",
        ["Rewritten.", chain.content_hash(content), second.pk],
    )

    report = chain_verify(tenant=log.partnership.tenant)

    assert (report.ok, report.sequence) == (False, 2)
    assert "chain hash does not follow" in report.problem


def test_verify_detects_a_removed_decision(log, child):
    _, second, _ = three_decisions(log, child)
    _removed_behind_the_apps_back(second)

    report = chain_verify(tenant=log.partnership.tenant)

    assert (report.ok, report.sequence) == (False, 2)
    assert "missing" in report.problem


def test_verify_detects_the_last_decision_removed(log, child):
    *_, third = three_decisions(log, child)
    _removed_behind_the_apps_back(third)

    report = chain_verify(tenant=log.partnership.tenant)

    assert (report.ok, report.sequence) == (False, 3)
    assert "chain head says 3" in report.problem


def test_verify_checks_every_tenant_without_an_option(log, child, other_partnership, capsys):
    three_decisions(log, child)

    call_command("verify_sharing_log")

    out = capsys.readouterr().out
    assert f"{log.partnership.tenant.slug}: 3 decisions, chain intact." in out
    assert f"{other_partnership.tenant.slug}: 0 decisions, chain intact." in out


def test_verify_refuses_an_unknown_tenant(db):
    with pytest.raises(CommandError, match="No partnership"):
        call_command("verify_sharing_log", "--tenant", "nowhere")


def test_verify_streams_with_a_constant_number_of_queries(
    log, child, django_assert_max_num_queries
):
    three_decisions(log, child)
    with django_assert_max_num_queries(4):
        assert chain_verify(tenant=log.partnership.tenant).ok
    for _ in range(10):
        record(log, log.senco, child, basis=Basis.PUBLIC_INTEREST, consent_scope=None)
    with django_assert_max_num_queries(4):
        assert chain_verify(tenant=log.partnership.tenant).checked == 13
