"""cscw: the warehouse for people who never open Dagster.

cscw generate   write synthetic landing extracts for several nightly dates
                (--faults realistic: with the data-quality faults councils see, for the gate to catch)
cscw nightly    load every waiting dated folder in date order, build and test the marts, export the
                SSDA903 return, publish; ends with the return's state (ready, or not and why)
cscw demo       generate, then nightly, then print a summary (the README's first command)
cscw query SQL  run SQL on the published warehouse, read-only, and print the result
cscw return ssda903 --year 2025
                build, export and validate the SSDA903 return for a collection year (named by its end)
cscw report     the committee report (HTML and PDF) and the CSV tables for publication
cscw summary    rows per table, where the warehouse file is, and the return's state
cscw quality    the data-quality to-fix list (quarantined rows, flags, refused snapshots), --csv FILE
cscw accept SOURCE DATE
                let a snapshot held back as suspect (far fewer rows or children) load on the next night
cscw withdraw SOURCE DATE
                take back a loaded snapshot (a folder misdated into the future): the folders after it load
cscw ui         the Dagster UI on 127.0.0.1 (--host to listen elsewhere)
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta

from warehouse.permissions import owner_only_umask
from warehouse.settings import REPO_ROOT, SOURCES, Settings, apply_environment, get_settings

log = logging.getLogger("cscw")


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s  %(message)s", "%H:%M:%S"))
    root = logging.getLogger("cscw")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    root.propagate = False
    if not verbose:
        logging.getLogger("dagster").setLevel(logging.WARNING)


def cmd_generate(settings: Settings, args: argparse.Namespace) -> int:
    from synthetic import generate

    started = time.perf_counter()
    end_date = date.fromisoformat(args.end_date) if args.end_date else date.today() - timedelta(days=1)
    counts = generate(
        settings.landing,
        end_date=end_date,
        nights=args.nights,
        scale=args.scale,
        seed=args.seed,
        la_ons=settings.la_ons,
        la_dfe=settings.la_dfe,
        faults=args.faults,
        progress=lambda line: log.info("generate: %s", line),
    )
    files = len(counts)
    rows = sum(counts.values())
    log.info(
        "generate: %d files, %s rows in %s (%.1fs)", files, f"{rows:,}", settings.landing, time.perf_counter() - started
    )
    return 0


@contextlib.contextmanager
def _writing(settings: Settings, command: str):
    """The writer lock for a command, logging while it waits, then the working copy proved or set aside
    and started again (warehouse/serving.py)."""
    from warehouse.serving import start_working_copy, writer_lock

    with writer_lock(settings, on_wait=lambda holder: log.info("%s: waiting for the writer lock: %s", command, holder)):
        start_working_copy(settings)
        yield


def cmd_nightly(settings: Settings, args: argparse.Namespace) -> int:
    from warehouse.serving import WarehouseBusy

    try:
        # Taken here as well as by the run's warehouse resource, so a busy warehouse is a clear message
        # before anything starts rather than a resource error inside the run.
        with _writing(settings, "nightly"):
            return _nightly(settings, args)
    except WarehouseBusy as busy:
        log.error("nightly: REFUSED: %s", busy)
        return 1


def _never_loaded(settings: Settings) -> list[str]:
    """Sources with no snapshot waiting in landing and none loaded before: the night would build on nothing."""
    from ingest.readers import dated_folders
    from warehouse.connection import connect, table_exists, target
    from warehouse.settings import SOURCES

    waiting = {s for s in SOURCES if dated_folders(settings.landing, s)}
    loaded: set[str] = set()
    existing = settings.build_warehouse if settings.build_warehouse.exists() else settings.warehouse
    if target() == "postgres" or existing.exists():
        with connect(existing, read_only=True) as con:
            if table_exists(con, "raw", "_ledger"):
                loaded = {
                    r[0]
                    for r in con.execute("select distinct source from raw._ledger where status = 'loaded'").fetchall()
                }
    return [s for s in SOURCES if s not in waiting and s not in loaded]


def _nightly(settings: Settings, args: argparse.Namespace) -> int:
    import dagster as dg

    from orchestration.definitions import defs

    missing = _never_loaded(settings)
    if missing:
        log.error(
            "nightly: nothing to build on: no snapshot of %s in %s/<source>/<YYYY-MM-DD>/ and none loaded "
            'before. Put the extracts there (README "How a night runs"), or run `cscw generate` for '
            "synthetic ones.",
            ", ".join(missing),
            settings.landing,
        )
        return 1
    started, since = time.perf_counter(), datetime.now(UTC).replace(tzinfo=None)
    log.info("nightly: loading waiting snapshots from %s", settings.landing)
    # dbt's own console output (a line per model and test) goes to a log file unless --verbose.
    log_dir = settings.home / "logs"
    log_dir.mkdir(exist_ok=True)
    dbt_log = log_dir / f"nightly-{datetime.now():%Y%m%d-%H%M%S}.log"
    with (
        dg.DagsterInstance.get() as instance,
        open(dbt_log, "w") as log_file,
        contextlib.redirect_stdout(sys.stdout if args.verbose else log_file),
    ):
        result = (
            defs()
            .resolve_job_def("nightly")
            .execute_in_process(
                instance=instance,
                raise_on_error=False,
                run_config={"loggers": {"console": {"config": {"log_level": "INFO" if args.verbose else "CRITICAL"}}}},
            )
        )
    log.info("nightly: dbt output in %s", dbt_log)
    for line in _gate_lines(settings, since):
        log.info("nightly: %s", line)
    for event in result.all_events:
        if event.is_step_success or event.is_step_failure:
            log.info("nightly: step %-14s %s", event.step_key, "ok" if event.is_step_success else "FAILED")
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure:
                error = event.step_failure_data.error
                while error.cause is not None:
                    error = error.cause
                log.error("nightly: %s failed: %s", event.step_key, error.message.strip())
        log.error(
            "nightly: FAILED after %.1fs; nothing was published: %s is still the last complete build",
            time.perf_counter() - started,
            settings.warehouse,
        )
        return 1
    log.info("nightly: done in %.1fs; published %s", time.perf_counter() - started, settings.warehouse)
    for line in _return_states(settings):
        log.info("nightly: %s", line)
    return 0


def _gate_lines(settings: Settings, since: datetime) -> list[str]:
    """What the gate did with each snapshot this run, from the working copy's ledger (there even when the night
    failed). A summary only: when the working copy cannot be read, the step lines below still say what failed."""
    from warehouse.connection import target

    if target() == "duckdb" and not settings.build_warehouse.exists():
        return []
    try:
        return _read_gate_lines(settings, since)
    except Exception as error:  # noqa: BLE001 - never let the summary hide the night's own result
        return [f"(the gate's record could not be read: {str(error).splitlines()[0]})"]


def _read_gate_lines(settings: Settings, since: datetime) -> list[str]:
    from warehouse.connection import connect, table_exists

    with connect(settings.build_warehouse, read_only=True) as con:
        if not table_exists(con, "raw", "_ledger"):
            return []
        snapshots = con.execute(
            "select source, extract_date, status, max(message) from raw._ledger where recorded_at >= ? "
            "and status <> 'accepted' group by source, extract_date, status order by source, extract_date",
            [since],
        ).fetchall()
        counts = {
            (source, day, kind): n
            for source, day, kind, n in con.execute(
                "select source, extract_date, kind, count(distinct case when kind = 'row' "
                "then file_name || ':' || cast(row_number as varchar) else file_name || cast(coalesce(row_number, 0) "
                "as varchar) || rule || coalesce(column_name, '') end) from raw._problems where recorded_at >= ? "
                "group by source, extract_date, kind",
                [since],
            ).fetchall()
        }
    lines = []
    for source, day, status, message in snapshots:
        quarantined, flagged = counts.get((source, day, "row"), 0), counts.get((source, day, "flag"), 0)
        detail = (
            f"{quarantined:,} row(s) quarantined, {flagged:,} flag(s)"
            if status == "loaded" and (quarantined or flagged)
            else message or "clean"
        )
        lines.append(f"{source} {day} {status}: {detail}")
    if any(counts.values()):
        lines.append("the rows and children to fix: `cscw quality` (or `cscw quality --csv FILE`)")
    return lines


def _return_states(settings: Settings) -> list[str]:
    """A line per statutory return, as the published warehouse records it (data_quality.return_status)."""
    from outputs.returns.status import describe, latest_statuses
    from warehouse.connection import connect

    with connect(settings.warehouse, read_only=True) as con:
        statuses = latest_statuses(con)
    return [describe(status) for status in statuses] or ["no statutory return exported yet"]


def cmd_summary(settings: Settings, args: argparse.Namespace) -> int:
    from warehouse.connection import target
    from warehouse.serving import read_published

    where = settings.warehouse if target() == "duckdb" else "PostgreSQL (CSCW_TARGET=postgres, CSCW_PG_*)"
    if target() == "duckdb" and not settings.warehouse.exists():
        log.error("no warehouse yet at %s: run `cscw nightly`", settings.warehouse)
        return 1
    with read_published(settings) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema not in ('information_schema', 'pg_catalog') and table_type = 'BASE TABLE' "
            "order by table_schema, table_name"
        ).fetchall()
        print(f"\nWarehouse: {where}")
        current = None
        for schema, table in tables:
            if schema != current:
                current = schema
                print(f"  {schema}")
            rows = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
            print(f"    {table:<44} {rows:>10,} rows")
        loads = con.execute(
            "select source, max(extract_date) filter (where status = 'loaded'), "
            "count(distinct (extract_date, snapshot_fingerprint)) filter (where status = 'loaded'), "
            "count(distinct (extract_date, snapshot_fingerprint)) filter (where status = 'refused') "
            "from raw._ledger group by source order by source"
        ).fetchall()
    print(
        f"\n  {len(tables)} tables. Latest snapshot per source: "
        + ", ".join(f"{s} {d} ({n} loaded, {r} refused)" for s, d, n, r in loads)
    )
    print(f"  Refused extracts and their reports: {settings.quarantine}")
    for line in _return_states(settings):
        print(f"  {line}")
    print('  Query it: cscw query "select * from staging.stg_placements__episodes limit 5"\n')
    return 0


QUALITY_COLUMNS = [
    "source",
    "file_name",
    "row_number",
    "column_name",
    "rule",
    "action",
    "severity",
    "record_key",
    "child_id",
    "first_seen_date",
    "last_seen_date",
    "nights_seen",
    "is_open",
]


def cmd_quality(settings: Settings, args: argparse.Namespace) -> int:
    """The to-fix list from the published warehouse: open problems, newest first, grouped by rule."""
    import csv

    from ingest.spreadsheet import safe_row
    from warehouse.connection import table_exists, target
    from warehouse.serving import read_published

    if target() == "duckdb" and not settings.warehouse.exists():
        log.error("quality: no warehouse yet at %s: run `cscw nightly` first", settings.warehouse)
        return 1
    where = "" if args.all else "where is_open"
    with read_published(settings) as con:
        if not table_exists(con, "data_quality", "data_quality_problems"):
            log.error("quality: the published warehouse has no data_quality mart yet: run `cscw nightly`")
            return 1
        rows = con.execute(
            f"select {', '.join(QUALITY_COLUMNS)} from data_quality.data_quality_problems {where} "
            "order by first_seen_date desc, rule, source, file_name, row_number"
        ).fetchall()
    if args.csv:
        with open(args.csv, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(QUALITY_COLUMNS)
            writer.writerows(safe_row(r) for r in rows)
        log.info("quality: %d problem(s) written to %s", len(rows), args.csv)
        return 0
    _print_quality(rows, args.limit, "" if args.all else "open ")
    _print_return_flags(settings)
    return 0


def _print_return_flags(settings: Settings) -> None:
    """The latest return's DfE flags by rule: the other half of what the case-management team fixes."""
    from outputs.returns.status import describe, latest_statuses, year_label
    from warehouse.connection import connect, table_exists

    with connect(settings.warehouse, read_only=True) as con:
        if not table_exists(con, "data_quality", "return_validation_flags"):
            return
        for status in latest_statuses(con):
            print(f"  {describe(status)}")
            flags = con.execute(
                "select rule_code, severity, max(rule_description), count(distinct child_id) from "
                "data_quality.return_validation_flags where return_name = ? and collection_year = ? "
                "group by rule_code, severity order by severity, count(distinct child_id) desc, rule_code",
                [status["return_name"], status["collection_year"]],
            ).fetchall()
            for code, severity, description, children in flags:
                print(f"    rule {code:<6} {severity:<6} {children:>6,} child(ren)  {(description or '')[:80]}")
            if flags:
                print(
                    f"    (children by rule: data_quality.return_validation_flags, "
                    f"{status['return_name']} {year_label(status['collection_year'])})"
                )
    print()


def _print_quality(rows: list[tuple], limit: int, which: str) -> None:
    children = {r[8] for r in rows if r[8]}
    print(
        f"\n{len(rows):,} {which}problem(s) on {len(children):,} child(ren). Keys only; fix them in the source "
        "system and the next night closes them."
    )
    by_rule: dict[tuple, list[tuple]] = {}
    for row in rows:
        by_rule.setdefault((row[4], row[5], row[0], row[1], row[3]), []).append(row)
    for (rule, action, source, file_name, column), found in by_rule.items():
        where = f"{source} {file_name}" + (f" column {column}" if column else "")
        print(f"\n  {rule} ({action}): {len(found):,} in {where}")
        print(f"    {'first seen':<11} {'row':>7}  {'child':<14} key")
        for r in found[:limit]:
            print(f"    {str(r[9]):<11} {r[2] or '':>7}  {r[8] or '':<14} {r[7] or ''}")
        if len(found) > limit:
            print(f"    ... and {len(found) - limit:,} more (--csv FILE for the whole list)")
    print()


def cmd_accept(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.load import accept

    return _ledger_command(settings, args, "accept", lambda con, day: accept(con, settings.landing, args.source, day))


def cmd_withdraw(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.load import withdraw

    return _ledger_command(settings, args, "withdraw", lambda con, day: withdraw(con, args.source, day))


def _ledger_command(settings: Settings, args: argparse.Namespace, command: str, act) -> int:
    """An operator's decision on one snapshot, recorded in the working copy's ledger under the writer lock."""
    from ingest.load import AcceptError
    from warehouse.connection import connect
    from warehouse.serving import WarehouseBusy, working_copy

    try:
        extract_date = date.fromisoformat(args.date)
    except ValueError:
        log.error("%s: %r is not a date: give the snapshot's folder name, YYYY-MM-DD", command, args.date)
        return 1
    try:
        with _writing(settings, command):
            with connect(working_copy(settings)) as con:
                log.info("%s: %s", command, act(con, extract_date))
    except (AcceptError, WarehouseBusy) as error:
        log.error("%s: %s", command, error)
        return 1
    return 0


def cmd_report(settings: Settings, args: argparse.Namespace) -> int:
    from outputs.report.committee import ReportError, write_report

    month = date.fromisoformat(f"{args.month}-01") if getattr(args, "month", None) else None
    if month is not None:
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    try:
        report = write_report(settings, month=month)
    except ReportError as error:
        log.error("report: %s", error)
        return 1
    log.info("report: month ending %s, written in %.1fs", report.period_end, report.seconds)
    log.info("report: tables for publication in %s", next(iter(report.exports.values())).parent)
    log.info("report: PDF %s", report.pdf)
    log.info("report: %s", report.html)
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    return (
        cmd_generate(settings, args)
        or cmd_nightly(settings, args)
        or cmd_summary(settings, args)
        or cmd_report(settings, args)
    )


def cmd_query(settings: Settings, args: argparse.Namespace) -> int:
    from warehouse.connection import PostgresConnection, target
    from warehouse.serving import read_published

    if target() == "postgres":
        with PostgresConnection(read_only=True) as con:
            cursor = con.execute(args.sql)
            names = [d[0] for d in cursor.description]
            print(" | ".join(names))
            for row in cursor.fetchall()[: args.max_rows]:
                print(" | ".join("" if v is None else str(v) for v in row))
        return 0
    with read_published(settings) as con:
        con.sql(args.sql).show(max_rows=args.max_rows, max_width=200)
    return 0


def cmd_return(settings: Settings, args: argparse.Namespace) -> int:
    from warehouse.serving import WarehouseBusy, working_copy

    try:
        with _writing(settings, "return"):
            working_copy(settings)
            return _return(settings, args)
    except WarehouseBusy as busy:
        log.error("return: REFUSED: %s", busy)
        return 1


def _return(settings: Settings, args: argparse.Namespace) -> int:
    """Builds the return models in the working copy (where dbt writes) and exports from there; the
    published warehouse keeps the nightly build, so a return for another year never reaches analysts."""
    from outputs.returns.ssda903 import NothingToReturn, export_and_validate
    from warehouse.connection import connect
    from warehouse.settings import DBT_PROJECT_DIR

    started = time.perf_counter()
    # The return models and everything under them, tests included: a failing upstream test stops here.
    dbt_vars = f"{{ssda903_year: {args.year}}}" if args.year else "{}"
    log_dir = settings.home / "logs"
    log_dir.mkdir(exist_ok=True)
    dbt_log = log_dir / f"return-ssda903-{datetime.now():%Y%m%d-%H%M%S}.log"
    with open(dbt_log, "w") as out:
        code = subprocess.call(
            [
                str(REPO_ROOT / ".venv" / "bin" / "dbt"),
                "build",
                "--select",
                "+path:models/returns",
                "--indirect-selection",
                "buildable",
                "--vars",
                dbt_vars,
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    if code:
        log.error("return: dbt build of the return models failed (see %s); nothing exported", dbt_log)
        return 1
    with connect(settings.build_warehouse, read_only=True) as con:
        try:
            result = export_and_validate(con, settings.exports, settings.la_ons)
        except NothingToReturn as nothing:
            log.error("return: %s", nothing)
            return 1
    log.info(
        "return: SSDA903 %d written to %s (%s)",
        result.year,
        result.folder,
        ", ".join(f"{t} {n:,}" for t, n in result.rows.items()),
    )
    if result.failure:
        log.error("return: NOT ready to submit: not validated: %s", result.failure)
        return 1
    s = result.report["summary"]
    log.info(
        "return: %d rules - %d passed, %d with errors (%d rows), %d queries, %d skipped, %d crashed (%.1fs)",
        s["rules"],
        s["passed"],
        s["failed_error"],
        s["error_rows"],
        s["failed_query"],
        s["skipped"],
        s["crashed"],
        time.perf_counter() - started,
    )
    if not result.ready:
        log.error("return: NOT ready to submit; see %s", result.folder / "validation_report.md")
        return 1
    log.info("return: ready to submit (READY written)")
    return 0


def cmd_ui(settings: Settings, args: argparse.Namespace) -> int:
    dagster = REPO_ROOT / ".venv" / "bin" / "dagster"
    command = [
        str(dagster) if dagster.exists() else "dagster",
        "dev",
        "-w",
        str(REPO_ROOT / "workspace.yaml"),
        "-h",
        args.host,
        "-p",
        str(args.port),
    ]
    return subprocess.call(command, cwd=REPO_ROOT)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cscw", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show Dagster's own log lines")
    sub = parser.add_subparsers(dest="command", required=True)

    def add_generate_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--scale", type=float, default=1.0, help="1 = one county council; 10, 100 for benchmarks")
        p.add_argument("--seed", type=int, default=903)
        p.add_argument("--end-date", help="last extract date, YYYY-MM-DD (default: yesterday)")
        p.add_argument("--nights", type=int, default=3, help="how many nightly snapshots to write")
        # The same names as synthetic.FAULT_MODES (a test keeps them so), without importing pandas here.
        p.add_argument(
            "--faults",
            choices=("none", "realistic"),
            default="none",
            help="realistic: plant data-quality faults at the rates councils see "
            "(synthetic/faults.py); default none, clean extracts",
        )

    add_generate_options(sub.add_parser("generate", help="write synthetic landing extracts"))
    sub.add_parser("nightly", help="load waiting snapshots in date order, then build the marts")
    add_generate_options(sub.add_parser("demo", help="generate + nightly + summary + report"))
    sub.add_parser("summary", help="rows per table")
    quality = sub.add_parser("quality", help="the data-quality to-fix list, newest first, grouped by rule")
    quality.add_argument("--csv", metavar="FILE", help="write the whole list as CSV for the case-management team")
    quality.add_argument("--all", action="store_true", help="closed problems too")
    quality.add_argument("--limit", type=int, default=10, help="rows shown per rule (default 10)")
    accept = sub.add_parser("accept", help="let a snapshot held back as suspect load on the next night")
    accept.add_argument("source", choices=SOURCES)
    accept.add_argument("date", help="the snapshot's folder name, YYYY-MM-DD")
    withdraw = sub.add_parser("withdraw", help="take back a loaded snapshot (a misdated folder): later ones load")
    withdraw.add_argument("source", choices=SOURCES)
    withdraw.add_argument("date", help="the snapshot's folder name, YYYY-MM-DD")
    query = sub.add_parser("query", help="run SQL read-only and print the result")
    query.add_argument("sql")
    query.add_argument("--max-rows", type=int, default=40)
    returns = sub.add_parser("return", help="build, export and validate a statutory return")
    returns.add_argument("collection", choices=["ssda903"])
    returns.add_argument(
        "--year", type=int, help="collection year by its end, e.g. 2025 = 2024/25 (default: the latest complete year)"
    )
    report = sub.add_parser("report", help="write the committee report (HTML, PDF) and the CSV tables for publication")
    report.add_argument("--month", help="YYYY-MM (default: the latest complete month)")
    ui = sub.add_parser("ui", help="start the Dagster UI bound to 127.0.0.1")
    ui.add_argument("--port", type=int, default=3000)
    # The UI can launch runs and shows asset metadata: only this machine unless asked.
    ui.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup_logging(args.verbose)
    settings = get_settings()
    owner_only_umask()  # everything this process (and dbt, the validator) writes is owner-only
    apply_environment(settings)
    handler = {
        "generate": cmd_generate,
        "nightly": cmd_nightly,
        "demo": cmd_demo,
        "summary": cmd_summary,
        "query": cmd_query,
        "return": cmd_return,
        "report": cmd_report,
        "ui": cmd_ui,
        "quality": cmd_quality,
        "accept": cmd_accept,
        "withdraw": cmd_withdraw,
    }[args.command]
    try:
        return handler(settings, args)
    except RuntimeError as error:
        from warehouse.serving import PublishedUnreadable

        if not isinstance(error, PublishedUnreadable):
            raise
        log.error("%s: %s", args.command, error)  # a missing or damaged published file: one line, no traceback
        return 1
    except BrokenPipeError:  # `cscw quality | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
