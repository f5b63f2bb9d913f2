"""The raw loader on PostgreSQL: the same gate and ledger as on DuckDB, COPY inside one transaction."""

import shutil
from pathlib import Path

from ingest.load import load_source
from tests.conftest import FIXTURE_LANDING
from warehouse.connection import PostgresConnection, connect


def state(con):
    return (
        con.execute("select count(*), max(extract_date) from raw.placements__header").fetchone(),
        con.execute("select count(*), max(extract_date) from raw.placements__episodes").fetchone(),
        con.execute("select count(*) from raw._ledger").fetchone()[0],
    )


def test_configured_target_is_postgres(postgres_database):
    with connect(Path("unused")) as con:
        assert isinstance(con, PostgresConnection)
        assert con.execute("select current_database()").fetchone()[0] == postgres_database["CSCW_PG_DATABASE"]


def test_types_and_nulls_arrive_as_on_duckdb(postgres_database, tmp_path):
    shutil.copytree(FIXTURE_LANDING / "placements", tmp_path / "placements")
    with connect(Path("unused")) as con:
        load_source(con, tmp_path, "placements")
        columns = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'raw' and table_name = 'placements__episodes'"
            ).fetchall()
        )
        assert columns["decom"] == "date" and columns["child"] == "character varying"
        assert columns["_row_number"] == "integer" and columns["_loaded_at"].startswith("timestamp")
        # Row 3's episode is open: DEC and REC empty in the file, NULL in the table (not empty text).
        assert con.execute(
            "select dec, rec, _row_number from raw.placements__episodes where child = 'C0000001' order by decom"
        ).fetchall()[1] == (None, None, 3)
        # Same folder again: nothing loads twice.
        assert load_source(con, tmp_path, "placements").loaded == []
