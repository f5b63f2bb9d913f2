"""`is_total` tells a naive SUM which rows to leave out: summing the rows where it is false gives the total
row, on the default synthetic history, for tables whose breakdowns partition their total."""

import pytest

from warehouse.connection import connect_duckdb

MEASURE_MARTS = [
    "lac.lac_measures",
    "case_management.case_measures",
    "edge_of_care.edge_of_care_measures",
    "camhs.camhs_measures",
    "camhs.camhs_waiting_list_measures",
    "finance.finance_measures",
    "scorecard.scorecard_indicators",
]


@pytest.fixture(scope="module")
def con(synthetic_warehouse):
    with connect_duckdb(synthetic_warehouse, read_only=True) as connection:
        yield connection


@pytest.mark.parametrize("table", MEASURE_MARTS)
def test_is_total_marks_exactly_the_all_rows(con, table):
    wrong, totals = con.execute(
        f"select count(*) filter (where is_total <> (breakdown_type = 'all')), count(*) filter (where is_total) "
        f"from {table}"
    ).fetchone()
    assert wrong == 0 and totals > 0


def test_placement_types_sum_to_the_children_looked_after(con):
    # Each child looked after at period end is in exactly one placement type.
    compared, mismatched = con.execute(
        """
        with parts as (
            select period_type, period_end, breakdown_type, sum(numerator) as parts
            from lac.lac_measures
            where measure_code = 'lac_by_placement_type' and not is_total
            group by period_type, period_end, breakdown_type
        ),
        totals as (
            select period_type, period_end, numerator as whole
            from lac.lac_measures where measure_code = 'lac_count' and is_total
        )
        select count(*), count(*) filter (where parts <> whole)
        from parts join totals using (period_type, period_end)"""
    ).fetchone()
    assert compared > 0 and mismatched == 0


def test_key_activity_lines_sum_to_the_total_row(con):
    rows = con.execute(
        """
        select reporting_month_end, sum(snapshot_placements) filter (where not is_total),
            sum(snapshot_placements) filter (where row_type = 'total')
        from finance.finance_key_activity_data group by reporting_month_end"""
    ).fetchall()
    assert rows and all(lines == total for _, lines, total in rows)


def test_the_waiting_list_rows_sum_to_the_all_row(con):
    rows = con.execute(
        """
        select week_ending, sum(waiting_list) filter (where not is_total),
            sum(waiting_list) filter (where pathway = 'ALL' and priority = 'ALL' and looked_after = 'ALL')
        from camhs.camhs_weekly_waiting_list group by week_ending"""
    ).fetchall()
    assert rows and all(parts == whole for _, parts, whole in rows)
