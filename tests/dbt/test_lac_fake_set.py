"""Reconciliation: the LAC marts against an independent pandas reading of the external fake SSDA903 set.

The fake set (tests/fixtures/external/ssda903_fake_d2i, MIT, from the DfE validator's own tests) is loaded
through the placements reader as a council's history would be; tests/support/ssda903_pandas.py works
the same measures out in a few lines of pandas from MEASURES.md alone. The two must agree exactly.
"""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from ingest.load import connect
from ingest.returns.ssda903 import TABLES, VALIDATOR_PYTHON, export_and_validate, validate
from tests.conftest import FIXTURE_LANDING
from tests.support.ssda903_pandas import fake_set_measures
from tests.support.warehouse import dbt_build, load_landing

FAKE_SET = Path(__file__).resolve().parents[1] / "fixtures" / "external" / "ssda903_fake_d2i"
# The fake history ends on 1 April 2018; a later extract date makes 2018/19 a complete year.
EXTRACT_DATE = "2019-03-31"


@pytest.fixture(scope="module")
def fake_warehouse(reference_warehouse, tmp_path_factory):
    work = tmp_path_factory.mktemp("fake903")
    landing = work / "landing"
    for source in ("case", "finance", "camhs", "reference"):
        shutil.copytree(FIXTURE_LANDING / source, landing / source)
    folder = landing / "placements" / EXTRACT_DATE
    folder.mkdir(parents=True)
    for table in TABLES:
        shutil.copy(FAKE_SET / f"{table}.csv", folder / f"{table}.csv")
    warehouse = work / "warehouse.duckdb"
    shutil.copy(reference_warehouse, warehouse)
    # The fake set carries deliberate breaches (overlapping episodes, duplicate reviews) for the
    # validator's own tests, so it goes through the readers (formats, DD/MM/YYYY dates) but not the
    # blocking gate, and the models are run without their data tests.
    load_landing(warehouse, landing)
    dbt_build(warehouse, "+lac_measures +path:models/returns", work, command="run")
    return warehouse


@pytest.fixture(scope="module")
def fake_measures(fake_warehouse):
    with connect(fake_warehouse, read_only=True) as con:
        return con.execute(
            "select measure_code, period_end, breakdown_type, breakdown_value, numerator from lac.lac_measures "
            "where period_type = 'financial_year' and measure_code in ('lac_count', 'lac_starts', 'lac_ceased')"
        ).df()


def test_fake_set_measures_agree_with_pandas(fake_measures):
    expected = fake_set_measures(FAKE_SET / "episodes.csv")
    expected["period_end"] = pd.to_datetime(expected["period_end"])
    actual = fake_measures.assign(period_end=pd.to_datetime(fake_measures["period_end"]))
    years = sorted(set(actual["period_end"]) & set(expected["period_end"]))
    assert len(years) >= 4, f"too few financial years in common: {years}"
    key = ["measure_code", "period_end", "breakdown_type", "breakdown_value"]

    def rows(df):
        df = df[df["period_end"].isin(years)]
        return sorted(map(tuple, df[[*key, "numerator"]].astype(str).to_numpy().tolist()))

    assert rows(actual) == rows(expected)
    # The one complete collection year in the set has real flows, so the comparison is not vacuous.
    ceased_2018 = expected[(expected["measure_code"] == "lac_ceased") & (expected["breakdown_type"] == "all")
                           & (expected["period_end"] == pd.Timestamp("2018-03-31"))]["numerator"].item()
    assert ceased_2018 > 500


def _failing(report: dict) -> set[str]:
    return {r["code"] for r in report["rules"] if r["status"] == "failed"}


@pytest.mark.skipif(not VALIDATOR_PYTHON.exists(), reason="scripts/setup.sh makes .venv-validator")
def test_fake_set_exports_and_validates(fake_warehouse, tmp_path):
    with connect(fake_warehouse, read_only=True) as con:
        result = export_and_validate(con, tmp_path / "exports", "E10000003")
    assert result.year == 2018  # the set is one 2017/18 return
    assert result.rows["episodes"] == 5050 and result.rows["header"] == 2123  # children with an episode
    original = tmp_path / "original"
    original.mkdir()
    for table in TABLES:
        shutil.copy(FAKE_SET / f"{table}.csv", original / f"{table}.csv")
    on_original, on_export = _failing(validate(original, 2018, "E10000003")), _failing(result.report)
    # The set's own faults (temporaries, ages, providers, postcodes...) survive the round trip ...
    assert len(on_original & on_export) >= 60
    # ... and what the cut puts right does not: short breaks lose postcodes and URN (214, 398, 399), URNs go
    # from exempt placement types (222), and REC goes from episodes still open at year end (148).
    assert {"214", "222", "148", "398", "399"} <= on_original - on_export
    assert not result.ready
