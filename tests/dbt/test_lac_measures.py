"""LAC measures against hand-worked cases.

tests/fixtures/lac_cases holds 23 hand-made children, each a case from the issue (a V3-only child,
a same-day X1 change, leaving and re-entering, a T4 and a return, a child 16 on 31 March, a review
one working day late across Christmas, placements 20.0 and 20.1 miles away, ...); its README says
which child is which. expected_measures.csv was worked out from MEASURES.md and DOMAIN.md alone,
without the SQL, with the derivation of every figure in its `working` column. The fixture goes
through the real load gate and the real dbt build.
"""

import csv
import math
import shutil
from pathlib import Path

import pytest

from expectations.run import gate
from ingest.load import connect
from tests.support.warehouse import dbt_build, load_landing

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "lac_cases"
KEY = ("measure_code", "period_type", "period_end", "breakdown_type", "breakdown_value")


def _expected() -> dict[tuple, dict]:
    with open(CASES / "expected_measures.csv", newline="", encoding="utf-8") as f:
        return {tuple(row[k] for k in KEY): row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def lac_cases(reference_warehouse, tmp_path_factory):
    work = tmp_path_factory.mktemp("lac_cases")
    warehouse = work / "warehouse.duckdb"
    shutil.copy(reference_warehouse, warehouse)
    load_landing(warehouse, CASES / "landing", gate=gate)
    dbt_build(warehouse, "+path:models/marts/lac", work)
    return warehouse


def _actual(warehouse: Path, periods: set[tuple[str, str]]) -> dict[tuple, tuple]:
    with connect(warehouse, read_only=True) as con:
        rows = con.execute(
            "select measure_code, period_type, cast(period_end as varchar), breakdown_type, breakdown_value, "
            "numerator, denominator, value, not_known_count from lac.lac_measures"
        ).fetchall()
    return {r[:5]: r[5:] for r in rows if (r[1], r[2]) in periods}


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


def test_every_expected_row_and_no_other(lac_cases):
    expected = _expected()
    periods = {(k[1], k[2]) for k in expected}
    actual = _actual(lac_cases, periods)
    assert sorted(set(actual) - set(expected)) == [], "rows the hand-worked cases do not expect"
    assert sorted(set(expected) - set(actual)) == [], "hand-worked rows missing from lac_measures"
    wrong = []
    for key, row in expected.items():
        numerator, denominator, value, not_known = actual[key]
        want = (_number(row["numerator"]), _number(row["denominator"]), _number(row["not_known_count"]))
        got = (numerator, denominator, not_known)
        value_ok = (value is None) == (_number(row["value"]) is None) and (
            value is None or math.isclose(value, _number(row["value"]), abs_tol=1e-3))
        if got != want or not value_ok:
            wrong.append(f"{key}: expected {row['numerator']}/{row['denominator']}={row['value']} "
                         f"(not known {row['not_known_count']}), got {numerator}/{denominator}={value} "
                         f"(not known {not_known}); working: {row['working']}")
    assert not wrong, "\n".join(wrong)


def test_every_measure_has_at_least_two_hand_worked_cases():
    expected = _expected()
    codes = {k[0] for k in expected}
    assert len(codes) == 14
    for code in codes:
        # Two independent figures per measure: different periods or breakdowns with a non-zero count.
        figures = [k for k, row in expected.items() if k[0] == code and row["numerator"] not in ("", "0")]
        assert len(figures) >= 2, code
