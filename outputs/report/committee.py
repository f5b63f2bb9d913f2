"""The committee's monthly finance and performance report, from the published marts.

    write_report(settings) -> Report

Reads the warehouse read-only and writes, for the latest complete month (or the one asked for):

    reports/committee/<YYYY-MM>/committee_report.html   self-contained: inline CSS and SVG, no scripts
    reports/committee/<YYYY-MM>/committee_report.pdf    the same page printed by headless Chromium
    exports/publication/<YYYY-MM>/*.csv                 the scorecard and headline tables for publication

Every figure goes through outputs.report.suppression first, so the HTML, the PDF, the charts and the
CSV files carry the same [c], [z] and [x]. Charts are Vega-Lite specifications (altair) rendered to
static SVG by vl-convert, in process and offline.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import altair as alt
import jinja2
import pandas as pd
import vl_convert

from outputs.report.suppression import (
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    SUPPRESSED,
    any_small,
    is_small,
    key_activity_flags,
    publish_cells,
    scorecard_flags,
    waiting_list_flags,
    with_secondary,
)
from outputs.returns.status import describe, latest_statuses, year_label
from warehouse.connection import connect
from warehouse.settings import Settings

log = logging.getLogger(__name__)

TEMPLATE = Path(__file__).with_name("committee.html.j2")
TREND_MONTHS = 24
CAMHS_WEEKS = 52
RAG_ORDER = ("red", "amber", "green")
# Chromium as the environment notes require it offline: no background services, no sandbox as root.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Columns of the KAD table that describe the children placed (suppressed with the snapshot count);
# budgets and spend are money and stay.
KAD_PEOPLE = [
    "snapshot_placements",
    "yearly_average_placements",
    "actual_weekly_cost_gbp",
    "variance_placements",
    "variance_weekly_cost_gbp",
]


class ReportError(RuntimeError):
    pass


@dataclass
class Report:
    period_end: date
    html: Path
    pdf: Path | None
    exports: dict[str, Path]
    seconds: float
    # The suppressed data behind each chart, as drawn (tests read it; a [c] point is drawn as a gap).
    chart_data: dict[str, pd.DataFrame] = field(default_factory=dict)
    # The statutory returns block: each return's latest state from data_quality.return_status.
    returns: list[dict] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Formatting: one place for how each unit reads in the report.


def query_frame(con, sql: str, params: list) -> pd.DataFrame:
    """A query's rows as a DataFrame, on any connection with DuckDB's execute/description/fetchall shape."""
    cursor = con.execute(sql, params)
    return pd.DataFrame(cursor.fetchall(), columns=[d[0] for d in cursor.description])


def format_value(value, unit: str) -> str:
    if value is None or pd.isna(value):
        return NOT_AVAILABLE
    if unit == "count":
        return f"{round(value):,}"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "days":
        return f"{value:,.0f}"
    if unit == "gbp":
        return f"-£{abs(value):,.0f}" if value < 0 else f"£{value:,.0f}"
    return f"{value:.1f}"


def format_target(target_min, target_max, unit: str) -> str:
    """Targets as the council set them (9.15% stays 9.15%: RAG is judged against it)."""

    def exact(value) -> str:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
        return {"percent": f"{text}%", "gbp": f"£{text}"}.get(unit, text)

    has_min, has_max = not pd.isna(target_min), not pd.isna(target_max)
    if has_min and has_max:
        return f"{exact(target_min)} to {exact(target_max)}"
    if has_max:
        return f"at most {exact(target_max)}"
    if has_min:
        return f"at least {exact(target_min)}"
    return NOT_APPLICABLE


# ---------------------------------------------------------------------------------------------
# The scorecard, suppressed.

SCORECARD_SQL = """
    select this_period.*, last_period.numerator as previous_numerator,
        last_period.denominator as previous_denominator
    from scorecard.scorecard_indicators as this_period
    left join scorecard.scorecard_indicators as last_period
        on last_period.indicator_code = this_period.indicator_code
        and last_period.period_type = this_period.period_type
        and last_period.breakdown_type = this_period.breakdown_type
        and last_period.breakdown_value = this_period.breakdown_value
        and last_period.period_end = this_period.previous_period_end
    where this_period.period_end = ? and this_period.period_type = ?
    order by this_period.report_order, this_period.breakdown_type <> 'all', this_period.breakdown_type,
        this_period.breakdown_value
"""


def _small_rows(frame: pd.DataFrame, numerator: str, denominator: str, value: str) -> pd.Series:
    """Rows whose figure is, or derives from, a count of 1 to 5."""
    counts = frame["unit"].eq("count") & frame[value].map(is_small)
    return any_small(frame, [numerator, denominator]) | counts


def suppress_scorecard(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Flags for the current and previous figures; breakdowns of one indicator add up to its total."""
    current = _small_rows(frame, "numerator", "denominator", "value")
    previous = _small_rows(frame, "previous_numerator", "previous_denominator", "previous_value")
    current, previous = scorecard_flags(frame, current, previous)
    return frame, current, previous


def scorecard_rows(con, period_end: date, period_type: str = "month") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(display rows for the report's indicator table, publication rows for scorecard.csv)."""
    frame = query_frame(con, SCORECARD_SQL, [period_end, period_type])
    counts = ["numerator", "denominator", "previous_numerator", "previous_denominator"]
    frame[counts] = frame[counts].astype(float)
    frame, current, previous = suppress_scorecard(frame)
    shown = []
    for index, row in frame.iterrows():
        hidden, hidden_before = bool(current[index]), bool(previous[index])
        has_target = not (pd.isna(row.target_min) and pd.isna(row.target_max))
        shown.append(
            {
                "indicator_code": row.indicator_code,
                "area": row.area,
                "indicator_name": row.indicator_name,
                "directorate": row.directorate,
                "breakdown_type": row.breakdown_type,
                "breakdown_value": row.breakdown_value,
                "period_end": row.period_end.date() if hasattr(row.period_end, "date") else row.period_end,
                "unit": row.unit,
                "previous": SUPPRESSED if hidden_before else format_value(row.previous_value, row.unit),
                "actual": SUPPRESSED if hidden else format_value(row.value, row.unit),
                "target": format_target(row.target_min, row.target_max, row.unit),
                # Direction and RAG would bound a suppressed figure, so they go with it.
                "direction": SUPPRESSED if hidden or hidden_before else (row.direction_of_travel or NOT_AVAILABLE),
                "rag": SUPPRESSED if hidden else (row.rag or ("none" if not has_target else NOT_AVAILABLE)),
                "numerator": SUPPRESSED if hidden else _number(row.numerator),
                "denominator": SUPPRESSED if hidden else _number(row.denominator),
                "value": SUPPRESSED if hidden else _number(row.value),
                "previous_value": SUPPRESSED if hidden_before else _number(row.previous_value),
                "target_min": _number(row.target_min, NOT_APPLICABLE),
                "target_max": _number(row.target_max, NOT_APPLICABLE),
            }
        )
    rows = pd.DataFrame(shown)
    publication = rows.assign(period_type=period_type, direction_of_travel=rows["direction"])[
        [
            "indicator_code",
            "indicator_name",
            "period_type",
            "period_end",
            "breakdown_type",
            "breakdown_value",
            "numerator",
            "denominator",
            "value",
            "previous_value",
            "direction_of_travel",
            "target_min",
            "target_max",
            "rag",
        ]
    ]
    return rows, publication


def _number(value, missing: str = NOT_AVAILABLE) -> str:
    if value is None or pd.isna(value):
        return missing
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.1f}"


# ---------------------------------------------------------------------------------------------
# Charts: suppressed frames in, static SVG out.


def _svg(chart: alt.TopLevelMixin) -> str:
    svg = vl_convert.vegalite_to_svg(chart.to_json())
    # The SVG is inlined in HTML: drop the XML prolog if there is one.
    return svg[svg.index("<svg") :]


def _months(con, sql: str, period_end: date, params: list | None = None) -> pd.DataFrame:
    start = (pd.Timestamp(period_end) - pd.DateOffset(months=TREND_MONTHS)).date()
    frame = query_frame(con, sql, [start, period_end, *(params or [])])
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
        select indicator_code, indicator_name, period_end, numerator, denominator, value, target_min, target_max, unit
        from scorecard.scorecard_indicators
        where period_type = 'month' and breakdown_type = 'all' and period_end > ? and period_end <= ?
            and indicator_code in ({", ".join("?" for _ in codes)})
        order by period_end""",
        period_end,
        codes,
    )
    flags = _small_rows(frame, "numerator", "denominator", "value") | _withheld_totals(
        con, period_end, frame["indicator_code"], frame["period_end"]
    )
    return _masked(frame, flags, ["value", "numerator", "denominator"])


def _withheld_totals(con, period_end: date, codes: pd.Series, months: pd.Series) -> pd.Series:
    """Totals the indicator table withholds (this month's, or last month's as 'previous'): a last resort
    when a breakdown cannot be protected otherwise, so a trend chart must not show them either."""
    frame = query_frame(con, SCORECARD_SQL, [period_end, "month"])
    counts = ["numerator", "denominator", "previous_numerator", "previous_denominator"]
    frame[counts] = frame[counts].astype(float)
    _, current, previous = suppress_scorecard(frame)
    totals = frame["breakdown_type"] == "all"
    withheld = {
        (code, pd.Timestamp(day))
        for code, day in zip(
            frame.loc[totals & current, "indicator_code"], frame.loc[totals & current, "period_end"], strict=True
        )
    }
    withheld |= {
        (code, pd.Timestamp(day))
        for code, day in zip(
            frame.loc[totals & previous, "indicator_code"],
            frame.loc[totals & previous, "previous_period_end"],
            strict=True,
        )
    }
    return pd.Series(
        [(code, pd.Timestamp(day)) in withheld for code, day in zip(codes, months, strict=True)],
        index=codes.index,
        dtype=bool,
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
    per_10k = alt.layer(
        base.mark_area(opacity=0.25, color="#00703c").encode(
            y=alt.Y("target_min:Q", title="Per 10,000 aged 0-17"), y2="target_max:Q"
        ),
        base.mark_line(point=True, color="#1d70b8").encode(y="value:Q"),
        data=rate,
    ).properties(title="Rate per 10,000 (shaded: target band)", width=330, height=200)
    return _svg(alt.hconcat(number, per_10k)), frame


def chart_flows(con, period_end: date) -> tuple[str, pd.DataFrame]:
    frame = _months(
        con,
        """
        select measure_code, period_end, numerator
        from lac.lac_measures
        where period_type = 'month' and breakdown_type = 'all' and period_end > ? and period_end <= ?
            and measure_code in ('lac_starts', 'lac_ceased')
        order by period_end""",
        period_end,
    )
    flags = any_small(frame, ["numerator"]) | _withheld_totals(
        con, period_end, frame["measure_code"], frame["period_end"]
    )
    frame = _masked(frame, flags, ["numerator"])
    frame["flow"] = frame["measure_code"].map(
        {"lac_starts": "Started to be looked after", "lac_ceased": "Ceased to be looked after"}
    )
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
        flags.loc[latest] = _placement_flags(con, period_end, lines)
    frame = _masked(frame, flags, ["numerator"])
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(period_end):O", title=None, axis=alt.Axis(format="%b %y", labelAngle=-45)),
            y=alt.Y("numerator:Q", title="Children looked after at month end", stack="zero"),
            color=alt.Color("budget_line:N", title="Budget line", legend=alt.Legend(columns=1)),
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
    ).properties(width=700, height=220, title="Dashed: target for three or more placements (at most)")
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
    active = (
        alt.Chart(frame[frame.measure_code == "edge_of_care_active"])
        .mark_bar(color="#1d70b8")
        .encode(
            y=alt.Y("service:N", title="Service"),
            x=alt.X("numerator:Q", title="Children in an intervention"),
        )
        .properties(width=300, height=180, title="Active at month end")
    )
    outcome = (
        alt.Chart(frame[frame.measure_code == "edge_of_care_entered_care_12m_pct"])
        .mark_bar(color="#d4351c")
        .encode(
            y=alt.Y("service:N", title=None),
            x=alt.X("value:Q", title="% entering care within 12 months"),
        )
        .properties(width=300, height=180, title="Entered care within 12 months (interventions 12-24 months ago)")
    )
    return _svg(alt.hconcat(active, outcome)), frame


def chart_camhs(con, period_end: date) -> tuple[str, pd.DataFrame]:
    start = (pd.Timestamp(period_end) - pd.Timedelta(weeks=CAMHS_WEEKS)).date()
    wide = query_frame(
        con,
        """
        select week_ending, pathway, waiting_list, waiting_over_18w, planned_waiting_list
        from camhs.camhs_weekly_waiting_list
        where priority = 'ALL' and looked_after = 'ALL' and pathway <> 'ALL' and week_ending > ? and week_ending <= ?
        order by pathway, week_ending""",
        [start, period_end],
    )
    wide["week_ending"] = pd.to_datetime(wide["week_ending"])
    # Each week as the CSV and the indicator table would show it (the total is published there).
    wide = _masked(wide, waiting_list_flags(wide, ["week_ending"]), ["waiting_list", "waiting_over_18w"])
    frame = wide.melt(id_vars=["week_ending", "pathway"], var_name="series", value_name="children")
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
        .facet(facet=alt.Facet("pathway:N", title=None), columns=3)
        .resolve_scale(y="independent")
    )
    return _svg(chart), frame


CHARTS = {
    "chart-lac": ("Children looked after: number and rate per 10,000 against target", chart_lac),
    "chart-flows": ("Entries to and exits from care", chart_flows),
    "chart-placement-mix": ("Placement mix by budget line", chart_placement_mix),
    "chart-stability": ("Placement stability", chart_stability),
    "chart-edge-of-care": ("Edge-of-care outcomes by service", chart_edge_of_care),
    "chart-camhs": ("CAMHS waiting list against trajectory, by pathway", chart_camhs),
}


# ---------------------------------------------------------------------------------------------
# Key activity data: the finance table with its variances.

KAD_COLUMNS = {
    "service_type": "Budget line",
    "budgeted_placements": "Budgeted placements",
    "annual_budget_gbp": "Annual budget",
    "weeks_funded": "Weeks funded",
    "budget_weekly_cost_gbp": "Budget weekly cost",
    "snapshot_placements": "Placements at month end",
    "yearly_average_placements": "Yearly average (52-week equivalents)",
    "projected_spend_gbp": "Projected spend",
    "actual_weekly_cost_gbp": "Actual weekly cost",
    "variance_placements": "Variance: placements",
    "variance_spend_gbp": "Variance: spend",
    "variance_weekly_cost_gbp": "Variance: weekly cost",
    "needs_commentary": "Commentary needed",
}


def _kad_frame(con, period_end: date) -> tuple[pd.DataFrame, pd.Series]:
    """The month's key activity data, each row with the row it adds up to, and its rows of 1 to 5 children."""
    frame = query_frame(
        con,
        """
        select kad.row_order, kad.row_type, {columns}, lines.description
        from finance.finance_key_activity_data as kad
        left join reference.finance_service_type as lines on lines.code = kad.service_type
        where kad.reporting_month_end = ? order by kad.row_order
        """.format(columns=", ".join(f"kad.{c}" for c in KAD_COLUMNS)),
        [period_end],
    )
    if frame.empty:
        return frame, pd.Series(dtype=bool)
    # Lines add up to the group row after them, groups to the total.
    total = next(iter(frame.loc[frame["row_type"] == "total", "service_type"]), None)
    sums_into, current = {}, total
    for index in reversed(frame.index):
        if frame.at[index, "row_type"] == "group":
            current = frame.at[index, "service_type"]
            sums_into[index] = total
        elif frame.at[index, "row_type"] == "line":
            sums_into[index] = current
    frame["sums_into"] = pd.Series(sums_into).reindex(frame.index)
    small = any_small(frame, ["snapshot_placements"]) | frame["yearly_average_placements"].between(
        0, 5, inclusive="right"
    )
    return frame, small


def kad_rows(con, period_end: date) -> pd.DataFrame:
    """The month's key activity data with [c] where it describes 1 to 5 children (numbers, for the CSV)."""
    frame, small = _kad_frame(con, period_end)
    if frame.empty:
        return frame
    lines = _placement_frame(con, period_end)
    small, _ = key_activity_flags(frame, small, lines, any_small(lines, ["children"]))
    frame = frame.round(
        {c: 2 for c in KAD_COLUMNS if c.endswith("_gbp")} | {"yearly_average_placements": 2, "variance_placements": 2}
    )
    return publish_cells(frame.drop(columns=["sums_into"]), small, KAD_PEOPLE)


def kad_display(frame: pd.DataFrame) -> list[dict]:
    """The same table as the committee reads it: money in pounds, placements to 1 dp."""

    def show(column: str, value) -> str:
        if value == SUPPRESSED:
            return value
        if pd.isna(value):
            return NOT_APPLICABLE if column == "weeks_funded" else NOT_AVAILABLE
        if column.endswith("_gbp"):
            return format_value(value, "gbp")
        if column == "needs_commentary":
            return "Yes" if value else "No"
        if column in ("weeks_funded", "snapshot_placements"):
            return f"{int(value):,}"
        return f"{float(value):,.1f}"

    rows = []
    for record in frame.to_dict("records"):
        shown = {c: show(c, record[c]) for c in KAD_COLUMNS if c != "service_type"}
        label = record["description"] if isinstance(record["description"], str) else None
        shown["service_type"] = label or {
            "external": "External placements",
            "in_house": "In-house placements",
            "adoption": "Adoption and special guardianship",
            "all": "Total",
        }.get(record["service_type"], record["service_type"])
        rows.append({"row_type": record["row_type"], **shown})
    return rows


# ---------------------------------------------------------------------------------------------
# Headline tables for publication.


def camhs_latest_rows(con, period_end: date) -> pd.DataFrame:
    frame = query_frame(
        con,
        """
        select week_ending, pathway, waiting_list, waiting_over_18w, planned_waiting_list, trajectory_gap,
            is_list_closed
        from camhs.camhs_weekly_waiting_list
        where priority = 'ALL' and looked_after = 'ALL'
            and week_ending = (select max(week_ending) from camhs.camhs_weekly_waiting_list where week_ending <= ?)
        order by pathway = 'ALL', pathway""",
        [period_end],
    )
    flags = waiting_list_flags(frame, ["week_ending"])
    return publish_cells(frame, flags, ["waiting_list", "waiting_over_18w", "trajectory_gap"])


def _placement_frame(con, period_end: date) -> pd.DataFrame:
    return query_frame(
        con,
        """
        select period_end, breakdown_type, breakdown_value, numerator as children
        from lac.lac_measures
        where period_type = 'month' and period_end = ? and measure_code = 'lac_by_placement_type'
        order by breakdown_type, breakdown_value""",
        [period_end],
    )


def _placement_flags(con, period_end: date, lines: pd.DataFrame) -> pd.Series:
    """The month's LAC by placement, protected with the key activity data (the same children by budget line)."""
    primary = any_small(lines, ["children"])
    kad, kad_small = _kad_frame(con, period_end)
    if kad.empty:
        return with_secondary(lines, primary, ["breakdown_type"], "children")
    return key_activity_flags(kad, kad_small, lines, primary)[1]


def placement_rows(con, period_end: date) -> pd.DataFrame:
    frame = _placement_frame(con, period_end)
    return publish_cells(frame, _placement_flags(con, period_end, frame), ["children"])


# ---------------------------------------------------------------------------------------------
# Statutory returns: whether the night's return can be sent. A committee paper is published, so the
# counts of children and of their rows with errors are suppressed at 1-5 like any other count (no total
# shown relates them); the rule count is not a count of people. Which children: data_quality only.


def _people_count(count):
    return SUPPRESSED if is_small(count) else count


def return_rows(con) -> list[dict]:
    rows = []
    for status in latest_statuses(con):
        validated = status["error_rules"] is not None
        rows.append(
            {
                "return_name": status["return_name"],
                "collection_year": year_label(status["collection_year"]) or NOT_AVAILABLE,
                "ready": bool(status["ready"]),
                "state": "Ready to submit" if status["ready"] else "Not ready",
                "error_rules": status["error_rules"] if validated else NOT_AVAILABLE,
                "error_rows": _people_count(status["error_rows"]) if validated else NOT_AVAILABLE,
                "children_with_errors": _people_count(status["children_with_errors"]) if validated else NOT_AVAILABLE,
                "query_rules": status["query_rules"] if validated else NOT_AVAILABLE,
                "exported_at": f"{status['exported_at']:%d %B %Y %H:%M} UTC",
                "summary": describe(status),
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------


def latest_month(con) -> date:
    row = con.execute(
        "select max(period_end) from scorecard.scorecard_indicators where period_type = 'month'"
    ).fetchone()
    if row is None or row[0] is None:
        raise ReportError("the scorecard is empty: run `cscw nightly` first")
    return row[0]


def render_pdf(html: Path, pdf: Path) -> Path:
    chromium = os.environ.get("CSCW_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise ReportError(
            "no chromium to print the PDF: run scripts/setup.sh (it installs Debian's chromium) or set CSCW_CHROMIUM"
        )
    with tempfile.TemporaryDirectory(prefix="cscw-chromium-") as profile:
        result = subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                html.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    if result.returncode or not pdf.exists():
        raise ReportError(f"chromium could not print {html}: {result.stderr[-1500:]}")
    return pdf


def write_report(settings: Settings, month: date | None = None, pdf: bool = True) -> Report:
    started = time.perf_counter()
    with connect(settings.warehouse, read_only=True) as con:
        period_end = month or latest_month(con)
        indicators, scorecard_csv = scorecard_rows(con, period_end)
        if indicators.empty:
            raise ReportError(f"no scorecard rows for the month ending {period_end}")
        headline = indicators[indicators["breakdown_type"] == "all"]
        rag_counts = {rag: int((headline["rag"] == rag).sum()) for rag in RAG_ORDER}
        rag_counts["no target"] = int((headline["rag"] == "none").sum())
        rag_counts["suppressed"] = int((headline["rag"] == SUPPRESSED).sum())
        charts, chart_data = {}, {}
        for key, (title, build) in CHARTS.items():
            svg, data = build(con, period_end)
            charts[key] = {"title": title, "svg": svg}
            chart_data[key] = data
        kad = kad_rows(con, period_end)
        latest_year = _latest_year(con, period_end)
        year_csv = scorecard_rows(con, *latest_year)[1] if latest_year else None
        camhs = camhs_latest_rows(con, period_end)
        placements = placement_rows(con, period_end)
        data_dates = dict(
            con.execute(
                "select source, max(extract_date) from raw._ledger where status = 'loaded' group by source"
            ).fetchall()
        )
        returns = return_rows(con)

    stem = f"{period_end:%Y-%m}"
    out = settings.reports / "committee" / stem
    out.mkdir(parents=True, exist_ok=True)
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE.parent), autoescape=True)
    html = out / "committee_report.html"
    html.write_text(
        environment.get_template(TEMPLATE.name).render(
            council=settings.la_name,
            period_end=period_end,
            indicators=headline.to_dict("records"),
            rag_counts=rag_counts,
            charts=charts,
            kad=kad_display(kad) if not kad.empty else [],
            kad_columns=KAD_COLUMNS,
            data_dates=data_dates,
            returns=returns,
            suppressed=SUPPRESSED,
            not_applicable=NOT_APPLICABLE,
            not_available=NOT_AVAILABLE,
        ),
        encoding="utf-8",
    )

    exports_dir = settings.exports / "publication" / stem
    exports_dir.mkdir(parents=True, exist_ok=True)
    tables = {
        "scorecard_month": scorecard_csv,
        "lac_by_placement": placements,
        "camhs_waiting_list": camhs,
        "key_activity_data": kad,
    }
    if year_csv is not None:
        tables["scorecard_financial_year"] = year_csv
    exports = {}
    for name, table in tables.items():
        exports[name] = exports_dir / f"{name}.csv"
        table.to_csv(exports[name], index=False)

    printed = render_pdf(html, out / "committee_report.pdf") if pdf else None
    seconds = time.perf_counter() - started
    log.info("report: %s in %.1fs", html, seconds)
    return Report(period_end, html, printed, exports, seconds, chart_data, returns)


def _latest_year(con, period_end: date) -> tuple[date, str] | None:
    row = con.execute(
        "select max(period_end) from scorecard.scorecard_indicators "
        "where period_type = 'financial_year' and period_end <= ?",
        [period_end],
    ).fetchone()
    return (row[0], "financial_year") if row and row[0] else None
