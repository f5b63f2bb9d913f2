"""The public CIN census sample (liia-tools-pipeline's BAR_cin_2022.xml, tests/fixtures/external/cin_census_liiatools)
loads through the gate: the night is not refused, and its faults are in the data-quality mart by file and line."""

import shutil

from expectations.run import gate
from ingest.load import load_source
from tests.conftest import TESTS
from tests.support.warehouse import dbt_build
from warehouse.connection import connect_duckdb

SAMPLE = TESTS / "fixtures" / "external" / "cin_census_liiatools" / "BAR_cin_2022.xml"


def test_the_public_sample_loads_with_its_faults_listed(tmp_path):
    landing = tmp_path / "landing"
    (landing / "cin_census" / "2022-05-23").mkdir(parents=True)  # the file's Header DateTime
    shutil.copy(SAMPLE, landing / "cin_census" / "2022-05-23")
    warehouse = tmp_path / "warehouse.duckdb"
    with connect_duckdb(warehouse) as con:
        outcome = load_source(con, landing, "cin_census", gate=gate)
        counts = dict(outcome.loaded[0].row_counts)
    assert not outcome.refused
    # Everything the file holds (one child, two disabilities, one episode with one of each item) is loaded.
    assert {k: v for k, v in counts.items() if k != "stitch_log"} == {
        "children": 1,
        "disabilities": 2,
        "referrals": 1,
        "assessments": 1,
        "cin_plans": 1,
        "section_47": 1,
        "cp_plans": 1,
        "cp_reviews": 1,
    }
    dbt_build(warehouse, "+data_quality_problems", tmp_path)
    with connect_duckdb(warehouse, read_only=True) as con:
        listed = con.execute(
            "select file_name, row_number, column_name, rule, severity from data_quality.data_quality_problems "
            "where source = 'cin_census' order by row_number"
        ).fetchall()
    # Read off the sample by hand: CINreferralDate 1970-10-06, and on the lines named the assessment (started
    # 1970-06-03), the Section 47 (1970-02-02) and the CP plan (1970-02-17) all start before it.
    assert [row[:4] for row in listed] == [
        ("BAR_cin_2022.xml", 43, "assessment_start_date", "before_referral"),
        ("BAR_cin_2022.xml", 56, "s47_start_date", "before_referral"),
        ("BAR_cin_2022.xml", 63, "plan_start_date", "before_referral"),
    ]
