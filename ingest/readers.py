"""Find dated landing folders and read one landing file against its contract.

Readers never raise on a bad value: they null it and record a Problem (file, row, column, rule,
key) so the load gate can report every bad row at once. A file that cannot be read at all, or
lacks a required column, raises ContractError naming the file and column.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path

import pandas as pd

from ingest.contracts import Column, Entity
from ingest.rules import REFUSING_KINDS, Kind, kind_of

DATE_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIRST_DATA_ROW = 2  # row numbers are spreadsheet rows: the header is row 1


@dataclass(frozen=True)
class Problem:
    """One finding of the gate: where it is and which rule it breaks, never the row's other values.

    kind is the rule's kind (ingest/rules.py): structural and suspect refuse the snapshot, row
    quarantines the row, flag loads it. child is the row's pseudonymous child (or patient) id."""

    file: str
    row: int | None
    column: str | None
    rule: str
    key: str | None = None
    kind: Kind = "structural"
    child: str | None = None

    @property
    def blocking(self) -> bool:
        return self.kind in REFUSING_KINDS


class ContractError(ValueError):
    """The file as a whole breaks the landing contract: missing, unreadable, empty, a column missing,
    a row cut short. Carries the Problem so the gate can report it like any other."""

    def __init__(self, path: Path, rule: str, message: str, row: int | None = None, column: str | None = None):
        self.problem = Problem(path.name, row, column, rule)
        super().__init__(f"{path}: {message}")


@dataclass
class ReadResult:
    entity: Entity
    path: Path
    # _row_number (spreadsheet row), then raw column names (lower case), contract columns first;
    # values are canonical text (ISO dates, plain numbers) or NA, typed when written to raw
    frame: pd.DataFrame
    problems: list[Problem]


def dated_folders(landing: Path, source: str) -> list[tuple[date, Path]]:
    root = landing / source
    if not root.is_dir():
        return []
    folders = [(date.fromisoformat(p.name), p) for p in root.iterdir()
               if p.is_dir() and DATE_FOLDER.match(p.name)]
    return sorted(folders)


def find_file(folder: Path, entity: Entity) -> Path | None:
    for suffix in (".csv", ".xlsx"):
        for path in folder.iterdir():
            if path.name.lower() == entity.file_stem + suffix:
                return path
    return None


def _decode(raw: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ContractError(path, "unreadable", "neither UTF-8 nor Windows-1252 text")


def _excel_cell(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check_shape(text: str, path: Path) -> None:
    """Every record has as many fields as the header: a file cut off half way fails on its last row."""
    records = csv.reader(io.StringIO(text))
    header = next(records, None)
    if not header or not any(field.strip() for field in header):
        raise ContractError(path, "empty_file", "the file is empty (no header row)")
    for row, fields in enumerate(records, start=FIRST_DATA_ROW):
        if fields and len(fields) != len(header):
            raise ContractError(path, "ragged_row",
                                f"row {row} has {len(fields)} fields, the header has {len(header)} "
                                "(a truncated or mis-delimited file)", row=row)


def _read_text_table(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".xlsx":
        try:
            frame = pd.read_excel(path, dtype=object, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            raise ContractError(path, "unreadable", f"not a readable .xlsx workbook ({exc})") from exc
        return frame.map(_excel_cell).astype(object)
    text = _decode(path.read_bytes(), path)
    _check_shape(text, path)
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=True)
    except pd.errors.ParserError as exc:
        raise ContractError(path, "unreadable", f"not a readable CSV ({exc})") from exc


def parse_dates(values: pd.Series) -> pd.Series:
    """ISO text for YYYY-MM-DD or DD/MM/YYYY dates; NaN where a value is neither or not a real date."""
    iso = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    rest = iso.isna() & values.notna()
    if rest.any():  # most extracts use one format: try the other only where the first failed
        iso[rest] = pd.to_datetime(values[rest], format="%d/%m/%Y", errors="coerce")
    return iso.dt.strftime("%Y-%m-%d")


def _parse_numbers(values: pd.Series, dtype: str) -> pd.Series:
    numbers = pd.to_numeric(values.str.replace(r"[,£]", "", regex=True), errors="coerce")
    if dtype == "int":
        numbers = numbers.where(numbers.mod(1).eq(0))
        return numbers.map(lambda v: None if pd.isna(v) else str(int(v)))
    return numbers.map(lambda v: None if pd.isna(v) else repr(float(v)))


def _clean(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    return text.where(text.str.len() > 0)


def _typed(values: pd.Series, column: Column) -> tuple[pd.Series, pd.Series]:
    """Values as canonical text for the column's type, and a mask of cells that could not be parsed."""
    if column.dtype == "str":
        parsed = values
    else:
        # Each distinct text parsed once and mapped back: a column of dates repeats a few thousand
        # values, and one string per cell instead of per value costs gigabytes at national volume.
        distinct = pd.Series(values.dropna().unique(), dtype="string")
        parse = parse_dates if column.dtype == "date" else partial(_parse_numbers, dtype=column.dtype)
        parsed = values.map(dict(zip(distinct, parse(distinct), strict=True)))
    parsed = parsed.astype("string")
    return parsed, values.notna() & parsed.isna()


def row_keys(frame: pd.DataFrame, entity: Entity) -> pd.Series:
    """A row's contract key (pseudonymous identifiers only), for reports that must not show values."""
    key_cols = [c.lower() for c in entity.key if c.lower() in frame.columns]
    if not key_cols:
        return pd.Series(None, index=frame.index, dtype=object)
    return frame[key_cols].astype(str).agg("|".join, axis=1)


def row_children(frame: pd.DataFrame, entity: Entity) -> pd.Series:
    """The row's pseudonymous child id, so a to-fix list can say which children to look at."""
    if entity.child_column is None:
        return pd.Series(None, index=frame.index, dtype=object)
    return frame[entity.child_column].astype(object).where(frame[entity.child_column].notna(), None)


def read_entity(path: Path, entity: Entity) -> ReadResult:
    text_table = _read_text_table(path)
    by_lower: dict[str, object] = {}
    for name in text_table.columns:
        by_lower.setdefault(str(name).strip().lower(), name)
    missing = [c.name for c in entity.columns if c.raw_name not in by_lower]
    if missing:
        raise ContractError(path, "missing_column",
                            f"missing required column(s) {', '.join(missing)} "
                            f"(expected {', '.join(entity.column_names)})", column=missing[0])
    contract_names = [c.raw_name for c in entity.columns]
    ordered = contract_names + [k for k in by_lower if k not in contract_names]
    frame = pd.DataFrame({k: _clean(text_table[by_lower[k]]) for k in ordered})
    frame.insert(0, "_row_number", range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame)))

    problems: list[Problem] = []
    if frame.empty:
        problems.append(Problem(path.name, None, None, "header_only",
                                kind=kind_of("header_only", allowed_empty=entity.may_be_empty)))
    typed = {column.raw_name: _typed(frame[column.raw_name], column) for column in entity.columns}
    any_bad = pd.Series(False, index=frame.index)
    for _, bad in typed.values():
        any_bad |= bad
    # Keys from the text as landed, and for the bad rows only: joining keys for every row costs more than reading.
    keys, children = row_keys(frame.loc[any_bad], entity), row_children(frame.loc[any_bad], entity)
    for column in entity.columns:
        frame[column.raw_name], bad = typed[column.raw_name]
        if column.dtype == "str":
            continue
        rule = f"{column.dtype}_format"
        kind = kind_of(rule, key=column.name in entity.key)
        problems += [Problem(path.name, int(frame.at[i, "_row_number"]), column.name, rule, keys[i], kind, children[i])
                     for i in frame.index[bad]]
    return ReadResult(entity, path, frame, problems)
