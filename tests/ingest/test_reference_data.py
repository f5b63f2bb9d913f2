"""The ONS postcode directory and authority lookup, loaded from their PyPI packages."""

import shutil

from ingest.reference_data import load_reference_packages, package_versions
from warehouse.connection import connect_duckdb


def _miles(con, a: str, b: str) -> float:
    # DOMAIN.md 2.5: PL_DISTANCE = sqrt(dE^2 + dN^2) / 1000 / 1.6093, to 1 dp.
    (e1, n1), (e2, n2) = (
        con.execute(
            "select easting, northing from raw.reference__postcode_directory where postcode_key = ?", [k]
        ).fetchone()
        for k in (a, b)
    )
    return round(((e1 - e2) ** 2 + (n1 - n2) ** 2) ** 0.5 / 1000 / 1.6093, 1)


def test_directory_reproduces_the_dfe_distances_and_counties(reference_warehouse, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(reference_warehouse, warehouse)
    with connect_duckdb(warehouse) as con:
        assert con.execute("select count(*) from raw.reference__postcode_directory").fetchone()[0] > 2_500_000
        assert _miles(con, "CB30AP", "PE293TN") == 14.9
        assert _miles(con, "CB30AP", "M11AE") == 131.7
        county = con.execute("select utla_code from raw.reference__local_authorities where ltla_code = 'E07000008'")
        assert county.fetchone()[0] == "E10000003"  # Cambridge is in Cambridgeshire
        # Same package versions: nothing reloads; the recorded version says which data is in use.
        assert load_reference_packages(con) is False
        assert con.execute("select distinct package_version from raw.reference__postcode_directory").fetchall() == [
            (package_versions(),)
        ]
