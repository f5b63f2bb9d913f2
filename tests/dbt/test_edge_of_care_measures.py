"""Case (referral, CIN, CP) and edge-of-care measures against hand-worked cases.

tests/fixtures/case_cases reuses the LAC children and adds case-system children, each a case from the
issue (referrals 365 and 366 days apart, a case closed and reopened the same day, interventions starting
12 months and 12 months and a day before period end, care entered on day 365 and day 366, overlapping
CIN and CP plans, a second CP plan, a return home); its README says which child is which. The expected
rows were worked out from MEASURES.md and DOMAIN.md without the SQL; the fixture goes through the real
gate and dbt build. Each expected row is checked in the mart the measure registry names as its source.
"""

import shutil
from pathlib import Path

import pytest

from expectations.run import gate
from tests.dbt.registry import measures_of
from tests.support.expected import assert_matches, read_expected
from tests.support.warehouse import dbt_build, load_landing

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "case_cases"
MEASURE_KEY = ("measure_code", "period_type", "period_end", "breakdown_type", "breakdown_value")
FLAG_KEY = ("child_id", "flag_start")
MARTS = {
    "case_measures": "case_management.case_measures",
    "edge_of_care_measures": "edge_of_care.edge_of_care_measures",
}


@pytest.fixture(scope="module")
def case_cases(reference_warehouse, tmp_path_factory):
    work = tmp_path_factory.mktemp("case_cases")
    warehouse = work / "warehouse.duckdb"
    shutil.copy(reference_warehouse, warehouse)
    load_landing(warehouse, CASES / "landing", gate=gate)
    dbt_build(warehouse, "+path:models/marts/edge_of_care +path:models/marts/case", work)
    return warehouse


@pytest.mark.parametrize("source", sorted(MARTS))
def test_measures(case_cases, source):
    every = read_expected(CASES / "expected_measures.csv", MEASURE_KEY)
    # The periods of every case, so that each mart is held to "no other row" over all of them.
    periods = " or ".join(sorted({f"(period_type = '{k[1]}' and period_end = date '{k[2]}')" for k in every}))
    codes = measures_of(source)
    expected = {k: row for k, row in every.items() if k[0] in codes}
    assert_matches(
        case_cases,
        f"select * from {MARTS[source]} where {periods}",
        expected,
        MEASURE_KEY,
        exact=("numerator", "denominator"),
        approx=("value",),
    )


def test_the_cases_cover_every_registered_measure_of_the_marts():
    expected = read_expected(CASES / "expected_measures.csv", MEASURE_KEY)
    assert {k[0] for k in expected} == set().union(*(measures_of(source) for source in MARTS))


def test_edge_of_care_flag_intervals(case_cases):
    expected = read_expected(CASES / "expected_flag_intervals.csv", FLAG_KEY)
    children = ", ".join(sorted({f"'{k[0]}'" for k in expected}))
    assert_matches(
        case_cases,
        f"select * from edge_of_care.edge_of_care_flag_intervals where child_id in ({children})",
        expected,
        FLAG_KEY,
        exact=("flag_end",),
    )


def test_every_measure_has_at_least_two_hand_worked_cases():
    expected = read_expected(CASES / "expected_measures.csv", MEASURE_KEY)
    for code in {k[0] for k in expected}:
        figures = [row for k, row in expected.items() if k[0] == code and row["numerator"] not in ("", "0")]
        assert len(figures) >= 2, code
