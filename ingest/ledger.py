"""raw._ledger and raw._problems: which snapshot of each source was loaded, refused, held, accepted, resent
unchanged or withdrawn, and every problem the gate found; and the operator's `accept` and `withdraw`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from ingest.contracts import entities_for
from ingest.history import withdraw_date
from ingest.readers import Problem
from ingest.snapshot import file_hash, fingerprint
from warehouse.connection import Connection, stage_frame, table_exists, unstage_frame

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


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


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


def recorded_statuses(con: Connection, source: str) -> dict[tuple[date, str], set[str]]:
    """Every status the ledger holds for each (extract date, fingerprint) of the source."""
    rows = con.execute(
        "select distinct extract_date, snapshot_fingerprint, status from raw._ledger where source = ?", [source]
    ).fetchall()
    status: dict[tuple[date, str], set[str]] = {}
    for extract_date, fp, state in rows:
        status.setdefault((extract_date, fp), set()).add(state)
    return status


def published_fingerprint(con: Connection, source: str, published: date | None) -> str | None:
    if published is None:
        return None
    row = con.execute(
        "select max(snapshot_fingerprint) from raw._ledger where source = ? and status = 'loaded' and extract_date = ?",
        [source, published],
    ).fetchone()
    return row[0]


def record_ledger(
    con: Connection,
    snapshot_folder: Path,
    source: str,
    extract_date: date,
    fp: str,
    status: str,
    message: str | None,
    at: datetime,
    row_counts: dict[str, int] | None = None,
) -> None:
    """A ledger row per file of the folder, all with the one status."""
    counts = row_counts or {}
    rows = [
        (source, extract_date, path.name, file_hash(path), fp, counts.get(path.stem.lower()), status, at, message)
        for path in sorted(p for p in snapshot_folder.iterdir() if p.is_file())
    ]
    con.executemany("insert into raw._ledger values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def record_problems(
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
    statuses = recorded_statuses(con, source).get((extract_date, fp), set())
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
    record_ledger(con, folder, source, extract_date, fp, "accepted", "accepted by an operator", now_utc())
    return f"{source} {extract_date} accepted; the next `cscw nightly` loads it"


def withdraw(con: Connection, source: str, extract_date: date) -> str:
    """Take a loaded snapshot back (a folder misdated into the future, or loaded by mistake): its ledger rows
    become `withdrawn`, so the published date falls back and the genuine folders after it load again.

    The raw tables keep the withdrawn snapshot's rows until the next snapshot of the source loads (every
    snapshot is full); remove or rename the folder in landing, or it is refused as it is each night. The
    history (ingest/history.py) loses the snapshot's date at once, so it reads as if it had never loaded and
    the next snapshot is diffed against the one before it."""
    con.execute(LEDGER_DDL)
    found = con.execute(
        "select count(*) from raw._ledger where source = ? and extract_date = ? and status = 'loaded'",
        [source, extract_date],
    ).fetchone()[0]
    if not found:
        raise AcceptError(f"{source} {extract_date} is not a loaded snapshot: nothing to withdraw")
    following = con.execute(
        "select min(extract_date) from raw._ledger where source = ? and extract_date > ? and status = 'loaded'",
        [source, extract_date],
    ).fetchone()[0]
    con.execute("begin transaction")
    try:
        for entity in entities_for(source):
            if table_exists(con, "raw", f"{entity.token}__history"):
                withdraw_date(con, entity, extract_date, following)
        con.execute(
            "update raw._ledger set status = 'withdrawn', message = ? where source = ? and extract_date = ? "
            "and status = 'loaded'",
            [f"withdrawn by an operator at {now_utc():%Y-%m-%d %H:%M}", source, extract_date],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return (
        f"{source} {extract_date} withdrawn; the published snapshot is now {published_date(con, source)}, and "
        "the next `cscw nightly` loads the folders after it"
    )
