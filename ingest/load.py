"""Load dated landing snapshots into raw.<source>__<entity> tables: gated, atomic, each at most once.

A snapshot (one <source>/<extract_date>/ folder) is read in full and passed through the gate before
anything is written. A snapshot with a blocking problem is refused: it is copied to the quarantine
with a row-level report, the ledger records it, and what is published stays as it was. A good one
replaces the source's raw tables inside one transaction, ledger rows included, so a reader (or a
crash) sees the previous snapshot or the new one, never a mix.

raw._ledger has a row per file per snapshot (source, extract date, file, content hash, rows, status,
time): the same folder never loads twice, and an older folder arriving after a newer one is refused
once, loudly, rather than applied.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from ingest.contracts import Entity, entities_for
from ingest.permissions import restrict
from ingest.readers import ContractError, Problem, ReadResult, dated_folders, find_file, read_entity
from ingest.warehouse import Connection, connect_duckdb, stage_frame, table_exists, unstage_frame

log = logging.getLogger("cscw.ingest")

# Spelled so that DuckDB and PostgreSQL both accept them.
SQL_TYPES = {"str": "VARCHAR", "date": "DATE", "int": "BIGINT", "float": "DOUBLE PRECISION"}
LEDGER_DDL = """
create schema if not exists raw;
create table if not exists raw._ledger (
    source varchar not null,
    extract_date date not null,
    file_name varchar not null,
    content_hash varchar not null,
    snapshot_fingerprint varchar not null,
    row_count bigint,
    status varchar not null,  -- loaded | refused
    recorded_at timestamp not null,
    message varchar
);
"""
REPORT_COLUMNS = ["file", "row", "column", "rule", "key", "blocking"]


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
class Refusal:
    source: str
    extract_date: date
    problems: list[Problem]
    quarantine: Path | None
    reason: str

    def describe(self, limit: int = 10) -> str:
        blocking = [p for p in self.problems if p.blocking]
        lines = [f"{p.file}" + (f" row {p.row}" if p.row else "") + (f" column {p.column}" if p.column else "")
                 + f": {p.rule}" for p in blocking[:limit]]
        more = [f"... and {len(blocking) - limit} more"] if len(blocking) > limit else []
        where = f"; report in {self.quarantine}" if self.quarantine else ""
        return (f"{self.source} snapshot {self.extract_date} refused ({self.reason}){where}\n  "
                + "\n  ".join(lines + more))


@dataclass(frozen=True)
class LoadResult:
    source: str
    extract_date: date
    row_counts: dict[str, int]
    warnings: list[Problem]


@dataclass
class SourceOutcome:
    source: str
    loaded: list[LoadResult] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    published_date: date | None = None

    @property
    def failed(self) -> list[Refusal]:
        """Refusals that leave the source stale or that must be seen: not superseded by a newer load."""
        return [r for r in self.refused
                if r.reason == "older_snapshot" or self.published_date is None or r.extract_date >= self.published_date]


class SnapshotRefused(Exception):
    """At least one snapshot failed a blocking rule and nothing newer was loaded in its place."""

    def __init__(self, refusals: list[Refusal]):
        self.refusals = refusals
        self.problems = [p for r in refusals for p in r.problems]
        super().__init__("\n".join(r.describe() for r in refusals))


Gate = Callable[[Snapshot], list[Problem]]


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """The DuckDB warehouse file (ingest.warehouse.connect gives whichever target is configured)."""
    return connect_duckdb(path, read_only=read_only)


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        digest.update(path.name.encode() + _hash(path).encode())
    return digest.hexdigest()


def read_snapshot(source: str, extract_date: date, folder: Path) -> Snapshot:
    """Read every contract file; a file that breaks the contract as a whole raises ContractError."""
    snapshot = Snapshot(source, extract_date, folder, fingerprint(folder))
    for entity in entities_for(source):
        path = find_file(folder, entity)
        if path is None:
            raise ContractError(folder / f"{entity.file_stem}.csv", "file_missing",
                                "file missing (expected .csv or .xlsx)")
        snapshot.reads[entity.name] = read_entity(path, entity)
    return snapshot


def published_date(con: Connection, source: str) -> date | None:
    con.execute(LEDGER_DDL)
    return con.execute("select max(extract_date) from raw._ledger where source = ? and status = 'loaded'",
                       [source]).fetchone()[0]


def last_loaded_at(con: Connection, source: str) -> datetime | None:
    """When a snapshot of the source was last loaded (UTC), from the ledger; works on a read-only file."""
    if not table_exists(con, "raw", "_ledger"):
        return None
    return con.execute("select max(recorded_at) from raw._ledger where source = ? and status = 'loaded'",
                       [source]).fetchone()[0]


def _recorded(con: Connection, source: str) -> dict[tuple[date, str], str]:
    rows = con.execute("select distinct extract_date, snapshot_fingerprint, status from raw._ledger "
                       "where source = ?", [source]).fetchall()
    status: dict[tuple[date, str], str] = {}
    for extract_date, fp, state in rows:
        if status.get((extract_date, fp)) != "loaded":
            status[(extract_date, fp)] = state
    return status


def _ledger_rows(snapshot_folder: Path, source: str, extract_date: date, fp: str, status: str,
                 row_counts: dict[str, int], message: str | None, at: datetime) -> list[tuple]:
    rows = []
    for path in sorted(p for p in snapshot_folder.iterdir() if p.is_file()):
        rows.append((source, extract_date, path.name, _hash(path), fp,
                     row_counts.get(path.stem.lower()), status, at, message))
    return rows


def _select_list(entity: Entity, frame_columns: list[str]) -> str:
    typed = {c.raw_name: SQL_TYPES[c.dtype] for c in entity.columns}
    parts = ["cast(_row_number as integer) as _row_number"]
    parts += [f'cast("{name}" as {typed.get(name, "VARCHAR")}) as "{name}"'
              for name in frame_columns if name != "_row_number"]
    return ", ".join(parts)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def publish(con: Connection, snapshot: Snapshot,
            on_table_written: Callable[[str], None] | None = None) -> None:
    """Replace the source's raw tables and write its ledger rows in one transaction."""
    loaded_at = _now()
    con.execute(LEDGER_DDL)
    con.execute("begin transaction")
    try:
        for read in snapshot.reads.values():
            view = f"_incoming_{read.entity.token}"
            stage_frame(con, view, read.frame)
            con.execute(f"drop table if exists raw.{read.entity.token}")
            con.execute(
                f"create table raw.{read.entity.token} as "
                f"select {_select_list(read.entity, list(read.frame.columns))}, "
                f"cast(? as date) as extract_date, cast(? as timestamp) as _loaded_at, "
                f"cast(? as varchar) as _source_file "
                f"from {view}",
                [snapshot.extract_date, loaded_at, read.path.name],
            )
            unstage_frame(con, view)
            if on_table_written:
                on_table_written(read.entity.token)
        con.executemany("insert into raw._ledger values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        _ledger_rows(snapshot.folder, snapshot.source, snapshot.extract_date, snapshot.fingerprint,
                                     "loaded", snapshot.row_counts, None, loaded_at))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def write_report(folder: Path, refusal_problems: list[Problem], title: str) -> None:
    """gate_report.csv and gate_report.md: where each problem is and which rule, never row values."""
    with open(folder / "gate_report.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REPORT_COLUMNS)
        for p in refusal_problems:
            writer.writerow([p.file, p.row or "", p.column or "", p.rule, p.key or "",
                             "blocking" if p.blocking else "warning"])
    by_rule: dict[tuple[str, str, str | None, bool], list[Problem]] = {}
    for p in refusal_problems:
        by_rule.setdefault((p.file, p.rule, p.column, p.blocking), []).append(p)
    lines = [f"# {title}", "", "Rows are spreadsheet rows (the header is row 1). Values are never shown.", "",
             "| file | rule | column | severity | rows | first rows |", "|---|---|---|---|---|---|"]
    for (file, rule, column, blocking), found in sorted(by_rule.items(), key=lambda kv: (not kv[0][3], kv[0][:2])):
        first = ", ".join(str(p.row) for p in found[:10] if p.row)
        lines.append(f"| {file} | {rule} | {column or ''} | {'blocking' if blocking else 'warning'} "
                     f"| {len(found)} | {first} |")
    (folder / "gate_report.md").write_text("\n".join(lines) + "\n")


def _refuse(con: Connection, quarantine_root: Path | None, source: str, extract_date: date,
            folder: Path, fp: str, problems: list[Problem], reason: str) -> Refusal:
    target = None
    if quarantine_root is not None:
        target = quarantine_root / source / extract_date.isoformat()
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(folder, target)
        write_report(target, problems, f"{source} snapshot {extract_date} refused: {reason}")
        restrict(target)  # copies keep the landing files' modes, and a caller may not have set the umask
    refusal = Refusal(source, extract_date, problems, target, reason)
    con.executemany("insert into raw._ledger values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    _ledger_rows(folder, source, extract_date, fp, "refused", {}, reason, _now()))
    log.error("%s", refusal.describe())
    return refusal


def reader_gate(snapshot: Snapshot) -> list[Problem]:
    """The minimum gate: what the readers found (values that could not be parsed, empty files)."""
    return snapshot.problems


def load_source(con: Connection, landing: Path, source: str, gate: Gate = reader_gate,
                quarantine_root: Path | None = None, raise_on_refusal: bool = True,
                on_table_written: Callable[[str], None] | None = None) -> SourceOutcome:
    """Gate and publish every waiting snapshot of a source, oldest first.

    A refused snapshot does not stop the newer ones: each is a full snapshot, so a good newer one
    supersedes it. The run fails (SnapshotRefused) when a refusal is not superseded.
    """
    outcome = SourceOutcome(source, published_date=published_date(con, source))
    recorded = _recorded(con, source)
    for extract_date, folder in dated_folders(landing, source):
        fp = fingerprint(folder)
        if recorded.get((extract_date, fp)) == "loaded":
            continue
        if outcome.published_date is not None and extract_date < outcome.published_date:
            if (extract_date, fp) not in recorded:
                problem = Problem(folder.name, None, None, "older_snapshot")
                outcome.refused.append(_refuse(
                    con, quarantine_root, source, extract_date, folder, fp, [problem], "older_snapshot"))
            continue
        try:
            snapshot = read_snapshot(source, extract_date, folder)
            problems = gate(snapshot)
        except ContractError as error:
            snapshot, problems = None, [error.problem]
        if snapshot is None or any(p.blocking for p in problems):
            outcome.refused.append(_refuse(con, quarantine_root, source, extract_date, folder, fp, problems,
                                           "blocking problems"))
            continue
        publish(con, snapshot, on_table_written)
        outcome.published_date = extract_date
        warnings = [p for p in problems if not p.blocking]
        log.info("%s %s loaded: %s%s", source, extract_date,
                 ", ".join(f"{k} {v:,}" for k, v in snapshot.row_counts.items()),
                 f" ({len(warnings)} warning(s))" if warnings else "")
        outcome.loaded.append(LoadResult(source, extract_date, snapshot.row_counts, warnings))
    if not outcome.loaded and not outcome.refused:
        log.info("%s: no new snapshot waiting", source)
    if raise_on_refusal and outcome.failed:
        raise SnapshotRefused(outcome.failed)
    return outcome
