"""Killing a load half way leaves the warehouse as it was, on either engine; the next run completes the load."""

import shutil
import signal
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from ingest.load import load_source
from tests.conftest import FIXTURE_DATE, FIXTURE_LANDING
from warehouse.connection import connect

KILLED_LOAD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from ingest.load import load_source
    from warehouse.connection import connect

    def stall(table):
        print("written", table, flush=True)
        time.sleep(120)  # killed here, after one table is replaced inside the open transaction

    with connect(Path(sys.argv[1])) as con:
        load_source(con, Path(sys.argv[2]), "placements", on_table_written=stall)
""")


def state(con):
    return (
        con.execute("select count(*), max(extract_date) from raw.placements__header").fetchone(),
        con.execute("select count(*), max(extract_date) from raw.placements__episodes").fetchone(),
        con.execute("select count(*) from raw._ledger").fetchone()[0],
    )


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse(request, tmp_path, monkeypatch) -> Path:
    """The DuckDB file the loader writes, or (CSCW_TARGET=postgres) a fresh PostgreSQL database."""
    if request.param == "postgres":
        request.getfixturevalue("postgres_database")
    else:
        monkeypatch.delenv("CSCW_TARGET", raising=False)
    return tmp_path / "warehouse.duckdb"


def test_kill_during_publish_changes_nothing_and_rerun_completes(warehouse, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(FIXTURE_LANDING / "placements", landing / "placements")
    with connect(warehouse) as con:
        load_source(con, landing, "placements")
        before = state(con)
    night = landing / "placements" / "2024-04-01"
    shutil.copytree(landing / "placements" / FIXTURE_DATE, night)
    with open(night / "header.csv", "a") as handle:
        handle.write("C0000009,F,2015-01-01,WBRI,UN3,0,\n")

    loader = subprocess.Popen(
        [sys.executable, "-c", KILLED_LOAD, str(warehouse), str(landing)], stdout=subprocess.PIPE, text=True
    )
    assert loader.stdout.readline().startswith("written placements__header")
    loader.send_signal(signal.SIGKILL)
    loader.wait(timeout=30)

    with connect(warehouse) as con:
        assert state(con) == before
        [result] = load_source(con, landing, "placements").loaded
        assert result.extract_date == date(2024, 4, 1)
        assert con.execute("select count(*) from raw.placements__header").fetchone()[0] == 4
