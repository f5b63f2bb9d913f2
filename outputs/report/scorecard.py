"""The indicator table: the month's scorecard with the previous period beside it, suppressed."""

from __future__ import annotations

from datetime import date

import pandas as pd

from outputs.report.formatting import format_target, format_value, number_cell, query_frame
from outputs.report.plans import COMPARATOR_GROUPS, commentary, comparator_text
from outputs.report.suppression import NOT_APPLICABLE, NOT_AVAILABLE, SUPPRESSED, any_small, is_small, scorecard_flags

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


def indicator_names(con, codes: tuple[str, ...]) -> dict[str, str]:
    """Indicator names as the council's configuration states them (the scorecard carries them)."""
    placeholders = ", ".join("?" for _ in codes)
    rows = con.execute(
        "select distinct indicator_code, indicator_name from scorecard.scorecard_indicators "
        f"where indicator_code in ({placeholders})",
        list(codes),
    ).fetchall()
    return dict(rows)


def small_rows(frame: pd.DataFrame, numerator: str, denominator: str, value: str) -> pd.Series:
    """Rows whose figure is, or derives from, a count of 1 to 5."""
    counts = frame["unit"].eq("count") & frame[value].map(is_small)
    return any_small(frame, [numerator, denominator]) | counts


def suppress_scorecard(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Flags for the current and previous figures; breakdowns of one indicator add up to its total."""
    current = small_rows(frame, "numerator", "denominator", "value")
    previous = small_rows(frame, "previous_numerator", "previous_denominator", "previous_value")
    current, previous = scorecard_flags(frame, current, previous)
    return frame, current, previous


def scorecard_rows(con, period_end: date, period_type: str = "month") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(display rows for the report's indicator table, publication rows for scorecard.csv)."""
    frame = query_frame(con, SCORECARD_SQL, [period_end, period_type])
    if frame.empty:  # a month the scorecard does not hold: the caller says so
        return frame, frame
    counts = ["numerator", "denominator", "previous_numerator", "previous_denominator"]
    frame[counts] = frame[counts].astype(float)
    frame, current, previous = suppress_scorecard(frame)
    notes = commentary(con, period_end) if period_type == "month" else {}
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
                # The cohort a percentage is of (its denominator), suppressed with the figure.
                "cohort": (SUPPRESSED if hidden else number_cell(row.denominator)) if row.unit == "percent" else "",
                "comparators": comparator_text(row),
                "commentary": notes.get(row.indicator_code) if row.breakdown_type == "all" else None,
                # Direction and RAG would bound a suppressed figure, so they go with it.
                "direction": SUPPRESSED if hidden or hidden_before else (row.direction_of_travel or NOT_AVAILABLE),
                "rag": SUPPRESSED if hidden else (row.rag or ("none" if not has_target else NOT_AVAILABLE)),
                "numerator": SUPPRESSED if hidden else number_cell(row.numerator),
                "denominator": SUPPRESSED if hidden else number_cell(row.denominator),
                "value": SUPPRESSED if hidden else number_cell(row.value),
                "previous_value": SUPPRESSED if hidden_before else number_cell(row.previous_value),
                "target_min": number_cell(row.target_min, NOT_APPLICABLE),
                "target_max": number_cell(row.target_max, NOT_APPLICABLE),
                **{
                    f"comparator_{group}": number_cell(getattr(row, f"comparator_{group}"), NOT_APPLICABLE)
                    for group in COMPARATOR_GROUPS
                },
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
            *(f"comparator_{group}" for group in COMPARATOR_GROUPS),
        ]
    ]
    return rows, publication


def withheld_totals(con, period_end: date, codes: pd.Series, months: pd.Series) -> pd.Series:
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


def latest_year(con, period_end: date) -> tuple[date, str] | None:
    row = con.execute(
        "select max(period_end) from scorecard.scorecard_indicators "
        "where period_type = 'financial_year' and period_end <= ?",
        [period_end],
    ).fetchone()
    return (row[0], "financial_year") if row and row[0] else None
