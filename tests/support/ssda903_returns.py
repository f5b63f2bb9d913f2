"""Annual SSDA903 returns cut from a built warehouse for many years, quickly, for the import's round trip.

`cscw return ssda903 --year N` builds the return models with dbt (var ssda903_year) and writes them with
outputs.returns.ssda903's writer. A dbt run per year costs 13 s, most of it re-parsing the project for
the changed var; here dbt compiles the same models once, and each year runs that SQL with its own year,
then the same writer writes the files.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

from outputs.returns.ssda903 import TABLES, _write, absent_tables, tables_for
from tests.support.warehouse import DBT
from warehouse.connection import connect_duckdb
from warehouse.settings import DBT_PROJECT_DIR

COMPILED_YEAR = 2000  # compiled in, then replaced by each year's


def _compiled(warehouse: Path, work: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "CSCW_WAREHOUSE": str(warehouse),
        "DBT_TARGET_PATH": str(work / "dbt_target"),
        "DBT_LOG_PATH": str(work / "dbt_logs"),
    }
    command = [str(DBT), "compile", "--quiet", "--select", "path:models/returns/ssda903", "--exclude", "*_last"]
    command += ["--vars", json.dumps({"ssda903_year": COMPILED_YEAR})]
    command += ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    run = subprocess.run(command, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    folder = work / "dbt_target" / "compiled" / "cscw" / "models" / "returns" / "ssda903"
    return {table: (folder / f"ssda903_return_{table}.sql").read_text() for table in TABLES}


def export_years(warehouse: Path, years: range, folder: Path, work: Path) -> dict[int, dict[str, int]]:
    """Each year's return in folder/<year>/ (header.csv ...); the rows written per year and table."""
    compiled = _compiled(warehouse, work)
    pattern = re.compile(rf"\b{COMPILED_YEAR} as end_year\b")
    rows = {}
    with connect_duckdb(warehouse) as con:
        for year in years:
            for table, sql in compiled.items():
                year_sql, n = pattern.subn(f"{year} as end_year", sql)
                assert n, f"ssda903_return_{table}: the collection year is no longer compiled in as end_year"
                con.execute(f"create or replace table returns.ssda903_return_{table} as {year_sql}")
            tables = tables_for(year, absent_tables(con))
            rows[year] = {t: _write(con, f"ssda903_return_{t}", folder / str(year) / f"{t}.csv") for t in tables}
    return rows
