"""cscw nightly: the nightly job run in this process, then what the gate did and the returns' state."""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.cli.common import console_kept, execute_job, failed_steps, locked, log, return_states
from orchestration.cli.progress import JobProgress, dbt_totals
from orchestration.lib.night_state import (
    build_fingerprint,
    file_state,
    ledger_digest,
    night_record,
    record_published_night,
)
from warehouse import settings as config
from warehouse.settings import Settings

if TYPE_CHECKING:
    from warehouse.connection import Connection


def cmd_nightly(settings: Settings, args: argparse.Namespace) -> int:
    with console_kept(settings, "nightly") as console:
        return locked(settings, "nightly", lambda: _nightly(settings, args, console))


def _never_loaded(settings: Settings) -> list[str]:
    """Sources with no snapshot waiting in landing and none loaded before: the night would build on nothing.
    A layout a council may never send (the CIN census beside the case CSVs) is not missing."""
    from ingest.contracts import registry
    from ingest.readers import dated_folders
    from warehouse.connection import connect, table_exists, target

    needed = [s.name for s in registry() if not s.may_never_land]

    waiting = {s for s in needed if dated_folders(settings.landing, s)}
    loaded: set[str] = set()
    existing = settings.build_warehouse if settings.build_warehouse.exists() else settings.warehouse
    if target() == "postgres" or existing.exists():
        with connect(existing, read_only=True) as con:
            if table_exists(con, "raw", "_ledger"):
                loaded = {
                    r[0]
                    for r in con.execute("select distinct source from raw._ledger where status = 'loaded'").fetchall()
                }
    return [s for s in needed if s not in waiting and s not in loaded]


def _nightly(settings: Settings, args: argparse.Namespace, console: Path) -> int:
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
    unchanged = nothing_new(settings)
    if unchanged:
        log.info("%s", unchanged)
        return 0
    started, since = time.perf_counter(), datetime.now(UTC).replace(tzinfo=None)
    log.info("nightly: loading waiting snapshots from %s", settings.landing)
    with JobProgress("nightly", dbt=dbt_totals(config.DBT_PROJECT_DIR / "target" / "manifest.json")) as progress:
        progress.steps = _night_steps()
        result, dbt_log = execute_job(settings, "nightly", "nightly", args.verbose, on_event=progress.on_event)
    log.info("nightly: dbt output in %s; this run's whole output in %s", dbt_log, console)
    if not result.success:
        for step, message in failed_steps(result).items():
            log.error("nightly: %s failed: %s", step, message)
        _say_the_night(settings, since)
        log.error(
            "nightly: FAILED after %.1fs; nothing was published: %s is still the last complete build",
            time.perf_counter() - started,
            settings.warehouse,
        )
        return 1
    record_published_night(settings)
    _say_the_night(settings, since)
    # The last lines on screen: where the build is, and the returns' state with where each report is.
    log.info("nightly: done in %.1fs; published %s", time.perf_counter() - started, settings.warehouse)
    for line in return_states(settings):
        log.info("nightly: %s", line)
    return 0


def _night_steps() -> int:
    from orchestration.definitions import defs

    return len(defs().resolve_job_def("nightly").graph.node_dict)


def _say_the_night(settings: Settings, since: datetime) -> None:
    log.info("nightly: ---- this night ----")
    for line in _gate_lines(settings, since):
        log.info("nightly: %s", line)


def _gate_lines(settings: Settings, since: datetime) -> list[str]:
    """What the gate did with each snapshot this run, from the working copy's ledger (there even when the night
    failed). A summary only: when the working copy cannot be read, the failed steps above still say what failed."""
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
    return _night_lines(snapshots, counts)


def _night_lines(snapshots: list[tuple], counts: dict[tuple, int]) -> list[str]:
    """What loaded, what did not and why, and how much the gate set aside, each on one line."""
    loaded, not_loaded = [], []
    for source, day, status, message in snapshots:
        if status == "loaded":
            rows, flags = counts.get((source, day, "row"), 0), counts.get((source, day, "flag"), 0)
            detail = f" ({rows:,} row(s) quarantined, {flags:,} flag(s))" if rows or flags else ""
            loaded.append(f"{source} {day}{detail}")
        else:
            not_loaded.append(f"{source} {day} {status}: {message or status}")
    rows = sum(n for (_, _, kind), n in counts.items() if kind == "row")
    flags = sum(n for (_, _, kind), n in counts.items() if kind == "flag")
    lines = [f"loaded: {', '.join(loaded) or 'no new snapshot'}"]
    lines.append(f"refused, held or not loaded: {'; '.join(not_loaded) or 'none'}")
    to_fix = "the rows and children to fix: `cscw quality` (or `cscw quality --csv FILE`)"
    lines.append(f"quarantined: {rows:,} row(s), {flags:,} flag(s); {to_fix}" if rows or flags else "quarantined: none")
    return lines


# A folder in these states is never gated again (ingest/load.py, _SourceLoad.folder).
_SETTLED = {"loaded", "unchanged", "withdrawn"}


def _anything_waiting(con: Connection, landing: Path) -> bool:
    """A landing folder the loader would gate (or refuse) again: the same test as ingest/load.py's."""
    from ingest.contracts import SOURCES
    from ingest.ledger import recorded_statuses
    from ingest.readers import landing_folders
    from ingest.snapshot import fingerprint

    for source in SOURCES:
        statuses = recorded_statuses(con, source)
        newest = max((day for (day, _), seen in statuses.items() if "loaded" in seen), default=None)
        for folder in landing_folders(landing, source):
            if folder.extract_date is None:
                return True
            seen = statuses.get((folder.extract_date, fingerprint(folder.path)), set())
            older = bool(seen) and newest is not None and folder.extract_date < newest
            if not (seen & _SETTLED or older):
                return True
    return False


def nothing_new(settings: Settings) -> str | None:
    """The line to say when no snapshot is waiting, the code is the last published night's, and the published file
    and the working copy are as that night left them (an `accept` or a `withdraw` since changes the working copy's
    ledger); None when the night has work to do. Opens both files read-only."""
    from warehouse.connection import connect, table_exists, target

    record_path = night_record(settings)
    if target() != "duckdb" or not record_path.exists() or not settings.warehouse.exists():
        return None
    try:
        record = json.loads(record_path.read_text())
        if record["published"] != file_state(settings.warehouse) or record["code"] != build_fingerprint(settings):
            return None
        with connect(settings.build_warehouse, read_only=True) as con:
            if not table_exists(con, "raw", "_ledger") or ledger_digest(con) != record["ledger"]:
                return None
        with connect(settings.warehouse, read_only=True) as con:
            if ledger_digest(con) != record["ledger"] or _anything_waiting(con, settings.landing):
                return None
            newest = con.execute("select max(extract_date) from raw._ledger where status = 'loaded'").fetchone()[0]
    except Exception:  # noqa: BLE001 - when in doubt, build: a night that runs is never wrong
        return None
    return (
        f"nightly: nothing new since {newest} (every snapshot loaded, code unchanged): "
        f"the published warehouse {settings.warehouse} is as it was"
    )
