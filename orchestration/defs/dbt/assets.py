import logging
import os
import shutil
from datetime import datetime
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.defs.dbt.project import dbt_project
from orchestration.defs.dbt.translator import CscwTranslator
from orchestration.lib.resources import WarehouseResource
from warehouse.permissions import FILE_MODE
from warehouse.serving import working_copy
from warehouse.settings import DBT_PROJECT_DIR, Settings

log = logging.getLogger("cscw.dbt")

# dbt's target folders (run_results.json, dbt.log, the compiled SQL) of the last few runs, to read after a failure.
DBT_RUNS_KEPT = 3


def run_target_path(settings: Settings, run_id: str) -> Path:
    """dbt's target folder for one run: CSCW_HOME/logs/dbt/<time>-<run>, the older ones removed but the newest few.

    dagster-dbt's default is a new dbt_project/target/dbt_models-<run>-<id> folder in the repository for
    every run (about 15 MB each), never removed. The project's partial_parse.msgpack is copied in first, so
    dbt parses as fast as before, owner-only (dagster-dbt's own copy would keep the repository's 0644).
    """
    root = settings.home / "logs" / "dbt"
    root.mkdir(parents=True, exist_ok=True)
    for old in sorted(p for p in root.iterdir() if p.is_dir())[: -(DBT_RUNS_KEPT - 1) or None]:
        shutil.rmtree(old, ignore_errors=True)
    path = root / f"{datetime.now():%Y%m%d-%H%M%S}-{run_id[:8]}"
    path.mkdir(mode=0o700)
    partial_parse = DBT_PROJECT_DIR / "target" / "partial_parse.msgpack"
    if partial_parse.exists():
        shutil.copyfile(partial_parse, path / partial_parse.name)
        os.chmod(path / partial_parse.name, FILE_MODE)
    return path


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=CscwTranslator())
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """The whole dbt project in one definition, so test failures stop everything downstream.

    dbt writes the working copy (CSCW_WAREHOUSE); the warehouse resource is here so that even a run
    of dbt alone holds the writer lock and finds the working copy started.
    """
    working_copy(warehouse.settings)
    target_path = run_target_path(warehouse.settings, context.run.run_id)
    for event in dbt.cli(["build"], context=context, target_path=target_path).stream():
        if isinstance(event, dg.Output):
            log.info("dbt: built %s", event.output_name)
        elif isinstance(event, dg.AssetCheckResult) and not event.passed:
            # severity warn: what the gate loads and flags (listed in data_quality), never a failed night
            failed = "test failed" if event.severity == dg.AssetCheckSeverity.ERROR else "warning"
            log.warning("dbt: %s on %s: %s", failed, event.asset_key.to_user_string(), event.check_name)
        yield event
