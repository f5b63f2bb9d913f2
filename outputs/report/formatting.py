"""How each unit reads in the report and its CSV files: one place for numbers, targets and cells."""

from __future__ import annotations

import pandas as pd

from outputs.report.suppression import NOT_APPLICABLE, NOT_AVAILABLE


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


def format_exact(value, unit: str) -> str:
    """A configured or published figure as it was set (9.15% stays 9.15%), to at most 2 dp."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return {"percent": f"{text}%", "gbp": f"£{text}"}.get(unit, text)


def format_target(target_min, target_max, unit: str) -> str:
    """Targets as the council set them: RAG is judged against them exactly."""

    def exact(value) -> str:
        return format_exact(value, unit)

    has_min, has_max = not pd.isna(target_min), not pd.isna(target_max)
    if has_min and has_max:
        return f"{exact(target_min)} to {exact(target_max)}"
    if has_max:
        return f"at most {exact(target_max)}"
    if has_min:
        return f"at least {exact(target_min)}"
    return NOT_APPLICABLE


def number_cell(value, missing: str = NOT_AVAILABLE) -> str:
    if value is None or pd.isna(value):
        return missing
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.1f}"
