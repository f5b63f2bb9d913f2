"""Write the SSDA903 return from the warehouse's return models and run the DfE validation rules on it.

The validator (csc-validator-be-903) needs pandas<2, so it runs in its own virtual environment
(`.venv-validator`, made by scripts/setup.sh) through `validator.py` beside this file, which imports
nothing from this project.
"""

from __future__ import annotations

import csv
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.spreadsheet import safe_row
from outputs.returns.base import Exported, NothingToReturn, ReturnResult, StatutoryReturn
from outputs.returns.reuse import input_fingerprint, validated, validator_files
from outputs.returns.ssda903.report import blockers, write_markdown
from warehouse.settings import REPO_ROOT, get_settings

__all__ = ["TABLES", "VALIDATOR_PYTHON", "NothingToReturn", "ReturnResult", "RETURN", "export_and_validate", "validate"]

TABLES = (
    "header",
    "episodes",
    "uasc",
    "reviews",
    "missing",
    "oc2",
    "oc3",
    "ad1",
    "placed_for_adoption",
    "previous_permanence",
    "sw_episodes",
    "dolo",
)
# Tables the DfE collects only from a collection year on (named by its end): not written before it.
FIRST_YEAR = {"sw_episodes": 2024, "dolo": 2027}
VALIDATOR_PYTHON = REPO_ROOT / ".venv-validator" / "bin" / "python"
VALIDATOR_SCRIPT = Path(__file__).with_name("validator.py")
# The script and the modules beside it that it imports: a change to either is another validation.
VALIDATOR_FILES = validator_files(VALIDATOR_SCRIPT)
# csc-validator-be-903 0.1.17 carries rule packs for 2022/23 (2023) to 2026/27; an older year is
# checked against the oldest pack, and the report says so.
OLDEST_RULE_PACK = 2023


class ValidatorFailed(RuntimeError):
    """The DfE validator could not run on the files (its venv is missing, or it stopped with an error)."""


def collection_year(con: duckdb.DuckDBPyConnection) -> int:
    """The year the return models were built for (the DfE names a year by its end)."""
    # DD/MM/YYYY reordered as text, so the same SQL runs on DuckDB and PostgreSQL.
    latest = con.execute(
        'select max(substr("DECOM", 7, 4) || substr("DECOM", 4, 2)) from returns.ssda903_return_episodes'
    ).fetchone()[0]
    if latest is None:
        raise NothingToReturn("returns.ssda903_return_episodes is empty: nothing to return")
    year, month = int(latest[:4]), int(latest[4:])
    return year if month <= 3 else year + 1


def _write(con: duckdb.DuckDBPyConnection, model: str, path: Path) -> int:
    """One CSV per table, header-only when the table has no rows (the validator then runs its rules on none)."""
    names = [d[0] for d in con.execute(f"select * from returns.{model} limit 0").description]
    # A fixed row order: the same return gives the same files (and row numbers in the validation
    # report), so an unchanged return is recognised and not validated again.
    order = ", ".join(str(position) for position in range(1, len(names) + 1))
    rows = con.execute(f"select * from returns.{model} order by {order}").fetchall()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(names)
        # A person opens these in Excel before sending them: text is never written as a formula.
        writer.writerows([safe_row("" if v is None else v for v in r) for r in rows])
    return len(rows)


def partial_year(con: duckdb.DuckDBPyConnection) -> str | None:
    """Why the year is partial (the latest placements extract ends inside it), or None when it is complete."""
    year_end, latest, complete = con.execute(
        "select year_end, latest_extract_date, is_complete from returns.ssda903_return_scope"
    ).fetchone()
    if complete:
        return None
    return (
        f"a partial year: the latest placements extract is of {latest:%d %B %Y}, "
        f"before the year ends on {year_end:%d %B %Y}"
    )


def absent_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Tables whose file the published placements snapshot did not have: left out, so the validator skips
    their rules rather than passing them on no rows."""
    found = con.execute("select entity, is_present from staging.stg_placements__files_present").fetchall()
    return {entity for entity, present in found if not present}


def tables_for(year: int, absent: set[str]) -> tuple[str, ...]:
    return tuple(t for t in TABLES if t not in absent and year >= FIRST_YEAR.get(t, 0))


def export(con: duckdb.DuckDBPyConnection, folder: Path, year: int) -> dict[str, int]:
    """This year's tables in `folder`, last year's in `folder/previous_year` (for the *_last rules)."""
    absent = absent_tables(con)
    for stale in list(folder.glob("*.csv")) + list((folder / "previous_year").glob("*.csv")):
        stale.unlink()  # a table no longer sent must not linger from an earlier export
    rows = {t: _write(con, f"ssda903_return_{t}", folder / f"{t}.csv") for t in tables_for(year, absent)}
    # A history that does not reach last year sends no last year at all: the validator cannot read a last year
    # of header-only files, and its *_last rules are then skipped and explained, as for a council's first year.
    if con.execute("select count(*) from returns.ssda903_return_episodes_last").fetchone()[0]:
        for t in tables_for(year - 1, absent):
            _write(con, f"ssda903_return_{t}_last", folder / "previous_year" / f"{t}.csv")
    return rows


def ofsted_lookups(reference: Path) -> tuple[Path, Path] | None:
    """Ofsted's children's homes and social care providers lists, when the council has put both in reference/.

    Ofsted names them by what they list and when ("Childrens_homes_list_...", "Social_care_providers_list_..."):
    the newest of each is the one the URN rules need."""
    lists = sorted(reference.glob("*.xlsx"), key=lambda p: (p.stat().st_mtime, p.name)) if reference.is_dir() else []
    homes = [p for p in lists if "home" in p.name.lower()]
    providers = [p for p in lists if "provider" in p.name.lower() and "home" not in p.name.lower()]
    return (homes[-1], providers[-1]) if homes and providers else None


def _fingerprint(folder: Path, year: int, la_ons: str, lookups: tuple[Path, Path] | None) -> str:
    """What a validation result depends on: files, year, council, Ofsted's lists, the runner, the validator's pins."""
    files = sorted(folder.glob("*.csv")) + sorted((folder / "previous_year").glob("*.csv"))
    inputs = [(str(p.relative_to(folder)), p) for p in files] + [("lookup", p) for p in lookups or ()]
    return input_fingerprint([str(year), la_ons], "validator-requirements", VALIDATOR_FILES, inputs)


def validate(folder: Path, year: int, la_ons: str, lookups: tuple[Path, Path] | None = None) -> dict:
    """Run the DfE rules on the files in `folder`, unless they were already run on exactly these files.

    A night that changes nothing in the collection year (most nights, for last year's return) reuses
    the report instead of paying for the validator again (outputs/returns/reuse.py).
    """
    if not VALIDATOR_PYTHON.exists():
        raise ValidatorFailed(f"{VALIDATOR_PYTHON} is missing: run scripts/setup.sh to create the validator's venv")
    report_path = folder / "validation_report.json"
    previous = folder / "previous_year"
    command = [
        str(VALIDATOR_PYTHON),
        str(VALIDATOR_SCRIPT),
        "--year",
        str(year),
        "--la",
        la_ons,
        "--this-year",
        str(folder),
        "--output",
        str(report_path),
    ]
    if any(previous.glob("*.csv")):
        command += ["--prev-year", str(previous)]
    if year < OLDEST_RULE_PACK:
        command += ["--rule-pack", str(OLDEST_RULE_PACK)]
    if lookups:
        command += ["--ch-lookup", str(lookups[0]), "--scp-lookup", str(lookups[1])]

    def run() -> None:
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode:
            raise ValidatorFailed(f"the SSDA903 validator could not run on {folder}: {done.stderr.strip()[-2000:]}")

    return validated(report_path, _fingerprint(folder, year, la_ons, lookups), run)


def export_and_validate(con: duckdb.DuckDBPyConnection, exports: Path, la_ons: str) -> ReturnResult:
    """Write and validate the return; READY appears beside the files only when it has no errors.

    A validator that cannot run is not raised: the result says why (and so does validation_report.md),
    and the return is not ready.
    """
    return RETURN.export_and_validate(con, exports, la_ons)


@dataclass(frozen=True)
class Ssda903(StatutoryReturn):
    def export(self, con: duckdb.DuckDBPyConnection, exports: Path) -> Exported:
        year = collection_year(con)
        folder = exports / "ssda903" / str(year)
        for marker in ("READY", "PARTIAL"):
            (folder / marker).unlink(missing_ok=True)
        rows = export(con, folder, year)
        partial = partial_year(con)
        if partial:
            (folder / "PARTIAL").write_text(f"SSDA903 {year}: {partial}\n", encoding="utf-8")
        return Exported(year, folder, rows, partial=partial)

    def validate(self, exported: Exported, la_ons: str) -> ReturnResult:
        year, folder, rows = exported.year, exported.folder, exported.rows
        try:
            report = validate(folder, year, la_ons, ofsted_lookups(get_settings().reference))
        except ValidatorFailed as failed:
            (folder / "validation_report.json").unlink(missing_ok=True)  # an earlier report is not about these files
            (folder / "validation_report.md").write_text(
                f"# SSDA903 {year} validation ({la_ons})\n\nNot validated: {failed}\n", encoding="utf-8"
            )
            reasons = blockers(None, exported.partial)
            return ReturnResult(year, folder, rows, None, failure=str(failed), blockers=reasons)
        result = ReturnResult(year, folder, rows, report, blockers=blockers(report, exported.partial))
        write_markdown(report, folder / "validation_report.md", result.blockers)
        if result.ready:
            (folder / "READY").write_text(f"SSDA903 {year}: no validation errors\n", encoding="utf-8")
        return result


RETURN = Ssda903(
    name="ssda903",
    label="SSDA903",
    models=("ssda903_return_scope", *(f"ssda903_return_{t}{suffix}" for t in TABLES for suffix in ("", "_last"))),
    year_var="ssda903_year",
    validator="csc-validator-be-903",
)
