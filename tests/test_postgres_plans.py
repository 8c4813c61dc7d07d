"""What PostgreSQL is told and given so that the partnership's largest lists stay fast
(docs/performance.md, (h)): the web's connections do not compile queries to machine code (JIT),
they prepare the statements of recording a decision and of finding an API token, and no others
((c)), and finding a child, or a person, by part of a name reads trigram indexes instead of
every row. PostgreSQL only: SQLite has neither."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings

from consent import selectors
from consent.models import DataSubject
from partners.models import Membership, User
from partners.prepared import PREPARE_AFTER, prepared_statements
from partners.roles import Role
from partners.selectors import membership_list
from tests.factories import DataSubjectFactory
from tests.partners.test_api import token_client, token_for

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's planner and indexes"
    ),
]


# Enough children that reading them all costs the planner more than reading an index.
CHILDREN = 3_000


def plan(queryset) -> str:
    """The plan PostgreSQL would choose for a partnership's worth of rows: a test's few thousand
    are cheaper to scan whole, so scanning whole is taken off the table (an index that cannot
    serve the condition still can't be chosen for it)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_web_connections_do_not_compile_queries():
    # A search over 100,000 children spent 545 of its 636 ms compiling when JIT was on.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def _prepared_statements() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def _children_named(*surnames: str) -> None:
    for surname in surnames:
        list(DataSubject.objects.filter(surname=surname).values_list("pk", flat=True))


@override_settings(SHAREWELL_PREPARED_STATEMENTS=True)
def test_the_write_paths_statements_are_prepared_and_no_others(in_tenant):
    # A decision's statements spent over half of PostgreSQL's time being planned (docs/
    # performance.md, (c)); a generic plan for a list page's statements cost three to four times
    # a fresh one. So statements are prepared only inside prepared_statements().
    before = _prepared_statements()
    _children_named("Ashworth", "Bramley", "Cartwright")
    assert not [text for text in _prepared_statements() - before if "surname" in text]

    with prepared_statements():
        _children_named("Ashworth", "Bramley", "Cartwright")
    prepared = [text for text in _prepared_statements() - before if "surname" in text]
    assert len(prepared) == 1, prepared
    # Its values are parameters, not part of the statement: one plan may serve every surname.
    assert "$" in prepared[0] and "Bramley" not in prepared[0], prepared[0]
    # Outside the block the connection prepares nothing again.
    assert connection.connection.prepare_threshold is None


@override_settings(SHAREWELL_PREPARED_STATEMENTS=False)
def test_with_prepared_statements_off_nothing_is_prepared(in_tenant):
    # DATABASE_PREPARED_STATEMENTS=false: for a pooler that cannot keep them.
    before = _prepared_statements()
    with prepared_statements():
        _children_named("Ashworth", "Bramley", "Cartwright", "Dunmore")
    assert not [text for text in _prepared_statements() - before if "surname" in text]


@override_settings(SHAREWELL_PREPARED_STATEMENTS=True)
def test_an_api_request_finds_its_token_by_a_prepared_statement(partnership):
    client = token_client(token_for(partnership.member(Role.IG_OFFICER)))
    for _ in range(PREPARE_AFTER + 1):
        assert client.get("/api/organisations/").status_code == 200
    assert [text for text in _prepared_statements() if "partners_apitoken" in text]


def test_finding_a_child_by_part_of_a_name_reads_the_trigram_indexes(in_tenant):
    tenant = in_tenant.tenant
    surnames = ["Ashworth", "Bramley", "Cartwright", "Dunmore", "Ellingham", "Fairbairn"]
    children = [
        DataSubjectFactory.build(
            tenant=tenant, forenames=f"Child{i}", surname=surnames[i % 6], nhs_number=""
        )
        for i in range(CHILDREN)
    ]
    children[CHILDREN // 2].surname = "Quenby-Hart"
    DataSubject.objects.bulk_create(children)
    with connection.cursor() as cursor:
        # As a partnership's table is: its rows in the indexes' trees (autovacuum moves them
        # there from a GIN index's list of recent insertions) and its statistics known.
        for name in ("subject_forenames_trgm", "subject_surname_trgm", "subject_aliases_trgm"):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
        cursor.execute("ANALYZE consent_datasubject")

    officer = in_tenant.member(Role.IG_OFFICER)
    found = selectors.subject_find(viewer=officer, text="quenby")
    assert [child.surname for child in found] == ["Quenby-Hart"]
    used = plan(found)
    # Every child of the partnership walked and filtered was the plan before the indexes.
    assert "subject_surname_trgm" in used, used
    assert "subject_forenames_trgm" in used and "subject_aliases_trgm" in used, used


def test_finding_a_person_by_part_of_a_name_or_email_reads_the_trigram_indexes(in_tenant):
    users = User.objects.bulk_create(
        User(email=f"person{i}@school{i % 40}.example", full_name=f"Person {i} Ashworth")
        for i in range(CHILDREN)
    )
    users[CHILDREN // 2].full_name = "Robin Quenby-Hart"
    users[CHILDREN // 2].save(update_fields=["full_name"])
    Membership.objects.bulk_create(
        Membership(
            tenant=in_tenant.tenant, organisation=in_tenant.school, user=user, role=Role.SENCO
        )
        for user in users
    )
    with connection.cursor() as cursor:
        for name in ("user_full_name_trgm", "user_email_trgm"):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
        cursor.execute("ANALYZE partners_user")

    found = membership_list(who="quenby")
    assert [member.user.full_name for member in found] == ["Robin Quenby-Hart"]
    used = plan(found)
    # Every user read and two columns of each upper-cased was the plan before the indexes.
    assert "user_full_name_trgm" in used and "user_email_trgm" in used, used
