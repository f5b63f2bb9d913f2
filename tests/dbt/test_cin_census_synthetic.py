"""Done-when of issue 22: the default synthetic data landed as CIN census XML instead of the case CSVs
(`cscw generate --case-format cin-xml`) builds every case and edge-of-care mart with the same rows as from the
CSV layout. Both layouts come from one generation (`--case-format both`), split into two landings.

The census files begin with 2017/18 while the synthetic history begins decades earlier, so rows are compared
from the census's first year on (the measures with a 12-month look-back from the year after), without the
columns the census cannot carry (tests/support/case_layouts.py IN_WINDOW, NOT_IN_CENSUS)."""

import shutil
import time
from datetime import date

import pytest

from expectations.run import gate
from ingest.contracts import SOURCES
from ingest.load import load_source
from synthetic import generate
from tests.conftest import SYNTHETIC_END_DATE, SYNTHETIC_LA
from tests.support.case_layouts import CASE_MARTS, IN_WINDOW, mart_rows
from tests.support.warehouse import dbt_build, load_landing
from warehouse.connection import connect_duckdb

# Two whole warehouses from the scale-1 synthetic set (about 7 minutes on two shared cores).
pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SELECT = "+path:models/marts/case +path:models/marts/edge_of_care +stg_case__section_47"
CENSUS_COVERED = ("children", "referrals", "cin_plans", "cp_plans", "section_47")


def _landing(both, root, census: bool):
    landing = root / "landing"
    for source in SOURCES:
        if (both / source).exists() and (census or source != "cin_census"):
            shutil.copytree(both / source, landing / source)
    if census:
        for name in CENSUS_COVERED:
            for path in (landing / "case").glob(f"*/{name}.csv"):
                path.unlink()
    return landing


@pytest.fixture(scope="module")
def built(reference_warehouse, tmp_path_factory):
    both = tmp_path_factory.mktemp("both") / "landing"
    generate(both, end_date=date.fromisoformat(SYNTHETIC_END_DATE), nights=1, la_ons=SYNTHETIC_LA, case_format="both")
    found = {}
    for layout in ("csv", "census"):
        root = tmp_path_factory.mktemp(layout)
        landing = _landing(both, root, layout == "census")
        warehouse = root / "warehouse.duckdb"
        shutil.copy(reference_warehouse, warehouse)
        started = time.perf_counter()
        load_landing(warehouse, landing, gate=gate, sources=[s for s in SOURCES if (landing / s).exists()])
        print(f"{layout}: every source loaded through the gate in {time.perf_counter() - started:.1f} s", flush=True)
        if layout == "csv":  # a council that never sends a census: its tables exist, empty, as the night leaves them
            with connect_duckdb(warehouse) as con:
                assert load_source(con, landing, "cin_census").published_date is None
        dbt_build(warehouse, SELECT, root)
        found[layout] = mart_rows(warehouse, census_ids=layout == "csv", windows=IN_WINDOW)
    return found


@pytest.mark.parametrize("table", CASE_MARTS)
def test_the_census_builds_the_csv_layout_s_rows(built, table):
    csv_rows, census_rows = built["csv"][table], built["census"][table]
    assert csv_rows, f"{table} is empty from the CSV layout"
    in_census, in_csv = set(census_rows), set(csv_rows)
    missing = [r for r in csv_rows if r not in in_census]
    extra = [r for r in census_rows if r not in in_csv]
    assert len(csv_rows) == len(census_rows) and not missing and not extra, (
        f"{table}: {len(csv_rows)} rows from the CSVs, {len(census_rows)} from the census; "
        f"{len(missing)} CSV row(s) not from the census, e.g. {missing[:3]}; "
        f"{len(extra)} census row(s) not in the CSV layout, e.g. {extra[:3]}"
    )
