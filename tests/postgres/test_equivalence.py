"""The same extracts built on DuckDB and on PostgreSQL give the same marts and returns, row for row.

Both warehouses are loaded by the same ingest code (PostgreSQL by COPY) from one small synthetic set
of two nights, then built by `dbt build` (seeds, models and every data test). Every model under
models/marts and models/returns is compared, found from the dbt manifest, so a new mart is compared
without touching this file: sorted by all columns, floats within 1e-9, everything else exact.
"""

import pytest

from tests.support.postgres import differences, published_models, table_rows

# Its fixture (tests/postgres/conftest.py) builds the pair of warehouses: the slowest setup here (pyproject.toml).
pytestmark = pytest.mark.slow

MODELS = published_models()
# Models this small set cannot fill, each for a reason of the data, not of the warehouse: they are compared all the
# same, and must stay empty (a set that fills one must come off this list and be compared on its rows).
EMPTY_HERE = {
    "data_quality.data_quality_stitching": "filled only by `cscw import ssda903`, which this set does not run",
    "data_quality.data_quality_census_stitching": "filled only from a CIN census, and this set sends the case CSVs",
    "returns.ssda903_return_dolo": "deprivation of liberty orders are collected from 2026/27",
    "returns.ssda903_return_dolo_last": "deprivation of liberty orders are collected from 2026/27",
    "returns.ssda903_return_ad1_last": "no child of the set was adopted in the year before the return's",
}


def test_marts_are_found_in_the_manifest():
    found = {f"{schema}.{table}" for schema, table in MODELS}
    assert {
        "lac.lac_measures",
        "camhs.camhs_measures",
        "finance.finance_budget_model",
        "returns.ssda903_return_episodes",
    } <= found
    assert not any(name.startswith(("staging.", "intermediate.")) for name in found)


@pytest.mark.parametrize(("schema", "table"), MODELS, ids=[f"{s}.{t}" for s, t in MODELS])
def test_mart_is_the_same_on_postgres(built_warehouses, schema, table):
    duck, pg = built_warehouses
    on_duckdb = table_rows(duck, schema, table)
    on_postgres = table_rows(pg, schema, table)
    if f"{schema}.{table}" in EMPTY_HERE:
        assert not on_duckdb[1], f"{schema}.{table} has rows now: take it off EMPTY_HERE"
    else:
        assert on_duckdb[1], f"{schema}.{table} is empty: comparing it would prove nothing"
    assert differences(on_duckdb, on_postgres) == []


def test_a_changed_value_is_reported():
    rows = (["id", "value", "day"], [(1.0, 0.5, "2024-03-31"), (2.0, None, "2024-04-30")])
    assert differences(rows, rows) == []
    assert differences(rows, (rows[0], [(1.0, 0.5 + 1e-6, "2024-03-31"), rows[1][1]])) != []
    assert differences(rows, (rows[0], [rows[1][0], (2.0, None, "2024-05-01")])) != []
    assert differences(rows, (rows[0], rows[1][:1])) != []
    assert differences(rows, (["id", "value", "date"], rows[1])) != []
