"""One multi-asset per landing source: it loads the waiting snapshots into raw.<source>__<entity>."""

import dagster as dg

from ingest.contracts import Entity, entities_for
from ingest.load import load_source
from orchestration.lib.resources import WarehouseResource


def raw_asset_key(entity: Entity) -> dg.AssetKey:
    return dg.AssetKey(["raw", entity.token])


def build_source_assets(source: str) -> dg.AssetsDefinition:
    entities = entities_for(source)
    specs = [
        dg.AssetSpec(
            raw_asset_key(e),
            group_name=f"ingest_{source}",
            description=f"Latest good snapshot of landing/{source}/<extract_date>/{e.file_stem}.csv",
            kinds={"duckdb"},
            metadata={"dagster/column_schema": dg.TableSchema(
                columns=[dg.TableColumn(c.raw_name, c.dtype) for c in e.columns])},
        )
        for e in entities
    ]

    @dg.multi_asset(name=f"raw_{source}", specs=specs, can_subset=False)
    def _load(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        settings = warehouse.settings
        with warehouse.connect() as con:
            results = load_source(con, settings.landing, source)
            current = {
                e.name: con.execute(
                    f"select count(*), max(extract_date) from raw.{e.token}").fetchone()
                for e in entities
            }
        loaded = [r.extract_date.isoformat() for r in results]
        context.log.info(f"{source}: {len(loaded)} snapshot(s) loaded {loaded or ''}")
        for e in entities:
            rows, extract_date = current[e.name]
            yield dg.MaterializeResult(
                asset_key=raw_asset_key(e),
                metadata={
                    "dagster/row_count": rows,
                    "extract_date": str(extract_date),
                    "snapshots_loaded_this_run": loaded,
                },
            )

    return _load
