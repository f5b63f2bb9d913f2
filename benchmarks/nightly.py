"""How fast and how lean the nightly load is, stage by stage, at several scales.

    .venv/bin/python benchmarks/nightly.py                 # scales 1 and 10
    .venv/bin/python benchmarks/nightly.py --scales 100 --first-night-only --extracts DIR

For each scale, in a fresh CSCW_HOME under a temporary folder: generate synthetic extracts (one
night), then time each stage of the nightly load (read and gate each source, the packaged postcode
directory, dbt build, the SSDA903 export and validation, all into the working copy, then publishing it
for analysts, then the committee report from the published file), five typical analyst queries on it,
and a second night (the next day's snapshot, about 1% of rows changed) loaded on top. Each stage
reports wall time, rows, rows per second and the peak resident memory of the whole process tree
(this process and its subprocesses, sampled every 0.1 s). Results print as a table and are written
to benchmarks/results/nightly-<timestamp>.{csv,json}. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.contracts import SOURCES  # noqa: E402
from warehouse.settings import DBT_PROJECT_DIR, Settings, environment, get_settings  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
END_DATE = date(2026, 11, 22)
QUERIES = {
    "latest LAC measures": "select * from lac.lac_measures where period_end = (select max(period_end) "
    "from lac.lac_measures where period_type = 'month') and period_type = 'month'",
    "a child's journey": "select * from case_management.child_journey where child_id = (select min(child_id) "
    "from lac.lac_month_end_snapshots) order by event_number",
    "a weekly CAMHS list": "select * from camhs.camhs_weekly_waiting_list where week_ending = (select max(week_ending) "
    "from camhs.camhs_weekly_waiting_list)",
    "a key activity data month": "select * from finance.finance_key_activity_data where reporting_month_end = "
    "(select max(reporting_month_end) from finance.finance_key_activity_data) "
    "order by row_order",
    "a year's return": "select * from returns.ssda903_return_episodes",
}


@dataclass
class Stage:
    scale: float
    night: int
    stage: str
    seconds: float
    rows: int
    peak_rss_mb: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _tree_rss_kb(root: int) -> int:
    """Resident memory of `root` and all its descendants, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/status") as f:
                rss[int(entry)] = next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


class PeakMemory:
    """Samples the process tree's RSS in a thread while a stage runs."""

    def __enter__(self) -> PeakMemory:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(os.getpid()))
            self._stop.wait(0.1)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_kb = max(self.peak_kb, _tree_rss_kb(os.getpid()))


def timed(results: list[Stage], scale: float, night: int, name: str, work) -> object:
    with PeakMemory() as memory:
        started = time.perf_counter()
        value, rows = work()
        seconds = time.perf_counter() - started
    results.append(Stage(scale, night, name, round(seconds, 2), rows, round(memory.peak_kb / 1024, 1)))
    print(
        f"  scale {scale:g} night {night}: {name:<34} {seconds:8.2f}s {rows:>12,} rows {memory.peak_kb / 1024:8.0f} MB",
        flush=True,
    )
    return value


def _load_source(settings: Settings, source: str, known_children: set[str] | None) -> tuple[object, int]:
    from expectations.run import gate
    from ingest.load import load_source
    from warehouse.connection import connect_duckdb

    with connect_duckdb(settings.build_warehouse) as con:
        outcome = load_source(
            con,
            settings.landing,
            source,
            gate=lambda s: gate(s, case_children=known_children),
            quarantine_root=settings.quarantine,
        )
        rows = con.execute(
            "select coalesce(sum(row_count), 0) from raw._ledger where source = ? "
            "and status = 'loaded' and extract_date = ?",
            [source, outcome.published_date],
        ).fetchone()[0]
    return outcome, int(rows)


def _case_children(settings: Settings) -> set[str]:
    from warehouse.connection import connect_duckdb

    with connect_duckdb(settings.build_warehouse, read_only=True) as con:
        return {r[0] for r in con.execute("select child_id from raw.case__children").fetchall()}


def _reference(settings: Settings) -> tuple[None, int]:
    from ingest.reference_data import load_reference_packages
    from warehouse.connection import connect_duckdb

    with connect_duckdb(settings.build_warehouse) as con:
        load_reference_packages(con)
        return None, con.execute("select count(*) from raw.reference__postcode_directory").fetchone()[0]


def _dbt_build(settings: Settings, env: dict[str, str]) -> tuple[None, int]:
    from warehouse.connection import connect_duckdb

    target = Path(settings.home) / "dbt_target"
    run = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--exclude",
            "resource_type:unit_test",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
        ],
        env={**env, "DBT_TARGET_PATH": str(target), "DBT_LOG_PATH": str(Path(settings.home) / "logs")},
        capture_output=True,
        text=True,
    )
    if run.returncode:
        print(run.stdout[-3000:])
        raise SystemExit("dbt build failed")
    run_results = json.loads((target / "run_results.json").read_text())
    models = sorted(
        (
            (r["execution_time"], r["unique_id"].split(".")[-1])
            for r in run_results["results"]
            if r["unique_id"].startswith("model.")
        ),
        reverse=True,
    )
    print("    slowest models: " + ", ".join(f"{n} {t:.1f}s" for t, n in models[:5]))
    with connect_duckdb(settings.build_warehouse, read_only=True) as con:
        rows = con.execute("select count(*) from staging.stg_placements__episodes").fetchone()[0]
    return None, rows


def _ssda903(settings: Settings) -> tuple[object, int]:
    from outputs.returns.ssda903 import export_and_validate
    from warehouse.connection import connect_duckdb

    with connect_duckdb(settings.build_warehouse, read_only=True) as con:
        result = export_and_validate(con, settings.exports, settings.la_ons)
    return result, sum(result.rows.values())


def _publish(settings: Settings) -> tuple[object, int]:
    from warehouse.connection import connect_duckdb
    from warehouse.serving import publish

    published = publish(settings)
    with connect_duckdb(settings.warehouse, read_only=True) as con:
        tables = con.execute("select count(*) from duckdb_tables()").fetchone()[0]
    print(f"    published {published.size_bytes / 2**20:.0f} MB ({tables} tables)")
    return published, published.size_bytes // 2**20


def _committee_report(settings: Settings) -> tuple[object, int]:
    from outputs.report.committee import write_report

    report = write_report(settings)
    # Rows published in the CSV tables (the HTML and PDF carry the same figures).
    return report, sum(path.read_text().count("\n") - 1 for path in report.exports.values())


def run_night(results: list[Stage], scale: float, night: int, settings, env: dict[str, str]) -> None:
    """Each stage of a night, timed; every writer uses the working copy, as a real night does (warehouse/serving.py)."""
    case_children = None
    for source in SOURCES:
        load = partial(_load_source, settings, source, case_children)
        timed(results, scale, night, f"read, gate, publish {source}", load)
        if source == "case":
            case_children = _case_children(settings)
    timed(results, scale, night, "postcode directory (once)", partial(_reference, settings))
    timed(results, scale, night, "dbt build (all models and tests)", partial(_dbt_build, settings, env))
    timed(results, scale, night, "SSDA903 export and validation", partial(_ssda903, settings))
    timed(results, scale, night, "publish (checkpoint, copy, rename; MB)", partial(_publish, settings))
    timed(results, scale, night, "committee report (HTML, PDF, CSV files)", partial(_committee_report, settings))


def run_queries(results: list[Stage], scale: float, settings) -> None:
    from warehouse.connection import connect_duckdb

    with connect_duckdb(settings.warehouse, read_only=True) as con:
        for name, sql in QUERIES.items():

            def query(sql=sql):
                return None, len(con.execute(sql).fetchall())

            timed(results, scale, 1, f"query: {name}", query)


def benchmark(scale: float, results: list[Stage], second_night: bool = True, extracts: Path | None = None) -> None:
    from synthetic import generate

    with tempfile.TemporaryDirectory(prefix=f"cscw-bench-{scale:g}-") as tmp:
        os.environ["CSCW_HOME"] = tmp
        settings = get_settings()
        settings.ensure_dirs()
        env = {**os.environ, **environment(settings)}
        os.environ.update(environment(settings))

        # Both nights come from one history: the generator draws a whole history per call, so a
        # separate call for the next day would change every row rather than about 1% of them.
        nights = 1 if not second_night else 2
        staged = (extracts / f"scale-{scale:g}-nights-{nights}") if extracts else Path(tmp) / "staged"

        def generate_nights():
            counts = generate(staged, end_date=END_DATE + timedelta(days=nights - 1), nights=nights, scale=scale)
            return None, sum(counts.values())

        def land(day: date):
            for folder in staged.glob(f"*/{day:%Y-%m-%d}"):
                target = settings.landing / folder.parent.name / folder.name
                target.parent.mkdir(parents=True, exist_ok=True)
                (shutil.copytree if extracts else shutil.move)(str(folder), target)

        if (staged / "DONE").exists():
            print(f"  scale {scale:g}: reusing the extracts in {staged}", flush=True)
        else:
            timed(results, scale, 1, f"generate synthetic extracts ({nights} nights)", generate_nights)
            if extracts:
                (staged / "DONE").touch()
        land(END_DATE)
        started = time.perf_counter()
        run_night(results, scale, 1, settings, env)
        first = time.perf_counter() - started
        run_queries(results, scale, settings)
        if not second_night:
            return

        land(END_DATE + timedelta(days=1))
        started = time.perf_counter()
        run_night(results, scale, 2, settings, env)
        second = time.perf_counter() - started
        print(
            f"  scale {scale:g}: first night {first:.1f}s, second night {second:.1f}s (ratio {second / first:.2f})",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    ap.add_argument("--first-night-only", action="store_true", help="skip the second night (for scale 100)")
    ap.add_argument(
        "--extracts",
        type=Path,
        help="keep the generated extracts here and reuse them on the next "
        "run (generating scale 100 takes about 20 minutes)",
    )
    args = ap.parse_args(argv)
    results: list[Stage] = []
    for scale in args.scales:
        benchmark(scale, results, second_night=not args.first_night_only, extracts=args.extracts)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    rows = [{**asdict(r), "rows_per_second": round(r.rows_per_second)} for r in results]
    with open(RESULTS / f"nightly-{stamp}.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (RESULTS / f"nightly-{stamp}.json").write_text(json.dumps(rows, indent=2))
    print(f"\n{'scale':>6} {'night':>5}  {'stage':<38}{'seconds':>9}{'rows':>12}{'rows/s':>11}{'peak MB':>9}")
    for r in rows:
        print(
            f"{r['scale']:>6g} {r['night']:>5}  {r['stage']:<38}{r['seconds']:>9.2f}{r['rows']:>12,}"
            f"{r['rows_per_second']:>11,}{r['peak_rss_mb']:>9.0f}"
        )
    print(f"\nwritten to {RESULTS}/nightly-{stamp}.csv and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
