"""The same night on DuckDB and on PostgreSQL: raw load and `dbt build` times, side by side.

    .venv/bin/python benchmarks/postgres.py                # the default synthetic data (scale 1)
    .venv/bin/python benchmarks/postgres.py --scales 1 10

For each scale: generate one night of synthetic extracts, then for each engine in turn (never at the
same time) load the packaged postcode directory, load the extracts through the gate (PostgreSQL by
COPY), and run `dbt build` (seeds, models, data tests). PostgreSQL is a throwaway local cluster from
scripts/postgres.sh, a fresh one per scale. Results print and are written to
benchmarks/results/postgres-<timestamp>.json. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.contracts import SOURCES  # noqa: E402
from ingest.load import load_source  # noqa: E402
from ingest.reference_data import load_reference_packages  # noqa: E402
from synthetic import generate  # noqa: E402
from tests.support.postgres import running_server  # noqa: E402
from warehouse.connection import PostgresConnection, connect_duckdb, postgres_settings  # noqa: E402
from warehouse.settings import DBT_PROJECT_DIR, OFFLINE_ENV  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
END_DATE = date(2026, 11, 22)
DBT = Path(sys.executable).parent / "dbt"


def _timed(step) -> float:
    started = time.perf_counter()
    step()
    return round(time.perf_counter() - started, 1)


def _load(con, landing: Path) -> None:
    for source in SOURCES:
        load_source(con, landing, source)


def _dbt_build(work: Path, env: dict[str, str]) -> None:
    result = subprocess.run(
        [str(DBT), "build", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)],
        env={
            **os.environ,
            **OFFLINE_ENV,
            "DBT_TARGET_PATH": str(work / "target"),
            "DBT_LOG_PATH": str(work / "logs"),
            **env,
        },
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise RuntimeError(result.stdout[-4000:])


def run(scale: float, folder: Path) -> dict:
    landing = folder / "landing"
    generate(landing, end_date=END_DATE, nights=1, scale=scale)
    rows = sum(1 for p in landing.rglob("*.csv") for _ in p.open()) - len(list(landing.rglob("*.csv")))
    result = {"scale": scale, "landing_rows": rows}

    duck = folder / "warehouse.duckdb"
    with connect_duckdb(duck) as con:
        result["duckdb_reference_load_s"] = _timed(lambda: load_reference_packages(con))
        result["duckdb_raw_load_s"] = _timed(lambda: _load(con, landing))
    result["duckdb_dbt_build_s"] = _timed(lambda: _dbt_build(folder / "duckdb", {"CSCW_WAREHOUSE": str(duck)}))

    with running_server() as server:
        env = {"CSCW_TARGET": "postgres", **server}
        with PostgresConnection(**postgres_settings(env)) as con:
            result["postgres_reference_load_s"] = _timed(lambda: load_reference_packages(con))
            result["postgres_raw_load_s"] = _timed(lambda: _load(con, landing))
        result["postgres_dbt_build_s"] = _timed(lambda: _dbt_build(folder / "postgres", env))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0])
    args = parser.parse_args()
    results = []
    for scale in args.scales:
        with tempfile.TemporaryDirectory(prefix="cscw-bench-pg-") as folder:
            results.append(run(scale, Path(folder)))
        print(json.dumps(results[-1]), flush=True)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"postgres-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({"load_average": os.getloadavg(), "results": results}, indent=2) + "\n")
    print(f"written {out}")


if __name__ == "__main__":
    main()
