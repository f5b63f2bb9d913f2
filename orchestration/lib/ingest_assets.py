"""One multi-asset per landing source: gate, then load, the waiting snapshots into raw.<source>__<entity>.

Each raw table has a blocking asset check carrying the gate's verdict on it: a refused or held extract
shows in Dagster as an ERROR check with the rule, the count and the first rows, and nothing
downstream runs; quarantined rows and flags are a WARN and the night goes on.
"""

from collections import defaultdict
from functools import partial

import dagster as dg

from ingest.contracts import Entity, entities_for, source_named
from ingest.gate_report import ACTIONS
from ingest.load import load_source
from ingest.outcome import SnapshotRefused, SourceOutcome
from ingest.readers import Problem
from orchestration.lib.resources import WarehouseResource
from warehouse.connection import table_exists


def raw_asset_key(entity: Entity) -> dg.AssetKey:
    return dg.AssetKey(["raw", entity.token])


def check_name(entity: Entity) -> str:
    return f"raw_{entity.token}_expectations"


FOLDER_RULES = ("older_snapshot", "bad_folder_name", "future_snapshot", "symlink")


def _problems_for(entity: Entity, problems: list[Problem]) -> list[Problem]:
    """The entity's problems, and those about the whole folder (shown on every table of the source)."""
    return [p for p in problems if p.file.rsplit(".", 1)[0].lower() == entity.file_stem or p.rule in FOLDER_RULES]


def _check_result(entity: Entity, outcome: SourceOutcome) -> dg.AssetCheckResult:
    """ERROR when a snapshot is refused or held (nothing downstream runs); WARN for quarantined rows, flags and
    a resent snapshot (the night goes on); passed when the file was clean."""
    refused = [p for r in outcome.failed for p in _problems_for(entity, r.problems)]
    listed = [p for result in outcome.loaded for p in _problems_for(entity, result.problems)]
    listed += [p for r in outcome.misdated for p in _problems_for(entity, r.problems)]
    found = refused or listed
    by_rule: dict[str, list[int]] = defaultdict(list)
    for p in found:
        by_rule[f"{p.rule} ({ACTIONS[p.kind]})" + (f" on {p.column}" if p.column else "")].append(p.row or 0)
    metadata = {
        "problems": sum(len(rows) for rows in by_rule.values()),
        "rules": {
            rule: {"count": len(rows), "first_rows": sorted(r for r in rows if r)[:10]}
            for rule, rows in by_rule.items()
        },
        "rows_quarantined": len({p.row for p in listed if p.kind == "row"}),
        "snapshots_loaded": [r.extract_date.isoformat() for r in outcome.loaded],
        "snapshots_refused": [r.extract_date.isoformat() for r in outcome.failed],
        "snapshots_unchanged": [d.isoformat() for d in outcome.unchanged],
    }
    if outcome.failed and outcome.failed[-1].quarantine:
        metadata["quarantine"] = dg.MetadataValue.path(str(outcome.failed[-1].quarantine))
    blocking = any(p.blocking for p in refused) or bool(outcome.failed and not refused)
    return dg.AssetCheckResult(
        asset_key=raw_asset_key(entity),
        check_name=check_name(entity),
        passed=not found and not outcome.failed and not outcome.unchanged and not outcome.misdated,
        severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
        metadata=metadata,
    )


def _published_case_children(con) -> set[str] | None:
    """The case system's children: the case CSV layout's and the CIN census's (either may stand for it)."""
    tables = [t for t in ("case__children", "cin_census__children") if table_exists(con, "raw", t)]
    if not tables:
        return None
    return {row[0] for t in tables for row in con.execute(f"select child_id from raw.{t}").fetchall()}


def build_source_assets(source: str) -> dg.AssetsDefinition:
    entities = entities_for(source)
    upstream = [raw_asset_key(e) for s in source_named(source).depends_on for e in entities_for(s)]
    specs = [
        dg.AssetSpec(
            raw_asset_key(e),
            group_name=f"ingest_{source}",
            description=f"Latest good snapshot of landing/{source}/<extract_date>/{e.file_stem}.csv",
            kinds={"duckdb"},
            deps=upstream,
            metadata={
                "dagster/column_schema": dg.TableSchema(
                    columns=[dg.TableColumn(c.raw_name, c.dtype) for c in e.columns]
                )
            },
        )
        for e in entities
    ]
    checks = [
        dg.AssetCheckSpec(
            check_name(e),
            asset=raw_asset_key(e),
            blocking=True,
            description="Great Expectations suite on the extract, run before it is published",
        )
        for e in entities
    ]

    @dg.multi_asset(name=f"raw_{source}", specs=specs, check_specs=checks, can_subset=False)
    def _load(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        from expectations.run import gate

        settings = warehouse.settings
        with warehouse.connect() as con:
            case_children = _published_case_children(con) if source == "finance" else None
            outcome = load_source(
                con,
                settings.landing,
                source,
                gate=partial(gate, case_children=case_children),
                quarantine_root=settings.quarantine,
                raise_on_refusal=False,
            )
            current = {
                e.name: con.execute(f"select count(*), max(extract_date) from raw.{e.token}").fetchone()
                if outcome.published_date
                else (0, None)
                for e in entities
            }
        if outcome.failed:
            for e in entities:
                yield _check_result(e, outcome)
            raise dg.Failure(description=str(SnapshotRefused(outcome.failed)))
        for e in entities:
            rows, extract_date = current[e.name]
            yield dg.MaterializeResult(
                asset_key=raw_asset_key(e),
                metadata={
                    "dagster/row_count": rows,
                    "extract_date": str(extract_date),
                    "snapshots_loaded_this_run": [r.extract_date.isoformat() for r in outcome.loaded],
                },
            )
            yield _check_result(e, outcome)

    return _load
