"""Column contracts for every landing file (LANDING_CONTRACT.md), one module per source.

A contract says which columns must be present, how each is typed, whether it may be blank and which
seeded code list its values come from. Readers, the load gate and the docs all read these objects.

Each module here declares its source once (`SOURCE = Source(...)`) and is found by walking this package,
so adding a source is adding its module: the source list, the freshness intervals and the load order all
follow from the declarations.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache
from typing import Literal

DType = Literal["str", "date", "int", "float"]


@dataclass(frozen=True)
class Column:
    name: str
    dtype: DType = "str"
    nullable: bool = True
    codes: str | None = None  # seed in dbt_project/seeds/reference/ holding the valid codes (compared upper-case)
    non_negative: bool = False  # a cost, count or budget: below zero is a row fault, not a refund
    key: bool = False  # part of the entity's key (in column order)

    @property
    def raw_name(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Entity:
    source: str
    name: str
    columns: tuple[Column, ...]
    may_be_empty: bool = False  # a header-only file is normal (no closures this year), not a broken extract
    # The file may be absent from an extract (a table the council's system cannot produce yet, or one the
    # DfE added later): the snapshot still loads, the raw table is empty and the absence is on the ledger.
    optional: bool = False
    # Another source that can stand in for this file (the CIN census for the case children, referrals and
    # plans): the file may be absent while that source has a landed folder (ingest/snapshot.py).
    covered_by: str | None = None

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.key)

    @property
    def file_stem(self) -> str:
        return self.name

    @property
    def token(self) -> str:
        """The one name that follows this dataset from landing file to mart: <source>__<entity>."""
        return f"{self.source}__{self.name}"

    @property
    def child_column(self) -> str | None:
        """The raw column holding the row's pseudonymous child (or CAMHS patient) id, if any."""
        names = {c.raw_name for c in self.columns}
        return next((n for n in ("child", "child_id", "patient_id") if n in names), None)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def raw_names(self) -> list[str]:
        return [c.raw_name for c in self.columns]


def col(
    name: str,
    dtype: DType = "str",
    *,
    key: bool = False,
    nullable: bool | None = None,
    codes: str | None = None,
    non_negative: bool = False,
) -> Column:
    return Column(
        name,
        dtype,
        nullable=(not key) if nullable is None else nullable,
        codes=codes,
        non_negative=non_negative,
        key=key,
    )


@dataclass(frozen=True)
class Source:
    """One landing source: its files, how often it is expected (the freshness checks warn past this) and the
    sources whose published snapshots its gate reads (they are loaded first)."""

    name: str
    entities: tuple[Entity, ...]
    expected_interval_days: int = 1
    depends_on: tuple[str, ...] = ()
    # How a folder is read (ingest/snapshot.py READERS): one CSV or workbook per entity, or the CIN census XML.
    layout: Literal["tables", "cin_census_xml"] = "tables"
    # An alternative layout a council may never send (the CIN census beside the case CSVs): until it lands, its
    # raw tables exist empty, so the staging that reads either layout still builds.
    may_never_land: bool = False


def _discovered() -> dict[str, Source]:
    found = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        source = getattr(module, "SOURCE", None)
        if isinstance(source, Source):
            found[source.name] = source
    return found


def _dependencies_first(sources: dict[str, Source]) -> list[Source]:
    """Sorted by name, except that a source comes after those it depends on."""
    ordered: list[Source] = []

    def visit(source: Source, path: tuple[str, ...]) -> None:
        if source in ordered:
            return
        if source.name in path:
            raise ValueError(f"source dependencies loop: {' -> '.join((*path, source.name))}")
        for name in source.depends_on:
            visit(sources[name], (*path, source.name))
        ordered.append(source)

    for name in sorted(sources):
        visit(sources[name], ())
    return ordered


@cache
def registry() -> tuple[Source, ...]:
    """Every source, each after the ones it depends on."""
    return tuple(_dependencies_first(_discovered()))


def source_named(name: str) -> Source:
    return next(s for s in registry() if s.name == name)


def all_entities() -> list[Entity]:
    return [e for s in registry() for e in s.entities]


def entities_for(name: str) -> list[Entity]:
    return [e for e in all_entities() if e.source == name]


SOURCES = tuple(s.name for s in registry())
EXPECTED_LOAD_INTERVAL_DAYS = {s.name: s.expected_interval_days for s in registry()}
