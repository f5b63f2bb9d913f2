"""Column contracts for every landing file (LANDING_CONTRACT.md), one module per source.

A contract says which columns must be present, how each is typed, whether it may be blank and which
seeded code list its values come from. Readers, the load gate and the docs all read these objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DType = Literal["str", "date", "int", "float"]


@dataclass(frozen=True)
class Column:
    name: str
    dtype: DType = "str"
    nullable: bool = True
    codes: str | None = None  # seed in dbt_project/seeds/reference/ holding the valid codes (compared upper-case)
    non_negative: bool = False  # a cost, count or budget: below zero is a row fault, not a refund

    @property
    def raw_name(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Entity:
    source: str
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default=())
    may_be_empty: bool = False  # a header-only file is normal (no closures this year), not a broken extract

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
        name, dtype, nullable=(not key) if nullable is None else nullable, codes=codes, non_negative=non_negative
    )


def all_entities() -> list[Entity]:
    from ingest.contracts import camhs, case, finance, placements, reference

    return [e for module in (case, placements, finance, camhs, reference) for e in module.ENTITIES]


def entities_for(source: str) -> list[Entity]:
    return [e for e in all_entities() if e.source == source]
