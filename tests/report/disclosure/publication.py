"""Reading the publication: the CSV files, the data behind the charts and the report's own tables."""

from __future__ import annotations

import csv
import math
import re
from datetime import date
from pathlib import Path

import pandas as pd

from tests.report.disclosure.keys import (
    REAL,
    as_day,
    previous_period_end,
    scorecard_keys,
    week_of,
)
from tests.report.disclosure.meaning import add_meaning
from tests.report.disclosure.reader import Reader, decimals_of, parse_number
from tests.report.disclosure.truth import load_truth


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_scorecard(reader: Reader, rows: list[dict], where: str) -> None:
    for row in rows:
        code, ptype, btype, bvalue = (
            row["indicator_code"],
            row["period_type"],
            row["breakdown_type"],
            row["breakdown_value"],
        )
        day = date.fromisoformat(row["period_end"])
        place = f"{where} {code} {bvalue}"
        for period, value_column, counts in (
            (day, "value", True),
            (previous_period_end(ptype, day), "previous_value", False),
        ):
            num, den, kind = scorecard_keys(code, ptype, period, btype, bvalue)
            text = row[value_column]
            if counts:
                reader.see(num, row["numerator"], f"{place} numerator")
                reader.see(den, row["denominator"], f"{place} denominator")
            label = f"{place} {value_column}"
            if kind == "num":
                reader.see(num, text, label)
            elif kind == "gap":
                reader.see(("camhs_gap", week_of(period), bvalue if btype != "all" else "ALL"), text, label)
            elif isinstance(kind, tuple):
                reader.ratio(text, num, den, kind[1], label, decimals_of(text) or 1e-9)
            # Direction and RAG compare a figure with another and with a target: a [c] figure
            # beside a shown direction or RAG is bounded by it.
        hidden = row["value"] == "[c]"
        if (hidden or row["previous_value"] == "[c]") and row["direction_of_travel"] != "[c]":
            reader.problems.append(f"{place}: direction '{row['direction_of_travel']}' shown beside a [c]")
        if hidden and row["rag"] != "[c]":
            reader.problems.append(f"{place}: RAG '{row['rag']}' shown beside a [c]")


def read_camhs_csv(reader: Reader, rows: list[dict], where: str) -> None:
    for row in rows:
        week, pathway = date.fromisoformat(row["week_ending"]), row["pathway"]
        place = f"{where} {pathway}"
        reader.see(("camhs_list", week, pathway), row["waiting_list"], f"{place} waiting_list")
        reader.see(("camhs_over", week, pathway), row["waiting_over_18w"], f"{place} waiting_over_18w")
        if row["planned_waiting_list"]:
            reader.see(
                ("camhs_planned", week, pathway),
                row["planned_waiting_list"],
                f"{place} planned",
                decimals_of(row["planned_waiting_list"]),
            )
            reader.see(
                ("camhs_gap", week, pathway),
                row["trajectory_gap"],
                f"{place} trajectory_gap",
                decimals_of(row["trajectory_gap"]),
            )


def read_placements_csv(reader: Reader, rows: list[dict], where: str) -> None:
    for row in rows:
        key = ("lac_line", date.fromisoformat(row["period_end"]), row["breakdown_type"], row["breakdown_value"])
        reader.see(key, row["children"], f"{where} {row['breakdown_value']}")


KAD_CELLS = {
    "snapshot_placements": "kad_snapshot",
    "yearly_average_placements": "kad_avg",
    "budgeted_placements": "kad_budgeted",
    "variance_placements": "kad_var",
    "projected_spend_gbp": "kad_spend",
    "weeks_funded": "kad_weeks",
    "actual_weekly_cost_gbp": "kad_actual_wk",
    "budget_weekly_cost_gbp": "kad_budget_wk",
    "variance_weekly_cost_gbp": "kad_var_wk",
}


def read_kad_csv(reader: Reader, rows: list[dict], where: str, day: date) -> None:
    for row in rows:
        line = row["service_type"]
        for column, name in KAD_CELLS.items():
            text = row[column]
            # The table gives money and placements to 2 decimal places.
            tolerance = min(decimals_of(text), 0.005) if name in REAL else 0.0
            reader.see((name, day, line), text, f"{where} {line} {column}", tolerance)
        actual = parse_number(row["actual_weekly_cost_gbp"])
        weeks = parse_number(row["weeks_funded"])
        if actual and weeks:
            # actual weekly cost = projected spend / (yearly average x weeks funded).
            tolerance = min(decimals_of(row["actual_weekly_cost_gbp"]), 0.005)
            spend = ("kad_spend", day, line)
            reader.ratios.append(
                (max(actual - tolerance, 0) * weeks, (actual + tolerance) * weeks, spend, ("kad_avg", day, line), 1.0)
            )


def read_charts(reader: Reader, chart_data: dict[str, pd.DataFrame]) -> None:
    def cell(value):
        return "[c]" if value is None or (isinstance(value, float) and math.isnan(value)) else value

    exact = 1e-6
    for _, row in chart_data["chart-lac"].iterrows():
        day = as_day(row["period_end"])
        num, den, kind = scorecard_keys(row["indicator_code"], "month", day, "all", "all")
        where = f"chart-lac {row['indicator_code']} {day}"
        for column, key in (("numerator", num), ("denominator", den)):
            if column in row and not pd.isna(row[column]) and key is not None:
                reader.see(key, row[column], f"{where} {column}")
        if kind == "num":
            reader.see(num, cell(row["value"]), where)
        else:
            reader.ratio(row["value"], num, den, kind[1], where, exact)
    for _, row in chart_data["chart-flows"].iterrows():
        day = as_day(row["period_end"])
        name = "starts" if row["measure_code"] == "lac_starts" else "ceased"
        reader.see((name, "month", day, "ALL"), cell(row["numerator"]), f"chart-flows {name} {day}")
    for _, row in chart_data["chart-placement-mix"].iterrows():
        day = as_day(row["period_end"])
        reader.see(
            ("lac_line", day, "budget_line", row["budget_line"]),
            cell(row["numerator"]),
            f"chart-placement-mix {row['budget_line']} {day}",
        )
    for _, row in chart_data["chart-stability"].iterrows():
        day = as_day(row["period_end"])
        num, den, kind = scorecard_keys(row["indicator_code"], "month", day, "all", "all")
        where = f"chart-stability {row['indicator_code']} {day}"
        for column, key in (("numerator", num), ("denominator", den)):
            if column in row and not pd.isna(row[column]):
                reader.see(key, row[column], f"{where} {column}")
        reader.ratio(row["value"], num, den, kind[1], where, exact)
    for _, row in chart_data["chart-edge-of-care"].iterrows():
        code = row["measure_code"]
        day = chart_data["_period_end"]
        num, den, kind = scorecard_keys(code, "month", day, "service", row["service"])
        where = f"chart-edge-of-care {code} {row['service']}"
        reader.see(num, cell(row["numerator"]), f"{where} numerator")
        if den is not None and "denominator" in row and not pd.isna(row["denominator"]):
            reader.see(den, row["denominator"], f"{where} denominator")
        if kind == "num":
            reader.see(num, cell(row["value"]), where)
        else:
            reader.ratio(row["value"], num, den, kind[1], where, exact)
    names = {"Waiting list": "camhs_list", "Waiting over 18 weeks": "camhs_over", "Planned trajectory": "camhs_planned"}
    for _, row in chart_data["chart-camhs"].iterrows():
        key = (names[row["series"]], as_day(row["week_ending"]), row["pathway"])
        if key[0] == "camhs_planned" and pd.isna(row["children"]):
            continue
        reader.see(key, cell(row["children"]), f"chart-camhs {row['series']} {row['pathway']} {key[1]}")


def compare_html(reader: Reader, html: str, scorecard: list[dict], kad: list[dict]) -> None:
    """The report's tables must withhold exactly what the CSV files withhold (and show nothing more)."""
    headline = {r["indicator_code"]: r for r in scorecard if r["breakdown_type"] == "all"}
    for code, cells in re.findall(r'<tr data-indicator="([^"]+)">(.*?)</tr>', html, re.S):
        shown = dict(re.findall(r'data-field="(\w+)"[^>]*>(.*?)</td>', cells, re.S))
        row = headline.get(code)
        if row is None:
            reader.problems.append(f"report: indicator {code} is not in scorecard_month.csv")
            continue
        for field_name, column in (("actual", "value"), ("previous", "previous_value")):
            in_report = "[c]" in shown.get(field_name, "")
            if in_report != (row[column] == "[c]"):
                reader.problems.append(
                    f"report: {code} {field_name} is '{shown.get(field_name)}' but the CSV has '{row[column]}'"
                )
        # The cohort beside a percentage is its denominator: shown or withheld as the CSV has it.
        cohort = shown.get("cohort", "").removeprefix("of ").replace(",", "")
        if cohort and cohort != row["denominator"]:
            reader.problems.append(f"report: {code} cohort is '{cohort}', the CSV denominator '{row['denominator']}'")
    kad_rows = re.findall(r'<tr class="(line|group|total)">(.*?)</tr>', html, re.S)
    if len(kad_rows) != len(kad):
        reader.problems.append(f"report: {len(kad_rows)} KAD rows, the CSV has {len(kad)}")
    for (_, cells), row in zip(kad_rows, kad, strict=False):
        shown = dict(re.findall(r'data-field="(\w+)"[^>]*>(.*?)</td>', cells, re.S))
        for column in KAD_CELLS:
            if column in shown and (shown[column] == "[c]") != (row[column] == "[c]"):
                reader.problems.append(
                    f"report: KAD {row['service_type']} {column} is '{shown[column]}' but the CSV has '{row[column]}'"
                )


def read_publication(
    warehouse: Path, period_end: date, exports: dict[str, Path], html: Path, chart_data: dict[str, pd.DataFrame]
) -> Reader:
    """A reader who has everything the report published for `period_end`."""
    reader = Reader(truth=load_truth(warehouse))
    tables = {name: read_csv(path) for name, path in exports.items()}
    for name in ("scorecard_month", "scorecard_financial_year"):
        if name in tables:
            read_scorecard(reader, tables[name], name)
    read_camhs_csv(reader, tables["camhs_waiting_list"], "camhs_waiting_list.csv")
    read_placements_csv(reader, tables["lac_by_placement"], "lac_by_placement.csv")
    read_kad_csv(reader, tables["key_activity_data"], "key_activity_data.csv", period_end)
    read_charts(reader, {**chart_data, "_period_end": period_end})
    compare_html(reader, Path(html).read_text(encoding="utf-8"), tables["scorecard_month"], tables["key_activity_data"])
    add_meaning(reader)
    return reader
