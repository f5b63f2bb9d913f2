"""The hand-made Annex A landing (tests/fixtures/annex_a_cases, see its README) built once for the run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parents[1] / "fixtures" / "annex_a_cases" / "landing"
# What the lists read, and everything under it.
SELECT = " ".join(
    f"+{model}"
    for model in (
        "case_referrals",
        "lac_periods_of_care",
        "lac_placements",
        "int_episodes_located",
        "stg_case__children",
        "stg_case__section_47",
        "stg_case__cin_plans",
        "stg_case__cp_plans",
        "stg_placements__oc3",
        "stg_placements__ad1",
        "stg_placements__placed_for_adoption",
        "stg_placements__missing",
        "stg_placements__reviews",
        "stg_placements__uasc",
    )
)


@pytest.fixture(scope="session")
def annex_a_warehouse(reference_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.support.once import built_once
    from tests.support.warehouse import dbt_build, load_landing

    def build(work: Path) -> str:
        warehouse = work / "warehouse.duckdb"
        shutil.copy(reference_warehouse, warehouse)
        load_landing(warehouse, FIXTURE)
        dbt_build(warehouse, SELECT, work)
        return str(warehouse)

    return Path(built_once(tmp_path_factory, "annex_a_cases", build))
