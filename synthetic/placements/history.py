"""The county's true looked-after history: who comes into care when, short-break series, the window.

It starts 18 years before the 10-year window so the children already in care when the window opens
have believable histories (and an earlier DECOM); periods that ended before the window are dropped.
Reviews, missing episodes and motherhood are derived from the episodes once they are known.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from ..common import birthday, days, make_ids, pick
from ..people import ethnicities, no_leap_day, upns
from ..postcodes import PostcodePool
from ..providers import Registry
from .codes import EPISODE_COLUMNS
from .extras import extras
from .outcomes import collection_year_of, oc2, oc3
from .permanence import adoptions, previous_permanence
from .simulator import CareSimulator
from .social_work import dolo, sw_episodes


def simulate(rng: np.random.Generator, pool: PostcodePool, registry: Registry, *, end_date: date, scale: float) -> dict:
    """True history of every looked-after child (episodes with internal columns) plus child attributes."""
    end = days(end_date)
    window_start = days(end_date.replace(year=end_date.year - 10))
    burn = days(end_date.replace(year=end_date.year - 28))
    sim = CareSimulator(rng, pool, registry, end)
    entrants = _entrants(rng, burn, window_start, end, scale)
    ids = make_ids(rng, len(entrants), "C")
    for i, (dob, sex, uasc, disabled, start) in enumerate(entrants.itertuples(index=False)):
        sim.simulate_child(ids[i], int(dob), int(sex), bool(uasc), bool(disabled), int(start))
    entrants.insert(0, "child_id", ids)
    sb_children, sb_rows = _short_breaks(rng, sim, registry, set(ids), window_start, end, scale)

    cols = EPISODE_COLUMNS + ["placement_key", "provider_id", "kind"]
    ep = pd.DataFrame(sim.rows + sb_rows, columns=cols)
    ep["DECOM"] = ep["DECOM"].astype("int64")
    ep["DEC"] = ep["DEC"].astype("float64")
    # Keep periods that reach into the window; whole periods, so each still opens with RNE = S.
    ep["period"] = (ep["RNE"] == "S").cumsum()  # rows are appended period by period
    pend = ep.groupby("period")["DEC"].transform("max")
    ep = ep[(pend >= window_start) & (ep.groupby("period")["DECOM"].transform("min") <= end)]
    ep = ep.reset_index(drop=True)

    children = pd.concat([entrants.drop(columns=["start"]), sb_children], ignore_index=True)
    children = _child_attributes(rng, children[children["child_id"].isin(set(ep["CHILD"]))].reset_index(drop=True))
    periods = pd.DataFrame(sim.periods, columns=["child_id", "start", "end", "rec", "route"])
    periods = periods[periods["child_id"].isin(set(children["child_id"])) & (periods["end"] >= window_start)]
    world = {"episodes": ep, "children": children, "periods": periods.reset_index(drop=True)}
    world |= extras(rng, ep, children, end)
    return world | _other_tables(rng, world, window_start, end, scale)


def _other_tables(rng: np.random.Generator, world: dict, window_start: int, end: int, scale: float) -> dict:
    """The 903 tables beyond the landing contract's first five, drawn after them so those stay as they were."""
    ep, periods = world["episodes"], world["periods"]
    dob = dict(zip(world["children"]["child_id"], world["children"]["dob"], strict=False))
    years = range(collection_year_of(window_start), collection_year_of(end + 1))  # complete years only
    placed, ad1 = adoptions(rng, ep, dob)
    return {
        "oc2": oc2(rng, ep, dob, years),
        "oc3": oc3(rng, periods, dob, end),
        "ad1": ad1,
        "placed_for_adoption": placed,
        "previous_permanence": previous_permanence(rng, ep, dob),
        "sw_episodes": sw_episodes(rng, ep, dob, scale),
        "dolo": dolo(rng, ep, dob),
    }


def _entrants(rng: np.random.Generator, burn: int, window_start: int, end: int, scale: float) -> pd.DataFrame:
    """First entry into care: dob, sex, uasc, disabled, start (column order is the simulation's)."""
    # First-time entrants per year: rising from ~230 to ~280 across the window (re-entries add ~10%).
    starts = []
    for y0 in np.arange(burn, end + 1, 365):
        frac = np.clip((y0 - window_start) / (end - window_start), 0, 1)
        lam = (238 + 24 * frac) * scale
        k = rng.poisson(lam)
        starts.append(y0 + rng.integers(0, 365, size=k))
    start = np.sort(np.concatenate(starts))
    start = start[start <= end]
    n = len(start)
    uasc = rng.random(n) < 0.075
    # UASC arrivals mostly from 2015 on
    uasc &= start >= days(date(2014, 1, 1))
    band = pick(rng, {"0": 21, "1-4": 16, "5-10": 18, "11-15": 33, "16-17": 12}, size=n)
    lo = np.select([band == "0", band == "1-4", band == "5-10", band == "11-15"], [0, 1, 5, 11], 16)
    hi = np.select([band == "0", band == "1-4", band == "5-10", band == "11-15"], [1, 5, 11, 16], 18)
    lo = np.where(uasc, np.where(rng.random(n) < 0.3, 14, 16), lo)
    hi = np.where(uasc, np.where(lo == 14, 16, 18), hi)
    age_days = (lo * 365.25 + rng.random(n) * (hi - lo) * 365.25 - 2).astype(int)
    # newborns come into care in their first weeks more often than later in the year
    age_days = np.where(band == "0", (rng.exponential(60, n)).astype(int) % 360, age_days)
    dob = no_leap_day(start - np.maximum(age_days, 0))
    sex = np.where(uasc, np.where(rng.random(n) < 0.92, 1, 2), np.where(rng.random(n) < 0.515, 1, 2))
    disabled = rng.random(n) < np.where(uasc, 0.01, 0.115)
    return pd.DataFrame({"dob": dob, "sex": sex, "uasc": uasc, "disabled": disabled, "start": start})


def _short_breaks(
    rng: np.random.Generator,
    sim: CareSimulator,
    registry: Registry,
    taken: set[str],
    window_start: int,
    end: int,
    scale: float,
) -> tuple[pd.DataFrame, list[list]]:
    """Short-break series (V3: every stay an episode; V4: agreements), for disabled children at home."""
    n_sb = int(round(40 * scale))
    sb_ids = make_ids(rng, n_sb, "C", exclude=taken)
    sb_dob = no_leap_day(end - (rng.integers(6 * 365, 17 * 365, size=n_sb)))
    sb_sex = np.where(rng.random(n_sb) < 0.62, 1, 2)
    sb_rows = []
    for i in range(n_sb):
        b5, b18 = birthday(int(sb_dob[i]), 5), birthday(int(sb_dob[i]), 18)
        first = max(b5, window_start - 365) + int(rng.integers(0, 6 * 365))
        last = min(b18 - 1, first + int(rng.integers(2 * 365, 8 * 365)))
        prov = registry.draw(rng, "SHORT_BREAK")
        v4 = rng.random() < 0.3
        t = first
        while t < last and t <= end:
            if v4:
                e = min(t + int(rng.integers(90, 366)), last)
                ls = "V4"
            else:
                e = min(t + int(rng.integers(1, 4)), last)
                ls = "V3"
            if e <= t:
                break
            key = sim.next_key
            sim.next_key += 1
            # Short breaks carry no URN or postcode (rule 214) yet K2 needs a URN (218): R1 needs neither.
            sb_rows.append(
                [sb_ids[i], t, "S", ls, "N2", "R1", prov.pr, e, "E4A", "", "", "", ""]
                + [key, prov.provider_id, "SHORT_BREAK"]
            )
            t = e + (int(rng.integers(1, 10)) if v4 else int(rng.integers(10, 40)))
    children = pd.DataFrame({"child_id": sb_ids, "dob": sb_dob, "sex": sb_sex, "uasc": False, "disabled": True})
    return children, sb_rows


def _child_attributes(rng: np.random.Generator, children: pd.DataFrame) -> pd.DataFrame:
    """Ethnicity and UPN (with its unknown-UPN code) of the children kept."""
    children["ethnicity"] = ethnicities(rng, children["uasc"].to_numpy())
    children["upn"] = upns(rng, len(children))
    children["upn_unknown"] = pick(rng, {"": 97.5, "UN2": 1.0, "UN3": 0.7, "UN5": 0.8}, size=len(children))
    children.loc[children["uasc"] & (rng.random(len(children)) < 0.25), "upn_unknown"] = "UN2"
    children["lac"] = True
    return children
