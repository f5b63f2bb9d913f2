"""The operator's commands: synthetic extracts, decisions on one snapshot, the committee report, the UI."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.cli.common import locked, log
from warehouse.settings import REPO_ROOT, Settings

# How long the UI's processes get to stop after SIGTERM (dagster dev gives its own children 10s) before SIGKILL.
UI_STOP_SECONDS = 30

if TYPE_CHECKING:
    from warehouse.connection import Connection


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
        case_format=args.case_format,
        progress=lambda line: log.info("generate: %s", line),
    )
    files = len(counts)
    rows = sum(counts.values())
    log.info(
        "generate: %d files, %s rows in %s (%.1fs)", files, f"{rows:,}", settings.landing, time.perf_counter() - started
    )
    return 0


def cmd_accept(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.load import accept

    return _ledger_command(settings, args, "accept", lambda con, day: accept(con, settings.landing, args.source, day))


def cmd_withdraw(settings: Settings, args: argparse.Namespace) -> int:
    from ingest.load import withdraw

    return _ledger_command(settings, args, "withdraw", lambda con, day: withdraw(con, args.source, day))


def _ledger_command(
    settings: Settings, args: argparse.Namespace, command: str, act: Callable[[Connection, date], str]
) -> int:
    """An operator's decision on one snapshot, recorded in the working copy's ledger under the writer lock."""
    try:
        extract_date = date.fromisoformat(args.date)
    except ValueError:
        log.error("%s: %r is not a date: give the snapshot's folder name, YYYY-MM-DD", command, args.date)
        return 1
    return locked(settings, command, lambda: _record_decision(settings, command, act, extract_date), refused="")


def _record_decision(settings: Settings, command: str, act: Callable[[Connection, date], str], day: date) -> int:
    from ingest.load import AcceptError
    from warehouse.connection import connect
    from warehouse.serving import working_copy

    try:
        with connect(working_copy(settings)) as con:
            log.info("%s: %s", command, act(con, day))
    except AcceptError as error:
        log.error("%s: %s", command, error)
        return 1
    return 0


def cmd_report(settings: Settings, args: argparse.Namespace) -> int:
    from orchestration.cli.common import require_warehouse
    from outputs.report.committee import ReportError, month_end, write_report

    require_warehouse(settings)
    try:
        month = month_end(args.month) if getattr(args, "month", None) else None
        if month is not None:
            _check_month(settings, month)
        report = write_report(settings, month=month)
    except ReportError as error:
        log.error("report: %s", error)
        return 1
    log.info("report: month ending %s, written in %.1fs", report.period_end, report.seconds)
    log.info("report: tables for publication in %s", next(iter(report.exports.values())).parent)
    log.info("report: PDF %s", report.pdf)
    log.info("report: %s", report.html)
    return 0


def _check_month(settings: Settings, month: date) -> None:
    """A month the scorecard has no rows for (not ended, or before the data) is named with the months it has."""
    from orchestration.cli.common import CommandError
    from warehouse.connection import table_exists
    from warehouse.serving import read_published

    with read_published(settings) as con:
        if not table_exists(con, "scorecard", "scorecard_indicators"):
            return  # write_report says the scorecard is not built yet
        first, last, found = con.execute(
            "select min(period_end), max(period_end), bool_or(period_end = ?) "
            "from scorecard.scorecard_indicators where period_type = 'month'",
            [month],
        ).fetchone()
    if last is not None and not found:
        raise CommandError(
            f"no scorecard for the month ending {month}: the scorecard has months from "
            f"{first:%Y-%m} to {last:%Y-%m} (the latest complete month); give --month YYYY-MM in that range"
        )


def cmd_ui(settings: Settings, args: argparse.Namespace) -> int:
    """dagster dev from this interpreter's environment, in a process group of its own that stops as one."""
    bin_dir = Path(sys.executable).parent
    dagster = bin_dir / "dagster"
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
    # dagster-dbt's prepare_if_dev() runs `dbt` from PATH: without the venv's bin first, the code location fails.
    env = {**os.environ, "PATH": os.pathsep.join([str(bin_dir), os.environ.get("PATH", os.defpath)])}
    with _process_group() as group:
        return subprocess.call(command, cwd=REPO_ROOT, env=env, process_group=group)


@contextlib.contextmanager
def _process_group() -> Iterator[int]:
    """A process group for the UI (dagster dev, its webserver, daemon and code servers), stopped whole on
    Ctrl-C or SIGTERM and on the way out.

    The group is anchored by an idle child made first, so its id is known before dagster dev starts (it
    joins it) and the group outlives any one member; the terminal's Ctrl-C reaches only this process,
    which then stops the group in order rather than Python's subprocess killing dagster dev alone and
    leaving its webserver and daemon running.
    """
    stopping: list[int] = []
    groups: list[int] = []

    def stop(signum: int, frame: object) -> None:
        if not stopping and groups:
            stopping.append(signum)
            _signal_group(groups[0], signal.SIGTERM)

    # Handlers first: a signal this process ignores (a library may, for a moment) stays ignored across exec,
    # and an anchor deaf to SIGTERM would never leave; a handler is reset to the default instead.
    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    # The anchor leaves by itself if this process is killed outright (SIGKILL) and cannot stop it.
    idle = "import os, sys, time\nwhile os.getppid() == int(sys.argv[1]):\n    time.sleep(1)"
    anchor = subprocess.Popen([sys.executable, "-c", idle, str(os.getpid())], process_group=0)
    group = anchor.pid
    groups.append(group)
    try:
        yield group
    finally:
        _signal_group(group, signal.SIGTERM)
        try:
            anchor.wait(timeout=UI_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            anchor.kill()
            anchor.wait()
        deadline = time.monotonic() + UI_STOP_SECONDS
        while _group_alive(group) and time.monotonic() < deadline:
            time.sleep(0.2)
        _signal_group(group, signal.SIGKILL)
        for s, handler in previous.items():
            signal.signal(s, handler)


def _signal_group(group: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signum)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True
