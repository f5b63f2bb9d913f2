"""The case history as CIN census XML (`cscw generate --case-format cin-xml|both`): one census per collection year.

Each year's census is the case extract as it stood at the year's reference date (31 March; the extract date
for the year in progress), cut to the children with a CIN episode open at any time in the year and the items
of the year, and written by the one census writer (outputs/returns/cin/census_xml.py). A reader that stitches
the years back together (later years' closures winning) gets the whole history the CSV layout carries.

With the realistic faults, the same faults as the case CSVs carry are planted in each year's tables before
writing (an unknown ethnicity code, an unparseable assessment date, a blank referral date), and the malformed
UPNs of the SSDA903 header are the census's UPNs too: fixed by the seed, as synthetic/faults.py decides them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from outputs.returns.cin.census_xml import CensusTables, write_census

from . import case
from .common import ages_on, days
from .faults import Plan, plant_faults

# The first collection year (by its end) the census writer's layout covers.
FIRST_YEAR = 2018
# The warehouse holds only whether a child is disabled: "DDA" is the census's code for another disability.
DISABLED_CODE = "DDA"
# The case files the census replaces (edge_of_care.csv stays in case/).
CENSUS_FILES = ("children", "referrals", "cin_plans", "cp_plans", "section_47")


def census_years(world: dict, extract: date) -> list[int]:
    """Collection years (by their end) from the first referral's, or 2017/18, to the extract's."""
    first = int(world["case"]["referrals"]["referral_date"].min())
    first_year = pd.Timestamp(first, unit="D")
    start = max(FIRST_YEAR, first_year.year + (1 if first_year.month >= 4 else 0))
    last = extract.year + (1 if extract.month >= 4 else 0)
    return list(range(start, last + 1))


def _plan_referrals(refs: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """(child_id, plan start) -> the referral the plan came from, as case.snapshot keys plans (first wins)."""
    p = refs[refs[f"{prefix}_start"].notna()].drop_duplicates(subset=["child_id", f"{prefix}_start"])
    return pd.DataFrame(
        {
            "child_id": p["child_id"].to_numpy(),
            "plan_start_date": pd.Series(p[f"{prefix}_start"].to_numpy()).pipe(_iso).to_numpy(),
            "referral_id": p["referral_id"].to_numpy(),
        }
    )


def _iso(epoch_days: pd.Series) -> pd.Series:
    return pd.to_datetime(epoch_days, unit="D").dt.strftime("%Y-%m-%d")


def _open_in(df: pd.DataFrame, start: str, end: str, begin: str, finish: str) -> pd.Series:
    """Rows begun by the year's end and not finished before it began (ISO text compares as dates). A planted
    blank or unparseable date counts as within the year, so the fault reaches the census it belongs to."""

    def unreadable(column: str) -> pd.Series:
        return ~df[column].str.fullmatch(r"\d{4}-\d\d-\d\d") & (df[column] != "")

    begun = (df[begin] <= end) | (df[begin] == "") | unreadable(begin)
    return begun & ((df[finish] == "") | (df[finish] >= start) | unreadable(finish))


def _upns(world: dict, plan: Plan | None, year_end: int) -> pd.DataFrame:
    """UPN or the reason it is unknown, for looked-after children (the only ones the history gives one)."""
    kids = world["placements"]["children"]
    unknown = kids["upn_unknown"].to_numpy()
    upn = np.where(unknown != "", "", kids["upn"].to_numpy())
    young = ages_on(kids["dob"].to_numpy(), np.full(len(kids), year_end)) < 4
    header = pd.DataFrame({"CHILD": kids["child_id"].to_numpy(), "UPN": np.where(young, "", upn)})
    if plan is not None and ("placements", "header") in plan.cells:
        only = Plan(cells={("placements", "header"): plan.cells[("placements", "header")]})
        header = plant_faults({"placements": {"header": header}}, only, latest=False)["placements"]["header"]
    return pd.DataFrame(
        {
            "child_id": header["CHILD"].to_numpy(),
            "upn": header["UPN"].to_numpy(),
            "upn_unknown": np.where(young, "UN1", unknown),
        }
    )


def year_tables(world: dict, year: int, extract: date, plan: Plan | None) -> CensusTables:
    """The census of `year` from the case history as at its reference date (or the extract, if earlier)."""
    start, end = f"{year - 1}-04-01", f"{year}-03-31"
    cut = min(days(date(year, 3, 31)), days(extract))
    snap = case.snapshot(world["case"], cut)
    if plan is not None:
        only = Plan(cells={k: v for k, v in plan.cells.items() if k[0] == "case"})
        snap = plant_faults({"case": snap}, only, latest=False)["case"]
    refs = snap["referrals"]
    refs = refs[_open_in(refs, start, end, "referral_date", "closure_date")]
    children = snap["children"][snap["children"]["child_id"].isin(refs["child_id"])]
    children = children.merge(_upns(world, plan, cut), on="child_id", how="left")
    # A child referred before birth is unborn at the reference date: expected date of birth, sex unknown.
    unborn = children["date_of_birth"] > end
    children = children.assign(
        expected_birth_date=children["date_of_birth"].where(unborn, ""),
        date_of_birth=children["date_of_birth"].where(~unborn, ""),
        sex=children["sex"].where(~unborn, 0),
    )
    refs = refs.assign(is_nfa=refs["nfa"] == "Y", icpc_date=None)
    assessed = refs[refs["assessment_start_date"] != ""]
    assessments = assessed[_open_in(assessed, start, end, "assessment_start_date", "assessment_authorised_date")]
    world_refs = world["case"]["referrals"]
    cin = snap["cin_plans"].merge(_plan_referrals(world_refs, "cin"), on=["child_id", "plan_start_date"])
    cp = snap["cp_plans"].merge(_plan_referrals(world_refs, "cp"), on=["child_id", "plan_start_date"])
    cp = cp.sort_values(["child_id", "plan_start_date"]).assign(
        latest_category=lambda d: d["initial_category"], previous_plans=lambda d: d.groupby("child_id").cumcount()
    )
    s47 = snap["section_47"]
    s47_end = s47["icpc_date"].where(s47["icpc_date"] != "", s47["s47_start_date"])
    s47 = s47[(s47["s47_start_date"] <= end) & (s47_end >= start)]
    return CensusTables(
        children=children,
        disabilities=pd.DataFrame(
            {
                "child_id": children["child_id"].to_numpy(),
                "disability": np.where(children["disability"] == "Y", DISABLED_CODE, "NONE"),
            }
        ),
        referrals=refs,
        assessments=assessments[["referral_id", "assessment_start_date", "assessment_authorised_date"]],
        cin_plans=cin[_open_in(cin, start, end, "plan_start_date", "plan_end_date")],
        section_47=s47.assign(icpc_not_required=s47["icpc_not_required"] == "Y"),
        cp_plans=cp[_open_in(cp, start, end, "plan_start_date", "plan_end_date")],
    )


def write_year_files(
    folder: Path, world: dict, extract: date, la_dfe: str, plan: Plan | None
) -> dict[tuple[str, str, str], int]:
    """landing/cin_census/<extract>/cin_census_<year>.xml for every year the history covers; children per file."""
    counts = {}
    for year in census_years(world, extract):
        name = f"cin_census_{year}.xml"
        tables = year_tables(world, year, extract, plan)
        created = pd.Timestamp(extract).to_pydatetime()
        counts[("cin_census", extract.isoformat(), name)] = write_census(
            folder / name, tables, year, la_dfe, created=created
        )
    return counts
