"""The measure registry (dbt_project/seeds/config/measure_registry.csv) as the tests read it: which
measures a mart computes, and what the scorecard copies, come from there rather than from lists here."""

import csv

from warehouse.settings import DBT_PROJECT_DIR

REGISTRY = DBT_PROJECT_DIR / "seeds" / "config" / "measure_registry.csv"


def registry() -> dict[str, dict[str, str]]:
    with open(REGISTRY, newline="", encoding="utf-8") as f:
        return {row["measure_code"]: row for row in csv.DictReader(f)}


def measures_of(source: str) -> set[str]:
    """The codes the registry says the mart `source` computes."""
    return {code for code, row in registry().items() if row["source"] == source}
