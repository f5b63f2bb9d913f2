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
# Columns the census cannot carry, left out of the comparison (README "The CIN census in"): UASC status; the
# sex code as sent (Sex M/F from 2024/25 where the case layout has 1/2; the decoded sex is compared); and
# what depends on history before the first census (a child's previous referral, the events' running number).
# Rows needing the whole history are left out too: a CP plan counted as first or subsequent (breakdown
# plan_number; the census's NumberOfPreviousCPP is not read for it), a referral's assessment before 2017/18.
NOT_IN_CENSUS = {
    "staging.stg_case__children": ("is_uasc", "sex_code", "sex_description"),
    "case_management.case_referrals": ("previous_referral_date",),
    "case_management.child_journey": ("event_number",),
}
# The census starts in 2017/18 (the synthetic history earlier): compared are rows about that year on, and for
# measures with a 12-month look-back (re-referrals, edge-of-care flags) the periods from the year after.
CENSUS_FROM, LOOK_BACK_FROM = "2017-04-01", "2018-04-01"
OPEN_FROM = f"coalesce(closure_date, date '9999-12-31') >= date '{CENSUS_FROM}'"
# Children with a referral open on or after the census's first day: the children the census holds.
CENSUS_CHILDREN = f"select child_id from staging.stg_case__referrals where {OPEN_FROM}"
IN_WINDOW = {
    "case_management.case_referrals": f"referral_date >= date '{LOOK_BACK_FROM}'",
    "case_management.child_journey": f"event_date >= date '{CENSUS_FROM}' and child_id in ({CENSUS_CHILDREN})",
    "case_management.case_measures": f"period_start >= date '{LOOK_BACK_FROM}' and breakdown_type <> 'plan_number'",
    "edge_of_care.edge_of_care_flag_intervals": f"flag_start >= date '{LOOK_BACK_FROM}'",
    "edge_of_care.edge_of_care_measures": f"period_start >= date '{LOOK_BACK_FROM}'",
    "staging.stg_case__children": f"child_id in ({CENSUS_CHILDREN})",
    "staging.stg_case__referrals": f"referral_date >= date '{CENSUS_FROM}'",
    "staging.stg_case__cin_plans": f"coalesce(plan_end_date, date '9999-12-31') >= date '{CENSUS_FROM}'",
    "staging.stg_case__cp_plans": f"coalesce(plan_end_date, date '9999-12-31') >= date '{CENSUS_FROM}'",
    "staging.stg_case__section_47": f"s47_start_date >= date '{CENSUS_FROM}'",
}


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


def mart_rows(
    warehouse: Path, tables=CASE_MARTS, census_ids: bool = False, windows: dict[str, str] | None = None
) -> dict[str, list[tuple]]:
    """Each table's rows (those `windows` selects, by table), sorted, ids in the census's form when `census_ids`
    (the CSV layout's build)."""
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
            where = f" where {windows[table]}" if windows and table in windows else ""
            rows = con.execute(f"select {', '.join(columns)} from {table}{where}").fetchall()
            mapped = [
                tuple(ids.get(v, v) if c in ID_COLUMNS else _plain(v) for c, v in zip(columns, row, strict=True))
                for row in rows
            ]
            found[table] = sorted(mapped, key=lambda r: tuple((v is None, str(v)) for v in r))
    return found
