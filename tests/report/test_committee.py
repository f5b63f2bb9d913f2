"""The committee report as a person sees it, and what it publishes.

Built once from the default synthetic history (which has counts of 1 to 5: small budget lines, the
eating-disorder pathway, some edge-of-care services). Debian's chromium, installed by
scripts/setup.sh, opens the HTML with every network request refused; the suppression rules are
restated here from MEASURES.md rather than imported, so the report is checked against the rule and
not against itself.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from orchestration.cli import main as cscw
from outputs.report.committee import write_report
from outputs.report.render import CHROMIUM_FLAGS
from warehouse.connection import connect_duckdb

SECTIONS = [
    "summary",
    "indicators",
    "chart-lac",
    "chart-flows",
    "chart-placement-mix",
    "chart-stability",
    "chart-edge-of-care",
    "chart-camhs",
    "chart-budget-model",
    "kad",
    "savings",
    "actions",
    "returns",
    "notes",
]
# Published CSV columns that hold counts of children (MEASURES.md "Suppression").
COUNT_COLUMNS = {
    "lac_by_placement": ["children"],
    "camhs_waiting_list": ["waiting_list", "waiting_over_18w"],
    "key_activity_data": ["snapshot_placements"],
    "scorecard_month": ["numerator", "denominator"],
    "scorecard_financial_year": ["numerator", "denominator"],
    # The council's plans: money and actions, no counts of children.
    "savings_plan": [],
    "action_register": [],
}
# Codes a councillor would not read; legends and axes spell them out (seeds/reference descriptions).
RAW_CODES = {"IFA", "ATC", "FGC", "SPACE", "EATING_DISORDER", "INHOUSE_FOSTERING", "RES_HOME", "CORE", "MST"}
SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "config"
COMMENT = "Test commentary: the month's figure explained by the service."


def small(text) -> bool:
    """A published cell that shows a count of 1 to 5."""
    try:
        return 1 <= float(str(text).replace(",", "")) <= 5
    except ValueError:
        return False


@pytest.fixture(scope="module")
def report(synthetic_warehouse, tmp_path_factory):
    from warehouse.settings import get_settings

    home = tmp_path_factory.mktemp("report_home")
    settings = replace(get_settings(), home=home)
    settings.ensure_dirs()
    shutil.copy(synthetic_warehouse, settings.warehouse)
    # An officer has written commentary on one Red indicator of the month, and on nothing else.
    with connect_duckdb(settings.warehouse) as con:
        month = con.execute("select max(period_end) from scorecard.scorecard_indicators where period_type = 'month'")
        month = month.fetchone()[0]
        reds = con.execute(
            "select indicator_code from scorecard.scorecard_indicators where period_type = 'month' "
            "and breakdown_type = 'all' and period_end = ? and rag = 'red' order by report_order",
            [month],
        ).fetchall()
        assert len(reds) >= 2, "the synthetic month needs two Reds: one with commentary, one without"
        con.execute("delete from reference.commentary")
        con.execute(
            "insert into reference.commentary values (?, ?, ?, 'Head of Service', 'test')", [reds[0][0], month, COMMENT]
        )
    return settings, write_report(settings)


@pytest.fixture(scope="module")
def mart(report):
    settings, written = report
    with connect_duckdb(settings.warehouse, read_only=True) as con:
        rows = con.execute(
            "select indicator_code, unit, numerator, denominator, value, previous_value, rag, previous_period_end "
            "from scorecard.scorecard_indicators where period_type = 'month' and breakdown_type = 'all' "
            "and period_end = ?",
            [written.period_end],
        ).fetchall()
        previous = {
            (r[0]): r
            for r in con.execute(
                "select indicator_code, numerator, denominator, value from scorecard.scorecard_indicators "
                "where period_type = 'month' and breakdown_type = 'all' and period_end = "
                "(select max(period_end) from scorecard.scorecard_indicators where period_type = 'month' "
                "and period_end < ?)",
                [written.period_end],
            ).fetchall()
        }
    return {r[0]: r for r in rows}, previous


@pytest.fixture(scope="module")
def page_text(report, tmp_path_factory):
    """What the browser shows: section visibility and sizes, the indicator table, the KAD cells."""
    _, written = report
    shots = tmp_path_factory.mktemp("screenshots")
    blocked: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS[1:])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route(re.compile(r"^(?!file:).*"), lambda route: (blocked.append(route.request.url), route.abort()))
        page.goto(written.html.as_uri())
        page.wait_for_load_state("load")
        sections = {}
        for section in SECTIONS:
            locator = page.locator(f"section#{section}")
            box = locator.bounding_box() if locator.count() else None
            sections[section] = (locator.count() == 1 and locator.is_visible(), box)
        charts = {}
        for section in SECTIONS:
            if section.startswith("chart-"):
                svg = page.locator(f"section#{section} svg").first
                charts[section] = (
                    svg.is_visible(),
                    svg.bounding_box(),
                    page.locator(
                        f"section#{section} svg .mark-line path, section#{section} svg "
                        f".mark-rect path, section#{section} svg .mark-symbol path, "
                        f"section#{section} svg .mark-area path"
                    ).count(),
                )
        indicators = {
            row.get_attribute("data-indicator"): {
                field: row.locator(f"td[data-field='{field}']").inner_text().strip()
                for field in ("previous", "actual", "direction", "rag")
            }
            for row in page.locator("section#indicators tr[data-indicator]").all()
        }
        details = {
            row.get_attribute("data-indicator"): {
                field: row.locator(f"td[data-field='{field}']").inner_text().strip()
                for field in ("comments", "comparators", "cohort")
            }
            for row in page.locator("section#indicators tr[data-indicator]").all()
        }
        commentary = {
            row.get_attribute("data-commentary"): row.inner_text().strip()
            for row in page.locator("section#indicators tr[data-commentary]").all()
        }
        svg_texts = {t.strip() for t in page.locator("section.chart svg text").all_text_contents()}
        savings = page.locator("section#savings tbody tr").all_inner_texts()
        actions = page.locator("section#actions tbody tr[data-action]").all_inner_texts()
        kad_snapshot = page.locator("section#kad td[data-field='snapshot_placements']").all_inner_texts()
        count_cells = page.locator("section#indicators td.figure[data-unit='count']").all_inner_texts()
        page.screenshot(path=str(shots / "first_page.png"))
        page.screenshot(path=str(shots / "whole_report.png"), full_page=True)
        browser.close()
    return {
        "sections": sections,
        "charts": charts,
        "indicators": indicators,
        "kad_snapshot": kad_snapshot,
        "count_cells": count_cells,
        "blocked": blocked,
        "screenshot": shots / "first_page.png",
        "details": details,
        "commentary": commentary,
        "svg_texts": svg_texts,
        "savings": savings,
        "actions": actions,
    }


def test_report_writes_html_pdf_and_publication_files(report):
    _, written = report
    html = written.html.read_text(encoding="utf-8")
    assert written.pdf.read_bytes().startswith(b"%PDF")
    assert written.pdf.stat().st_size > 50_000
    # Self-contained: no scripts, stylesheets or images fetched from anywhere.
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:|url\(\s*["']?https?:|<link""", html, re.I)
    assert set(written.exports) == set(COUNT_COLUMNS)
    for path in written.exports.values():
        assert path.stat().st_size > 0


def test_every_section_and_chart_is_visible_in_a_real_browser(page_text):
    assert page_text["blocked"] == []
    for section, (visible, box) in page_text["sections"].items():
        assert visible, f"section {section} is missing or hidden"
        assert box["height"] > 40 and box["width"] > 400, section
    for chart, (visible, box, marks) in page_text["charts"].items():
        assert visible and box["width"] > 300 and box["height"] > 150, chart
        assert marks > 0, f"{chart} draws nothing"
    assert page_text["screenshot"].stat().st_size > 20_000


def test_indicator_values_in_the_report_equal_the_marts(page_text, mart):
    current, previous = mart
    shown = page_text["indicators"]
    assert set(shown) == set(current)
    checked = 0
    for code, (_, unit, numerator, denominator, value, previous_value, rag, _) in current.items():
        cells = shown[code]
        counts = [numerator, denominator] + ([value] if unit == "count" else [])
        if any(small(c) for c in counts if c is not None):
            assert cells["actual"] == "[c]" and cells["rag"] == "[c]", code
        elif value is None:
            assert cells["actual"] == "[x]", code
        else:
            number = float(re.sub(r"[£,%]", "", cells["actual"]))
            assert number == pytest.approx(value, abs=0.51 if unit in ("count", "days", "gbp") else 0.051), code
            assert cells["rag"].lower() == (rag or "no target"), code
            checked += 1
        before = previous.get(code)
        if (
            before
            and not any(
                small(c) for c in (before[1], before[2]) + ((before[3],) if unit == "count" else ()) if c is not None
            )
            and previous_value is not None
        ):
            assert float(re.sub(r"[£,%]", "", cells["previous"])) == pytest.approx(
                previous_value, abs=0.51 if unit in ("count", "days", "gbp") else 0.051
            ), code
    assert checked >= 20


def test_no_count_from_one_to_five_is_published(report, page_text):
    settings, written = report
    # The data has such counts, so the test can fail.
    with connect_duckdb(settings.warehouse, read_only=True) as con:
        small_in_marts = con.execute(
            "select count(*) from scorecard.scorecard_indicators where period_end = ? and period_type = 'month' "
            "and (numerator between 1 and 5 or denominator between 1 and 5)",
            [written.period_end],
        ).fetchone()[0]
        small_kad = con.execute(
            "select count(*) from finance.finance_key_activity_data where reporting_month_end = ? "
            "and snapshot_placements between 1 and 5",
            [written.period_end],
        ).fetchone()[0]
    assert small_in_marts > 0 and small_kad > 0

    suppressed = 0
    for name, path in written.exports.items():
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert rows, name
        for row in rows:
            for column in COUNT_COLUMNS[name]:
                assert not small(row[column]), f"{name}.csv shows {row[column]} in {column}: {row}"
            if name.startswith("scorecard") and row["numerator"] == "[c]":
                assert row["value"] == "[c]" and row["denominator"] == "[c]", row
            suppressed += sum(v == "[c]" for v in row.values())
        if name.startswith("scorecard"):
            # A lone suppressed breakdown could be recovered from its total: never exactly one per group.
            groups: dict[tuple, list[dict]] = {}
            for row in rows:
                if row["breakdown_type"] != "all":
                    groups.setdefault((row["indicator_code"], row["breakdown_type"]), []).append(row)
            for key, members in groups.items():
                hidden = [r for r in members if r["numerator"] == "[c]"]
                others = [r for r in members if r["numerator"] not in ("[c]", "0", "[x]")]
                assert not (len(hidden) == 1 and others), f"{key}: one suppressed cell among {len(members)}"
    assert suppressed > 0

    assert not [c for c in page_text["count_cells"] if small(c)]
    assert not [c for c in page_text["kad_snapshot"] if small(c)]
    assert "[c]" in page_text["kad_snapshot"]

    # Charts draw only suppressed data: no point at a count of 1 to 5.
    for chart, column in (
        ("chart-flows", "numerator"),
        ("chart-placement-mix", "numerator"),
        ("chart-camhs", "children"),
        ("chart-edge-of-care", "numerator"),
    ):
        data = written.chart_data[chart]
        if chart == "chart-camhs":
            data = data[data["series"] != "Planned trajectory"]
        assert not data[column].dropna().between(1, 5).any(), chart


def test_cli_writes_the_report_and_says_where(report, capsys, monkeypatch):
    settings, _ = report
    monkeypatch.setenv("CSCW_HOME", str(settings.home))
    assert cscw(["report"]) == 0
    out = capsys.readouterr().out
    assert str(settings.reports / "committee") in out and "committee_report.html" in out


def test_cli_report_without_a_built_warehouse_says_what_to_do(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CSCW_HOME", str(tmp_path))
    with connect_duckdb(tmp_path / "warehouse.duckdb") as con:
        con.execute("create schema scorecard")
        con.execute("create table scorecard.scorecard_indicators (period_type varchar, period_end date)")
    assert cscw(["report"]) == 1
    assert "run `cscw nightly` first" in capsys.readouterr().out


def test_commentary_shows_under_its_indicator_and_is_required_only_for_a_red_without_one(page_text, mart):
    current, _ = mart
    details, commentary = page_text["details"], page_text["commentary"]
    assert len(commentary) == 1
    ((code, text),) = commentary.items()
    assert COMMENT in text and "Head of Service" in text
    assert details[code]["comments"] == "See below"
    shown_reds = [c for c, cells in page_text["indicators"].items() if cells["rag"] == "Red"]
    assert len(shown_reds) >= 2 and code in shown_reds
    for indicator, cells in details.items():
        wanted = "See below" if indicator == code else ("Commentary required" if indicator in shown_reds else "")
        assert cells["comments"] == wanted, indicator


def test_comparators_and_cohorts_sit_beside_the_indicators(page_text, mart):
    current, _ = mart
    details = page_text["details"]
    assert "England" in details["lac_rate_per_10k"]["comparators"]
    assert "Wales 9.15%" in details["stability_3plus_placements_pct"]["comparators"]
    for code, (_, unit, *_rest) in current.items():
        if unit == "percent":
            assert re.fullmatch(r"of ([0-9,]+|\[c\]|\[x\])", details[code]["cohort"]), (code, details[code])
        else:
            assert details[code]["cohort"] == "", code
    # The comparators are drawn: a dotted line named in the LAC chart's legend.
    assert "England" in page_text["svg_texts"] and "Comparators" in page_text["svg_texts"]


def test_savings_and_actions_pages_and_labels_not_codes(page_text):
    # The default plan (read here from the seed): the latest financial year's savings, then a total row.
    with open(SEEDS / "savings_plan.csv", newline="", encoding="utf-8") as f:
        plan = list(csv.DictReader(f))
    latest = max(r["financial_year"] for r in plan)
    assert len(page_text["savings"]) == sum(r["financial_year"] == latest for r in plan) + 1
    assert "Total" in page_text["savings"][-1]
    assert len(page_text["actions"]) == 4 and "Complete" in " ".join(page_text["actions"])
    assert "Community eating disorder service" in page_text["svg_texts"]
    assert not RAW_CODES & page_text["svg_texts"], RAW_CODES & page_text["svg_texts"]


def test_the_budget_model_chart_shows_actual_years_then_both_scenarios_against_the_budget(report, page_text):
    _, written = report
    data = written.chart_data["chart-budget-model"]
    by_series = data.groupby("scenario")["year_ahead"].apply(set).to_dict()
    assert by_series["actual"] == {-2, -1, 0}
    # Each projection starts from the base year's actual spend and runs five years.
    assert by_series["do_nothing"] == by_series["strategy"] == {0, 1, 2, 3, 4, 5}
    assert by_series["budget"] == set(range(-2, 6))
    assert data["spend_gbp"].notna().all() and (data.loc[data["scenario"] == "actual", "spend_gbp"] > 0).all()
    for label in ("Actual (priced by the model)", "Do nothing (the last two years' trend)", "Comparison budget"):
        assert label in page_text["svg_texts"], label


def test_the_pdf_has_page_numbers(report):
    _, written = report
    text = subprocess.run(["pdftotext", str(written.pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = re.findall(r"Page (\d+) of (\d+)", text)
    assert pages and pages[0] == ("1", pages[0][1]) and int(pages[0][1]) >= 3
    assert len(pages) == int(pages[0][1])
