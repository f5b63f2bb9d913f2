"""The council's plans beside the figures: commentary, comparators, the savings plan and the action register.

All of it is council configuration (seeds/config/) or published averages (reference/comparators.csv): none
is a count of children, so nothing here is suppressed; the figures it sits beside are, in scorecard.py.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from outputs.report.formatting import format_exact, format_value, query_frame
from outputs.report.suppression import NOT_AVAILABLE

# The scorecard's comparator columns and how the report names each group.
COMPARATOR_GROUPS = {
    "england": "England",
    "region": "Region",
    "stat_neighbours": "Statistical neighbours",
    "wales": "Wales",
}
RAG_NAMES = {"R": "Red", "A": "Amber", "G": "Green", "B": "Complete"}
SAVINGS_COLUMNS = {
    "saving_id": "Ref",
    "objective": "Objective",
    "workstream": "Workstream",
    "business_plan_ref": "Business plan",
    "target": "Target",
    "achieved": "Achieved",
    "forecast": "Forecast",
    "shortfall": "Forecast shortfall",
    "rag": "RAG",
}


def comparator_text(row) -> list[str]:
    """'England 61.0 (Mar 2016)' for each comparator the scorecard row has, in the indicator's unit."""
    shown = []
    for column, name in COMPARATOR_GROUPS.items():
        value = getattr(row, f"comparator_{column}", None)
        if value is None or pd.isna(value):
            continue
        day = pd.Timestamp(getattr(row, f"comparator_{column}_period_end"))
        shown.append(f"{name} {format_exact(value, row.unit)} ({day:%b %Y})")
    return shown


def commentary(con, period_end: date) -> dict[str, dict]:
    """The month's commentary by indicator code."""
    frame = query_frame(
        con,
        "select indicator_code, commentary, author_role from reference.commentary where period_end = ?",
        [period_end],
    )
    return {r.indicator_code: {"text": r.commentary, "author_role": r.author_role} for r in frame.itertuples()}


def code_labels(con, code_list: str) -> dict[str, str]:
    """A code list's descriptions (seeds/reference/<code_list>.csv), for legends and axes."""
    return dict(con.execute(f"select code, description from reference.{code_list}").fetchall())


def financial_year(period_end: date) -> str:
    start = period_end.year if period_end.month >= 4 else period_end.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def _gbp(value) -> str:
    return format_value(value, "gbp")


def savings_rows(con, period_end: date) -> tuple[str, pd.DataFrame]:
    """The savings plan for the financial year of period_end, or the latest year planned before it."""
    frame = query_frame(
        con,
        "select * from reference.savings_plan where financial_year <= ? order by financial_year desc, saving_id",
        [financial_year(period_end)],
    )
    if frame.empty:
        return financial_year(period_end), frame
    year = frame["financial_year"].iloc[0]
    frame = frame[frame["financial_year"] == year].reset_index(drop=True)
    frame["shortfall"] = (frame["target_gbp"] - frame["forecast_gbp"]).clip(lower=0)
    return year, frame


def savings_display(frame: pd.DataFrame) -> list[dict]:
    rows = [
        {
            "saving_id": r.saving_id,
            "objective": r.objective,
            "workstream": r.workstream,
            "business_plan_ref": r.business_plan_ref if isinstance(r.business_plan_ref, str) else NOT_AVAILABLE,
            "target": _gbp(r.target_gbp),
            "achieved": _gbp(r.achieved_gbp),
            "forecast": _gbp(r.forecast_gbp),
            "shortfall": _gbp(r.shortfall),
            "rag": r.rag,
        }
        for r in frame.itertuples()
    ]
    sums = {c: _gbp(frame[f"{c}_gbp"].sum()) for c in ("target", "achieved", "forecast")}
    rows.append(
        {
            "saving_id": "",
            "objective": "Total",
            "workstream": "",
            "business_plan_ref": "",
            **sums,
            "shortfall": _gbp(frame["shortfall"].sum()),
            "rag": "",
            "total": True,
        }
    )
    return rows


def action_rows(con) -> pd.DataFrame:
    return query_frame(
        con,
        "select action_id, outcome, action, lead_role, due_date, revised_date, priority, rag, progress_note "
        "from reference.action_register order by case rag when 'R' then 0 when 'A' then 1 when 'G' then 2 else 3 end, "
        "action_id",
        [],
    )


def action_display(frame: pd.DataFrame) -> list[dict]:
    def day(value) -> str:
        return NOT_AVAILABLE if value is None or pd.isna(value) else f"{pd.Timestamp(value):%d %b %Y}"

    return [
        {
            **r._asdict(),
            "due_date": day(r.due_date),
            "revised_date": "" if r.revised_date is None or pd.isna(r.revised_date) else day(r.revised_date),
            "rag_name": RAG_NAMES[r.rag],
            "progress_note": r.progress_note if isinstance(r.progress_note, str) else "",
        }
        for r in frame.itertuples(index=False)
    ]
