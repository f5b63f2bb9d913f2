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

from ingest.load import connect
from ingest.permissions import FILE_MODE
from ingest.settings import Settings

log = logging.getLogger("cscw.serving")

LOCK_TIMEOUT_ENV = "CSCW_LOCK_TIMEOUT"
# Long enough for a night at scale 100 to finish; a writer that waits longer refuses with the holder's name.
DEFAULT_LOCK_TIMEOUT = 4 * 3600.0


class WarehouseBusy(RuntimeError):
    """Another process held the writer lock for longer than we were prepared to wait."""


@dataclass(frozen=True)
class Published:
    path: Path
    size_bytes: int
    seconds: float


def lock_timeout() -> float:
    return float(os.environ.get(LOCK_TIMEOUT_ENV) or DEFAULT_LOCK_TIMEOUT)


# flock belongs to an open file description, so a second open() in the same process would block on
# itself: the CLI takes the lock before the Dagster run whose warehouse resource takes it again.
_held: dict[Path, list] = {}
_held_guard = threading.Lock()


@contextmanager
def writer_lock(settings: Settings, timeout: float | None = None,
                on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
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
        os.pwrite(fd, f"pid {os.getpid()} ({' '.join(sys.argv[:2]) or 'python'}) since {datetime.now():%H:%M:%S}"
                  .encode(), 0)
        with _held_guard:
            _held[path] = [fd, 0]
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


def working_copy(settings: Settings) -> Path:
    """The working copy's path, started from the published file if it is missing (a new machine, a
    deleted build folder), so a night continues from the last published build and its ledger."""
    build = settings.build_warehouse
    if not build.exists() and settings.warehouse.exists():
        if _wal(settings.warehouse).exists():
            # Left by a warehouse written in place (before this layout): fold it in, or the copy lacks it.
            with connect(settings.warehouse) as con:
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
    with connect(build) as con:
        con.execute("checkpoint")
    if _wal(build).exists() and _wal(build).stat().st_size:
        raise RuntimeError(f"{_wal(build)} still holds changes after CHECKPOINT: is another connection open?")
    staged = target.with_name(f".{target.name}.{os.getpid()}.publishing")
    try:
        _copy_synced(build, staged)
        with connect(staged, read_only=True) as con:
            con.execute("select count(*) from duckdb_tables()").fetchone()
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
