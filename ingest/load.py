"""Load dated landing snapshots into raw.<source>__<entity> tables, atomically and at most once.

A snapshot (one <source>/<extract_date>/ folder) is read in full, passed through the gate, and only
then replaces the source's raw tables inside one transaction, so readers of the warehouse see either
the previous snapshot or the new one, never a mix. raw._loads records every snapshot loaded with a
fingerprint of its files: the same folder is never loaded twice, and an older folder never replaces
a newer one.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from ingest.contracts import Entity, entities_for
from ingest.readers import ContractError, Problem, ReadResult, dated_folders, find_file, read_entity

log = logging.getLogger("cscw.ingest")

SQL_TYPES = {"str": "VARCHAR", "date": "DATE", "int": "BIGINT", "float": "DOUBLE"}
LOADS_DDL = """
create schema if not exists raw;
create table if not exists raw._loads (
    source varchar not null,
    extract_date date not null,
    fingerprint varchar not null,
    loaded_at timestamp not null,
    row_counts json not null,
    primary key (source, extract_date, fingerprint)
);
"""


class SnapshotRefused(Exception):
    """A snapshot failed a blocking rule: nothing was written."""

    def __init__(self, snapshot: Snapshot, problems: list[Problem]):
        self.snapshot = snapshot
        self.problems = problems
        blocking = [p for p in problems if p.blocking]
        lines = [f"{p.file} row {p.row} column {p.column}: {p.rule}" for p in blocking[:10]]
        more = f"\n  ... and {len(blocking) - 10} more" if len(blocking) > 10 else ""
        super().__init__(
            f"{snapshot.source} snapshot {snapshot.extract_date} refused, {len(blocking)} blocking "
            f"problem(s):\n  " + "\n  ".join(lines) + more
        )


@dataclass
class Snapshot:
    source: str
    extract_date: date
    folder: Path
    fingerprint: str
    reads: dict[str, ReadResult] = field(default_factory=dict)

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.reads.values() for p in r.problems]

    @property
    def row_counts(self) -> dict[str, int]:
        return {name: len(r.frame) for name, r in self.reads.items()}


@dataclass(frozen=True)
class LoadResult:
    source: str
    extract_date: date
    row_counts: dict[str, int]
    warnings: list[Problem]


Gate = Callable[[Snapshot], list[Problem]]


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Never fetch a DuckDB extension from the internet at run time.
    return duckdb.connect(str(path), read_only=read_only,
                          config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})


def fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_snapshot(source: str, extract_date: date, folder: Path) -> Snapshot:
    snapshot = Snapshot(source, extract_date, folder, fingerprint(folder))
    for entity in entities_for(source):
        path = find_file(folder, entity)
        if path is None:
            raise ContractError(f"{folder}: missing file {entity.file_stem}.csv (or .xlsx)")
        snapshot.reads[entity.name] = read_entity(path, entity)
    return snapshot


def pending_snapshots(
    con: duckdb.DuckDBPyConnection, landing: Path, source: str
) -> Iterator[tuple[date, Path]]:
    """Dated folders not loaded yet, oldest first; folders older than the loaded snapshot are skipped."""
    con.execute(LOADS_DDL)
    loaded = con.execute(
        "select extract_date, fingerprint from raw._loads where source = ?", [source]
    ).fetchall()
    latest = max((d for d, _ in loaded), default=None)
    seen = {(d, f) for d, f in loaded}
    for extract_date, folder in dated_folders(landing, source):
        if latest is not None and extract_date < latest:
            continue
        if (extract_date, fingerprint(folder)) in seen:
            continue
        yield extract_date, folder


def _select_list(entity: Entity, frame_columns: list[str]) -> str:
    typed = {c.raw_name: SQL_TYPES[c.dtype] for c in entity.columns}
    parts = ["_row_number::integer as _row_number"]
    parts += [f'cast("{name}" as {typed.get(name, "VARCHAR")}) as "{name}"'
              for name in frame_columns if name != "_row_number"]
    return ", ".join(parts)


def publish(con: duckdb.DuckDBPyConnection, snapshot: Snapshot) -> None:
    """Replace the source's raw tables with the snapshot in one transaction."""
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    con.execute(LOADS_DDL)
    con.execute("begin transaction")
    try:
        for read in snapshot.reads.values():
            view = f"_incoming_{read.entity.token}"
            con.register(view, read.frame)
            con.execute(
                f"create or replace table raw.{read.entity.token} as "
                f"select {_select_list(read.entity, list(read.frame.columns))}, "
                f"?::date as extract_date, ?::timestamp as _loaded_at, ?::varchar as _source_file "
                f"from {view}",
                [snapshot.extract_date, loaded_at, read.path.name],
            )
            con.unregister(view)
        con.execute(
            "insert into raw._loads values (?, ?, ?, ?, ?)",
            [snapshot.source, snapshot.extract_date, snapshot.fingerprint, loaded_at,
             json.dumps(snapshot.row_counts)],
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def reader_gate(snapshot: Snapshot) -> list[Problem]:
    """The minimum gate: values the readers could not parse."""
    return snapshot.problems


def load_source(con: duckdb.DuckDBPyConnection, landing: Path, source: str,
                gate: Gate = reader_gate) -> list[LoadResult]:
    """Load every waiting snapshot of a source in date order; stop at the first one refused."""
    results = []
    for extract_date, folder in list(pending_snapshots(con, landing, source)):
        snapshot = read_snapshot(source, extract_date, folder)
        problems = gate(snapshot)
        if any(p.blocking for p in problems):
            raise SnapshotRefused(snapshot, problems)
        publish(con, snapshot)
        log.info("%s %s loaded: %s", source, extract_date,
                 ", ".join(f"{k} {v:,}" for k, v in snapshot.row_counts.items()))
        results.append(LoadResult(source, extract_date, snapshot.row_counts,
                                  [p for p in problems if not p.blocking]))
    if not results:
        log.info("%s: no new snapshot waiting", source)
    return results
