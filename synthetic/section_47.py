"""Section 47 enquiries, drawn from the case history so every child protection plan has the enquiry that led to it.

Each CP plan starts on the day of its initial child protection conference (ICPC), which the enquiry held:
the enquiry starts mostly 5-15 working days before (the statutory 15), a few later than that, never before
the referral. Some other assessed referrals (about one in six) have an enquiry that ends without a plan: most
find no conference needed (icpc_not_required), a few hold one that decides against a plan. A conference is
never at a weekend (CIN census rule 8875), so plan starts are moved off weekends first (`weekday`).

Drawn with its own random stream (`sub_rng(seed, "section_47")`), so the rest of the case history is
unchanged by it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .common import fmt_dates

# Share of assessed referrals without a CP plan that still had a Section 47 enquiry.
NO_PLAN_SHARE = 0.16
# Of those, the share that held an ICPC (the rest: no conference needed).
NO_PLAN_ICPC_SHARE = 0.2
# Share of enquiries whose ICPC came later than 15 working days after the enquiry began.
LATE_ICPC_SHARE = 0.15
S47_COLUMNS = ["s47_id", "child_id", "referral_id", "s47_start", "icpc", "icpc_not_required"]


def weekday(d: np.ndarray) -> np.ndarray:
    """Epoch days moved forward off Saturday and Sunday (1970-01-01 was a Thursday); blanks stay blank."""
    d = np.asarray(d, dtype=float)
    dow = np.mod(d + 3, 7)  # Monday 0 .. Sunday 6
    return d + np.where(dow == 5, 2, np.where(dow == 6, 1, 0))


def working_days_before(d: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The weekday n working days before each (weekday) date d, bank holidays aside."""
    weeks, rest = np.divmod(n, 5)
    back = d - weeks * 7 - rest
    dow = np.mod(d + 3, 7)
    # crossing a weekend when the remaining days reach back past Monday
    return back - np.where(rest > dow, 2, 0)


def simulate(rng: np.random.Generator, refs: pd.DataFrame) -> pd.DataFrame:
    """One enquiry per referral that had one; `refs` is the case world's referrals (plans as epoch days)."""
    cp = refs[refs["cp_start"].notna()]
    n = len(cp)
    wd = np.where(rng.random(n) < LATE_ICPC_SHARE, rng.integers(16, 30, n), rng.integers(5, 16, n))
    start = np.maximum(working_days_before(cp["cp_start"].to_numpy(), wd), cp["referral_date"].to_numpy())
    with_plan = pd.DataFrame(
        {
            "child_id": cp["child_id"].to_numpy(),
            "referral_id": cp["referral_id"].to_numpy(),
            "s47_start": start,
            "icpc": cp["cp_start"].to_numpy(),
            "icpc_not_required": "N",
        }
    )
    # Not on a referral closed after assessment with no further action (RC8/RC9: rule 2990).
    others = refs[
        refs["cp_start"].isna() & refs["assessment_start_date"].notna() & ~refs["closure_reason"].isin(["RC8", "RC9"])
    ]
    others = others[rng.random(len(others)) < NO_PLAN_SHARE]
    m = len(others)
    a_start = others["assessment_start_date"].to_numpy(dtype=float)
    s_start = weekday(a_start + rng.integers(0, 6, m))
    held = rng.random(m) < NO_PLAN_ICPC_SHARE
    icpc = weekday(s_start + rng.integers(7, 21, m))
    close = others["closure_date"].to_numpy(dtype=float)
    # An enquiry or conference after the referral closed would be activity after closure (rule 8565).
    fits = np.isnan(close) | (np.where(held, icpc, s_start) <= close)
    no_plan = pd.DataFrame(
        {
            "child_id": others["child_id"].to_numpy(),
            "referral_id": others["referral_id"].to_numpy(),
            "s47_start": s_start,
            "icpc": np.where(held, icpc, np.nan),
            "icpc_not_required": np.where(held, "N", "Y"),
        }
    )[fits]
    out = pd.concat([with_plan, no_plan], ignore_index=True)
    out = out.sort_values(["s47_start", "child_id", "referral_id"], kind="stable").reset_index(drop=True)
    out["s47_id"] = [f"S{i:08d}" for i in range(1, len(out) + 1)]
    return out[S47_COLUMNS]


def snapshot(s47: pd.DataFrame, extract: int) -> pd.DataFrame:
    """section_47.csv as at the extract: enquiries begun by then, conferences held by then."""
    s47 = s47[s47["s47_start"] <= extract]
    icpc = np.where(s47["icpc"] <= extract, s47["icpc"], np.nan)
    return pd.DataFrame(
        {
            "s47_id": s47["s47_id"].values,
            "child_id": s47["child_id"].values,
            "referral_id": s47["referral_id"].values,
            "s47_start_date": fmt_dates(s47["s47_start"]).values,
            "icpc_date": fmt_dates(icpc).values,
            "icpc_not_required": s47["icpc_not_required"].values,
        }
    )
