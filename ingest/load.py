"""Load dated landing snapshots into raw.<source>__<entity> tables: gated, atomic, each at most once.

A snapshot (one <source>/<extract_date>/ folder) is read in full and passed through the gate before
anything is written; what each problem does is its rule's kind (ingest/rules.py). A snapshot with a
structural or suspect problem is refused: it is copied to the quarantine with a row-level report, the
ledger records it, and what is published stays as it was. Otherwise the source's raw tables are
replaced inside one transaction, without the quarantined rows and with every problem in raw._problems
and the ledger rows, so a reader (or a crash) sees the previous snapshot or the new one, never a mix.

raw._ledger has a row per file per snapshot (source, extract date, file, content hash, rows in the file,
status, time), so it also says which optional files (Entity.optional) a snapshot lacked: their raw tables
are replaced by empty ones. Statuses: loaded; refused; held (suspect, until `accept` records accepted); unchanged
(byte-identical to the last loaded snapshot: nothing loaded). The same folder never loads twice, and an
older folder arriving after a newer one is refused once, loudly, rather than applied.

Each raw table's history, raw.<source>__<entity>__history (ingest/history.py), is brought up to the snapshot in
the same transaction: a row (its contract columns, by hash and occurrence) gets valid_from, the extract date that
first had it, and valid_to, the first that no longer had it (NULL while current); only added, changed (closed and
added) and removed rows are written. As of date D, and what the snapshot of D changed:

    select * from raw.<token>__history where valid_from <= D and (valid_to is null or valid_to > D)
    select * from raw.<token>__history where valid_from = D or valid_to = D

The parts live beside this module: ingest/snapshot.py reads a folder, ingest/thresholds.py holds the
gate's whole-snapshot thresholds, ingest/ledger.py the ledger (and `accept`, `withdraw`),
ingest/gate_report.py the quarantine reports, ingest/outcome.py what a load came to, ingest/history.py the history.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from ingest.cell_checks import LOCATION_COLUMNS
from ingest.contracts import Entity, entities_for, source_named
from ingest.gate_report import ACTIONS, quarantine_folder, report_loaded, write_gate_report
from ingest.history import ensure_history, record_snapshot
from ingest.ledger import (
    LEDGER_DDL,
    AcceptError,
    accept,
    last_loaded_at,
    now_utc,
    published_date,
    published_fingerprint,
    record_ledger,
    record_problems,
    recorded_statuses,
    withdraw,
)
from ingest.outcome import LoadResult, Refusal, SnapshotRefused, SourceOutcome
from ingest.readers import ContractError, Problem, ReadResult, landing_folders, quarantined_mask
from ingest.rules import kind_of
from ingest.snapshot import Snapshot, fingerprint, quarantined_rows, read_snapshot, real_files
from ingest.thresholds import anomaly_problems, threshold_problems
from warehouse.connection import Connection, quote, stage_frame, table_exists, unstage_frame
from warehouse.permissions import restrict

# Imported from here before the load was split into modules; each now lives where its name says.
__all__ = [
    "ACTIONS",
    "LEDGER_DDL",
    "AcceptError",
    "Gate",
    "LoadResult",
    "Refusal",
    "Snapshot",
    "SnapshotRefused",
    "SourceOutcome",
    "accept",
    "last_loaded_at",
    "load_source",
    "publish",
    "published_date",
    "read_snapshot",
    "reader_gate",
    "withdraw",
]

log = logging.getLogger("cscw.ingest")

# Spelled so that DuckDB and PostgreSQL both accept them.
SQL_TYPES = {"str": "VARCHAR", "date": "DATE", "int": "BIGINT", "float": "DOUBLE PRECISION"}

Gate = Callable[[Snapshot], list[Problem]]


def _select_list(entity: Entity, frame_columns: list[str]) -> str:
    typed = {c.raw_name: SQL_TYPES[c.dtype] for c in entity.columns}
    parts = ["cast(_row_number as integer) as _row_number"]
    parts += [
        f"cast({quote(name)} as {typed.get(name, 'VARCHAR')}) as {quote(name)}"
        for name in frame_columns
        if name != "_row_number"
    ]
    return ", ".join(parts)


def _no_rows(entity: Entity) -> pd.DataFrame:
    """An absent optional file's table: the contract's columns and no rows, so staging still compiles."""
    return pd.DataFrame({name: pd.Series(dtype="string") for name in ["_row_number", *entity.raw_names]})


def _replace_raw_table(con: Connection, entity: Entity, cells: ReadResult | pd.DataFrame, stamps: list, left_out=()):
    """raw.<token> becomes the cells less the rows numbered `left_out` (the quarantined), with extract_date,
    _loaded_at and _source_file (the stamps) on each row. Returns the rows written.

    Cells read on this connection are copied table to table; any others (an empty table, a PostgreSQL
    warehouse's load) are staged from their frame."""
    if isinstance(cells, ReadResult) and cells.con is con and cells.table is not None:
        source, columns, staged = cells.table, cells.columns, None
    else:
        frame = cells if isinstance(cells, pd.DataFrame) else cells.frame
        frame = frame[~frame["_row_number"].isin(left_out)] if len(left_out) else frame
        source, columns, staged = f"_incoming_{entity.token}", list(frame.columns), frame
        stage_frame(con, source, frame)
    leave = (
        f"where _row_number not in ({', '.join(str(int(row)) for row in left_out)})"
        if staged is None and left_out
        else ""
    )
    con.execute(f"drop table if exists raw.{entity.token}")
    con.execute(
        f"create table raw.{entity.token} as "
        f"select {_select_list(entity, columns)}, "
        f"cast(? as date) as extract_date, cast(? as timestamp) as _loaded_at, "
        f"cast(? as varchar) as _source_file "
        f"from {source} {leave}",
        stamps,
    )
    if staged is not None:
        unstage_frame(con, source)
    return con.execute(f"select count(*) from raw.{entity.token}").fetchone()[0]


def publish(
    con: Connection,
    snapshot: Snapshot,
    problems: list[Problem] | None = None,
    on_table_written: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Replace the source's raw tables (less the quarantined rows), write its problems and ledger rows,
    in one transaction. Returns the rows loaded per entity."""
    problems = problems or []
    loaded_at = now_utc()
    quarantined = quarantined_rows(problems)
    loaded: dict[str, int] = {}
    con.execute(LEDGER_DDL)
    con.execute("begin transaction")
    try:
        tables = [(read.entity, read, read.path.name) for read in snapshot.reads.values()]
        tables += [(entity, _no_rows(entity), None) for entity in snapshot.absent]
        for entity, cells, file_name in tables:
            stamps, left_out = [snapshot.extract_date, loaded_at, file_name], sorted(quarantined.get(file_name, ()))
            if quarantined and isinstance(cells, ReadResult) and LOCATION_COLUMNS[0] in cells.columns:
                # A census row is placed by its own file and line, not by its row in the table.
                cells, left_out = cells.frame[~quarantined_mask(cells.frame, file_name, quarantined)], []
            loaded[entity.name] = _replace_raw_table(con, entity, cells, stamps, left_out)
            record_snapshot(con, entity, snapshot.extract_date, loaded_at)
            if on_table_written:
                on_table_written(entity.token)
        record_problems(con, snapshot.source, snapshot.extract_date, snapshot.fingerprint, problems, loaded_at)
        message = f"{sum(map(len, quarantined.values()))} row(s) quarantined" if quarantined else None
        record_ledger(
            con,
            snapshot.folder,
            snapshot.source,
            snapshot.extract_date,
            snapshot.fingerprint,
            "loaded",
            message,
            loaded_at,
            snapshot.row_counts,
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return loaded


def _empty_tables(con: Connection, source: str, on_table_written: Callable[[str], None] | None) -> None:
    """A source that has never landed gets its raw tables, empty, with the contract's columns (no ledger row)."""
    con.execute("create schema if not exists raw")
    for entity in entities_for(source):
        if not table_exists(con, "raw", entity.token):
            _replace_raw_table(con, entity, _no_rows(entity), [None, None, None])
            ensure_history(con, entity)
            if on_table_written:
                on_table_written(entity.token)


def reader_gate(snapshot: Snapshot) -> list[Problem]:
    """The minimum gate: what the readers found (values that could not be parsed, empty files)."""
    return snapshot.problems


@dataclass
class _SourceLoad:
    """One load_source call: the connection, gate and quarantine every waiting folder of the source goes through."""

    con: Connection
    source: str
    gate: Gate
    quarantine_root: Path | None
    on_table_written: Callable[[str], None] | None
    outcome: SourceOutcome
    recorded: dict[tuple[date, str], set[str]] = field(default_factory=dict)

    def folder(self, extract_date: date | None, folder: Path) -> None:
        """Refuse, skip, note as unchanged, or gate and publish one dated folder."""
        fp = fingerprint(folder)
        if extract_date is None or extract_date > date.today():
            rule = "bad_folder_name" if extract_date is None else "future_snapshot"
            self.outcome.misdated.append(
                self.refuse(
                    extract_date,
                    folder,
                    fp,
                    [Problem(folder.name, None, None, rule)],
                    f"{rule}: rename the folder to the extract's real date",
                )
            )
            return
        statuses = self.recorded.get((extract_date, fp), set())
        if statuses & {"loaded", "unchanged", "withdrawn"}:
            return
        if self.outcome.published_date is not None and extract_date < self.outcome.published_date:
            if not statuses:
                problem = Problem(folder.name, None, None, "older_snapshot")
                self.outcome.refused.append(self.refuse(extract_date, folder, fp, [problem], "older_snapshot"))
            return
        if fp == published_fingerprint(self.con, self.source, self.outcome.published_date):
            self.unchanged(extract_date, folder, fp)
            return
        self.gate_and_publish(extract_date, folder, fp, accepted="accepted" in statuses)

    def gate_and_publish(self, extract_date: date, folder: Path, fp: str, accepted: bool) -> None:
        snapshot = None
        try:
            snapshot = self.gated(extract_date, folder, fp, accepted)
        finally:
            if snapshot is not None:
                snapshot.release()

    def gated(self, extract_date: date, folder: Path, fp: str, accepted: bool) -> Snapshot | None:
        """Read, gate and publish (or refuse) the folder; returns the snapshot read, if it could be."""
        try:
            snapshot = read_snapshot(self.source, extract_date, folder, self.con)
            problems = self.gate(snapshot)
            problems += threshold_problems(snapshot, problems)
            if not accepted:
                problems += anomaly_problems(self.con, snapshot, self.outcome.published_date)
        except ContractError as error:
            snapshot, problems = None, [error.problem]
        if snapshot is None or any(p.blocking for p in problems):
            held = snapshot is not None and not any(p.kind == "structural" for p in problems)
            self.outcome.refused.append(
                self.refuse(
                    extract_date,
                    folder,
                    fp,
                    problems,
                    f"suspect: if it is right, run `cscw accept {self.source} {extract_date}`"
                    if held
                    else "blocking problems",
                    status="held" if held else "refused",
                )
            )
            return snapshot
        self.publish(snapshot, problems)
        return snapshot

    def publish(self, snapshot: Snapshot, problems: list[Problem]) -> None:
        loaded = publish(self.con, snapshot, problems, self.on_table_written)
        report_loaded(self.quarantine_root, snapshot, problems)
        self.outcome.published_date = snapshot.extract_date
        result = LoadResult(self.source, snapshot.extract_date, loaded, problems)
        log.info(
            "%s %s loaded: %s%s",
            self.source,
            snapshot.extract_date,
            ", ".join(f"{k} {v:,}" for k, v in loaded.items()),
            f" ({result.quarantined} row(s) quarantined, {len(problems)} problem(s) listed)" if problems else "",
        )
        self.outcome.loaded.append(result)

    def refuse(
        self,
        extract_date: date | None,
        folder: Path,
        fp: str,
        problems: list[Problem],
        reason: str,
        status: str = "refused",
    ) -> Refusal:
        """Quarantine a copy of the folder's real files with the report, and record the refusal in the ledger
        (a folder whose name is no date has no ledger row: it is reported again each night until renamed)."""
        at = now_utc()
        target = quarantine_folder(self.quarantine_root, self.source, extract_date or folder.name)
        if target is not None:
            target.mkdir(parents=True)
            if not folder.is_symlink():  # never copy what a link points to
                for path in real_files(folder):
                    shutil.copy2(path, target / path.name)
            write_gate_report(target, problems, f"{self.source} snapshot {folder.name} {status}: {reason}")
            restrict(target)  # copies keep the landing files' modes, and a caller may not have set the umask
        refusal = Refusal(self.source, extract_date, problems, target, reason, status)
        if extract_date is not None:
            if reason != "older_snapshot":  # an older folder's problems would rewrite the published date's history
                record_problems(self.con, self.source, extract_date, fp, problems, at)
            record_ledger(self.con, folder, self.source, extract_date, fp, status, reason, at)
        log.error("%s", refusal.describe())
        return refusal

    def unchanged(self, extract_date: date, folder: Path, fp: str) -> None:
        """A resent snapshot loads nothing (the freshness check still sees the source's last load). For a source
        expected to change every night that means the export looks stuck; one refreshed yearly (the population
        estimates) is simply the same again."""
        at, source, published = now_utc(), self.source, self.outcome.published_date
        if source_named(source).expected_interval_days > 1:
            record_ledger(
                self.con, folder, source, extract_date, fp, "unchanged", f"identical to the {published} snapshot", at
            )
            log.info("%s %s: identical to the %s snapshot, nothing to load", source, extract_date, published)
            return
        message = f"identical to the {published} snapshot: the export looks stuck"
        problem = Problem(folder.name, None, None, "unchanged_snapshot", kind=kind_of("unchanged_snapshot"))
        record_problems(self.con, source, extract_date, fp, [problem], at)
        record_ledger(self.con, folder, source, extract_date, fp, "unchanged", message, at)
        log.warning("%s %s not loaded: %s", source, extract_date, message)
        self.outcome.unchanged.append(extract_date)


def load_source(
    con: Connection,
    landing: Path,
    source: str,
    gate: Gate = reader_gate,
    quarantine_root: Path | None = None,
    raise_on_refusal: bool = True,
    on_table_written: Callable[[str], None] | None = None,
) -> SourceOutcome:
    """Gate and publish every waiting snapshot of a source, oldest first.

    A refused snapshot does not stop the newer ones: each is a full snapshot, so a good newer one
    supersedes it. The run fails (SnapshotRefused) when a refusal is not superseded.
    """
    outcome = SourceOutcome(source, published_date=published_date(con, source))
    run = _SourceLoad(con, source, gate, quarantine_root, on_table_written, outcome, recorded_statuses(con, source))
    for found in landing_folders(landing, source):
        run.folder(found.extract_date, found.path)
    if not outcome.loaded and not outcome.refused and not outcome.unchanged and not outcome.misdated:
        log.info("%s: no new snapshot waiting", source)
    if source_named(source).may_never_land and outcome.published_date is None:
        _empty_tables(con, source, on_table_written)
    if raise_on_refusal and outcome.failed:
        raise SnapshotRefused(outcome.failed)
    return outcome
