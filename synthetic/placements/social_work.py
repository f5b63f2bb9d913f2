"""Social-worker episodes (SWEpisodes) and deprivation-of-liberty orders (DoLo) derived from the true episodes.

A child is allocated a social worker the day a period of care begins (reason FCONTA) and changes worker every
year or so, the new one starting the day the last one left (rules SW08, SW10a). The case is closed a few weeks
after the child leaves care; a child who comes back opens with a first contact again (SW10b).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from ..common import EPOCH_ORDINAL, age_on, days, make_ids, pick
from .outcomes import collection_year_of, year_bounds

SW_COLUMNS = ["CHILD", "SW_ID", "SW_DECOM", "DOB", "SW_DEC", "SW_REASON"]
DOLO_COLUMNS = ["CHILD", "DOLO_START", "DOB", "DOLO_END"]
CHANGE_REASONS = {
    "LEFTRL": 30,
    "MANAGE": 20,
    "TSPROC": 15,
    "ORGRST": 12,
    "PCCHAN": 8,
    "CHCHAN": 5,
    "ABSENC": 5,
    "OTHERS": 5,
}
SOCIAL_WORKERS_PER_SCALE = 140
DOLO_FROM = days(date(2026, 4, 1))  # DoLo is collected from 2026/27
# Places a deprivation of liberty can be authorised in without the validator querying it (rules 709, 710).
DOLO_PLACES = ("K2", "Z12", "Z13")
DOLO_SHARE = 0.08  # of children in a children's home from April 2026 (a few a year in a county)


def sw_episodes(rng: np.random.Generator, ep: pd.DataFrame, dob: dict, scale: float) -> pd.DataFrame:
    workers = make_ids(rng, max(20, int(SOCIAL_WORKERS_PER_SCALE * scale)), "SW")
    care = ep[~ep["LS"].isin(["V3", "V4"])]
    periods = care.groupby("period").agg(child=("CHILD", "first"), start=("DECOM", "min"), stop=("DEC", "max"))
    rows: list[list] = []
    for child, spans in periods.sort_values("start").groupby("child", sort=True):
        starts = spans["start"].astype(int).tolist()
        stops = spans["stop"].tolist()
        for s, stop in zip(starts, stops, strict=True):
            rows += _allocations(rng, child, s, stop, workers)
    sw = pd.DataFrame(rows, columns=["CHILD", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"])
    sw["DOB"] = sw["CHILD"].map(dob)
    return sw[SW_COLUMNS]


def _allocations(rng: np.random.Generator, child: str, start: int, stop: float, workers: np.ndarray) -> list[list]:
    """The workers of one period of care: [CHILD, SW_ID, SW_DECOM, SW_DEC, SW_REASON] rows."""
    out, t, reason, worker = [], start, "FCONTA", None
    while True:
        worker = _other(rng, workers, worker)
        change = _not_last_days_of_march(t + 30 + int(rng.gamma(2.0, 200.0)))
        if np.isnan(stop) or change < stop:
            out.append([child, worker, t, float(change), reason])
            t, reason = change, pick(rng, CHANGE_REASONS)
            continue
        # Closed within weeks of leaving care, in the same collection year: a later year's return does not
        # carry a worker for a child it has no episode for.
        closed = min(int(stop) + int(rng.integers(3, 30)), year_bounds(collection_year_of(int(stop)))[1])
        out.append([child, worker, t, float(max(closed, t + 3)), reason])
        return out


def _not_last_days_of_march(day: int) -> int:
    """A change of worker due in the last days of March waits for 1 April: validator 0.1.17's SW11b reads a
    worker who left then as one with no successor, whoever follows (a false positive this avoids)."""
    d = date.fromordinal(day + EPOCH_ORDINAL)
    if d.month == 3 and d.day >= 25:
        return days(date(d.year, 4, 1))
    return day


def _other(rng: np.random.Generator, workers: np.ndarray, current: str | None) -> str:
    while True:
        worker = str(workers[int(rng.integers(0, len(workers)))])
        if worker != current:
            return worker


def dolo(rng: np.random.Generator, ep: pd.DataFrame, dob: dict) -> pd.DataFrame:
    """A few deprivation-of-liberty orders inside children's-home episodes from April 2026, one per child."""
    home = ep[ep["PLACE"].isin(DOLO_PLACES) & (ep["DEC"].isna() | (ep["DEC"] > DOLO_FROM + 30))]
    rows = []
    for child, spells in home.sort_values(["CHILD", "DECOM"]).groupby("CHILD", sort=True):
        first = spells.iloc[0]
        if rng.random() >= DOLO_SHARE or age_on(int(dob[child]), max(int(first["DECOM"]), DOLO_FROM)) < 10:
            continue
        begin = max(int(first["DECOM"]), DOLO_FROM) + int(rng.integers(0, 30))
        last_day = first["DEC"] - 1 if not np.isnan(first["DEC"]) else np.inf
        if begin >= last_day:
            continue
        end = min(last_day, begin + int(rng.integers(60, 240)))
        rows.append([child, begin, dob[child], float(end)])
    return pd.DataFrame(rows, columns=DOLO_COLUMNS)
