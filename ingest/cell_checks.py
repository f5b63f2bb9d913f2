"""The reader's checks on every cell of a landing table, run as SQL in DuckDB.

ingest/readers.py puts a file's cells into the table `_text` of a DuckDB connection (`_row_number`, then one
text column per file column, c0, c1, ...); `check_cells` cleans and types them there and reports what
it finds, so a whole file never becomes Python strings one cell at a time. What a cell must be:

- blank (spaces included, as Python's str.strip counts them) is null; code columns are compared upper-case
  (the DfE and NHS lists are upper-case, and `y` or `e11 ` mean Y and E11);
- a control character (a NUL cutting a postcode short) means the cell is damaged: `control_character`;
- a date is YYYY-MM-DD or DD/MM/YYYY, a midnight time after either allowed (SQL Server writes one), and a
  real day between 1677 and 2262 (what a pandas timestamp holds: the cross-file checks type dates so);
  a number is plain or UK-grouped with an optional sign and pound sign (1234.5, 1,234.50, £1,234, -5), never
  1.234,56 written the European way or 9.8m; an int is whole and fits 64 bits: `<type>_format` otherwise;
- a cost, count or budget is not below zero: `negative_value`; a text value is no spreadsheet formula:
  `formula_text`.

Values come out as canonical text (ISO dates, plain numbers), typed when written to raw.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from ingest.contracts import Column, Entity
from warehouse.connection import quote

# What Python's str.strip() removes: the reader's blank is the same whatever wrote the file.
WHITESPACE = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
WHITESPACE_CLASS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE) + "]"
# DuckDB's strptime forgives spaces around a date; the shapes it may then parse are these.
DATE = r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4}"
MIDNIGHT = r"[ T]00:00(?::00(?:\.0+)?)?$"
NUMBER = r"-?£?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)"
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
FORMULA = ("=", "+", "@")
# A source whose rows come from several files (the CIN census XML) says in these columns where each row was:
# the file's name and its line. Every other source's row is its own file's `_row_number`.
LOCATION_COLUMNS = ("source_file", "source_line")
# Names the checks give their own columns: a file column named so is kept under another (readers._column_names).
INTERNAL_PREFIXES = ("_parsed_", "_unparsed_", "_damaged")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _clean(cell: str, column: Column | None) -> str:
    text = f"cast({cell} as varchar)"
    # Trimmed only where an end is blank: trimming by a set of characters is ten times a plain copy.
    ends = f"regexp_matches({text}, {_literal(f'^{WHITESPACE_CLASS}|{WHITESPACE_CLASS}$')})"
    text = f"case when {ends} then trim({text}, {_literal(WHITESPACE)}) else {text} end"
    return f"nullif({'upper(' + text + ')' if column is not None and column.codes else text}, '')"


# Parsing as macros, so each check and the typed table say it once.
MACROS = f"""
create or replace temp macro _as_date(v) as case when regexp_full_match(v, {_literal(DATE)})
    then coalesce(try_strptime(v, '%Y-%m-%d'), try_strptime(v, '%d/%m/%Y'))::date end;
create or replace temp macro _date_text(v) as case when _as_date(v) between date '1677-09-22' and date '2262-04-11'
    then strftime(_as_date(v), '%Y-%m-%d') end;
create or replace temp macro _as_number(v) as case when regexp_full_match(v, {_literal(NUMBER)})
    then try_cast(replace(replace(v, ',', ''), '£', '') as double) end;
create or replace temp macro _int_text(v) as case when _as_number(v) = trunc(_as_number(v))
    and abs(_as_number(v)) < 9.2e18 then cast(cast(_as_number(v) as bigint) as varchar) end;
create or replace temp macro _float_text(v) as cast(_as_number(v) as varchar);
"""


def _parsed(value: str, column: Column) -> str:
    """The cleaned value as canonical text for the column's type; null where it is not one."""
    if column.dtype == "date":
        return f"_date_text(regexp_replace({value}, {_literal(MIDNIGHT)}, ''))"
    return f"_{column.dtype}_text({value})"


def _typed(column: Column | None) -> bool:
    return column is not None and column.dtype != "str"


@dataclass(frozen=True)
class _Check:
    rule: str
    keyed: str  # `_clean` (the text as landed, cleaned) or `_typed`: the row's key is read from it
    condition: str
    table: str = ""  # where the condition is evaluated, when not where the key is read

    @property
    def found_in(self) -> str:
        return self.table or self.keyed


def _damaged(column: Column) -> str:
    # `_damaged` says the row has a control character somewhere: most rows are spared a search per column.
    return f"(_damaged and regexp_matches({quote(column.raw_name)}, {_literal(CONTROL)}))"


def _checks(entity: Entity) -> list[tuple[Column, _Check]]:
    """Every (column, check) in the order problems are listed: damage, formats, negatives, formulas."""
    found = [(column, _Check("control_character", "_clean", _damaged(column))) for column in entity.columns]
    for column in entity.columns:
        if column.dtype != "str":
            unparsed = quote(f"_unparsed_{column.raw_name}")
            found.append((column, _Check(f"{column.dtype}_format", "_clean", unparsed, table="_typed")))
    for column in entity.columns:
        if column.non_negative and column.dtype != "str":
            found.append((column, _Check("negative_value", "_typed", f"starts_with({quote(column.raw_name)}, '-')")))
    formula = " or ".join(f"starts_with({{}}, {_literal(start)})" for start in FORMULA)
    for column in entity.columns:
        if column.dtype == "str":
            found.append((column, _Check("formula_text", "_typed", formula.format(*[quote(column.raw_name)] * 3))))
    return found


def check_cells(con, entity: Entity, cells: dict[str, str], file_name: str, table: str) -> tuple[int, list[tuple]]:
    """Clean and type `_text`'s cells (cells: the table's name for each, by `_text` column, contract columns
    first) into the temporary table `table`; return its rows and every failing cell as (rule, column, file, row,
    key, child), in the order the checks are listed."""
    con.execute(MACROS)
    columns = {c.raw_name: c for c in entity.columns}
    cleaned = ", ".join(f"{_clean(cell, columns.get(name))} as {quote(name)}" for name, cell in cells.items())
    anywhere = ", ".join(quote(c.raw_name) for c in entity.columns)
    damaged = f"regexp_matches(concat({anywhere}), {_literal(CONTROL)}) as _damaged"
    con.execute(f"create or replace temp table _clean as select _row_number, {cleaned}, {damaged} from _text")
    # Each value parsed once: the typed table keeps, beside it, whether a value that was there did not parse
    # (a damaged cell is reported as damaged only).
    parsed = [f"{_parsed(quote(n), columns[n])} as {quote('_parsed_' + n)}" for n in cells if _typed(columns.get(n))]
    typed = [quote(f"_parsed_{n}") + f" as {quote(n)}" if _typed(columns.get(n)) else quote(n) for n in cells]
    unparsed = [
        f"({quote(n)} is not null and {quote('_parsed_' + n)} is null and not {_damaged(columns[n])}) "
        f"as {quote('_unparsed_' + n)}"
        for n in cells
        if _typed(columns.get(n))
    ]
    con.execute(
        f"create or replace temp table _typed as select _row_number, {', '.join(typed + unparsed)} "
        f"from (select *, {', '.join(parsed) or 'null as _none'} from _clean)"
    )
    checks = _checks(entity)
    found = " union all ".join(
        f"select {i} as check_no, _row_number from {check.found_in} where {check.condition}"
        for i, (_, check) in enumerate(checks)
    )
    con.execute(f"create or replace temp table _found as {found}")
    problems = []
    if con.execute("select count(*) from _found").fetchone()[0]:
        problems = _described(con, entity, checks, file_name, located=LOCATION_COLUMNS[0] in cells)
    con.execute(
        f"create or replace temp table {table} as select _row_number, {', '.join(map(quote, cells))} from _typed"
    )
    con.execute("drop view _text")  # readers stage every file as the table _read behind the view _text
    for scratch in ("_found", "_typed", "_clean", "_read"):
        con.execute(f"drop table {scratch}")
    return con.execute(f"select count(*) from {table}").fetchone()[0], problems


def _described(con, entity: Entity, checks: list[tuple[Column, _Check]], file_name: str, located: bool) -> list[tuple]:
    """The failing cells with where they are, the row's key (as its table then held it) and its child."""

    def key(table: str) -> str:
        parts = [f"coalesce({table}.{quote(k.lower())}, '<NA>')" for k in entity.key]
        return f"concat_ws('|', {', '.join(parts)})" if parts else "null"

    keys = {table: key(table) for table in ("_clean", "_typed")}
    by_check = " ".join(f"when {i} then {keys[check.keyed]}" for i, (_, check) in enumerate(checks))
    where = (
        "_clean.source_file, cast(_clean.source_line as bigint)"
        if located
        else f"{_literal(file_name)}, _found._row_number"
    )
    child = f"_clean.{quote(entity.child_column)}" if entity.child_column else "null"
    rows = con.execute(
        f"select check_no, {where}, case check_no {by_check} end, {child} from _found "
        "join _clean using (_row_number) join _typed using (_row_number) order by check_no, _found._row_number"
    ).fetchall()
    return [(checks[n][1].rule, checks[n][0], file, int(row), key, kid) for n, file, row, key, kid in rows]
