"""Compare a mart with hand-worked expected rows (a CSV with a `working` column explaining each)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

from warehouse.connection import connect_duckdb


def read_expected(path: Path, key: tuple[str, ...]) -> dict[tuple, dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return {tuple(row[k] for k in key): row for row in csv.DictReader(f)}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _same(got, want: str, approx: bool, tolerance: float) -> bool:
    if want.strip() == "" or got is None:
        return want.strip() == "" and got is None
    if approx:
        return math.isclose(float(got), float(want), abs_tol=tolerance)
    if isinstance(got, bool):
        return _text(got) == want.strip().lower()
    if isinstance(got, int | float):
        return math.isclose(float(got), float(want), abs_tol=1e-9)
    return _text(got) == want


def assert_matches(
    warehouse: Path,
    sql: str,
    expected: dict[tuple, dict],
    key: tuple[str, ...],
    exact: tuple[str, ...],
    approx: tuple[str, ...] = (),
    tolerance: float = 1e-3,
) -> None:
    """The rows `sql` returns for the keys' scope equal the expected rows: same keys, same values.

    `approx` columns may differ by `tolerance` (the hand-worked figures are rounded: 4 dp, or pence).
    """
    with connect_duckdb(warehouse, read_only=True) as con:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    actual = {tuple(_text(r[k]) for k in key): r for r in rows}
    assert sorted(set(actual) - set(expected)) == [], "rows the hand-worked cases do not expect"
    assert sorted(set(expected) - set(actual)) == [], "hand-worked rows missing from the mart"
    wrong = [
        f"{k} {column}: expected {row[column]!r}, got {actual[k][column]!r}; working: {row.get('working', '')}"
        for k, row in expected.items()
        for column in exact + approx
        if not _same(actual[k][column], row[column], column in approx, tolerance)
    ]
    assert not wrong, "\n".join(wrong)
