"""Building blocks shared by the per-source suites."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

import pandas as pd

from ingest.contracts import Entity
from warehouse.settings import SEEDS_DIR

UPN_OR_UNKNOWN = r"^(?:UN[1-5]|[A-HJ-NPQRT-Z](?:\d{12}|\d{11}[A-Z]))$"


@dataclass
class SuiteContext:
    """What a suite may compare against besides its own table."""

    extract_date: date
    frames: Mapping[str, pd.DataFrame]  # this snapshot's tables, by entity name (typed when first read)
    case_children: set[str] | None = None  # child_ids of the published case snapshot
    extra_columns: dict[str, dict[str, pd.Series]] = field(default_factory=dict)


@cache
def codes(seed: str) -> tuple[str, ...]:
    """Valid codes from the same seed dbt loads: one source of truth for both gates."""
    return tuple(pd.read_csv(SEEDS_DIR / f"{seed}.csv", dtype=str, keep_default_na=False)["code"])


def expect(expectation: str, rule: str, report_column: str | None, **kwargs: Any):
    """A GX expectation tagged with the gate's rule code (its kind is in ingest/rules.py) and the column to report."""
    import great_expectations.expectations as gxe

    return getattr(gxe, expectation)(**kwargs, meta={"rule": rule, "column": report_column})


def contract_expectations(entity: Entity) -> list:
    """Keys unique and present, non-nullable columns present, codes on their seeded list."""
    found = []
    for column in entity.columns:
        if not column.nullable:
            found.append(expect("ExpectColumnValuesToNotBeNull", "not_null", column.name, column=column.raw_name))
        if column.codes:
            found.append(
                expect(
                    "ExpectColumnValuesToBeInSet",
                    "code_list",
                    column.name,
                    column=column.raw_name,
                    value_set=list(codes(column.codes)),
                )
            )
    if len(entity.key) == 1:
        found.append(
            expect("ExpectColumnValuesToBeUnique", "duplicate_key", entity.key[0], column=entity.key[0].lower())
        )
    elif entity.key:
        found.append(
            expect(
                "ExpectCompoundColumnsToBeUnique", "duplicate_key", None, column_list=[k.lower() for k in entity.key]
            )
        )
    return found


def end_not_before_start(end: str, start: str) -> Any:
    return expect(
        "ExpectColumnPairValuesAToBeGreaterThanB",
        "end_before_start",
        end,
        column_A=end.lower(),
        column_B=start.lower(),
        or_equal=True,
        ignore_row_if="either_value_is_missing",
    )


def not_in_future(column: str, ctx: SuiteContext) -> Any:
    return expect(
        "ExpectColumnValuesToBeBetween",
        "future_date",
        column,
        column=column.lower(),
        max_value=pd.Timestamp(ctx.extract_date),
    )


def known_in(ctx: SuiteContext, entity: str, column: str, values: set[str], rule: str) -> Any:
    """Every non-blank value is in a reference set (children of the header, of the case system).

    Membership is computed once with pandas: GX's in-set check over tens of thousands of ids is slow."""
    frame = ctx.frames[entity]
    return flagged(ctx, entity, rule, column, frame[column.lower()].isna() | frame[column.lower()].isin(values))


def flagged(ctx: SuiteContext, entity: str, rule: str, column: str, ok: pd.Series) -> Any:
    """A check computed with pandas (across files, or per child) that GX records row by row: False fails."""
    name = f"_{rule}"
    ctx.extra_columns.setdefault(entity, {})[name] = ok
    return expect("ExpectColumnValuesToBeInSet", rule, column, column=name, value_set=[True])


def suite(name: str, expectations: list):
    import great_expectations as gx

    return gx.ExpectationSuite(name=name, expectations=expectations)
