"""cscw: the warehouse for people who never open Dagster.

cscw generate   write synthetic landing extracts for several nightly dates
                (--faults realistic: with the data-quality faults councils see, for the gate to catch)
cscw nightly    load every waiting dated folder in date order, build and test the marts, export the
                SSDA903 return, publish; ends with the return's state (ready, or not and why)
cscw demo       generate, then nightly, then print a summary (the README's first command)
cscw query SQL  run SQL on the published warehouse, read-only, and print each statement's result
                (--format table|csv|json|markdown, --output FILE)
cscw return ssda903 --year 2025
                build, export and validate a statutory return for a collection year (named by its end):
                its Dagster job, return_<name>, in this process
cscw return annex-a --as-at 2026-11-30
                Ofsted's Annex A workbook (ILACS lists, .xlsx) from the published warehouse as at a day
cscw import ssda903 FOLDER
                past annual SSDA903 returns (a folder per year, CSV or the DfE XML) gated, stitched into
                one full history and landed as one placements snapshot for the next nightly
cscw report     the committee report (HTML and PDF) and the CSV tables for publication
cscw summary    rows per table, where the warehouse file is, and the return's state
cscw quality    the data-quality to-fix list (quarantined rows, flags, refused snapshots), --csv FILE
cscw accept SOURCE DATE
                let a snapshot held back as suspect (far fewer rows or children) load on the next night
cscw withdraw SOURCE DATE
                take back a loaded snapshot (a folder misdated into the future): the folders after it load
cscw ui         the Dagster UI on 127.0.0.1 (--host to listen elsewhere)
cscw tables     the tables analysts read and what each holds (--all: the loader's and dbt's working tables too)
cscw docs       dbt's documentation site of every table and column, on 127.0.0.1 (--port, default 8580)
"""

from __future__ import annotations

import argparse
import os
import sys

from ingest.contracts import SOURCES
from orchestration.cli.catalogue import add_catalogue_parsers, cmd_docs, cmd_tables
from orchestration.cli.common import log, setup_logging
from orchestration.cli.importing import add_import_parser, cmd_import
from orchestration.cli.nightly import cmd_nightly
from orchestration.cli.operate import cmd_accept, cmd_generate, cmd_report, cmd_ui, cmd_withdraw
from orchestration.cli.query import add_query_parser, cmd_query
from orchestration.cli.reading import cmd_quality, cmd_summary
from orchestration.cli.returns import add_return_parser, cmd_return
from warehouse.permissions import owner_only_umask
from warehouse.settings import ConfigError, Settings, apply_environment, get_settings

__all__ = ["build_parser", "cmd_generate", "main"]


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    return (
        cmd_generate(settings, args)
        or cmd_nightly(settings, args)
        or cmd_summary(settings, args)
        or cmd_report(settings, args)
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cscw", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="show Dagster's own log lines, and a failure's traceback"
    )
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
        # The same names as synthetic.CASE_FORMATS (a test keeps them so).
        p.add_argument(
            "--case-format",
            choices=("csv", "cin-xml", "both"),
            default="csv",
            help="the case extract as the case CSVs (default), as one CIN census XML per collection year "
            "(landing/cin_census/<date>/), or both",
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
    add_query_parser(sub)
    add_return_parser(sub)
    add_import_parser(sub)
    add_catalogue_parsers(sub)
    report = sub.add_parser("report", help="write the committee report (HTML, PDF) and the CSV tables for publication")
    report.add_argument("--month", help="YYYY-MM (default: the latest complete month)")
    ui = sub.add_parser("ui", help="start the Dagster UI bound to 127.0.0.1")
    ui.add_argument("--port", type=int, default=3000)
    # The UI can launch runs and shows asset metadata: only this machine unless asked.
    ui.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(args.verbose)
    try:
        settings = get_settings()
    except ConfigError as error:
        log.error("%s: %s", args.command, error)
        return 1
    owner_only_umask()  # everything this process (and dbt, the validator) writes is owner-only
    apply_environment(settings)
    handler = {
        "generate": cmd_generate,
        "nightly": cmd_nightly,
        "demo": cmd_demo,
        "summary": cmd_summary,
        "query": cmd_query,
        "return": cmd_return,
        "import": cmd_import,
        "report": cmd_report,
        "ui": cmd_ui,
        "quality": cmd_quality,
        "accept": cmd_accept,
        "withdraw": cmd_withdraw,
        "tables": cmd_tables,
        "docs": cmd_docs,
    }[args.command]
    try:
        return handler(settings, args)
    except BrokenPipeError:  # `cscw quality | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        log.error("%s: interrupted", args.command)
        return 130
    except Exception as error:
        from orchestration.cli.common import failed

        return failed(args.command, args.verbose, error)
