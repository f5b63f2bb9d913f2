"""Serving: analysts read a published warehouse file that no writer ever opens.

DuckDB allows one writing process per file, and a writer's file is not a consistent thing to read
half way through a night. So there are two files under CSCW_HOME:

    warehouse.duckdb         published: analysts, `cscw query`, reports (read-only, never written in place)
    build/warehouse.duckdb   the working copy: ingest, the packaged reference load, dbt (CSCW_WAREHOUSE),
                             the SSDA903 export; started from the published file when it is missing

A night writes only the working copy, under the writer lock (writer.lock, fcntl.flock, held for the
whole run; a second writer waits up to CSCW_LOCK_TIMEOUT seconds, then refuses). When everything has
built and passed (dbt tests) and the SSDA903 return is exported (ready or not: its DfE check only
warns), publish():

1. opens the working copy, runs CHECKPOINT and closes it, so the file holds every change and needs
   no write-ahead log;
2. copies it to a temporary file beside the published one (same folder, so same file system),
   created 0600, fsyncs it and opens it read-only once to prove it is a readable DuckDB file;
3. os.replace()s it onto warehouse.duckdb and fsyncs the folder.

The rename is atomic: a connection already open keeps reading the old file (its inode lives until
the last reader closes it), and any connection opened afterwards gets the new build, complete. A
failed night never reaches step 1, so analysts keep the last complete build.

Every writer starts with start_working_copy(), under the lock: it removes the temporary files of a
writer killed half way (nobody else can be writing them while we hold the lock), proves the working
copy reads, and otherwise sets it aside (build/warehouse.duckdb.damaged-<time>) and starts again from
the published file; a damaged published file is set aside too, and the night then starts from an
empty warehouse and reloads every landing folder, oldest first (landing folders are never deleted and
the loader loads every folder its ledger does not hold), so the raw tables come back as they were.
Readers of a damaged published file get one line saying so (read_published), not a stack trace.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from warehouse.connection import Connection, connect_duckdb, quote
from warehouse.connection import connect as connect_target
from warehouse.connection import target as warehouse_target
from warehouse.permissions import FILE_MODE
from warehouse.settings import Settings, lock_timeout

log = logging.getLogger("cscw.serving")


# What a DuckDB file holds before its first block: the main header and the two database headers.
HEADER_BYTES = 3 * 4096


class WarehouseBusy(RuntimeError):
    """Another process held the writer lock for longer than we were prepared to wait, or holds the working
    copy open (a dbt left running by a night killed on its own)."""


class PublishedUnreadable(RuntimeError):
    """The published warehouse is missing or damaged; the message is one line saying what to do."""


@dataclass(frozen=True)
class Published:
    path: Path
    size_bytes: int
    seconds: float


# flock belongs to an open file description, so a second open() in the same process would block on
# itself: the CLI takes the lock before the Dagster run whose warehouse resource takes it again.
_held: dict[Path, list] = {}
_held_guard = threading.Lock()


@contextmanager
def writer_lock(
    settings: Settings, timeout: float | None = None, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold CSCW_HOME's writer lock; re-entrant within a process.

    Waits up to `timeout` seconds (default CSCW_LOCK_TIMEOUT, else 4 hours) for another writer,
    calling on_wait(holder) once, then raises WarehouseBusy naming the holder.
    """
    path = settings.writer_lock
    with _held_guard:
        if path in _held:
            _held[path][1] += 1
            nested = True
        else:
            nested = False
    if nested:
        try:
            yield
        finally:
            with _held_guard:
                _held[path][1] -= 1
        return

    timeout = lock_timeout() if timeout is None else timeout
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        deadline = time.monotonic() + timeout
        waited = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(fd)
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(
                        f"another writer holds {path} ({holder}); gave up after waiting {timeout:g}s. "
                        f"Nothing was changed: run again when it has finished (CSCW_LOCK_TIMEOUT sets the wait)."
                    ) from None
                if not waited and on_wait:
                    on_wait(holder)
                waited = True
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(
            fd, f"pid {os.getpid()} ({' '.join(sys.argv[:2]) or 'python'}) since {datetime.now():%H:%M:%S}".encode(), 0
        )
        with _held_guard:
            _held[path] = [fd, 0, False]  # descriptor, nested holds, working copy started in this hold
        try:
            yield
        finally:
            with _held_guard:
                del _held[path]
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _holder(fd: int) -> str:
    return os.pread(fd, 200, 0).decode(errors="replace").strip() or "a process that has not said who it is"


def _copy_synced(source: Path, target: Path) -> None:
    """Copy to `target` (created owner-only, whatever the umask) and flush it to disk."""
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE))
    os.chmod(target, FILE_MODE)
    shutil.copyfile(source, target)
    with open(target, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def damage(path: Path) -> str | None:
    """Why the DuckDB file at `path` cannot be used, or None when it opens and holds every block it uses.

    A file cut short (a full disk, a machine that crashed during a copy) may still open: DuckDB reads its
    catalog from wherever the last checkpoint wrote it, and fails later with `Could not read enough bytes`
    on the first block past the end. So the file must also reach the last block its tables and metadata
    use (the header's block count is no guide: DuckDB cuts free blocks off the end and counts them still).
    No data is scanned. A file another process holds open raises WarehouseBusy.
    """
    try:
        with connect_duckdb(path, read_only=True) as con:
            used = [con.execute("select max(block_id) from pragma_metadata_info()").fetchone()[0]]
            tables = con.execute(
                "select schema_name, table_name from duckdb_tables() where database_name = current_database()"
            ).fetchall()
            used += [
                con.execute(
                    "select max(block_id) from pragma_storage_info(?)", [f"{quote(schema)}.{quote(table)}"]
                ).fetchone()[0]
                for schema, table in tables
            ]
            block_size = con.execute("select block_size from pragma_database_size()").fetchone()[0]
    except duckdb.Error as error:
        detail = str(error).splitlines()[0]
        if "Could not set lock" in detail:
            raise WarehouseBusy(
                f"{path} is open in another process ({detail}); "
                "let it finish, or end it, and run again. Nothing was changed."
            ) from None
        return detail
    last = max((block for block in used if block is not None), default=-1)
    expected, actual = HEADER_BYTES + (last + 1) * block_size, path.stat().st_size
    if actual < expected:
        return f"cut short: {actual:,} bytes where its blocks need {expected:,}"
    return None


def _set_aside(path: Path, problem: str) -> Path:
    """Rename a damaged file (and its write-ahead log, which would be replayed onto its replacement) to
    <name>.damaged-<time>, keeping only the newest damaged copy: a full disk is a common cause."""
    aside = path.with_name(f"{path.name}.damaged-{datetime.now():%Y%m%d-%H%M%S}")
    for older in path.parent.glob(f"{path.name}.damaged-*"):
        older.unlink()
    os.replace(path, aside)
    if _wal(path).exists():
        os.replace(_wal(path), _wal(aside))
    log.warning("%s is damaged (%s): set aside as %s", path, problem, aside.name)
    return aside


def _remove_stale_temporaries(settings: Settings) -> None:
    """The partial copies of a publish or a working-copy start that was killed half way. Only a writer
    makes them and the caller holds the writer lock, so none of them is in use."""
    for folder, pattern in (
        (settings.warehouse.parent, f".{settings.warehouse.name}.*.publishing"),
        (settings.build_warehouse.parent, f".{settings.build_warehouse.name}.*.copying"),
    ):
        for path in folder.glob(pattern):
            size = path.stat().st_size
            path.unlink(missing_ok=True)
            log.warning("removed %s (%.0f MB), left by a writer killed half way", path, size / 2**20)


def start_working_copy(settings: Settings) -> Path:
    """What every writer does first (the night, accept, withdraw, return), under the writer lock, once per hold.

    Removes a killed writer's temporary files; proves the working copy reads, or sets it aside and starts
    again from the published file; proves that too when it is needed, or sets it aside, and then the night
    starts from an empty warehouse and reloads every landing folder, oldest first.
    """
    build, published = settings.build_warehouse, settings.warehouse
    if warehouse_target() == "postgres":
        return build
    with writer_lock(settings):
        held = _held[settings.writer_lock]
        if held[2]:
            return build
        _remove_stale_temporaries(settings)
        set_aside = False
        problem = damage(build) if build.exists() else None
        if problem:
            set_aside = bool(_set_aside(build, problem))
        elif not build.exists() and _wal(build).exists():
            _set_aside(_wal(build), "a write-ahead log with no warehouse file")
        if not build.exists() and published.exists():
            problem = damage(published)
            if problem:
                set_aside = bool(_set_aside(published, problem))
            else:
                log.info("starting the working copy again from the published %s", published)
        if set_aside and not build.exists() and not published.exists():
            log.warning(
                "no readable warehouse left: starting from an empty one, which this night fills by "
                "reloading every folder in %s, oldest first (snapshots accepted with `cscw accept` "
                "are held back again until re-accepted)",
                settings.landing,
            )
        working_copy(settings)
        held[2] = True
        return build


# What DuckDB says when a file's bytes are not what it wrote (as opposed to a query's own errors).
DAMAGE_MESSAGES = ("Could not read enough bytes", "Corrupt database file", "not a valid DuckDB database file")


@contextmanager
def read_published(settings: Settings) -> Iterator[Connection]:
    """A read-only connection to the published warehouse (or PostgreSQL). A missing or damaged file raises
    PublishedUnreadable with one line to show: what happened, and that the next night repairs it."""
    if warehouse_target() == "postgres":
        with connect_target(settings.warehouse, read_only=True) as con:
            yield con
        return
    path = settings.warehouse
    if not path.exists():
        aside = sorted(path.parent.glob(f"{path.name}.damaged-*[0-9]"))
        why = f"a damaged one was set aside as {aside[-1].name}; " if aside else ""
        raise PublishedUnreadable(f"no warehouse at {path}: {why}run `cscw nightly` to build it")

    def unreadable(problem: str) -> PublishedUnreadable:
        return PublishedUnreadable(
            f"the published warehouse {path} cannot be read, it is damaged ({problem}). Run `cscw nightly`: it sets "
            "the damaged file aside and publishes a new build (from the working copy, or from the landing folders)"
        )

    try:
        problem = damage(path)  # before any output: a file cut past its catalog opens, then fails half way
    except WarehouseBusy as busy:
        raise PublishedUnreadable(str(busy)) from None
    if problem:
        raise unreadable(problem)
    con = connect_duckdb(path, read_only=True)
    try:
        yield con
    except duckdb.Error as error:
        detail = str(error).splitlines()[0]
        if any(message in detail for message in DAMAGE_MESSAGES):
            raise unreadable(detail) from None
        raise
    finally:
        con.close()


def working_copy(settings: Settings) -> Path:
    """The working copy's path, started from the published file if it is missing (a new machine, a
    deleted build folder), so a night continues from the last published build and its ledger."""
    build = settings.build_warehouse
    if not build.exists() and settings.warehouse.exists():
        if _wal(settings.warehouse).exists():
            # Left by a warehouse written in place (before this layout): fold it in, or the copy lacks it.
            with connect_duckdb(settings.warehouse) as con:
                con.execute("checkpoint")
        build.parent.mkdir(parents=True, exist_ok=True)
        partial = build.with_name(f".{build.name}.{os.getpid()}.copying")
        try:
            _copy_synced(settings.warehouse, partial)
            os.replace(partial, build)  # a copy killed half way never looks like a working copy
        finally:
            partial.unlink(missing_ok=True)
        log.info("working copy %s started from the published %s", build, settings.warehouse)
    return build


def publish(settings: Settings) -> Published:
    """Publish the working copy as settings.warehouse, atomically (see the module docstring).

    The caller holds the writer lock and has checked that the build is complete.
    """
    started = time.perf_counter()
    build, target = settings.build_warehouse, settings.warehouse
    if not build.exists():
        raise FileNotFoundError(f"no working copy at {build} to publish")
    with connect_duckdb(build) as con:
        con.execute("checkpoint")
    if _wal(build).exists() and _wal(build).stat().st_size:
        raise RuntimeError(f"{_wal(build)} still holds changes after CHECKPOINT: is another connection open?")
    _remove_stale_temporaries(settings)
    staged = target.with_name(f".{target.name}.{os.getpid()}.publishing")
    try:
        _copy_synced(build, staged)
        problem = damage(staged)
        if problem:
            raise RuntimeError(f"the copy of {build} does not read back ({problem}); nothing was published")
        # Nobody should write the published file, but a WAL left by someone who did would be replayed
        # onto the new file by the next read-write open.
        if _wal(target).exists():
            log.warning("removing %s: the published warehouse is never written in place", _wal(target))
            _wal(target).unlink()
        os.replace(staged, target)
        _fsync_folder(target.parent)
    finally:
        staged.unlink(missing_ok=True)
    published = Published(target, target.stat().st_size, time.perf_counter() - started)
    log.info("published %s (%.0f MB) in %.1fs", target, published.size_bytes / 2**20, published.seconds)
    return published
