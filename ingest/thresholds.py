"""The gate's thresholds over a whole snapshot (warehouse/settings.py sets them, ingest/rules.py says what
each rule does): too many quarantined rows in a file, or rows or children looked after falling against the
last published snapshot."""

from __future__ import annotations

from datetime import date

from ingest.cell_checks import LOCATION_COLUMNS
from ingest.readers import Problem, quarantined_mask
from ingest.rules import kind_of
from ingest.snapshot import Snapshot, quarantined_rows
from warehouse.connection import Connection, table_exists
from warehouse.settings import (
    GATE_DROP_FLOOR,
    GATE_DROP_MAX_SHARE,
    GATE_QUARANTINE_FLOOR,
    GATE_QUARANTINE_MAX_SHARE,
)


def threshold_problems(snapshot: Snapshot, problems: list[Problem]) -> list[Problem]:
    """A file whose quarantined rows pass the share and the floor (warehouse/settings.py) is a broken export."""
    found = []
    quarantined = quarantined_rows(problems)
    for read in snapshot.reads.values():
        rows = read.rows
        if LOCATION_COLUMNS[0] in read.columns:  # a census row is placed by its own file and line
            bad = int(quarantined_mask(read.frame, read.path.name, quarantined).sum())
        else:  # every row a problem names is one of the file's
            bad = len(quarantined.get(read.path.name, ()))
        if bad > GATE_QUARANTINE_FLOOR and bad > GATE_QUARANTINE_MAX_SHARE * rows:
            found.append(
                Problem(read.path.name, None, None, "too_many_quarantined", kind=kind_of("too_many_quarantined"))
            )
    return found


def _looked_after_in_snapshot(snapshot: Snapshot) -> int:
    # The reader's dates are ISO text, which sorts as dates.
    [(count,)] = snapshot.reads["episodes"].query(
        "select count(distinct child) from {table} where decom <= ? and (dec is null or dec > ?) "
        "and coalesce(ls, '') not in ('V3', 'V4')",
        [snapshot.extract_date.isoformat()] * 2,
    )
    return count


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
        if previous and previous >= GATE_DROP_FLOOR and read.rows < previous * (1 - GATE_DROP_MAX_SHARE):
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
