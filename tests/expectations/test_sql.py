"""The suites' expectations run as SQL (expectations/sql.py) fail exactly the rows GX's own pandas engine fails."""

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
import pytest

from expectations.sql import validate_table

FRAME = pd.DataFrame(
    {
        "_row_number": [2, 3, 4, 5, 6, 7],
        "code": ["A", "B", None, "Z", "Z", "a"],
        "child": ["C1", "C2", "C1", None, None, "C3"],
        "start": pd.to_datetime(["2024-01-01", "2024-02-01", None, "2024-03-01", "2024-05-01", "2024-06-01"]),
        "end": pd.to_datetime(["2024-01-01", "2024-01-15", "2024-01-01", None, "2025-05-02", "2024-05-31"]),
        "upn": ["A123456789012", "UN6", None, "B12345678901C", "UN1", "=HYPERLINK()"],
        "ok": [True, True, False, True, False, True],
    }
)

EXPECTATIONS = [
    gxe.ExpectColumnValuesToNotBeNull(column="child"),
    gxe.ExpectColumnValuesToBeInSet(column="code", value_set=["A", "B"]),
    gxe.ExpectColumnValuesToBeInSet(column="ok", value_set=[True]),
    gxe.ExpectColumnValuesToBeUnique(column="child"),
    gxe.ExpectCompoundColumnsToBeUnique(column_list=["child", "code"]),
    gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="end", column_B="start", or_equal=True, ignore_row_if="either_value_is_missing"
    ),
    gxe.ExpectColumnValuesToBeBetween(column="start", max_value=pd.Timestamp("2024-04-01")),
    gxe.ExpectColumnValuesToMatchRegex(column="upn", regex=r"^(?:UN[1-5]|[A-HJ-NPQRT-Z](?:\d{12}|\d{11}[A-Z]))$"),
]


def _gx_pandas_rows(expectation) -> list[int]:
    context = gx.get_context(mode="ephemeral")
    batch = (
        context.data_sources.add_pandas("p")
        .add_dataframe_asset("a")
        .add_batch_definition_whole_dataframe("w")
        .get_batch(batch_parameters={"dataframe": FRAME})
    )
    result = batch.validate(
        expectation, result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["_row_number"]}
    )
    return sorted(int(hit["_row_number"]) for hit in result.result.get("unexpected_index_list") or [])


@pytest.mark.parametrize("expectation", EXPECTATIONS, ids=lambda e: e.expectation_type)
def test_sql_fails_the_rows_gx_fails(expectation):
    text = FRAME.assign(start=FRAME["start"].dt.strftime("%Y-%m-%d"), end=FRAME["end"].dt.strftime("%Y-%m-%d"))
    with duckdb.connect() as con:
        con.register("t", text)
        suite = gx.ExpectationSuite(name="s", expectations=[expectation.copy(deep=True)])
        typed = {"start": 'cast("start" as date)', "end": 'cast("end" as date)'}
        result = validate_table(con, "t", suite, lambda c: typed.get(c, f'"{c}"'), len(FRAME))
    [outcome] = result.results
    rows = sorted(hit["_row_number"] for hit in outcome.result["unexpected_index_list"])
    assert rows == _gx_pandas_rows(expectation)
    assert rows, "each case fails some row, so the comparison means something"
    assert outcome.success is False and outcome.expectation_config.type == expectation.expectation_type
