"""Secondary suppression for the scorecard: one row per indicator and breakdown, several indicators
sharing counts."""

from __future__ import annotations

import pandas as pd

from outputs.report.suppression.cells import is_small
from outputs.report.suppression.reader import Sums
from outputs.report.suppression.tables import OVER_COLUMNS, camhs_hidden_pathways

# The counts behind each indicator's numerator and denominator (MEASURES.md). Indicators naming the
# same count show the same children and are withheld together; None: not a count of people (days,
# population, a planned list). Indicators not listed have counts of their own.
SCORECARD_COUNTS = {
    "lac_count": ("looked_after", None),
    "lac_rate_per_10k": ("looked_after", None),
    "cp_count": ("child_protection", None),
    "cp_rate_per_10k": ("child_protection", None),
    "lac_ceased": ("ceased", None),
    "avg_days_in_care_ceased": (None, "ceased"),
    "camhs_waiting_list": ("camhs_list", None),
    "camhs_waiting_over_18w": ("camhs_over", "camhs_list"),
    "camhs_waiting_over_12w": ("camhs_over_12w", "camhs_list"),
    "camhs_waiting_over_26w": ("camhs_over_26w", "camhs_list"),
    # Looked after = UASC + not UASC (the sum is added in _other_rows).
    "lac_uasc_count": ("uasc", None),
    "lac_excl_uasc_count": ("looked_after_excl_uasc", None),
    "camhs_pct_waiting_under_18w": ("camhs_under", "camhs_list"),
    "camhs_trajectory_gap": ("camhs_list", None),
    "camhs_pct_treated_within_18w": ("camhs_treated_18w", "camhs_treated"),
    "camhs_ed_urgent_1w_pct": ("ed_urgent_1w", "ed_urgent"),
    "camhs_ed_routine_4w_pct": ("ed_routine_4w", "ed_routine"),
    "camhs_median_wait_assessment_weeks": (None, "camhs_first_contacts"),
    "placements_forecast_variance_gbp": (None, None),
}
# The over-N-weeks indicators, in OVER_COLUMNS' threshold order.
CAMHS_OVER = tuple(f"camhs_{column}" for column in OVER_COLUMNS)
CAMHS_LIST = ("camhs_waiting_list", *CAMHS_OVER, "camhs_pct_waiting_under_18w", "camhs_trajectory_gap")
# Urgent and routine are the eating-disorder pathway's only priorities (seeds/reference/camhs_priority).
ED_PATHWAY = "EATING_DISORDER"


def scorecard_flags(frame: pd.DataFrame, current: pd.Series, previous: pd.Series | None = None):
    """(current, previous) flags for scorecard rows, given their primary flags.

    The frame has one row per indicator, period and breakdown (indicator_code, period_end,
    breakdown_type, breakdown_value, numerator, denominator) and, for the previous period,
    previous_numerator and previous_denominator. Breakdowns add up to the indicator's 'all' row; the
    CAMHS waiting-list indicators follow camhs_hidden_pathways (the CSV and the chart show the same
    week); urgent and routine eating-disorder starts add up to the pathway's starts.
    """
    current = _scorecard_side(frame, current, "period_end", "numerator", "denominator")
    if previous is not None and "previous_numerator" in frame:
        day = "previous_period_end" if "previous_period_end" in frame else "period_end"
        previous = _scorecard_side(frame, previous, day, "previous_numerator", "previous_denominator")
    return current, previous


def _scorecard_side(frame, primary, day, numerator, denominator) -> pd.Series:
    flags = primary.copy()
    for _, rows in frame.groupby(frame[day].astype(str), sort=False):
        camhs = rows["indicator_code"].isin(CAMHS_LIST)
        flags |= _camhs_rows(rows.loc[camhs], numerator).reindex(frame.index, fill_value=False)
        flags |= _other_rows(rows.loc[~camhs], flags, numerator, denominator).reindex(frame.index, fill_value=False)
    return flags


def _camhs_rows(rows: pd.DataFrame, numerator: str) -> pd.Series:
    if rows.empty:
        return pd.Series(False, index=rows.index)
    lists, overs = {}, {code: {} for code in CAMHS_OVER}
    for _, row in rows.iterrows():
        p = "ALL" if row["breakdown_type"] == "all" else row["breakdown_value"]
        if row["indicator_code"] == "camhs_waiting_list":
            lists[p] = row[numerator]
        elif row["indicator_code"] in overs:
            overs[row["indicator_code"]][p] = row[numerator]
    shown = [code for code in CAMHS_OVER if overs[code]]
    hidden = camhs_hidden_pathways({p: (w, *(overs[code].get(p, 0.0) for code in shown)) for p, w in lists.items()})
    pathway = rows["breakdown_value"].where(rows["breakdown_type"] != "all", "ALL")
    return pathway.isin(hidden)


def _other_rows(rows: pd.DataFrame, primary: pd.Series, numerator: str, denominator: str) -> pd.Series:
    if rows.empty:
        return pd.Series(False, index=rows.index)
    sums, row_keys = Sums(), {}
    for index, row in rows.iterrows():
        code = row["indicator_code"]
        names = SCORECARD_COUNTS.get(code, (f"{code}:numerator", f"{code}:denominator"))
        keys = []
        for name, column in zip(names, (numerator, denominator), strict=True):
            if name is None or pd.isna(row[column]):
                continue
            key = (name, row["breakdown_type"], row["breakdown_value"])
            keys.append(key)
            if key not in sums.values:
                sums.cell(key, row[column])
        row_keys[index] = keys
    # Rows showing the same count are one bundle: withholding a count withholds it everywhere.
    bundle_of = _union_bundles(row_keys)
    for key in sums.values:
        sums.bundles[key] = bundle_of[key]
    totals = {key[0]: key for key in sums.values if key[1] == "all"}
    for name, breakdown in sorted({(key[0], key[1]) for key in sums.values if key[1] != "all"}):
        if name in totals:
            sums.add_sum(totals[name], [key for key in sums.values if key[:2] == (name, breakdown)])
    looked_after = ("looked_after", "all", "all")
    parts = [("uasc", "all", "all"), ("looked_after_excl_uasc", "all", "all")]
    if looked_after in sums.values and any(p in sums.values for p in parts):
        sums.add_sum(looked_after, [p for p in parts if p in sums.values])
    treated = ("camhs_treated", "pathway", ED_PATHWAY)
    parts = [("ed_urgent", "all", "all"), ("ed_routine", "all", "all")]
    if treated in sums.values and all(p in sums.values for p in parts):
        sums.add_sum(treated, parts)
    within = ("camhs_treated_18w", "pathway", ED_PATHWAY)
    parts = [("ed_urgent_1w", "all", "all"), ("ed_routine_4w", "all", "all")]
    if within in sums.values and all(p in sums.values for p in parts):
        sums.add_at_least(within, parts)
    # A percentage's numerator is part of its denominator.
    for index, keys in row_keys.items():
        if rows.get("unit") is not None and rows.at[index, "unit"] == "percent" and len(keys) == 2:
            sums.add_at_least(keys[1], [keys[0]])
    primary_bundles = {sums.bundles[key] for key in sums.values if is_small(sums.values[key])}
    primary_bundles |= {bundle_of[keys[0]] for index, keys in row_keys.items() if keys and primary[index]}
    withheld = sums.protect(primary_bundles)
    return (
        pd.Series(
            {index: bool(keys) and bundle_of[keys[0]] in withheld for index, keys in row_keys.items()}, dtype=bool
        ).reindex(rows.index, fill_value=False)
        | primary.loc[rows.index]
    )


def _union_bundles(row_keys: dict) -> dict:
    """key -> bundle, joining every row's keys (rows sharing a count share a bundle)."""
    parent: dict = {}

    def find(key):
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for keys in row_keys.values():
        for key in keys[1:]:
            parent[find(key)] = find(keys[0])
    return {key: find(key) for keys in row_keys.values() for key in keys}
