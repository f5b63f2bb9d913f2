"""The raw loader on PostgreSQL: the same gate and ledger as on DuckDB, COPY inside one transaction."""

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from ingest.load import load_source
from ingest.warehouse import PostgresConnection, connect, postgres_settings
from tests.conftest import FIXTURE_DATE, FIXTURE_LANDING
from tests.support.postgres import fresh_database

KILLED_LOAD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from ingest.warehouse import connect
    from ingest.load import load_source

    def stall(table):
        print("written", table, flush=True)
        time.sleep(120)  # killed here, after one table is replaced inside the open transaction

    with connect(Path("unused")) as con:
        load_source(con, Path(sys.argv[1]), "placements", on_table_written=stall)
""")


@pytest.fixture
def database(postgres_server, monkeypatch, request):
    with fresh_database(postgres_server, f"test_{request.node.name[:40].lower()}") as settings:
        for name, value in {"CSCW_TARGET": "postgres", **settings}.items():
            monkeypatch.setenv(name, value)
        yield settings


def state(con):
    return (con.execute("select count(*), max(extract_date) from raw.placements__header").fetchone(),
            con.execute("select count(*), max(extract_date) from raw.placements__episodes").fetchone(),
            con.execute("select count(*) from raw._ledger").fetchone()[0])


def test_configured_target_is_postgres(database):
    with connect(Path("unused")) as con:
        assert isinstance(con, PostgresConnection)
        assert con.execute("select current_database()").fetchone()[0] == database["CSCW_PG_DATABASE"]


def test_types_and_nulls_arrive_as_on_duckdb(database, tmp_path):
    shutil.copytree(FIXTURE_LANDING / "placements", tmp_path / "placements")
    with connect(Path("unused")) as con:
        load_source(con, tmp_path, "placements")
        columns = dict(con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw' and table_name = 'placements__episodes'").fetchall())
        assert columns["decom"] == "date" and columns["child"] == "character varying"
        assert columns["_row_number"] == "integer" and columns["_loaded_at"].startswith("timestamp")
        # Row 3's episode is open: DEC and REC empty in the file, NULL in the table (not empty text).
        assert con.execute("select dec, rec, _row_number from raw.placements__episodes "
                           "where child = 'C0000001' order by decom").fetchall()[1] == (None, None, 3)
        # Same folder again: nothing loads twice.
        assert load_source(con, tmp_path, "placements").loaded == []


def test_kill_during_publish_changes_nothing_and_rerun_completes(database, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(FIXTURE_LANDING / "placements", landing / "placements")
    with connect(Path("unused")) as con:
        load_source(con, landing, "placements")
        before = state(con)
    night = landing / "placements" / "2024-04-01"
    shutil.copytree(landing / "placements" / FIXTURE_DATE, night)
    with open(night / "header.csv", "a") as handle:
        handle.write("C0000009,F,2015-01-01,WBRI,UN3,0,\n")

    loader = subprocess.Popen([sys.executable, "-c", KILLED_LOAD, str(landing)], stdout=subprocess.PIPE, text=True,
                              env={**os.environ})
    assert loader.stdout.readline().startswith("written placements__header")
    loader.send_signal(signal.SIGKILL)
    loader.wait(timeout=30)

    with PostgresConnection(**postgres_settings(database)) as con:
        assert state(con) == before
        [result] = load_source(con, landing, "placements").loaded
        assert result.extract_date == date(2024, 4, 1)
        assert con.execute("select count(*) from raw.placements__header").fetchone()[0] == 4
