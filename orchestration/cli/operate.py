"""The operator's commands: synthetic extracts, decisions on one snapshot, the committee report, the UI."""

from __future__ import annotations

import argparse
import subprocess
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from orchestration.cli.common import locked, log
from warehouse.settings import REPO_ROOT, Settings

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
    from outputs.report.committee import ReportError, month_end, write_report

    try:
        month = month_end(args.month) if getattr(args, "month", None) else None
        report = write_report(settings, month=month)
    except ReportError as error:
        log.error("report: %s", error)
        return 1
    log.info("report: month ending %s, written in %.1fs", report.period_end, report.seconds)
    log.info("report: tables for publication in %s", next(iter(report.exports.values())).parent)
    log.info("report: PDF %s", report.pdf)
    log.info("report: %s", report.html)
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
