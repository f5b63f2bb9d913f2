"""The truth, from the marts, keyed as the reader keys figures."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.report.disclosure.keys import (
    CAMHS_THRESHOLDS,
    scorecard_keys,
    week_of,
)


def load_truth(warehouse: Path) -> dict:
    con = duckdb.connect(str(warehouse), read_only=True)
    truth: dict = {}
    try:
        scorecard = con.execute(
            "select indicator_code, period_type, period_end, breakdown_type, breakdown_value, "
            "numerator, denominator, value from scorecard.scorecard_indicators"
        ).fetchall()
        for code, ptype, day, btype, bvalue, numerator, denominator, value in scorecard:
            num, den, kind = scorecard_keys(code, ptype, day, btype, bvalue)
            for key, figure in ((num, numerator), (den, denominator)):
                if key is not None and figure is not None:
                    truth[key] = float(figure)
            if kind == "gap" and value is not None:
                truth[("camhs_gap", week_of(day), bvalue if btype != "all" else "ALL")] = float(value)
        weekly = con.execute(
            "select week_ending, pathway, waiting_list, waiting_over_18w, planned_waiting_list, "
            "trajectory_gap, waiting_over_12w, waiting_over_26w "
            "from camhs.camhs_weekly_waiting_list where priority = 'ALL' and looked_after = 'ALL'"
        ).fetchall()
        for week, pathway, waiting, over, planned, gap, over_12w, over_26w in weekly:
            truth[("camhs_list", week, pathway)] = float(waiting)
            overs = (over_12w, over, over_26w)
            for i, ((over_name, under_name), figure) in enumerate(zip(CAMHS_THRESHOLDS, overs, strict=True)):
                truth[(over_name, week, pathway)] = float(figure)
                truth[(under_name, week, pathway)] = float(waiting - figure)
                if i + 1 < len(overs):
                    truth[(f"camhs_band_{i}", week, pathway)] = float(figure - overs[i + 1])
            if planned is not None:
                truth[("camhs_planned", week, pathway)] = float(planned)
                truth[("camhs_gap", week, pathway)] = float(gap)
        lac = con.execute(
            "select measure_code, period_type, period_end, breakdown_type, breakdown_value, "
            "numerator, denominator from lac.lac_measures "
            "where period_type in ('month', 'financial_year')"
        ).fetchall()
        for code, ptype, day, btype, bvalue, numerator, _ in lac:
            if code == "lac_by_placement_type":
                truth[("lac_line", day, btype, bvalue)] = float(numerator)
            elif code == "lac_count" and btype == "all":
                truth[("lac", day)] = float(numerator)
            elif code == "lac_starts" and btype == "all":
                truth[("starts", ptype, day, "ALL")] = float(numerator)
            elif code == "lac_ceased":
                truth[("ceased", ptype, day, bvalue if btype != "all" else "ALL")] = float(numerator)
        eoc = con.execute(
            "select measure_code, period_type, period_end, breakdown_type, breakdown_value, numerator, "
            "denominator from edge_of_care.edge_of_care_measures"
        ).fetchall()
        for code, ptype, day, btype, bvalue, numerator, denominator in eoc:
            p = bvalue if btype != "all" else "ALL"
            if code == "edge_of_care_active":
                truth[("eoc_active", day, p)] = float(numerator)
            elif code == "edge_of_care_entered_care_12m_pct":
                truth[("eoc_entered", ptype, day, p)] = float(numerator)
                truth[("eoc_interventions", ptype, day, p)] = float(denominator)
        kad = con.execute(
            "select reporting_month_end, service_type, snapshot_placements, yearly_average_placements, "
            "budgeted_placements, variance_placements, projected_spend_gbp, weeks_funded, "
            "actual_weekly_cost_gbp, budget_weekly_cost_gbp, variance_weekly_cost_gbp "
            "from finance.finance_key_activity_data"
        ).fetchall()
        for day, line, snapshot, average, budgeted, variance, spend, weeks, actual, budget_wk, var_wk in kad:
            for name, figure in (
                ("kad_snapshot", snapshot),
                ("kad_avg", average),
                ("kad_budgeted", budgeted),
                ("kad_var", variance),
                ("kad_spend", spend),
                ("kad_weeks", weeks),
                ("kad_actual_wk", actual),
                ("kad_budget_wk", budget_wk),
                ("kad_var_wk", var_wk),
            ):
                if figure is not None:
                    truth[(name, day, line)] = float(figure)
    finally:
        con.close()
    return truth
