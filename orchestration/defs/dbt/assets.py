import logging
import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from graphlib import TopologicalSorter
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.defs.dbt.project import dbt_project
from orchestration.defs.dbt.translator import CscwTranslator
from orchestration.lib.night_state import dbt_runs, dbt_selection, kept_manifest
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
    root = dbt_runs(settings)
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


TRANSLATOR = CscwTranslator()


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=TRANSLATOR)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """The whole dbt project in one definition, so test failures stop everything downstream.

    dbt writes the working copy (CSCW_WAREHOUSE); the warehouse resource is here so that even a run
    of dbt alone holds the writer lock and finds the working copy started. A night builds only what
    changed since the last published one (orchestration/lib/night_state.py), or everything.
    """
    working_copy(warehouse.settings)
    selection = None
    if not context.is_subset:
        with warehouse.connect(read_only=True) as con:
            selection = dbt_selection(warehouse.settings, con)
    if selection is None:
        target_path = run_target_path(warehouse.settings, context.run.run_id)
        events = dbt.cli(["build"], context=context, target_path=target_path).stream()
    else:
        events = _build_selected(context, dbt, warehouse.settings, selection)
    for event in events:
        if isinstance(event, dg.Output):
            log.info("dbt: built %s", event.output_name)
        elif isinstance(event, dg.AssetCheckResult) and not event.passed:
            # severity warn: what the gate loads and flags (listed in data_quality), never a failed night
            failed = "test failed" if event.severity == dg.AssetCheckSeverity.ERROR else "warning"
            log.warning("dbt: %s on %s: %s", failed, event.asset_key.to_user_string(), event.check_name)
        yield event


def _build_selected(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: Settings, selection: list[str]
) -> Iterator:
    """`dbt build --select <selection>`, its events as this asset's, and every model it left as the published
    night built it as an output too, so the returns and publishing after it run as on a full build.

    Not through dbt.cli(context=...): dagster-dbt adds its own `--select fqn:*`, and dbt takes the union. The
    outputs come after dbt has finished: Dagster takes a multi-asset's outputs only in dependency order."""
    built: dict[dg.AssetKey, dict] = {}
    checks: dict[dg.AssetKey, list] = {}
    log.info("dbt: building only what changed since the last published night: %s", " ".join(selection) or "nothing")
    failure = None
    if selection:
        state = ["--state", str(kept_manifest(settings).parent)] if "state:modified+" in selection else []
        invocation = dbt.cli(
            ["build", "--select", " ".join(selection), *state],
            manifest=dbt_project.manifest_path,
            dagster_dbt_translator=TRANSLATOR,
            target_path=run_target_path(settings, context.run.run_id),
        )
        try:
            for event in invocation.stream():
                if isinstance(event, dg.AssetMaterialization):
                    built[event.asset_key] = event.metadata
                elif isinstance(event, dg.AssetCheckEvaluation):
                    checks.setdefault(event.asset_key, []).append(_check_result(event))
                else:
                    yield event
        except Exception as error:  # noqa: BLE001 - what dbt did build is still reported, then the step fails
            failure = error
    deps = context.assets_def.asset_deps
    for key in TopologicalSorter({k: deps.get(k, set()) & context.selected_asset_keys for k in deps}).static_order():
        if key not in context.selected_asset_keys or (failure and key not in built):
            continue
        unchanged = {"rebuilt": False, "why": "nothing it is built from changed since the last published night"}
        yield dg.Output(None, context.assets_def.get_output_name_for_asset_key(key), built.get(key, unchanged))
        yield from checks.get(key, [])
    if failure:
        raise failure


def _check_result(event: dg.AssetCheckEvaluation) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=event.asset_key,
        check_name=event.check_name,
        passed=event.passed,
        severity=event.severity,
        metadata=event.metadata,
    )
