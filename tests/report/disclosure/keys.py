"""How the reader keys figures: the constants of the rule and one key per published count."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd

INF = math.inf
SMALL = 5
# Counts of people (or of interventions, referrals, treatments) that must not be narrowed to 1-5.
# Everything else is context the reader may use: population, days, planned lists, money.
UNPROTECTED = {
    "population",
    "ceased_days",
    "camhs_planned",
    "camhs_gap",
    "kad_budgeted",
    "kad_var",
    "kad_spend",
    "kad_weeks",
    "kad_actual_wk",
    "kad_budget_wk",
    "kad_var_wk",
}
# Figures that are not whole numbers, and figures that can be negative.
REAL = {
    "kad_avg",
    "kad_budgeted",
    "kad_var",
    "kad_spend",
    "kad_actual_wk",
    "kad_budget_wk",
    "kad_var_wk",
    "camhs_planned",
    "camhs_gap",
}
# The CAMHS list's (over, under) counts at 12, 18 and 26 weeks, in threshold order (DOMAIN.md 4.9, 4.13);
# between two thresholds lies a band of children: over the lower minus over the higher.
CAMHS_THRESHOLDS = (
    ("camhs_over_12w", "camhs_under_12w"),
    ("camhs_over", "camhs_under"),
    ("camhs_over_26w", "camhs_under_26w"),
)
SIGNED = {"kad_var", "kad_var_wk", "camhs_gap"}
# DOMAIN.md 4.7: the key activity data's groups.
KAD_GROUPS = {
    "external": ["RES_DISABILITY", "RES_SECURE", "RES_SCHOOL", "RES_HOME", "IFA", "SUPPORTED_ACCOM", "SIXTEEN_PLUS"],
    "in_house": ["INHOUSE_FOSTERING", "KINSHIP", "INHOUSE_RES", "CONCURRENT_ADOPTION"],
    "adoption": ["ADOPTION_SGO"],
}


def week_of(day: date) -> date:
    """The Sunday week ending in the last seven days up to `day` (MEASURES.md: weekly, each Sunday)."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


def previous_period_end(period_type: str, day: date) -> date:
    if period_type == "month":
        return day.replace(day=1) - timedelta(days=1)
    return day.replace(year=day.year - 1)


def as_day(value) -> date:
    return pd.Timestamp(value).date()


def scorecard_keys(code: str, period_type: str, day: date, breakdown_type: str, breakdown_value: str):
    """(numerator key, denominator key, how the value is made) for a scorecard row, from MEASURES.md.

    The value is 'num' (it is the numerator), ('ratio', scale) (scale x numerator / denominator),
    'gap' (numerator minus denominator) or None (nothing the reader can use, e.g. a median).
    """
    p = breakdown_value if breakdown_type != "all" else "ALL"
    flow = (period_type, day, p)
    week = week_of(day)

    def stock(name):
        return (name, day) if breakdown_type == "all" else (name, day, breakdown_type, breakdown_value)

    table = {
        "lac_count": (stock("lac"), None, "num"),
        "lac_rate_per_10k": (stock("lac"), ("population", day), ("ratio", 10_000)),
        "lac_uasc_count": (stock("uasc"), None, "num"),
        "lac_excl_uasc_count": (stock("lac_excl_uasc"), None, "num"),
        "cin_count": (stock("cin"), None, "num"),
        "lac_starts": (("starts", *flow), None, "num"),
        "lac_ceased": (("ceased", *flow), None, "num"),
        "avg_days_in_care_ceased": (("ceased_days", *flow), ("ceased", *flow), ("ratio", 1)),
        "placed_out_of_area_pct": (stock("out_of_area"), stock("location_known"), ("ratio", 100)),
        "cp_count": (stock("cp"), None, "num"),
        "cp_rate_per_10k": (stock("cp"), ("population", day), ("ratio", 10_000)),
        "edge_of_care_active": (("eoc_active", day, p), None, "num"),
        "edge_of_care_entered_care_12m_pct": (("eoc_entered", *flow), ("eoc_interventions", *flow), ("ratio", 100)),
        "camhs_waiting_list": (("camhs_list", week, p), None, "num"),
        "camhs_waiting_over_18w": (("camhs_over", week, p), ("camhs_list", week, p), "num"),
        "camhs_waiting_over_12w": (("camhs_over_12w", week, p), ("camhs_list", week, p), "num"),
        "camhs_waiting_over_26w": (("camhs_over_26w", week, p), ("camhs_list", week, p), "num"),
        "camhs_pct_waiting_under_18w": (("camhs_under", week, p), ("camhs_list", week, p), ("ratio", 100)),
        "camhs_trajectory_gap": (("camhs_list", week, p), ("camhs_planned", week, p), "gap"),
        "camhs_median_wait_assessment_weeks": (None, ("camhs_first_contacts", *flow), None),
        "camhs_pct_treated_within_18w": (("camhs_treated_18w", *flow), ("camhs_treated", *flow), ("ratio", 100)),
        "camhs_ed_urgent_1w_pct": (("ed_urgent_1w", *flow), ("ed_urgent", *flow), ("ratio", 100)),
        "camhs_ed_routine_4w_pct": (("ed_routine_4w", *flow), ("ed_routine", *flow), ("ratio", 100)),
        "placements_forecast_variance_gbp": (None, None, None),
    }
    base = (code, period_type, day, breakdown_type, breakdown_value)
    if code in ("lac_missing_children", "referrals_count"):
        return (("num", *base), None, "num")
    if code in table:
        return table[code]
    # Anything else (MEASURES.md: a percentage): its own numerator and denominator.
    return (("num", *base), ("den", *base), ("ratio", 100))
