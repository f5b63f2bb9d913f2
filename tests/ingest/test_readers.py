"""Readers: both encodings, both date formats, .xlsx, missing columns, extra columns, bad values."""

from pathlib import Path

import pandas as pd
import pytest

from ingest.contracts import entities_for
from ingest.readers import ContractError, dated_folders, find_file, read_entity
from tests.conftest import FIXTURE_DATE, FIXTURE_LANDING

EPISODES = next(e for e in entities_for("placements") if e.name == "episodes")
BUDGETS = next(e for e in entities_for("finance") if e.name == "budgets")
HEADER = ",".join(EPISODES.column_names)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("source", ["case", "placements", "finance", "camhs", "reference"])
def test_every_fixture_file_reads_cleanly(source):
    folder = FIXTURE_LANDING / source / FIXTURE_DATE
    for entity in entities_for(source):
        path = find_file(folder, entity)
        if path is None and entity.optional:  # the fixture has the core tables only (tests/dbt/test_optional_tables.py)
            continue
        result = read_entity(path, entity)
        assert result.problems == []
        assert list(result.frame.columns)[1 : len(entity.columns) + 1] == [c.raw_name for c in entity.columns]
        assert len(result.frame) > 0


def test_utf8_iso_and_windows1252_uk_dates_read_the_same(tmp_path):
    rows = "C1,{d1},S,C2,N1,U4,PR1,{d2},X1,CARPL,CB3 0AP,PE29 3TN,SC123456\n"
    iso = write(tmp_path / "iso.csv", HEADER + "\n" + rows.format(d1="2024-04-01", d2="2024-05-31"))
    uk = write(tmp_path / "uk.csv", HEADER + "\n" + rows.format(d1="01/04/2024", d2="31/05/2024"), "cp1252")
    a, b = read_entity(iso, EPISODES), read_entity(uk, EPISODES)
    assert a.problems == b.problems == []
    assert a.frame.at[0, "decom"] == b.frame.at[0, "decom"] == "2024-04-01"
    assert a.frame.at[0, "dec"] == b.frame.at[0, "dec"] == "2024-05-31"


def test_windows1252_text_and_bom_are_decoded(tmp_path):
    text = HEADER + ",NOTE\nC1,2024-04-01,S,C2,N1,U4,PR1,,,,,,,café £5\n"
    cp = read_entity(write(tmp_path / "cp.csv", text, "cp1252"), EPISODES)
    bom = read_entity(write(tmp_path / "bom.csv", "\ufeff" + text, "utf-8"), EPISODES)
    assert cp.frame.at[0, "note"] == bom.frame.at[0, "note"] == "café £5"
    assert bom.frame.columns[1] == "child"


def test_blank_means_null_and_extra_columns_are_kept(tmp_path):
    path = write(tmp_path / "e.csv", HEADER + ",LOCAL_REF\nC1,2024-04-01,S,C2,N1,U4,PR1,  ,,,,,,X9\n")
    frame = read_entity(path, EPISODES).frame
    assert pd.isna(frame.at[0, "dec"]) and pd.isna(frame.at[0, "rec"])
    assert frame.at[0, "local_ref"] == "X9"
    assert frame.at[0, "_row_number"] == 2


def test_xlsx_copy_reads_like_the_csv(tmp_path):
    csv_path = FIXTURE_LANDING / "placements" / FIXTURE_DATE / "episodes.csv"
    xlsx_path = tmp_path / "episodes.xlsx"
    table = pd.read_csv(csv_path, dtype=str)
    table["DECOM"] = pd.to_datetime(table["DECOM"])  # Excel users store real dates
    table.to_excel(xlsx_path, index=False)
    from_csv, from_xlsx = read_entity(csv_path, EPISODES), read_entity(xlsx_path, EPISODES)
    assert from_xlsx.problems == []
    pd.testing.assert_frame_equal(from_csv.frame, from_xlsx.frame)


def test_missing_required_column_names_file_and_column(tmp_path):
    path = write(tmp_path / "episodes.csv", HEADER.replace(",RNE", "") + "\nC1,2024-04-01,C2,N1,U4,PR1,,,,,,\n")
    with pytest.raises(ContractError, match=r"episodes\.csv: missing required column\(s\) RNE"):
        read_entity(path, EPISODES)


def test_bad_values_are_reported_by_row_and_column_not_value(tmp_path):
    text = (
        "financial_year,service_type,budgeted_placements,annual_budget,weeks_funded\n"
        '2024-25,IFA,261,"9,812,000",52\n'
        "2024-25,RES_HOME,sixteen,2342000,52.5\n"
    )
    result = read_entity(write(tmp_path / "budgets.csv", text), BUDGETS)
    assert result.frame.at[0, "annual_budget"] == "9812000.0"
    problems = {(p.row, p.column, p.rule, p.key) for p in result.problems}
    assert problems == {
        (3, "budgeted_placements", "float_format", "2024-25|RES_HOME"),
        (3, "weeks_funded", "int_format", "2024-25|RES_HOME"),
    }
    assert all("sixteen" not in str(p) for p in result.problems)


def test_impossible_date_is_a_problem(tmp_path):
    path = write(tmp_path / "e.csv", HEADER + "\nC1,31/02/2024,S,C2,N1,U4,PR1,,,,,,\n")
    result = read_entity(path, EPISODES)
    assert [(p.row, p.column, p.rule) for p in result.problems] == [(2, "DECOM", "date_format")]


def test_dated_folders_are_sorted_and_other_folders_ignored(tmp_path):
    for name in ("2024-04-02", "2024-03-31", "notes", "2024-04-01"):
        (tmp_path / "case" / name).mkdir(parents=True)
    assert [d.isoformat() for d, _ in dated_folders(tmp_path, "case")] == ["2024-03-31", "2024-04-01", "2024-04-02"]


ROWS = [
    "C1,2024-04-01,S,C2,N1,U4,PR1,31/05/2024,X1,CARPL,CB3 0AP,PE29 3TN,SC123456",
    "C2, 01/04/2024 00:00 ,s ,c2,N1,U4,PR1,2024-13-01,X1,CARPL, cb3 0ap ,PE29\x013TN,=SC1",
    "C3,\u00a02024-04-01\u00a0,S,C2,N1,U4,PR1,,,,,,",
]


@pytest.mark.parametrize(
    "layout",
    [
        "crlf",  # DuckDB's reader, like LF
        "bom",
        "tabs",
        "windows-1252",  # the rest are read in Python: DuckDB reads UTF-8 only,
        "blank line",  # and a record's row number is its line, not its position
        "line break in a field",
        "classic mac",
    ],
)
def test_every_layout_of_a_file_reads_to_the_same_cells_and_problems(tmp_path, layout):
    """Whichever reader takes the file (DuckDB's for plain UTF-8, one line per record; Python's csv otherwise),
    the cells, their row numbers and what is wrong with them are the same."""
    lines = [HEADER, *ROWS]
    expected = read_entity(write(tmp_path / "lf.csv", "\n".join(lines) + "\n"), EPISODES)
    shifted = {2: 2, 3: 3, 4: 4}
    if layout == "blank line":
        lines.insert(2, "")
        shifted = {2: 2, 3: 4, 4: 5}
    if layout == "line break in a field":
        lines[-1] += ',"two\nlines"'
        lines = [lines[0] + ",NOTE", *(line + ",x" for line in lines[1:-1]), lines[-1]]
    text = "\n".join(lines) + "\n"
    if layout == "tabs":
        text = text.replace(",", "\t")
    newline = {"crlf": "\r\n", "classic mac": "\r"}.get(layout, "\n")
    encoding = {"bom": "utf-8-sig", "windows-1252": "cp1252"}.get(layout, "utf-8")
    result = read_entity(
        write(tmp_path / "episodes.csv", text.replace("\n", newline).replace("\r\r", "\r"), encoding), EPISODES
    )
    frame = result.frame[expected.frame.columns]
    pd.testing.assert_frame_equal(
        frame.assign(_row_number=frame["_row_number"].map({v: k for k, v in shifted.items()})), expected.frame
    )
    assert [(p.row, p.column, p.rule, p.key) for p in result.problems] == [
        (shifted[p.row], p.column, p.rule, p.key) for p in expected.problems
    ]
    assert {(p.row, p.column, p.rule) for p in expected.problems} == {
        (3, "PL_POST", "control_character"),
        (3, "DEC", "date_format"),
        (3, "URN", "formula_text"),
    }
    assert list(expected.frame["decom"]) == ["2024-04-01"] * 3
    assert list(expected.frame["rne"]) == ["S", "S", "S"]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("\u20032024-04-01 ", None),  # the spaces (as Python's str.strip counts them) are the cell's
        ("01/04/2024 00:00:00.000", None),
        ("2024-4-1", None),
        ("2024-04-01  00:00", "date_format"),
        ("2024-04-01 13:00", "date_format"),
        ("\u0662\u0660\u0662\u0664-04-01", "date_format"),  # Arabic-Indic digits are not a date this reader writes
        ("1066-10-14", "date_format"),  # outside what a timestamp holds (1677-2262)
        ("2024-02-30", "date_format"),
    ],
)
def test_what_a_date_may_look_like(tmp_path, text, rule):
    path = write(tmp_path / "e.csv", HEADER + f"\nC1,{text},S,C2,N1,U4,PR1,,,,,,\n")
    assert [p.rule for p in read_entity(path, EPISODES).problems] == ([rule] if rule else [])


def test_a_whole_number_must_fit_64_bits(tmp_path):
    text = (
        "financial_year,service_type,budgeted_placements,annual_budget,weeks_funded\n"
        "2024-25,IFA,1,2,99999999999999999999\n"
    )
    result = read_entity(write(tmp_path / "budgets.csv", text), BUDGETS)
    assert [(p.column, p.rule) for p in result.problems] == [("weeks_funded", "int_format")]
