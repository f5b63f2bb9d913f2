"""The optional section_47 case file: gated like the other case files, typed in raw and staging, and a case
extract without it still loads (its table empty)."""

import shutil
from datetime import date

import pytest

from expectations.run import gate
from ingest.load import load_source
from tests.conftest import FIXTURE_DATE, FIXTURE_LANDING
from tests.support.warehouse import dbt_build
from warehouse.connection import connect_duckdb


def _load(tmp_path, drop_section_47: bool):
    landing = tmp_path / "landing"
    shutil.copytree(FIXTURE_LANDING / "case", landing / "case")
    if drop_section_47:
        (landing / "case" / FIXTURE_DATE / "section_47.csv").unlink()
    warehouse = tmp_path / "w.duckdb"
    with connect_duckdb(warehouse) as con:
        [result] = load_source(con, landing, "case", gate=gate).loaded
        load_source(con, landing, "cin_census")  # no census landed: its tables exist, empty
    return warehouse, result


@pytest.mark.parametrize("drop", [False, True], ids=["present", "absent"])
def test_section_47_is_typed_through_staging(tmp_path, drop):
    warehouse, result = _load(tmp_path, drop)
    assert result.problems == []
    assert result.row_counts["section_47"] == (0 if drop else 2)
    dbt_build(warehouse, "+stg_case__section_47", tmp_path)
    with connect_duckdb(warehouse, read_only=True) as con:
        rows = con.execute(
            "select s47_id, child_id, referral_id, s47_start_date, icpc_date, icpc_not_required "
            "from staging.stg_case__section_47 order by s47_id"
        ).fetchall()
    # The fixture's two enquiries, as written in tests/fixtures/landing/case/2024-03-31/section_47.csv.
    expected = [
        ("S0000001", "C0000001", "R0000001", date(2022, 1, 20), date(2022, 2, 3), False),
        ("S0000002", "C0000003", "R0000003", date(2023, 9, 20), None, True),
    ]
    assert rows == ([] if drop else expected)


def test_an_icpc_before_its_enquiry_is_quarantined(tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(FIXTURE_LANDING / "case", landing / "case")
    path = landing / "case" / FIXTURE_DATE / "section_47.csv"
    path.write_text(path.read_text().replace("2022-01-20,2022-02-03", "2022-01-20,2022-01-10"))
    with connect_duckdb(tmp_path / "w.duckdb") as con:
        [result] = load_source(con, landing, "case", gate=gate).loaded
        left = con.execute("select s47_id from raw.case__section_47").fetchall()
    assert [(p.rule, p.file, p.row, p.column, p.kind) for p in result.problems] == [
        ("end_before_start", "section_47.csv", 2, "icpc_date", "row")
    ]
    assert left == [("S0000002",)]
