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
    "case__section_47",
    "case__edge_of_care",
    "cin_census__children",
    "cin_census__disabilities",
    "cin_census__referrals",
    "cin_census__assessments",
    "cin_census__cin_plans",
    "cin_census__section_47",
    "cin_census__cp_plans",
    "cin_census__cp_reviews",
    "cin_census__stitch_log",
    "placements__header",
    "placements__episodes",
    "placements__uasc",
    "placements__reviews",
    "placements__missing",
    "placements__oc2",
    "placements__oc3",
    "placements__ad1",
    "placements__placed_for_adoption",
    "placements__previous_permanence",
    "placements__sw_episodes",
    "placements__dolo",
    # Written by `cscw import ssda903` beside the stitched history (how each episode was stitched).
    "placements__stitch_log",
    "finance__placement_commitments",
    "finance__budgets",
    "camhs__referrals",
    "camhs__list_closures",
    "camhs__trajectory",
    "reference__population",
    "reference__comparators",
]
# Reference data loaded from PyPI packages rather than landing files.
PACKAGED_REFERENCE = ["reference__postcode_directory", "reference__local_authorities"]
# What the gate records of each night (raw._problems, raw._ledger), read by the data-quality marts.
GATE_TABLES = ["gate__problems", "gate__ledger"]
# Staging models of no raw table of their own: which placements files the published snapshot had (the ledger).
STAGING_WITHOUT_RAW = ["stg_placements__files_present"]
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
    staging = {f"staging/stg_{t}" for t in raw_tables} | {f"staging/{m}" for m in STAGING_WITHOUT_RAW}
    assert {k for k in keys if k.startswith("staging/")} == staging
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


def test_publish_comes_after_every_dbt_asset_and_the_checked_return(graph):
    from orchestration.defs.dbt.assets import dbt_models
    from orchestration.defs.serving.publish import PUBLISHED_KEY

    definitions, asset_graph = graph
    node = asset_graph.get(PUBLISHED_KEY)
    from orchestration.defs.returns.factory import return_keys

    assert {dg.AssetKey(["exports", "ssda903_return"]), dg.AssetKey(["exports", "cin_return"])} <= set(return_keys())
    assert set(node.parent_keys) == set(dbt_models.keys) | set(return_keys())
    assert not node.child_keys, "nothing may run after the publish step"
    # One process per run: DuckDB allows one writer per file, and that process holds the writer lock.
    assert definitions.resolve_job_def("nightly").executor_def is dg.in_process_executor
    assert definitions.resolve_sensor_def("landing_sensor").job_name == "nightly"
