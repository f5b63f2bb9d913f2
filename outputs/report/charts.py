"""The report's charts: suppressed frames in, static SVG out.

Charts are Vega-Lite specifications (altair) rendered to SVG by vl-convert, in process and offline. Each
chart function returns its SVG and the suppressed data it drew, in which a [c] point is a gap.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import vl_convert

from outputs.report.formatting import query_frame
from outputs.report.plans import COMPARATOR_GROUPS, code_labels
from outputs.report.scorecard import SCORECARD_SQL, indicator_names, small_rows, suppress_scorecard, withheld_totals
from outputs.report.suppression import OVER_COLUMNS, any_small, waiting_list_flags, with_secondary
from outputs.report.tables import placement_flags

# One window for every trend chart, monthly or weekly.
TREND_MONTHS = 24
FLOWS = ("lac_starts", "lac_ceased")


def _svg(chart: alt.TopLevelMixin) -> str:
    svg = vl_convert.vegalite_to_svg(chart.to_json())
    # The SVG is inlined in HTML: drop the XML prolog if there is one.
    return svg[svg.index("<svg") :]


def trend_start(period_end: date) -> date:
    """The day before the trend window opens (charts take dates after it)."""
    return (pd.Timestamp(period_end) - pd.DateOffset(months=TREND_MONTHS)).date()


def _months(con, sql: str, period_end: date, params: list | None = None) -> pd.DataFrame:
    frame = query_frame(con, sql, [trend_start(period_end), period_end, *(params or [])])
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    return frame


def _masked(frame: pd.DataFrame, flags: pd.Series, columns: list[str]) -> pd.DataFrame:
    masked = frame.copy()
    for column in columns:
        masked[column] = masked[column].astype(float)
        masked.loc[flags, column] = float("nan")
    return masked


def _indicator_trend(con, period_end: date, codes: list[str]) -> pd.DataFrame:
    """Scorecard totals of `codes` for the months of the trend, suppressed."""
    frame = _months(
        con,
        f"""
        select indicator_code, indicator_name, period_end, numerator, denominator, value, target_min, target_max, unit,
            comparator_england, comparator_region, comparator_stat_neighbours, comparator_wales
        from scorecard.scorecard_indicators
        where period_type = 'month' and breakdown_type = 'all' and period_end > ? and period_end <= ?
            and indicator_code in ({", ".join("?" for _ in codes)})
        order by period_end""",
        period_end,
        codes,
    )
    flags = small_rows(frame, "numerator", "denominator", "value") | withheld_totals(
        con, period_end, frame["indicator_code"], frame["period_end"]
    )
    return _masked(frame, flags, ["value", "numerator", "denominator"])


def _labelled(con, codes: pd.Series, code_list: str) -> pd.Series:
    """Codes as a councillor reads them (IFA -> Independent fostering agencies), from the code list's seed."""
    return codes.map(code_labels(con, code_list)).fillna(codes)


def _comparator_lines(frame: pd.DataFrame) -> alt.Chart | None:
    """The published comparators as dotted lines, named in the legend (context, never a target)."""
    columns = [f"comparator_{group}" for group in COMPARATOR_GROUPS]
    long = frame.melt(id_vars=["period_end", "indicator_name"], value_vars=columns, var_name="group", value_name="v")
    long = long.dropna(subset=["v"])
    if long.empty:
        return None
    long["comparator"] = long["group"].str.removeprefix("comparator_").map(COMPARATOR_GROUPS)
    if frame["indicator_name"].nunique() > 1:
        long["comparator"] = long["comparator"] + ": " + long["indicator_name"]
    return (
        alt.Chart(long)
        .mark_line(strokeDash=[2, 2])
        .encode(
            x=alt.X("period_end:T", title=None, axis=alt.Axis(format="%b %y")),
            y="v:Q",
            color=alt.Color("comparator:N", title="Comparators", legend=alt.Legend(orient="bottom", labelLimit=400)),
        )
    )


def chart_lac(con, period_end: date) -> tuple[str, pd.DataFrame]:
    frame = _indicator_trend(con, period_end, ["lac_count", "lac_rate_per_10k"])
    base = alt.Chart().encode(x=alt.X("period_end:T", title=None, axis=alt.Axis(format="%b %y")))
    count = frame[frame.indicator_code == "lac_count"]
    rate = frame[frame.indicator_code == "lac_rate_per_10k"]
    number = alt.layer(
        base.mark_line(point=True, color="#1d70b8").encode(y=alt.Y("value:Q", title="Children looked after")),
        base.mark_line(strokeDash=[6, 4], color="#d4351c").encode(y="target_max:Q"),
        data=count,
    ).properties(title="Number looked after (dashed: target at most)", width=330, height=200)
    layers = [
        base.mark_line(point=True, color="#1d70b8").encode(y=alt.Y("value:Q", title="Per 10,000 aged 0-17")),
        base.mark_line(strokeDash=[6, 4], color="#d4351c").encode(y="target_max:Q"),
    ]
    comparators = _comparator_lines(rate)
    per_10k = alt.layer(*layers, data=rate).properties(
        title="Rate per 10,000 (dashed: target at most, on its glide path)", width=330, height=200
    )
    if comparators is not None:
        per_10k = alt.layer(per_10k, comparators)
    return _svg(alt.hconcat(number, per_10k)), frame


def chart_flows(con, period_end: date) -> tuple[str, pd.DataFrame]:
    frame = _months(
        con,
        """
        select measure_code, period_end, numerator
        from lac.lac_measures
        where period_type = 'month' and breakdown_type = 'all' and period_end > ? and period_end <= ?
            and measure_code in (?, ?)
        order by period_end""",
        period_end,
        list(FLOWS),
    )
    flags = any_small(frame, ["numerator"]) | withheld_totals(
        con, period_end, frame["measure_code"], frame["period_end"]
    )
    frame = _masked(frame, flags, ["numerator"])
    frame["flow"] = frame["measure_code"].map(indicator_names(con, FLOWS))
    chart = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("period_end:T", title=None, axis=alt.Axis(format="%b %y")),
            y=alt.Y("numerator:Q", title="Children in the month"),
            color=alt.Color("flow:N", title=None, legend=alt.Legend(orient="bottom")),
        )
        .properties(width=700, height=220)
    )
    return _svg(chart), frame


def chart_placement_mix(con, period_end: date) -> tuple[str, pd.DataFrame]:
    frame = _months(
        con,
        """
        select period_end, breakdown_value as budget_line, numerator
        from lac.lac_measures
        where period_type = 'month' and measure_code = 'lac_by_placement_type' and breakdown_type = 'budget_line'
            and period_end > ? and period_end <= ?
        order by period_end, budget_line""",
        period_end,
    )
    # The lines add up to the number looked after, which the report shows; this month's as in lac_by_placement.
    flags = with_secondary(frame, any_small(frame, ["numerator"]), ["period_end"], "numerator")
    latest = frame["period_end"] == pd.Timestamp(period_end)
    if latest.any():
        lines = frame.loc[latest].assign(
            breakdown_type="budget_line", breakdown_value=frame["budget_line"], children=frame["numerator"]
        )
        flags.loc[latest] = placement_flags(con, period_end, lines)
    frame = _masked(frame, flags, ["numerator"])
    frame["budget_line_name"] = _labelled(con, frame["budget_line"], "finance_service_type")
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(period_end):O", title=None, axis=alt.Axis(format="%b %y", labelAngle=-45)),
            y=alt.Y("numerator:Q", title="Children looked after at month end", stack="zero"),
            color=alt.Color("budget_line_name:N", title="Budget line", legend=alt.Legend(columns=1, labelLimit=400)),
        )
        .properties(width=600, height=260)
    )
    return _svg(chart), frame


def chart_stability(con, period_end: date) -> tuple[str, pd.DataFrame]:
    frame = _indicator_trend(con, period_end, ["stability_3plus_placements_pct", "stability_long_term_pct"])
    base = alt.Chart(frame).encode(x=alt.X("period_end:T", title=None, axis=alt.Axis(format="%b %y")))
    chart = alt.layer(
        base.mark_line(point=True).encode(
            y=alt.Y("value:Q", title="% of children looked after (year to date)"),
            color=alt.Color("indicator_name:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=400)),
        ),
        base.mark_line(strokeDash=[6, 4], color="#d4351c").encode(y="target_max:Q"),
    ).properties(width=700, height=220, title="Dashed: target where one is set; dotted: comparators")
    comparators = _comparator_lines(frame)
    if comparators is not None:
        chart = alt.layer(chart, comparators).resolve_scale(color="independent")
    return _svg(chart), frame


def chart_edge_of_care(con, period_end: date) -> tuple[str, pd.DataFrame]:
    # The services as the indicator table shows them (they add up to its totals).
    frame = query_frame(con, SCORECARD_SQL, [period_end, "month"])
    frame = frame[frame["indicator_code"].isin(["edge_of_care_active", "edge_of_care_entered_care_12m_pct"])].copy()
    counts = ["numerator", "denominator", "previous_numerator", "previous_denominator"]
    frame[counts] = frame[counts].astype(float)
    _, current, _ = suppress_scorecard(frame)
    frame = _masked(frame, current, ["value", "numerator", "denominator"])
    frame = (
        frame[frame["breakdown_type"] == "service"]
        .rename(columns={"indicator_code": "measure_code", "breakdown_value": "service"})
        .sort_values("service")[["measure_code", "service", "numerator", "denominator", "value"]]
    )
    frame["service_name"] = _labelled(con, frame["service"], "edge_of_care_service")
    active = (
        alt.Chart(frame[frame.measure_code == "edge_of_care_active"])
        .mark_bar(color="#1d70b8")
        .encode(
            y=alt.Y("service_name:N", title="Service", axis=alt.Axis(labelLimit=300)),
            x=alt.X("numerator:Q", title="Children in an intervention"),
        )
        .properties(width=300, height=180, title="Active at month end")
    )
    outcome = (
        alt.Chart(frame[frame.measure_code == "edge_of_care_entered_care_12m_pct"])
        .mark_bar(color="#d4351c")
        .encode(
            y=alt.Y("service_name:N", title=None, axis=alt.Axis(labelLimit=300)),
            x=alt.X("value:Q", title="% entering care within 12 months"),
        )
        .properties(width=300, height=180, title="Entered care within 12 months (interventions 12-24 months ago)")
    )
    return _svg(alt.hconcat(active, outcome)), frame


def chart_camhs(con, period_end: date) -> tuple[str, pd.DataFrame]:
    start = trend_start(period_end)
    wide = query_frame(
        con,
        """
        select week_ending, pathway, waiting_list, waiting_over_18w, planned_waiting_list,
            waiting_over_12w, waiting_over_26w
        from camhs.camhs_weekly_waiting_list
        where priority = 'ALL' and looked_after = 'ALL' and pathway <> 'ALL' and week_ending > ? and week_ending <= ?
        order by pathway, week_ending""",
        [start, period_end],
    )
    wide["week_ending"] = pd.to_datetime(wide["week_ending"])
    # Each week as the CSV and the indicator table would show it (the total is published there).
    wide = _masked(wide, waiting_list_flags(wide, ["week_ending"]), ["waiting_list", "waiting_over_18w"])
    # The other thresholds decide what is withheld (the scorecard shows them); the chart draws 18 weeks.
    wide = wide.drop(columns=[c for c in OVER_COLUMNS if c != "waiting_over_18w"])
    frame = wide.melt(id_vars=["week_ending", "pathway"], var_name="series", value_name="children")
    frame["pathway_name"] = _labelled(con, frame["pathway"], "camhs_pathway")
    frame["series"] = frame["series"].map(
        {
            "waiting_list": "Waiting list",
            "waiting_over_18w": "Waiting over 18 weeks",
            "planned_waiting_list": "Planned trajectory",
        }
    )
    chart = (
        alt.Chart(frame)
        .mark_line()
        .encode(
            x=alt.X("week_ending:T", title=None, axis=alt.Axis(format="%b %y")),
            y=alt.Y("children:Q", title="Children waiting"),
            color=alt.Color(
                "series:N",
                title=None,
                legend=alt.Legend(orient="bottom"),
                scale=alt.Scale(
                    domain=["Waiting list", "Planned trajectory", "Waiting over 18 weeks"],
                    range=["#1d70b8", "#505a5f", "#d4351c"],
                ),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                legend=None,
                scale=alt.Scale(
                    domain=["Waiting list", "Planned trajectory", "Waiting over 18 weeks"],
                    range=[[1, 0], [6, 4], [1, 0]],
                ),
            ),
        )
        .properties(width=220, height=150)
        .facet(facet=alt.Facet("pathway_name:N", title=None), columns=3)
        .resolve_scale(y="independent")
    )
    return _svg(chart), frame


# The budget model's series as the committee reads them (finance_budget_model scenarios).
BUDGET_SERIES = {
    "actual": "Actual (priced by the model)",
    "do_nothing": "Do nothing (the last two years' trend)",
    "strategy": "Strategy (the LAC and placement-mix targets)",
    "budget": "Comparison budget",
}


def chart_budget_model(con, period_end: date) -> tuple[str, pd.DataFrame]:
    """Total modelled spend on the LAC placement lines by financial year: three actual years, then both
    scenarios from the base year, against the comparison budget. Money summed over every line, not
    counts of children, so nothing is suppressed (the 52-week equivalents are not drawn)."""
    totals = query_frame(
        con,
        """
        select scenario, financial_year, year_ahead, sum(projected_spend_gbp) as spend_gbp,
            sum(comparison_budget_gbp) as budget_gbp
        from finance.finance_budget_model
        group by scenario, financial_year, year_ahead
        order by year_ahead, scenario""",
        [],
    )
    actual = totals[totals["scenario"] == "actual"]
    base = actual[actual["year_ahead"] == 0]
    # Both projections start from the base year, so each line joins the actual one.
    spend = pd.concat(
        [actual, *(base.assign(scenario=s) for s in ("do_nothing", "strategy"))]
        + [totals[totals["scenario"] != "actual"]]
    )
    budget = totals.drop_duplicates("financial_year").assign(scenario="budget", spend_gbp=totals["budget_gbp"])
    frame = pd.concat([spend, budget])[["scenario", "financial_year", "year_ahead", "spend_gbp"]]
    frame["series"] = frame["scenario"].map(BUDGET_SERIES)
    frame["spend_gbp_m"] = frame["spend_gbp"].astype(float) / 1e6
    frame = frame.sort_values(["scenario", "year_ahead"]).reset_index(drop=True)
    series = list(BUDGET_SERIES.values())
    chart = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("financial_year:O", title="Financial year", sort=sorted(frame["financial_year"].unique())),
            y=alt.Y("spend_gbp_m:Q", title="Spend on LAC placement lines (£ million)"),
            color=alt.Color(
                "series:N",
                title=None,
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=400),
                scale=alt.Scale(domain=series, range=["#1d70b8", "#d4351c", "#00703c", "#505a5f"]),
            ),
            strokeDash=alt.StrokeDash(
                "series:N", legend=None, scale=alt.Scale(domain=series, range=[[1, 0], [6, 4], [6, 4], [2, 2]])
            ),
        )
        .properties(width=700, height=240)
    )
    return _svg(chart), frame


CHARTS = {
    "chart-lac": ("Children looked after: number and rate per 10,000 against target", chart_lac),
    "chart-flows": ("Entries to and exits from care", chart_flows),
    "chart-placement-mix": ("Placement mix by budget line", chart_placement_mix),
    "chart-stability": ("Placement stability", chart_stability),
    "chart-edge-of-care": ("Edge-of-care outcomes by service", chart_edge_of_care),
    "chart-camhs": ("CAMHS waiting list against trajectory, by pathway", chart_camhs),
    "chart-budget-model": (
        "LAC budget model: spend projected five years under do nothing and the strategy",
        chart_budget_model,
    ),
}
