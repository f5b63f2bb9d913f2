"""The CIN census return: the XML of one collection year from the return models, checked by the DfE's rules.

The models (dbt_project/models/returns/cin/) cut the case history to the year; census_xml.py writes the
DfE's XML from them; the validator (csc-validator-be-cin, pandas<2) runs in its own virtual environment
(`.venv-validator-cin`, made by scripts/setup.sh) through `validator.py` beside this file, which imports
nothing from this project but the stdlib-only outputs/returns/validator_common.py.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from outputs.returns.base import Exported, NothingToReturn, ReturnResult, StatutoryReturn
from outputs.returns.cin.census_xml import CensusTables, write_census
from outputs.returns.report import CRASH_WORDS, write_markdown
from outputs.returns.reuse import input_fingerprint, validated, validator_files
from warehouse.connection import Connection
from warehouse.settings import REPO_ROOT, get_settings

__all__ = ["RETURN", "VALIDATOR_PYTHON", "ValidatorFailed", "census_tables", "validate"]

VALIDATOR_PYTHON = REPO_ROOT / ".venv-validator-cin" / "bin" / "python"
VALIDATOR_SCRIPT = Path(__file__).with_name("validator.py")
VALIDATOR_FILES = validator_files(VALIDATOR_SCRIPT)
# Each census table the writer takes, and the return model that holds it.
MODELS = {
    "children": "cin_return_children",
    "referrals": "cin_return_referrals",
    "assessments": "cin_return_assessments",
    "cin_plans": "cin_return_cin_plans",
    "section_47": "cin_return_section_47",
    "cp_plans": "cin_return_cp_plans",
}


class ValidatorFailed(RuntimeError):
    """The CIN validator could not run on the file (its venv is missing, or it stopped with an error)."""


def _frame(con: Connection, model: str) -> pd.DataFrame:
    cursor = con.execute(f"select * from returns.{model} order by 1, 2")
    names = [d[0] for d in cursor.description]
    return pd.DataFrame(cursor.fetchall(), columns=names)


def census_tables(con: Connection) -> CensusTables:
    """The return models as the writer's tables (the one disability code per child from the children model)."""
    frames = {table: _frame(con, model) for table, model in MODELS.items()}
    children = frames["children"]
    return CensusTables(**frames, disabilities=children[["child_id", "disability"]])


def scope(con: Connection) -> tuple[int, str | None]:
    """The year the models were built for, and why it is partial (None for a complete year)."""
    row = con.execute(
        "select collection_year, year_end, latest_extract_date, is_complete from returns.cin_return_scope"
    ).fetchone()
    if row is None or row[0] is None:
        raise NothingToReturn("returns.cin_return_scope is empty: the warehouse holds no case extract")
    year, year_end, latest, complete = row
    if complete:
        return int(year), None
    return int(year), (
        f"a partial year: the latest case extract is of {latest:%d %B %Y}, before the year ends on {year_end:%d %B %Y}"
    )


def validate(xml: Path, year: int) -> dict:
    """Run the DfE's CIN rules on `xml`; the JSON report (validation_report.json beside it) as a dict.

    A file validated before, byte for byte for the same year by the same validator, keeps its report."""
    if not VALIDATOR_PYTHON.exists():
        raise ValidatorFailed(f"{VALIDATOR_PYTHON} is missing: run scripts/setup.sh to create the CIN validator's venv")
    report_path = xml.with_name("validation_report.json")
    command = [str(VALIDATOR_PYTHON), str(VALIDATOR_SCRIPT), "--xml", str(xml), "--year", str(year)]

    def run() -> None:
        done = subprocess.run([*command, "--output", str(report_path)], capture_output=True, text=True)
        if done.returncode:
            raise ValidatorFailed(f"the CIN validator could not run on {xml}: {done.stderr.strip()[-2000:]}")

    fingerprint = input_fingerprint([str(year)], "cin-validator-requirements", VALIDATOR_FILES, [(xml.name, xml)])
    return validated(report_path, fingerprint, run)


def _not_run(report: dict) -> list[str]:
    crashed = [r for r in report["rules"] if r["status"] == "crashed"]
    lines = ["## Crashed (not run)", ""] + (["None."] if not crashed else [])
    lines += [f"- **{r['code']}**: {r['description']} Crashed ({r['crash']}): {CRASH_WORDS}." for r in crashed]
    return [*lines, ""]


def blockers(report: dict | None, partial: str | None) -> list[str]:
    """What holds the census back besides its errors: a partial year, or no rule having run."""
    reasons = [partial] if partial else []
    if report is not None and report["summary"]["rules"] == 0:
        reasons.append("no rule ran")
    return reasons


@dataclass(frozen=True)
class CinCensus(StatutoryReturn):
    def export(self, con: Connection, exports: Path) -> Exported:
        year, partial = scope(con)
        folder = exports / "cin" / str(year)
        for marker in ("READY", "PARTIAL"):
            (folder / marker).unlink(missing_ok=True)
        children = write_census(folder / f"cin_census_{year}.xml", census_tables(con), year, get_settings().la_dfe)
        if partial:
            (folder / "PARTIAL").write_text(f"CIN census {year}: {partial}\n", encoding="utf-8")
        return Exported(year, folder, {"children": children}, partial=partial)

    def validate(self, exported: Exported, la_ons: str) -> ReturnResult:
        year, folder, rows = exported.year, exported.folder, exported.rows
        xml = folder / f"cin_census_{year}.xml"
        try:
            report = validate(xml, year)
        except ValidatorFailed as failed:
            (folder / "validation_report.md").write_text(
                f"# CIN census {year} validation ({la_ons})\n\nNot validated: {failed}\n", encoding="utf-8"
            )
            reasons = blockers(None, exported.partial)
            return ReturnResult(year, folder, rows, None, failure=str(failed), blockers=reasons)
        result = ReturnResult(year, folder, rows, report, blockers=blockers(report, exported.partial))
        write_markdown(report, folder / "validation_report.md", result.blockers, "CIN census", _not_run(report))
        if result.ready:
            (folder / "READY").write_text(f"CIN census {year}: no validation errors\n", encoding="utf-8")
        return result


RETURN = CinCensus(
    name="cin",
    label="CIN census",
    models=("cin_return_scope", *MODELS.values()),
    year_var="cin_year",
    validator="csc-validator-be-cin",
)
