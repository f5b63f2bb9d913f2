"""The last step of a night: publish the working copy as the warehouse analysts read (warehouse/serving.py).

It runs after every dbt model and test and after every statutory return, so a night that fails anywhere
publishes nothing and analysts keep the last complete build. The return's DfE check is a WARN and
never holds it back: a return with errors is published as it is, not READY, its state in
data_quality.return_status. After the return rather than before it: the exported files, the return's
state and the published marts then always come from the same build, and a night is one unit that
either completes or is not seen.
"""

import dagster as dg

from orchestration.defs.dbt.assets import dbt_models
from orchestration.defs.returns.factory import return_keys
from orchestration.lib.resources import WarehouseResource
from warehouse.connection import target
from warehouse.serving import publish

PUBLISHED_KEY = dg.AssetKey(["serving", "published_warehouse"])


@dg.asset(
    key=PUBLISHED_KEY,
    deps=[*dbt_models.keys, *return_keys()],
    group_name="serving",
    kinds={"duckdb"},
    description="CSCW_HOME/warehouse.duckdb: the night's complete build, swapped in atomically for readers",
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    if target() == "postgres":
        # No file to swap: PostgreSQL serves readers while dbt replaces each table in its own transaction.
        return dg.MaterializeResult(metadata={"target": "postgres: nothing to publish"})
    published = publish(warehouse.settings)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(published.path)),
            "size_mb": round(published.size_bytes / 2**20, 1),
            "publish_seconds": round(published.seconds, 2),
        }
    )
