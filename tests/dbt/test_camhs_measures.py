"""CAMHS waiting times against hand-worked cases.

tests/fixtures/camhs_cases holds 28 hand-made referrals, each a case from the issue (waits of exactly
126 and 127 days, a discharge the day before first contact, a referral received on a week-ending
Sunday, urgent eating-disorder treatment on day 7 and day 8, a week with the ADHD list closed, ...);
its README says which referral is which. The expected rows were worked out from MEASURES.md and
DOMAIN.md 4.9 without the SQL; the fixture goes through the real gate and dbt build.
"""

import shutil
from pathlib import Path

import pytest

from expectations.run import gate
from tests.dbt.registry import measures_of
from tests.support.expected import assert_matches, read_expected
from tests.support.warehouse import dbt_build, load_landing

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "camhs_cases"
WEEKLY_KEY = ("week_ending", "pathway", "priority", "looked_after")
MEASURE_KEY = ("measure_code", "period_type", "period_end", "breakdown_type", "breakdown_value")


@pytest.fixture(scope="module")
def camhs_cases(reference_warehouse, tmp_path_factory):
    work = tmp_path_factory.mktemp("camhs_cases")
    warehouse = work / "warehouse.duckdb"
    shutil.copy(reference_warehouse, warehouse)
    load_landing(warehouse, CASES / "landing", gate=gate)
    dbt_build(warehouse, "+path:models/marts/camhs", work)
    return warehouse


def test_weekly_waiting_list(camhs_cases):
    expected = read_expected(CASES / "expected_weekly.csv", WEEKLY_KEY)
    weeks = ", ".join(sorted({f"date '{k[0]}'" for k in expected}))
    assert_matches(
        camhs_cases,
        f"select * from camhs.camhs_weekly_waiting_list where week_ending in ({weeks})",
        expected,
        WEEKLY_KEY,
        exact=(
            "waiting_list",
            "waiting_over_18w",
            "waiting_0_4w",
            "waiting_4_12w",
            "waiting_12_18w",
            "waiting_18_52w",
            "waiting_52w_plus",
            "waiting_0_12w",
            "waiting_18_27w",
            "waiting_27_52w",
            "waiting_over_27w",
            "planned_waiting_list",
            "trajectory_gap",
            "is_list_closed",
        ),
        approx=("pct_waiting_under_18w",),
    )


def test_monthly_and_yearly_measures(camhs_cases):
    expected = read_expected(CASES / "expected_measures.csv", MEASURE_KEY)
    periods = " or ".join(sorted({f"(period_type = '{k[1]}' and period_end = date '{k[2]}')" for k in expected}))
    assert_matches(
        camhs_cases,
        f"select * from camhs.camhs_measures where {periods}",
        expected,
        MEASURE_KEY,
        exact=("numerator", "denominator"),
        approx=("value",),
    )


def test_every_measure_has_at_least_two_hand_worked_cases():
    expected = read_expected(CASES / "expected_measures.csv", MEASURE_KEY)
    assert {k[0] for k in expected} == measures_of("camhs_measures"), "every registered camhs_measures code, no other"
    for code in {k[0] for k in expected}:
        figures = [row for k, row in expected.items() if k[0] == code and (row["value"] or "0") not in ("0", "0.0000")]
        assert len(figures) >= 2, code


def test_wait_bands_and_over_12_26_27_weeks(camhs_cases):
    """The DOMAIN.md 4.9 bands, the over-27-weeks figure and the staged targets' over 12 and 26 weeks, worked from
    the 2025-03-30 list's days."""
    expected = read_expected(CASES / "expected_waiting_list_measures.csv", MEASURE_KEY)
    codes = ", ".join(sorted({f"'{k[0]}'" for k in expected}))
    assert_matches(
        camhs_cases,
        "select * from camhs.camhs_waiting_list_measures where period_end = date '2025-03-31'"
        f" and period_type in ('month', 'financial_year') and measure_code in ({codes})",
        expected,
        MEASURE_KEY,
        exact=("numerator", "denominator"),
        approx=("value",),
    )
