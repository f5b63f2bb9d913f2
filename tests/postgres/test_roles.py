"""On PostgreSQL the analyst reads the marts, the published return and its state, and nothing else; writes nothing.

The grants come from the build itself (macro grant_published_access, dbt on-run-end), so these run
against the warehouse `dbt build` made, connected as the analyst role scripts/postgres.sh created.
"""

from datetime import datetime

import psycopg2
import pytest
from psycopg2 import errors

from tests.support.postgres import published_models
from warehouse.connection import postgres_settings


@pytest.fixture
def analyst(built_warehouses, postgres_server):
    settings = {
        **postgres_settings(postgres_server),
        "user": postgres_server["CSCW_PG_ANALYST_USER"],
        "password": postgres_server["CSCW_PG_ANALYST_PASSWORD"],
    }
    con = psycopg2.connect(**settings)
    con.autocommit = True
    yield con.cursor()
    con.close()


def _refused(cursor, sql: str) -> bool:
    try:
        cursor.execute(sql)
    except errors.InsufficientPrivilege:
        return True
    return False


def test_analyst_reads_every_mart_and_the_return(analyst):
    for schema, table in published_models():
        analyst.execute(f'select count(*) from "{schema}"."{table}"')
        assert analyst.fetchone()[0] >= 0
    analyst.execute("select count(*) from lac.lac_measures where measure_code = 'lac_count'")
    assert analyst.fetchone()[0] > 0


def test_analyst_cannot_read_raw_staging_intermediate_or_seeds(analyst):
    for table in (
        "raw.placements__episodes",
        "raw._ledger",
        "raw.reference__postcode_directory",
        "staging.stg_placements__episodes",
        "intermediate.int_episodes_sequenced",
        "reference.ssda903_place",
    ):
        assert _refused(analyst, f"select * from {table} limit 1"), table


def test_analyst_cannot_write_anything(analyst):
    assert _refused(analyst, "insert into lac.lac_measures (measure_code) values ('x')")
    assert _refused(analyst, "update lac.lac_measures set numerator = 0")
    assert _refused(analyst, "delete from returns.ssda903_return_episodes")
    assert _refused(analyst, "truncate lac.lac_measures")
    assert _refused(analyst, "drop table lac.lac_measures")


def test_analyst_cannot_create_objects(analyst):
    assert _refused(analyst, "create table lac.analyst_notes (note text)")
    assert _refused(analyst, "create table public.analyst_notes (note text)")
    assert _refused(analyst, "create view public.analyst_view as select 1 as one")
    assert _refused(analyst, "create temporary table analyst_notes (note text)")
    assert _refused(analyst, "create schema analyst_sandbox")


def test_a_table_the_loader_rebuilds_later_stays_readable(built_warehouses, analyst):
    _, loader = built_warehouses
    loader.execute("drop table if exists lac.rebuilt_later")
    loader.execute("create table lac.rebuilt_later as select 1 as one")
    try:
        analyst.execute("select one from lac.rebuilt_later")
        assert analyst.fetchall() == [(1,)]
        loader.execute("create table raw.rebuilt_later as select 1 as one")
        assert _refused(analyst, "select one from raw.rebuilt_later")
    finally:
        loader.execute("drop table if exists lac.rebuilt_later")
        loader.execute("drop table if exists raw.rebuilt_later")


def test_analyst_reads_the_return_state_the_export_writes_after_the_build(built_warehouses, analyst):
    """The export runs after dbt: its first tables in data_quality are readable without another build."""
    from outputs.returns.status import latest_statuses, record

    _, loader = built_warehouses
    status = {
        "return_name": "TEST",
        "collection_year": 2026,
        "exported_at": datetime(2026, 11, 23, 2, 40),
        "ready": False,
        "error_rules": 1,
        "error_rows": 1,
        "query_rules": 0,
        "skipped_rules": 3,
        "crashed_rules": 2,
        "children_with_errors": 1,
        "folder": "/exports/ssda903/2026",
        "not_ready_because": "a partial year",
    }
    flag = {
        "return_name": "TEST",
        "collection_year": 2026,
        "rule_code": "209",
        "rule_description": "UN1 at school age",
        "severity": "error",
        "child_id": "C0000042",
        "table_name": "Header",
        "fields": "UPN, DOB",
        "row_number": 3,
    }
    loader.execute("drop table if exists data_quality.return_status")
    loader.execute("drop table if exists data_quality.return_validation_flags")
    try:
        record(loader, status, [flag, {**flag, "severity": "query", "rule_code": "1001", "row_number": None}])
        record(loader, status, [flag])  # the next night replaces that return's rows
        analyst.execute(
            "select rule_code, severity, child_id, table_name, fields, row_number "
            "from data_quality.return_validation_flags"
        )
        assert analyst.fetchall() == [("209", "error", "C0000042", "Header", "UPN, DOB", 3)]
        analyst.execute("select return_name, collection_year, ready, error_rules from data_quality.return_status")
        assert analyst.fetchall() == [("TEST", 2026, False, 1)]
        assert latest_statuses(loader) == [status]
        assert _refused(analyst, "delete from data_quality.return_status")
        assert _refused(analyst, "create table data_quality.analyst_notes (note text)")
    finally:
        loader.execute("drop table if exists data_quality.return_status")
        loader.execute("drop table if exists data_quality.return_validation_flags")


def test_analyst_reads_the_measure_dictionary_and_every_mart_and_return_column_comment(analyst):
    analyst.execute("select count(*) from reference.measure_dictionary")
    assert analyst.fetchone()[0] > 0
    missing = []
    for schema, table in published_models():
        relation = f"{schema}.{table}"
        analyst.execute(
            "select obj_description(%s::regclass, 'pg_class'), count(*), count(*) filter (where "
            "col_description(%s::regclass, ordinal_position::int) is null) "
            "from information_schema.columns where table_schema = %s and table_name = %s",
            [relation, relation, schema, table],
        )
        table_comment, columns, undescribed = analyst.fetchone()
        if not table_comment or not columns or undescribed:
            missing.append(f"{relation}: table comment {bool(table_comment)}, {undescribed} of {columns} columns bare")
    assert not missing, missing
