"""No published figure lets a reader work out a suppressed count (MEASURES.md "Suppression").

For months of the default synthetic history, the report is written and everything it publishes (the
CSV files for publication, the data drawn in its charts, its own tables) is handed to the reader of
tests/report/disclosure/, who knows what the figures mean and narrows every [c] by arithmetic. The
reader is written from MEASURES.md, not from outputs.report.suppression.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import replace
from datetime import date

import pytest

from outputs.report.committee import write_report
from tests.report.disclosure import read_publication

# The latest month (what `cscw report` writes); a month whose eating-disorder starts bound the
# other pathways' (within 4 weeks is within 18); the month of a financial year's end.
MONTHS = [None, date(2025, 1, 31), date(2026, 3, 31)]


@pytest.fixture(scope="module")
def settings(synthetic_warehouse, tmp_path_factory):
    from warehouse.settings import get_settings

    settings = replace(get_settings(), home=tmp_path_factory.mktemp("disclosure_home"))
    settings.ensure_dirs()
    shutil.copy(synthetic_warehouse, settings.warehouse)
    return settings


@pytest.fixture(scope="module")
def written(settings):
    return {month: write_report(settings, month=month, pdf=False) for month in MONTHS}


@pytest.mark.parametrize("month", MONTHS, ids=lambda m: str(m or "latest"))
def test_no_suppressed_count_can_be_worked_out_from_what_is_published(settings, written, month):
    report = written[month]
    reader = read_publication(settings.warehouse, report.period_end, report.exports, report.html, report.chart_data)
    # The month has suppressed counts under published totals, so the check can fail.
    assert len(reader.where_hidden) > 20 and reader.sums
    found = reader.disclosures()
    assert not found, "\n".join(found)


def test_the_reader_finds_a_count_worked_out_from_the_camhs_total(settings, written, tmp_path):
    """Publishing the CAMHS table with only one [c] beside a small pathway (the secondary cell shown
    again) gives the small pathway away: the reader must say so."""
    report = written[None]
    path = report.exports["camhs_waiting_list"]
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    reader = read_publication(settings.warehouse, report.period_end, report.exports, report.html, report.chart_data)
    week = date.fromisoformat(rows[0]["week_ending"])
    withheld = [r for r in rows if r["waiting_list"] == "[c]"]
    assert len(withheld) >= 2
    small = [r["pathway"] for r in withheld if 1 <= reader.truth[("camhs_list", week, r["pathway"])] <= 5]
    shown_again = max(withheld, key=lambda r: reader.truth[("camhs_list", week, r["pathway"])])
    assert small and shown_again["pathway"] not in small
    for column, name in (("waiting_list", "camhs_list"), ("waiting_over_18w", "camhs_over")):
        shown_again[column] = str(int(reader.truth[(name, week, shown_again["pathway"])]))

    tampered = tmp_path / "camhs_waiting_list.csv"
    with open(tampered, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    exports = {**report.exports, "camhs_waiting_list": tampered}
    found = read_publication(
        settings.warehouse, report.period_end, exports, report.html, report.chart_data
    ).disclosures()
    assert [f for f in found if f.startswith(f"('camhs_list', {week!r}, '{small[0]}')")], found


def test_the_reader_takes_one_sum_from_another():
    """Two tables withhold the same lines P and Q: one shows their sum with S (24), the other with
    nothing else (23). Neither bounds S alone; their difference gives S = 1."""
    from tests.report.disclosure import Reader

    truth = {("kad_snapshot", "d", line): value for line, value in (("P", 20), ("Q", 3), ("S", 1), ("X", 24))}
    truth |= {("lac_line", "d", "budget_line", line): value for line, value in (("P", 20), ("Q", 3), ("R", 40))}
    truth[("lac", "d")] = 63
    reader = Reader(truth={key: float(value) for key, value in truth.items()})
    for line in ("P", "Q", "S"):
        reader.see(("kad_snapshot", "d", line), "[c]", f"kad {line}")
    reader.see(("kad_snapshot", "d", "X"), "24", "kad X")
    for line, text in (("P", "[c]"), ("Q", "[c]"), ("R", "40")):
        reader.see(("lac_line", "d", "budget_line", line), text, f"lac {line}")
    reader.see(("lac", "d"), "63", "lac total")
    reader.add_sum(("kad_snapshot", "d", "X"), [("kad_snapshot", "d", line) for line in ("P", "Q", "S")])
    reader.add_sum(("lac", "d"), [("lac_line", "d", "budget_line", line) for line in ("P", "Q", "R")])
    for line in ("P", "Q"):
        reader.sums.append(("=", ("kad_snapshot", "d", line), (("lac_line", "d", "budget_line", line),)))
    found = reader.disclosures()
    assert [f for f in found if f.startswith("('kad_snapshot', 'd', 'S') = 1 can be worked out to 1-1")], found
    # With R withheld too there is nothing to take away.
    reader.shown.pop(("lac_line", "d", "budget_line", "R"))
    reader.where_hidden[("lac_line", "d", "budget_line", "R")].append("lac R")
    assert reader.disclosures() == []
