"""Writing the stitched history as one ordinary placements snapshot: landing/placements/<date>/, the landing
contract's files and columns, so the next `cscw nightly` gates and loads it like any other extract."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pandas as pd

from ingest.contracts import Entity
from ingest.snapshot import fingerprint
from ingest.spreadsheet import safe_row


def _write_csv(path: Path, frame: pd.DataFrame, columns: list[str]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(columns)
        # A person may open these in Excel: text is never written as a formula.
        writer.writerows(safe_row("" if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False))


class AlreadyLanded(Exception):
    """The snapshot's folder exists with other files: an import never overwrites an extract."""


def write_snapshot(
    folder: Path, tables: dict[str, pd.DataFrame], entities: dict[str, Entity], stitch_log: pd.DataFrame | None
) -> bool:
    """All files written beside the folder first and moved into place at once, so the nightly loader never
    sees half a snapshot. The same returns write the same bytes: a folder already holding them is left as it
    is (False); one holding anything else is refused, never overwritten."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=f".{folder.name}-") as work:
        staged = Path(work) / folder.name
        staged.mkdir()
        for name, frame in tables.items():
            entity = entities[name]
            frame = frame[[c.raw_name for c in entity.columns]]
            _write_csv(staged / f"{entity.file_stem}.csv", frame, entity.column_names)
        if stitch_log is not None:
            _write_csv(staged / "stitch_log.csv", stitch_log, list(stitch_log.columns))
        if folder.exists():
            if fingerprint(folder) == fingerprint(staged):
                return False
            raise AlreadyLanded(
                f"{folder} already holds another placements snapshot: import with --as-at another date, "
                "or move that folder away"
            )
        staged.rename(folder)
    return True
