"""The publish step, the working copy, the writer lock and owner-only files, without dbt."""

import os
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from tests.support.permissions import loose_modes
from warehouse.connection import connect_duckdb
from warehouse.permissions import owner_only_umask
from warehouse.serving import WarehouseBusy, publish, working_copy, writer_lock

COUNT = (
    "import duckdb, sys; "
    "print(duckdb.connect(sys.argv[1], read_only=True).execute('select count(*) from t').fetchone()[0])"
)
HOLD_LOCK = textwrap.dedent("""
    import fcntl, os, sys, time
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.write(fd, f"pid {os.getpid()} (the test's stand-in writer)".encode())
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
""")


def _rows(settings, n):
    with connect_duckdb(working_copy(settings)) as con:
        con.execute("create or replace table t as select range as x from range(?)", [n])


def _count_in_new_process(path) -> int:
    """A new analyst connection: another process, so DuckDB's per-process cache of open files is not in play."""
    return int(
        subprocess.run([sys.executable, "-c", COUNT, str(path)], capture_output=True, text=True, check=True).stdout
    )


def test_publish_swaps_the_file_while_an_open_reader_keeps_the_old_build(cscw_home):
    _rows(cscw_home, 3)
    publish(cscw_home)
    reader = connect_duckdb(cscw_home.warehouse, read_only=True)
    assert reader.execute("select count(*) from t").fetchone()[0] == 3

    _rows(cscw_home, 5)
    published = publish(cscw_home)

    assert reader.execute("select count(*) from t").fetchone()[0] == 3, "an open connection keeps its build"
    assert _count_in_new_process(cscw_home.warehouse) == 5, "a new connection sees the new build"
    reader.close()
    assert published.size_bytes == cscw_home.warehouse.stat().st_size
    # Checkpointed before the copy: nothing beside either file, no temporary file left behind.
    assert sorted(p.name for p in cscw_home.warehouse.parent.glob("warehouse.duckdb*")) == ["warehouse.duckdb"]
    assert sorted(p.name for p in cscw_home.build_warehouse.parent.iterdir()) == ["warehouse.duckdb"]


def test_published_file_is_owner_only_even_with_an_open_umask(cscw_home):
    previous = os.umask(0o022)
    try:
        _rows(cscw_home, 1)
        publish(cscw_home)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(cscw_home.warehouse.stat().st_mode) == 0o600
    folders = [
        cscw_home.home,
        cscw_home.build_warehouse.parent,
        cscw_home.quarantine,
        cscw_home.exports,
        cscw_home.reports,
    ]
    assert [f"{f} {stat.S_IMODE(f.stat().st_mode):o}" for f in folders if f.stat().st_mode & 0o077] == []


def test_files_written_under_the_owner_only_umask_are_owner_only(cscw_home):
    previous = owner_only_umask()
    try:
        _rows(cscw_home, 1)
        (cscw_home.exports / "ssda903").mkdir()
        (cscw_home.exports / "ssda903" / "header.csv").write_text("CHILD\n")
    finally:
        os.umask(previous)
    assert loose_modes(cscw_home.build_warehouse.parent, cscw_home.exports) == []


def test_a_missing_working_copy_starts_from_the_published_file(cscw_home):
    _rows(cscw_home, 4)
    publish(cscw_home)
    cscw_home.build_warehouse.unlink()
    assert working_copy(cscw_home) == cscw_home.build_warehouse
    with connect_duckdb(cscw_home.build_warehouse, read_only=True) as con:
        assert con.execute("select count(*) from t").fetchone()[0] == 4


def test_a_working_copy_started_from_a_file_written_in_place_keeps_its_write_ahead_log(cscw_home):
    with connect_duckdb(cscw_home.warehouse) as con:
        con.execute("pragma disable_checkpoint_on_shutdown")
        con.execute("create table t as select range as x from range(6)")
    assert (cscw_home.home / "warehouse.duckdb.wal").exists(), "the old layout's file must have a WAL here"
    with connect_duckdb(working_copy(cscw_home), read_only=True) as con:
        assert con.execute("select count(*) from t").fetchone()[0] == 6


def test_a_failed_copy_never_replaces_the_published_file(cscw_home, monkeypatch):
    _rows(cscw_home, 2)
    publish(cscw_home)
    _rows(cscw_home, 7)

    def disk_full(*args):
        raise OSError("No space left on device")

    monkeypatch.setattr("shutil.copyfile", disk_full)
    with pytest.raises(OSError, match="No space"):
        publish(cscw_home)
    assert _count_in_new_process(cscw_home.warehouse) == 2
    assert [p.name for p in cscw_home.home.iterdir() if p.name.startswith(".")] == []


def _stand_in_writer(settings, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(settings.writer_lock), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_writer_waits_then_refuses_naming_the_holder(cscw_home):
    holder = _stand_in_writer(cscw_home, 30)
    waits = []
    started = time.monotonic()
    try:
        with pytest.raises(WarehouseBusy, match=rf"pid {holder.pid} .*gave up after waiting 1s"):
            with writer_lock(cscw_home, timeout=1, on_wait=waits.append):
                pytest.fail("the lock was taken while another process held it")
    finally:
        holder.kill()
        holder.wait()
    assert time.monotonic() - started >= 1
    assert len(waits) == 1 and f"pid {holder.pid}" in waits[0]


def test_a_waiting_writer_goes_ahead_when_the_holder_finishes(cscw_home):
    holder = _stand_in_writer(cscw_home, 1)
    held_from = time.monotonic()
    waits = []
    with writer_lock(cscw_home, timeout=60, on_wait=waits.append):
        assert time.monotonic() - held_from >= 0.9, "the lock was taken before the holder let go"
        with writer_lock(cscw_home, timeout=0):  # re-entrant: the CLI and the run's resource both take it
            pass
    holder.wait()
    assert len(waits) == 1
