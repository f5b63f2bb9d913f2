"""cscw return <name>: the return's Dagster job (return_<name>) run in this process with the year as run config.

Every return in outputs/returns/ is a choice here without an edit (outputs.returns.names). `cscw return annex-a
[--as-at DATE]` is Ofsted's Annex A workbook (outputs/annex_a/): read from the published warehouse as at a day,
not built for a collection year, so it takes no --year and needs no job (orchestration/cli/annex_a.py).
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from typing import TYPE_CHECKING

from orchestration.cli.annex_a import ANNEX_A, cmd_annex_a
from orchestration.cli.common import CommandError, execute_job, failed_steps, locked, log
from outputs.returns import load, names
from warehouse.settings import Settings

if TYPE_CHECKING:
    from outputs.returns.base import ReturnResult


def add_return_parser(sub: argparse._SubParsersAction) -> None:
    returns = sub.add_parser("return", help="build, export and validate a statutory return")
    returns.add_argument("collection", choices=[*names(), ANNEX_A])
    returns.add_argument(
        "--year", type=int, help="collection year by its end, e.g. 2025 = 2024/25 (default: the latest complete year)"
    )
    returns.add_argument(
        "--as-at", help=f"{ANNEX_A} only: the data request's date, YYYY-MM-DD (default: the latest case extract)"
    )


def cmd_return(settings: Settings, args: argparse.Namespace) -> int:
    if args.collection == ANNEX_A:
        if args.year is not None:
            raise CommandError(f"{ANNEX_A} is drawn up as at a day: give --as-at YYYY-MM-DD, not --year")
        return cmd_annex_a(settings, args)
    if args.as_at is not None:
        raise CommandError(f"--as-at is for {ANNEX_A}; a return takes --year")
    if args.year is not None:
        _check_year(args.year)
    _require_a_night(settings)
    return locked(settings, "return", lambda: _return(settings, args))


def _require_a_night(settings: Settings) -> None:
    """A return is built in the working copy a night leaves (beside the published file): before any night
    there is nothing to build it from, which is a sentence rather than a failed dbt build."""
    from warehouse.connection import target

    if target() == "duckdb" and not (settings.build_warehouse.exists() or settings.warehouse.exists()):
        raise CommandError(f"no warehouse yet at {settings.warehouse}: run `cscw nightly` first")


def _check_year(year: int, today: date | None = None) -> None:
    """A collection year (April to March, named by its end) that has not ended cannot be returned: said
    before the build starts rather than after it."""
    from outputs.returns.status import year_label

    today = today or date.today()
    latest = today.year if today >= date(today.year, 4, 1) else today.year - 1
    if year > latest:
        raise CommandError(
            f"the collection year {year_label(year)} (--year {year}) has not ended: "
            f"the latest complete one is {year_label(latest)} (--year {latest})"
        )


def _return(settings: Settings, args: argparse.Namespace) -> int:
    """Builds the return models in the working copy (where dbt writes) and exports from there; the
    published warehouse keeps the nightly build, so a return for another year never reaches analysts."""
    from orchestration.defs.returns.factory import build_op_name, export_op_name, job_name

    started = time.perf_counter()
    name = args.collection
    result, dbt_log = execute_job(
        settings,
        job_name(name),
        f"return-{name}",
        args.verbose,
        {"ops": {build_op_name(name): {"config": {"year": args.year}}}},
    )
    failures = failed_steps(result)
    if build_op_name(name) in failures:
        log.error("return: dbt build of the return models failed (see %s); nothing exported", dbt_log)
        return 1
    for step, message in failures.items():
        log.error("return: %s failed: %s", step, message)
    if not result.success:
        return 1
    run = result.output_for_node(export_op_name(name))
    if run.result is None:
        log.error("return: %s", run.nothing)
        return 1
    return _report(load(name).label, run.result, time.perf_counter() - started)


def _report(label: str, result: ReturnResult, seconds: float) -> int:
    log.info(
        "return: %s %d written to %s (%s)",
        label,
        result.year,
        result.folder,
        ", ".join(f"{t} {n:,}" for t, n in result.rows.items()),
    )
    if result.failure:
        log.error("return: NOT ready to submit: not validated: %s", "; ".join([result.failure, *result.blockers]))
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
        seconds,
    )
    if not result.ready:
        because = [f"{s['failed_error']} rules with errors"] if s["failed_error"] else []
        log.error(
            "return: NOT ready to submit (%s); see %s",
            "; ".join(because + result.blockers),
            result.folder / "validation_report.md",
        )
        return 1
    log.info("return: ready to submit (READY written)")
    return 0
