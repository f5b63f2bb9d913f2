"""The committee's monthly finance and performance report, from the published marts.

    write_report(settings) -> Report

Reads the warehouse read-only and writes, for the latest complete month (or the one asked for):

    reports/committee/<YYYY-MM>/committee_report.html   self-contained: inline CSS and SVG, no scripts
    reports/committee/<YYYY-MM>/committee_report.pdf    the same page printed by headless Chromium
    exports/publication/<YYYY-MM>/*.csv                 the scorecard and headline tables for publication

Every figure goes through outputs.report.suppression first, so the HTML, the PDF, the charts and the
CSV files carry the same [c], [z] and [x].
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from outputs.report import ReportError
from outputs.report.charts import CHARTS
from outputs.report.plans import SAVINGS_COLUMNS, action_display, action_rows, savings_display, savings_rows
from outputs.report.render import render_html, render_pdf, write_csvs
from outputs.report.scorecard import latest_year, scorecard_rows
from outputs.report.suppression import NOT_APPLICABLE, NOT_AVAILABLE, SUPPRESSED
from outputs.report.tables import KAD_COLUMNS, camhs_latest_rows, kad_display, kad_rows, placement_rows, return_rows
from warehouse.connection import connect
from warehouse.settings import Settings

__all__ = ["Report", "ReportError", "latest_month", "month_end", "write_report"]

log = logging.getLogger(__name__)

RAG_ORDER = ("red", "amber", "green")


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


def month_end(month: str) -> date:
    """The last day of a month given as YYYY-MM."""
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise ReportError(f"month {month!r} is not YYYY-MM (for example 2026-10)") from None
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def latest_month(con) -> date:
    row = con.execute(
        "select max(period_end) from scorecard.scorecard_indicators where period_type = 'month'"
    ).fetchone()
    if row is None or row[0] is None:
        raise ReportError("the scorecard is empty: run `cscw nightly` first")
    return row[0]


def rag_summary(headline: pd.DataFrame) -> dict[str, int]:
    counts = {rag: int((headline["rag"] == rag).sum()) for rag in RAG_ORDER}
    counts["no target"] = int((headline["rag"] == "none").sum())
    counts["suppressed"] = int((headline["rag"] == SUPPRESSED).sum())
    return counts


def read_month(con, period_end: date) -> dict:
    """Everything the month's report shows, suppressed, in one read of the warehouse."""
    indicators, scorecard_csv = scorecard_rows(con, period_end)
    if indicators.empty:
        raise ReportError(f"no scorecard rows for the month ending {period_end}")
    charts, chart_data = {}, {}
    for key, (title, build) in CHARTS.items():
        svg, data = build(con, period_end)
        charts[key] = {"title": title, "svg": svg}
        chart_data[key] = data
    year = latest_year(con, period_end)
    savings_year, savings = savings_rows(con, period_end)
    actions = action_rows(con)
    tables = {
        "scorecard_month": scorecard_csv,
        "lac_by_placement": placement_rows(con, period_end),
        "camhs_waiting_list": camhs_latest_rows(con, period_end),
        "key_activity_data": kad_rows(con, period_end),
        "savings_plan": savings,
        "action_register": actions,
    }
    if year:
        tables["scorecard_financial_year"] = scorecard_rows(con, *year)[1]
    data_dates = dict(
        con.execute(
            "select source, max(extract_date) from raw._ledger where status = 'loaded' group by source"
        ).fetchall()
    )
    return {
        "headline": indicators[indicators["breakdown_type"] == "all"],
        "charts": charts,
        "chart_data": chart_data,
        "tables": tables,
        "data_dates": data_dates,
        "returns": return_rows(con),
        "savings_year": savings_year,
        "savings": savings_display(savings) if not savings.empty else [],
        "actions": action_display(actions),
    }


def write_report(settings: Settings, month: date | None = None, pdf: bool = True) -> Report:
    started = time.perf_counter()
    with connect(settings.warehouse, read_only=True) as con:
        period_end = month or latest_month(con)
        month_data = read_month(con, period_end)

    stem = f"{period_end:%Y-%m}"
    out = settings.reports / "committee" / stem
    out.mkdir(parents=True, exist_ok=True)
    kad = month_data["tables"]["key_activity_data"]
    html = render_html(
        out / "committee_report.html",
        council=settings.la_name,
        period_end=period_end,
        indicators=month_data["headline"].to_dict("records"),
        rag_counts=rag_summary(month_data["headline"]),
        charts=month_data["charts"],
        kad=kad_display(kad) if not kad.empty else [],
        kad_columns=KAD_COLUMNS,
        data_dates=month_data["data_dates"],
        returns=month_data["returns"],
        savings_year=month_data["savings_year"],
        savings=month_data["savings"],
        savings_columns=SAVINGS_COLUMNS,
        actions=month_data["actions"],
        suppressed=SUPPRESSED,
        not_applicable=NOT_APPLICABLE,
        not_available=NOT_AVAILABLE,
    )
    exports = write_csvs(settings.exports / "publication" / stem, month_data["tables"])
    printed = render_pdf(html, out / "committee_report.pdf") if pdf else None
    seconds = time.perf_counter() - started
    log.info("report: %s in %.1fs", html, seconds)
    return Report(period_end, html, printed, exports, seconds, month_data["chart_data"], month_data["returns"])
