"""The report's tables: key activity data with its variances, the headline tables for publication and
the statutory returns block, each suppressed as it is published."""

from __future__ import annotations

from datetime import date

import pandas as pd

from outputs.report.formatting import format_value, query_frame
from outputs.report.suppression import (
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    OVER_COLUMNS,
    SUPPRESSED,
    any_small,
    is_small,
    key_activity_flags,
    publish_cells,
    waiting_list_flags,
    with_secondary,
)
from outputs.returns.status import describe, latest_statuses, year_label

# Columns of the KAD table that describe the children placed (suppressed with the snapshot count);
# budgets and spend are money and stay.
KAD_PEOPLE = [
    "snapshot_placements",
    "yearly_average_placements",
    "actual_weekly_cost_gbp",
    "variance_placements",
    "variance_weekly_cost_gbp",
]
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
            is_list_closed, waiting_over_12w, waiting_over_26w
        from camhs.camhs_weekly_waiting_list
        where priority = 'ALL' and looked_after = 'ALL'
            and week_ending = (select max(week_ending) from camhs.camhs_weekly_waiting_list where week_ending <= ?)
        order by pathway = 'ALL', pathway""",
        [period_end],
    )
    flags = waiting_list_flags(frame, ["week_ending"])
    # The other thresholds decide what is withheld (the scorecard shows them) but are not this table's.
    frame = frame.drop(columns=[c for c in OVER_COLUMNS if c != "waiting_over_18w"])
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


def placement_flags(con, period_end: date, lines: pd.DataFrame) -> pd.Series:
    """The month's LAC by placement, protected with the key activity data (the same children by budget line)."""
    primary = any_small(lines, ["children"])
    kad, kad_small = _kad_frame(con, period_end)
    if kad.empty:
        return with_secondary(lines, primary, ["breakdown_type"], "children")
    return key_activity_flags(kad, kad_small, lines, primary)[1]


def placement_rows(con, period_end: date) -> pd.DataFrame:
    frame = _placement_frame(con, period_end)
    return publish_cells(frame, placement_flags(con, period_end, frame), ["children"])


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
