"""Reading one year's SSDA903 return: which folder is which collection year, which file is which table,
and the load gate run on the year's tables exactly as a nightly snapshot's (ingest/readers.py reads them,
expectations/run.py applies every rule), so a fault is reported by year, file, row and column."""

from __future__ import annotations

import dataclasses
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from ingest.contracts import Entity, entities_for
from ingest.readers import ContractError, Problem, ReadResult, read_entity
from ingest.snapshot import Snapshot, fingerprint, quarantined_rows
from ingest.ssda903_import.tables import BY_DFE_NAME, TABLES, NotA903Table, identify, read_xml
from ingest.thresholds import threshold_problems

FIRST_YEAR = 2014  # 2013/14, the first year of the DfE's current layout this import reads
# 2019, 2018-19, 2018_19, 201819, 2018-2019, ssda903_2018-19: a collection year, named by its end as the DfE does.
YEAR_NAME = re.compile(r"(?<!\d)(20\d{2})(?:\s*[-_ ]?\s*(\d{2}|20\d{2}))?(?!\d)")
# Only the columns the CSV and XML carry: a full-history column (COLLECTION_YEAR) is the import's to add.
DFE_ONLY = {"COLLECTION_YEAR"}


class YearRefused(Exception):
    """A year's files the gate refuses, or that cannot be a year's return: nothing is landed."""


@dataclass
class YearReturn:
    year: int
    folder: Path
    how: str  # how the year was found, for the command to say
    files: dict[str, Path] = field(default_factory=dict)  # entity -> the file read (a CSV, or the XML)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)  # entity -> rows kept, canonical text
    problems: list[Problem] = field(default_factory=list)
    not_in_contract: list[str] = field(default_factory=list)  # DfE tables the landing contract has no entity for

    @property
    def label(self) -> str:
        return f"{self.year - 1}/{str(self.year)[2:]}"


def year_from_name(name: str) -> int | None:
    """The collection year (by its end) a folder name gives, or None when it names none."""
    for match in YEAR_NAME.finditer(name):
        first, second = int(match.group(1)), match.group(2)
        if second is None:
            return first
        end = int(second) if len(second) == 4 else (first // 100) * 100 + int(second)
        if end == first + 1:
            return end
    return None


def data_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".xml"))


def year_folders(root: Path) -> list[Path]:
    """The folder itself when it holds a year's files, and each subfolder that does (one level down only:
    an exported return's previous_year/ inside a year's folder is that return's copy, not another year)."""
    if not root.is_dir():
        raise YearRefused(f"{root} is not a folder")
    found = ([root] if data_files(root) else []) + [
        p for p in sorted(root.iterdir()) if p.is_dir() and not p.is_symlink() and data_files(p)
    ]
    if not found:
        raise YearRefused(f"{root} holds no SSDA903 files (.csv or .xml), in itself or in a folder per year")
    return found


def _identified(folder: Path) -> tuple[dict[str, Path], Path | None]:
    """Each CSV by its table, or the one XML file."""
    files = data_files(folder)
    xml = [p for p in files if p.suffix.lower() == ".xml"]
    if xml and len(xml) != len(files):
        raise YearRefused(f"{folder}: both CSV and XML files; a year's return is one or the other")
    if len(xml) > 1:
        raise YearRefused(f"{folder}: {len(xml)} XML files; a year's return is one")
    if xml:
        return {}, xml[0]
    tables: dict[str, Path] = {}
    for path in files:
        try:
            table = identify(path)
        except NotA903Table as error:
            raise YearRefused(str(error)) from error
        if table.dfe_name in tables:
            raise YearRefused(f"{folder}: {tables[table.dfe_name].name} and {path.name} are both {table.dfe_name}")
        tables[table.dfe_name] = path
    return tables, None


def _as_sent(entity: Entity) -> Entity:
    return dataclasses.replace(entity, columns=tuple(c for c in entity.columns if c.name not in DFE_ONLY))


def _read(path: Path, entity: Entity, year: int) -> ReadResult:
    """Read against the contract as the year's file has it; a column the full history adds is filled in after."""
    read = read_entity(path, _as_sent(entity))
    if "COLLECTION_YEAR" in entity.column_names:
        read.frame["collection_year"] = str(year)
        read.frame = read.frame[["_row_number", *(c.raw_name for c in entity.columns)]]
    read.entity = entity
    return read


def _empty(entity: Entity, folder: Path) -> ReadResult:
    """A table the year did not send (the DfE export leaves an empty table out): no rows."""
    names = ["_row_number", *(c.raw_name for c in entity.columns)]
    frame = pd.DataFrame({name: pd.Series(dtype="string") for name in names})
    frame["_row_number"] = frame["_row_number"].astype("int64")
    return ReadResult(entity, folder / f"{entity.file_stem}.csv", frame, [])


def infer_year(episodes: pd.DataFrame) -> int:
    """The collection year of the latest DECOM: every episode of a return starts on or before its 31 March.
    (DEC is not used: the latest DEC in a real return can be a typing slip past the year's end.)"""
    latest = date.fromisoformat(episodes["decom"].dropna().max())
    return latest.year + (latest.month >= 4)


def _xml_tables(xml: Path, work: Path) -> dict[str, Path]:
    """The XML's tables written as CSVs in `work`, so the same readers and gate read them."""
    tables = {}
    for name, frame in read_xml(xml).items():
        path = work / f"{BY_DFE_NAME[name].entity}.csv"
        frame.to_csv(path, index=False)
        tables[name] = path
    return tables


def read_year(folder: Path, as_at: date, gate) -> YearReturn:
    """One year's files read and gated; refused (YearRefused) when the gate would refuse them as a snapshot."""
    with tempfile.TemporaryDirectory(prefix="ssda903-xml-") as work:
        tables, xml = _identified(folder)
        if xml is not None:
            try:
                tables = _xml_tables(xml, Path(work))
            except NotA903Table as error:
                raise YearRefused(str(error)) from error
        return _gated(folder, tables, xml, as_at, gate)


def _gated(folder: Path, tables: dict[str, Path], xml: Path | None, as_at: date, gate) -> YearReturn:
    contract = {e.name: e for e in entities_for("placements")}
    for required in ("Header", "Episodes"):
        if required not in tables:
            raise YearRefused(f"{folder}: no {required} table (a year's return always has one)")
    named = year_from_name(folder.name)
    result = YearReturn(named or 0, folder, f"from the folder name {folder.name!r}")
    snapshot = Snapshot("placements", as_at, folder, fingerprint(folder))
    try:
        episodes = read_entity(tables["Episodes"], contract["episodes"])
        if named is None:
            result.year = infer_year(episodes.frame)
            result.how = "inferred from the data: the collection year of the latest DECOM"
        for table in TABLES:
            entity = contract.get(table.entity)
            if entity is None:
                if table.dfe_name in tables:
                    result.not_in_contract.append(table.dfe_name)
                continue
            path = tables.get(table.dfe_name)
            snapshot.reads[entity.name] = _read(path, entity, result.year) if path else _empty(entity, folder)
            if path is not None:
                result.files[entity.name] = xml or path
    except ContractError as error:
        # The error's own text starts with the file's path, which _where has already said.
        said = str(error).split(": ", 1)[-1]
        raise YearRefused(f"{describe(result, error.problem, xml)}: {said}") from error
    return _checked(result, snapshot, gate, xml)


def _where(result: YearReturn, problem: Problem, xml: Path | None) -> str:
    place = f"{xml.name} ({problem.file})" if xml else problem.file
    return (
        f"SSDA903 {result.label if result.year else '?'} ({result.folder.name}) {place}"
        + (f" row {problem.row}" if problem.row else "")
        + (f" column {problem.column}" if problem.column else "")
    )


def describe(result: YearReturn, problem: Problem, xml: Path | None = None) -> str:
    return f"{_where(result, problem, xml)}: {problem.rule}"


def _checked(result: YearReturn, snapshot: Snapshot, gate, xml: Path | None) -> YearReturn:
    if not FIRST_YEAR <= result.year <= date.today().year + 1:
        raise YearRefused(
            f"{result.folder}: collection year {result.year} ({result.how}) is not one this import reads "
            f"({FIRST_YEAR - 1}/{str(FIRST_YEAR)[2:]} on)"
        )
    problems = gate(snapshot)
    problems += threshold_problems(snapshot, problems)
    blocking = [p for p in problems if p.blocking]
    if blocking:
        lines = [describe(result, p, xml) for p in blocking[:10]]
        more = [f"... and {len(blocking) - 10} more"] if len(blocking) > 10 else []
        raise YearRefused("the gate refuses a year:\n  " + "\n  ".join(lines + more))
    quarantined = quarantined_rows(problems)
    for name, read in snapshot.reads.items():
        bad = quarantined.get(read.path.name, set())
        result.frames[name] = read.frame[~read.frame["_row_number"].isin(bad)].drop(columns="_row_number")
    result.problems = [dataclasses.replace(p, file=f"{xml.name} ({p.file})") if xml else p for p in problems]
    return result
