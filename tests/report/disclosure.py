"""What a reader can work out from everything the committee report publishes for one month.

Written from MEASURES.md ("Suppression") and plain arithmetic, not from outputs.report.suppression, so
the report is checked against the rule and not against itself. The reader is given:

- every figure published for the month: the CSV files for publication, the data drawn in the charts
  (Report.chart_data) and the report's own tables (which must show [c] exactly where the CSVs do);
- what the figures mean (MEASURES.md, DOMAIN.md 4.7): which breakdowns add up to which total (pathways
  to the waiting list, REC groups to the children ceasing care, budget lines and placement types to the
  number looked after, lines to groups to the total in the key activity data, urgent and routine
  eating-disorder starts to the pathway's starts), that a figure published in several places is one
  figure (the CAMHS list by pathway in the CSV, the scorecard and the chart), and how a percentage, an
  average, a rate, a gap or a variance is made from its counts;
- every true zero, even one shown as [c]. No real reader knows that much, so the check is stricter
  than reality; every other [c] is then at least 1 (zero is shown as 0).

The reader narrows each unknown count to an interval with interval arithmetic (a total minus the known
parts bounds the rest; a percentage times a known denominator bounds the numerator; a sum of unknowns
taken from a larger sum of unknowns leaves a sum over the others), again and again until nothing
narrows. A count is disclosed when its interval lies within 1 to 5: it is not zero and
the published figures bound it by 5. Where a breakdown does not add up in truth (a child can be in
two edge-of-care services), the reader's sum would be wrong, so only what still holds is used: no part
exceeds the total, and the parts together cover it.
"""

from __future__ import annotations

import csv
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
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


def _day(value) -> date:
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


@dataclass
class Reader:
    """Everything published, what it means, and what follows from it."""

    truth: dict = field(default_factory=dict)
    shown: dict = field(default_factory=dict)  # key -> (value, tolerance)
    where_shown: dict = field(default_factory=lambda: defaultdict(list))
    where_hidden: dict = field(default_factory=lambda: defaultdict(list))
    # ('=', total, parts): total = sum(parts); ('<=', total, parts): total <= sum(parts);
    # ('sum<=', total, parts): sum(parts) <= total.
    sums: list = field(default_factory=list)
    ratios: list = field(default_factory=list)  # (value_lo, value_hi, numerator, denominator, scale)
    problems: list = field(default_factory=list)
    fallbacks: list = field(default_factory=list)
    _seen_sums: set = field(default_factory=set)

    # -- what is published ---------------------------------------------------------------------------
    def see(self, key, text, where: str, tolerance: float = 0.0) -> float | None:
        """Record one published cell; returns the number shown (None for [c], [x], [z] or blank)."""
        value = _number(text)
        if key is None or (value is None and text != "[c]"):
            return None  # [x], [z] or blank: nothing shown
        if key not in self.truth:
            if text != "[c]":  # a withheld figure the marts do not have (a cost with no budget) hides nothing
                self.problems.append(f"checker: no true value for {key} ({where})")
            return None
        if text == "[c]":
            self.where_hidden[key].append(where)
            return None
        if abs(value - self.truth[key]) > tolerance + 1e-6:
            self.problems.append(f"checker: {where} shows {value} for {key}, the marts say {self.truth[key]}")
        if key in self.shown and abs(self.shown[key][0] - value) > max(tolerance, self.shown[key][1]) + 1e-6:
            self.problems.append(f"{key} is shown as {self.shown[key][0]} and as {value} ({where})")
        if key not in self.shown or tolerance < self.shown[key][1]:
            self.shown[key] = (value, tolerance)
        self.where_shown[key].append(where)
        return value

    def ratio(self, text, numerator, denominator, scale: float, where: str, tolerance: float) -> None:
        value = _number(text)
        if value is None or numerator not in self.truth or denominator not in self.truth:
            return
        for key in (numerator, denominator):
            if key[0] not in UNPROTECTED and 1 <= self.truth.get(key, 0) <= SMALL:
                self.problems.append(f"{where} shows {text}, made from {key} = {self.truth[key]:g} (1 to 5)")
        self.ratios.append((max(value - tolerance, 0.0), value + tolerance, numerator, denominator, scale))
        if scale == 100:  # a percentage of a group: the numerator is part of the denominator
            self.sums.append(("sum<=", denominator, (numerator,)))

    def add_sum(self, total, parts) -> None:
        """total = sum(parts) as MEASURES.md defines it; where the truth does not add up, only
        part <= total and total <= sum(parts) are used (see the module docstring)."""
        parts = tuple(sorted(set(parts), key=repr))
        if (total, parts) in self._seen_sums or not parts:
            return
        self._seen_sums.add((total, parts))
        for key in (total, *parts):
            self.truth.setdefault(key, 0.0)
        difference = self.truth[total] - sum(self.truth[p] for p in parts)
        if abs(difference) < 1e-6 * max(1.0, abs(self.truth[total])):
            self.sums.append(("=", total, parts))
        else:
            self.fallbacks.append((total, difference))
            self.sums.append(("<=", total, parts))  # total <= sum(parts)
            for part in parts:
                self.sums.append(("<=", part, (total,)))

    # -- what follows from it ------------------------------------------------------------------------
    def bounds(self) -> dict:
        lo, hi = {}, {}
        keys = set(self.truth)
        for key in keys:
            if key in self.shown:
                value, tolerance = self.shown[key]
                lo[key], hi[key] = value - tolerance, value + tolerance
            elif key[0] in SIGNED:
                lo[key], hi[key] = -INF, INF
            elif key in self.where_hidden and self.truth[key] == 0:
                lo[key] = hi[key] = 0.0  # the reader is given every zero shown as [c]
            elif key in self.where_hidden:
                lo[key], hi[key] = (0.0 if key[0] in REAL else 1.0), INF
            else:
                lo[key], hi[key] = 0.0, INF  # never published: it may be zero

        def narrow(key, new_lo, new_hi) -> bool:
            if key[0] not in REAL:
                new_lo = new_lo if math.isinf(new_lo) or math.isnan(new_lo) else math.ceil(new_lo - 1e-9)
                new_hi = new_hi if math.isinf(new_hi) or math.isnan(new_hi) else math.floor(new_hi + 1e-9)
            changed = False
            if new_lo > lo[key] + 1e-9:
                lo[key], changed = new_lo, True
            if new_hi < hi[key] - 1e-9:
                hi[key], changed = new_hi, True
            return changed

        sums_of_unknowns = self._sums_of_unknowns(lo, hi)

        def total_of(values):
            finite = [v for v in values if not math.isinf(v)]
            infinite = [v for v in values if math.isinf(v)]
            if any(v > 0 for v in infinite) and any(v < 0 for v in infinite):
                return math.nan
            return infinite[0] if infinite else sum(finite)

        for _ in range(300):
            changed = False
            for relation, total, parts in self.sums:
                for part in parts:
                    others = [p for p in parts if p != part]
                    others_lo = total_of([lo[p] for p in others])
                    others_hi = total_of([hi[p] for p in others])
                    if relation == "=":
                        changed |= narrow(part, _sub(lo[total], others_hi), _sub(hi[total], others_lo))
                    elif relation == "<=":  # total <= sum(parts): each part at least total minus the others
                        changed |= narrow(part, _sub(lo[total], others_hi), INF)
                    else:  # sum(parts) <= total: each part at most total minus the others
                        changed |= narrow(part, -INF, _sub(hi[total], others_lo))
                parts_lo = total_of([lo[p] for p in parts])
                parts_hi = total_of([hi[p] for p in parts])
                if relation == "=":
                    changed |= narrow(total, parts_lo, parts_hi)
                elif relation == "<=":
                    changed |= narrow(total, -INF, parts_hi)
                else:
                    changed |= narrow(total, parts_lo, INF)
            for cells, (rest_lo, rest_hi) in sums_of_unknowns:
                for cell in cells:
                    others = [c for c in cells if c != cell]
                    changed |= narrow(
                        cell,
                        _sub(rest_lo, total_of([hi[c] for c in others])),
                        _sub(rest_hi, total_of([lo[c] for c in others])),
                    )
            for value_lo, value_hi, numerator, denominator, scale in self.ratios:
                # value = scale x numerator / denominator, everything non-negative.
                if value_hi == 0 or not math.isinf(hi[denominator]):
                    top = value_hi * hi[denominator] / scale if value_hi else 0.0
                else:
                    top = INF
                changed |= narrow(numerator, value_lo * max(lo[denominator], 0.0) / scale, top)
                if value_lo > 0:
                    changed |= narrow(
                        denominator,
                        scale * lo[numerator] / value_hi,
                        scale * hi[numerator] / value_lo if not math.isinf(hi[numerator]) else INF,
                    )
            if not changed:
                break
        return {key: (lo[key], hi[key]) for key in keys}

    def _sums_of_unknowns(self, lo: dict, hi: dict, limit: int = 400) -> list:
        """What unknown figures add up to: from each sum whose total is known (the unknown parts are the
        total minus the known ones); an unknown subtotal replaced by its own parts; and one such sum
        taken away from another that covers its figures (the rest add up to the difference)."""

        def known(key):
            return lo[key] == hi[key] or key in self.shown

        subtotals = defaultdict(list)
        start = []
        for relation, total, parts in self.sums:
            if relation != "=":
                continue
            if known(total):
                rest = [(lo[total], hi[total])] + [(-hi[p], -lo[p]) for p in parts if known(p)]
                start.append(
                    (frozenset(p for p in parts if not known(p)), (sum(r[0] for r in rest), sum(r[1] for r in rest)))
                )
            else:
                subtotals[total].append(parts)
        found: dict = {}
        while start and len(found) < limit:
            cells, (rest_lo, rest_hi) = start.pop()
            if not cells or cells in found:
                continue
            found[cells] = (rest_lo, rest_hi)
            for cell in cells:
                for parts in subtotals.get(cell, []):
                    known_parts = [p for p in parts if known(p)]
                    start.append(
                        (
                            (cells - {cell}) | {p for p in parts if not known(p)},
                            (rest_lo - sum(hi[p] for p in known_parts), rest_hi - sum(lo[p] for p in known_parts)),
                        )
                    )
            for other, (other_lo, other_hi) in list(found.items()):
                if other < cells:
                    start.append((cells - other, (rest_lo - other_hi, rest_hi - other_lo)))
                elif cells < other:
                    start.append((other - cells, (other_lo - rest_hi, other_hi - rest_lo)))
        return list(found.items())

    def disclosures(self) -> list[str]:
        """Every way the publication gives away a count of 1 to 5, as readable sentences."""
        found = list(self.problems)
        for key, (value, _) in self.shown.items():
            if key[0] not in UNPROTECTED and 1 <= value <= SMALL:
                found.append(f"{key} = {value:g} is shown ({', '.join(self.where_shown[key])})")
        bounds = self.bounds()
        for key, (low, high) in sorted(bounds.items(), key=lambda item: repr(item[0])):
            if key in self.shown or key[0] in UNPROTECTED or self.truth[key] == 0:
                continue
            truth = self.truth[key]
            if not (low - 1e-6 <= truth <= high + 1e-6):
                found.append(f"checker: {key} = {truth:g} falls outside what it derived ({low:g} to {high:g})")
            elif high <= SMALL + 1e-6 and (key in self.where_hidden or low >= 1 - 1e-6):
                places = ", ".join(sorted(set(self.where_hidden.get(key, [])))) or "not published"
                found.append(f"{key} = {truth:g} can be worked out to {low:g}-{high:g} ({places})")
        return found


def _sub(a: float, b: float) -> float:
    if math.isinf(a) and math.isinf(b) and (a > 0) == (b > 0):
        return -INF if a < 0 else INF  # unbounded either way: no information
    return a - b


def _number(text) -> float | None:
    if text is None:
        return None
    if isinstance(text, float) and math.isnan(text):
        return None
    if isinstance(text, (int, float)):
        return float(text)
    text = str(text).strip().replace(",", "").replace("£", "").replace("%", "")
    try:
        return float(text)
    except ValueError:
        return None


def _decimals(text) -> float:
    """Half a unit in the last shown decimal place (0 for a whole number written without a point)."""
    text = str(text)
    if "." not in text:
        return 0.0
    return 0.5 * 10 ** -len(text.split(".")[1])


# ---------------------------------------------------------------------------------------------------
# The truth, from the marts, keyed as the reader keys figures.


def load_truth(warehouse: Path) -> dict:
    con = duckdb.connect(str(warehouse), read_only=True)
    truth: dict = {}
    try:
        scorecard = con.execute(
            "select indicator_code, period_type, period_end, breakdown_type, breakdown_value, "
            "numerator, denominator, value from scorecard.scorecard_indicators"
        ).fetchall()
        for code, ptype, day, btype, bvalue, numerator, denominator, value in scorecard:
            num, den, kind = scorecard_keys(code, ptype, day, btype, bvalue)
            for key, figure in ((num, numerator), (den, denominator)):
                if key is not None and figure is not None:
                    truth[key] = float(figure)
            if kind == "gap" and value is not None:
                truth[("camhs_gap", week_of(day), bvalue if btype != "all" else "ALL")] = float(value)
        weekly = con.execute(
            "select week_ending, pathway, waiting_list, waiting_over_18w, planned_waiting_list, "
            "trajectory_gap from camhs.camhs_weekly_waiting_list "
            "where priority = 'ALL' and looked_after = 'ALL'"
        ).fetchall()
        for week, pathway, waiting, over, planned, gap in weekly:
            truth[("camhs_list", week, pathway)] = float(waiting)
            truth[("camhs_over", week, pathway)] = float(over)
            truth[("camhs_under", week, pathway)] = float(waiting - over)
            if planned is not None:
                truth[("camhs_planned", week, pathway)] = float(planned)
                truth[("camhs_gap", week, pathway)] = float(gap)
        lac = con.execute(
            "select measure_code, period_type, period_end, breakdown_type, breakdown_value, "
            "numerator, denominator from lac.lac_measures "
            "where period_type in ('month', 'financial_year')"
        ).fetchall()
        for code, ptype, day, btype, bvalue, numerator, _ in lac:
            if code == "lac_by_placement_type":
                truth[("lac_line", day, btype, bvalue)] = float(numerator)
            elif code == "lac_count" and btype == "all":
                truth[("lac", day)] = float(numerator)
            elif code == "lac_starts" and btype == "all":
                truth[("starts", ptype, day, "ALL")] = float(numerator)
            elif code == "lac_ceased":
                truth[("ceased", ptype, day, bvalue if btype != "all" else "ALL")] = float(numerator)
        eoc = con.execute(
            "select measure_code, period_type, period_end, breakdown_type, breakdown_value, numerator, "
            "denominator from edge_of_care.edge_of_care_measures"
        ).fetchall()
        for code, ptype, day, btype, bvalue, numerator, denominator in eoc:
            p = bvalue if btype != "all" else "ALL"
            if code == "edge_of_care_active":
                truth[("eoc_active", day, p)] = float(numerator)
            elif code == "edge_of_care_entered_care_12m_pct":
                truth[("eoc_entered", ptype, day, p)] = float(numerator)
                truth[("eoc_interventions", ptype, day, p)] = float(denominator)
        kad = con.execute(
            "select reporting_month_end, service_type, snapshot_placements, yearly_average_placements, "
            "budgeted_placements, variance_placements, projected_spend_gbp, weeks_funded, "
            "actual_weekly_cost_gbp, budget_weekly_cost_gbp, variance_weekly_cost_gbp "
            "from finance.finance_key_activity_data"
        ).fetchall()
        for day, line, snapshot, average, budgeted, variance, spend, weeks, actual, budget_wk, var_wk in kad:
            for name, figure in (
                ("kad_snapshot", snapshot),
                ("kad_avg", average),
                ("kad_budgeted", budgeted),
                ("kad_var", variance),
                ("kad_spend", spend),
                ("kad_weeks", weeks),
                ("kad_actual_wk", actual),
                ("kad_budget_wk", budget_wk),
                ("kad_var_wk", var_wk),
            ):
                if figure is not None:
                    truth[(name, day, line)] = float(figure)
    finally:
        con.close()
    return truth


# ---------------------------------------------------------------------------------------------------
# What the figures mean: the sums MEASURES.md and DOMAIN.md define between them.


def add_meaning(reader: Reader) -> None:
    """Add every sum that holds between the figures the reader has seen (and the unpublished parts)."""
    truth = reader.truth
    # Everything published, and the counts behind every published percentage or average.
    published = set(reader.shown) | set(reader.where_hidden) | {key for ratio in reader.ratios for key in ratio[2:4]}
    by_name = defaultdict(list)
    for key in truth:
        by_name[key[0]].append(key)

    weeks = {key[1] for key in published if key[0].startswith("camhs_") and isinstance(key[1], date) and len(key) == 3}
    for week in weeks:
        pathways = sorted({k[2] for k in by_name["camhs_list"] if k[1] == week and k[2] != "ALL"})
        for name in ("camhs_list", "camhs_over", "camhs_under"):
            reader.add_sum((name, week, "ALL"), [(name, week, p) for p in pathways])
        for p in [*pathways, "ALL"]:
            reader.add_sum(("camhs_list", week, p), [("camhs_over", week, p), ("camhs_under", week, p)])
            if ("camhs_planned", week, p) in truth and ("camhs_gap", week, p) in truth:
                # gap = list - planned, so list = planned + gap (gap may be negative).
                reader.sums.append(("=", ("camhs_list", week, p), (("camhs_planned", week, p), ("camhs_gap", week, p))))

    # Breakdowns of a flow add up to the flow's total: ('ceased', type, day, group) -> ALL.
    for name in (
        "ceased",
        "ceased_days",
        "eoc_entered",
        "eoc_interventions",
        "camhs_first_contacts",
        "camhs_treated",
        "camhs_treated_18w",
    ):
        for ptype, day in {key[1:3] for key in published if key[0] == name}:
            parts = [k for k in by_name[name] if k[1] == ptype and k[2] == day and k[3] != "ALL"]
            if (name, ptype, day, "ALL") in truth and parts:
                reader.add_sum((name, ptype, day, "ALL"), parts)
    # Urgent and routine are the eating-disorder pathway's only priorities (seeds/reference/camhs_priority).
    for ptype, day in {key[1:3] for key in published if key[0].startswith(("camhs_treated", "ed_"))}:
        treated = ("camhs_treated", ptype, day, "EATING_DISORDER")
        if treated in truth or ("ed_urgent", ptype, day, "ALL") in truth:
            reader.add_sum(treated, [("ed_urgent", ptype, day, "ALL"), ("ed_routine", ptype, day, "ALL")])
            within = ("camhs_treated_18w", ptype, day, "EATING_DISORDER")
            reader.truth.setdefault(within, 0.0)
            # Within 1 or 4 weeks is within 18 weeks: urgent_1w + routine_4w <= within.
            reader.sums.append(
                ("sum<=", within, (("ed_urgent_1w", ptype, day, "ALL"), ("ed_routine_4w", ptype, day, "ALL")))
            )
            for key in (("ed_urgent_1w", ptype, day, "ALL"), ("ed_routine_4w", ptype, day, "ALL")):
                reader.truth.setdefault(key, 0.0)
    # Edge-of-care services: children, so only where they add up (see add_sum).
    for day in {key[1] for key in published if key[0] == "eoc_active"}:
        parts = [k for k in by_name["eoc_active"] if k[1] == day and k[2] != "ALL"]
        if ("eoc_active", day, "ALL") in truth:
            reader.add_sum(("eoc_active", day, "ALL"), parts)
    # Stock breakdowns (child protection by category and by plan number; LAC by budget line and by
    # placement type) add up to the stock, one breakdown type at a time.
    for name, total_name in (("cp", "cp"), ("lac_line", "lac")):
        for day in {key[1] for key in published if key[0] in (name, total_name)}:
            types = {k[2] for k in by_name[name] if k[1] == day and len(k) == 4}
            for btype in types:
                parts = [k for k in by_name[name] if k[1] == day and len(k) == 4 and k[2] == btype]
                if (total_name, day) in truth:
                    reader.add_sum((total_name, day), parts)
    # Key activity data: lines to groups, groups to the total; variances from the budget.
    for day in {key[1] for key in published if key[0].startswith("kad_")}:
        for name in ("kad_snapshot", "kad_avg"):
            for group, lines in KAD_GROUPS.items():
                reader.add_sum((name, day, group), [(name, day, line) for line in lines])
            reader.add_sum((name, day, "all"), [(name, day, group) for group in KAD_GROUPS])
        for line in [*(line for lines in KAD_GROUPS.values() for line in lines), *KAD_GROUPS, "all"]:
            if (
                ("kad_avg", day, line) in truth
                and ("kad_budgeted", day, line) in truth
                and ("kad_var", day, line) in truth
            ):
                # variance = average - budgeted, so average = budgeted + variance.
                reader.sums.append(("=", ("kad_avg", day, line), (("kad_budgeted", day, line), ("kad_var", day, line))))
            if ("kad_actual_wk", day, line) in truth and ("kad_var_wk", day, line) in truth:
                reader.sums.append(
                    ("=", ("kad_actual_wk", day, line), (("kad_budget_wk", day, line), ("kad_var_wk", day, line)))
                )
            # DOMAIN.md 4.7: a child's finance commitment decides its budget line, so where the month's
            # LAC count by budget line equals the line's KAD snapshot (as the shown lines do), a reader
            # takes the two as one figure.
            snapshot, lac = ("kad_snapshot", day, line), ("lac_line", day, "budget_line", line)
            if line not in KAD_GROUPS and snapshot in truth and truth.get(lac) == truth[snapshot]:
                reader.sums.append(("=", snapshot, (lac,)))


# ---------------------------------------------------------------------------------------------------
# Reading the publication.


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_scorecard(reader: Reader, rows: list[dict], where: str) -> None:
    for row in rows:
        code, ptype, btype, bvalue = (
            row["indicator_code"],
            row["period_type"],
            row["breakdown_type"],
            row["breakdown_value"],
        )
        day = date.fromisoformat(row["period_end"])
        place = f"{where} {code} {bvalue}"
        for period, value_column, counts in (
            (day, "value", True),
            (previous_period_end(ptype, day), "previous_value", False),
        ):
            num, den, kind = scorecard_keys(code, ptype, period, btype, bvalue)
            text = row[value_column]
            if counts:
                reader.see(num, row["numerator"], f"{place} numerator")
                reader.see(den, row["denominator"], f"{place} denominator")
            label = f"{place} {value_column}"
            if kind == "num":
                reader.see(num, text, label)
            elif kind == "gap":
                reader.see(("camhs_gap", week_of(period), bvalue if btype != "all" else "ALL"), text, label)
            elif isinstance(kind, tuple):
                reader.ratio(text, num, den, kind[1], label, _decimals(text) or 1e-9)
            # Direction and RAG compare a figure with another and with a target: a [c] figure
            # beside a shown direction or RAG is bounded by it.
        hidden = row["value"] == "[c]"
        if (hidden or row["previous_value"] == "[c]") and row["direction_of_travel"] != "[c]":
            reader.problems.append(f"{place}: direction '{row['direction_of_travel']}' shown beside a [c]")
        if hidden and row["rag"] != "[c]":
            reader.problems.append(f"{place}: RAG '{row['rag']}' shown beside a [c]")


def read_camhs_csv(reader: Reader, rows: list[dict], where: str) -> None:
    for row in rows:
        week, pathway = date.fromisoformat(row["week_ending"]), row["pathway"]
        place = f"{where} {pathway}"
        reader.see(("camhs_list", week, pathway), row["waiting_list"], f"{place} waiting_list")
        reader.see(("camhs_over", week, pathway), row["waiting_over_18w"], f"{place} waiting_over_18w")
        if row["planned_waiting_list"]:
            reader.see(
                ("camhs_planned", week, pathway),
                row["planned_waiting_list"],
                f"{place} planned",
                _decimals(row["planned_waiting_list"]),
            )
            reader.see(
                ("camhs_gap", week, pathway),
                row["trajectory_gap"],
                f"{place} trajectory_gap",
                _decimals(row["trajectory_gap"]),
            )


def read_placements_csv(reader: Reader, rows: list[dict], where: str) -> None:
    for row in rows:
        key = ("lac_line", date.fromisoformat(row["period_end"]), row["breakdown_type"], row["breakdown_value"])
        reader.see(key, row["children"], f"{where} {row['breakdown_value']}")


KAD_CELLS = {
    "snapshot_placements": "kad_snapshot",
    "yearly_average_placements": "kad_avg",
    "budgeted_placements": "kad_budgeted",
    "variance_placements": "kad_var",
    "projected_spend_gbp": "kad_spend",
    "weeks_funded": "kad_weeks",
    "actual_weekly_cost_gbp": "kad_actual_wk",
    "budget_weekly_cost_gbp": "kad_budget_wk",
    "variance_weekly_cost_gbp": "kad_var_wk",
}


def read_kad_csv(reader: Reader, rows: list[dict], where: str, day: date) -> None:
    for row in rows:
        line = row["service_type"]
        for column, name in KAD_CELLS.items():
            text = row[column]
            # The table gives money and placements to 2 decimal places.
            tolerance = min(_decimals(text), 0.005) if name in REAL else 0.0
            reader.see((name, day, line), text, f"{where} {line} {column}", tolerance)
        actual = _number(row["actual_weekly_cost_gbp"])
        weeks = _number(row["weeks_funded"])
        if actual and weeks:
            # actual weekly cost = projected spend / (yearly average x weeks funded).
            tolerance = min(_decimals(row["actual_weekly_cost_gbp"]), 0.005)
            spend = ("kad_spend", day, line)
            reader.ratios.append(
                (max(actual - tolerance, 0) * weeks, (actual + tolerance) * weeks, spend, ("kad_avg", day, line), 1.0)
            )


def read_charts(reader: Reader, chart_data: dict[str, pd.DataFrame]) -> None:
    def cell(value):
        return "[c]" if value is None or (isinstance(value, float) and math.isnan(value)) else value

    exact = 1e-6
    for _, row in chart_data["chart-lac"].iterrows():
        day = _day(row["period_end"])
        num, den, kind = scorecard_keys(row["indicator_code"], "month", day, "all", "all")
        where = f"chart-lac {row['indicator_code']} {day}"
        for column, key in (("numerator", num), ("denominator", den)):
            if column in row and not pd.isna(row[column]) and key is not None:
                reader.see(key, row[column], f"{where} {column}")
        if kind == "num":
            reader.see(num, cell(row["value"]), where)
        else:
            reader.ratio(row["value"], num, den, kind[1], where, exact)
    for _, row in chart_data["chart-flows"].iterrows():
        day = _day(row["period_end"])
        name = "starts" if row["measure_code"] == "lac_starts" else "ceased"
        reader.see((name, "month", day, "ALL"), cell(row["numerator"]), f"chart-flows {name} {day}")
    for _, row in chart_data["chart-placement-mix"].iterrows():
        day = _day(row["period_end"])
        reader.see(
            ("lac_line", day, "budget_line", row["budget_line"]),
            cell(row["numerator"]),
            f"chart-placement-mix {row['budget_line']} {day}",
        )
    for _, row in chart_data["chart-stability"].iterrows():
        day = _day(row["period_end"])
        num, den, kind = scorecard_keys(row["indicator_code"], "month", day, "all", "all")
        where = f"chart-stability {row['indicator_code']} {day}"
        for column, key in (("numerator", num), ("denominator", den)):
            if column in row and not pd.isna(row[column]):
                reader.see(key, row[column], f"{where} {column}")
        reader.ratio(row["value"], num, den, kind[1], where, exact)
    for _, row in chart_data["chart-edge-of-care"].iterrows():
        code = row["measure_code"]
        day = chart_data["_period_end"]
        num, den, kind = scorecard_keys(code, "month", day, "service", row["service"])
        where = f"chart-edge-of-care {code} {row['service']}"
        reader.see(num, cell(row["numerator"]), f"{where} numerator")
        if den is not None and "denominator" in row and not pd.isna(row["denominator"]):
            reader.see(den, row["denominator"], f"{where} denominator")
        if kind == "num":
            reader.see(num, cell(row["value"]), where)
        else:
            reader.ratio(row["value"], num, den, kind[1], where, exact)
    names = {"Waiting list": "camhs_list", "Waiting over 18 weeks": "camhs_over", "Planned trajectory": "camhs_planned"}
    for _, row in chart_data["chart-camhs"].iterrows():
        key = (names[row["series"]], _day(row["week_ending"]), row["pathway"])
        if key[0] == "camhs_planned" and pd.isna(row["children"]):
            continue
        reader.see(key, cell(row["children"]), f"chart-camhs {row['series']} {row['pathway']} {key[1]}")


def compare_html(reader: Reader, html: str, scorecard: list[dict], kad: list[dict]) -> None:
    """The report's tables must withhold exactly what the CSV files withhold (and show nothing more)."""
    headline = {r["indicator_code"]: r for r in scorecard if r["breakdown_type"] == "all"}
    for code, cells in re.findall(r'<tr data-indicator="([^"]+)">(.*?)</tr>', html, re.S):
        shown = dict(re.findall(r'data-field="(\w+)"[^>]*>(.*?)</td>', cells, re.S))
        row = headline.get(code)
        if row is None:
            reader.problems.append(f"report: indicator {code} is not in scorecard_month.csv")
            continue
        for field_name, column in (("actual", "value"), ("previous", "previous_value")):
            in_report = "[c]" in shown.get(field_name, "")
            if in_report != (row[column] == "[c]"):
                reader.problems.append(
                    f"report: {code} {field_name} is '{shown.get(field_name)}' but the CSV has '{row[column]}'"
                )
    kad_rows = re.findall(r'<tr class="(line|group|total)">(.*?)</tr>', html, re.S)
    if len(kad_rows) != len(kad):
        reader.problems.append(f"report: {len(kad_rows)} KAD rows, the CSV has {len(kad)}")
    for (_, cells), row in zip(kad_rows, kad, strict=False):
        shown = dict(re.findall(r'data-field="(\w+)"[^>]*>(.*?)</td>', cells, re.S))
        for column in KAD_CELLS:
            if column in shown and (shown[column] == "[c]") != (row[column] == "[c]"):
                reader.problems.append(
                    f"report: KAD {row['service_type']} {column} is '{shown[column]}' but the CSV has '{row[column]}'"
                )


def read_publication(
    warehouse: Path, period_end: date, exports: dict[str, Path], html: Path, chart_data: dict[str, pd.DataFrame]
) -> Reader:
    """A reader who has everything the report published for `period_end`."""
    reader = Reader(truth=load_truth(warehouse))
    tables = {name: read_csv(path) for name, path in exports.items()}
    for name in ("scorecard_month", "scorecard_financial_year"):
        if name in tables:
            read_scorecard(reader, tables[name], name)
    read_camhs_csv(reader, tables["camhs_waiting_list"], "camhs_waiting_list.csv")
    read_placements_csv(reader, tables["lac_by_placement"], "lac_by_placement.csv")
    read_kad_csv(reader, tables["key_activity_data"], "key_activity_data.csv", period_end)
    read_charts(reader, {**chart_data, "_period_end": period_end})
    compare_html(reader, Path(html).read_text(encoding="utf-8"), tables["scorecard_month"], tables["key_activity_data"])
    add_meaning(reader)
    return reader
