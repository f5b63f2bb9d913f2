"""The SSDA903 return: exported from the return models, then checked by the DfE's own rules.

The check is blocking: a return with validation errors (or one the validator could not run) is
not marked ready, and the READY file beside the CSVs is only written for a clean one.
"""

import dagster as dg

from ingest.returns.ssda903 import TABLES, export_and_validate
from orchestration.lib.resources import WarehouseResource

RETURN_KEY = dg.AssetKey(["exports", "ssda903_return"])
MODELS = [dg.AssetKey(["returns", f"ssda903_return_{t}{suffix}"]) for t in TABLES for suffix in ("", "_last")]


@dg.asset(
    key=RETURN_KEY,
    deps=MODELS,
    group_name="returns",
    kinds={"csv"},
    description="SSDA903 CSV files for the latest complete collection year, with the DfE validation report",
    check_specs=[dg.AssetCheckSpec(
        "ssda903_return_valid", asset=RETURN_KEY, blocking=True,
        description="csc-validator-be-903 finds no errors (queries reported, not blocking)")],
)
def ssda903_return(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    settings = warehouse.settings
    with warehouse.connect(read_only=True) as con:
        result = export_and_validate(con, settings.exports, settings.la_ons)
    summary = result.report["summary"]
    failing = {r["code"]: len(r["locations"]) for r in result.report["rules"]
               if r["status"] == "failed" and r["severity"] == "error"}
    context.log.info(f"SSDA903 {result.year}: {summary['rules']} rules, {summary['failed_error']} failing with "
                     f"errors, {summary['skipped']} skipped, {summary['crashed']} crashed; {result.folder}")
    yield dg.MaterializeResult(
        metadata={"collection_year": result.year, "folder": dg.MetadataValue.path(str(result.folder)),
                  **{f"rows_{t}": n for t, n in result.rows.items()}, "ready": result.ready},
    )
    yield dg.AssetCheckResult(
        check_name="ssda903_return_valid",
        passed=result.ready,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={**{k: v for k, v in summary.items()}, "failing_rules": failing,
                  "report": dg.MetadataValue.path(str(result.folder / "validation_report.md"))},
    )
