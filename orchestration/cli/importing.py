"""cscw import ssda903 <folder>: past annual returns landed as one full-history placements snapshot
(ingest/ssda903_import). It writes landing only, so it needs neither the warehouse nor its writer lock."""

from __future__ import annotations

import argparse
import time
from datetime import date

from orchestration.cli.common import CommandError, log
from warehouse.settings import Settings

SHOWN_PER_YEAR = 10  # row faults listed per year; the nightly gate report of the snapshot lists every one


def add_import_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("import", help="land past annual SSDA903 returns as one full-history snapshot")
    parser.add_argument("collection", choices=("ssda903",))
    parser.add_argument("folder", help="a folder per collection year (2019, 2018-19, ...) or one year's files")
    parser.add_argument("--as-at", help="the snapshot's date, YYYY-MM-DD (default: today)")


def _as_at(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        as_at = date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-at {text!r} is not a date: give it as YYYY-MM-DD") from None
    if as_at > date.today():
        raise CommandError(f"--as-at {as_at} is after today: the nightly load refuses a snapshot from the future")
    return as_at


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from ingest.ssda903_import import AlreadyLanded, YearRefused, import_returns
    from ingest.ssda903_import.years import describe

    started = time.perf_counter()
    try:
        result = import_returns(Path(args.folder), settings.landing, _as_at(args.as_at))
    except (YearRefused, AlreadyLanded) as error:
        raise CommandError(f"{error}\nnothing landed") from None
    for year in result.years:
        rows = ", ".join(f"{name} {len(frame):,}" for name, frame in year.frames.items() if len(frame))
        log.info("import: SSDA903 %s from %s (year %s): %s", year.label, year.folder, year.how, rows)
        quarantined = [p for p in year.problems if p.kind == "row"]
        for problem in quarantined[:SHOWN_PER_YEAR]:
            log.warning("import:   quarantined: %s", describe(year, problem))
        if len(quarantined) > SHOWN_PER_YEAR:
            log.warning("import:   ... and %d more quarantined", len(quarantined) - SHOWN_PER_YEAR)
        flags = sum(p.kind == "flag" for p in year.problems)
        if flags:
            log.info("import:   %d flag(s) (loaded; listed by `cscw quality` after the nightly load)", flags)
        if year.not_in_contract:
            log.warning("import:   not imported (not in the landing contract): %s", ", ".join(year.not_in_contract))
    rules = ", ".join(f"{rule} {n:,}" for rule, n in sorted(result.rules_fired.items()))
    log.info("import: stitching rules (episodes): %s", rules)
    what = "landed" if result.written else "already landed, unchanged"
    rows = ", ".join(f"{name} {n:,}" for name, n in result.rows.items())
    log.info(
        "import: %d year%s %s in %s (%s) in %.1fs",
        len(result.years),
        "" if len(result.years) == 1 else "s",
        what,
        result.folder,
        rows,
        time.perf_counter() - started,
    )
    log.info("import: `cscw nightly` loads it")
    return 0
