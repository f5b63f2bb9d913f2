"""How fast and how lean the nightly load is, stage by stage, at several scales.

    .venv/bin/python benchmarks/nightly.py                 # scales 1 and 10
    .venv/bin/python benchmarks/nightly.py --scales 100 --first-night-only --extracts DIR

For each scale, in a fresh CSCW_HOME under a temporary folder: synthetic extracts of two nights (kept
between runs in $TMPDIR/cscw-bench-extracts/<fingerprint of synthetic/>, since generating is no stage
of the night but a third of a default run; --fresh-extracts to not), then each stage of the nightly
load timed (read and gate each source, the packaged postcode directory, dbt build, each statutory
return's export and validation, all into the working copy, then publishing it for analysts, then the
committee report from the published file), five typical analyst queries on it, and the second night (the next day's
snapshot, about 1% of rows changed) loaded on top. Each stage reports wall time, rows, rows per second,
the peak resident memory of the process tree (this process and its subprocesses, sampled every 0.1 s)
and its floor: what DuckDB alone takes, right after the stage, for the stage's unavoidable work
(benchmarks/floors.py). On a shared machine the seconds say as much about the neighbours as about the
code; the ratio to a floor timed in the same run, under the same load, is what compares across runs.
Results print as a table, then the targets of issue 25 each as met or the gap (benchmarks/targets.py),
and go to benchmarks/results/nightly-<timestamp>[-contended].{csv,json} ("contended" when the load
average was above the core count for most of the run). Never part of the test suite.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import dbt_stage, floors, targets  # noqa: E402
from benchmarks.memory import PeakMemory  # noqa: E402
from benchmarks.report import RESULTS, print_stages, write_results  # noqa: E402
from ingest.contracts import SOURCES  # noqa: E402
from outputs import returns  # noqa: E402
from warehouse.settings import Settings, environment, get_settings  # noqa: E402

END_DATE = date(2026, 11, 22)
DEFAULT_SCALES = [1.0, 10.0]
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
    floor_seconds: float | None = None
    load_1m: float = 0.0  # the machine's 1-minute load average when the stage started

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def ratio_to_floor(self) -> float | None:
        return round(self.seconds / self.floor_seconds, 1) if self.floor_seconds else None


def timed(results: list[Stage], scale: float, night: int, name: str, work, floor=None) -> object:
    """Run `work` (-> value, rows), then `floor(value)` (-> seconds DuckDB alone takes for the same work)."""
    load = os.getloadavg()[0]
    with PeakMemory() as memory:
        started = time.perf_counter()
        value, rows = work()
        seconds = time.perf_counter() - started
    floor_seconds = None
    if floor is not None:
        try:
            measured = floor(value)
            floor_seconds = None if measured is None else round(measured, 3)
        except Exception as failed:  # a floor that cannot run must not cost the stages measured so far
            print(f"    floor for {name} failed: {failed!r}", flush=True)
    stage = Stage(scale, night, name, round(seconds, 2), rows, round(memory.peak_kb / 1024, 1), floor_seconds, load)
    results.append(stage)
    against = f" floor {floor_seconds:7.2f}s ({stage.ratio_to_floor:g}x)" if floor_seconds else ""
    print(
        f"  scale {scale:g} night {night}: {name:<34} {seconds:8.2f}s {rows:>12,} rows"
        f" {memory.peak_kb / 1024:8.0f} MB{against}",
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


def _scratch(settings: Settings) -> Path:
    return Path(settings.home) / "floor"


def _statutory_return(settings: Settings, name: str) -> tuple[object, int]:
    from outputs.returns import load
    from outputs.returns.base import NothingToReturn
    from warehouse.connection import connect_duckdb

    with connect_duckdb(settings.build_warehouse, read_only=True) as con:
        try:
            result = load(name).export_and_validate(con, settings.exports, settings.la_ons)
        except NothingToReturn as nothing:
            print(f"    {name}: {nothing}")
            return None, 0
    return result, sum(result.rows.values())


def _return_floor(result, read_floor) -> float | None:
    """Reading the exported files back: CSVs as text into DuckDB, an XML file parsed (DuckDB reads no XML offline)."""
    if result is None:
        return None
    xml = sorted(result.folder.glob("*.xml"))
    return floors.parse_xml(xml) if xml else read_floor(result.folder.glob("*.csv"))


def _publish(settings: Settings) -> tuple[object, int]:
    from orchestration.lib.night_state import record_published_night
    from warehouse.connection import connect_duckdb
    from warehouse.serving import publish

    published = publish(settings)
    record_published_night(settings)  # what the next night's dbt selection compares with, as `cscw nightly` does
    with connect_duckdb(settings.warehouse, read_only=True) as con:
        tables = con.execute("select count(*) from duckdb_tables()").fetchone()[0]
    print(f"    published {published.size_bytes / 2**20:.0f} MB ({tables} tables)")
    return published, published.size_bytes // 2**20


def _committee_report(settings: Settings) -> tuple[object, int]:
    from outputs.report.committee import write_report

    report = write_report(settings)
    # Rows published in the CSV tables (the HTML and PDF carry the same figures).
    return report, sum(path.read_text().count("\n") - 1 for path in report.exports.values())


def run_night(results: list[Stage], scale: float, night: int, settings, env: dict[str, str]) -> float:
    """Each stage of a night, timed; every writer uses the working copy, as a real night does (warehouse/serving.py).

    Appends the whole night (the stages' seconds, without the floors timed between them; its floor is the sum of
    theirs, the postcode directory and the committee report having none) and returns its seconds.
    """
    first = len(results)
    scratch = _scratch(settings)

    def read_floor(files) -> float | None:
        files = sorted(files)
        return floors.read_files(files, scratch)[0] if files else None

    def landed_floor(source: str):
        return lambda _: read_floor(floors.latest_folder_files(settings.landing, source))

    case_children = None
    for source in SOURCES:
        load = partial(_load_source, settings, source, case_children)
        timed(results, scale, night, f"{targets.SOURCE_STAGE}{source}", load, landed_floor(source))
        if source == "case":
            case_children = _case_children(settings)
    timed(results, scale, night, "postcode directory (once)", partial(_reference, settings))
    dbt = partial(dbt_stage.build, settings, env)
    dbt_floor = partial(dbt_stage.floor, settings, scratch)
    timed(results, scale, night, "dbt build (what changed: models and tests)", dbt, dbt_floor)
    for name in returns.names():  # every return the night makes, each validated by the DfE's rules
        label = returns.load(name).label
        exported = partial(_statutory_return, settings, name)
        floor = partial(_return_floor, read_floor=read_floor)
        timed(results, scale, night, f"{label} export and validation", exported, floor)
    publish = partial(_publish, settings)
    copy_floor = partial(floors.copy_file, settings.build_warehouse, scratch)
    timed(results, scale, night, "publish (checkpoint, copy, rename; MB)", publish, lambda _: copy_floor())
    timed(results, scale, night, "committee report (HTML, PDF, CSV files)", partial(_committee_report, settings))
    stages = results[first:]
    measured = [s.floor_seconds for s in stages if s.floor_seconds]
    whole = Stage(
        scale,
        night,
        targets.WHOLE_NIGHT,
        round(sum(s.seconds for s in stages), 2),
        sum(s.rows for s in stages if s.stage.startswith(targets.SOURCE_STAGE)),
        max(s.peak_rss_mb for s in stages),
        round(sum(measured), 3) if measured else None,
        stages[0].load_1m,
    )
    results.append(whole)
    return whole.seconds


def run_queries(results: list[Stage], scale: float, settings) -> None:
    from warehouse.connection import connect_duckdb

    with connect_duckdb(settings.warehouse, read_only=True) as con:
        for name, sql in QUERIES.items():

            def query(sql=sql):
                return None, len(con.execute(sql).fetchall())

            timed(results, scale, 1, f"query: {name}", query)


def check_incremental(settings: Settings, env: dict[str, str]) -> tuple[None, int]:
    """The second night's warehouse against a full rebuild of the same snapshots; rows = the tables that differ."""
    from orchestration.lib.night_state import night_record
    from tests.support.compare import compare_builds

    incremental = Path(settings.home) / "incremental.duckdb"
    shutil.copyfile(settings.build_warehouse, incremental)
    night_record(settings).unlink()  # no record of the last night: dbt builds everything again
    dbt_stage.build(settings, env)
    tables, differences = compare_builds(incremental, settings.build_warehouse, Path(settings.home) / "compare.duckdb")
    verdict = "the same" if not differences else f"NOT the same: {differences}"
    print(f"    incremental night against a full rebuild, {len(tables)} tables row for row: {verdict}", flush=True)
    return None, len(differences)


def benchmark(
    scale: float, results: list[Stage], second_night: bool = True, extracts: Path | None = None, check: bool = False
) -> None:
    from synthetic import generate

    with tempfile.TemporaryDirectory(prefix=f"cscw-bench-{scale:g}-") as tmp:
        os.environ["CSCW_HOME"] = tmp
        settings = get_settings()
        settings.ensure_dirs()
        env = {**os.environ, **environment(settings)}
        os.environ.update(environment(settings))
        dbt_stage.prepare_parse(settings, env)  # the install's work for this CSCW_HOME, not the night's

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
        first = run_night(results, scale, 1, settings, env)
        run_queries(results, scale, settings)
        if not second_night:
            return

        land(END_DATE + timedelta(days=1))
        second = run_night(results, scale, 2, settings, env)
        print(
            f"  scale {scale:g}: first night {first:.1f}s, second night {second:.1f}s (ratio {second / first:.2f})",
            flush=True,
        )
        if check:
            timed(results, scale, 2, targets.CHECK_STAGE, partial(check_incremental, settings, env))


def kept_extracts() -> Path:
    """Where the default run keeps its extracts: a new folder whenever the generator's code changes."""
    digest = hashlib.sha256()
    for path in sorted((Path(__file__).resolve().parent.parent / "synthetic").rglob("*.py")):
        digest.update(path.read_bytes())
    return Path(tempfile.gettempdir()) / "cscw-bench-extracts" / digest.hexdigest()[:12]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", type=float, nargs="+", default=DEFAULT_SCALES)
    ap.add_argument("--first-night-only", action="store_true", help="skip the second night (for scale 100)")
    ap.add_argument(
        "--extracts",
        type=Path,
        help="keep the generated extracts here and reuse them on the next "
        "run (generating scale 100 takes about 20 minutes)",
    )
    ap.add_argument(
        "--check-incremental",
        type=float,
        nargs="*",
        default=[10.0],
        help="scales whose second night is compared, table by table, with a full rebuild (default 10)",
    )
    ap.add_argument("--fresh-extracts", action="store_true", help="generate into the run's temporary folder")
    ap.add_argument("--label", help="a word for the results' file names (else 'contended' on a busy machine)")
    args = ap.parse_args(argv)
    earlier = targets.committed(RESULTS)
    started = time.perf_counter()
    results: list[Stage] = []
    for scale in args.scales:
        extracts = None if args.fresh_extracts else (args.extracts or kept_extracts())
        check = scale in args.check_incremental and not args.first_night_only
        benchmark(scale, results, second_night=not args.first_night_only, extracts=extracts, check=check)
    minutes = (time.perf_counter() - started) / 60
    rows = [
        {**asdict(r), "rows_per_second": round(r.rows_per_second), "ratio_to_floor": r.ratio_to_floor} for r in results
    ]
    load = sorted(r.load_1m for r in results)[len(results) // 2]
    cores = os.cpu_count() or 1
    busy = targets.contended(rows)
    stem = write_results(rows, args.label or ("contended" if busy else ""))
    print_stages(rows)
    targets.print_table(rows, earlier)
    scales = ", ".join(f"{s:g}" for s in args.scales)
    default = " (the default run's target: 10 min)" if args.scales == DEFAULT_SCALES else ""
    print(
        f"\nthe run took {minutes:.1f} min for scales {scales}{default}; "
        f"median 1-minute load {load:.1f} on {cores} cores"
    )
    if busy:
        print(
            "the machine was shared, so these seconds are inflated: compare runs by the ratios to the floor, "
            "timed in this run under the same load"
        )
    print(f"written to {stem}.csv and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
