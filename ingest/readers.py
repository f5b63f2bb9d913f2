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

import duckdb
import pandas as pd

from ingest.cell_checks import INTERNAL_PREFIXES, LOCATION_COLUMNS, check_cells
from ingest.contracts import Entity
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


class ReadResult:
    """A landing table read and checked: `_row_number` (spreadsheet row), then raw column names (lower case),
    contract columns first; values canonical text (ISO dates, plain numbers) or null, typed when written to raw.

    The cells are the DuckDB table `table` on `con` (during a load on DuckDB, the warehouse's own connection,
    so publishing is `create table ... as select`); `frame` is that table in pandas, fetched only when asked for.
    Assigning a frame (a past return's year added, a benchmark's copies) makes the frame the cells."""

    def __init__(self, entity: Entity, path: Path, frame: pd.DataFrame | None = None, problems=None, **table):
        self.entity, self.path, self.problems = entity, path, problems if problems is not None else []
        self.con, self.table, self.rows = table.get("con"), table.get("table"), table.get("rows", 0)
        self.columns: list[str] = table.get("columns", [])
        self._frame = None
        if frame is not None:
            self.frame = frame

    @property
    def frame(self) -> pd.DataFrame:
        if self._frame is None:
            self._frame = self.fetch("true")
        return self._frame

    @frame.setter
    def frame(self, frame: pd.DataFrame) -> None:
        self._frame, self.table, self.rows, self.columns = frame, None, len(frame), list(frame.columns)

    def in_duckdb(self) -> tuple[duckdb.DuckDBPyConnection, str]:
        """The connection and table holding the cells (an assigned frame is copied into one first)."""
        if self.table is None:
            self.con, self.table = duckdb.connect(), "_assigned_frame"
            self.con.register("_frame", self._frame)
            self.con.execute(f"create temp table {self.table} as select * from _frame")
            self.con.unregister("_frame")
        return self.con, self.table

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        """`sql` (naming the cells `{table}`) run where the cells are."""
        con, table = self.in_duckdb()
        return con.execute(sql.format(table=table), params or []).fetchall()

    def fetch(self, where: str, params: list | None = None) -> pd.DataFrame:
        """The rows meeting `where`, in file order, as the frame holds them (text as pandas strings)."""
        con, table = self.in_duckdb()
        found = con.execute(f"select * from {table} where {where}", params or []).df()
        return found.astype({c: "string" for c in self.columns if c != "_row_number"})

    def release(self) -> None:
        """Drop the table from a connection that outlives the load (the warehouse's)."""
        if self.table is not None and self.con is not None:
            self.con.execute(f"drop table if exists {self.table}")
            self.table = None


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


def _load_text(con, path: Path, entity: Entity) -> list:
    """The file's cells as the table `_text` (ingest/cell_checks.py); returns its header."""
    if path.suffix.lower() == ".xlsx":
        try:
            frame = pd.read_excel(path, dtype=object, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            raise ContractError(path, "unreadable", f"not a readable .xlsx workbook ({exc})") from exc
        dates = {c.raw_name for c in entity.columns if c.dtype == "date"}
        frame = frame.apply(lambda col: col.map(partial(_excel_cell, is_date=str(col.name).strip().lower() in dates)))
        _stage_text(con, frame.astype(object), list(range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame))))
        return list(frame.columns)
    raw = path.read_bytes()
    text = _decode(raw, path)
    header = _duckdb_read(con, path, raw, text)
    if header is not None:
        return header
    header, rows, lines = _records(text, path)
    _stage_text(con, pd.DataFrame(rows, columns=range(len(header)), dtype=object), lines)
    return header


def _duckdb_read(con, path: Path, raw: bytes, text: str) -> list[str] | None:
    """The file read by DuckDB's CSV reader into `_text`, when that gives what `_records` would: UTF-8 text
    with one line per record (no blank lines, no line break inside a field, no classic-Mac line endings),
    so a record's row number is its position. None (and nothing staged) otherwise, or when DuckDB refuses
    the file: `_records` then reads it, and says what is wrong with it."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or text.count("\r") != text.count("\r\n"):
        return None
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # Windows-1252: DuckDB reads UTF-8 only
        return None
    first = text.split("\n", 1)[0].removesuffix("\r")
    delimiter = _delimiter(first)
    header = next(csv.reader([first], delimiter=delimiter), None)
    if not header or not any(field.strip() for field in header):
        return None  # `_records` reports the empty file
    # One column more than the header, short rows padded with NULL and no text read as NULL: a record with
    # more or fewer fields than the header (DuckDB forgives a trailing delimiter) shows in the last two.
    n = len(header)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(n + 1)) + "}"
    try:
        con.execute(
            f"create or replace temp table _read as select * from read_csv(?, columns = {columns}, header = true, "
            "delim = ?, quote = '\"', escape = '\"', auto_detect = false, strict_mode = true, null_padding = true, "
            "nullstr = '\x01no null\x01', allow_quoted_nulls = false)",
            [str(path), delimiter],
        )
    except duckdb.Error:
        return None
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    records, ragged = con.execute(f"select count(*), count(c{n}) + count(*) - count(c{n - 1}) from _read").fetchone()
    if records != lines - 1 or ragged:
        con.execute("drop table _read")
        return None
    # A table's rowid is its insertion order, which is the file's order: row 2 is the first record.
    con.execute(f"create or replace temp view _text as select rowid + {FIRST_DATA_ROW} as _row_number, * from _read")
    return header


# Columns the loader adds to every raw table: an extra file column of the same name is renamed, never clashes.
LOADER_COLUMNS = ("_row_number", "extract_date", "_loaded_at", "_source_file")


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
        reserved = name in LOADER_COLUMNS or name.startswith(("extra_", *INTERNAL_PREFIXES))
        if name not in contract and (not name or reserved):
            name = f"extra_{position}"
        names.append(name)
    return names


def read_entity(path: Path, entity: Entity, con: duckdb.DuckDBPyConnection | None = None) -> ReadResult:
    """The file read and checked into a table on `con` (a connection of its own if none is given)."""
    con = con or duckdb.connect()
    return _checked(con, path, entity, _load_text(con, path, entity))


def check_table(
    path: Path, entity: Entity, text_table: pd.DataFrame, lines: list[int], con: duckdb.DuckDBPyConnection | None = None
) -> ReadResult:
    """A table of text cells against its contract: every reader's checks, whatever the file's format."""
    con = con or duckdb.connect()
    _stage_text(con, text_table, lines)
    return _checked(con, path, entity, list(text_table.columns))


def _stage_text(con, text_table: pd.DataFrame, lines: list[int]) -> None:
    """A table of cells read in Python (a workbook, a census, a file DuckDB's reader cannot take) as `_text`."""
    cells = {f"c{i}": text_table.iloc[:, i].astype("string") for i in range(text_table.shape[1])}
    frame = pd.DataFrame({"_row_number": pd.Series(lines, dtype="int64"), **cells})
    con.register("_text_frame", frame)
    con.execute("create or replace temp table _read as select * from _text_frame")
    con.unregister("_text_frame")
    con.execute("create or replace temp view _text as select * from _read")


def _checked(con, path: Path, entity: Entity, header: list) -> ReadResult:
    names = _column_names(header, path, entity)
    missing = [c.name for c in entity.columns if c.raw_name not in names]
    if missing:
        raise ContractError(
            path,
            "missing_column",
            f"missing required column(s) {', '.join(missing)} (expected {', '.join(entity.column_names)})",
            column=missing[0],
        )
    position = {name: i for i, name in enumerate(names)}
    contract = [c.raw_name for c in entity.columns]
    cells = {name: f"c{position[name]}" for name in contract + [n for n in names if n not in contract]}
    table = f"_gate_{entity.token}"
    rows, found = check_cells(con, entity, cells, path.name, table)
    problems = []
    if not rows:
        problems.append(
            Problem(
                path.name, None, None, "header_only", kind=kind_of("header_only", allowed_empty=entity.may_be_empty)
            )
        )
    problems += [
        Problem(file, row, column.name, rule, key, kind_of(rule, key=column.name in entity.key), child)
        for rule, column, file, row, key, child in found
    ]
    return ReadResult(entity, path, None, problems, con=con, table=table, rows=rows, columns=["_row_number", *cells])
