"""The analyst catalogue: every table an analyst reads, and every column of it, says what it holds.

Reads the manifest `dbt parse` writes, so descriptions brought in by doc blocks count as written.
"""

from tests.support.manifest import models_under

# The folders whose models analysts query: the marts (data quality among them), the returns, the dictionary.
CATALOGUE_FOLDERS = ("models/marts/", "models/returns/", "models/reference/")
# A clone has no shared/ folder beside the repository: a description must stand on its own.
OUTSIDE_REFERENCES = ("../shared", "shared/")


def catalogue_models() -> list[dict]:
    return models_under(CATALOGUE_FOLDERS)


def test_the_catalogue_has_the_marts_and_returns():
    names = {node["name"] for node in catalogue_models()}
    assert {"lac_placements", "ssda903_return_episodes", "data_quality_problems"} <= names


def test_every_catalogue_model_and_column_is_described():
    undescribed = []
    for node in catalogue_models():
        if not node["description"].strip():
            undescribed.append(node["name"])
        undescribed += [
            f"{node['name']}.{name}" for name, column in node["columns"].items() if not column["description"].strip()
        ]
    assert not undescribed, "no description: " + ", ".join(sorted(undescribed))


def test_descriptions_point_at_nothing_outside_the_repository():
    offending = []
    for node in catalogue_models():
        texts = {node["name"]: node["description"]}
        texts |= {f"{node['name']}.{name}": column["description"] for name, column in node["columns"].items()}
        offending += [where for where, text in texts.items() if any(ref in text for ref in OUTSIDE_REFERENCES)]
    assert not offending, "descriptions pointing outside the repository: " + ", ".join(sorted(offending))


def test_every_catalogue_table_and_column_has_its_comment_in_the_warehouse(synthetic_warehouse):
    """Contract marts (create then insert), the return tables' quoted capitals, the dictionary: all of them."""
    from warehouse.connection import connect_duckdb

    missing = []
    with connect_duckdb(synthetic_warehouse, read_only=True) as con:
        for node in catalogue_models():
            schema, table = node["schema"], node["alias"] or node["name"]
            row = con.execute(
                "select comment from duckdb_tables() where schema_name = ? and table_name = ?", [schema, table]
            ).fetchone()
            columns = con.execute(
                "select column_name, comment from duckdb_columns() where schema_name = ? and table_name = ?",
                [schema, table],
            ).fetchall()
            if row is None or not columns:
                missing.append(f"{schema}.{table} (not built)")
                continue
            missing += [f"{schema}.{table}"] if not row[0] else []
            missing += [f"{schema}.{table}.{name}" for name, comment in columns if not comment]
    assert not missing, "no comment in the warehouse: " + ", ".join(missing)


def test_the_measure_dictionary_is_the_registry(synthetic_warehouse):
    from tests.dbt.registry import registry
    from warehouse.connection import connect_duckdb

    with connect_duckdb(synthetic_warehouse, read_only=True) as con:
        rows = con.execute(
            "select measure_code, measure_name, unit, polarity, source_mart from reference.measure_dictionary"
        ).fetchall()
    expected = {
        code: (row["measure_name"], row["unit"], row["polarity"], row["source"]) for code, row in registry().items()
    }
    assert {code: rest for code, *rest in rows} == {code: list(rest) for code, rest in expected.items()}
