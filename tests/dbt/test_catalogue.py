"""The analyst catalogue: every table an analyst reads, and every column of it, says what it holds.

Reads the manifest `dbt parse` writes, so descriptions brought in by doc blocks count as written.
"""

import json

import pytest

from warehouse.settings import DBT_PROJECT_DIR

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
# The folders whose models analysts query: the marts (data quality among them), the returns, the dictionary.
CATALOGUE_FOLDERS = ("models/marts/", "models/returns/", "models/reference/")
# A clone has no shared/ folder beside the repository: a description must stand on its own.
OUTSIDE_REFERENCES = ("../shared", "shared/")


def catalogue_models() -> list[dict]:
    if not MANIFEST.exists():
        pytest.fail(f"{MANIFEST} is missing: run `dbt parse` in dbt_project first")
    nodes = json.loads(MANIFEST.read_text(encoding="utf-8"))["nodes"].values()
    return [
        node
        for node in nodes
        if node["resource_type"] == "model" and node["original_file_path"].startswith(CATALOGUE_FOLDERS)
    ]


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
