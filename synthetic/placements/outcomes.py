"""OC2 (children looked after for the whole year) and OC3 (care leavers) derived from the true episodes.

Both are kept per collection year (COLLECTION_YEAR = the year's end, as the DfE names it): the full-history
extract has to say which year a row is for. Who is in each table follows the validator's own tests, so a
return cut from the history carries exactly the children its rules expect.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from ..common import birthday, days, pick, to_date

OC2_COLUMNS = [
    "CHILD",
    "COLLECTION_YEAR",
    "DOB",
    "SDQ_SCORE",
    "SDQ_REASON",
    "CONVICTED",
    "HEALTH_CHECK",
    "IMMUNISATIONS",
    "TEETH_CHECK",
    "HEALTH_ASSESSMENT",
    "SUBSTANCE_MISUSE",
    "INTERVENTION_RECEIVED",
    "INTERVENTION_OFFERED",
]
OC3_COLUMNS = ["CHILD", "COLLECTION_YEAR", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"]

IN_TOUCH = {"YES": 82, "NO": 7, "REFU": 3, "NREQ": 3, "RHOM": 5}
ACTIVITY = {"F1": 6, "P1": 2, "F2": 24, "P2": 5, "F4": 16, "P4": 8, "F5": 5, "P5": 2, "G4": 16, "G5": 9, "G6": 7}
# Suitable (1) far more often than unsuitable (2); Z = with former foster carers (staying put).
ACCOMMODATION = {"B1": 3, "C1": 8, "D1": 14, "E1": 4, "G1": 3, "H1": 8, "K1": 2, "R1": 3, "S2": 1, "T1": 20}
ACCOMMODATION |= {"U1": 10, "V1": 6, "W1": 3, "Y1": 2, "B2": 1, "D2": 1, "E2": 1, "T2": 2, "X2": 1, "Y2": 1}
# Care-leaver information is not collected for a young person who died or moved to another council's care.
NOT_CARE_LEAVER = ("E2", "E3")


def year_bounds(year: int) -> tuple[int, int]:
    """1 April and 31 March (epoch days) of the collection year named by its end."""
    return days(date(year - 1, 4, 1)), days(date(year, 3, 31))


def collection_year_of(day: int) -> int:
    d = to_date(day)
    return d.year + (d.month >= 4)


def continuously_looked_after(ep: pd.DataFrame, year: int) -> set[str]:
    """DOMAIN.md 2.6, the validator's test: in care in the year, no start after 1 April, no ending
    before 31 March and no short break."""
    start, end = year_bounds(year)
    e = ep[(ep["DECOM"] <= end) & (ep["DEC"].isna() | (ep["DEC"] >= start))]
    breaks = (
        ((e["RNE"] == "S") & (e["DECOM"] > start))
        | ((e["REC"] != "X1") & (e["DEC"] >= start) & (e["DEC"] < end))
        | e["LS"].isin(["V3", "V4"])
    )
    broken = set(e.loc[breaks, "CHILD"])
    return set(e["CHILD"]) - broken


def oc2(rng: np.random.Generator, ep: pd.DataFrame, dob: dict, years: range) -> pd.DataFrame:
    rows = []
    for year in years:
        for child in sorted(continuously_looked_after(ep, year)):
            rows.append([child, year, dob[child], *_oc2_items(rng, int(dob[child]), year)])
    return pd.DataFrame(rows, columns=OC2_COLUMNS)


def _flag(rng: np.random.Generator, p: float) -> str:
    return "1" if rng.random() < p else "0"


def _oc2_items(rng: np.random.Generator, dob: int, year: int) -> list[str]:
    """SDQ, convictions, health and substance misuse within the ages the validator allows for each."""
    start, end = year_bounds(year)
    b4, b5, b10, b14, b16, b17 = (birthday(dob, n) for n in (4, 5, 10, 14, 16, 17))
    score, reason = "", ""
    if b4 > end or b17 < start:
        pass  # under 4 all year, or 17 before it began: no SDQ (rules 188, 189)
    elif b4 <= start and b16 >= end:  # of SDQ age all year: SDQ1 (out of age range) is refused (157)
        if rng.random() < 0.92:
            score = str(int(np.clip(rng.normal(14, 7), 0, 40)))
        else:
            reason = pick(rng, {"SDQ2": 2, "SDQ3": 3, "SDQ4": 3, "SDQ5": 2})
    elif rng.random() < 0.5:
        reason = "SDQ1"  # turned 4 or 16 in the year: out of range for part of it
    else:
        score = str(int(np.clip(rng.normal(14, 7), 0, 40)))
    convicted = _flag(rng, 0.08 if b14 <= end else 0.03) if b10 <= end else ""  # rules 542, 543
    health_check = _flag(rng, 0.9) if end < b5 else ""  # under 5 only (545, 546)
    immunisations, teeth, assessment = _flag(rng, 0.86), _flag(rng, 0.8), _flag(rng, 0.9)
    misuse = _flag(rng, 0.1 if b14 <= end else 0.03) if b10 <= end else "0"
    received, offered = "", ""
    if misuse == "1":  # rules 158, 159, 192, 193
        received = _flag(rng, 0.6)
        offered = _flag(rng, 0.7) if received == "0" else ""
    return [score, reason, convicted, health_check, immunisations, teeth, assessment, misuse, received, offered]


def oc3(rng: np.random.Generator, periods: pd.DataFrame, dob: dict, horizon: int) -> pd.DataFrame:
    """Care leavers: left their last period of care at 16 or over after 13 weeks in care since 14, reported in
    the years of their 17th to 21st birthdays that fall after they left (rules 391, 1007, 1016)."""
    last = periods.sort_values(["child_id", "start"], kind="stable").groupby("child_id").tail(1)
    rows = []
    for child, start, stop, rec in last[["child_id", "start", "end", "rec"]].itertuples(index=False):
        born = int(dob[child])
        relevant = stop >= birthday(born, 16) and stop - max(start, birthday(born, 14)) >= 91
        if not relevant or stop > horizon or rec in NOT_CARE_LEAVER:
            continue
        for age in range(17, 22):
            bday = birthday(born, age)
            if bday > stop:
                rows.append([child, collection_year_of(bday), born, *_oc3_items(rng, age, rec)])
    return pd.DataFrame(rows, columns=OC3_COLUMNS)


def _oc3_items(rng: np.random.Generator, age: int, rec: str) -> list[str]:
    in_touch = pick(rng, IN_TOUCH)
    if in_touch != "YES":
        return [in_touch, "0", "0"]  # nothing known, or home or died: activity and accommodation 0 (rule 344)
    accom = pick(rng, ACCOMMODATION)
    # Staying put with former foster carers only after 18, never in the 17th-birthday year (rule 3001).
    if rec == "E17" and age >= 19 and rng.random() < 0.5:
        accom = "Z1"
    return [in_touch, pick(rng, ACTIVITY), accom]
