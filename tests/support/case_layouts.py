"""Compare the case and edge-of-care marts built from the case CSV layout with those built from the CIN census.

The census has no referral or Section 47 ids: its referral is child_id:CINreferralDate and its enquiry
child_id:S47ActualStartDate (stg_cin_census__*). Rows are compared after putting the CSV layout's ids in the
census's form (each id looked up from the CSV staging tables), every other value as built.
"""

from __future__ import annotations

import math
from pathlib import Path

from warehouse.connection import connect_duckdb

CASE_MARTS = (
    "case_management.case_referrals",
    "case_management.child_journey",
    "case_management.case_measures",
    "edge_of_care.edge_of_care_interventions",
    "edge_of_care.edge_of_care_flag_intervals",
    "edge_of_care.edge_of_care_measures",
    "staging.stg_case__children",
    "staging.stg_case__referrals",
    "staging.stg_case__cin_plans",
    "staging.stg_case__cp_plans",
    "staging.stg_case__section_47",
)
ID_COLUMNS = ("referral_id", "event_ref", "s47_id")
# Columns the census cannot carry, left out of the comparison (README "The CIN census in").
NOT_IN_CENSUS = {"staging.stg_case__children": ("is_uasc",), "staging.stg_case__section_47": ()}


def _census_ids(con) -> dict[str, str]:
    ids = con.execute(
        "select referral_id, child_id || ':' || cast(referral_date as varchar) from staging.stg_case__referrals"
    ).fetchall()
    ids += con.execute(
        "select s47_id, child_id || ':' || cast(s47_start_date as varchar) from staging.stg_case__section_47"
    ).fetchall()
    return dict(ids)


def _plain(value):
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 9)
    return value


def mart_rows(warehouse: Path, tables=CASE_MARTS, census_ids: bool = False) -> dict[str, list[tuple]]:
    """Each table's rows, sorted, ids in the census's form when `census_ids` (the CSV layout's build)."""
    found = {}
    with connect_duckdb(warehouse, read_only=True) as con:
        ids = _census_ids(con) if census_ids else {}
        for table in tables:
            schema, name = table.split(".")
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                    "order by ordinal_position",
                    [schema, name],
                ).fetchall()
                if c not in NOT_IN_CENSUS.get(table, ())
            ]
            rows = con.execute(f"select {', '.join(columns)} from {table}").fetchall()
            mapped = [
                tuple(ids.get(v, v) if c in ID_COLUMNS else _plain(v) for c, v in zip(columns, row, strict=True))
                for row in rows
            ]
            found[table] = sorted(mapped, key=lambda r: tuple((v is None, str(v)) for v in r))
    return found
