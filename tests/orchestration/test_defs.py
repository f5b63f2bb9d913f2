"""The code location loads, and the asset graph joins every dbt source to the raw asset that fills it."""

import dagster as dg
import pytest

from ingest.contracts import all_entities

# One entry per landing file in LANDING_CONTRACT.md, written out by hand: the snapshot the graph must match.
LANDING_FILES = [
    "case__children",
    "case__referrals",
    "case__cin_plans",
    "case__cp_plans",
    "case__edge_of_care",
    "placements__header",
    "placements__episodes",
    "placements__uasc",
    "placements__reviews",
    "placements__missing",
    "finance__placement_commitments",
    "finance__budgets",
    "camhs__referrals",
    "camhs__list_closures",
    "camhs__trajectory",
    "reference__population",
]
# Reference data loaded from PyPI packages rather than landing files.
PACKAGED_REFERENCE = ["reference__postcode_directory", "reference__local_authorities"]
# What the gate records of each night (raw._problems, raw._ledger), read by the data-quality marts.
GATE_TABLES = ["gate__problems", "gate__ledger"]
LAC_MARTS = ["lac_month_end_snapshots", "lac_periods_of_care", "lac_placements", "lac_measures"]


@pytest.fixture(scope="module")
def graph():
    from orchestration.definitions import defs

    definitions = defs()
    definitions.validate_loadable(definitions)
    return definitions, definitions.resolve_asset_graph()


def test_contracts_cover_exactly_the_landing_files():
    assert sorted(e.token for e in all_entities()) == sorted(LANDING_FILES)


def test_raw_and_staging_asset_keys(graph):
    _, asset_graph = graph
    keys = {k.to_user_string() for k in asset_graph.get_all_asset_keys()}
    raw_tables = LANDING_FILES + PACKAGED_REFERENCE + GATE_TABLES
    assert {k for k in keys if k.startswith("raw/")} == {f"raw/{t}" for t in raw_tables}
    assert {k for k in keys if k.startswith("staging/")} == {f"staging/stg_{t}" for t in raw_tables}
    assert {f"lac/{m}" for m in LAC_MARTS} <= keys


def test_each_staging_model_reads_the_raw_asset_the_ingest_group_writes(graph):
    _, asset_graph = graph
    for token in LANDING_FILES + PACKAGED_REFERENCE + GATE_TABLES:
        raw = dg.AssetKey(["raw", token])
        staging = dg.AssetKey(["staging", f"stg_{token}"])
        assert raw in asset_graph.get(staging).parent_keys
        raw_node = asset_graph.get(raw)
        assert raw_node.is_materializable, f"{raw} must be produced by an ingest asset, not declared external"
        assert raw_node.group_name == f"ingest_{token.split('__')[0]}"


def test_nightly_job_and_schedule(graph):
    definitions, _ = graph
    job = definitions.resolve_job_def("nightly")
    assert job is not None
    assert definitions.resolve_schedule_def("nightly_schedule").cron_schedule == "30 2 * * *"


def test_the_return_has_a_dfe_validation_check_that_warns_and_never_blocks(graph):
    _, asset_graph = graph
    key = dg.AssetKey(["exports", "ssda903_return"])
    models = {dg.AssetKey(["returns", f"ssda903_return_{t}"]) for t in ("episodes", "header_last")}
    assert models <= set(asset_graph.get(key).parent_keys)
    check = asset_graph.get_check_spec(dg.AssetCheckKey(key, "ssda903_return_valid"))
    assert not check.blocking, "the return never holds the marts back"


def _report(*failing: tuple[str, str, dict]) -> dict:
    """A validator report with these failing rules: (code, severity, location)."""
    rules = [
        {"code": code, "description": f"rule {code}", "status": "failed", "severity": severity, "locations": [location]}
        for code, severity, location in failing
    ]
    errors = [r for r in rules if r["severity"] == "error"]
    return {
        "summary": {
            "rules": 200,
            "passed": 200 - len(rules) - 2,
            "failed_error": len(errors),
            "failed_query": len(rules) - len(errors),
            "skipped": 0,
            "crashed": 2,
            "error_rows": len(errors),
            "query_rows": len(rules) - len(errors),
        },
        "rules": rules,
    }


def test_a_return_with_errors_or_a_failed_validator_is_recorded_with_a_warning(cscw_home, monkeypatch):
    from orchestration.defs.returns import ssda903 as returns
    from orchestration.lib.resources import WarehouseResource
    from outputs.returns.ssda903 import ReturnResult
    from warehouse.connection import connect_duckdb

    folder = cscw_home.exports / "ssda903" / "2026"
    upn = {"table": "Header", "row": 3, "child": "C0000042", "fields": ["UPN", "DOB"]}
    outcomes = {
        "errors": ReturnResult(
            2026,
            folder,
            {"episodes": 9},
            _report(("209", "error", upn), ("1001", "query", {**upn, "fields": ["CHILD"]})),
        ),
        "validator failed": ReturnResult(2026, folder, {"episodes": 9}, None, failure="the validator stopped"),
    }
    states = {}
    for name, outcome in outcomes.items():
        monkeypatch.setattr(returns, "export_and_validate", lambda con, exports, la, outcome=outcome: outcome)
        result = dg.materialize(
            [returns.ssda903_return], resources={"warehouse": WarehouseResource()}, raise_on_error=False
        )
        assert result.success, name  # recorded, not raised: the publish step after it still runs
        [check] = result.get_asset_check_evaluations()
        assert (check.check_name, check.passed, check.severity) == (
            "ssda903_return_valid",
            False,
            dg.AssetCheckSeverity.WARN,
        ), name
        states[name] = check.metadata["state"].value
        with connect_duckdb(cscw_home.build_warehouse, read_only=True) as con:
            status = con.execute(
                "select collection_year, ready, error_rules, children_with_errors from data_quality.return_status"
            ).fetchall()
            flags = con.execute(
                "select rule_code, severity, child_id, table_name, fields, row_number "
                "from data_quality.return_validation_flags order by rule_code"
            ).fetchall()
        if name == "errors":
            assert status == [(2026, False, 1, 1)]
            assert flags == [
                ("1001", "query", "C0000042", "Header", "CHILD", 3),
                ("209", "error", "C0000042", "Header", "UPN, DOB", 3),
            ]
        else:  # the same return's rows replaced: one status, no flags, counts unknown
            assert status == [(2026, False, None, None)] and flags == []
    assert states["errors"].startswith(
        "SSDA903 2025/26: NOT READY: 1 rule with errors on 1 child, 1 rule with queries; report "
    )
    assert states["validator failed"].startswith("SSDA903 2025/26: NOT READY: the DfE validator could not run")


def test_publish_comes_after_every_dbt_asset_and_the_checked_return(graph):
    from orchestration.defs.dbt.assets import dbt_models
    from orchestration.defs.serving.publish import PUBLISHED_KEY

    definitions, asset_graph = graph
    node = asset_graph.get(PUBLISHED_KEY)
    assert set(node.parent_keys) == set(dbt_models.keys) | {dg.AssetKey(["exports", "ssda903_return"])}
    assert not node.child_keys, "nothing may run after the publish step"
    # One process per run: DuckDB allows one writer per file, and that process holds the writer lock.
    assert definitions.resolve_job_def("nightly").executor_def is dg.in_process_executor
    assert definitions.resolve_sensor_def("landing_sensor").job_name == "nightly"
