"""The case models from a CIN census alone: the hand-made census (tests/fixtures/landing/cin_census/, the same
children, referrals, plans and enquiries as the case CSV fixture) builds every case and edge-of-care mart with
the CSV layout's values; with both landed, the CSV layout wins."""

import shutil

import pytest

from expectations.run import gate
from ingest.contracts import SOURCES
from tests.conftest import FIXTURE_DATE, FIXTURE_LANDING
from tests.support.case_layouts import CASE_MARTS, mart_rows
from tests.support.warehouse import dbt_build, load_landing

SELECT = "+path:models/marts/case +path:models/marts/edge_of_care +data_quality_census_stitching +stg_case__section_47"


def _census_only(root, reference_warehouse):
    landing = root / "landing"
    shutil.copytree(FIXTURE_LANDING, landing)
    # The case folder keeps edge_of_care.csv only, as a census council's would.
    for path in (landing / "case" / FIXTURE_DATE).iterdir():
        if path.name != "edge_of_care.csv":
            path.unlink()
    warehouse = root / "warehouse.duckdb"
    shutil.copy(reference_warehouse, warehouse)
    load_landing(warehouse, landing, gate=gate, sources=SOURCES)
    dbt_build(warehouse, SELECT, root)
    return warehouse


@pytest.fixture(scope="module")
def built(two_nightlies_together, reference_warehouse, tmp_path_factory):
    """Both layouts landed: the session's first night (the whole fixture landing through the real night), read
    only; the census alone: built here."""
    assert 0 in two_nightlies_together.codes, two_nightlies_together.outputs
    census = _census_only(tmp_path_factory.mktemp("census"), reference_warehouse)
    return {"both": two_nightlies_together.settings.warehouse, "census": census}


def test_a_census_alone_builds_the_case_marts_as_the_csv_layout_does(built):
    csv_layout = mart_rows(built["both"], census_ids=True)
    census = mart_rows(built["census"])
    assert csv_layout["staging.stg_case__referrals"], "the fixture has referrals"
    for table in CASE_MARTS:
        assert census[table] == csv_layout[table], table


def test_with_both_layouts_the_csv_wins(built):
    # The CSV fixture's own ids (R0000001...) survive: the census's rows were not taken.
    ids = {r[0] for r in mart_rows(built["both"], ("staging.stg_case__referrals",))["staging.stg_case__referrals"]}
    assert ids == {"R0000001", "R0000002", "R0000003"}


def test_the_stitching_is_in_the_data_quality_mart(built):
    rows = mart_rows(built["census"], ("data_quality.data_quality_census_stitching",))
    # One census file: its three children and three episodes, each as returned.
    assert [r[:6] for r in rows["data_quality.data_quality_census_stitching"]] == [
        ("as_returned", "in one census file only: as that file has it", "child", 2024, 3, 3),
        ("as_returned", "in one census file only: as that file has it", "episode", 2024, 3, 3),
    ]
