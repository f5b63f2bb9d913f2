"""Load dated landing snapshots into raw.<source>__<entity> tables: gated, atomic, each at most once.

A snapshot (one <source>/<extract_date>/ folder) is read in full and passed through the gate before
anything is written; what each problem does is its rule's kind (ingest/rules.py). A snapshot with a
structural or suspect problem is refused: it is copied to the quarantine with a row-level report, the
ledger records it, and what is published stays as it was. Otherwise the source's raw tables are
replaced inside one transaction, without the quarantined rows and with every problem in raw._problems
and the ledger rows, so a reader (or a crash) sees the previous snapshot or the new one, never a mix.

raw._ledger has a row per file per snapshot (source, extract date, file, content hash, rows in the file,
status, time). Statuses: loaded; refused; held (suspect, until `accept` records accepted); unchanged
(byte-identical to the last loaded snapshot: nothing loaded). The same folder never loads twice, and an
older folder arriving after a newer one is refused once, loudly, rather than applied.
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

from ingest.contracts import EXPECTED_LOAD_INTERVAL_DAYS, Entity, entities_for
from ingest.readers import (
    ContractError,
    Problem,
    ReadResult,
    candidate_files,
    landing_folders,
    read_entity,
)
from ingest.rules import kind_of
from ingest.spreadsheet import safe_row
from warehouse.connection import Connection, quote, stage_frame, table_exists, unstage_frame
from warehouse.permissions import restrict
from warehouse.settings import (
    GATE_DROP_FLOOR,
    GATE_DROP_MAX_SHARE,
    GATE_QUARANTINE_FLOOR,
    GATE_QUARANTINE_MAX_SHARE,
)

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
    status varchar not null,  -- loaded | refused | held | accepted | unchanged
    recorded_at timestamp not null,
    message varchar
);
create table if not exists raw._problems (
    source varchar not null,
    extract_date date not null,
    snapshot_fingerprint varchar not null,
    file_name varchar not null,
    row_number integer,
    column_name varchar,
    rule varchar not null,
    kind varchar not null,  -- structural | suspect | row | flag (ingest/rules.py)
    record_key varchar,
    child_id varchar,
    recorded_at timestamp not null
);
"""
REPORT_COLUMNS = ["file", "row", "column", "rule", "key", "action"]
ACTIONS = {
    "structural": "snapshot refused",
    "suspect": "snapshot held",
    "row": "row quarantined",
    "flag": "loaded, flagged",
}


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
    extract_date: date | None  # None for a folder whose name is no real date
    problems: list[Problem]
    quarantine: Path | None
    reason: str
    status: str = "refused"  # or held: suspect, until `cscw accept`

    def describe(self, limit: int = 10) -> str:
        label = self.extract_date or (self.problems[0].file if self.problems else "?")
        blocking = [p for p in self.problems if p.blocking]
        lines = [
            f"{p.file}"
            + (f" row {p.row}" if p.row else "")
            + (f" column {p.column}" if p.column else "")
            + f": {p.rule}"
            for p in blocking[:limit]
        ]
        more = [f"... and {len(blocking) - limit} more"] if len(blocking) > limit else []
        where = f"; report in {self.quarantine}" if self.quarantine else ""
        verb = "held back" if self.status == "held" else "refused"
        return f"{self.source} snapshot {label} {verb} ({self.reason}){where}\n  " + "\n  ".join(lines + more)


@dataclass(frozen=True)
class LoadResult:
    source: str
    extract_date: date
    row_counts: dict[str, int]  # rows loaded per entity (the file's rows less the quarantined ones)
    problems: list[Problem]  # quarantined rows and flags

    @property
    def quarantined(self) -> int:
        return len({(p.file, p.row) for p in self.problems if p.kind == "row"})


@dataclass
class SourceOutcome:
    source: str
    loaded: list[LoadResult] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    unchanged: list[date] = field(default_factory=list)  # resent snapshots: nothing loaded, source looks stuck
    # Folders named as no real date, or dated after today: refused and reported, but they stop no other
    # folder and fail no night (nothing is stale because of them).
    misdated: list[Refusal] = field(default_factory=list)
    published_date: date | None = None

    @property
    def failed(self) -> list[Refusal]:
        """Refusals that leave the source stale or that must be seen: not superseded by a newer load."""
        return [
            r
            for r in self.refused
            if r.reason == "older_snapshot" or self.published_date is None or r.extract_date >= self.published_date
        ]


class SnapshotRefused(Exception):
    """At least one snapshot failed a blocking rule and nothing newer was loaded in its place."""

    def __init__(self, refusals: list[Refusal]):
        self.refusals = refusals
        self.problems = [p for r in refusals for p in r.problems]
        super().__init__("\n".join(r.describe() for r in refusals))


Gate = Callable[[Snapshot], list[Problem]]


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _real_files(folder: Path) -> list[Path]:
    """The folder's regular files; a symbolic link is never followed (it is refused as `symlink`)."""
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink())


def fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    if folder.is_symlink():  # refused as `symlink`: what it points to is never read
        return hashlib.sha256(b"symlink:" + folder.name.encode()).hexdigest()
    for path in sorted(folder.iterdir()):
        if path.is_symlink():
            digest.update(path.name.encode() + b"->symlink")
        elif path.is_file():
            digest.update(path.name.encode() + _hash(path).encode())
    return digest.hexdigest()


def read_snapshot(source: str, extract_date: date, folder: Path) -> Snapshot:
    """Read every contract file; a file that breaks the contract as a whole raises ContractError."""
    if folder.is_symlink():
        raise ContractError(folder, "symlink", "the folder is a symbolic link: land real folders only")
    links = [p for p in folder.iterdir() if p.is_symlink()]
    if links:
        raise ContractError(links[0], "symlink", "a symbolic link: land the file itself")
    snapshot = Snapshot(source, extract_date, folder, fingerprint(folder))
    for entity in entities_for(source):
        candidates = candidate_files(folder, entity)
        if not candidates:
            raise ContractError(
                folder / f"{entity.file_stem}.csv", "file_missing", "file missing (expected .csv or .xlsx)"
            )
        snapshot.reads[entity.name] = read_entity(candidates[0], entity)
        snapshot.reads[entity.name].problems.extend(
            Problem(other.name, None, None, "other_file", kind=kind_of("other_file")) for other in candidates[1:]
        )
    return snapshot


def published_date(con: Connection, source: str) -> date | None:
    con.execute(LEDGER_DDL)
    return con.execute(
        "select max(extract_date) from raw._ledger where source = ? and status = 'loaded'", [source]
    ).fetchone()[0]


def last_loaded_at(con: Connection, source: str) -> datetime | None:
    """When a snapshot of the source was last loaded (UTC), from the ledger; works on a read-only file."""
    if not table_exists(con, "raw", "_ledger"):
        return None
    return con.execute(
        "select max(recorded_at) from raw._ledger where source = ? and status = 'loaded'", [source]
    ).fetchone()[0]


def _recorded(con: Connection, source: str) -> dict[tuple[date, str], set[str]]:
    """Every status the ledger holds for each (extract date, fingerprint) of the source."""
    rows = con.execute(
        "select distinct extract_date, snapshot_fingerprint, status from raw._ledger where source = ?", [source]
    ).fetchall()
    status: dict[tuple[date, str], set[str]] = {}
    for extract_date, fp, state in rows:
        status.setdefault((extract_date, fp), set()).add(state)
    return status


def _published_fingerprint(con: Connection, source: str, published: date | None) -> str | None:
    if published is None:
        return None
    row = con.execute(
        "select max(snapshot_fingerprint) from raw._ledger where source = ? and status = 'loaded' and extract_date = ?",
        [source, published],
    ).fetchone()
    return row[0]


def _ledger_rows(
    snapshot_folder: Path,
    source: str,
    extract_date: date,
    fp: str,
    status: str,
    row_counts: dict[str, int],
    message: str | None,
    at: datetime,
) -> list[tuple]:
    rows = []
    for path in sorted(p for p in snapshot_folder.iterdir() if p.is_file()):
        rows.append(
            (source, extract_date, path.name, _hash(path), fp, row_counts.get(path.stem.lower()), status, at, message)
        )
    return rows


def _select_list(entity: Entity, frame_columns: list[str]) -> str:
    typed = {c.raw_name: SQL_TYPES[c.dtype] for c in entity.columns}
    parts = ["cast(_row_number as integer) as _row_number"]
    parts += [
        f"cast({quote(name)} as {typed.get(name, 'VARCHAR')}) as {quote(name)}"
        for name in frame_columns
        if name != "_row_number"
    ]
    return ", ".join(parts)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def quarantined_rows(problems: list[Problem]) -> dict[str, set[int]]:
    """Rows with a row fault, by file: they are left out of the raw table."""
    rows: dict[str, set[int]] = {}
    for p in problems:
        if p.kind == "row" and p.row is not None:
            rows.setdefault(p.file, set()).add(p.row)
    return rows


def threshold_problems(snapshot: Snapshot, problems: list[Problem]) -> list[Problem]:
    """A file whose quarantined rows pass the share and the floor (warehouse/settings.py) is a broken export."""
    found = []
    quarantined = quarantined_rows(problems)
    for read in snapshot.reads.values():
        bad, rows = len(quarantined.get(read.path.name, ())), len(read.frame)
        if bad > GATE_QUARANTINE_FLOOR and bad > GATE_QUARANTINE_MAX_SHARE * rows:
            found.append(
                Problem(read.path.name, None, None, "too_many_quarantined", kind=kind_of("too_many_quarantined"))
            )
    return found


def _looked_after_in_snapshot(snapshot: Snapshot) -> int:
    episodes = snapshot.reads["episodes"].frame
    day = snapshot.extract_date.isoformat()  # the reader's dates are ISO text, which sorts as dates
    open_ = (
        (episodes["decom"] <= day)
        & (episodes["dec"].isna() | (episodes["dec"] > day))
        & ~episodes["ls"].isin(["V3", "V4"])
    )
    return episodes.loc[open_, "child"].nunique()


def _looked_after_published(con: Connection) -> int:
    # The same test as _looked_after_in_snapshot (DOMAIN.md 4.1, short breaks left out), on the published table.
    return con.execute(
        "select count(distinct child) from raw.placements__episodes where decom <= extract_date "
        "and (dec is null or dec > extract_date) and ls not in ('V3', 'V4')"
    ).fetchone()[0]


def anomaly_problems(con: Connection, snapshot: Snapshot, published: date | None) -> list[Problem]:
    """Well-formed but suspect: a file's rows, or the children looked after, fall by more than the share."""
    if published is None:
        return []
    before = dict(
        con.execute(
            "select lower(file_name), max(row_count) from raw._ledger where source = ? "
            "and status = 'loaded' and extract_date = ? group by lower(file_name)",
            [snapshot.source, published],
        ).fetchall()
    )
    found = []
    for read in snapshot.reads.values():
        previous = before.get(read.path.name.lower())
        if previous and previous >= GATE_DROP_FLOOR and len(read.frame) < previous * (1 - GATE_DROP_MAX_SHARE):
            found.append(Problem(read.path.name, None, None, "row_count_drop", kind=kind_of("row_count_drop")))
    if snapshot.source == "placements" and table_exists(con, "raw", "placements__episodes"):
        previous, now = _looked_after_published(con), _looked_after_in_snapshot(snapshot)
        if previous >= GATE_DROP_FLOOR and now < previous * (1 - GATE_DROP_MAX_SHARE):
            found.append(
                Problem(
                    snapshot.reads["episodes"].path.name,
                    None,
                    None,
                    "looked_after_drop",
                    kind=kind_of("looked_after_drop"),
                )
            )
    return found


def _record_problems(
    con: Connection, source: str, extract_date: date, fp: str, problems: list[Problem], at: datetime
) -> None:
    """The snapshot's problems replace any recorded for its date before (a refused folder is gated each night)."""
    import pandas as pd

    con.execute("delete from raw._problems where source = ? and extract_date = ?", [source, extract_date])
    if not problems:
        return
    frame = pd.DataFrame(
        [(p.file, p.row, p.column, p.rule, p.kind, p.key, p.child) for p in problems],
        columns=["file_name", "row_number", "column_name", "rule", "kind", "record_key", "child_id"],
        dtype=object,
    )
    stage_frame(con, "_incoming_problems", frame)
    con.execute(
        "insert into raw._problems select cast(? as varchar), cast(? as date), cast(? as varchar), "
        "file_name, cast(row_number as integer), column_name, rule, kind, record_key, child_id, "
        "cast(? as timestamp) from _incoming_problems",
        [source, extract_date, fp, at],
    )
    unstage_frame(con, "_incoming_problems")


def publish(
    con: Connection,
    snapshot: Snapshot,
    problems: list[Problem] | None = None,
    on_table_written: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Replace the source's raw tables (less the quarantined rows), write its problems and ledger rows,
    in one transaction. Returns the rows loaded per entity."""
    problems = problems or []
    loaded_at = _now()
    quarantined = quarantined_rows(problems)
    loaded: dict[str, int] = {}
    con.execute(LEDGER_DDL)
    con.execute("begin transaction")
    try:
        for read in snapshot.reads.values():
            view = f"_incoming_{read.entity.token}"
            frame = read.frame
            if read.path.name in quarantined:
                frame = frame[~frame["_row_number"].isin(quarantined[read.path.name])]
            loaded[read.entity.name] = len(frame)
            stage_frame(con, view, frame)
            con.execute(f"drop table if exists raw.{read.entity.token}")
            con.execute(
                f"create table raw.{read.entity.token} as "
                f"select {_select_list(read.entity, list(frame.columns))}, "
                f"cast(? as date) as extract_date, cast(? as timestamp) as _loaded_at, "
                f"cast(? as varchar) as _source_file "
                f"from {view}",
                [snapshot.extract_date, loaded_at, read.path.name],
            )
            unstage_frame(con, view)
            if on_table_written:
                on_table_written(read.entity.token)
        _record_problems(con, snapshot.source, snapshot.extract_date, snapshot.fingerprint, problems, loaded_at)
        message = f"{sum(map(len, quarantined.values()))} row(s) quarantined" if quarantined else None
        con.executemany(
            "insert into raw._ledger values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _ledger_rows(
                snapshot.folder,
                snapshot.source,
                snapshot.extract_date,
                snapshot.fingerprint,
                "loaded",
                snapshot.row_counts,
                message,
                loaded_at,
            ),
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return loaded


def write_report(folder: Path, refusal_problems: list[Problem], title: str) -> None:
    """gate_report.csv and gate_report.md: where each problem is and which rule, never row values."""
    with open(folder / "gate_report.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REPORT_COLUMNS)
        for p in refusal_problems:
            writer.writerow(safe_row([p.file, p.row or "", p.column or "", p.rule, p.key or "", ACTIONS[p.kind]]))
    by_rule: dict[tuple[str, str, str | None, str], list[Problem]] = {}
    for p in refusal_problems:
        by_rule.setdefault((p.file, p.rule, p.column, p.kind), []).append(p)
    order = list(ACTIONS)
    lines = [
        f"# {title}",
        "",
        "Rows are spreadsheet rows (the header is row 1). Values are never shown.",
        "",
        "| file | rule | column | action | rows | first rows |",
        "|---|---|---|---|---|---|",
    ]
    for (file, rule, column, kind), found in sorted(by_rule.items(), key=lambda kv: (order.index(kv[0][3]), kv[0][:2])):
        first = ", ".join(str(p.row) for p in found[:10] if p.row)
        lines.append(f"| {file} | {rule} | {column or ''} | {ACTIONS[kind]} | {len(found)} | {first} |")
    (folder / "gate_report.md").write_text("\n".join(lines) + "\n")


def _quarantine_folder(quarantine_root: Path | None, source: str, extract_date: date | str) -> Path | None:
    if quarantine_root is None:
        return None
    target = quarantine_root / source / str(extract_date)
    if target.exists():
        shutil.rmtree(target)
    return target


def _refuse(
    con: Connection,
    quarantine_root: Path | None,
    source: str,
    extract_date: date | None,
    folder: Path,
    fp: str,
    problems: list[Problem],
    reason: str,
    status: str = "refused",
) -> Refusal:
    """Quarantine a copy of the folder's real files with the report, and record the refusal in the ledger
    (a folder whose name is no date has no ledger row: it is reported again each night until renamed)."""
    at = _now()
    target = _quarantine_folder(quarantine_root, source, extract_date or folder.name)
    if target is not None:
        target.mkdir(parents=True)
        if not folder.is_symlink():  # never copy what a link points to
            for path in _real_files(folder):
                shutil.copy2(path, target / path.name)
        write_report(target, problems, f"{source} snapshot {folder.name} {status}: {reason}")
        restrict(target)  # copies keep the landing files' modes, and a caller may not have set the umask
    refusal = Refusal(source, extract_date, problems, target, reason, status)
    if extract_date is not None:
        if reason != "older_snapshot":  # an older folder's problems would rewrite the published date's history
            _record_problems(con, source, extract_date, fp, problems, at)
        con.executemany(
            "insert into raw._ledger values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _ledger_rows(folder, source, extract_date, fp, status, {}, reason, at),
        )
    log.error("%s", refusal.describe())
    return refusal


def _report_loaded(quarantine_root: Path | None, snapshot: Snapshot, problems: list[Problem]) -> None:
    """A loaded snapshot's quarantined rows and flags, reported where a refusal's would be (files stay in landing)."""
    target = _quarantine_folder(quarantine_root, snapshot.source, snapshot.extract_date)
    if target is None or not problems:
        return
    target.mkdir(parents=True)
    write_report(target, problems, f"{snapshot.source} snapshot {snapshot.extract_date} loaded with problems")
    restrict(target)


def reader_gate(snapshot: Snapshot) -> list[Problem]:
    """The minimum gate: what the readers found (values that could not be parsed, empty files)."""
    return snapshot.problems


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
    recorded = _recorded(con, source)
    for extract_date, folder in ((f.extract_date, f.path) for f in landing_folders(landing, source)):
        fp = fingerprint(folder)
        if extract_date is None or extract_date > date.today():
            rule = "bad_folder_name" if extract_date is None else "future_snapshot"
            outcome.misdated.append(
                _refuse(
                    con,
                    quarantine_root,
                    source,
                    extract_date,
                    folder,
                    fp,
                    [Problem(folder.name, None, None, rule)],
                    f"{rule}: rename the folder to the extract's real date",
                )
            )
            continue
        statuses = recorded.get((extract_date, fp), set())
        if statuses & {"loaded", "unchanged", "withdrawn"}:
            continue
        if outcome.published_date is not None and extract_date < outcome.published_date:
            if not statuses:
                problem = Problem(folder.name, None, None, "older_snapshot")
                outcome.refused.append(
                    _refuse(con, quarantine_root, source, extract_date, folder, fp, [problem], "older_snapshot")
                )
            continue
        if fp == _published_fingerprint(con, source, outcome.published_date):
            _unchanged(con, source, extract_date, folder, fp, outcome)
            continue
        try:
            snapshot = read_snapshot(source, extract_date, folder)
            problems = gate(snapshot)
            problems += threshold_problems(snapshot, problems)
            if "accepted" not in statuses:
                problems += anomaly_problems(con, snapshot, outcome.published_date)
        except ContractError as error:
            snapshot, problems = None, [error.problem]
        if snapshot is None or any(p.blocking for p in problems):
            held = snapshot is not None and not any(p.kind == "structural" for p in problems)
            outcome.refused.append(
                _refuse(
                    con,
                    quarantine_root,
                    source,
                    extract_date,
                    folder,
                    fp,
                    problems,
                    f"suspect: if it is right, run `cscw accept {source} {extract_date}`"
                    if held
                    else "blocking problems",
                    status="held" if held else "refused",
                )
            )
            continue
        loaded = publish(con, snapshot, problems, on_table_written)
        _report_loaded(quarantine_root, snapshot, problems)
        outcome.published_date = extract_date
        result = LoadResult(source, extract_date, loaded, problems)
        log.info(
            "%s %s loaded: %s%s",
            source,
            extract_date,
            ", ".join(f"{k} {v:,}" for k, v in loaded.items()),
            f" ({result.quarantined} row(s) quarantined, {len(problems)} problem(s) listed)" if problems else "",
        )
        outcome.loaded.append(result)
    if not outcome.loaded and not outcome.refused and not outcome.unchanged and not outcome.misdated:
        log.info("%s: no new snapshot waiting", source)
    if raise_on_refusal and outcome.failed:
        raise SnapshotRefused(outcome.failed)
    return outcome


def _unchanged(con: Connection, source: str, extract_date: date, folder: Path, fp: str, outcome: SourceOutcome) -> None:
    """A resent snapshot loads nothing (the freshness check still sees the source's last load). For a source
    expected to change every night that means the export looks stuck; one refreshed yearly (the population
    estimates) is simply the same again."""
    at = _now()
    if EXPECTED_LOAD_INTERVAL_DAYS[source] > 1:
        con.executemany(
            "insert into raw._ledger values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _ledger_rows(
                folder,
                source,
                extract_date,
                fp,
                "unchanged",
                {},
                f"identical to the {outcome.published_date} snapshot",
                at,
            ),
        )
        log.info("%s %s: identical to the %s snapshot, nothing to load", source, extract_date, outcome.published_date)
        return
    message = f"identical to the {outcome.published_date} snapshot: the export looks stuck"
    _record_problems(
        con,
        source,
        extract_date,
        fp,
        [Problem(folder.name, None, None, "unchanged_snapshot", kind=kind_of("unchanged_snapshot"))],
        at,
    )
    con.executemany(
        "insert into raw._ledger values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _ledger_rows(folder, source, extract_date, fp, "unchanged", {}, message, at),
    )
    log.warning("%s %s not loaded: %s", source, extract_date, message)
    outcome.unchanged.append(extract_date)


class AcceptError(ValueError):
    """`cscw accept` cannot apply: the message says why and what to do."""


def accept(con: Connection, landing: Path, source: str, extract_date: date) -> str:
    """Record that a held-back (suspect) snapshot is right, so the next load lets it through.

    The acceptance is for the folder as it is now (its fingerprint): a folder changed afterwards is gated again."""
    con.execute(LEDGER_DDL)
    folder = landing / source / extract_date.isoformat()
    if not folder.is_dir():
        raise AcceptError(f"no landing folder {folder}")
    fp = fingerprint(folder)
    statuses = _recorded(con, source).get((extract_date, fp), set())
    if "loaded" in statuses:
        raise AcceptError(f"{source} {extract_date} is already loaded")
    if "held" not in statuses:
        raise AcceptError(
            f"{source} {extract_date} is not held back as suspect (only a snapshot refused for "
            "row_count_drop or looked_after_drop can be accepted; fix and resend any other)"
        )
    published = published_date(con, source)
    if published is not None and extract_date < published:
        raise AcceptError(f"{source} {extract_date} is older than the published {published}: it can no longer load")
    con.executemany(
        "insert into raw._ledger values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _ledger_rows(folder, source, extract_date, fp, "accepted", {}, "accepted by an operator", _now()),
    )
    return f"{source} {extract_date} accepted; the next `cscw nightly` loads it"


def withdraw(con: Connection, source: str, extract_date: date) -> str:
    """Take a loaded snapshot back (a folder misdated into the future, or loaded by mistake): its ledger rows
    become `withdrawn`, so the published date falls back and the genuine folders after it load again.

    The raw tables keep the withdrawn snapshot's rows until the next snapshot of the source loads (every
    snapshot is full); remove or rename the folder in landing, or it is refused as it is each night."""
    con.execute(LEDGER_DDL)
    found = con.execute(
        "select count(*) from raw._ledger where source = ? and extract_date = ? and status = 'loaded'",
        [source, extract_date],
    ).fetchone()[0]
    if not found:
        raise AcceptError(f"{source} {extract_date} is not a loaded snapshot: nothing to withdraw")
    con.execute(
        "update raw._ledger set status = 'withdrawn', message = ? where source = ? and extract_date = ? "
        "and status = 'loaded'",
        [f"withdrawn by an operator at {_now():%Y-%m-%d %H:%M}", source, extract_date],
    )
    return (
        f"{source} {extract_date} withdrawn; the published snapshot is now {published_date(con, source)}, and "
        "the next `cscw nightly` loads the folders after it"
    )
