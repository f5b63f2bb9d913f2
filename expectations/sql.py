"""The suites' expectations run as SQL on DuckDB, their results recorded as GX validation results.

The GX suites stay the definition of the gate (expectations/<source>.py) and GX's result objects its report;
only the engine changes. GX's pandas engine validates at 40-80k rows/s, and its SQL datasource needs
SQLAlchemy and a DuckDB dialect this project does not install; each expectation here is one `select` of the
failing rows' `_row_number` over the table, which is what GX's own SQL engine would run.

Semantics follow GX's: nulls pass every expectation but ExpectColumnValuesToNotBeNull; a unique check reports
every row of a repeated value (expectations/run.py keeps the first); a compound key is ignored only when all
its columns are missing; a pair check ignores a row where either value is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from warehouse.connection import quote

_LITERAL_TYPES = (str, int, float, bool)


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if hasattr(value, "date"):  # a pandas Timestamp or datetime: the gate compares dates
        value = value.date()
    return "'" + str(value).replace("'", "''") + "'"


def _not_null(e, typed: Callable[[str], str]) -> str:
    return f"{quote(e.column)} is null"


def _in_set(e, typed: Callable[[str], str]) -> str:
    column = quote(e.column)
    values = [v for v in e.value_set if isinstance(v, _LITERAL_TYPES)]
    if all(isinstance(v, bool) for v in values):  # a flag column computed for the check (expectations/common.py)
        return f"{column} is not null and {column} not in ({', '.join(map(_literal, values)) or 'null'})"
    # A list table rather than `in (...)`: code lists run to hundreds of values.
    listed = ", ".join(f"({_literal(str(v))})" for v in values) or "(null)"
    return (
        f"{column} is not null and cast({column} as varchar) not in "
        f"(select v from (values {listed}) as codes(v) where v is not null)"
    )


def _unique(e, typed: Callable[[str], str]) -> str:
    column = quote(e.column)
    return f"{column} is not null and count(*) over (partition by {column}) > 1"


def _compound_unique(e, typed: Callable[[str], str]) -> str:
    columns = [quote(c) for c in e.column_list]
    missing = {"all_values_are_missing": " and ", "any_value_is_missing": " or "}.get(e.ignore_row_if)
    ignored = f"not ({missing.join(f'{c} is null' for c in columns)}) and " if missing else ""
    return f"{ignored}count(*) over (partition by {', '.join(columns)}) > 1"


def _pair_greater(e, typed: Callable[[str], str]) -> str:
    a, b = typed(e.column_A), typed(e.column_B)
    ignored = {
        "either_value_is_missing": f"{a} is not null and {b} is not null and ",
        "both_values_are_missing": f"not ({a} is null and {b} is null) and ",
    }.get(e.ignore_row_if, "")
    return f"{ignored}not ({a} {'>=' if e.or_equal else '>'} {b})"


def _between(e, typed: Callable[[str], str]) -> str:
    value = typed(e.column)
    outside = []
    if e.min_value is not None:
        outside.append(f"{value} {'<=' if e.strict_min else '<'} {_literal(e.min_value)}")
    if e.max_value is not None:
        outside.append(f"{value} {'>=' if e.strict_max else '>'} {_literal(e.max_value)}")
    return f"{value} is not null and ({' or '.join(outside) or 'false'})"


def _regex(e, typed: Callable[[str], str]) -> str:
    column = quote(e.column)
    return f"{column} is not null and not regexp_matches(cast({column} as varchar), {_literal(e.regex)})"


# Every expectation the suites use, by GX's name for it, as the SQL condition a failing row meets.
FAILING = {
    "expect_column_values_to_not_be_null": _not_null,
    "expect_column_values_to_be_in_set": _in_set,
    "expect_column_values_to_be_unique": _unique,
    "expect_compound_columns_to_be_unique": _compound_unique,
    "expect_column_pair_values_a_to_be_greater_than_b": _pair_greater,
    "expect_column_values_to_be_between": _between,
    "expect_column_values_to_match_regex": _regex,
}


def failing_rows_sql(expectation, table: str, typed: Callable[[str], str]) -> str:
    """The `_row_number` of every row the expectation fails, in file order. `typed(column)` is the column's
    SQL expression as its contract type (dates compare as dates)."""
    condition = FAILING[expectation.expectation_type](expectation, typed)
    window = "over (" in condition
    if window:  # a window cannot sit in a where clause: qualify filters on it
        return f"select _row_number from {table} qualify {condition} order by _row_number"
    return f"select _row_number from {table} where {condition} order by _row_number"


def validate_table(con, table: str, suite, typed: Callable[[str], str], rows: int):
    """The suite's results on `table` as GX records them: one ExpectationValidationResult per expectation,
    with the failing rows in `unexpected_index_list` (their `_row_number`, never a value)."""
    from great_expectations.core import ExpectationSuiteValidationResult, ExpectationValidationResult

    results = []
    for expectation in suite.expectations:
        failing = [row for (row,) in con.execute(failing_rows_sql(expectation, table, typed)).fetchall()]
        results.append(
            ExpectationValidationResult(
                success=not failing,
                expectation_config=expectation.configuration,
                result={
                    "element_count": rows,
                    "unexpected_count": len(failing),
                    "unexpected_index_list": [{"_row_number": row} for row in failing],
                },
            )
        )
    return ExpectationSuiteValidationResult(
        success=all(r.success for r in results), results=results, suite_name=suite.name
    )
