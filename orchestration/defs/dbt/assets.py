import logging

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from ingest.serving import working_copy
from orchestration.defs.dbt.project import dbt_project
from orchestration.defs.dbt.translator import CscwTranslator
from orchestration.lib.resources import WarehouseResource

log = logging.getLogger("cscw.dbt")


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=CscwTranslator())
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """The whole dbt project in one definition, so test failures stop everything downstream.

    dbt writes the working copy (CSCW_WAREHOUSE); the warehouse resource is here so that even a run
    of dbt alone holds the writer lock and finds the working copy started.
    """
    working_copy(warehouse.settings)
    for event in dbt.cli(["build"], context=context).stream():
        if isinstance(event, dg.Output):
            log.info("dbt: built %s", event.output_name)
        elif isinstance(event, dg.AssetCheckResult) and not event.passed:
            # severity warn: what the gate loads and flags (listed in data_quality), never a failed night
            failed = "test failed" if event.severity == dg.AssetCheckSeverity.ERROR else "warning"
            log.warning("dbt: %s on %s: %s", failed, event.asset_key.to_user_string(), event.check_name)
        yield event
