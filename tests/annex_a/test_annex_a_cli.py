"""`cscw return annex-a` through the real CLI: the workbook from the published warehouse, and plain refusals."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

from orchestration.cli import main as cscw


@pytest.fixture
def published(annex_a_warehouse, cscw_home):
    shutil.copy(annex_a_warehouse, cscw_home.warehouse)
    return cscw_home


def test_writes_the_workbook_as_at_the_latest_extract(published, capsys):
    assert cscw(["return", "annex-a"]) == 0
    path = published.exports / "annex_a" / "2024-03-31" / "annex_a_2024-03-31.xlsx"
    assert load_workbook(path, read_only=True)["List 8 Children in care"].max_row == 5  # heading and 4 children
    out = "".join(capsys.readouterr())
    assert "List 3 Referrals: 2 rows" in out and "List 11 Adopters: not filled" in out


def test_as_at_an_earlier_day(published):
    assert cscw(["return", "annex-a", "--as-at", "2023-11-30"]) == 0
    assert (published.exports / "annex_a" / "2023-11-30" / "annex_a_2023-11-30.xlsx").exists()


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--as-at", "2024-04-01"], "after the latest case extract (2024-03-31)"),
        (["--as-at", "31/03/2024"], "is not a date: give YYYY-MM-DD"),
        (["--year", "2024"], "give --as-at YYYY-MM-DD, not --year"),
    ],
)
def test_ordinary_mistakes_are_one_line(published, capsys, argv, says):
    assert cscw(["return", "annex-a", *argv]) == 1
    out = "".join(capsys.readouterr())
    assert says in out and "Traceback" not in out


def test_no_warehouse_yet(cscw_home, capsys):
    assert cscw(["return", "annex-a"]) == 1
    assert "run `cscw nightly` first" in "".join(capsys.readouterr())
