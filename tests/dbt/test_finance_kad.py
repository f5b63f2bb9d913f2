"""Key activity data against a hand-worked table.

tests/fixtures/finance_cases reuses the LAC children with hand-made commitments and budgets, each a
case from the issue (a commitment open across the year end, one ending mid-month, an open-ended one,
a 55-week line, a line with no budgeted placements, a variance exactly at the 2% commentary threshold,
a planned end date, a late start); its README says which. expected_kad.csv was worked out from
MEASURES.md and DOMAIN.md 4.10 without the SQL; the fixture goes through the real gate and dbt build.
"""

import shutil
from pathlib import Path

import pytest

from expectations.run import gate
from tests.support.expected import assert_matches, read_expected
from tests.support.warehouse import dbt_build, load_landing
from warehouse.connection import connect_duckdb

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "finance_cases"
KEY = ("reporting_month_end", "row_type", "service_type")
# The hand-worked file names money columns as the report does; the mart adds _gbp.
RENAMED = {
    "annual_budget": "annual_budget_gbp",
    "budget_weekly_cost": "budget_weekly_cost_gbp",
    "projected_spend": "projected_spend_gbp",
    "actual_weekly_cost": "actual_weekly_cost_gbp",
    "variance_spend": "variance_spend_gbp",
    "variance_weekly_cost": "variance_weekly_cost_gbp",
}


@pytest.fixture(scope="module")
def finance_cases(reference_warehouse, tmp_path_factory):
    work = tmp_path_factory.mktemp("finance_cases")
    warehouse = work / "warehouse.duckdb"
    shutil.copy(reference_warehouse, warehouse)
    load_landing(warehouse, CASES / "landing", gate=gate)
    dbt_build(warehouse, "+path:models/marts/finance", work)
    return warehouse


def test_key_activity_data_matches_the_hand_worked_table(finance_cases):
    expected = {
        k: {RENAMED.get(c, c): v for c, v in row.items()}
        for k, row in read_expected(CASES / "expected_kad.csv", KEY).items()
    }
    months = ", ".join(sorted({f"date '{k[0]}'" for k in expected}))
    assert_matches(
        finance_cases,
        f"select * from finance.finance_key_activity_data where reporting_month_end in ({months})",
        expected,
        KEY,
        exact=("budgeted_placements", "weeks_funded", "snapshot_placements", "needs_commentary"),
        approx=(
            "annual_budget_gbp",
            "budget_weekly_cost_gbp",
            "yearly_average_placements",
            "projected_spend_gbp",
            "actual_weekly_cost_gbp",
            "variance_placements",
            "variance_spend_gbp",
            "variance_weekly_cost_gbp",
        ),
        # Money is worked to the penny and averages to 4 dp; variances come from unrounded figures.
        tolerance=0.011,
    )


def test_budget_model_has_every_line_in_every_scenario_and_prices_non_block_lines(finance_cases):
    """Structure the hand-worked budget model cases (test_budget_model.py) take for granted: each model
    line has its three actual years and both scenarios for five years, adoption allowances are not a
    model line, and a non-block line's spend is its equivalents times its unit cost (a line with no base-year
    activity and no configured cost has none)."""
    with connect_duckdb(finance_cases, read_only=True) as con:
        rows = con.execute(
            "select scenario, year_ahead, service_type, modelled_52_week_equivalents, uasc_52_week_equivalents, "
            "unit_annual_cost_gbp, cost_basis, projected_spend_gbp, comparison_budget_gbp, variance_gbp "
            "from finance.finance_budget_model"
        ).fetchall()
    lines = {r[2] for r in rows}
    assert "ADOPTION_SGO" not in lines and {"IFA", "RES_HOME"} <= lines
    expected = {("actual", k) for k in (-2, -1, 0)} | {(s, k) for s in ("do_nothing", "strategy") for k in range(1, 6)}
    for line in lines:
        assert {(r[0], r[1]) for r in rows if r[2] == line} == expected, line
    for scenario, _, _, modelled, uasc, unit, basis, spend, budget, variance in rows:
        assert (uasc is None) == (scenario != "actual")
        if basis != "block" and modelled and unit is not None:
            assert spend == pytest.approx(modelled * unit)
        if spend is not None:
            assert variance == pytest.approx(spend - budget)


def test_high_cost_placements_are_the_live_commitments_ranked_by_cost(finance_cases):
    """The 14 commitments live on Sunday 2025-04-27 (the finance extract is Wednesday 2025-04-30), ranked
    by weekly cost, worked by hand in expected_high_cost.csv (eight that ended before it are left out)."""
    key = ("as_at_date", "cost_rank")
    assert_matches(
        finance_cases,
        "select * from finance.finance_high_cost_placements",
        read_expected(CASES / "expected_high_cost.csv", key),
        key,
        exact=(
            "commitment_id",
            "child_id",
            "provider_id",
            "service_type",
            "provider_type",
            "start_date",
            "end_date",
            "weeks_in_placement",
        ),
        approx=("weekly_cost_gbp",),
        tolerance=0.001,
    )
