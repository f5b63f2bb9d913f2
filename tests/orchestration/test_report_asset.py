"""The committee report is an asset in the lineage, with a job of its own after the night."""

import shutil
from dataclasses import replace

import dagster as dg

from orchestration.defs.reports.committee import MARTS, REPORT_KEY, committee_report, report_run_config
from orchestration.lib.resources import WarehouseResource
from warehouse.connection import connect_duckdb


def test_the_report_is_downstream_of_the_marts_it_reads_and_outside_the_night():
    from orchestration.definitions import defs

    definitions = defs()
    graph = definitions.resolve_asset_graph()
    assert set(MARTS) <= set(graph.get(REPORT_KEY).parent_keys)
    nightly = definitions.resolve_job_def("nightly")
    assert REPORT_KEY not in nightly.asset_layer.selected_asset_keys, "the night publishes; the report reads that"
    report_job = definitions.resolve_job_def("committee_report")
    assert report_job.asset_layer.selected_asset_keys == {REPORT_KEY}
    assert definitions.resolve_schedule_def("committee_report_schedule").job_name == "committee_report"


def test_materialising_the_report_writes_the_month_asked_for(synthetic_warehouse, tmp_path):
    from warehouse.settings import get_settings

    settings = replace(get_settings(), home=tmp_path)
    settings.ensure_dirs()
    shutil.copy(synthetic_warehouse, settings.warehouse)
    with connect_duckdb(settings.warehouse, read_only=True) as con:
        months = [
            r[0]
            for r in con.execute(
                "select distinct period_end from scorecard.scorecard_indicators where period_type = 'month' "
                "order by period_end desc limit 2"
            ).fetchall()
        ]
    earlier = months[1]
    result = dg.materialize(
        [committee_report],
        resources={"warehouse": WarehouseResource(home=str(tmp_path))},
        run_config=report_run_config(f"{earlier:%Y-%m}", pdf=False),
    )
    assert result.success
    metadata = result.asset_materializations_for_node(REPORT_KEY.to_python_identifier())[0].metadata
    assert metadata["month"].value == f"{earlier:%Y-%m}"
    html = settings.reports / "committee" / f"{earlier:%Y-%m}" / "committee_report.html"
    assert metadata["html"].value == str(html)
    assert settings.la_name in html.read_text(encoding="utf-8")
    assert (settings.exports / "publication" / f"{earlier:%Y-%m}" / "scorecard_month.csv").exists()
