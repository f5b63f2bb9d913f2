"""cscw nightly: the nightly job run in this process, then what the gate did and the returns' state."""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

from orchestration.cli.common import execute_job, failed_steps, locked, log, return_states
from warehouse.settings import Settings


def cmd_nightly(settings: Settings, args: argparse.Namespace) -> int:
    return locked(settings, "nightly", lambda: _nightly(settings, args))


def _never_loaded(settings: Settings) -> list[str]:
    """Sources with no snapshot waiting in landing and none loaded before: the night would build on nothing."""
    from ingest.contracts import SOURCES
    from ingest.readers import dated_folders
    from warehouse.connection import connect, table_exists, target

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
    result, dbt_log = execute_job(settings, "nightly", "nightly", args.verbose)
    log.info("nightly: dbt output in %s", dbt_log)
    for line in _gate_lines(settings, since):
        log.info("nightly: %s", line)
    for event in result.all_events:
        if event.is_step_success or event.is_step_failure:
            log.info("nightly: step %-14s %s", event.step_key, "ok" if event.is_step_success else "FAILED")
    if not result.success:
        for step, message in failed_steps(result).items():
            log.error("nightly: %s failed: %s", step, message)
        log.error(
            "nightly: FAILED after %.1fs; nothing was published: %s is still the last complete build",
            time.perf_counter() - started,
            settings.warehouse,
        )
        return 1
    log.info("nightly: done in %.1fs; published %s", time.perf_counter() - started, settings.warehouse)
    for line in return_states(settings):
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
