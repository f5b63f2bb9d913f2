"""LAC measures against hand-worked cases.

tests/fixtures/lac_cases holds 23 hand-made children, each a case from the issue (a V3-only child,
a same-day X1 change, leaving and re-entering, a T4 and a return, a child 16 on 31 March, a review
one working day late across Christmas, placements 20.0 and 20.1 miles away, ...); its README says
which child is which. expected_measures.csv was worked out from MEASURES.md and DOMAIN.md alone,
without the SQL, with the derivation of every figure in its `working` column. The fixture goes
through the real load gate and the real dbt build.
"""

import shutil
from pathlib import Path

import pytest

from expectations.run import gate
from tests.dbt.registry import measures_of
from tests.support.expected import assert_matches, read_expected
from tests.support.warehouse import dbt_build, load_landing

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "lac_cases"
KEY = ("measure_code", "period_type", "period_end", "breakdown_type", "breakdown_value")


@pytest.fixture(scope="module")
def lac_cases(reference_warehouse, tmp_path_factory):
    work = tmp_path_factory.mktemp("lac_cases")
    warehouse = work / "warehouse.duckdb"
    shutil.copy(reference_warehouse, warehouse)
    load_landing(warehouse, CASES / "landing", gate=gate)
    dbt_build(warehouse, "+path:models/marts/lac", work)
    return warehouse


def test_every_expected_row_and_no_other(lac_cases):
    expected = read_expected(CASES / "expected_measures.csv", KEY)
    periods = " or ".join(sorted({f"(period_type = '{k[1]}' and period_end = date '{k[2]}')" for k in expected}))
    assert_matches(
        lac_cases,
        f"select * from lac.lac_measures where {periods}",
        expected,
        KEY,
        exact=("numerator", "denominator", "not_known_count"),
        approx=("value",),
    )


def test_every_measure_has_at_least_two_hand_worked_cases():
    expected = read_expected(CASES / "expected_measures.csv", KEY)
    codes = {k[0] for k in expected}
    assert codes == measures_of("lac_measures"), "the cases cover every registered LAC measure, and no other"
    for code in codes:
        # Two independent figures per measure: different periods or breakdowns with a non-zero count.
        figures = [k for k, row in expected.items() if k[0] == code and row["numerator"] not in ("", "0")]
        assert len(figures) >= 2, code
