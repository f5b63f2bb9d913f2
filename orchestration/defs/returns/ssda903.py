"""The SSDA903 return: exported from the return models, then checked by the DfE's own rules.

The return never holds the marts back. The check is a WARN and does not block: a return with
validation errors (or one the validator could not run on) is exported with its report and without
READY, its state goes into data_quality.return_status and return_validation_flags
(outputs/returns/status.py) in the working copy, and the night still publishes, marts and return state
together. Only a fault that is not the data's (the warehouse, the disk) fails this step.
"""

import dagster as dg

from orchestration.lib.resources import WarehouseResource
from outputs.returns.ssda903 import TABLES, NothingToReturn, export_and_validate
from outputs.returns.status import describe, record_ssda903

RETURN_KEY = dg.AssetKey(["exports", "ssda903_return"])
CHECK_NAME = "ssda903_return_valid"
MODELS = [dg.AssetKey(["returns", f"ssda903_return_{t}{suffix}"]) for t in TABLES for suffix in ("", "_last")]


@dg.asset(
    key=RETURN_KEY,
    deps=MODELS,
    group_name="returns",
    kinds={"csv"},
    description="SSDA903 CSV files for the latest complete collection year, with the DfE validation report; "
    "its state in data_quality.return_status and data_quality.return_validation_flags",
    check_specs=[
        dg.AssetCheckSpec(
            CHECK_NAME,
            asset=RETURN_KEY,
            blocking=False,
            description="csc-validator-be-903 finds no errors (queries reported, not counted); a WARN otherwise: "
            "the return is not READY, and the night still publishes",
        )
    ],
)
def ssda903_return(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    settings = warehouse.settings
    # One writable connection: the export reads the return models, then the return's state is written.
    with warehouse.connect() as con:
        try:
            result = export_and_validate(con, settings.exports, settings.la_ons)
        except NothingToReturn as nothing:
            context.log.warning(f"SSDA903: {nothing}")
            result = None
        status = record_ssda903(con, result)
    line = describe(status)
    (context.log.info if status["ready"] else context.log.warning)(line)
    if result is not None and result.failure:
        context.log.error(f"SSDA903 {result.year}: {result.failure}")
    metadata = {"ready": status["ready"], "state": line}
    if result is not None:
        metadata |= {
            "collection_year": result.year,
            "folder": dg.MetadataValue.path(str(result.folder)),
            **{f"rows_{t}": n for t, n in result.rows.items()},
        }
    yield dg.MaterializeResult(metadata=metadata)

    check = {"state": line}
    if result is not None and result.report is not None:
        failing = {
            r["code"]: len(r["locations"])
            for r in result.report["rules"]
            if r["status"] == "failed" and r["severity"] == "error"
        }
        check |= {**result.report["summary"], "failing_rules": failing}
    if result is not None:
        check["report"] = dg.MetadataValue.path(str(result.folder / "validation_report.md"))
        if result.failure:
            check["validator_failure"] = result.failure[-1000:]
    yield dg.AssetCheckResult(
        check_name=CHECK_NAME, passed=status["ready"], severity=dg.AssetCheckSeverity.WARN, metadata=check
    )
