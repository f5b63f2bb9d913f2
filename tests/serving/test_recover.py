"""A damaged working copy or published file, a killed writer's temporary files, readers of a damaged file
(warehouse/serving.py), dbt's per-run target folders (orchestration/defs/dbt/assets.py). No dbt, no Dagster run."""

import logging
import os
import shutil
import subprocess
import sys

import duckdb
import pytest

from ingest.load import load_source
from orchestration.cli import main as cscw
from tests.conftest import FIXTURE_DATE, FIXTURE_LANDING
from tests.support.fingerprint import raw_state
from tests.support.permissions import loose_modes
from warehouse.connection import connect_duckdb
from warehouse.permissions import owner_only_umask
from warehouse.serving import WarehouseBusy, damage, publish, start_working_copy, working_copy, writer_lock

HOLD_OPEN = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True); time.sleep(60)"


def _night(settings, n):
    """A night's writes: a table big enough to span many blocks, so a cut file loses some of them."""
    with connect_duckdb(working_copy(settings)) as con:
        con.execute("create or replace table t as select range as x, md5(range::varchar) as s from range(?)", [n])


def _cut(path):
    """What a full disk or a machine crashing during a copy leaves: the first half of the file."""
    os.truncate(path, path.stat().st_size // 2)


def _count(path) -> int:
    with connect_duckdb(path, read_only=True) as con:
        return con.execute("select count(*) from t").fetchone()[0]


def _aside(folder, name="warehouse.duckdb"):
    return sorted(p.name for p in folder.glob(f"{name}.damaged-*"))


@pytest.fixture
def serving_log() -> list[str]:
    """What warehouse.serving logs (caplog misses it once an in-process `cscw` has stopped cscw.* propagating)."""
    messages: list[str] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = lambda record: messages.append(record.getMessage())
    logger = logging.getLogger("cscw.serving")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield messages
    logger.removeHandler(handler)
    logger.setLevel(previous)


def _start(settings):
    with writer_lock(settings):  # a new hold: each is a new writer starting
        return start_working_copy(settings)


def test_a_cut_file_is_what_stops_every_night_and_damage_says_why(cscw_home):
    _night(cscw_home, 300_000)
    publish(cscw_home)
    assert damage(cscw_home.warehouse) is None
    _cut(cscw_home.warehouse)
    with pytest.raises(duckdb.IOException, match="Could not read enough bytes"):
        _count(cscw_home.warehouse)
    assert "Could not read enough bytes" in damage(cscw_home.warehouse) or "cut short" in damage(cscw_home.warehouse)
    (cscw_home.home / "empty.duckdb").write_bytes(b"")
    assert "not a valid DuckDB database file" in damage(cscw_home.home / "empty.duckdb")


def test_a_file_cut_past_its_catalog_opens_but_is_caught(cscw_home):
    # The catalog of a file checkpointed more than once can sit before the cut: it opens, and fails later.
    path = cscw_home.home / "several.duckdb"
    with connect_duckdb(path) as con:
        con.execute("create table small as select 1 as x")
        con.execute("checkpoint")
        con.execute("create table big as select range as x, md5(range::varchar) as s from range(300000)")
        con.execute("checkpoint")
        con.execute("drop table small")
        con.execute("create table small2 as select 1 as x")
    os.truncate(path, int(path.stat().st_size * 0.9))
    with connect_duckdb(path, read_only=True) as con:
        con.execute("select count(*) from duckdb_tables()").fetchone()
    assert damage(path)


def test_a_damaged_working_copy_is_set_aside_and_the_night_starts_from_the_published_file(cscw_home, serving_log):
    _night(cscw_home, 1000)
    publish(cscw_home)
    _night(cscw_home, 300_000)  # a night half done in the working copy, then the disk filled
    _cut(cscw_home.build_warehouse)

    assert _start(cscw_home) == cscw_home.build_warehouse
    assert _count(cscw_home.build_warehouse) == 1000, "started again from the published build"
    [aside] = _aside(cscw_home.build_warehouse.parent)
    logged = "\n".join(serving_log)
    assert f"{cscw_home.build_warehouse} is damaged" in logged and aside in logged
    assert _aside(cscw_home.home) == [], "the published file was fine and stays where it is"
    assert damage(cscw_home.build_warehouse.parent / aside), "the damaged copy is kept as it was, to look at"


def test_a_damaged_working_copy_takes_its_write_ahead_log_aside_with_it(cscw_home):
    _night(cscw_home, 1000)
    publish(cscw_home)
    with connect_duckdb(cscw_home.build_warehouse) as con:
        con.execute("pragma disable_checkpoint_on_shutdown")
        con.execute("create table u as select range as y from range(300000)")
        con.execute("insert into t select range, 'later' from range(10)")
    wal = cscw_home.build_warehouse.with_name("warehouse.duckdb.wal")
    assert wal.exists()
    cscw_home.build_warehouse.write_bytes(b"\0" * 4096)  # garbage where the file was

    _start(cscw_home)
    assert not wal.exists(), "the old log would be replayed onto the new copy"
    assert _count(cscw_home.build_warehouse) == 1000
    assert len(_aside(cscw_home.build_warehouse.parent)) == 2  # the file and its log


def test_both_damaged_start_empty_and_reloading_landing_gives_the_same_raw_tables(cscw_home, serving_log):
    """Landing folders are never deleted, so an empty ledger reloads every one, oldest first, as the nights did."""
    landing = cscw_home.landing / "placements"
    shutil.copytree(FIXTURE_LANDING / "case", cscw_home.landing / "case")

    def night(day, edit=None):
        shutil.copytree(FIXTURE_LANDING / "placements" / FIXTURE_DATE, landing / day)
        if edit:
            edit(landing / day)
        with connect_duckdb(working_copy(cscw_home)) as con:
            for source in ("case", "placements"):
                load_source(con, cscw_home.landing, source, raise_on_refusal=False)
        publish(cscw_home)

    def add_child(folder):
        with open(folder / "header.csv", "a") as handle:
            handle.write("C0000009,F,2015-01-01,WBRI,UN3,0,\n")

    def break_a_date(folder):  # a row fault: quarantined, the rest loads
        add_child(folder)
        (folder / "episodes.csv").write_text((folder / "episodes.csv").read_text().replace("2023-10-01", "2023-13-01"))

    def drop_a_file(folder):  # a structural fault: refused, retried (and refused) each night after
        (folder / "reviews.csv").unlink()

    night(FIXTURE_DATE)
    night("2024-04-01", add_child)
    night("2024-04-02", break_a_date)
    night("2024-04-03", drop_a_file)
    night("2024-04-04", break_a_date)  # a resend of 04-02: loads nothing
    with connect_duckdb(cscw_home.warehouse, read_only=True) as con:
        before = raw_state(con)
        assert con.execute("select string_agg(distinct status, ',' order by status) from raw._ledger").fetchone() == (
            "loaded,refused,unchanged",
        )
        assert con.execute("select count(*) from raw._problems where kind = 'row'").fetchone()[0] == 1
    _cut(cscw_home.build_warehouse)
    _cut(cscw_home.warehouse)

    _start(cscw_home)
    assert not cscw_home.build_warehouse.exists() and not cscw_home.warehouse.exists()
    assert len(_aside(cscw_home.home)) == 1 and len(_aside(cscw_home.build_warehouse.parent)) == 1
    assert "starting from an empty one" in "\n".join(serving_log)
    with connect_duckdb(working_copy(cscw_home)) as con:
        for source in ("case", "placements"):
            load_source(con, cscw_home.landing, source, raise_on_refusal=False)
        assert raw_state(con) == before


def test_a_damaged_published_file_with_no_working_copy_is_set_aside(cscw_home):
    _night(cscw_home, 300_000)
    publish(cscw_home)
    cscw_home.build_warehouse.unlink()
    _cut(cscw_home.warehouse)

    _start(cscw_home)
    assert not cscw_home.warehouse.exists() and len(_aside(cscw_home.home)) == 1
    assert not cscw_home.build_warehouse.exists(), "an empty warehouse: the first write creates it"


def test_only_the_newest_damaged_copy_is_kept(cscw_home):
    for n in (300_000, 300_001):
        _night(cscw_home, n)
        _cut(cscw_home.build_warehouse)
        _start(cscw_home)
    assert len(_aside(cscw_home.build_warehouse.parent)) == 1


def test_a_working_copy_another_process_holds_open_is_not_set_aside(cscw_home):
    # A dbt left running by a night that was killed on its own holds DuckDB's lock on the working copy.
    _night(cscw_home, 10)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_OPEN, str(cscw_home.build_warehouse)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(WarehouseBusy, match=rf"is open in another process .*PID {holder.pid}"):
            _start(cscw_home)
    finally:
        holder.kill()
        holder.wait()
    assert _aside(cscw_home.build_warehouse.parent) == []
    assert _count(cscw_home.build_warehouse) == 10


def test_the_working_copy_is_proved_once_per_writer(cscw_home, monkeypatch):
    _night(cscw_home, 10)
    proved = []
    monkeypatch.setattr("warehouse.serving.damage", lambda path: proved.append(path))
    with writer_lock(cscw_home):
        start_working_copy(cscw_home)
        start_working_copy(cscw_home)  # the run's resource, after the CLI did it
    _start(cscw_home)
    assert proved == [cscw_home.build_warehouse] * 2


def test_a_killed_writers_temporary_files_are_removed_at_the_next_start_and_publish(cscw_home, serving_log):
    _night(cscw_home, 10)
    publish(cscw_home)
    stale = [
        cscw_home.home / ".warehouse.duckdb.4242.publishing",
        cscw_home.build_warehouse.parent / ".warehouse.duckdb.4243.copying",
    ]
    for path in stale:
        path.write_bytes(b"\0" * 2**20)
    _start(cscw_home)
    assert [p for p in stale if p.exists()] == []
    assert "left by a writer killed half way" in "\n".join(serving_log)

    stale[0].write_bytes(b"\0" * 2**20)
    publish(cscw_home)
    assert [p.name for p in cscw_home.home.iterdir() if p.name.startswith(".")] == []


def test_a_copy_that_does_not_read_back_is_never_published(cscw_home, monkeypatch):
    _night(cscw_home, 2)
    publish(cscw_home)
    _night(cscw_home, 300_000)
    real_copy = shutil.copyfile

    def short_copy(source, target):  # a copy the disk cut short without saying so
        real_copy(source, target)
        os.truncate(target, os.path.getsize(target) // 2)

    monkeypatch.setattr("shutil.copyfile", short_copy)
    with pytest.raises(RuntimeError, match="does not read back"):
        publish(cscw_home)
    assert _count(cscw_home.warehouse) == 2
    assert [p.name for p in cscw_home.home.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("command", [["query", "select count(*) from t"], ["summary"], ["quality"]])
def test_readers_of_a_damaged_published_file_get_one_line_and_exit_1(cscw_home, capsys, command):
    _night(cscw_home, 300_000)
    publish(cscw_home)
    _cut(cscw_home.warehouse)
    capsys.readouterr()

    assert cscw(command) == 1
    out = capsys.readouterr()
    [line] = out.out.splitlines()
    assert f"{command[0]}: the published warehouse {cscw_home.warehouse} cannot be read, it is damaged" in line
    assert "Run `cscw nightly`" in line and "Traceback" not in out.err


def test_readers_after_the_damaged_file_was_set_aside_are_told_so(cscw_home, capsys):
    _night(cscw_home, 300_000)
    publish(cscw_home)
    cscw_home.build_warehouse.unlink()
    _cut(cscw_home.warehouse)
    _start(cscw_home)
    capsys.readouterr()

    assert cscw(["query", "select 1"]) == 1
    [line] = capsys.readouterr().out.splitlines()
    assert "no warehouse at" in line and "a damaged one was set aside as warehouse.duckdb.damaged-" in line


def test_dbt_target_folders_go_under_cscw_home_owner_only_and_only_the_newest_are_kept(cscw_home):
    from orchestration.defs.dbt.assets import DBT_RUNS_KEPT, run_target_path

    previous = owner_only_umask()  # as every run sets it
    try:
        made = [run_target_path(cscw_home, f"run{n:05d}-0000") for n in range(5)]
    finally:
        os.umask(previous)
    assert all(p.is_relative_to(cscw_home.home / "logs" / "dbt") for p in made)
    assert sorted(p.name for p in made[0].parent.iterdir()) == [p.name for p in made[-DBT_RUNS_KEPT:]]
    assert loose_modes(cscw_home.home / "logs") == []
    assert (made[-1] / "partial_parse.msgpack").exists(), "dbt parses from the project's partial parse, as before"
