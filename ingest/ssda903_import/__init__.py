"""`cscw import ssda903 <folder>`: past annual SSDA903 returns stitched into one full placements history.

A council starting on the warehouse has its returns as sent (one folder of CSVs, or one XML file, per
collection year) rather than a full-history extract. Each year is read and gated as a nightly snapshot
would be (years.py), the years are stitched by the rules in stitch.py, and the history is written as one
ordinary snapshot, landing/placements/<date>/, with stitch_log.csv saying where each episode came from and
which rule changed it (write.py). Nothing is landed unless every year passes the gate.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingest.contracts import entities_for
from ingest.ssda903_import.stitch import RULES, stitch
from ingest.ssda903_import.tables import TABLES
from ingest.ssda903_import.write import AlreadyLanded, write_snapshot
from ingest.ssda903_import.years import YearRefused, YearReturn, read_year, year_folders

__all__ = ["RULES", "AlreadyLanded", "ImportResult", "YearRefused", "import_returns"]


@dataclass
class ImportResult:
    years: list[YearReturn]
    folder: Path  # landing/placements/<date>/
    written: bool  # False: the folder already held exactly this history
    rows: dict[str, int]
    rules_fired: Counter  # stitch rule -> episodes it changed (as_returned: those no rule changed)
    logged: bool  # stitch_log.csv written (the contract has the entity)


def _one_per_year(years: list[YearReturn]) -> None:
    seen: dict[int, YearReturn] = {}
    for found in years:
        if found.year in seen:
            raise YearRefused(
                f"two returns for {found.label}: {seen[found.year].folder} and {found.folder} ({found.how}); keep one"
            )
        seen[found.year] = found


def import_returns(root: Path, landing: Path, as_at: date | None = None, gate=None) -> ImportResult:
    """Read, gate and stitch every year under `root`; land the history as landing/placements/<as_at>/."""
    if gate is None:
        from expectations.run import gate
    as_at = as_at or date.today()
    years = sorted((read_year(folder, as_at, gate) for folder in year_folders(root)), key=lambda y: y.year)
    _one_per_year(years)
    dfe_entities = {t.entity for t in TABLES}
    sent = {name for y in years for name in y.files}
    # An optional table no year sent stays absent (its rules are skipped), not an empty file (it has none).
    entities = {
        e.name: e
        for e in entities_for("placements")
        if e.name in dfe_entities and (e.name in sent or not getattr(e, "optional", False))
    }
    stitched = stitch({y.year: y.frames for y in years}, entities)
    logs = {e.name for e in entities_for("placements")} & {"stitch_log"}
    folder = landing / "placements" / as_at.isoformat()
    written = write_snapshot(folder, stitched.tables, entities, stitched.log if logs else None)
    fired = Counter(stitched.log.drop_duplicates(["CHILD", "DECOM", "RULE"])["RULE"])
    return ImportResult(years, folder, written, {n: len(f) for n, f in stitched.tables.items()}, fired, bool(logs))
