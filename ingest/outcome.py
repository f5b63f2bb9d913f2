"""What loading a source came to: the snapshots loaded, refused, held, resent unchanged or misdated."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ingest.readers import Problem


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
