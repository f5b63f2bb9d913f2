"""Two builds of the same snapshots compared table by table, row for row: an incremental night against a full
rebuild (tests/e2e/test_incremental_night.py at scale 1, benchmarks/nightly.py at scale 10)."""

from __future__ import annotations

import math
from pathlib import Path

from warehouse.connection import connect_duckdb


def _tables(con, catalog: str) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        "select schema_name || '.' || table_name, column_name, data_type from duckdb_columns() "
        "where database_name = ? and schema_name <> 'raw' order by 1, column_index",
        [catalog],
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


def _differences(con, table: str, columns: list[tuple[str, str]]) -> tuple[int, int]:
    """(rows only in the rebuild, rows only in the incremental night); floats equal to 1e-9 of their size, as two
    builds of the same rows may sum them in another order."""
    missing, extra = (
        con.execute(f"select count(*) from (from {a}.{table} except all from {b}.{table})").fetchone()[0]
        for a, b in (("rebuilt", "incremental"), ("incremental", "rebuilt"))
    )
    if (missing, extra) == (0, 0) or not any(t in ("DOUBLE", "FLOAT") for _, t in columns):
        return missing, extra
    rebuilt, incremental = (
        con.execute(f"from {db}.{table} order by all").fetchall() for db in ("rebuilt", "incremental")
    )
    unequal = len(rebuilt) != len(incremental) or any(
        not all(
            x == y or (isinstance(x, float) and math.isclose(x, y, rel_tol=1e-9)) for x, y in zip(r, i, strict=True)
        )
        for r, i in zip(rebuilt, incremental, strict=False)
    )
    return (missing, extra) if unequal else (0, 0)


def compare_builds(incremental: Path, rebuilt: Path, scratch: Path) -> tuple[dict, dict[str, tuple[int, int]]]:
    """Every table but raw's in both files: (the rebuild's tables with their columns, {table: (rows only in the
    rebuild, rows only in the incremental night)} for each that differs, or for a table one of them lacks)."""
    with connect_duckdb(scratch) as con:
        con.execute(f"attach '{incremental}' as incremental (read_only)")
        con.execute(f"attach '{rebuilt}' as rebuilt (read_only)")
        tables, theirs = _tables(con, "rebuilt"), _tables(con, "incremental")
        differences = {t: (-1, -1) for t in tables.keys() ^ theirs.keys()}
        differences |= {t: (-1, -1) for t in tables.keys() & theirs.keys() if tables[t] != theirs[t]}
        for table in tables.keys() & theirs.keys() - differences.keys():
            found = _differences(con, table, tables[table])
            if found != (0, 0):
                differences[table] = found
    return tables, differences
