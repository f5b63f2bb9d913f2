"""What every statutory return gives the Dagster asset factory and `cscw return`: build, export, validate, report.

A return is a package outputs/returns/<name>/ whose RETURN is a StatutoryReturn, with its dbt models in
dbt_project/models/returns/<name>/ (schema returns). Nothing else names it: the factory
(orchestration/defs/returns/factory.py) and the CLI find it by its folder (outputs.returns.discover).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from warehouse.connection import Connection


class NothingToReturn(RuntimeError):
    """The return models hold nothing to export for any collection year."""


@dataclass
class Exported:
    """The files of one collection year, written and not yet validated."""

    year: int
    folder: Path
    rows: dict[str, int]
    # Why the year is partial (its end is after the latest extract), in words; None for a complete year.
    partial: str | None = None


@dataclass
class ReturnResult:
    year: int
    folder: Path
    rows: dict[str, int]
    report: dict | None
    # Why the validator could not run, when it could not (then report is None and the return is not ready).
    failure: str | None = None
    # Why the return cannot be sent beyond its errors, one sentence each (a partial year, a missing table).
    blockers: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int | None:
        return None if self.report is None else self.report["summary"]["failed_error"]

    @property
    def ready(self) -> bool:
        return (
            self.report is not None and self.errors == 0 and self.report["summary"]["rules"] > 0 and not self.blockers
        )


@dataclass(frozen=True)
class StatutoryReturn:
    """One return. A return with no files to export yet (a stub) keeps the defaults and exports nothing."""

    name: str  # `cscw return <name>`, models/returns/<name>/, asset exports/<name>_return
    label: str  # as the DfE names it: in log lines and data_quality.return_status
    models: tuple[str, ...] = ()  # the models (schema returns) the export reads
    year_var: str | None = None  # the dbt var that picks the collection year, by its end
    validator: str = "the DfE's validator"  # what checks the files, as the asset check describes it

    def build_selection(self) -> str:
        """The return's models and everything under them, tests included: a failing upstream test stops the build."""
        return f"+path:models/returns/{self.name}"

    def build_vars(self, year: int | None) -> str:
        return json.dumps({self.year_var: year} if year and self.year_var else {})

    def export(self, con: Connection, exports: Path) -> Exported:
        raise NothingToReturn(f"{self.label} exports nothing yet")

    def validate(self, exported: Exported, la_ons: str) -> ReturnResult:
        return ReturnResult(exported.year, exported.folder, exported.rows, None, failure="no validator for this return")

    def export_and_validate(self, con: Connection, exports: Path, la_ons: str) -> ReturnResult:
        return self.validate(self.export(con, exports), la_ons)

    def report(self, con: Connection, result: ReturnResult | None) -> dict:
        """Record the result's state in data_quality (outputs/returns/status.py); returns the status row."""
        from outputs.returns.status import record_result

        return record_result(con, self.label, result)
