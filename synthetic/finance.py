"""Finance: placement commitments (one per paid placement, plus post-order allowances) and budgets.

A placement (DOMAIN.md 4.3) runs across RNE L/T/U episodes and temporary absences; its budget line is
the DOMAIN.md 4.7 line of its first episode (so a foster-to-adopt placement stays on
CONCURRENT_ADOPTION through its A5 episode). Commitments carry the true end date once it has happened,
and before that an optional planned end (a forecast, which may prove wrong).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .common import birthday, days, fmt_dates, to_date
from .placements import TEMPORARY, budget_line
from .providers import COUNCIL

# Weekly cost at the end date (GBP), spread as a fraction either side (DOMAIN.md 5).
WEEKLY = {
    "IFA": (820, 0.12),
    "RES_HOME": (3200, 0.25),
    "INHOUSE_FOSTERING": (185, 0.08),
    "KINSHIP": (185, 0.08),
    "SUPPORTED_ACCOM": (1350, 0.15),
    "SIXTEEN_PLUS": (400, 0.12),
    "RES_SECURE": (5600, 0.12),
    "RES_SCHOOL": (1850, 0.12),
    "INHOUSE_RES": (2500, 0.05),
    "CONCURRENT_ADOPTION": (350, 0.0),
    "RES_DISABILITY": (3500, 0.2),
    "ADOPTION_SGO": (165, 0.08),
}
WEEKS_FUNDED = {"INHOUSE_FOSTERING": 55, "KINSHIP": 55}
# Short-break placements are paid per night used, far below a full-time residential place.
SHORT_BREAK_WEEKLY = 420
INFLATION = 0.03


def simulate(rng: np.random.Generator, lac: dict, *, end_date: date, scale: float) -> dict:
    end = days(end_date)
    ep = lac["episodes"]
    children = lac["children"].set_index("child_id")
    ep = ep[~ep["PLACE"].isin(TEMPORARY)]
    first = (
        ep.sort_values("DECOM")
        .groupby("placement_key", sort=False)
        .agg(
            child_id=("CHILD", "first"),
            start=("DECOM", "min"),
            stop=("DEC", "max"),
            place=("PLACE", "first"),
            pr=("PLACE_PROVIDER", "first"),
            cin=("CIN", "first"),
            provider_id=("provider_id", "first"),
            ls=("LS", "first"),
            rec=("REC", "last"),
        )
    )
    first["service_type"] = [
        budget_line(p, q, c) for p, q, c in zip(first["place"], first["pr"], first["cin"], strict=False)
    ]
    # Short breaks are the council's own residential unit, whatever PLACE the return needs (R1).
    first.loc[first["ls"].isin(["V3", "V4"]), "service_type"] = "INHOUSE_RES"
    pl = first[~first["service_type"].isin(["NO_BUDGET_LINE", "OTHER"])].reset_index()
    pl = pl.sort_values(["start", "child_id"], kind="stable").reset_index(drop=True)
    n = len(pl)
    base = np.array([WEEKLY[s][0] for s in pl["service_type"]], dtype=float)
    spread = np.array([WEEKLY[s][1] for s in pl["service_type"]], dtype=float)
    base = np.where(pl["ls"].isin(["V3", "V4"]), SHORT_BREAK_WEEKLY, base)
    cost = base * (1 + spread * rng.uniform(-1, 1, n)) * (1 + INFLATION) ** ((pl["start"] - end) / 365.25)
    dob = pl["child_id"].map(children["dob"]).to_numpy()
    b18 = np.array([birthday(int(d), 18) for d in dob])
    # The forecast: most often the 18th birthday or the care plan's date, sometimes none.
    r = rng.random(n)
    planned = np.where(r < 0.35, pl["stop"] + rng.integers(-60, 90, n), np.where(r < 0.55, b18, np.nan))
    planned = np.where(planned > pl["start"], planned, np.nan)
    ends, planned = _staying_put(rng.spawn(1)[0], pl, dob, planned)
    com = pd.DataFrame(
        {
            "child_id": pl["child_id"],
            "provider_id": pl["provider_id"],
            "service_type": pl["service_type"],
            "weekly_cost": np.round(cost, 2),
            "start_date": pl["start"],
            "actual_end": ends,
            "planned_end": planned,
        }
    )

    # Allowances after adoption, SGO or CAO: the child has left care but the council still pays.
    per = lac["periods"]
    rates = {"E11": 0.3, "E12": 0.3, "E45": 0.85, "E46": 0.85, "E47": 0.8, "E48": 0.8, "E41": 0.2}
    al = per[per["rec"].isin(list(rates))]
    al = al[rng.random(len(al)) < al["rec"].map(rates).to_numpy()]
    al_dob = al["child_id"].map(children["dob"]).to_numpy()
    al_18 = np.array([birthday(int(d), 18) for d in al_dob], dtype=float)
    allow = pd.DataFrame(
        {
            "child_id": al["child_id"].to_numpy(),
            "provider_id": COUNCIL,
            "service_type": "ADOPTION_SGO",
            "weekly_cost": np.round(
                165
                * (1 + 0.08 * rng.uniform(-1, 1, len(al)))
                * (1 + INFLATION) ** ((al["end"].to_numpy() - end) / 365.25),
                2,
            ),
            "start_date": al["end"].to_numpy(),
            "actual_end": al_18,
            "planned_end": al_18,
        }
    )
    com = pd.concat([com, allow], ignore_index=True)
    com = com.sort_values(["start_date", "child_id"], kind="stable").reset_index(drop=True)
    com.insert(0, "commitment_id", [f"FC{i:07d}" for i in range(1, len(com) + 1)])
    budgets = _budgets(rng, com, end_date)
    return {"commitments": com, "budgets": budgets}


def _staying_put(
    rng: np.random.Generator, pl: pd.DataFrame, dob: np.ndarray, planned: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Actual and planned ends of the commitments. Where a foster placement ended with the child staying put
    at 18 (REC E17), about half the time the council keeps paying the carers: the commitment runs on for six
    months to three years, never past the 21st birthday (planned to it); the budget model leaves these days
    out. Its own stream (spawned), so every other draw of the generator is as it was."""
    fostering = pl["service_type"].isin(["INHOUSE_FOSTERING", "IFA", "KINSHIP"]).to_numpy()
    chosen = (pl["rec"] == "E17").to_numpy() & fostering & (rng.random(len(pl)) < 0.5)
    b21 = np.array([birthday(int(d), 21) for d in dob], dtype=float)
    stop = pl["stop"].to_numpy(dtype=float)
    runs_on = np.minimum(stop + rng.integers(182, 1096, len(pl)), b21)
    return np.where(chosen, runs_on, stop), np.where(chosen, b21, planned)


def _budgets(rng, com: pd.DataFrame, end_date: date) -> pd.DataFrame:
    """Budgets set near what each line actually used, some over and some under (as in the KAD)."""
    last_fy = end_date.year if end_date.month >= 4 else end_date.year - 1
    first_fy = last_fy - 10
    rows = []
    for fy in range(first_fy, last_fy + 1):
        a, b = days(date(fy, 4, 1)), days(date(fy + 1, 4, 1))
        s = com["start_date"].to_numpy(dtype=float)
        e = com["actual_end"].fillna(b).to_numpy(dtype=float)
        d = np.clip(np.minimum(e, b) - np.maximum(s, a), 0, None)
        use = pd.DataFrame({"t": com["service_type"], "d": d, "w": com["weekly_cost"] * d})
        g = use.groupby("t").sum()
        for st in WEEKLY:
            weeks = WEEKS_FUNDED.get(st, 52)
            avg = g["d"].get(st, 0.0) / (b - a)
            unit = (g["w"].get(st, 0.0) / g["d"].get(st, 1.0)) if g["d"].get(st, 0) else WEEKLY[st][0]
            placements = max(0, int(round(avg * rng.uniform(0.82, 1.12))))
            unit_b = unit * rng.uniform(0.92, 1.06)
            rows.append((f"{fy}-{str(fy + 1)[-2:]}", st, placements, round(placements * unit_b * weeks, -2), weeks))
    return pd.DataFrame(
        rows, columns=["financial_year", "service_type", "budgeted_placements", "annual_budget", "weeks_funded"]
    )


def snapshot(world: dict, extract: int) -> dict[str, pd.DataFrame]:
    c = world["commitments"]
    c = c[c["start_date"] <= extract]
    actual = c["actual_end"].to_numpy(dtype=float)
    planned = c["planned_end"].to_numpy(dtype=float)
    ended = actual <= extract
    show_plan = ~ended & (planned > extract)
    end = np.where(ended, actual, np.where(show_plan, planned, np.nan))
    commitments = pd.DataFrame(
        {
            "commitment_id": c["commitment_id"].values,
            "child_id": c["child_id"].values,
            "provider_id": c["provider_id"].values,
            "service_type": c["service_type"].values,
            "weekly_cost": c["weekly_cost"].map(lambda v: f"{v:.2f}").values,
            "start_date": fmt_dates(c["start_date"]).values,
            "end_date": fmt_dates(end).values,
            "end_date_is_planned": np.where(show_plan, "Y", "N"),
        }
    )
    fy_of = to_date(extract)
    last_fy = fy_of.year if fy_of.month >= 4 else fy_of.year - 1
    b = world["budgets"]
    b = b[b["financial_year"].str[:4].astype(int) <= last_fy].reset_index(drop=True)
    return {"placement_commitments": commitments, "budgets": b}
