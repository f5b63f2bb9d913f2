"""Reviews, missing episodes and motherhood: all derived from the true episodes."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from ..common import ages_on, birthday, days, pick, to_date
from .codes import TEMPORARY


def extras(rng: np.random.Generator, ep: pd.DataFrame, children: pd.DataFrame, end: int) -> dict:
    dob = dict(zip(children["child_id"], children["dob"], strict=False))
    return {
        "reviews": _reviews(rng, ep, children, dob, end),
        "missing": _missing(rng, ep, dob, end),
        "mothers": _mothers(rng, ep, children, dob, end),
    }


def _reviews(rng: np.random.Generator, ep: pd.DataFrame, children: pd.DataFrame, dob: dict, end: int) -> pd.DataFrame:
    """Looked-after reviews: the first within 20 working days, then at three and every six months."""
    per = (
        ep[~ep["LS"].isin(["V3", "V4"])]
        .groupby("period")
        .agg(child=("CHILD", "first"), start=("DECOM", "min"), stop=("DEC", "max"))
    )
    late_child = set(children["child_id"][rng.random(len(children)) < 0.10])
    reviews = []
    for child, s, stop in per.itertuples(index=False):
        stop = min(stop, end)
        late = child in late_child
        t = s + int(rng.integers(8, 26))  # 25 calendar days never exceed 20 working days
        if late and rng.random() < 0.3:
            t = s + int(rng.integers(32, 60))
        k = 0
        while t < stop:
            reviews.append((child, t))
            k += 1
            gap = int(rng.integers(55, 89)) if k == 1 else int(rng.integers(140, 181))
            if late and rng.random() < 0.25:
                gap += int(rng.integers(5, 40))
            t += gap
    rv = pd.DataFrame(reviews, columns=["CHILD", "REVIEW"])
    rv["DOB"] = rv["CHILD"].map(dob)
    age = ages_on(rv["DOB"].to_numpy(), rv["REVIEW"].to_numpy())
    code = pick(rng, {"PN1": 48, "PN2": 9, "PN3": 6, "PN4": 5, "PN5": 9, "PN6": 16, "PN7": 7}, size=len(rv))
    rv["REVIEW_CODE"] = np.where(age < 4, "PN0", code)
    return rv


def _missing(rng: np.random.Generator, ep: pd.DataFrame, dob: dict, end: int) -> pd.DataFrame:
    # Missing: teenagers in care, concentrated in a minority who go missing repeatedly.
    care = ep[~ep["LS"].isin(["V3", "V4"]) & ~ep["PLACE"].isin(TEMPORARY)].copy()
    care["b11"] = [birthday(int(dob[c]), 11) for c in care["CHILD"]]
    care["s"] = np.maximum(care["DECOM"], care["b11"])
    care["e"] = np.fmin(care["DEC"], end)  # an open episode runs to the extract date
    care = care[care["e"] - care["s"] > 2]
    prone = {c: rng.gamma(0.3, 1 / 0.3) * (rng.random() < 0.45) for c in care["CHILD"].unique()}
    miss = []
    for child, s, e in care[["CHILD", "s", "e"]].itertuples(index=False):
        lam = prone[child] * 1.5 * (e - s) / 365.0
        for _ in range(rng.poisson(lam)):
            ms = int(s + rng.integers(0, max(1, int(e - s))))
            r = rng.random()
            length = 0 if r < 0.35 else (int(rng.integers(1, 4)) if r < 0.9 else int(rng.integers(4, 40)))
            # Back before the placement ends (rules 575 and 580: missing on the day care ends means E8).
            miss.append((child, "M" if rng.random() < 0.6 else "A", ms, max(ms, min(ms + length, int(e) - 1))))
    # A child cannot go missing again before coming back: keep incidents that start after the last one ended.
    kept, last_end = [], {}
    for row in sorted(miss, key=lambda m: (m[0], m[2])):
        if row[2] > last_end.get(row[0], -(10**9)):
            kept.append(row)
            last_end[row[0]] = row[3]
    ms = pd.DataFrame(kept, columns=["CHILD", "MISSING", "MIS_START", "MIS_END"])
    ms["DOB"] = ms["CHILD"].map(dob)
    return ms


def _mothers(rng: np.random.Generator, ep: pd.DataFrame, children: pd.DataFrame, dob: dict, end: int) -> dict:
    # Motherhood: a few older girls in care have a baby (MC_DOB), known once it is born.
    girls = ep.merge(children[["child_id", "sex"]], left_on="CHILD", right_on="child_id")
    girls = girls[(girls["sex"] == 2) & ~girls["LS"].isin(["V3", "V4"])]
    girls = girls.groupby("CHILD").agg(s=("DECOM", "min"), e=("DEC", "max")).reset_index()
    ends = ep.dropna(subset=["DEC"]).groupby("CHILD")["DEC"].apply(lambda d: np.sort(d.to_numpy()))
    mothers = {}
    for child, s, e in girls.itertuples(index=False):
        b15 = birthday(int(dob[child]), 15)
        lo, hi = max(s, b15), min(e, end)
        if hi - lo > 60 and rng.random() < 0.06:
            born = int(rng.integers(lo, hi))
            # Rule 625 reads MC_DOB against the latest DEC sent in the year of the birth: a birth after the
            # year's last episode change would be refused, so the baby arrives with that change instead.
            year_end = days(date(to_date(born).year + (to_date(born).month >= 4), 3, 31))
            dec = ends.get(child, np.array([]))
            in_year = dec[(dec <= year_end) & (dec > year_end - 365)]
            if len(in_year) and in_year.max() < born:
                born = int(in_year.max())
            if born >= lo:
                mothers[child] = born
    return mothers
