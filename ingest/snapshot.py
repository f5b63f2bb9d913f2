"""A snapshot: one <source>/<extract_date>/ landing folder, read in full against its contracts.

Its fingerprint (the names and content hashes of its files) is what the ledger remembers it by, so the
same folder never loads twice and a changed folder is gated again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from ingest.contracts import Entity, entities_for, source_named
from ingest.readers import ContractError, Problem, ReadResult, candidate_files, read_entity
from ingest.rules import kind_of


@dataclass
class Snapshot:
    source: str
    extract_date: date
    folder: Path
    fingerprint: str
    reads: dict[str, ReadResult] = field(default_factory=dict)
    # Optional entities whose file the folder lacks: published as empty raw tables. The ledger lists the
    # files a snapshot had, so the absence needs no record of its own.
    absent: list[Entity] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.reads.values() for p in r.problems]

    @property
    def row_counts(self) -> dict[str, int]:
        return {name: r.rows for name, r in self.reads.items()}

    def release(self) -> None:
        for read in self.reads.values():
            read.release()


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def real_files(folder: Path) -> list[Path]:
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
            digest.update(path.name.encode() + file_hash(path).encode())
    return digest.hexdigest()


def read_snapshot(source: str, extract_date: date, folder: Path, con=None) -> Snapshot:
    """Read every contract file; a file that breaks the contract as a whole raises ContractError.

    On a DuckDB warehouse's connection `con` the checked tables are its temporary tables (`release` drops them),
    so the gate and the publish read them where they are; otherwise each file gets a DuckDB of its own."""
    con = con if isinstance(con, duckdb.DuckDBPyConnection) else None
    if folder.is_symlink():
        raise ContractError(folder, "symlink", "the folder is a symbolic link: land real folders only")
    links = [p for p in folder.iterdir() if p.is_symlink()]
    if links:
        raise ContractError(links[0], "symlink", "a symbolic link: land the file itself")
    snapshot = Snapshot(source, extract_date, folder, fingerprint(folder))
    if source_named(source).layout == "cin_census_xml":
        from ingest.census_xml import read_census  # the XML layout's reader (lxml), behind the same Snapshot

        snapshot.reads = read_census(folder, entities_for(source), con)
        return snapshot
    for entity in entities_for(source):
        candidates = candidate_files(folder, entity)
        if not candidates and (entity.optional or _covered_elsewhere(entity, folder)):
            snapshot.absent.append(entity)
            continue
        if not candidates:
            raise ContractError(
                folder / f"{entity.file_stem}.csv", "file_missing", "file missing (expected .csv or .xlsx)"
            )
        snapshot.reads[entity.name] = read_entity(candidates[0], entity, con)
        snapshot.reads[entity.name].problems.extend(
            Problem(other.name, None, None, "other_file", kind=kind_of("other_file")) for other in candidates[1:]
        )
    return snapshot


def _covered_elsewhere(entity: Entity, folder: Path) -> bool:
    """A file another source can stand in for (case children, referrals and plans, when a CIN census is
    landed: LANDING_CONTRACT case/) may be absent; staging then reads that source's rows instead."""
    if entity.covered_by is None:
        return False
    landing = folder.parent.parent
    return any(any(p.glob("*.xml")) for p in (landing / entity.covered_by).glob("????-??-??") if p.is_dir())


def quarantined_rows(problems: list[Problem]) -> dict[str, set[int]]:
    """Rows with a row fault, by file: they are left out of the raw table."""
    rows: dict[str, set[int]] = {}
    for p in problems:
        if p.kind == "row" and p.row is not None:
            rows.setdefault(p.file, set()).add(p.row)
    return rows
