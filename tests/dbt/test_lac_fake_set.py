"""Real-shaped data through the real night: the external fake SSDA903 set, placed as a council's placements
extract, goes through `cscw nightly` (gate, dbt build, return, publish) and publishes.

The set (tests/fixtures/external/ssda903_fake_d2i, MIT, from the DfE validator's own tests) carries the faults
real 903 data carries: overlapping episodes, duplicated reviews, malformed UPNs. Every one must be on the
data-quality to-fix list, and the LAC marts must agree with tests/support/ssda903_pandas.py, an independent
pandas reading written from MEASURES.md and the documented quarantine and overlap rules alone.
"""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from ingest.contracts import entities_for
from orchestration.cli import main as cscw
from outputs.returns.ssda903 import VALIDATOR_PYTHON, export_and_validate, validate
from tests.conftest import FIXTURE_LANDING, export_home
from tests.support.ssda903_pandas import FAKE_SET_EXTRACT_DATE, fake_set_measures
from warehouse.connection import connect_duckdb

FAKE_SET = Path(__file__).resolve().parents[1] / "fixtures" / "external" / "ssda903_fake_d2i"
CORE_TABLES = [e for e in entities_for("placements") if not e.optional]


@pytest.fixture(scope="module")
def fake_night(reference_warehouse, tmp_path_factory):
    """The published warehouse after one `cscw nightly` of the fake set (the history ends on 1 April 2018; a
    2019-03-31 extract makes 2018/19 a complete year) beside the tiny fixtures of the other sources."""
    home = tmp_path_factory.mktemp("fake903") / "cscw"
    with pytest.MonkeyPatch.context() as env:
        settings = export_home(home, env)
        for source in ("case", "finance", "camhs", "reference"):
            shutil.copytree(FIXTURE_LANDING / source, settings.landing / source)
        folder = settings.landing / "placements" / FAKE_SET_EXTRACT_DATE.isoformat()
        folder.mkdir(parents=True)
        # The five core tables only: the set's OC2 and OC3 have no COLLECTION_YEAR (one year's return, not a
        # full history), so the whole set arrives through `cscw import ssda903` instead.
        for entity in CORE_TABLES:
            shutil.copy(FAKE_SET / f"{entity.name}.csv", folder)
        shutil.copy(reference_warehouse, settings.build_warehouse)  # the ONS directory, already loaded
        assert cscw(["nightly"]) == 0, "the fake set must publish, faults and all"
        yield settings


@pytest.fixture(scope="module")
def fake_measures(fake_night):
    with connect_duckdb(fake_night.warehouse, read_only=True) as con:
        return con.execute(
            "select measure_code, period_end, breakdown_type, breakdown_value, numerator from lac.lac_measures "
            "where period_type = 'financial_year' and measure_code in ('lac_count', 'lac_starts', 'lac_ceased')"
        ).df()


def test_fake_set_measures_agree_with_pandas(fake_measures):
    expected = fake_set_measures(FAKE_SET / "episodes.csv", FAKE_SET_EXTRACT_DATE)
    expected["period_end"] = pd.to_datetime(expected["period_end"])
    actual = fake_measures.assign(period_end=pd.to_datetime(fake_measures["period_end"]))
    years = sorted(set(actual["period_end"]) & set(expected["period_end"]))
    assert len(years) >= 4, f"too few financial years in common: {years}"
    key = ["measure_code", "period_end", "breakdown_type", "breakdown_value"]

    def rows(df):
        df = df[df["period_end"].isin(years)]
        return sorted(map(tuple, df[[*key, "numerator"]].astype(str).to_numpy().tolist()))

    assert rows(actual) == rows(expected)
    # The one complete collection year in the set has real flows, and the overlaps were resolved, not ignored.
    ceased_2018 = expected[
        (expected["measure_code"] == "lac_ceased")
        & (expected["breakdown_type"] == "all")
        & (expected["period_end"] == pd.Timestamp("2018-03-31"))
    ]["numerator"].item()
    assert ceased_2018 > 500
    assert expected.attrs["overlap_dec_set"] == 72


def test_every_fault_of_the_fake_set_is_on_the_to_fix_list(fake_night):
    episodes = pd.read_csv(FAKE_SET / "episodes.csv", dtype=str)
    reviews = pd.read_csv(FAKE_SET / "reviews.csv", dtype=str)
    # Independent of the gate: an episode starting before the child's previous one ends (or while it is open).
    ordered = episodes.assign(
        decom=pd.to_datetime(episodes["DECOM"], dayfirst=True), dec=pd.to_datetime(episodes["DEC"], dayfirst=True)
    ).sort_values(["CHILD", "decom"])
    previous_end = ordered.groupby("CHILD")["dec"].shift()
    overlapping = ordered[
        (ordered.groupby("CHILD").cumcount() > 0) & (previous_end.isna() | (ordered["decom"] < previous_end))
    ]
    repeated = reviews[reviews.duplicated(["CHILD", "REVIEW"])]
    with connect_duckdb(fake_night.warehouse, read_only=True) as con:
        listed = con.execute(
            "select rule, action, child_id, row_number from data_quality.data_quality_problems "
            "where source = 'placements' and is_open"
        ).df()
        reviews_loaded = con.execute("select count(*) from staging.stg_placements__reviews").fetchone()[0]
        snapshot = con.execute(
            "select status, rows_quarantined from data_quality.data_quality_snapshots where source = 'placements'"
        ).fetchall()
    overlaps = listed[listed["rule"] == "episode_overlap"]
    assert sorted(overlaps["row_number"]) == sorted(ordered.index[ordered.index.isin(overlapping.index)] + 2)
    assert set(overlaps["action"]) == {"loaded, flagged"}
    duplicates = listed[listed["rule"] == "duplicate_key"]
    assert sorted(duplicates["row_number"]) == sorted(repeated.index + 2)
    assert set(duplicates["action"]) == {"row quarantined"}
    assert reviews_loaded == len(reviews) - len(repeated)
    assert (listed["rule"] == "upn_format").sum() > 0
    assert snapshot == [("loaded", len(repeated))]


def _failing(report: dict) -> set[str]:
    return {r["code"] for r in report["rules"] if r["status"] == "failed"}


@pytest.mark.skipif(not VALIDATOR_PYTHON.exists(), reason="scripts/setup.sh makes .venv-validator")
def test_fake_set_exports_and_validates(fake_night, tmp_path):
    with connect_duckdb(fake_night.warehouse, read_only=True) as con:
        result = export_and_validate(con, tmp_path / "exports", "E10000003")
    assert result.year == 2018  # the set is one 2017/18 return
    assert result.rows["episodes"] == 5050 and result.rows["header"] == 2123  # children with an episode
    original = tmp_path / "original"
    original.mkdir()
    for entity in CORE_TABLES:  # the tables the night landed, so both runs read the same tables
        shutil.copy(FAKE_SET / f"{entity.name}.csv", original / f"{entity.name}.csv")
    on_original, on_export = _failing(validate(original, 2018, "E10000003")), _failing(result.report)
    # The set's own faults (temporaries, ages, providers, postcodes...) survive the round trip ...
    assert len(on_original & on_export) >= 60
    # ... and what the cut puts right does not: short breaks lose postcodes and URN (214, 398, 399), URNs go
    # from exempt placement types (222), and REC goes from episodes still open at year end (148).
    assert {"214", "222", "148", "398", "399"} <= on_original - on_export
    assert not result.ready
