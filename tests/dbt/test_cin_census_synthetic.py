"""Done-when of issue 22: the default synthetic data landed as CIN census XML instead of the case CSVs
(`cscw generate --case-format cin-xml`) builds every case and edge-of-care mart with the same rows as from the
CSV layout. The CSV layout is the session's shared synthetic warehouse (the same seed and date, loaded through
the gate); the census layout is generated here, and every file the two landings share must be byte for byte
the same, so both come from one synthetic world.

The census files begin with 2017/18 while the synthetic history begins decades earlier, so rows are compared
from the census's first year on (the measures with a 12-month look-back from the year after), without the
columns the census cannot carry (tests/support/case_layouts.py IN_WINDOW, NOT_IN_CENSUS)."""

import shutil
import time
from datetime import date

import pytest

from expectations.run import gate
from ingest.contracts import SOURCES, entities_for
from synthetic import generate
from tests.conftest import SYNTHETIC_END_DATE, SYNTHETIC_LA, WAREHOUSE
from tests.support.case_layouts import CASE_MARTS, IN_WINDOW, mart_rows
from tests.support.warehouse import dbt_build, load_landing
from warehouse.connection import connect_duckdb

# A scale-1 warehouse from the census layout, beside the shared one from the CSV layout.
pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SELECT = "+path:models/marts/case +path:models/marts/edge_of_care +stg_case__section_47"


def _files(landing):
    return {p.relative_to(landing): p for p in landing.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def built(synthetic_warehouse, synthetic_landing, reference_warehouse, tmp_path_factory):
    root = tmp_path_factory.mktemp("census")
    landing = root / "landing"
    generate(
        landing, end_date=date.fromisoformat(SYNTHETIC_END_DATE), nights=1, la_ons=SYNTHETIC_LA, case_format="cin-xml"
    )
    census, csv = _files(landing), _files(synthetic_landing)
    shared = census.keys() & csv.keys()
    assert any(p.parts[0] == "placements" for p in shared), "the two landings share no placements files"
    assert [p for p in shared if census[p].read_bytes() != csv[p].read_bytes()] == [], "not one synthetic world"
    warehouse = root / WAREHOUSE
    shutil.copy(reference_warehouse, warehouse)
    started = time.perf_counter()
    load_landing(warehouse, landing, gate=gate, sources=[s for s in SOURCES if (landing / s).exists()])
    print(f"census: every source loaded through the gate in {time.perf_counter() - started:.1f} s", flush=True)
    dbt_build(warehouse, SELECT, root)
    return {
        "csv": mart_rows(synthetic_warehouse, census_ids=True, windows=IN_WINDOW),
        "census": mart_rows(warehouse, windows=IN_WINDOW),
    }


def test_a_council_that_never_sends_a_census_has_its_tables_empty(synthetic_warehouse):
    """As the night leaves them: every raw CIN census table there, with no rows and no ledger row."""
    with connect_duckdb(synthetic_warehouse, read_only=True) as con:
        rows = {
            e.token: con.execute(f"select count(*) from raw.{e.token}").fetchone()[0]
            for e in entities_for("cin_census")
        }
        ledger = con.execute("select count(*) from raw._ledger where source = 'cin_census'").fetchone()[0]
    assert rows == {e.token: 0 for e in entities_for("cin_census")} and ledger == 0


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
