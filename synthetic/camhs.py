"""CAMHS: referrals with waits, list closures and the planned waiting-list trajectory.

Waits are drawn, not queued: each pathway has a typical wait that drifts over the years (and rises
before a list closure), which is enough to give waiting lists in the bands the council reported
(DOMAIN.md 5) without a slow queue simulation. A quarter of referrals are children known to social
care (patient_id = their case child_id); looked_after is recomputed from the true episodes.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .common import days, fmt_dates, make_ids, pick, week_endings
from .people import no_leap_day

# referrals a year at scale 1, accepted share, median wait to first contact (days), urgent share
PATHWAYS = {
    "CORE": (1650, 0.80, 55, 0.06),
    "ADHD": (420, 0.88, 175, 0.0),
    "ASD": (400, 0.88, 150, 0.0),
    "EATING_DISORDER": (78, 0.95, 10, 0.25),
    "CRISIS": (400, 0.97, 0, 1.0),
}
SOURCES = {
    "GP": 48,
    "SCHOOL": 16,
    "PAEDIATRICS": 8,
    "SOCIAL_CARE": 6,
    "A_AND_E": 6,
    "SELF": 5,
    "HEALTH_VISITOR": 3,
    "OTHER": 8,
}


def simulate(rng: np.random.Generator, case: dict, lac: dict, *, end_date: date, scale: float) -> dict:
    end = days(end_date)
    start = days(end_date.replace(year=end_date.year - 10))
    # One ADHD/ASD closure of about five months, a few years back (as in 2015).
    c_from = days(date(end_date.year - 4, 7, 1))
    c_to = days(date(end_date.year - 4, 12, 15))
    closures = pd.DataFrame({"pathway": ["ADHD", "ASD"], "closed_from": [c_from, c_from], "closed_to": [c_to, c_to]})
    frames = [_pathway(rng, pathway, start, end, scale, (c_from, c_to)) for pathway in PATHWAYS]
    refs = pd.concat(frames, ignore_index=True)
    refs = refs.sort_values(["referral_received_date", "pathway"], kind="stable").reset_index(drop=True)
    n = len(refs)
    refs["referral_source"] = pick(rng, SOURCES, size=n)
    refs.loc[refs["pathway"] == "CRISIS", "referral_source"] = "A_AND_E"
    _link_patients(rng, refs, case["children"])
    rdate = refs["referral_received_date"].to_numpy()
    refs["looked_after"] = np.where(_looked_after(lac["episodes"], refs["patient_id"].to_numpy(), rdate), "Y", "N")
    refs.insert(0, "referral_id", [f"CR{i:07d}" for i in range(1, n + 1)])
    trajectory = _trajectory(rng, refs, start, end)
    return {"referrals": refs.drop(columns=["age_lo", "age_hi"]), "list_closures": closures, "trajectory": trajectory}


def _pathway(
    rng: np.random.Generator, pathway: str, start: int, end: int, scale: float, closed: tuple[int, int]
) -> pd.DataFrame:
    """One pathway's referrals with their contacts and discharges (epoch days, NaN when none)."""
    per_year, acc, median, urgent = PATHWAYS[pathway]
    c_from, c_to = closed
    n = rng.poisson(per_year * scale * (end - start) / 365.25)
    # demand grew over the decade
    rec = np.sort(
        start
        + ((end - start) * np.sqrt(rng.random(n) * 0.55 + 0.45) - (end - start) * np.sqrt(0.45)) / (1 - np.sqrt(0.45))
    ).astype(int)
    if pathway in ("ADHD", "ASD"):
        rec = rec[(rec < c_from) | (rec > c_to)]
    n = len(rec)
    accepted = rng.random(n) < acc
    urg = rng.random(n) < urgent
    wait, first, treat = _contacts(rng, pathway, median, rec, urg, start, c_from)
    first, treat, discharge, reason = _discharges(rng, pathway, accepted, rec, wait, first, treat)
    age_lo, age_hi = {"ADHD": (5, 17), "ASD": (2, 17), "EATING_DISORDER": (10, 17), "CRISIS": (11, 17)}.get(
        pathway, (4, 17)
    )
    return pd.DataFrame(
        {
            "pathway": pathway,
            "referral_received_date": rec,
            "priority": np.where(urg, "URGENT", "ROUTINE"),
            "accepted": np.where(accepted, "Y", "N"),
            "first_contact_date": first,
            "treatment_start_date": treat,
            "discharge_date": discharge,
            "discharge_reason": reason,
            "age_lo": age_lo,
            "age_hi": age_hi,
        }
    )


def _contacts(
    rng: np.random.Generator,
    pathway: str,
    median: float,
    rec: np.ndarray,
    urg: np.ndarray,
    start: int,
    c_from: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Wait to first contact, first contact and treatment start of every referral, accepted or not."""
    n = len(rec)
    t = (rec - start) / 365.25
    drift = 1 + 0.35 * np.sin(2 * np.pi * t / 4.5 + (1.3 if pathway == "ASD" else 0.0))
    if pathway in ("ADHD", "ASD"):
        drift = drift * (1 + 0.5 * np.exp(-(((rec - c_from) / 200.0) ** 2)))
    if pathway == "CRISIS":
        wait = rng.integers(0, 2, n)
    elif pathway == "EATING_DISORDER":
        wait = np.where(urg, rng.integers(1, 7, n), rng.integers(5, 32, n))
    else:
        w = rng.lognormal(np.log(median), 0.55, n) * drift
        wait = np.where(urg, rng.integers(1, 10, n), np.clip(w, 7, 900)).astype(int)
    first = rec + wait
    gap = {"CORE": (14, 70), "ADHD": (30, 140), "ASD": (30, 120), "EATING_DISORDER": (0, 7), "CRISIS": (1, 14)}[pathway]
    treat = first + rng.integers(*gap, n)
    if pathway == "EATING_DISORDER":
        # NICE standard: treatment starts within 1 week (urgent) / 4 weeks (routine) for most.
        treat = np.where(urg, rec + rng.integers(1, 9, n), rec + rng.integers(7, 33, n))
        first = np.minimum(first, treat - 1)
        first = np.maximum(first, rec)
    return wait, first, treat


def _discharges(
    rng: np.random.Generator,
    pathway: str,
    accepted: np.ndarray,
    rec: np.ndarray,
    wait: np.ndarray,
    first: np.ndarray,
    treat: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """First contact, treatment, discharge and its reason once one-contact cases and drop-outs are known."""
    n = len(rec)
    one_contact = rng.random(n) < (0.7 if pathway == "CRISIS" else 0.24)
    treat = np.where(one_contact, np.nan, treat)
    # Some leave the list before being seen (moved, recovered, declined).
    drop = accepted & (rng.random(n) < (0.06 if pathway in ("CORE", "ADHD", "ASD") else 0.01))
    drop_at = rec + (wait * rng.uniform(0.1, 0.95, n)).astype(int)
    discharge = np.where(
        one_contact, first + rng.integers(0, 30, n), treat + rng.lognormal(np.log(150), 0.7, n).astype(int)
    )
    reason = np.where(
        one_contact,
        pick(rng, {"ASSESSED_NO_TREATMENT": 60, "SIGNPOSTED": 40}, size=n),
        pick(
            rng,
            {"TREATMENT_COMPLETED": 75, "DID_NOT_ATTEND": 10, "DECLINED": 5, "TRANSFERRED": 5, "MOVED_AWAY": 5},
            size=n,
        ),
    )
    first = np.where(drop, np.nan, first)
    treat = np.where(drop, np.nan, treat)
    discharge = np.where(drop, drop_at.astype(float), discharge)
    reason = np.where(
        drop, pick(rng, {"MOVED_AWAY": 30, "NO_LONGER_REQUIRED": 45, "DID_NOT_ATTEND": 25}, size=n), reason
    )
    first = np.where(accepted, first, np.nan)
    treat = np.where(accepted, treat, np.nan)
    discharge = np.where(accepted, discharge, np.nan)
    reason = np.where(accepted, reason, "")
    return first, treat, discharge, reason


def _link_patients(rng: np.random.Generator, refs: pd.DataFrame, children: pd.DataFrame) -> None:
    """patient_id, dob and sex: about a quarter children known to social care, looked-after children favoured."""
    n = len(refs)
    linked = rng.random(n) < 0.25
    age = rng.integers(refs["age_lo"], refs["age_hi"] + 1)
    refs["patient_id"] = ""
    refs["dob"] = np.nan
    refs["sex"] = 0
    ch_dob = children["dob"].to_numpy()
    ch_known = children["known_from"].to_numpy()
    ch_lac = children["lac"].to_numpy()
    idx_linked = np.flatnonzero(linked)
    rdate = refs["referral_received_date"].to_numpy()
    lac_j = np.flatnonzero(ch_lac)
    age_lo = refs["age_lo"].to_numpy()
    for i in idx_linked:
        # a child of the right age already known to social care; looked-after children favoured
        for _ in range(8):
            j = int(rng.integers(len(children)))
            if rng.random() < 0.3:
                j = int(lac_j[rng.integers(len(lac_j))])
            a = (rdate[i] - ch_dob[j]) / 365.25
            if age_lo[i] <= a < 18 and ch_known[j] <= rdate[i]:
                refs.at[i, "patient_id"] = children["child_id"].iat[j]
                refs.at[i, "dob"] = ch_dob[j]
                refs.at[i, "sex"] = children["sex"].iat[j]
                break
    un = refs["patient_id"] == ""
    k = int(un.sum())
    refs.loc[un, "patient_id"] = make_ids(rng, k, "P")
    refs.loc[un, "dob"] = no_leap_day(
        (rdate[un.to_numpy()] - age[un.to_numpy()] * 365.25 - rng.integers(0, 365, k)).astype(int)
    )
    refs.loc[un, "sex"] = np.where(
        rng.random(k)
        < np.where(
            refs.loc[un, "pathway"].isin(["ADHD", "ASD"]),
            0.7,
            np.where(refs.loc[un, "pathway"] == "EATING_DISORDER", 0.1, 0.45),
        ),
        1,
        2,
    )


def _looked_after(episodes: pd.DataFrame, ids: np.ndarray, on: np.ndarray) -> np.ndarray:
    """DOMAIN.md 4.1: an episode with DECOM <= D < DEC (or open), short breaks (V3/V4) excluded."""
    ep = episodes[~episodes["LS"].isin(["V3", "V4"])][["CHILD", "DECOM", "DEC"]]
    q = pd.DataFrame({"CHILD": ids, "D": on, "i": np.arange(len(ids))})
    m = q.merge(ep, on="CHILD")
    hit = (m["DECOM"] <= m["D"]) & (m["DEC"].isna() | (m["DEC"] > m["D"]))
    out = np.zeros(len(ids), bool)
    out[m.loc[hit, "i"].to_numpy()] = True
    return out


def _trajectory(rng, refs: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """Planned list per Sunday: the actual list smoothed, then an improving plan for 26 weeks ahead."""
    weeks = week_endings(start, end + 26 * 7)
    rows = []
    acc = refs[refs["accepted"] == "Y"]
    for pathway in PATHWAYS:
        r = acc[acc["pathway"] == pathway]
        rec = r["referral_received_date"].to_numpy()
        stop = np.fmin(r["first_contact_date"].to_numpy(), r["discharge_date"].to_numpy())
        stop = np.where(np.isnan(stop), np.inf, stop)
        past = weeks[weeks <= end]
        lst = np.array([np.sum((rec <= w) & (stop > w)) for w in past], dtype=float)
        smooth = pd.Series(lst).rolling(8, min_periods=1).mean().to_numpy()
        plan_past = smooth * rng.uniform(0.85, 1.0)
        last = plan_past[-1] if len(plan_past) else 0
        ahead = weeks[weeks > end]
        plan_ahead = last * (1 - 0.2 * np.arange(1, len(ahead) + 1) / len(ahead))
        for w, v in zip(weeks, np.concatenate([plan_past, plan_ahead]), strict=False):
            rows.append((w, pathway, int(round(v))))
    return pd.DataFrame(rows, columns=["week_ending", "pathway", "planned_waiting_list"])


def snapshot(world: dict, extract: int) -> dict[str, pd.DataFrame]:
    r = world["referrals"]
    r = r[r["referral_received_date"] <= extract]

    def known(col):
        v = r[col].to_numpy(dtype=float)
        return np.where(v <= extract, v, np.nan)

    dis = known("discharge_date")
    referrals = pd.DataFrame(
        {
            "referral_id": r["referral_id"].values,
            "patient_id": r["patient_id"].values,
            "date_of_birth": fmt_dates(r["dob"]).values,
            "sex": r["sex"].astype(int).values,
            "referral_received_date": fmt_dates(r["referral_received_date"]).values,
            "referral_source": r["referral_source"].values,
            "pathway": r["pathway"].values,
            "priority": r["priority"].values,
            "accepted": r["accepted"].values,
            "first_contact_date": fmt_dates(known("first_contact_date")).values,
            "treatment_start_date": fmt_dates(known("treatment_start_date")).values,
            "discharge_date": fmt_dates(dis).values,
            "discharge_reason": np.where(np.isnan(dis), "", r["discharge_reason"].values),
            "looked_after": r["looked_after"].values,
        }
    )
    lc = world["list_closures"]
    lc = lc[lc["closed_from"] <= extract]
    closures = pd.DataFrame(
        {
            "pathway": lc["pathway"].values,
            "closed_from": fmt_dates(lc["closed_from"]).values,
            "closed_to": fmt_dates(np.where(lc["closed_to"] <= extract, lc["closed_to"], np.nan)).values,
        }
    )
    t = world["trajectory"]
    # The plan for weeks ahead is set when the extract is taken: 26 weeks ahead of it.
    t = t[t["week_ending"] <= extract + 26 * 7]
    trajectory = pd.DataFrame(
        {
            "week_ending": fmt_dates(t["week_ending"]).values,
            "pathway": t["pathway"].values,
            "planned_waiting_list": t["planned_waiting_list"].values,
        }
    )
    return {"referrals": referrals, "list_closures": closures, "trajectory": trajectory}
