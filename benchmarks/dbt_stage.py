"""The benchmark's dbt stage: `dbt build` as a night runs it, and its floor.

As `cscw nightly` does: only what changed since the last published night (orchestration/lib/night_state.py;
everything when that cannot be proved, as on a first night; nothing when nothing changed), starting from the
parse the install made for this CSCW_HOME (scripts/setup.sh; dagster-dbt copies its partial_parse.msgpack into
each run's target folder). The benchmark's CSCW_HOME is a new folder, so its install-time parse is made here,
untimed, by `prepare_parse`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import floors
from warehouse.settings import DBT_PROJECT_DIR, Settings

DBT = str(Path(sys.executable).parent / "dbt")
PARSE = "partial_parse.msgpack"


def _prepared(settings: Settings) -> Path:
    return Path(settings.home) / "dbt_prepared"


def _dbt(args: list[str], env: dict[str, str], target: Path, settings: Settings) -> subprocess.CompletedProcess:
    return subprocess.run(
        [DBT, *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)],
        env={**env, "DBT_TARGET_PATH": str(target), "DBT_LOG_PATH": str(Path(settings.home) / "logs")},
        capture_output=True,
        text=True,
    )


def prepare_parse(settings: Settings, env: dict[str, str]) -> None:
    """What `scripts/setup.sh` does at install for the CSCW_HOME a night runs in: parse with its profile."""
    if _dbt(["parse", "--quiet"], env, _prepared(settings), settings).returncode:
        raise SystemExit("dbt parse failed")


def build(settings: Settings, env: dict[str, str]) -> tuple[Path | None, int]:
    from orchestration.lib.night_state import dbt_runs, dbt_selection, kept_manifest
    from warehouse.connection import connect_duckdb

    with connect_duckdb(settings.build_warehouse, read_only=True) as con:
        selection = dbt_selection(settings, con)
    print(f"    dbt selection: {'everything' if selection is None else ' '.join(selection) or 'nothing'}")
    target = None
    if selection != []:
        target = dbt_runs(settings) / f"{time.strftime('%Y%m%d-%H%M%S')}-benchmark"
        select = [] if selection is None else ["--select", " ".join(selection)]
        if selection and "state:modified+" in selection:
            select += ["--state", str(kept_manifest(settings).parent)]
        _run(settings, env, target, select)
    with connect_duckdb(settings.build_warehouse, read_only=True) as con:
        rows = con.execute("select count(*) from staging.stg_placements__episodes").fetchone()[0]
    return target, rows


def _run(settings: Settings, env: dict[str, str], target: Path, select: list[str]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    if (_prepared(settings) / PARSE).exists():
        shutil.copyfile(_prepared(settings) / PARSE, target / PARSE)
    run = _dbt(["build", *select, "--exclude", "resource_type:unit_test"], env, target, settings)
    if run.returncode:
        print(run.stdout[-3000:])
        raise SystemExit("dbt build failed")
    results = json.loads((target / "run_results.json").read_text())["results"]
    models = sorted(
        ((r["execution_time"], r["unique_id"].split(".")[-1]) for r in results if r["unique_id"].startswith("model.")),
        reverse=True,
    )
    print(f"    {len(models)} models; slowest: " + ", ".join(f"{n} {t:.1f}s" for t, n in models[:5]))


def floor(settings: Settings, scratch: Path, target: Path | None) -> float | None:
    """The compiled SQL of the build's five slowest models run directly (none when dbt had nothing to build)."""
    if target is None:
        return None
    seconds, timings = floors.compiled_models(target, settings.build_warehouse, scratch)
    print("    the same models' compiled SQL in DuckDB: " + ", ".join(f"{n} {t:.1f}s" for n, _, t in timings))
    return seconds
