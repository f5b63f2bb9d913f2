"""One pair of warehouses for the PostgreSQL tests: DuckDB and PostgreSQL built from the same extracts."""

import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from expectations.run import gate
from ingest.reference_data import load_reference_packages
from synthetic import generate
from tests.support.warehouse import dbt_build, load_landing
from warehouse.connection import PostgresConnection, connect_duckdb, postgres_settings

END_DATE = date(2026, 11, 22)
SCALE = 0.1  # a tenth of a county council: every mart has rows, and the build stays well under a minute


@pytest.fixture(scope="session")
def built_warehouses(reference_warehouse, postgres_server, tmp_path_factory):
    """(DuckDB connection, PostgreSQL loader connection) after the same two nights and a full `dbt build` each."""
    work = tmp_path_factory.mktemp("equivalence")
    # Real-shaped data: the gate quarantines and flags, so the data-quality marts have rows to compare too.
    generate(work / "landing", end_date=END_DATE, nights=2, scale=SCALE, faults="realistic")
    duck = work / "warehouse.duckdb"
    shutil.copy(reference_warehouse, duck)
    pg_env = {"CSCW_TARGET": "postgres", **postgres_server}
    pg = PostgresConnection(**postgres_settings(pg_env))
    timings = {}

    def timed(name, step, *args, **kwargs):
        started = time.perf_counter()
        step(*args, **kwargs)
        timings[name] = time.perf_counter() - started

    def build_postgres():
        timed("postgres reference load (COPY)", load_reference_packages, pg)
        timed("postgres load (COPY)", load_landing, duck, work / "landing", gate=gate, con=pg)
        timed("postgres dbt build", dbt_build, duck, "fqn:*", work / "postgres", env=pg_env)

    # The two builds share nothing but the extracts: PostgreSQL's runs beside DuckDB's.
    with ThreadPoolExecutor(max_workers=1) as pool:
        postgres_built = pool.submit(build_postgres)
        timed("duckdb load", load_landing, duck, work / "landing", gate=gate)
        timed("duckdb dbt build", dbt_build, duck, "fqn:*", work / "duckdb")
        postgres_built.result()
    print("\n" + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))

    with connect_duckdb(duck, read_only=True) as con:
        yield con, pg
    pg.close()
