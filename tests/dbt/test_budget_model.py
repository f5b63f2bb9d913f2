"""The budget model (DOMAIN.md 4.10 last bullet, issue 23 item 4) against a hand-worked table.

tests/fixtures/budget_model_cases reuses the LAC children (plus four care leavers) with hand-made
commitments and budgets, each a case of the definition: a commitment across two year ends and the leap
year, a UASC status ending mid-year, a case-system UASC child, staying put (REC E17 ending the latest
period; UASC first) beside a care leaver who is not, an adoption allowance outside the model, in-house
residential as a block cost, a falling do-nothing trend floored at 0, budgets carried into later years; its
README says which.
glide_landing/ (extract 2019-04-30) has no commitment in its first actual year and projects through the
lac_count and mix glide paths. The expected files were worked out from the definition without the SQL; both
sets go through the real gate and dbt build.
"""

import shutil
from pathlib import Path

import pytest

from expectations.run import gate
from tests.support.expected import assert_matches, read_expected
from tests.support.warehouse import dbt_build, load_landing
from warehouse.connection import connect_duckdb

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "budget_model_cases"
KEY = ("scenario", "financial_year", "service_type")
TEXT = ("year_ahead", "kad_group", "cost_basis")
MONEY = ("unit_annual_cost_gbp", "projected_spend_gbp", "comparison_budget_gbp", "variance_gbp")
EQUIVALENTS = ("modelled_52_week_equivalents", "uasc_52_week_equivalents", "staying_put_52_week_equivalents")
# KAD variance at 2025-03-31 of the external and in-house lines, worked in the README; the adoption line's
# -3,320.00 must stay out of it.
PLACEMENTS_VARIANCE_FY0 = -303871.77


COLUMNS = pytest.mark.parametrize(
    ("columns", "tolerance"),
    [(MONEY, 0.011), (EQUIVALENTS, 0.0001)],
    ids=["money to the penny", "equivalents to 4 dp"],
)


def _built(landing: Path, reference_warehouse: Path, work: Path) -> Path:
    warehouse = work / "warehouse.duckdb"
    shutil.copy(reference_warehouse, warehouse)
    load_landing(warehouse, landing, gate=gate)
    dbt_build(warehouse, "+path:models/marts/finance", work)
    return warehouse


@pytest.fixture(scope="module")
def budget_model_cases(reference_warehouse, tmp_path_factory):
    return _built(CASES / "landing", reference_warehouse, tmp_path_factory.mktemp("budget_model_cases"))


@pytest.fixture(scope="module")
def budget_model_glide(reference_warehouse, tmp_path_factory):
    return _built(CASES / "glide_landing", reference_warehouse, tmp_path_factory.mktemp("budget_model_glide"))


def _assert_model(warehouse: Path, expected: str, columns: tuple[str, ...], tolerance: float) -> None:
    assert_matches(
        warehouse,
        "select * from finance.finance_budget_model",
        read_expected(CASES / expected, KEY),
        KEY,
        exact=TEXT,
        approx=columns,
        tolerance=tolerance,
    )


@COLUMNS
def test_budget_model_matches_the_hand_worked_table(budget_model_cases, columns, tolerance):
    _assert_model(budget_model_cases, "expected_budget_model.csv", columns, tolerance)


@COLUMNS
def test_budget_model_follows_the_glide_paths_and_the_one_year_trend(budget_model_glide, columns, tolerance):
    """FY0 2018-19: 2019-20's strategy uses the scorecard's March 2020 targets (lac_count 464.2, in-house
    fostering 48.5%, IFA 24.7%); 2016-17 has no commitment days, so the trend is T(FY0) - T(FY-1)."""
    _assert_model(budget_model_glide, "expected_budget_model_glide.csv", columns, tolerance)


def test_placements_forecast_variance_leaves_adoption_out(budget_model_cases):
    with connect_duckdb(budget_model_cases, read_only=True) as con:
        rows = con.execute(
            "select period_type, value from finance.finance_measures "
            "where measure_code = 'placements_forecast_variance_gbp' and period_end = date '2025-03-31' "
            "and period_type in ('month', 'financial_year') and breakdown_type = 'all'"
        ).fetchall()
    assert dict(rows) == {
        "month": pytest.approx(PLACEMENTS_VARIANCE_FY0, abs=0.011),
        "financial_year": pytest.approx(PLACEMENTS_VARIANCE_FY0, abs=0.011),
    }
