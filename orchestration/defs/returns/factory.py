"""One asset and one job for every statutory return (outputs/returns/<name>/), made from its RETURN.

The asset, exports/<name>_return, runs in the nightly job: the return for the latest complete year,
exported from the return models and validated. The return never holds the marts back. The check is
a WARN and does not block: a return with validation errors (or one the validator could not run on)
is exported with its report and without READY, its state goes into data_quality.return_status and
return_validation_flags (outputs/returns/status.py) in the working copy, and the night still
publishes, marts and return state together. Only a fault that is not the data's (the warehouse,
the disk) fails this step.

The job, return_<name>, is what `cscw return <name> --year N` launches: the return's models built
for that year (everything under them, tests included), then the files exported and validated from
the working copy. Its state is not recorded: the published warehouse keeps the nightly build, so a
return for another year never reaches analysts.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.defs.dbt.assets import run_target_path
from orchestration.defs.dbt.project import dbt_project
from orchestration.lib.resources import WarehouseResource
from outputs.returns import discover, names
from outputs.returns.base import NothingToReturn, ReturnResult, StatutoryReturn
from outputs.returns.status import describe
from warehouse.serving import working_copy


def return_key(name: str) -> dg.AssetKey:
    return dg.AssetKey(["exports", f"{name}_return"])


def return_keys() -> list[dg.AssetKey]:
    """Every return's asset: what publishing waits for, and what the committee report's returns block reads."""
    return [return_key(name) for name in names()]


def check_name(name: str) -> str:
    return f"{name}_return_valid"


def job_name(name: str) -> str:
    return f"return_{name}"


def build_op_name(name: str) -> str:
    return f"{name}_return_build"


def export_op_name(name: str) -> str:
    return f"{name}_return_export"


@dataclass
class ReturnRun:
    """What the return job's export gives `cscw return`: the result, or why there was nothing to return."""

    result: ReturnResult | None
    nothing: str | None = None


class BuildConfig(dg.Config):
    year: int | None = None  # the collection year by its end, e.g. 2025 = 2024/25; None: the latest complete year


def build_return_asset(statutory: StatutoryReturn) -> dg.AssetsDefinition:
    key = return_key(statutory.name)
    label = statutory.label

    @dg.asset(
        key=key,
        deps=[dg.AssetKey(["returns", model]) for model in statutory.models],
        group_name="returns",
        kinds={"csv"},
        description=f"{label} CSV files for the latest complete collection year, with the DfE validation report; "
        "its state in data_quality.return_status and data_quality.return_validation_flags",
        check_specs=[
            dg.AssetCheckSpec(
                check_name(statutory.name),
                asset=key,
                blocking=False,
                description=f"{statutory.validator} finds no errors (queries reported, not counted); a WARN "
                "otherwise: the return is not READY, and the night still publishes",
            )
        ],
    )
    def exported_return(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> Iterator:
        settings = warehouse.settings
        # One writable connection: the export reads the return models, then the return's state is written.
        with warehouse.connect() as con:
            try:
                result = statutory.export_and_validate(con, settings.exports, settings.la_ons)
            except NothingToReturn as nothing:
                context.log.warning(f"{label}: {nothing}")
                result = None
            status = statutory.report(con, result)
        line = describe(status)
        (context.log.info if status["ready"] else context.log.warning)(line)
        if result is not None and result.failure:
            context.log.error(f"{label} {result.year}: {result.failure}")
        yield dg.MaterializeResult(metadata=_materialization(status, line, result))
        yield dg.AssetCheckResult(
            check_name=check_name(statutory.name),
            passed=status["ready"],
            severity=dg.AssetCheckSeverity.WARN,
            metadata=_check(line, result),
        )

    return exported_return


def _materialization(status: dict, line: str, result: ReturnResult | None) -> dict:
    metadata = {"ready": status["ready"], "state": line}
    if result is not None:
        metadata |= {
            "collection_year": result.year,
            "folder": dg.MetadataValue.path(str(result.folder)),
            **{f"rows_{t}": n for t, n in result.rows.items()},
        }
    return metadata


def _check(line: str, result: ReturnResult | None) -> dict:
    check = {"state": line}
    if result is None:
        return check
    if result.report is not None:
        failing = {
            r["code"]: len(r["locations"])
            for r in result.report["rules"]
            if r["status"] == "failed" and r["severity"] == "error"
        }
        check |= {**result.report["summary"], "failing_rules": failing}
    check["report"] = dg.MetadataValue.path(str(result.folder / "validation_report.md"))
    if result.blockers:
        check["not_ready_because"] = "; ".join(result.blockers)
    if result.failure:
        check["validator_failure"] = result.failure[-1000:]
    return check


def build_return_job(statutory: StatutoryReturn) -> dg.JobDefinition:
    @dg.op(name=build_op_name(statutory.name), description=f"dbt build of the {statutory.label} return models")
    def build(
        context: dg.OpExecutionContext, config: BuildConfig, dbt: DbtCliResource, warehouse: WarehouseResource
    ) -> None:
        settings = warehouse.settings
        working_copy(settings)
        invocation = dbt.cli(
            [
                "build",
                "--select",
                statutory.build_selection(),
                "--indirect-selection",
                "buildable",
                "--vars",
                statutory.build_vars(config.year),
            ],
            manifest=dbt_project.manifest_path,
            target_path=run_target_path(settings, context.run.run_id),
            raise_on_error=False,
        )
        # dbt's own lines (a line per model and test) on stdout: cscw writes them to its log file.
        for event in invocation.stream_raw_events():
            print(event.raw_event.get("info", {}).get("msg", ""), flush=True)
        if not invocation.is_successful():
            raise dg.Failure(f"dbt build of the {statutory.label} return models failed")

    @dg.op(name=export_op_name(statutory.name), ins={"built": dg.In(dg.Nothing)})
    def export(warehouse: WarehouseResource) -> ReturnRun:
        settings = warehouse.settings
        with warehouse.connect(read_only=True) as con:
            try:
                return ReturnRun(statutory.export_and_validate(con, settings.exports, settings.la_ons))
            except NothingToReturn as nothing:
                return ReturnRun(None, str(nothing))

    @dg.job(
        name=job_name(statutory.name),
        description=f"Build the {statutory.label} return's models for a collection year (run config: the "
        f"{build_op_name(statutory.name)} op's year), then export and validate it from the working copy",
        # One writing process per DuckDB file: as the nightly job, in the run's process and its writer lock.
        executor_def=dg.in_process_executor,
    )
    def return_job() -> None:
        export(built=build())

    return return_job


def return_definitions() -> dg.Definitions:
    """The asset and job of every return in outputs/returns/, found by its folder."""
    returns = discover().values()
    return dg.Definitions(assets=[build_return_asset(r) for r in returns], jobs=[build_return_job(r) for r in returns])
