"""Run a source's suites on a snapshot before anything is published; return row-level Problems."""

from __future__ import annotations

import importlib
from collections.abc import Mapping

import pandas as pd

from expectations.common import SuiteContext
from ingest.load import Snapshot
from ingest.readers import Problem, ReadResult, location, row_children, row_keys
from ingest.rules import kind_of
from warehouse.connection import quote

SQL_TYPES = {"date": "date", "int": "bigint", "float": "double"}


def typed_frame(read: ReadResult) -> pd.DataFrame:
    """The reader's canonical text as real dates and numbers, so expectations compare values, not text."""
    frame = read.frame.copy()
    for column in read.entity.columns:
        if column.dtype == "date":
            frame[column.raw_name] = pd.to_datetime(frame[column.raw_name], format="%Y-%m-%d")
        elif column.dtype in ("int", "float"):
            frame[column.raw_name] = pd.to_numeric(frame[column.raw_name])
        else:
            frame[column.raw_name] = frame[column.raw_name].astype(object).where(frame[column.raw_name].notna(), None)
    return frame


class TypedFrames(Mapping):
    """The snapshot's tables as typed frames, each typed when a suite first reads it: only the checks computed
    with pandas across files (expectations/common.py flagged) read them."""

    def __init__(self, reads: dict[str, ReadResult]):
        self.reads, self.typed = reads, {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self.typed:
            self.typed[name] = typed_frame(self.reads[name])
        return self.typed[name]

    def __contains__(self, name: object) -> bool:
        return name in self.reads

    def __iter__(self):
        return iter(self.reads)

    def __len__(self) -> int:
        return len(self.reads)


def validate_read(read: ReadResult, suite, extra: dict[str, pd.Series]) -> list[Problem]:
    """The suite's expectations as SQL where the reader's cells are (expectations/sql.py), one Problem per
    failing row. `extra`: the checks computed with pandas across files, as columns aligned with read.frame."""
    from expectations.sql import validate_table

    types = {c.raw_name: SQL_TYPES.get(c.dtype) for c in read.entity.columns}

    def typed(column: str) -> str:
        return f"cast({quote(column)} as {types[column]})" if types.get(column) else quote(column)

    con, table = read.in_duckdb()
    if extra:
        con.register("_extra", pd.DataFrame({"_row_number": read.frame["_row_number"], **extra}))
        con.execute(f"create or replace temp table _gated as select * from {table} join _extra using (_row_number)")
        con.unregister("_extra")
        table = "_gated"
    result = validate_table(con, table, suite, typed, read.rows)
    if extra:
        con.execute("drop table _gated")
    found = []
    for outcome in result.results:
        if outcome.success:
            continue
        meta = outcome.expectation_config.meta
        found += [(int(hit["_row_number"]), meta) for hit in outcome.result["unexpected_index_list"]]
    if not found:
        return []
    # Keys only for the rows reported: building them for every row costs more than the validation.
    rows = read.fetch("_row_number in (select unnest(?::bigint[]))", [sorted({row for row, _ in found})])
    rows = rows.set_index("_row_number", drop=False)
    keys = dict(zip(rows["_row_number"], row_keys(rows, read.entity), strict=True))
    children = dict(zip(rows["_row_number"], row_children(rows, read.entity), strict=True))
    places = {row: location(rows, row, read.path.name) for row in rows.index}
    key_columns = {c.lower() for c in read.entity.key}
    return [
        Problem(
            *places[row],
            meta["column"],
            meta["rule"],
            keys.get(row),
            kind_of(meta["rule"], key=(meta["column"] or "").lower() in key_columns),
            children.get(row),
        )
        for row, meta in found
    ]


def keep_first_of_duplicates(problems: list[Problem]) -> list[Problem]:
    """The documented duplicate rule (ingest/rules.py duplicate_key): of the rows sharing a key and free of
    other row faults, the first in file order is kept; the later ones stay reported, and so quarantined.

    GX reports every row of a duplicated key; a row quarantined for another reason never keeps its key
    from a good copy further down."""
    faulty = {(p.file, p.row) for p in problems if p.kind == "row" and p.rule != "duplicate_key"}
    kept: dict[tuple[str, str | None], int] = {}
    for p in sorted((p for p in problems if p.rule == "duplicate_key"), key=lambda p: (p.file, p.row)):
        if (p.file, p.row) not in faulty:
            kept.setdefault((p.file, p.key), p.row)
    return [
        p
        for p in problems
        if p.rule != "duplicate_key" or ((p.file, p.row) not in faulty and kept.get((p.file, p.key)) != p.row)
    ]


def gate(snapshot: Snapshot, case_children: set[str] | None = None) -> list[Problem]:
    """Reader findings plus every expectation of the source's suites, one Problem per failing row."""
    problems = list(snapshot.problems)
    frames = TypedFrames(snapshot.reads)
    ctx = SuiteContext(snapshot.extract_date, frames, case_children)
    suites = importlib.import_module(f"expectations.{snapshot.source}").suites(ctx)
    already = {(p.file, p.row, p.column) for p in problems}
    for name, read in snapshot.reads.items():
        if not read.rows:
            continue
        found = validate_read(read, suites[f"raw_{read.entity.token}"], ctx.extra_columns.get(name, {}))
        # A value that could not be read is reported once, as a format problem, not again as missing.
        problems += [p for p in found if (p.file, p.row, p.column) not in already]
    return keep_first_of_duplicates(problems)
