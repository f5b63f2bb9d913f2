"""Build a real warehouse file from landing folders and run dbt on it, without Dagster.

Used by the measure tests: they need the raw tables as the loader writes them and the models as
dbt builds them, and nothing else.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from ingest.contracts import SOURCES, source_named
from ingest.load import load_source
from ingest.reference_data import load_reference_packages
from warehouse.connection import connect_duckdb
from warehouse.settings import DBT_PROJECT_DIR

DBT = Path(sys.executable).parent / "dbt"


def make_reference_warehouse(path: Path) -> Path:
    """A warehouse holding only the packaged reference tables (slow to load, so made once and copied)."""
    with connect_duckdb(path) as con:
        load_reference_packages(con)
    return path


def load_landing(warehouse: Path, landing: Path, gate: Callable | None = None, sources=SOURCES, con=None) -> None:
    """Into the DuckDB file `warehouse`, or through `con` (any warehouse.connection connection) when given."""
    with connect_duckdb(warehouse) if con is None else nullcontext(con) as con:
        for source in sources:
            kwargs = {"gate": gate} if gate else {}
            outcome = load_source(con, landing, source, raise_on_refusal=True, **kwargs)
            # A layout a council may never send (the CIN census) is left with empty tables instead.
            assert outcome.published_date or source_named(source).may_never_land, f"nothing loaded for {source}"


def dbt_build(
    warehouse: Path,
    select: str,
    work_dir: Path,
    command: str = "build",
    env: dict[str, str] | None = None,
    dbt_vars: dict | None = None,
) -> None:
    """dbt build (or run) into `warehouse`, with its own target path so parallel builds do not collide.

    Tests on unselected models are left out (indirect selection "buildable"). `env` adds to the
    environment (CSCW_TARGET=postgres and the CSCW_PG_* settings build into PostgreSQL instead).
    """
    target = work_dir / "dbt_target"
    if not target.exists():
        shutil.copytree(DBT_PROJECT_DIR / "target", target, ignore=shutil.ignore_patterns("run", "compiled"))
    run_env = {
        **os.environ,
        "CSCW_WAREHOUSE": str(warehouse),
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(work_dir / "dbt_logs"),
        **(env or {}),
    }
    # `run` leaves out data tests, and seeds with them: load those first.
    for step in ["seed", command] if command == "run" else [command]:
        result = subprocess.run(
            [
                str(DBT),
                step,
                "--select",
                select,
                "--indirect-selection",
                "buildable",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                *(["--vars", json.dumps(dbt_vars)] if dbt_vars else []),
            ],
            env=run_env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise AssertionError(
                f"dbt {step} --select {select} failed:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}"
            )
