"""What DuckDB alone takes to do a stage's unavoidable work, timed in the same run as the stage.

The machine the benchmark runs on is often shared, so a stage's seconds alone say as much about the
neighbours as about the code. A floor measured minutes apart under the same load does not: the ratio
stage / floor is what compares across runs and machines. Each floor uses a fresh in-process
`duckdb.connect()` to a scratch file, never the project's code, so the floors stay put while the stages
they measure are rewritten.

- a source's read, gate and publish: read that night's landing files, every column as text, into tables;
- dbt build: the compiled SQL of the run's five slowest models, each as `create table ... as`, against a
  copy of the warehouse the build produced;
- a return's validation: read the exported return files the same way (an XML return: parse it with the
  standard library, since DuckDB's XML reader is an extension it would download);
- publishing: a plain copy of the working warehouse file.
"""

from __future__ import annotations

import json
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb

HEAVIEST = 5


def _fresh(scratch: Path) -> Path:
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    return scratch


def read_files(files: list[Path], scratch: Path) -> tuple[float, int]:
    """Seconds to read `files` as text into tables of a new DuckDB file (connect to close), and the rows read."""
    target = _fresh(scratch) / "floor.duckdb"
    started = time.perf_counter()
    rows = 0
    with duckdb.connect(str(target)) as con:
        for i, path in enumerate(files):
            con.execute(
                f"create table t{i} as select * from read_csv(?, all_varchar = true, header = true)", [str(path)]
            )
            rows += con.execute(f"select count(*) from t{i}").fetchone()[0]
        con.execute("checkpoint")
    seconds = time.perf_counter() - started
    shutil.rmtree(scratch, ignore_errors=True)
    return seconds, rows


def parse_xml(files: list[Path]) -> float:
    """Seconds to parse `files` into element trees: the least a validator of an XML return must do."""
    started = time.perf_counter()
    for path in files:
        ET.parse(path)
    return time.perf_counter() - started


def latest_folder_files(landing: Path, source: str) -> list[Path]:
    """The files of a source's newest dated folder: the snapshot the night just loaded."""
    folders = sorted(p for p in (landing / source).glob("*") if p.is_dir())
    return sorted(p for p in folders[-1].iterdir() if p.suffix == ".csv") if folders else []


def heaviest_models(target: Path, count: int = HEAVIEST) -> list[tuple[str, float, str]]:
    """(name, seconds, compiled select) of the `count` slowest models of the build whose target folder is `target`."""
    results = json.loads((target / "run_results.json").read_text())["results"]
    manifest_path = target / "manifest.json"
    nodes = json.loads(manifest_path.read_text())["nodes"] if manifest_path.exists() else {}
    models = sorted(
        (r for r in results if r["unique_id"].startswith("model.") and r.get("status") == "success"),
        key=lambda r: r["execution_time"],
        reverse=True,
    )
    chosen = []
    for r in models[:count]:
        sql = r.get("compiled_code") or nodes.get(r["unique_id"], {}).get("compiled_code")
        if sql:
            chosen.append((r["unique_id"].split(".")[-1], r["execution_time"], sql))
    return chosen


def compiled_models(target: Path, warehouse: Path, scratch: Path) -> tuple[float, list[tuple[str, float, float]]]:
    """Seconds DuckDB takes to run the heaviest models' compiled SQL as `create table ... as` on a copy of `warehouse`.

    The copy keeps the file's name, so the catalog name the compiled SQL qualifies tables with resolves.
    Returns the sum and, per model, (name, dbt's seconds, DuckDB's seconds).
    """
    copy = _fresh(scratch) / warehouse.name
    shutil.copyfile(warehouse, copy)
    wal = warehouse.with_name(warehouse.name + ".wal")
    if wal.exists():  # changes dbt left uncheckpointed are part of the warehouse it built
        shutil.copyfile(wal, copy.with_name(wal.name))
    timings = []
    with duckdb.connect(str(copy)) as con:
        con.execute("create schema bench_floor")
        for name, dbt_seconds, sql in heaviest_models(target):
            started = time.perf_counter()
            # A newline before the bracket: compiled SQL may end in a line comment.
            con.execute(f'create table bench_floor."{name}" as (\n{sql.strip().rstrip(";")}\n)')
            timings.append((name, dbt_seconds, time.perf_counter() - started))
    shutil.rmtree(scratch, ignore_errors=True)
    return sum(t for _, _, t in timings), timings


def copy_file(path: Path, scratch: Path) -> float:
    """Seconds to copy `path`: the least publishing a file can cost."""
    copy = _fresh(scratch) / path.name
    started = time.perf_counter()
    shutil.copyfile(path, copy)
    seconds = time.perf_counter() - started
    shutil.rmtree(scratch, ignore_errors=True)
    return seconds
