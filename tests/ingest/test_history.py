"""raw.<token>__history: each published snapshot's rows by row hash, with valid_from / valid_to, kept in step with
the raw tables (added, changed, removed, duplicated and re-added rows; quarantine, absent files, refusals, resends,
withdrawals), on DuckDB and on PostgreSQL."""

from datetime import date
from pathlib import Path

import pytest

from ingest.contracts import entities_for
from ingest.history import as_of, changed_on, history_table, row_hash
from ingest.ledger import withdraw
from ingest.load import load_source
from warehouse.connection import connect, connect_duckdb

D1, D2, D3, D4 = date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)
POPULATION, COMPARATORS = (e for e in entities_for("reference") if e.name in ("population", "comparators"))
HEADERS = {e.name: ",".join(e.raw_names) for e in (POPULATION, COMPARATORS)}
# Three nights of the reference source. population: a duplicate pair that drops to one and comes back, one cell
# changed, a cell from NULL to a value and back, a row removed and re-added, a row added then removed, and at D3 a
# row with a bad year (quarantined). comparators: a value changed, then the whole (optional) file absent at D3.
NIGHTS = {
    D1: {
        "population": ["E1,2020,100", "E1,2020,100", "E2,2020,200", "E3,,300", "E4,2020,400"],
        "comparators": ["IND1,ENGLAND,2023-03-31,1.5,DfE", "IND2,ENGLAND,2023-03-31,2.5,DfE"],
    },
    D2: {
        "population": ["E1,2020,100", "E2,2020,201", "E3,2021,300", "E5,2020,500"],
        "comparators": ["IND1,ENGLAND,2023-03-31,1.5,DfE", "IND2,ENGLAND,2023-03-31,2.75,DfE"],
    },
    D3: {
        "population": ["E1,2020,100", "E9,abc,900", "E1,2020,100", "E2,2020,201", "E3,,300", "E4,2020,400"],
    },
}
EXPECTED_POPULATION = [
    ("E1", 2020, 100, 1, D1, None),
    ("E1", 2020, 100, 2, D1, D2),
    ("E1", 2020, 100, 2, D3, None),
    ("E2", 2020, 200, 1, D1, D2),
    ("E2", 2020, 201, 1, D2, None),
    ("E3", 2021, 300, 1, D2, D3),
    ("E3", None, 300, 1, D1, D2),
    ("E3", None, 300, 1, D3, None),
    ("E4", 2020, 400, 1, D1, D2),
    ("E4", 2020, 400, 1, D3, None),
    ("E5", 2020, 500, 1, D2, D3),
]
EXPECTED_COMPARATORS = [
    ("IND1", "ENGLAND", date(2023, 3, 31), 1.5, "DfE", 1, D1, D3),
    ("IND2", "ENGLAND", date(2023, 3, 31), 2.5, "DfE", 1, D1, D2),
    ("IND2", "ENGLAND", date(2023, 3, 31), 2.75, "DfE", 1, D2, D3),
]


def land(landing: Path, day: date, files: dict[str, list[str]]) -> None:
    folder = landing / "reference" / day.isoformat()
    folder.mkdir(parents=True)
    for name, rows in files.items():
        (folder / f"{name}.csv").write_text("\n".join([HEADERS[name], *rows]) + "\n")


def history(con, entity, with_loaded_at: bool = False) -> list[tuple]:
    columns = ", ".join([*entity.raw_names, "_occurrence", "valid_from", "valid_to"])
    columns += ", _loaded_at" if with_loaded_at else ""
    return sorted(
        con.execute(f"select {columns} from {history_table(entity)}").fetchall(), key=lambda r: tuple(map(str, r))
    )


def rows(con, sql: str, params: list | None = None) -> list[tuple]:
    return sorted(con.execute(sql, params).fetchall(), key=lambda r: tuple(map(str, r)))


def raw(con, entity) -> list[tuple]:
    return rows(con, f"select {', '.join(entity.raw_names)} from raw.{entity.token}")


def three_nights(con, landing: Path) -> dict[date, dict[str, list[tuple]]]:
    """Load the three nights one at a time; what each night left in the raw tables."""
    published = {}
    for day, files in NIGHTS.items():
        land(landing, day, files)
        [loaded] = load_source(con, landing, "reference").loaded
        assert loaded.extract_date == day
        published[day] = {e.name: raw(con, e) for e in (POPULATION, COMPARATORS)}
    return published


def assert_as_of_matches(con, published: dict[date, dict[str, list[tuple]]]) -> None:
    for day, tables in published.items():
        for entity in (POPULATION, COMPARATORS):
            assert rows(con, as_of(entity), [day, day]) == tables[entity.name], (entity.name, day)


@pytest.fixture
def con(tmp_path):
    with connect_duckdb(tmp_path / "w.duckdb") as connection:
        yield connection


def test_the_history_holds_every_night_and_as_of_each_date_gives_its_raw_table(con, tmp_path):
    published = three_nights(con, tmp_path / "landing")
    assert history(con, POPULATION) == EXPECTED_POPULATION
    assert history(con, COMPARATORS) == EXPECTED_COMPARATORS
    assert_as_of_matches(con, published)
    assert ("E9", "900") not in {(r[0], str(r[2])) for r in history(con, POPULATION)}, "quarantined: never in it"
    # Between two nights, the earlier one's rows; before the first, none.
    assert rows(con, as_of(POPULATION), [date(2024, 3, 1)] * 2) == published[D2]["population"]
    assert rows(con, as_of(POPULATION), [date(2023, 12, 31)] * 2) == []
    assert rows(con, changed_on(POPULATION), [D2] * 3) == [
        ("added", "E2", 2020, 201),
        ("added", "E3", 2021, 300),
        ("added", "E5", 2020, 500),
        ("removed", "E1", 2020, 100),
        ("removed", "E2", 2020, 200),
        ("removed", "E3", None, 300),
        ("removed", "E4", 2020, 400),
    ]


def test_only_new_changed_and_removed_rows_are_written(con, tmp_path):
    landing = tmp_path / "landing"
    land(landing, D1, NIGHTS[D1])
    load_source(con, landing, "reference")
    first = {r[:4]: r[-1] for r in history(con, POPULATION, with_loaded_at=True)}
    land(landing, D2, NIGHTS[D2])
    load_source(con, landing, "reference")
    second = {r[:4]: r[-1] for r in history(con, POPULATION, with_loaded_at=True)}
    # The row both nights had is the row the first night wrote; the one closed kept its load time too.
    assert second[("E1", 2020, 100, 1)] == first[("E1", 2020, 100, 1)]
    assert second[("E4", 2020, 400, 1)] == first[("E4", 2020, 400, 1)]
    assert second[("E5", 2020, 500, 1)] > first[("E1", 2020, 100, 1)]


def test_resends_reruns_refusals_and_holds_write_nothing(con, tmp_path, monkeypatch):
    monkeypatch.setattr("ingest.thresholds.GATE_DROP_FLOOR", 1)  # so that six rows falling to one is suspect
    landing = tmp_path / "landing"
    three_nights(con, landing)
    before = {e.name: history(con, e, with_loaded_at=True) for e in (POPULATION, COMPARATORS)}
    assert load_source(con, landing, "reference").loaded == []  # the same night again
    land(landing, D4, NIGHTS[D3])  # resent unchanged
    assert load_source(con, landing, "reference").unchanged == []  # a yearly source: no warning, just unchanged
    assert {s for (s,) in con.execute("select status from raw._ledger where extract_date = ?", [D4]).fetchall()} == {
        "unchanged"
    }
    land(landing, date(2024, 5, 31), {"population": ["E1,2020"]})  # a row cut short: refused
    assert load_source(con, landing, "reference", raise_on_refusal=False).refused
    land(landing, date(2024, 6, 30), {"population": ["E1,2020,100"]})
    refusals = load_source(con, landing, "reference", raise_on_refusal=False).refused  # the refused one again too
    assert [(r.extract_date, r.status) for r in refusals] == [
        (date(2024, 5, 31), "refused"),
        (date(2024, 6, 30), "held"),
    ]
    assert {e.name: history(con, e, with_loaded_at=True) for e in (POPULATION, COMPARATORS)} == before


def test_withdrawing_the_latest_snapshot_reopens_what_it_closed(con, tmp_path):
    landing = tmp_path / "landing"
    for day in (D1, D2):
        land(landing, day, NIGHTS[day])
        load_source(con, landing, "reference")
    after_d2 = {e.name: history(con, e, with_loaded_at=True) for e in (POPULATION, COMPARATORS)}
    land(landing, D3, NIGHTS[D3])
    load_source(con, landing, "reference")
    withdraw(con, "reference", D3)
    assert {e.name: history(con, e, with_loaded_at=True) for e in (POPULATION, COMPARATORS)} == after_d2
    # The next snapshot is diffed against D2's, as if D3 had never loaded.
    land(landing, D4, NIGHTS[D3])
    load_source(con, landing, "reference")
    assert history(con, POPULATION) == [tuple(D4 if v == D3 else v for v in r) for r in EXPECTED_POPULATION]


def test_withdrawing_a_middle_snapshot_leaves_the_history_of_the_others(con, tmp_path):
    three_nights(con, tmp_path / "landing")
    withdraw(con, "reference", D2)
    with connect_duckdb(tmp_path / "without_d2.duckdb") as other:
        for day in (D1, D3):
            land(tmp_path / "other", day, NIGHTS[day])
            load_source(other, tmp_path / "other", "reference")
        for entity in (POPULATION, COMPARATORS):
            assert history(con, entity) == history(other, entity), entity.name


def test_the_row_hash_tells_null_empty_text_and_column_boundaries_apart(con):
    values = [(None, "x"), ("", "x"), ("NULL", "x"), ("a", "bcx"), ("ab", "cx"), ("abc", "x"), ("a", "bcx")]
    con.execute("create table t (a varchar, b varchar)")
    con.executemany("insert into t values (?, ?)", values)
    hashes = [h for (h,) in con.execute(f"select {row_hash(['a', 'b'])} from t").fetchall()]
    assert len(set(hashes)) == 6 and hashes[3] == hashes[6]


def test_on_postgresql_the_history_is_the_same_as_on_duckdb(postgres_database, con, tmp_path):
    on_duckdb = three_nights(con, tmp_path / "duckdb")
    with connect(Path("unused")) as pg:
        published = three_nights(pg, tmp_path / "postgres")
        assert published == on_duckdb
        assert history(pg, POPULATION) == EXPECTED_POPULATION
        assert history(pg, COMPARATORS) == EXPECTED_COMPARATORS
        assert_as_of_matches(pg, published)
        hashes = f"select _row_hash from {history_table(POPULATION)} order by 1"
        assert pg.execute(hashes).fetchall() == con.execute(hashes).fetchall()
        for warehouse in (con, pg):
            withdraw(warehouse, "reference", D2)
        for entity in (POPULATION, COMPARATORS):
            assert history(pg, entity) == history(con, entity)


def test_a_date_loaded_again_with_other_content_replaces_its_night(con, tmp_path):
    landing = tmp_path / "landing"
    three_nights(con, landing)
    changed = {"population": ["E1,2020,100", "E6,2020,600"], "comparators": NIGHTS[D1]["comparators"]}
    folder = landing / "reference" / D3.isoformat()
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    land(landing, D3, changed)
    [loaded] = load_source(con, landing, "reference").loaded
    assert loaded.extract_date == D3
    with connect_duckdb(tmp_path / "fresh.duckdb") as fresh:
        for day, files in ((D1, NIGHTS[D1]), (D2, NIGHTS[D2]), (D3, changed)):
            land(tmp_path / "fresh", day, files)
            load_source(fresh, tmp_path / "fresh", "reference")
        for entity in (POPULATION, COMPARATORS):
            assert history(con, entity) == history(fresh, entity), entity.name


def test_a_column_the_contract_gains_is_added_to_the_history_and_reopens_its_rows(con, tmp_path):
    from dataclasses import replace

    from ingest.contracts import col
    from ingest.history import record_snapshot

    three_nights(con, tmp_path / "landing")
    wider = replace(POPULATION, columns=(*POPULATION.columns, col("note", "date")))
    con.execute(f"alter table raw.{POPULATION.token} add column note date")
    con.execute(f"update raw.{POPULATION.token} set note = date '2024-04-01' where la_code = 'E2'")
    record_snapshot(con, wider, D4, D4)
    assert con.execute(f"select typeof(note) from {history_table(wider)} limit 1").fetchone() == ("DATE",)
    # The hash covers the new column, so every row is closed and opened again once (E2 with its note).
    changes = rows(con, changed_on(wider), [D4] * 3)
    assert [r[1:] for r in changes if r[0] == "added"] == raw(con, wider)
    assert [r[1:] for r in changes if r[0] == "removed"] == [(*r, None) for r in rows(con, as_of(POPULATION), [D3] * 2)]
