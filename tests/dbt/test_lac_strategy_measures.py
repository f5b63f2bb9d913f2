"""lac_strategy_measures against hand-worked cases.

tests/fixtures/lac_strategy_cases holds nine hand-made children (its README says which case each is:
re-entry inside, outside and on the 12-month boundary, UASC at start and at period end, E4A and E4B
leavers, 16+ stays of 21, 40, 91 and 198 days). expected_measures.csv was worked out from the registry
definitions before the SQL was written, with the derivation in its `working` column. The children go
through the real load gate and the real dbt build; the other sources come from lac_cases.
"""

import shutil
from pathlib import Path

import pytest

from expectations.run import gate
from tests.dbt.registry import measures_of
from tests.support.expected import assert_matches, read_expected
from tests.support.warehouse import dbt_build, load_landing

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CASES = FIXTURES / "lac_strategy_cases"
KEY = ("measure_code", "period_type", "period_end", "breakdown_type", "breakdown_value")


@pytest.fixture(scope="module")
def strategy_cases(reference_warehouse, tmp_path_factory):
    work = tmp_path_factory.mktemp("lac_strategy_cases")
    landing = work / "landing"
    shutil.copytree(FIXTURES / "lac_cases" / "landing", landing, ignore=shutil.ignore_patterns("placements"))
    shutil.copytree(CASES / "placements", landing / "placements")
    warehouse = work / "warehouse.duckdb"
    shutil.copy(reference_warehouse, warehouse)
    load_landing(warehouse, landing, gate=gate)
    dbt_build(warehouse, "+lac_strategy_measures", work)
    return warehouse


def test_every_expected_row_and_no_other(strategy_cases):
    expected = read_expected(CASES / "expected_measures.csv", KEY)
    periods = " or ".join(sorted({f"(period_type = '{k[1]}' and period_end = date '{k[2]}')" for k in expected}))
    assert_matches(
        strategy_cases,
        f"select * from lac.lac_strategy_measures where {periods}",
        expected,
        KEY,
        exact=("numerator", "denominator"),
        approx=("value",),
    )


def test_every_measure_is_hand_worked():
    expected = read_expected(CASES / "expected_measures.csv", KEY)
    assert {k[0] for k in expected} == measures_of("lac_strategy_measures")
