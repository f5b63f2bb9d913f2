"""Case management system: children, referrals, CIN and CP plans, edge-of-care interventions.

Most referrals are vectorised chains (a child, re-referred with some probability after each closure),
because at scale 100 there are millions of them. Children who come into care get their own referral
before each period of care (often with a CP plan that ends when they become looked after), and some
an edge-of-care intervention that ended when they entered care.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .common import ages_on, days, fmt_dates, make_ids, pick
from .edge_of_care import edge_of_care
from .people import ethnicities, no_leap_day
from .section_47 import snapshot as section_47_snapshot
from .section_47 import weekday

SOURCES = {
    "6": 28,
    "2A": 17,
    "2B": 1,
    "3A": 4,
    "3B": 3,
    "3C": 1,
    "3D": 2,
    "3E": 3,
    "3F": 2,
    "5A": 3,
    "5B": 2,
    "5C": 3,
    "5D": 5,
    "1A": 4,
    "1B": 1,
    "1C": 1,
    "1D": 2,
    "4": 2,
    "7": 4,
    "8": 6,
    "9": 2,
    "10": 2,
}
NEEDS = {"N1": 52, "N2": 5, "N3": 6, "N4": 9, "N5": 13, "N6": 5, "N7": 1, "N8": 3, "N9": 4, "N0": 2}
CP_CATEGORY = {"NEG": 48, "EMO": 36, "PHY": 8, "SAB": 4, "MUL": 4}
REFERRAL_COLUMNS = [
    "referral_id",
    "child_id",
    "referral_date",
    "referral_source",
    "primary_need",
    "nfa",
    "assessment_start_date",
    "assessment_authorised_date",
    "closure_date",
    "closure_reason",
]


def _referral_chain(rng, n0: int, start: int, end: int):
    """Independent referral chains for children who never come into care (vectorised by generation)."""
    age0 = np.where(rng.random(n0) < 0.12, rng.integers(0, 365, n0), rng.integers(0, 18 * 365 - 60, n0))
    first = rng.integers(start - 365, end + 1, n0)
    dob = no_leap_day(first - age0)
    child = np.arange(n0)
    date_ = first
    out = []
    while len(child):
        n = len(child)
        nfa = rng.random(n) < 0.27
        a_start = np.where(nfa, np.nan, date_ + rng.integers(0, 10, n))
        a_auth = a_start + rng.integers(5, 45, n)
        r = rng.random(n)
        cp = ~nfa & (r < 0.13)
        cin = ~nfa & (r >= 0.13) & (r < 0.55)
        # Closed after assessment (RC8/RC9) only when no plan followed: CIN census rule 2990.
        closed_after = ~nfa & (r >= 0.55)
        cp_start = np.where(cp, date_ + rng.integers(15, 45, n), np.nan)
        cp_end = cp_start + np.clip(rng.lognormal(np.log(300), 0.55, n), 40, 1400).astype(int)
        step_down = cp & (rng.random(n) < 0.7)
        cin_start = np.where(cin, a_auth + rng.integers(0, 14, n), np.where(step_down, cp_end, np.nan))
        cin_len = np.clip(rng.lognormal(np.log(440), 0.95, n), 30, 3000).astype(int)
        cin_end = cin_start + np.where(step_down, cin_len // 2, cin_len)
        close = np.select(
            [nfa, closed_after, cin | step_down, cp],
            [
                date_ + rng.integers(0, 8, n),
                a_auth + rng.integers(0, 14, n),
                cin_end + rng.integers(0, 30, n),
                cp_end + rng.integers(0, 20, n),
            ],
        )
        reason = np.where(
            nfa,
            "RC7",
            np.where(
                closed_after,
                np.where(rng.random(n) < 0.7, "RC8", "RC9"),
                pick(rng, {"RC7": 90, "RC5": 5, "RC6": 1, "RC3": 4}, size=n),
            ),
        )
        out.append(
            pd.DataFrame(
                {
                    "child": child,
                    "referral_date": date_,
                    "nfa": np.where(nfa, "Y", "N"),
                    "assessment_start_date": a_start,
                    "assessment_authorised_date": np.where(nfa, np.nan, a_auth),
                    "closure_date": close.astype(float),
                    "closure_reason": reason,
                    "cin_start": cin_start,
                    "cin_end": cin_end.astype(float),
                    "cp_start": cp_start,
                    "cp_end": cp_end.astype(float),
                }
            )
        )
        # Re-referral: most soon after closure, some years later.
        again = rng.random(n) < 0.40
        gap = np.where(rng.random(n) < 0.8, rng.integers(7, 250, n), rng.integers(250, 1500, n))
        nxt = close + gap
        keep = again & (nxt <= end) & (ages_on(dob[child], nxt) < 18)
        child, date_ = child[keep], nxt[keep]
    refs = pd.concat(out, ignore_index=True)
    refs = refs[refs["referral_date"] >= start].reset_index(drop=True)
    return refs, dob


# A looked-after child's referral as _care_referrals builds it, plan dates before the codes are drawn.
_LAC_REFERRAL_COLUMNS = [
    "child_id",
    "referral_date",
    "nfa",
    "assessment_start_date",
    "assessment_authorised_date",
    "closure_date",
    "closure_reason",
    "cin_start",
    "cin_end",
    "cp_start",
    "cp_end",
]
# Closure reason of the referral before a period of care, by the period's REC.
_CLOSURE_OF_REC = {
    "E11": "RC1",
    "E12": "RC1",
    "E2": "RC2",
    "E41": "RC3",
    "E45": "RC4",
    "E46": "RC4",
    "E47": "RC4",
    "E48": "RC4",
    "E3": "RC5",
    "E7": "RC6",
}


def simulate(rng: np.random.Generator, lac: dict, *, end_date: date, scale: float) -> dict:
    end = days(end_date)
    window_start = days(end_date.replace(year=end_date.year - 10))
    lac_children = lac["children"]
    ep = lac["episodes"]
    refs, others = _never_looked_after(rng, lac_children, window_start, end, scale)
    first_start = max(window_start, days(end_date.replace(year=end_date.year - 8)))
    lac_uasc = set(lac_children.loc[lac_children["uasc"], "child_id"])
    eoc = edge_of_care(rng, lac, refs, others, first_start, end, scale)
    entry_by_int = dict(zip(zip(eoc["child_id"], eoc["end_date"], strict=False), eoc["referral_date"], strict=False))
    nonsb = ep[~ep["LS"].isin(["V3", "V4"])]
    rows = _care_referrals(rng, nonsb, lac["periods"], entry_by_int, lac_uasc)
    # Short-break children: a disability referral and a CIN plan that runs through the series.
    sb = ep[ep["LS"].isin(["V3", "V4"])].groupby("CHILD").agg(s=("DECOM", "min"), e=("DEC", "max"))
    for child, s, e in sb.itertuples():
        rdate = int(s) - int(rng.integers(60, 400))
        a_a = rdate + int(rng.integers(20, 45))
        rows.append((child, rdate, "N", rdate + 3, a_a, e + 60, "RC7", a_a + 5, e + 30, np.nan, np.nan))
    lac_refs = _not_before_pregnancy(pd.DataFrame(rows, columns=_LAC_REFERRAL_COLUMNS), lac_children)
    all_refs = pd.concat([refs.drop(columns=["child"]), lac_refs], ignore_index=True)
    all_refs = _coded(rng, all_refs, dict(zip(nonsb["CHILD"], nonsb["CIN"], strict=False)), set(sb.index))
    # A CP plan starts at its initial conference, which is never held at a weekend (synthetic/section_47.py).
    all_refs["cp_start"] = weekday(all_refs["cp_start"])
    all_refs = _one_episode_at_a_time(all_refs)

    children = pd.concat([lac_children.drop(columns=["upn", "upn_unknown"]), others], ignore_index=True)
    first_ref = all_refs.groupby("child_id")["referral_date"].min()
    first_care = ep.groupby("CHILD")["DECOM"].min()
    known = pd.concat([first_ref, first_care]).groupby(level=0).min()
    children["known_from"] = children["child_id"].map(known).to_numpy()
    return {"children": children, "referrals": all_refs, "edge_of_care": eoc}


def _never_looked_after(
    rng: np.random.Generator, lac_children: pd.DataFrame, window_start: int, end: int, scale: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Referral chains of children never looked after, and those children."""
    refs, dob = _referral_chain(rng, int(round(4700 * scale * 10.4)), window_start, end)
    used = np.unique(refs["child"])
    ids = make_ids(rng, len(used), "C", exclude=set(lac_children["child_id"]))
    idmap = pd.Series(ids, index=used)
    refs["child_id"] = idmap.loc[refs["child"]].to_numpy()
    n = len(used)
    others = pd.DataFrame(
        {
            "child_id": ids,
            "dob": dob[used],
            "sex": pick(rng, {1: 51.0, 2: 48.7, 0: 0.15, 9: 0.15}, size=n).astype(int),
            "uasc": False,
            "disabled": rng.random(n) < 0.08,
        }
    )
    others["ethnicity"] = ethnicities(rng, np.zeros(n, bool))
    others["lac"] = False
    return refs, others


def _care_referrals(
    rng: np.random.Generator, nonsb: pd.DataFrame, periods: pd.DataFrame, entry_by_int: dict, lac_uasc: set[str]
) -> list[tuple]:
    """One referral (and often a CP plan) before each period of care."""
    rows = []
    starts_rne = nonsb[nonsb["RNE"] == "S"][["CHILD", "DECOM"]]
    ends = periods.set_index(["child_id", "start"])
    for child, decom in starts_rne.itertuples(index=False):
        decom = int(decom)
        k = (child, decom)
        prior = entry_by_int.get(k)
        if prior is not None:
            rdate = int(prior) - int(rng.integers(10, 90))
        else:
            rdate = decom - int(np.clip(rng.exponential(70), 0, 400))
        if child in lac_uasc:
            rdate = decom - int(rng.integers(0, 3))
        try:
            pend, prec = ends.loc[k, ["end", "rec"]]
        except KeyError:
            pend, prec = np.nan, "E8"
        a_s = rdate + int(rng.integers(0, 5))
        a_a = a_s + int(rng.integers(5, 40))
        cp = child not in lac_uasc and decom - rdate > 25 and rng.random() < 0.6
        cp_s = rdate + int(rng.integers(10, max(11, min(60, decom - rdate - 5)))) if cp else np.nan
        cin_s = cin_e = np.nan
        close = pend + int(rng.integers(0, 30)) if not np.isnan(pend) else np.nan
        if prec in ("E4A", "E4B") and rng.random() < 0.45:
            cin_s, cin_e = pend, pend + int(rng.integers(60, 500))
            close = cin_e + int(rng.integers(0, 20))
        reason = _CLOSURE_OF_REC.get(prec, "RC7")
        rows.append((child, rdate, "N", a_s, a_a, close, reason, cin_s, cin_e, cp_s, decom if cp else np.nan))
    return rows


def _coded(rng: np.random.Generator, all_refs: pd.DataFrame, lac_need: dict, sb_children: set) -> pd.DataFrame:
    """Source, primary need and CP category of every referral, then referral ids in date order."""
    nr = len(all_refs)
    all_refs["referral_source"] = pick(rng, SOURCES, size=nr)
    need = pick(rng, NEEDS, size=nr)
    need = np.where(all_refs["child_id"].isin(lac_need), all_refs["child_id"].map(lac_need).fillna("N1"), need)
    need = np.where(all_refs["child_id"].isin(sb_children), "N2", need)
    all_refs["primary_need"] = need
    all_refs["cp_category"] = pick(rng, CP_CATEGORY, size=nr)
    all_refs = all_refs.sort_values(["referral_date", "child_id"], kind="stable").reset_index(drop=True)
    all_refs["referral_id"] = [f"R{i:08d}" for i in range(1, nr + 1)]
    return all_refs


def _not_before_pregnancy(refs: pd.DataFrame, children: pd.DataFrame) -> pd.DataFrame:
    """A baby's referral no earlier than 40 weeks before birth (CIN census rule 8606), the dates after it with it."""
    floor = refs["child_id"].map(dict(zip(children["child_id"], children["dob"], strict=False))) - 270
    refs["referral_date"] = np.maximum(refs["referral_date"], floor)
    for column in ("assessment_start_date", "assessment_authorised_date", "cp_start", "cin_start"):
        refs[column] = np.maximum(refs[column].astype(float), refs["referral_date"])
    return refs


def _one_episode_at_a_time(refs: pd.DataFrame) -> pd.DataFrame:
    """A referral still open when the child's next begins closes the day before, its plans with it: one CIN
    episode at a time (CIN census rules 8815, 8820), no CIN plan beside a later episode's CP plan (4017)."""
    order = refs.sort_values(["child_id", "referral_date"], kind="stable")
    nxt = order.groupby("child_id")["referral_date"].shift(-1).astype(float)
    close = order["closure_date"].astype(float)
    over = nxt.notna() & (close.isna() | (close >= nxt))
    cut = np.maximum(nxt - 1, order["referral_date"].astype(float))[over]
    refs = refs.copy()
    refs.loc[cut.index, "closure_date"] = cut
    refs.loc[cut.index, "closure_reason"] = "RC7"
    for column in ("assessment_start_date", "assessment_authorised_date"):
        refs.loc[cut.index, column] = np.minimum(refs.loc[cut.index, column].astype(float), cut)
    for prefix in ("cin", "cp"):
        start, end = refs.loc[cut.index, f"{prefix}_start"], refs.loc[cut.index, f"{prefix}_end"].astype(float)
        gone = start >= cut
        refs.loc[cut.index, f"{prefix}_end"] = np.where(gone, np.nan, np.fmin(end.fillna(cut), cut))
        refs.loc[gone[gone].index, f"{prefix}_start"] = np.nan
    # and no assessment authorised after its referral closed (rule 8565: activity after closure)
    auth, close = refs["assessment_authorised_date"].astype(float), refs["closure_date"].astype(float)
    refs["assessment_authorised_date"] = np.where(close < auth, close, auth)
    return refs


def snapshot(world: dict, extract: int) -> dict[str, pd.DataFrame]:
    ch = world["children"]
    ch = ch[ch["known_from"] <= extract].sort_values("child_id")
    children = pd.DataFrame(
        {
            "child_id": ch["child_id"].values,
            "sex": ch["sex"].astype(int).values,
            "date_of_birth": fmt_dates(ch["dob"]).values,
            "ethnicity": ch["ethnicity"].values,
            "disability": np.where(ch["disabled"], "Y", "N"),
            "uasc": np.where(ch["uasc"], "Y", "N"),
        }
    )

    r = world["referrals"]
    r = r[r["referral_date"] <= extract]

    def known(col):
        v = r[col].to_numpy(dtype=float)
        return np.where(v <= extract, v, np.nan)

    closure = known("closure_date")
    referrals = pd.DataFrame(
        {
            "referral_id": r["referral_id"].values,
            "child_id": r["child_id"].values,
            "referral_date": fmt_dates(r["referral_date"]).values,
            "referral_source": r["referral_source"].values,
            "primary_need": r["primary_need"].values,
            "nfa": r["nfa"].values,
            "assessment_start_date": fmt_dates(known("assessment_start_date")).values,
            "assessment_authorised_date": fmt_dates(known("assessment_authorised_date")).values,
            "closure_date": fmt_dates(closure).values,
            "closure_reason": np.where(np.isnan(closure), "", r["closure_reason"].values),
        }
    )

    def plans(prefix):
        p = r[r[f"{prefix}_start"].notna() & (r[f"{prefix}_start"] <= extract)]
        # One plan per child and start date (the key): two referrals can lead to the same day's plan.
        p = p.drop_duplicates(subset=["child_id", f"{prefix}_start"])
        e = p[f"{prefix}_end"].to_numpy(dtype=float)
        e = np.where(e <= extract, e, np.nan)
        return p, e

    p, e = plans("cin")
    cin = pd.DataFrame(
        {
            "child_id": p["child_id"].values,
            "plan_start_date": fmt_dates(p["cin_start"]).values,
            "plan_end_date": fmt_dates(e).values,
        }
    )
    p, e = plans("cp")
    cp = pd.DataFrame(
        {
            "child_id": p["child_id"].values,
            "plan_start_date": fmt_dates(p["cp_start"]).values,
            "plan_end_date": fmt_dates(e).values,
            "initial_category": p["cp_category"].values,
        }
    )

    x = world["edge_of_care"]
    x = x[x["referral_date"] <= extract]
    s = np.where(x["start_date"] <= extract, x["start_date"], np.nan)
    e = np.where(x["end_date"] <= extract, x["end_date"], np.nan)
    edge = pd.DataFrame(
        {
            "intervention_id": x["intervention_id"].values,
            "child_id": x["child_id"].values,
            "service": x["service"].values,
            "referral_date": fmt_dates(x["referral_date"]).values,
            "start_date": fmt_dates(s).values,
            "end_date": fmt_dates(e).values,
            "end_reason": np.where(np.isnan(e), "", x["end_reason"].values),
        }
    )
    tables = {"children": children, "referrals": referrals, "cin_plans": cin, "cp_plans": cp, "edge_of_care": edge}
    return tables | {"section_47": section_47_snapshot(world["section_47"], extract)}
