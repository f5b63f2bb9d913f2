"""The raw loader: atomic replace, each snapshot once, never backwards, nothing written on refusal; bad rows
quarantined while the rest loads, a broken export refused by the threshold, a suspect one held until accepted."""

import shutil
from datetime import date

import pytest

from ingest.contracts.placements import OPTIONAL_ENTITIES
from ingest.ledger import AcceptError, accept
from ingest.load import load_source
from ingest.outcome import SnapshotRefused
from tests.conftest import FIXTURE_DATE, FIXTURE_LANDING
from warehouse.connection import connect_duckdb

EPISODE = "C{n:07d},2023-10-01,S,C2,N1,U4,PR4,,,,CB1 1AA,PE29 3TN,\n"
HEADER_ROW = "C{n:07d},F,2015-01-01,WBRI,UN3,,\n"
OPTIONAL = [e.name for e in OPTIONAL_ENTITIES]


@pytest.fixture
def landing(tmp_path):
    root = tmp_path / "landing"
    shutil.copytree(FIXTURE_LANDING / "placements", root / "placements")
    return root


@pytest.fixture
def con(tmp_path):
    with connect_duckdb(tmp_path / "w.duckdb") as connection:
        yield connection


def add_night(landing, day: str, edit=None):
    folder = landing / "placements" / day
    shutil.copytree(FIXTURE_LANDING / "placements" / FIXTURE_DATE, folder)
    if edit:
        edit(folder)
    return folder


def test_loads_typed_tables_with_load_metadata(landing, con):
    [result] = load_source(con, landing, "placements").loaded
    core = {"header": 3, "episodes": 3, "uasc": 1, "reviews": 3, "missing": 1}
    # The fixture has none of the optional SSDA903 tables: each is published empty.
    assert result.row_counts == core | dict.fromkeys(OPTIONAL, 0)
    types = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw' and table_name = 'placements__episodes'"
        ).fetchall()
    )
    assert types["decom"] == "DATE" and types["child"] == "VARCHAR" and types["_loaded_at"] == "TIMESTAMP"
    assert con.execute("select distinct extract_date, _source_file from raw.placements__episodes").fetchall() == [
        (date(2024, 3, 31), "episodes.csv")
    ]


def test_same_folder_twice_loads_once(landing, con):
    assert len(load_source(con, landing, "placements").loaded) == 1
    second = load_source(con, landing, "placements")
    assert second.loaded == [] and second.refused == []
    assert con.execute("select count(*), count(distinct file_name), min(status) from raw._ledger").fetchone() == (
        5,
        5,
        "loaded",
    )


def test_waiting_nights_load_in_date_order_and_older_ones_are_skipped(landing, con):
    def add_child(folder, child="C0000009"):
        with open(folder / "header.csv", "a") as handle:
            handle.write(f"{child},F,2015-01-01,WBRI,UN3,0,\n")

    add_night(landing, "2024-04-02", add_child)
    add_night(landing, "2024-04-01", lambda folder: add_child(folder, "C0000008"))  # not a resend: one child more
    loaded = load_source(con, landing, "placements").loaded
    assert [r.extract_date.isoformat() for r in loaded] == [FIXTURE_DATE, "2024-04-01", "2024-04-02"]
    assert con.execute("select count(*), max(extract_date) from raw.placements__header").fetchone() == (
        4,
        date(2024, 4, 2),
    )
    add_night(landing, "2024-03-30")  # arrives late: older than what is published, refused once and loudly
    with pytest.raises(SnapshotRefused, match="placements snapshot 2024-03-30 refused \\(older_snapshot\\)"):
        load_source(con, landing, "placements")
    assert con.execute("select max(extract_date) from raw.placements__header").fetchone()[0] == date(2024, 4, 2)
    again = load_source(con, landing, "placements")  # recorded in the ledger: not raised again every night
    assert again.loaded == [] and again.refused == []


def test_a_refused_snapshot_leaves_the_previous_one_in_place(landing, con):
    load_source(con, landing, "placements")

    def cut_a_row_short(folder):
        lines = (folder / "episodes.csv").read_text().splitlines(keepends=True)
        lines[3] = lines[3].split(",", 5)[0] + "\n"  # a structural fault: a row with one field
        (folder / "episodes.csv").write_text("".join(lines))

    add_night(landing, "2024-04-01", cut_a_row_short)
    with pytest.raises(SnapshotRefused, match=r"episodes\.csv row 4: ragged_row"):
        load_source(con, landing, "placements")
    assert con.execute("select distinct extract_date from raw.placements__episodes").fetchall() == [
        (date(2024, 3, 31),)
    ]
    assert con.execute("select status, count(*) from raw._ledger group by 1 order by 1").fetchall() == [
        ("loaded", 5),
        ("refused", 5),
    ]


def test_a_row_that_is_not_a_date_is_quarantined_and_the_rest_loads(landing, con):
    load_source(con, landing, "placements")

    def break_a_date(folder):
        text = (folder / "episodes.csv").read_text().replace("2023-10-01", "2023-13-01")
        (folder / "episodes.csv").write_text(text)

    add_night(landing, "2024-04-01", break_a_date)
    [result] = load_source(con, landing, "placements").loaded
    assert result.row_counts["episodes"] == 2 and result.quarantined == 1
    assert con.execute("select _row_number from raw.placements__episodes order by 1").fetchall() == [(2,), (3,)]
    assert con.execute(
        "select file_name, row_number, column_name, rule, kind, record_key, child_id from raw._problems"
    ).fetchall() == [("episodes.csv", 4, "DECOM", "date_format", "row", "C0000003|2023-13-01", "C0000003")]


def _night_with_rows(landing, day, episodes: int, bad: int = 0):
    """A placements night of `episodes` open episodes, one child each, the first `bad` with a DECOM that is no date."""

    def rewrite(folder):
        header = (folder / "header.csv").read_text().splitlines(keepends=True)[0]
        (folder / "header.csv").write_text(header + "".join(HEADER_ROW.format(n=n) for n in range(episodes)))
        first = (folder / "episodes.csv").read_text().splitlines(keepends=True)[0]
        rows = [EPISODE.format(n=n) for n in range(episodes)]
        rows[:bad] = [r.replace("2023-10-01", "2023-13-01") for r in rows[:bad]]
        (folder / "episodes.csv").write_text(first + "".join(rows))

    return add_night(landing, day, rewrite)


def test_a_file_past_the_quarantine_threshold_refuses_the_snapshot(landing, con):
    # 11 of 200 rows (5.5%) are more than 5% and more than the floor of 10: a broken export.
    _night_with_rows(landing, "2024-04-01", episodes=200, bad=11)
    shutil.rmtree(landing / "placements" / FIXTURE_DATE)
    with pytest.raises(SnapshotRefused, match=r"episodes\.csv: too_many_quarantined"):
        load_source(con, landing, "placements")
    shutil.rmtree(landing / "placements" / "2024-04-01")
    # 10 bad rows of 100 is at the floor: quarantined, not refused.
    _night_with_rows(landing, "2024-04-02", episodes=100, bad=10)
    [result] = load_source(con, landing, "placements").loaded
    assert result.quarantined == 10 and result.row_counts["episodes"] == 90


def test_a_resent_snapshot_loads_nothing_and_warns(landing, con):
    load_source(con, landing, "placements")
    add_night(landing, "2024-04-01")  # byte-identical: the export job resent yesterday's files
    outcome = load_source(con, landing, "placements")
    assert (
        outcome.loaded == [] and outcome.refused == [] and [d.isoformat() for d in outcome.unchanged] == ["2024-04-01"]
    )
    assert con.execute(
        "select distinct status, message from raw._ledger where extract_date = '2024-04-01'"
    ).fetchall() == [("unchanged", "identical to the 2024-03-31 snapshot: the export looks stuck")]
    assert con.execute("select rule, kind from raw._problems").fetchall() == [("unchanged_snapshot", "flag")]
    assert con.execute("select max(extract_date) from raw.placements__episodes").fetchone()[0] == date(2024, 3, 31)
    again = load_source(con, landing, "placements")
    assert again.unchanged == [] and again.loaded == []


def test_a_halved_snapshot_is_held_until_accepted(landing, con):
    shutil.rmtree(landing / "placements" / FIXTURE_DATE)
    _night_with_rows(landing, "2024-04-01", episodes=100)
    load_source(con, landing, "placements")
    _night_with_rows(landing, "2024-04-02", episodes=50)
    with pytest.raises(SnapshotRefused) as held:
        load_source(con, landing, "placements")
    assert {(p.file, p.rule) for p in held.value.problems} == {
        ("episodes.csv", "row_count_drop"),
        ("header.csv", "row_count_drop"),
        ("episodes.csv", "looked_after_drop"),
    }
    assert con.execute("select max(extract_date) from raw.placements__episodes").fetchone()[0] == date(2024, 4, 1)
    with pytest.raises(AcceptError, match="already loaded"):
        accept(con, landing, "placements", date(2024, 4, 1))
    accept(con, landing, "placements", date(2024, 4, 2))
    [result] = load_source(con, landing, "placements").loaded
    assert result.extract_date == date(2024, 4, 2) and result.row_counts["episodes"] == 50
    assert con.execute("select count(*) from raw._ledger where status = 'accepted'").fetchone()[0] == 5


def test_a_symlinked_folder_is_refused_and_what_it_points_to_is_never_copied(landing, con, tmp_path):
    load_source(con, landing, "placements")
    outside = tmp_path / "outside"
    shutil.copytree(FIXTURE_LANDING / "placements" / FIXTURE_DATE, outside)
    (landing / "placements" / "2024-04-01").symlink_to(outside, target_is_directory=True)
    quarantine = tmp_path / "quarantine"
    with pytest.raises(SnapshotRefused, match="symlink"):
        load_source(con, landing, "placements", quarantine_root=quarantine)
    assert sorted(p.name for p in (quarantine / "placements" / "2024-04-01").iterdir()) == [
        "gate_report.csv",
        "gate_report.md",
    ]


def test_a_misdated_folder_is_reported_and_stops_nothing(landing, con):
    add_night(landing, "2026-13-01")
    add_night(landing, "2062-11-30")
    outcome = load_source(con, landing, "placements")  # raises nothing: neither makes the data stale
    assert [r.extract_date.isoformat() for r in outcome.loaded] == [FIXTURE_DATE]
    assert sorted(p.rule for r in outcome.misdated for p in r.problems) == ["bad_folder_name", "future_snapshot"]


def test_a_snapshot_loaded_by_mistake_is_withdrawn_and_the_genuine_one_loads(landing, con):
    from ingest.ledger import withdraw

    def one_more_child(folder):
        with open(folder / "header.csv", "a") as handle:
            handle.write("C0000009,F,2015-01-01,WBRI,UN3,0,\n")

    add_night(landing, "2024-04-05", one_more_child)  # really the 2024-04-01 extract, misdated
    load_source(con, landing, "placements")
    add_night(landing, "2024-04-02", one_more_child)
    with pytest.raises(SnapshotRefused, match="older_snapshot"):
        load_source(con, landing, "placements")
    withdraw(con, "placements", date(2024, 4, 5))
    shutil.rmtree(landing / "placements" / "2024-04-05")
    [result] = load_source(con, landing, "placements").loaded
    assert result.extract_date == date(2024, 4, 2)
    with pytest.raises(AcceptError, match="not a loaded snapshot"):
        withdraw(con, "placements", date(2024, 4, 5))
