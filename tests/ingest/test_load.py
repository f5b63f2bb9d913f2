"""The raw loader: atomic replace, each snapshot once, never backwards, nothing written on refusal."""

import shutil
from datetime import date

import pytest

from ingest.load import SnapshotRefused, connect, load_source
from tests.conftest import FIXTURE_DATE, FIXTURE_LANDING


@pytest.fixture
def landing(tmp_path):
    root = tmp_path / "landing"
    shutil.copytree(FIXTURE_LANDING / "placements", root / "placements")
    return root


@pytest.fixture
def con(tmp_path):
    with connect(tmp_path / "w.duckdb") as connection:
        yield connection


def add_night(landing, day: str, edit=None):
    folder = landing / "placements" / day
    shutil.copytree(landing / "placements" / FIXTURE_DATE, folder)
    if edit:
        edit(folder)
    return folder


def test_loads_typed_tables_with_load_metadata(landing, con):
    [result] = load_source(con, landing, "placements").loaded
    assert result.row_counts == {"header": 3, "episodes": 3, "uasc": 1, "reviews": 3, "missing": 1}
    types = dict(con.execute("select column_name, data_type from information_schema.columns "
                             "where table_schema = 'raw' and table_name = 'placements__episodes'").fetchall())
    assert types["decom"] == "DATE" and types["child"] == "VARCHAR" and types["_loaded_at"] == "TIMESTAMP"
    assert con.execute("select distinct extract_date, _source_file from raw.placements__episodes").fetchall() == [
        (date(2024, 3, 31), "episodes.csv")]


def test_same_folder_twice_loads_once(landing, con):
    assert len(load_source(con, landing, "placements").loaded) == 1
    second = load_source(con, landing, "placements")
    assert second.loaded == [] and second.refused == []
    assert con.execute("select count(*), count(distinct file_name), min(status) from raw._ledger").fetchone() == (
        5, 5, "loaded")


def test_waiting_nights_load_in_date_order_and_older_ones_are_skipped(landing, con):
    def add_child(folder):
        with open(folder / "header.csv", "a") as handle:
            handle.write("C0000009,F,2015-01-01,WBRI,UN3,0,\n")

    add_night(landing, "2024-04-02", add_child)
    add_night(landing, "2024-04-01")
    loaded = load_source(con, landing, "placements").loaded
    assert [r.extract_date.isoformat() for r in loaded] == [FIXTURE_DATE, "2024-04-01", "2024-04-02"]
    assert con.execute("select count(*), max(extract_date) from raw.placements__header").fetchone() == (
        4, date(2024, 4, 2))
    add_night(landing, "2024-03-30")  # arrives late: older than what is published, refused once and loudly
    with pytest.raises(SnapshotRefused, match="placements snapshot 2024-03-30 refused \\(older_snapshot\\)"):
        load_source(con, landing, "placements")
    assert con.execute("select max(extract_date) from raw.placements__header").fetchone()[0] == date(2024, 4, 2)
    again = load_source(con, landing, "placements")  # recorded in the ledger: not raised again every night
    assert again.loaded == [] and again.refused == []


def test_a_refused_snapshot_leaves_the_previous_one_in_place(landing, con):
    load_source(con, landing, "placements")

    def break_a_date(folder):
        text = (folder / "episodes.csv").read_text().replace("2023-10-01", "2023-13-01")
        (folder / "episodes.csv").write_text(text)

    add_night(landing, "2024-04-01", break_a_date)
    with pytest.raises(SnapshotRefused, match=r"episodes\.csv row 4 column DECOM: date_format"):
        load_source(con, landing, "placements")
    assert con.execute("select distinct extract_date from raw.placements__episodes").fetchall() == [
        (date(2024, 3, 31),)]
    assert con.execute("select status, count(*) from raw._ledger group by 1 order by 1").fetchall() == [
        ("loaded", 5), ("refused", 5)]
