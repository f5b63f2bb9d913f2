"""Edge-of-care interventions: some end with the child entering care, the rest work with children on a plan.

Part of the case extract (case.py). Interventions that ended with entry into care are matched to periods
of care, so the referral before each of those periods can be dated before the intervention's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .common import ages_on, pick

SERVICES = {  # starts a year at scale 1, ages at start, share ending with the child entering care
    "ATC": (60, 11, 17, 0.40),
    "MST": (35, 11, 17, 0.22),
    "FGC": (70, 0, 17, 0.18),
    "SFSS": (45, 0, 17, 0.18),
    "FIP": (45, 0, 17, 0.12),
    "SPACE": (35, 0, 0, 0.30),
}
_EOC_DAYS = {  # length of an intervention on a plan, days (low, high)
    "ATC": (60, 200),
    "MST": (90, 160),
    "FGC": (14, 70),
    "SFSS": (60, 240),
    "FIP": (90, 365),
    "SPACE": (120, 365),
}


def edge_of_care(
    rng: np.random.Generator,
    lac: dict,
    refs: pd.DataFrame,
    others: pd.DataFrame,
    first_start: int,
    end: int,
    scale: float,
) -> pd.DataFrame:
    """Interventions: some ended with the child entering care, the rest with children on a plan."""
    lac_children, periods = lac["children"], lac["periods"]
    lac_dob = dict(zip(lac_children["child_id"], lac_children["dob"], strict=False))
    lac_uasc = set(lac_children.loc[lac_children["uasc"], "child_id"])
    care = periods[(periods["start"] >= first_start + 150) & ~periods["child_id"].isin(lac_uasc)].copy()
    care["age"] = ages_on(care["child_id"].map(lac_dob).to_numpy(), care["start"].to_numpy())
    care = care.sample(frac=1.0, random_state=int(rng.integers(2**31))).reset_index(drop=True)
    taken = np.zeros(len(care), bool)
    interventions = []
    years = (end - first_start) / 365.25
    for service, (per_year, lo, hi, entered) in SERVICES.items():
        total = rng.poisson(per_year * scale * years)
        k_in = int(round(total * entered))
        ok = np.flatnonzero(~taken & (care["age"].between(lo, hi)).to_numpy())[:k_in]
        taken[ok] = True
        for i in ok:
            p = care.iloc[i]
            s = int(p["start"]) - int(rng.integers(14, 150))
            interventions.append(
                (service, p["child_id"], s - int(rng.integers(0, 21)), s, int(p["start"]), "ENTERED_CARE")
            )
        interventions += _on_a_plan(rng, service, total - len(ok), refs, others, first_start, (lo, hi))
    eoc = pd.DataFrame(
        interventions, columns=["service", "child_id", "referral_date", "start_date", "end_date", "end_reason"]
    )
    eoc = eoc.sort_values(["referral_date", "child_id"], kind="stable").reset_index(drop=True)
    eoc.insert(0, "intervention_id", [f"EOC{i:06d}" for i in range(1, len(eoc) + 1)])
    return eoc


def _on_a_plan(
    rng: np.random.Generator,
    service: str,
    k_out: int,
    refs: pd.DataFrame,
    others: pd.DataFrame,
    first_start: int,
    ages: tuple[int, int],
) -> list[tuple]:
    """The service's work with children on a CIN or CP plan who never come into care."""
    lo, hi = ages
    plan_start = refs["cp_start"].fillna(refs["cin_start"])
    rdob = others.set_index("child_id").loc[refs["child_id"], "dob"].to_numpy()
    cand = refs[plan_start.notna() & (plan_start >= first_start)]
    cand_age = ages_on(rdob[cand.index], plan_start[cand.index].to_numpy().astype(int))
    cand = cand[(cand_age >= lo) & (cand_age <= hi)]
    pickx = rng.choice(len(cand), size=min(k_out, len(cand)), replace=False)
    c = cand.iloc[np.sort(pickx)]
    s = plan_start[c.index].to_numpy().astype(int) + rng.integers(0, 60, len(c))
    e = s + rng.integers(*_EOC_DAYS[service], len(c))
    why = pick(rng, {"COMPLETED": 68, "DISENGAGED": 20, "MOVED_AWAY": 5, "OTHER": 7}, size=len(c))
    return [
        (service, cid, si - int(rng.integers(0, 21)), si, ei, w)
        for cid, si, ei, w in zip(c["child_id"], s, e, why, strict=False)
    ]
