"""The one code location: every module under orchestration/defs plus the shared resources."""

import sys
from pathlib import Path

import dagster as dg

from orchestration.defs.dbt.project import dbt_project
from orchestration.defs.reports.committee import REPORT_GROUP
from orchestration.lib.resources import OfflineDbtCliResource, WarehouseResource

nightly_job = dg.define_asset_job(
    "nightly",
    # The committee report reads the published warehouse, so it has a job of its own after the night.
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups(REPORT_GROUP),
    description="Load every waiting landing snapshot in date order, build and test the dbt project, export "
    "the SSDA903 return, then publish the warehouse analysts read.",
    # DuckDB allows one writing process per file: steps run one after another in the run's process,
    # which holds the writer lock (orchestration/lib/resources.py) for the whole run.
    executor_def=dg.in_process_executor,
)


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions.merge(
        dg.load_from_defs_folder(path_within_project=Path(__file__).parent.parent),
        dg.Definitions(
            jobs=[nightly_job],
            resources={
                "warehouse": WarehouseResource(),
                # dbt from this environment, whether or not .venv/bin is on PATH
                "dbt": OfflineDbtCliResource(
                    project_dir=dbt_project, dbt_executable=str(Path(sys.executable).parent / "dbt")
                ),
            },
        ),
    )
