"""The Annex A lists are the same on PostgreSQL: the hand-made landing loaded and built there, every list
filled row for row as on DuckDB (the SQL is one text for both engines)."""

from __future__ import annotations

from datetime import date

import pytest

from outputs.annex_a import fill
from tests.annex_a.conftest import FIXTURE, SELECT

# A PostgreSQL build of the Annex A cases beside the DuckDB one (pyproject.toml lists the slow tests).
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("as_at", [date(2024, 3, 31), date(2023, 11, 30)])
def test_every_list_is_the_same_on_postgres(annex_a_warehouse, postgres_on_fixture, as_at):
    import duckdb

    with duckdb.connect(str(annex_a_warehouse), read_only=True) as duck:
        expected = {f.spec.number: f.rows for f in fill(duck, as_at, "E10000003")}
    got = {f.spec.number: f.rows for f in fill(postgres_on_fixture, as_at, "E10000003")}
    assert got == expected
    assert sum(map(len, got.values())) > 10


@pytest.fixture(scope="module")
def postgres_on_fixture(postgres_server, tmp_path_factory):
    from ingest.reference_data import load_reference_packages
    from tests.support.postgres import fresh_database
    from tests.support.warehouse import dbt_build, load_landing
    from warehouse.connection import PostgresConnection, postgres_settings

    work = tmp_path_factory.mktemp("annex_a_postgres")
    with fresh_database(postgres_server, "test_annex_a_lists") as settings:
        env = {"CSCW_TARGET": "postgres", **settings}
        with PostgresConnection(**postgres_settings(env)) as pg:
            load_reference_packages(pg)
            load_landing(work / "unused.duckdb", FIXTURE, con=pg)
            dbt_build(work / "unused.duckdb", SELECT, work, env=env)
            yield pg
