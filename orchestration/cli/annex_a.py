"""cscw return annex-a [--as-at DATE]: Ofsted's Annex A workbook from the published warehouse (outputs/annex_a/).

It only reads (read-only, like the committee report), so it needs no writer lock and can run during a night.
"""

from __future__ import annotations

import argparse
from datetime import date

from orchestration.cli.common import CommandError, log, require_warehouse
from warehouse.settings import Settings

ANNEX_A = "annex-a"


def _as_at(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-at {text!r} is not a date: give YYYY-MM-DD, e.g. 2026-11-30") from None


def cmd_annex_a(settings: Settings, args: argparse.Namespace) -> int:
    from outputs.annex_a import AnnexAError, write_annex_a
    from warehouse.serving import read_published

    as_at = _as_at(args.as_at)
    require_warehouse(settings)
    try:
        with read_published(settings) as con:
            written = write_annex_a(con, settings.exports, settings.la_ons, settings.la_name, as_at)
    except AnnexAError as error:
        log.error("return: %s: %s", ANNEX_A, error)
        return 1
    log.info("return: Ofsted Annex A as at %s written in %.1fs: %s", written.as_at, written.seconds, written.path)
    for filled in written.lists:
        spec = filled.spec
        state = f"not filled: {filled.unfilled}" if filled.unfilled else f"{len(filled.rows):,} rows"
        log.info("return:   %s: %s", spec.sheet, state)
    log.info("return: children carry pseudonymous IDs only: join names locally before sending")
    return 0
