"""cscw query: read-only SQL on the published warehouse, each statement's result printed the same way on
DuckDB and PostgreSQL (one formatter fed with column names and rows from either engine)."""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING

from orchestration.cli.common import CommandError, log
from warehouse.settings import Settings

if TYPE_CHECKING:
    from warehouse.connection import Connection

FORMATS = ("table", "csv", "json", "markdown")
# Machine formats are read by programs: one result per output, so a reader never has to split them.
SINGLE_RESULT_FORMATS = ("csv", "json")
DISPLAY_DECIMALS = 4
READ_ONLY_HINT = "cscw query only reads the published warehouse; to keep a result, use --format csv|json --output FILE"


@dataclass(frozen=True)
class Result:
    columns: list[str]
    rows: list[tuple]


def add_query_parser(sub: argparse._SubParsersAction) -> None:
    query = sub.add_parser("query", help="run SQL read-only and print the result (several statements: ';')")
    query.add_argument("sql")
    query.add_argument("--max-rows", type=int, default=40, help="rows printed per result in table/markdown")
    query.add_argument("--format", choices=FORMATS, default="table")
    query.add_argument("--output", metavar="FILE", help="write the result(s) to FILE, every row")


# Quoted text, quoted names, comments and dollar-quoted bodies, where a ';' does not end a statement.
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/|(\$\w*\$).*?\1|;", re.DOTALL)
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)


def split_statements(sql: str) -> list[str]:
    """The statements of `sql`, split at each ';' outside quotes and comments; blank ones dropped."""
    statements, start = [], 0
    for match in _TOKEN.finditer(sql):
        if match.group() == ";":
            statements.append(sql[start : match.start()])
            start = match.end()
    statements.append(sql[start:])
    return [s.strip() for s in statements if _COMMENT.sub("", s).strip()]


# What a read-only query may be on PostgreSQL; the read-only session refuses writes, but not COPY TO.
_PG_READING = ("select", "with", "values", "table", "explain", "show")


def _refuse_writes_duckdb(con: Connection, statement: str) -> None:
    import duckdb

    for parsed in con.extract_statements(statement):
        if parsed.type not in (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN):
            raise CommandError(f"refused {parsed.type.name} statement: {READ_ONLY_HINT}")


def _refuse_writes_postgres(statement: str) -> None:
    words = _COMMENT.sub(" ", statement).split()
    first = words[0].lower() if words else ""
    if first not in _PG_READING:
        raise CommandError(f"refused {first.upper()} statement: {READ_ONLY_HINT}")


def run_statements(con: Connection, statements: Sequence[str], postgres: bool) -> Iterator[Result]:
    """Each statement's result, every statement checked to be a read before any runs."""
    for statement in statements:
        if postgres:
            _refuse_writes_postgres(statement)
        else:
            _refuse_writes_duckdb(con, statement)
    for statement in statements:
        cursor = con.execute(statement)
        description = cursor.description
        if description is not None:
            yield Result([d[0] for d in description], cursor.fetchall())


def display_value(value: object) -> str:
    """A value for a person to read: floats (and decimals longer than the display's) rounded, NULL shown as
    such; csv and json keep every digit."""
    if value is None:
        return "NULL"
    if isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent < -DISPLAY_DECIMALS:
        value = float(value)
    if isinstance(value, float) and math.isfinite(value):
        if value != 0 and abs(value) < 10**-DISPLAY_DECIMALS:
            return f"{value:.{DISPLAY_DECIMALS}g}"  # a tiny rate is not zero
        return f"{value:.{DISPLAY_DECIMALS}f}".rstrip("0").rstrip(".")
    return str(value)


def _numeric(rows: list[tuple], index: int) -> bool:
    values = [r[index] for r in rows if r[index] is not None]
    return bool(values) and all(isinstance(v, int | float | Decimal) and not isinstance(v, bool) for v in values)


def text_table(result: Result, max_rows: int | None, markdown: bool) -> str:
    """An aligned table of every column (nothing cut to the terminal's width), numbers right-aligned."""
    from tabulate import tabulate

    shown = result.rows if max_rows is None else result.rows[:max_rows]
    align = ["right" if _numeric(shown, i) else "left" for i in range(len(result.columns))]
    table = tabulate(
        [[display_value(v) for v in row] for row in shown],
        headers=result.columns,
        tablefmt="github" if markdown else "simple_outline",
        disable_numparse=True,
        colalign=align or None,
    )
    more = len(result.rows) - len(shown)
    footer = f"({len(result.rows):,} row{'s' if len(result.rows) != 1 else ''}"
    footer += f", {more:,} not shown: --max-rows N, or --output FILE for all)" if more else ")"
    return f"{table}\n{footer}\n"


def _json_value(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN or infinity
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def write_result(result: Result, fmt: str, out: IO[str], max_rows: int | None) -> None:
    if fmt == "csv":
        from ingest.spreadsheet import safe_row

        writer = csv.writer(out)
        writer.writerow(result.columns)
        writer.writerows(safe_row("" if v is None else v for v in row) for row in result.rows)
    elif fmt == "json":
        records = [dict(zip(result.columns, (_json_value(v) for v in row), strict=True)) for row in result.rows]
        json.dump(records, out, indent=2, allow_nan=False)
        out.write("\n")
    else:
        out.write(text_table(result, max_rows, markdown=fmt == "markdown"))


@contextlib.contextmanager
def _destination(output: str | None) -> Iterator[IO[str]]:
    if output is None:
        yield sys.stdout
        return
    try:
        handle = open(output, "w", newline="", encoding="utf-8")
    except OSError as error:
        raise CommandError(f"cannot write {output}: {error.strerror}") from None
    with handle:
        yield handle


def cmd_query(settings: Settings, args: argparse.Namespace) -> int:
    from warehouse.connection import PostgresConnection, target
    from warehouse.serving import read_published

    statements = split_statements(args.sql)
    if not statements:
        raise CommandError('no SQL given: for example cscw query "select * from lac.lac_measures limit 5"')
    fmt = getattr(args, "format", "table")
    output = getattr(args, "output", None)
    if fmt in SINGLE_RESULT_FORMATS and len(statements) > 1:
        raise CommandError(f"--format {fmt} writes one result: give one statement (there are {len(statements)})")
    postgres = target() == "postgres"
    reading = PostgresConnection(read_only=True) if postgres else read_published(settings)
    with reading as con:
        results = list(run_statements(con, statements, postgres))
    max_rows = None if output else args.max_rows
    with _destination(output) as out:
        for number, result in enumerate(results):
            if number:
                out.write("\n")
            write_result(result, fmt, out, max_rows)
    if output:
        rows = sum(len(r.rows) for r in results)
        log.info("query: %s row(s) written to %s", f"{rows:,}", Path(output))
    return 0
