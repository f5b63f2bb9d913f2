"""Find dated landing folders and read one landing file against its contract.

Readers never raise on a bad value: they null it and record a Problem (file, row, column, rule,
key) so the load gate can report every bad row at once. A file that cannot be read at all, or
lacks a required column, raises ContractError naming the file and column.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path

import pandas as pd

from ingest.contracts import Column, Entity
from ingest.rules import REFUSING_KINDS, Kind, kind_of

log = logging.getLogger("cscw.ingest")

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


@dataclass(frozen=True)
class Folder:
    """A dated landing folder, or one whose name is a date that cannot be (refused into quarantine)."""

    extract_date: date | None
    path: Path


def landing_folders(landing: Path, source: str) -> list[Folder]:
    """Every YYYY-MM-DD folder of a source, by date; a name that is not a date at all is ignored with a warning.

    A name shaped like a date that is not one (2026-13-01) comes back with extract_date None, so the loader
    refuses it into quarantine without stopping the other folders."""
    root = landing / source
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.iterdir()):
        if not DATE_FOLDER.match(path.name):
            log.warning("landing/%s/%s ignored: not a YYYY-MM-DD folder", source, path.name)
            continue
        try:
            found.append(Folder(date.fromisoformat(path.name), path))
        except ValueError:
            found.append(Folder(None, path))
    return sorted(found, key=lambda f: (f.extract_date is not None, f.extract_date or date.min, f.path.name))


def dated_folders(landing: Path, source: str) -> list[tuple[date, Path]]:
    return [(f.extract_date, f.path) for f in landing_folders(landing, source) if f.extract_date is not None]


def candidate_files(folder: Path, entity: Entity) -> list[Path]:
    """Files that could be the entity's: its name as .csv or .xlsx, or a copy such as `episodes (1).csv`."""
    copy = re.compile(rf"^{re.escape(entity.file_stem)}(?:\s*\(\d+\)|[ _-]copy)?\.(csv|xlsx)$", re.IGNORECASE)
    return sorted(
        (p for p in folder.iterdir() if copy.match(p.name)),
        key=lambda p: (
            p.name.lower() not in (f"{entity.file_stem}.csv", f"{entity.file_stem}.xlsx"),
            p.suffix.lower() != ".csv",
            p.name,
        ),
    )


def find_file(folder: Path, entity: Entity) -> Path | None:
    """The file read for an entity: <name>.csv before <name>.xlsx before a numbered copy (the gate warns
    about the others, so the choice is never silent)."""
    found = candidate_files(folder, entity)
    return found[0] if found else None


def _decode(raw: bytes, path: Path) -> str:
    # Excel's "Unicode text" is UTF-16 with a byte-order mark.
    encodings = ("utf-16",) if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ContractError(path, "unreadable", "neither UTF-8, UTF-16 nor Windows-1252 text")


def _excel_cell(value: object, is_date: bool) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if is_date and isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 2958466:
        # A date cell formatted as a number holds Excel's serial day count (day 1 is 1900-01-01, with
        # Excel's phantom 29 February 1900, so serials count from 1899-12-30).
        return (date(1899, 12, 30) + timedelta(days=int(value))).isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _delimiter(first_line: str) -> str:
    """A comma, or a tab when the header has tabs and no commas (Excel's "Unicode text" and "Text" saves)."""
    return "\t" if "\t" in first_line and "," not in first_line else ","


def _records(text: str, path: Path) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, data records and each record's own line number in the file (blank lines skipped, not renumbered).

    Every line ending is accepted (LF, CRLF and classic-Mac CR). Each record must have as many fields as the
    header: a file cut off half way fails on its last row."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]))
    header = next(reader, None)
    if not header or not any(field.strip() for field in header):
        raise ContractError(path, "empty_file", "the file is empty (no header row)")
    rows, lines, last = [], [], reader.line_num
    for fields in reader:
        start, last = last + 1, reader.line_num
        if not fields:
            continue
        if len(fields) != len(header):
            raise ContractError(
                path,
                "ragged_row",
                f"row {start} has {len(fields)} fields, the header has {len(header)} "
                "(a truncated or mis-delimited file)",
                row=start,
            )
        rows.append(fields)
        lines.append(start)
    return header, rows, lines


def _read_text_table(path: Path, entity: Entity) -> tuple[pd.DataFrame, list[int]]:
    """Every cell as text, and each data row's spreadsheet row number."""
    if path.suffix.lower() == ".xlsx":
        try:
            frame = pd.read_excel(path, dtype=object, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            raise ContractError(path, "unreadable", f"not a readable .xlsx workbook ({exc})") from exc
        dates = {c.raw_name for c in entity.columns if c.dtype == "date"}
        frame = frame.apply(lambda col: col.map(partial(_excel_cell, is_date=str(col.name).strip().lower() in dates)))
        return frame.astype(object), list(range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame)))
    header, rows, lines = _records(_decode(path.read_bytes(), path), path)
    return pd.DataFrame(rows, columns=header, dtype=object), lines


# A midnight time after a date is what SQL Server and many exports write for a date column: accepted, dropped.
MIDNIGHT = re.compile(r"[ T]00:00(?::00(?:\.0+)?)?$")
# Plain or UK-grouped numbers, with an optional sign and pound sign: 1234.5, 1,234.50, £1,234, -5. Anything
# else (1.234,56 written the European way, 1,23, 9.8m) is not a number, never guessed at.
NUMBER = re.compile(r"^-?£?(?=\d|\.\d)(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d+)?$")
# Characters a text export never means: NUL and the other C0 controls (tab and line breaks aside).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Text a spreadsheet would run as a formula (=HYPERLINK(...) in a UPN): flagged, and neutralised on the way out.
FORMULA = re.compile(r"^[=+@]")
# Columns the loader adds to every raw table: an extra file column of the same name is renamed, never clashes.
LOADER_COLUMNS = ("_row_number", "extract_date", "_loaded_at", "_source_file")


def parse_dates(values: pd.Series) -> pd.Series:
    """ISO text for YYYY-MM-DD or DD/MM/YYYY dates (a midnight time after either is allowed); NaN where a
    value is neither or not a real date."""
    values = values.str.replace(MIDNIGHT, "", regex=True)
    iso = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    rest = iso.isna() & values.notna()
    if rest.any():  # most extracts use one format: try the other only where the first failed
        iso[rest] = pd.to_datetime(values[rest], format="%d/%m/%Y", errors="coerce")
    return iso.dt.strftime("%Y-%m-%d")


def _parse_numbers(values: pd.Series, dtype: str) -> pd.Series:
    plain = values.where(values.str.match(NUMBER)).str.replace(r"[,£]", "", regex=True)
    numbers = pd.to_numeric(plain, errors="coerce")
    if dtype == "int":
        numbers = numbers.where(numbers.mod(1).eq(0))
        return numbers.map(lambda v: None if pd.isna(v) else str(int(v)))
    return numbers.map(lambda v: None if pd.isna(v) else repr(float(v)))


def _clean(values: pd.Series, column: Column | None) -> pd.Series:
    """Blank is null; surrounding spaces go. Codes are compared upper-case (the one normalisation of every
    code column: the DfE and NHS lists are upper-case, and `y` or `e11 ` mean Y and E11)."""
    text = values.astype("string").str.strip()
    if column is not None and column.codes:
        text = text.str.upper()
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


# A source whose rows come from several files (the CIN census XML) says in these columns where each row was:
# the file's name and its line. Every other source's row is its own file's `_row_number`.
LOCATION_COLUMNS = ("source_file", "source_line")


def location(frame: pd.DataFrame, index, file_name: str) -> tuple[str, int]:
    """The file and row a problem on frame row `index` is reported at."""
    if LOCATION_COLUMNS[0] in frame.columns:
        return str(frame.at[index, LOCATION_COLUMNS[0]]), int(frame.at[index, LOCATION_COLUMNS[1]])
    return file_name, int(frame.at[index, "_row_number"])


def quarantined_mask(frame: pd.DataFrame, file_name: str, quarantined: dict[str, set[int]]) -> pd.Series:
    """The frame's rows a row fault quarantines (quarantined: rows by file, as snapshot.quarantined_rows gives)."""
    if LOCATION_COLUMNS[0] not in frame.columns:
        return frame["_row_number"].isin(quarantined.get(file_name, set()))
    pairs = {(f, r) for f, rows in quarantined.items() for r in rows}
    located = zip(frame[LOCATION_COLUMNS[0]], frame[LOCATION_COLUMNS[1]].astype(int), strict=True)
    return pd.Series([p in pairs for p in located], index=frame.index, dtype=bool)


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


def _column_names(header: list, path: Path, entity: Entity) -> list[str]:
    """The raw table's name for each file column: contract columns by their contract name; any other column
    kept under its own lower-case name, or extra_<n> when that is blank or clashes with the loader's columns.
    A header naming one column twice is refused: which of the two is meant cannot be known."""
    names, seen = [], set()
    contract = {c.raw_name for c in entity.columns}
    for position, raw in enumerate(header, start=1):
        name = str(raw).strip().lower()
        if name in seen:
            raise ContractError(
                path,
                "duplicate_column",
                f"the header names column {raw!r} twice",
                column=next((c.name for c in entity.columns if c.raw_name == name), None),
            )
        seen.add(name)
        if name not in contract and (not name or name in LOADER_COLUMNS or name.startswith("extra_")):
            name = f"extra_{position}"
        names.append(name)
    return names


def _row_problems(
    frame: pd.DataFrame, path: Path, entity: Entity, checks: dict[str, tuple[str, pd.Series]]
) -> list[Problem]:
    """One Problem per (row, column) a reader check failed, with the row's key and child from the text as landed."""
    any_bad = pd.Series(False, index=frame.index)
    for _, bad in checks.values():
        any_bad |= bad
    if not any_bad.any():
        return []
    # Keys for the bad rows only: joining keys for every row costs more than reading.
    keys, children = row_keys(frame.loc[any_bad], entity), row_children(frame.loc[any_bad], entity)
    found = []
    for column in entity.columns:
        if column.raw_name not in checks:
            continue
        rule, bad = checks[column.raw_name]
        kind = kind_of(rule, key=column.name in entity.key)
        found += [
            Problem(*location(frame, i, path.name), column.name, rule, keys[i], kind, children[i])
            for i in frame.index[bad]
        ]
    return found


def read_entity(path: Path, entity: Entity) -> ReadResult:
    text_table, lines = _read_text_table(path, entity)
    return check_table(path, entity, text_table, lines)


def check_table(path: Path, entity: Entity, text_table: pd.DataFrame, lines: list[int]) -> ReadResult:
    """A table of text cells against its contract: every reader's checks, whatever the file's format."""
    names = _column_names(list(text_table.columns), path, entity)
    missing = [c.name for c in entity.columns if c.raw_name not in names]
    if missing:
        raise ContractError(
            path,
            "missing_column",
            f"missing required column(s) {', '.join(missing)} (expected {', '.join(entity.column_names)})",
            column=missing[0],
        )
    by_name = dict(zip(names, range(len(names)), strict=True))
    columns = {c.raw_name: c for c in entity.columns}
    ordered = [c.raw_name for c in entity.columns] + [n for n in names if n not in columns]
    frame = pd.DataFrame({n: _clean(text_table.iloc[:, by_name[n]], columns.get(n)) for n in ordered})
    frame.insert(0, "_row_number", lines)

    problems: list[Problem] = []
    if frame.empty:
        problems.append(
            Problem(
                path.name, None, None, "header_only", kind=kind_of("header_only", allowed_empty=entity.may_be_empty)
            )
        )
    # A control character in a value (a NUL cutting a postcode short) means the cell is damaged.
    damaged = {
        c.raw_name: ("control_character", frame[c.raw_name].str.contains(CONTROL).fillna(False)) for c in entity.columns
    }
    problems += _row_problems(frame, path, entity, {n: v for n, v in damaged.items() if v[1].any()})
    typed = {c.raw_name: _typed(frame[c.raw_name], c) for c in entity.columns if c.dtype != "str"}
    formats = {name: (f"{columns[name].dtype}_format", bad & ~damaged[name][1]) for name, (_, bad) in typed.items()}
    problems += _row_problems(frame, path, entity, formats)
    negative = {}
    for name, (parsed, _) in typed.items():
        frame[name] = parsed
        if columns[name].non_negative:
            negative[name] = ("negative_value", parsed.str.startswith("-").fillna(False))
    problems += _row_problems(frame, path, entity, negative)
    formulas = {
        c.raw_name: ("formula_text", frame[c.raw_name].str.match(FORMULA).fillna(False))
        for c in entity.columns
        if c.dtype == "str"
    }
    problems += _row_problems(frame, path, entity, {n: v for n, v in formulas.items() if v[1].any()})
    return ReadResult(entity, path, frame, problems)
