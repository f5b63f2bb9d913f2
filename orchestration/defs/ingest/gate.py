"""The gate's own record of the night (raw._problems, raw._ledger), complete once every source has loaded.

Every ingest asset writes both tables in the same transaction as its raw tables; this asset marks the
point where all of them have, so the data-quality models read a whole night and show in the lineage.
"""

import dagster as dg

from ingest.contracts import all_entities
from ingest.ledger import LEDGER_DDL
from orchestration.lib.ingest_assets import raw_asset_key
from orchestration.lib.resources import WarehouseResource

PROBLEMS_KEY, LEDGER_KEY = dg.AssetKey(["raw", "gate__problems"]), dg.AssetKey(["raw", "gate__ledger"])


@dg.multi_asset(
    name="raw_gate",
    specs=[
        dg.AssetSpec(
            PROBLEMS_KEY,
            group_name="ingest_gate",
            kinds={"duckdb"},
            deps=[raw_asset_key(e) for e in all_entities()],
            description="raw._problems: every quarantined row, flag and refusal the gate found, keys only",
        ),
        dg.AssetSpec(
            LEDGER_KEY,
            group_name="ingest_gate",
            kinds={"duckdb"},
            deps=[raw_asset_key(e) for e in all_entities()],
            description="raw._ledger: each landing file of each snapshot, with what the loader decided",
        ),
    ],
)
def raw_gate(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    with warehouse.connect() as con:
        con.execute(LEDGER_DDL)
        latest = con.execute(
            "select p.source, p.kind, count(*) from raw._problems as p inner join "
            "(select source, max(extract_date) as extract_date from raw._ledger where status = 'loaded' "
            "group by source) as l on l.source = p.source and l.extract_date = p.extract_date "
            "group by p.source, p.kind order by 1, 2"
        ).fetchall()
        statuses = con.execute(
            "select status, count(distinct source || cast(extract_date as varchar)) "
            "from raw._ledger group by status order by 1"
        ).fetchall()
    yield dg.MaterializeResult(
        asset_key=PROBLEMS_KEY,
        metadata={"problems_in_latest_snapshots": {f"{source} {kind}": n for source, kind, n in latest}},
    )
    yield dg.MaterializeResult(
        asset_key=LEDGER_KEY, metadata={"snapshots_by_status": {status: n for status, n in statuses}}
    )
